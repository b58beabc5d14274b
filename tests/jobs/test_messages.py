"""What the clerk reads on screen and in the master (issue 14 items 1-4, 7, 9), run on the
bundled demo quarter: real files, real jobs."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from parc_xl import cli
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.jobs import demo, merge, report, status, units_generate


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "demo_out"
    demo.run(folder)
    return folder


@pytest.fixture
def office(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo folder (jobs below write to it)."""
    dst = tmp_path / "office"
    shutil.copytree(demo_dir, dst)
    return dst


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _sheet(master: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(master)).get_sheet_by_name(name).to_python()


# --- 1. validate prints each problem, errors first, capped; a missing file is named ---------

def test_validate_prints_each_problem_errors_first(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = office / "hop_thu" / "2026-Q1_PGDDT.xlsx"
    code = cli.main(["validate", str(bad), str(office / "khong_co.xlsx"), "--master",
                     str(office / "so_theo_doi.xlsx"), "--as-of", "20/03/2026"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == "Đã kiểm tra 1 tệp: 0 đạt, 1 có lỗi. Không đọc được 1 tệp."
    assert out[1] == "2026-Q1_PGDDT.xlsx: có lỗi (2 lỗi, 0 cảnh báo)"
    assert out[2].startswith('  Lỗi: Báo cáo!H10 — Ô H10 (Tiến độ): "Xong 50%" không có trong danh sách')
    assert out[3].startswith('  Lỗi: Báo cáo!I10 — Ô I10 (Ngày hoàn thành): "3/25/2026" có vẻ được viết')
    assert out[4] == "khong_co.xlsx: không đọc được — Không tìm thấy tệp «khong_co.xlsx»."
    assert not any("progress-invalid" in line for line in out)  # codes stay in --json


def test_validate_caps_the_list_and_points_to_annotate(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a template straight from units generate: every lead task is "not reported" (warnings)
    book = next(p for p in sorted((office / "gui_don_vi").glob("*.xlsx")) if "PNV" in p.name)
    cli.main(["validate", str(book), "--master", str(office / "so_theo_doi.xlsx")])
    out = capsys.readouterr().out.splitlines()
    shown = [line for line in out if line.startswith("  Cảnh báo: ")]
    assert len(shown) == 15
    assert out[-1].startswith("  … và ") and "--annotate THU_MUC" in out[-1]


def test_a_missing_file_alone_is_unusable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(tmp_path / "khong_co.xlsx")]) == 2
    out = capsys.readouterr().out
    assert out.startswith("Đã kiểm tra 0 tệp: 0 đạt, 0 có lỗi. Không đọc được 1 tệp.")
    assert "Không tìm thấy tệp «khong_co.xlsx»" in out


# --- 2. Nộp báo cáo: the note shows the error that refused the file ------------------------

def test_submission_note_shows_the_error_before_warnings(office: Path) -> None:
    rows = _sheet(office / "so_theo_doi.xlsx", L.SHEET_SUBMISSIONS)
    header = rows[0]
    note = header.index("Ghi chú")
    refused = next(r for r in rows[1:] if "PGDDT" in str(r[header.index("Tệp")]))
    assert str(refused[note]).startswith('H10: Ô H10 (Tiến độ): "Xong 50%" không có trong danh sách')


def test_note_order_with_a_warning_found_first(office: Path, tmp_path: Path) -> None:
    from parc_xl.domain.problems import error, warning
    from parc_xl.domain.submissions import submission_note

    note = submission_note([warning("not-reported", "Ô H5 (Tiến độ): chưa báo cáo nhiệm vụ đơn vị chủ trì.",
                                    cell="H5"),
                            error("locked-cell-changed", "Ô B34 thuộc nội dung kế hoạch và không được sửa.",
                                  cell="B34")])
    assert note == "B34: Ô B34 thuộc nội dung kế hoạch và không được sửa.; và 1 vấn đề khác"


# --- 3. a period outside the plan year, the wrong master: refused, nothing written ---------

def test_units_generate_refuses_a_period_of_another_year(office: Path) -> None:
    out = office / "moi"
    with pytest.raises(InputError, match=r"Quý I/2025 \(2025-Q1\) không thuộc kế hoạch năm 2026"):
        units_generate.run(office / "so_theo_doi.xlsx", "2025-Q1", out)
    assert not out.exists()


def test_merge_refuses_a_period_of_another_year_and_writes_nothing(office: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(office)
    code = cli.main(["merge", str(office / "so_theo_doi.xlsx"), str(office / "hop_thu"), "--period", "2025-Q1"])
    assert code == 2
    assert "không thuộc kế hoạch năm 2026" in capsys.readouterr().err
    assert _digest(office) == before


def test_merging_into_the_wrong_master_writes_nothing(office: Path, tmp_path: Path) -> None:
    from parc_xl.samples import SAMPLE_APPENDIX
    from parc_xl.jobs import plan_import

    other = tmp_path / "nam_2027" / "so_theo_doi.xlsx"
    other.parent.mkdir()
    plan_import.run(SAMPLE_APPENDIX, 2027, other)
    before = _digest(other.parent)
    with pytest.raises(InputError, match="Không tệp nào trong hộp thư thuộc kế hoạch năm 2027") as err:
        merge.run(other, office / "hop_thu", "2027-Q1")
    assert {p.code for p in err.value.problems} == {"wrong-year"}
    assert _digest(other.parent) == before


# --- 4. report keeps the clerk's last status date; --json says which -----------------------

def test_report_without_as_of_keeps_the_last_status_date(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master = office / "so_theo_doi.xlsx"
    status.run(master, dt.date(2026, 3, 20))
    overdue_before = _sheet(master, L.SHEET_OVERDUE)
    code = cli.main(["report", str(master), "--period", "2026-Q1", "-o", str(office / "bc.docx"), "--json"])
    assert code == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-03-20" and out["as_of_source"] == "status"
    assert _sheet(master, L.SHEET_OVERDUE) == overdue_before  # the Quá hạn list the clerk had
    text = report.run(master, "2026-Q1", office / "bc2.docx").summary_vi()
    assert text.endswith("tính đến ngày 20/03/2026 (ngày cập nhật trạng thái gần nhất).")


def test_report_as_of_rules() -> None:
    from parc_xl.domain.periods import Period

    q1, h1 = Period.parse("2026-Q1"), Period.parse("2026-H1")
    assert report.report_as_of(q1, dt.date(2026, 3, 20)) == (dt.date(2026, 3, 20), "status")
    assert report.report_as_of(h1, dt.date(2026, 3, 10), dt.date(2026, 12, 1)) == (dt.date(2026, 6, 14), "cut-off")
    assert report.report_as_of(q1, None, dt.date(2026, 12, 1)) == (dt.date(2026, 3, 14), "cut-off")


# --- 7. Vietnamese help and argument errors ---------------------------------------------------

@pytest.mark.parametrize("argv", [["--help"], ["merge", "--help"], ["plan", "import", "--help"],
                                  ["units", "generate", "--help"], ["validate", "--help"], ["status", "--help"],
                                  ["report", "--help"], ["deadline", "--help"], ["demo", "--help"]])
def test_help_is_vietnamese_with_an_example(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: parc-xl") and "Ví dụ:\n  parc-xl " in out
    for english in ("usage", "show this help", "positional arguments", "options:", "show program"):
        assert english not in out


def test_period_year_and_output_are_explained(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["units", "generate", "--help"], ["plan", "import", "--help"], ["report", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
    out = " ".join(capsys.readouterr().out.split())  # the help wraps to the terminal's width
    assert "--period KỲ" in out and "NĂM-Q1 (Quý I)" in out
    assert "--year NĂM" in out and "năm của kế hoạch" in out
    assert "-o SO_THEO_DOI.xlsx, --output SO_THEO_DOI.xlsx sổ theo dõi sẽ tạo (.xlsx)" in out
    assert "--output THU_MUC thư mục ghi các tệp gửi đơn vị" in out and "tệp báo cáo sẽ ghi (.docx)" in out


def test_argument_errors_are_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["merge", "so.xlsx"]) == 2
    assert capsys.readouterr().err == ("Tham số không hợp lệ: thiếu tham số bắt buộc: HOP_THU, --period\n"
                                       "Xem hướng dẫn: parc-xl merge --help\n")
    assert cli.main(["plan", "import", "a.docx", "--year", "hai nghìn", "-o", "x.xlsx"]) == 2
    assert "tham số --year: năm «hai nghìn» không hợp lệ" in capsys.readouterr().err
    assert cli.main(["gop"]) == 2
    assert "lựa chọn 'gop' không có; hãy chọn một trong" in capsys.readouterr().err
    assert cli.main(["status", "so.xlsx", "--bogus"]) == 2
    assert "không hiểu tham số: --bogus" in capsys.readouterr().err


# --- 9. the demo never deletes what it did not write -------------------------------------------

def test_demo_refuses_a_folder_with_the_users_files(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "so_theo_doi.xlsx").write_bytes(b"the clerk's real master")
    with pytest.raises(InputError, match="không do bản chạy thử tạo ra"):
        demo.run(folder)
    assert (folder / "so_theo_doi.xlsx").read_bytes() == b"the clerk's real master"


def test_demo_reruns_over_its_own_files_but_keeps_added_ones(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(demo_dir, folder)
    demo.run(folder)  # only its own, unchanged files: reused
    (folder / "hop_thu" / "ghi_chu_cua_toi.txt").write_text("của tôi", encoding="utf-8")
    with pytest.raises(InputError, match=r"ghi_chu_cua_toi\.txt"):
        demo.run(folder)
    assert (folder / "hop_thu" / "ghi_chu_cua_toi.txt").read_text(encoding="utf-8") == "của tôi"
    assert (folder / "so_theo_doi.xlsx").exists()
