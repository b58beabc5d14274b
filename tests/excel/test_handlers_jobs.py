"""A quarter through the ribbon: each handler with Excel faked and the job real, on the
bundled sample appendix, asserting what the clerk sees (message boxes, questions,
sheets) and that the open master was released while the job rewrote it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

import parc_xl.excel.handlers as h
from parc_xl.io import master_layout as layout
from parc_xl.samples import SAMPLE_APPENDIX, SAMPLE_YEAR
from parc_xl.samples.returns import fill_return, plausible_answers, report_rows
from tests.excel.fake_bridge import FakeBook, FakeBridge, owner_file

TODAY = dt.date(SAMPLE_YEAR, 3, 20)
PERIOD = f"{SAMPLE_YEAR}-Q1"


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run the ribbon buttons in the order a clerk would; keep every fake for the tests."""
    root = tmp_path_factory.mktemp("quarter")
    saved_log_dir, h.LOG_DIR = h.LOG_DIR, root / "logs"
    master = root / "So tong hop CCHC.xlsx"
    seen: dict = {"root": root, "master": master}

    blank = FakeBridge(FakeBook(None), answers=[str(SAMPLE_YEAR)])  # Nhập kế hoạch from an empty Excel (Book1)
    seen["import_result"] = h.dispatch("plan_import", bridge=blank, today=TODAY,
                                       source=SAMPLE_APPENDIX, output=master)
    blank.release()
    seen["import"] = blank

    out_dir = root / "gui_don_vi"
    gen = FakeBridge(FakeBook(master), answers=[PERIOD], yes_no=["yes"])  # with the .eml drafts
    seen["generate_result"] = h.dispatch("units_generate", bridge=gen, today=TODAY, out_dir=out_dir)
    gen.release()
    seen["generate"] = gen

    inbox = root / "hop_thu"
    rng = random.Random(7)
    files = sorted(out_dir.glob("*.xlsx"))
    for i, src in enumerate(files[:-1]):  # the last unit sends nothing
        answers = plausible_answers(report_rows(src), TODAY, rng)
        if i == 0 and answers:
            answers[next(iter(answers))] = {"progress": "Xong 50%"}
        fill_return(src, inbox / src.name, answers, dt.datetime.combine(TODAY, dt.time(9)))
    seen["inbox_files"] = sorted(inbox.glob("*.xlsx"))

    val = FakeBridge(FakeBook(master))
    seen["validate_result"] = h.dispatch("validate", bridge=val, today=TODAY, files=[inbox])
    val.release()
    seen["validate"] = val

    mrg = FakeBridge(FakeBook(master, dirty=True), answers=[PERIOD], yes_no=["yes"])
    seen["merge_result"] = h.dispatch("merge", bridge=mrg, today=TODAY, inbox=inbox)
    mrg.release()
    seen["merge"] = mrg

    st = FakeBridge(FakeBook(master), answers=["20/03/" + str(SAMPLE_YEAR)])
    seen["status_result"] = h.dispatch("status", bridge=st, today=TODAY)
    st.release()
    seen["status"] = st

    rem = FakeBridge(FakeBook(master), answers=[PERIOD, "20/03/" + str(SAMPLE_YEAR)])
    seen["remind_result"] = h.dispatch("remind", bridge=rem, today=TODAY, out_dir=root / "don_doc")
    rem.release()
    seen["remind"] = rem

    rep = FakeBridge(FakeBook(master), answers=[PERIOD, "UBND Thành phố; Sở Nội vụ"])
    seen["report_result"] = h.dispatch("report", bridge=rep, today=TODAY, output=root / "bao_cao.docx")
    rep.release()
    seen["report"] = rep
    h.LOG_DIR = saved_log_dir
    return seen


def test_plan_import_asks_the_year_and_opens_the_new_master(quarter: dict) -> None:
    fake: FakeBridge = quarter["import"]
    assert fake.questions == [("Năm của kế hoạch (ví dụ 2024):", str(TODAY.year))]
    assert fake.events == [f"open {quarter['master'].name}"]


def test_plan_import_message_has_the_counts(quarter: dict) -> None:
    fake: FakeBridge = quarter["import"]
    result = quarter["import_result"]
    assert result is not None, fake.alerts
    assert fake.events[-1] == f"open {quarter['master'].name}"
    [(style, text)] = fake.alerts
    summary = result.summary_vi()
    if len(summary) <= h.MAX_ALERT:
        assert text == summary
    else:  # the box shows the head, the whole summary goes to a file it names
        head, _, where = text.rpartition("\n…\nXem đầy đủ trong tệp ")
        assert summary.startswith(head) and Path(where).read_text(encoding="utf-8-sig") == summary
    assert text.startswith(f"Đã nhập {len(result.plan.tasks)} nhiệm vụ")
    assert len(result.plan.tasks) > 0


def test_units_generate_writes_one_workbook_per_unit(quarter: dict) -> None:
    fake: FakeBridge = quarter["generate"]
    result = quarter["generate_result"]
    assert result is not None, fake.alerts
    assert [d for _, d in fake.questions] == [PERIOD]
    question, (style, text) = fake.alerts
    assert question == ("info", h.MAIL_QUESTION)  # issue 15 item 1: the ribbon offers the drafts
    assert style == "info" and text.startswith("Đã tạo ") and "Quý I" in text
    books = sorted((quarter["root"] / "gui_don_vi").glob("*.xlsx"))
    assert len(books) >= 2
    # the sample registry has no addresses: each unit is named, none silently skipped
    assert {Path(d.eml).stem for d in result.drafts} <= {b.stem for b in books}
    assert len(result.drafts) + len(result.no_address) == len(books)
    assert all(f"Không tạo thư cho {n.unit}" in result.summary_vi() for n in result.no_address)


def test_validate_shows_counts_and_lists_problems_on_a_sheet(quarter: dict) -> None:
    fake: FakeBridge = quarter["validate"]
    result = quarter["validate_result"]
    assert result is not None, fake.alerts
    n = len(quarter["inbox_files"])
    [(style, text)] = fake.alerts
    assert style == "warning" and text.startswith(f"Đã kiểm tra {n} tệp: {n - 1} đạt, 1 có lỗi.")
    rows = fake.book.sheets[h.VALIDATE_SHEET]
    assert rows[0] == h.VALIDATE_HEADER
    errors = [r for r in rows[1:] if r[3] == "Lỗi"]
    assert errors and errors[0][0] == quarter["inbox_files"][0].name
    assert "write Kết quả kiểm tra" in fake.events
    assert layout.SHEET_PLAN in fake.book.sheets  # checked against the master the clerk has open


def test_merge_saves_closes_runs_and_reopens(quarter: dict) -> None:
    fake: FakeBridge = quarter["merge"]
    result = quarter["merge_result"]
    assert result is not None, fake.alerts
    assert fake.events[:2] == ["save", "close"]
    assert fake.events[2] == f"open {quarter['master'].name}"
    assert fake.events[3] == f"activate {layout.SHEET_SUBMISSIONS}"
    assert fake.alerts[0][1].endswith("Lưu ngay để tổng hợp?")
    assert fake.alerts[-1][1] == h.fit_alert(result.summary_vi(), "x")
    assert fake.alerts[-1][1].startswith(f"Tổng hợp Quý I/{SAMPLE_YEAR}: nhận {len(quarter['inbox_files']) - 1} tệp, từ chối 1 tệp")
    assert fake.status_texts == ["CCHC: đang tổng hợp báo cáo các đơn vị…", None]
    backups = list((quarter["root"] / "sao_luu").glob("*.xlsx"))
    assert backups, "merge keeps the previous master"


def test_status_and_report_rewrite_the_master_and_show_counts(quarter: dict) -> None:
    for name, _sheet in (("status", layout.SHEET_DASHBOARD), ("report", layout.SHEET_DASHBOARD)):
        fake: FakeBridge = quarter[name]
        result = quarter[f"{name}_result"]
        assert result is not None, fake.alerts
        assert fake.events[:2] == ["close", f"open {quarter['master'].name}"]
        assert fake.alerts == [("info" if result.exit_code == 0 else "warning", h.fit_alert(result.summary_vi(), "x"))]
    assert quarter["report"].events[2] == f"activate {layout.SHEET_DASHBOARD}"
    assert (quarter["root"] / "bao_cao.docx").stat().st_size > 0
    sheets = CalamineWorkbook.from_path(str(quarter["master"])).sheet_names
    assert layout.SHEET_DASHBOARD in sheets and layout.SHEET_OVERDUE in sheets


def test_remind_asks_period_and_date_and_writes_letters_with_the_master_left_open(quarter: dict) -> None:
    from email import message_from_bytes, policy

    fake: FakeBridge = quarter["remind"]
    result = quarter["remind_result"]
    assert result is not None, fake.alerts
    assert [p for p, _ in fake.questions] == [fake.questions[0][0], "Đôn đốc tính đến ngày (ngày/tháng/năm):"]
    assert [d for _, d in fake.questions] == [PERIOD, TODAY.strftime("%d/%m/%Y")]
    assert "close" not in fake.events  # read only: the book stays open in Excel
    [(style, text)] = fake.alerts
    summary = result.summary_vi()
    head = text.split("\n…\nXem đầy đủ trong tệp ")[0]
    assert style == "info" and summary.startswith(head) and head.startswith("Đã tạo ")
    # the unit that sent nothing (the fixture's last workbook) is chased for its return
    silent = sorted((quarter["root"] / "gui_don_vi").glob("*.xlsx"))[-1].stem.split("_", 1)[1]
    letter = next(x for x in result.letters if x.unit == silent)
    assert letter.reminder.missing_return is not None and Path(letter.file).is_file()
    if letter.eml:
        msg = message_from_bytes(Path(letter.eml).read_bytes(), policy=policy.default)
        [att] = list(msg.iter_attachments())
        assert att.get_payload(decode=True) == Path(letter.file).read_bytes()
    assert Path(result.summary).is_file()


def test_a_master_still_open_in_excel_is_refused_by_the_job(quarter: dict, tmp_path: Path) -> None:
    """Why the handler closes the book: the job sees Excel's owner file and writes nothing."""
    from parc_xl.errors import MasterBusyError
    from parc_xl.jobs import status

    owner_file(quarter["master"]).write_text("excel")
    try:
        with pytest.raises(MasterBusyError, match="đang mở trong Excel"):
            status.run(master=quarter["master"], as_of=TODAY)
    finally:
        owner_file(quarter["master"]).unlink()


def _recipients(docx_path: Path) -> list[str]:
    """The lines of the report's «Nơi nhận» block (the signature table's left cell)."""
    from docx import Document

    cell = next(c for t in Document(str(docx_path)).tables for row in t.rows for c in row.cells
                if c.text.startswith("Nơi nhận"))
    return [p.text for p in cell.paragraphs][1:]


def test_report_asks_for_the_addressees_and_remembers_them(quarter: dict, tmp_path: Path) -> None:
    """Issue 14 item 15: the ribbon's «Báo cáo» asks for Nơi nhận (the CLI's --noi-nhan),
    first offering Sở Nội vụ, then the addressees of the last report, kept in the master."""
    import shutil

    fake: FakeBridge = quarter["report"]
    assert fake.questions[1] == (h.RECIPIENTS_PROMPT, "Sở Nội vụ")
    assert _recipients(quarter["root"] / "bao_cao.docx")[:2] == ["- UBND Thành phố;", "- Sở Nội vụ;"]

    master = Path(shutil.copy(quarter["master"], tmp_path / quarter["master"].name))
    again = FakeBridge(FakeBook(master), answers=[PERIOD, ""])  # the clerk clears the box
    h.dispatch("report", bridge=again, today=TODAY, output=tmp_path / "bao_cao_2.docx")
    again.release()
    assert again.questions[1] == (h.RECIPIENTS_PROMPT, "UBND Thành phố; Sở Nội vụ")
    assert _recipients(tmp_path / "bao_cao_2.docx")[0] == "- [Tên cơ quan nhận báo cáo];"  # the marked blank

    cancelled = FakeBridge(FakeBook(master), answers=[PERIOD, None])
    assert h.dispatch("report", bridge=cancelled, today=TODAY, output=tmp_path / "bao_cao_3.docx") is None
    cancelled.release()
    assert not (tmp_path / "bao_cao_3.docx").exists() and cancelled.events == []
