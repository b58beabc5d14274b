"""The unit workbook as a file: layout, protection, validation, hidden metadata, reading."""

from __future__ import annotations

import sys

import datetime as dt
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.errors import InputError
from parc_xl.io.annotate import annotate
from parc_xl.io.unit_book import (
    COLUMNS, FORMAT_ID, MAX_ROWS, SHEET_META, SHEET_REPORT, TEMPLATE_VERSION, read_unit_book,
)
from parc_xl.domain.problems import error, warning

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unit_books import AS_OF, COL, GOOD_ANSWERS, PERIOD, fill, generate, make_plan


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    return generate(tmp_path)


def test_layout_of_the_report_sheet(book: Path) -> None:
    wb = load_workbook(book)
    assert wb.sheetnames == ["Hướng dẫn", SHEET_REPORT, SHEET_META]
    ws = wb[SHEET_REPORT]
    assert ws["A1"].value == "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024"
    assert ws["A2"].value == "Đơn vị: Phòng Nội vụ huyện (mã PNV) — Kỳ báo cáo: Quý I/2024"
    assert [c.value for c in ws[4]] == [c.header for c in COLUMNS]
    assert [ws[f"P{r}"].value for r in range(5, 10)] == ["1.1", "1.2", "2.1", "2.2", "3.2"]  # Khóa, last (after the two request columns)
    assert [ws[f"D{r}"].value for r in range(5, 10)] == ["Chủ trì", "Chủ trì", "Chủ trì", "Phối hợp", "Chủ trì"]
    # Hạn: the quarterly task's instance for quý I, a real date shown dd/mm/yyyy
    assert ws["F6"].value.date() == dt.date(2024, 3, 31) and ws["F6"].number_format == "dd/mm/yyyy"
    assert ws["F8"].value is None  # event-driven: no fixed date
    assert ws["G7"].value == "≥ 99%"
    # "- Kế hoạch" is text with Excel's quote prefix, not a formula
    assert ws["C9"].value == "- Kế hoạch" and ws["C9"].data_type == "s" and ws["C9"].quotePrefix
    # locked+shaded plan cells, unlocked fill cells
    assert ws["B5"].protection.locked and ws["B5"].fill.fgColor.rgb.endswith("E7E6E6")
    assert all(not ws[f"{COL[f]}5"].protection.locked for f in ("progress", "completed_on", "evidence",
                                                                 "figure", "difficulties", "proposals"))
    assert ws["I5"].number_format == "dd/mm/yyyy"
    assert ws["B5"].font.name == "Times New Roman" and ws["B5"].alignment.wrap_text
    assert ws.protection.sheet and wb.security.lockStructure
    assert ws.freeze_panes == "B5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert wb[SHEET_META].sheet_state == "veryHidden"


def test_the_row_key_is_out_of_the_way_and_stt_in_front(book: Path) -> None:
    """Issue 14 item 20: the unit sees the STT it knows first; the key the merge uses
    ("1.4#1") is kept but last, narrow, in small grey text and off the printed page."""
    ws = load_workbook(book)[SHEET_REPORT]
    headers = [c.value for c in ws[4]]
    assert headers[0] == "STT" and headers[-1] == "Khóa" and headers[-2] == "Lý do điều chỉnh"
    assert [ws[f"A{r}"].value for r in range(5, 10)] == ["1.1", "1.2", "2.1", "2.2", "3.2"]
    assert ws.column_dimensions["P"].width <= 8
    for ref in ("P4", "P5", "P9"):
        assert ws[ref].font.sz <= 8 and ws[ref].font.color.rgb.endswith("808080"), ref
    assert ws["A5"].font.sz == 11 and not (ws["A5"].font.color and str(ws["A5"].font.color.rgb).endswith("808080"))
    assert ws.print_area == f"'{SHEET_REPORT}'!$A$1:$O$1048576"  # the page ends at «Lý do điều chỉnh»
    assert {str(m) for m in ws.merged_cells.ranges} == {"A1:O1", "A2:O2", "A3:O3"}  # titles centred on the page


def test_data_validation_with_vietnamese_messages(book: Path) -> None:
    ws = load_workbook(book)[SHEET_REPORT]
    dvs = {dv.promptTitle if dv.type == "date" else dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(dvs) == {"list", "Ngày hoàn thành", "Hạn đề nghị", "decimal"}
    lst = dvs["list"]
    assert lst.formula1 == '"Chưa triển khai,Đang thực hiện,Đã hoàn thành,Đề nghị điều chỉnh"'
    assert str(lst.sqref) == "H5:H9" and lst.showErrorMessage and lst.errorTitle == "Tiến độ không hợp lệ"
    assert str(dvs["Ngày hoàn thành"].sqref) == "I5:I9" and "dd/mm/yyyy" in dvs["Ngày hoàn thành"].error
    # the extension request's proposed deadline (columns N «Hạn đề nghị», O «Lý do điều chỉnh»)
    assert str(dvs["Hạn đề nghị"].sqref) == "N5:N9" and "dd/mm/yyyy" in dvs["Hạn đề nghị"].error
    assert [ws.cell(row=4, column=c).value for c in (14, 15)] == ["Hạn đề nghị", "Lý do điều chỉnh"]
    assert str(dvs["decimal"].sqref) == "K7"  # only the task with a target
    for dv in dvs.values():
        assert len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32 and len(dv.errorTitle) <= 32


def test_metadata_and_fast_read(book: Path) -> None:
    ret = read_unit_book(book)
    assert ret.is_parc_xl and ret.meta["format"] == FORMAT_ID
    assert ret.meta["unit"] == "PNV" and ret.meta["period"] == PERIOD
    assert ret.meta["template_version"] == TEMPLATE_VERSION
    assert ret.meta["plan_fingerprint"] == plan_fingerprint(make_plan())
    assert [k for k, _, _ in ret.meta_rows] == ["1.1", "1.2", "2.1", "2.2", "3.2"]
    assert ret.meta_digest == ret.computed_meta_digest()
    assert ret.header_row == 4 and [r for r, _ in ret.rows] == [5, 6, 7, 8, 9]
    assert ret.formulas == set() and ret.hidden_rows == set()


def test_two_hundred_rows_are_read_and_pass(tmp_path: Path) -> None:
    """The functional half of the old timing test; its speed is measured by
    benchmarks/unit_book_read.py (speed targets live in benchmarks/, not in timed tests)."""
    from parc_xl.domain.models import Deadline, Plan, Task
    from unit_books import make_registry
    from parc_xl.jobs.validate import check_file
    from parc_xl.jobs import units_generate

    plan = Plan(year=2024, tasks=[
        Task(key=f"{i}", stt=f"{i}", area="1", task=f"Nhiệm vụ {i} đạt 95% trở lên", lead_units=["PNV"],
             deadline_text="Quý I/2024", deadline=Deadline(kind="date", due=dt.date(2024, 3, 31)))
        for i in range(1, 201)])
    path = Path(units_generate.generate(plan, make_registry(), PERIOD, tmp_path, ["PNV"]).files[0])
    report = check_file(path, plan, make_registry(), AS_OF)
    assert len(report.rows) == 200 and report.ok
    assert [r.key for r in report.rows] == [str(i) for i in range(1, 201)]


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        read_unit_book(path)
    assert len(exc.value.problems) == 1
    return exc.value.problems[0].code


def test_bad_packages_are_refused_with_one_problem(tmp_path: Path) -> None:
    text = tmp_path / "ghi_chu.xlsx"
    text.write_text("không phải Excel", encoding="utf-8")
    assert _refused(text) == "not-xlsx"
    xls = tmp_path / "cu.xls"
    xls.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    assert _refused(xls) == "xls-format"
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert _refused(broken) == "not-xlsx"
    assert _refused(tmp_path / "khong_co.xlsx") == "file-missing"


def test_encrypted_workbook_is_refused(tmp_path: Path, book: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool makes the encrypted sample")
    enc = tmp_path / "mat_khau.xlsx"
    with book.open("rb") as src, enc.open("wb") as dst:
        msoffcrypto.OfficeFile(src).encrypt("123456", dst)
    assert _refused(enc) == "encrypted"


def test_zip_bomb_is_refused_quickly(tmp_path: Path, book: Path) -> None:
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/media/zeros.bin", b"\0" * (60 * 1024 * 1024))
    start = time.perf_counter()
    assert _refused(bomb) == "too-large"
    # A hang guard, not a speed target (benchmarks/ measures speed): inflating the 60 MB entry
    # is what must not happen; refused from the zip directory it takes milliseconds.
    assert time.perf_counter() - start < 10


def test_million_row_sheet_is_refused_quickly(tmp_path: Path, book: Path) -> None:
    from unit_books import edit_xml, sheet_part

    big = tmp_path / "trieu_dong.xlsx"
    big.write_bytes(book.read_bytes())
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(10, 1_000_001, 997))
    rows += '<row r="1000000"><c r="A1000000"><v>1</v></c></row>'
    edit_xml(big, sheet_part(big), lambda x: x.replace("</sheetData>", rows + "</sheetData>"))
    start = time.perf_counter()
    assert _refused(big) == "too-large"
    # A hang guard, not a speed target: the declared/scanned row count refuses it before any
    # reader builds a million rows.
    assert time.perf_counter() - start < 10
    assert MAX_ROWS == 5000


def test_annotated_copy_marks_cells_and_lists_problems(tmp_path: Path, book: Path) -> None:
    fill(book, GOOD_ANSWERS)
    before = book.read_bytes()
    problems = [error("date-invalid", "Ô I5 (Ngày hoàn thành): sai.", sheet=SHEET_REPORT, cell="I5", task_key="1.1"),
                warning("progress-synonym", "Ô H6 (Tiến độ): hiểu là.", sheet=SHEET_REPORT, cell="H6", task_key="1.2"),
                error("row-deleted", "Dòng 1.9 đã bị xóa.", task_key="1.9")]
    dst = annotate(book, tmp_path / "out" / "danh_dau.xlsx", problems)
    assert book.read_bytes() == before  # the original is never modified
    wb = load_workbook(dst)
    assert wb.sheetnames[0] == "Kết quả kiểm tra"
    ws = wb[SHEET_REPORT]
    assert ws["I5"].fill.fgColor.rgb.endswith("FFC7CE") and "Lỗi: Ô I5" in ws["I5"].comment.text
    assert ws["H6"].fill.fgColor.rgb.endswith("FFEB9C") and "Cảnh báo" in ws["H6"].comment.text
    chk = wb["Kết quả kiểm tra"]
    assert [c.value for c in chk[4]] == ["Mức độ", "Loại", "Ô", "Nhiệm vụ", "Nội dung"]
    rows = [[c.value for c in r] for r in chk.iter_rows(min_row=5)]
    assert rows[0][:4] == ["Lỗi", "Ngày không hợp lệ", "I5", "1.1"]  # the label, never the code
    assert ["Lỗi", "Dòng bị xóa", None, "1.9", "Dòng 1.9 đã bị xóa."] in rows
    assert chk["C5"].hyperlink.location == "'Báo cáo'!I5"
    with pytest.raises(InputError):
        annotate(book, book, problems)


def test_generated_and_annotated_books_render_in_libreoffice(tmp_path: Path, book: Path, soffice: str) -> None:
    dst = annotate(book, tmp_path / "danh_dau.xlsx",
                   [error("date-invalid", "Ô I5: sai.", sheet=SHEET_REPORT, cell="I5", task_key="1.1")])
    for src in (book, dst):
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(src)],
                       check=True, capture_output=True, timeout=120)
        pdf = tmp_path / "pdf" / (src.stem + ".pdf")
        assert pdf.stat().st_size > 1000 and pdf.read_bytes().startswith(b"%PDF")
