"""Ribbon handlers run headless: Excel replaced by FakeBridge (records alerts, questions,
writes; keeps Excel's owner file while a book is open), the jobs underneath real."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from parc_xl.domain.calendar import parse_user_date
from parc_xl.domain.periods import working_period

import parc_xl
import parc_xl.excel.handlers as h
from parc_xl.errors import InputError
from tests.excel.fake_bridge import FakeBook, FakeBridge, owner_file

TODAY = dt.date(2024, 4, 2)


def has_job(name: str) -> bool:
    return importlib.util.find_spec(f"parc_xl.jobs.{name}") is not None


def hex16(text: str) -> str:
    """Port of CchcCore.Hex16: UTF-16 code units, 4 upper-case hex digits each."""
    data = text.encode("utf-16-be")
    return "".join(f"{data[i]:02X}{data[i + 1]:02X}" for i in range(0, len(data), 2))


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """A small workbook standing in for the master (the dispatch tests never read it)."""
    from openpyxl import Workbook

    from parc_xl.io import master_layout as layout

    p = tmp_path / "So tong hop.xlsx"
    wb = Workbook()
    wb.active.title = layout.SHEET_PLAN
    wb.create_sheet(layout.SHEET_SUBMISSIONS)
    wb.save(p)
    return p


# --- dispatch and the questions ---------------------------------------------------------


def test_unknown_button_is_a_vietnamese_message(master: Path) -> None:
    fake = FakeBridge(FakeBook(master))
    assert h.dispatch("no_such_button", bridge=fake) is None
    assert fake.alerts == [("critical", f"Nút «no_such_button» không có trong bản parc-xl đang cài ({parc_xl.__version__}).")]


def test_every_ribbon_button_has_a_handler() -> None:
    from lxml import etree

    ribbon = etree.parse(str(Path(__file__).parents[2] / "macros" / "customUI14.xml"))
    ids = {b.get("id") for b in ribbon.iter("{*}button")}
    assert ids == set(h.HANDLERS)


def test_never_saved_book_is_refused_before_any_question(tmp_path: Path) -> None:
    fake = FakeBridge(FakeBook(None))
    h.dispatch("merge", bridge=fake, today=TODAY, inbox=tmp_path)
    assert fake.questions == [] and fake.events == []
    assert fake.alerts == [("warning", "Sổ này chưa được lưu thành tệp trên máy. Hãy lưu sổ (Tệp → Lưu thành) "
                                       "rồi bấm lại để tổng hợp.")]


def test_unsaved_changes_declined_means_nothing_runs(master: Path, tmp_path: Path) -> None:
    fake = FakeBridge(FakeBook(master, dirty=True), yes_no=["no"])
    assert h.dispatch("status", bridge=fake, today=TODAY) is None
    assert [t for _, t in fake.alerts] == [
        "Sổ So tong hop.xlsx có thay đổi chưa lưu. Lưu ngay để cập nhật trạng thái?",
        "Chưa cập nhật trạng thái: sổ còn thay đổi chưa lưu. Không có gì bị thay đổi.",
    ]
    assert fake.events == [] and fake.questions == []


def test_period_question_suggests_the_current_period_and_reasks_on_bad_input(master: Path, tmp_path: Path) -> None:
    fake = FakeBridge(FakeBook(master), answers=["quy 1", None])
    h.dispatch("merge", bridge=fake, today=TODAY, inbox=tmp_path)
    assert [d for _, d in fake.questions] == ["2024-Q1", "quy 1"]
    assert fake.alerts[0][0] == "warning" and "Kỳ báo cáo «quy 1» không hợp lệ" in fake.alerts[0][1]
    assert len(fake.alerts) == 1 and fake.events == []  # cancelled: nothing closed, nothing run


@pytest.mark.parametrize(("today", "period"), [
    (dt.date(2024, 1, 5), "2024-Q1"), (dt.date(2024, 3, 30), "2024-Q1"), (dt.date(2024, 4, 10), "2024-H1"),
    (dt.date(2024, 9, 20), "2024-Q3"), (dt.date(2024, 10, 30), "2024-Y"), (dt.date(2024, 12, 31), "2024-Y"),
])
def test_default_period(today: dt.date, period: str) -> None:
    assert working_period(today).code == period


def test_status_date_question_takes_dd_mm_yyyy(master: Path) -> None:
    fake = FakeBridge(FakeBook(master), answers=["31/13/2024", None])
    h.dispatch("status", bridge=fake, today=TODAY)
    assert fake.questions[0][1] == "02/04/2024"
    assert fake.alerts == [("warning", "Ngày «31/13/2024» không hợp lệ: cần dạng ngày/tháng/năm, ví dụ 31/03/2024.")]
    assert parse_user_date("31/03/2024") == dt.date(2024, 3, 31)


def test_job_input_error_is_shown_and_the_master_reopened(master: Path, tmp_path: Path, monkeypatch) -> None:
    class FailingJob:
        @staticmethod
        def run(**kwargs):
            assert not owner_file(master).exists(), "job ran while Excel still held the file"
            raise InputError("Thư mục hộp thư không tồn tại.")

    monkeypatch.setattr(h, "job", lambda name: FailingJob)
    fake = FakeBridge(FakeBook(master, dirty=True), answers=["2024-Q1"], yes_no=["yes"])
    h.dispatch("merge", bridge=fake, today=TODAY, inbox=tmp_path / "missing")
    fake.release()
    assert fake.events[:2] == ["save", "close"]
    assert fake.alerts[-1] == ("critical", "Thư mục hộp thư không tồn tại.")
    assert fake.status_texts == ["CCHC: đang tổng hợp báo cáo các đơn vị…", None]


def test_unexpected_error_names_the_log_file(master: Path, tmp_path: Path, monkeypatch) -> None:
    class BrokenJob:
        @staticmethod
        def run(**kwargs):
            raise KeyError("Tiến độ")

    monkeypatch.setattr(h, "job", lambda name: BrokenJob)
    monkeypatch.setattr(h, "LOG_DIR", tmp_path / "logs")
    fake = FakeBridge(FakeBook(master), answers=["2024-H1", "Sở Nội vụ"])
    h.dispatch("report", bridge=fake, today=TODAY, output=tmp_path / "bc.docx")
    fake.release()
    style, text = fake.alerts[-1]
    assert style == "critical" and text.startswith("Lỗi ngoài dự kiến khi chạy «report»: KeyError: 'Tiến độ'")
    log = next((tmp_path / "logs").glob("loi_*_report.txt"))
    assert str(log) in text and "KeyError" in log.read_text(encoding="utf-8")


def test_missing_job_module_is_reported_in_vietnamese() -> None:
    with pytest.raises(parc_xl.errors.ParcError, match="Chức năng «no_such_job» chưa có"):
        h.job("no_such_job")


# --- the VBA entry point -----------------------------------------------------------------


def test_from_vba_decodes_hex_arguments_with_vietnamese_and_cmd_metacharacters(tmp_path: Path, monkeypatch) -> None:
    import xlwings

    seen = {}
    monkeypatch.setitem(h.HANDLERS, "report", lambda bridge, today, **kw: seen.update(kw))
    weird = r"C:\Users\Nguyễn Văn A\Báo cáo 100% & 'quý' ^1\bc.docx"
    h.from_vba(parc_xl.__version__, xlwings.__version__, "report", "output", hex16(weird),
               bridge=FakeBridge(FakeBook(None)))
    assert seen == {"output": Path(weird)}


def test_from_vba_expands_folders_among_picked_files(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"")
    (tmp_path / "~$a.xlsx").write_bytes(b"")
    (tmp_path / "b.xlsx").write_bytes(b"")
    other = tmp_path / "c.xlsx"
    args = h.decode_args(("files", hex16(f"{tmp_path}\n{other}")))
    assert args == {"files": [tmp_path / "a.xlsx", tmp_path / "b.xlsx", other]}


def test_from_vba_refuses_a_mismatched_addin() -> None:
    import xlwings

    fake = FakeBridge(FakeBook(None))
    h.from_vba("0.0.9", xlwings.__version__, "check_install", bridge=fake)
    [(style, text)] = fake.alerts
    assert style == "critical"
    assert text.startswith("Phiên bản không khớp giữa phần bổ trợ Excel và gói Python:\n"
                           f"phần bổ trợ: parc-xl 0.0.9, xlwings {xlwings.__version__}\n")
    assert text.endswith("Hãy chạy lại «py -m parc_xl addin install» để cài phần bổ trợ đúng phiên bản.")


def test_check_install_reports_python_and_versions(tmp_path: Path) -> None:
    import sys

    import xlwings

    fake = FakeBridge(FakeBook(None))
    h.from_vba(parc_xl.__version__, xlwings.__version__, "check_install",
               "addin_path", hex16(r"C:\Users\a\XLSTART\parc_xl.xlam"), bridge=fake)
    [(style, text)] = fake.alerts
    assert style == "info"
    assert f"Python: {sys.executable}" in text
    assert f"parc-xl: {parc_xl.__version__} · xlwings: {xlwings.__version__}" in text
    assert r"Phần bổ trợ: C:\Users\a\XLSTART\parc_xl.xlam" in text


def test_validation_rows_flatten_the_json_contract() -> None:
    rows = h.validation_rows({"files": [
        {"file": "/in/2024-Q1_STP.xlsx", "unit": "STP", "period": "2024-Q1", "ok": False, "issues": [
            {"code": "progress", "severity": "error", "sheet": "Báo cáo", "cell": "H5", "task_key": "1.2",
             "message": "Tiến độ trống."}]},
        {"file": "/in/2024-Q1_SYT.xlsx", "unit": "SYT", "period": "2024-Q1", "ok": True, "issues": []},
    ]})
    assert rows == [
        h.VALIDATE_HEADER,
        ["2024-Q1_STP.xlsx", "STP", "2024-Q1", "Lỗi", "Báo cáo", "H5", "1.2", "Tiến độ trống."],
        ["2024-Q1_SYT.xlsx", "SYT", "2024-Q1", "", "", "", "", "Không có lỗi."],
    ]


def test_long_summary_is_cut_for_the_message_box_and_kept_whole_in_a_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(h, "LOG_DIR", tmp_path)
    text = "\n".join(f"  - Nhiệm vụ {i}: hạn «cuối quý» chưa rõ năm." for i in range(60))
    shown = h.fit_alert(text, "ImportResult")
    assert len(shown) < 1024 and shown.startswith("  - Nhiệm vụ 0:")
    full = next(tmp_path.glob("ket_qua_*_ImportResult.txt"))
    assert shown.endswith(f"\n…\nXem đầy đủ trong tệp {full}")
    assert full.read_text(encoding="utf-8-sig") == text
    assert h.fit_alert("ngắn", "X") == "ngắn"


def test_from_vba_with_garbled_arguments_says_so() -> None:
    import xlwings

    fake = FakeBridge(FakeBook(None))
    assert h.from_vba(parc_xl.__version__, xlwings.__version__, "merge", "inbox", "00Z", bridge=fake) is None
    [(style, text)] = fake.alerts
    assert style == "critical" and text.startswith("Phần bổ trợ gửi tham số không đọc được")


def test_files_list_from_a_utf16_temp_file_has_no_count_cap(tmp_path: Path) -> None:
    """Kiểm tra with many files: VBA writes the list to a UTF-16 file (any length) and
    passes only its path; Python reads and deletes it."""
    from parc_xl.excel import handlers as hh

    names = [tmp_path / f"Đơn vị {i:03d}.xlsx" for i in range(300)]
    listing = tmp_path / "parc_xl_files.txt"
    listing.write_text("\r\n".join(str(p) for p in names), encoding="utf-16")
    args = hh.decode_args(("files_list", str(listing).encode("utf-16-be").hex()))
    assert args == {"files": names}
    assert not listing.exists()
