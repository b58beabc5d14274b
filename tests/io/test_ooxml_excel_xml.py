"""The byte-level fast paths on sheet XML written the way Excel writes it.

Excel for Windows (2010+) declares `mc`, `x14ac`, `xr`... on the `<worksheet>` root and
uses those prefixes on rows and cells (`x14ac:dyDescent` on every `<row>`, `xr:uid`),
writes `spans`, keeps strings in the shared string table. The corpus (../shared/corpus/
xlsx, e.g. exceljs/formulas.xlsx) shows all of it. The
sheets here are hand-built from those traits so that these tests do not depend on the
corpus; each asserts what a user would see (values read back by openpyxl and calamine)
and that the fast path gives the same workbook as the element path.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from excel_markup import excel_markup  # noqa: E402

from parc_xl.io.ooxml import sheet_text  # noqa: E402
from parc_xl.io.ooxml import XlsxPackage  # noqa: E402

SHEET = "Lịch sử"
SHEET_PART = "xl/worksheets/sheet1.xml"

def _log_book(path: Path) -> Path:
    """A `Lịch sử`-like sheet: header and three filled rows (openpyxl writes it)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["Thời điểm", "Đơn vị", "Trường", "Giá trị mới", "Số"])
    for r in range(2, 5):
        ws.cell(r, 1, dt.datetime(2024, 1, r, 8)).number_format = "dd/mm/yyyy hh:mm"
        for c in range(2, 6):
            ws.cell(r, c, f"cũ {r}{c}" if c < 5 else r).font = Font(italic=c % 2 == 0)
    ws.auto_filter.ref = "A1:E4"
    wb.save(path)
    return path


def _rewrite_sheet(path: Path, rewrite) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info.filename, rewrite(data) if info.filename == SHEET_PART else data)
    return path


def excel_saved(path: Path) -> Path:
    return excel_markup(path, [SHEET_PART])


LOG_ROWS: list[list[object]] = [
    [dt.datetime(2024, 4, 1, 8, 30), "U01", "Tiến độ", "Đã hoàn thành", 1],
    [dt.datetime(2024, 4, 1, 8, 31), "U02", "Ghi chú", "=1+1 & <b>", None],
]


def _cells(path: Path) -> list[tuple[object, ...]]:
    ws = load_workbook(path)[SHEET]
    return [
        tuple((c.value, c.number_format, c.font.i, c.quotePrefix) for c in row)
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=5)
    ]


def test_append_rows_after_an_excel_saved_last_row(tmp_path: Path) -> None:
    """The reported bug: the second merge into a master Excel has saved failed with
    XMLSyntaxError (x14ac prefix undefined in the parsed last-row fragment)."""
    src = excel_saved(_log_book(tmp_path / "src.xlsx"))
    assert b"x14ac:dyDescent" in zipfile.ZipFile(src).read(SHEET_PART)
    text_pkg = XlsxPackage.open(src)
    assert text_pkg.append_rows(SHEET, LOG_ROWS) == 5
    assert SHEET not in text_pkg._sheets  # the text path did it
    text_pkg.save(tmp_path / "text.xlsx")
    elem_pkg = XlsxPackage.open(src)
    assert elem_pkg.sheet(SHEET).append_rows(LOG_ROWS) == 5
    elem_pkg.save(tmp_path / "elements.xlsx")
    assert _cells(tmp_path / "text.xlsx") == _cells(tmp_path / "elements.xlsx")
    ws = load_workbook(tmp_path / "text.xlsx")[SHEET]
    assert ws["B5"].value == "U01" and ws["D6"].value == "=1+1 & <b>" and ws["D6"].quotePrefix
    assert ws["A5"].value == dt.datetime(2024, 4, 1, 8, 30) and ws["B4"].font.i
    assert ws.auto_filter.ref == "A1:E6"
    rows = CalamineWorkbook.from_path(str(tmp_path / "text.xlsx")).get_sheet_by_name(SHEET).to_python()
    assert rows[5][1:4] == ["U02", "Ghi chú", "=1+1 & <b>"]
    # Excel's own markup on the untouched rows is still there.
    assert zipfile.ZipFile(tmp_path / "text.xlsx").read(SHEET_PART).count(b"x14ac:dyDescent") >= 4


def test_append_twice_then_set_columns_on_excel_saved_sheet(tmp_path: Path) -> None:
    """Merge, Excel save, merge again, status: every write lands."""
    src = excel_saved(_log_book(tmp_path / "src.xlsx"))
    pkg = XlsxPackage.open(src)
    assert pkg.append_rows(SHEET, LOG_ROWS[:1]) == 5
    pkg.save(tmp_path / "one.xlsx")
    excel_saved(tmp_path / "one.xlsx")
    pkg = XlsxPackage.open(tmp_path / "one.xlsx")
    assert pkg.append_rows(SHEET, LOG_ROWS[1:]) == 6
    pkg.set_columns(SHEET, {3: {2: "sửa", 6: "mới"}})
    pkg.save(tmp_path / "two.xlsx")
    ws = load_workbook(tmp_path / "two.xlsx")[SHEET]
    assert [ws.cell(r, 2).value for r in range(2, 7)] == ["cũ 22", "cũ 32", "cũ 42", "U01", "U02"]
    assert ws["C2"].value == "sửa" and ws["C6"].value == "mới"


def test_an_xml_error_in_a_fast_path_never_reaches_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever XML a fast path cannot parse sends the write to the element path, which
    parses the whole part: the user gets the element path's result, no XMLSyntaxError."""
    src = excel_saved(_log_book(tmp_path / "src.xlsx"))
    calls: list[bytes] = []

    def unparsable(data: bytes, fragment: bytes) -> etree._Element:
        calls.append(fragment)
        return etree.fromstring(b"<a>" + fragment)  # raises XMLSyntaxError

    monkeypatch.setattr(sheet_text, "_parse_fragment", unparsable)
    pkg = XlsxPackage.open(src)
    assert pkg.append_rows(SHEET, LOG_ROWS) == 5
    assert calls and SHEET in pkg._sheets  # tried the text path, then the element path
    pkg.save(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")[SHEET]
    assert ws["B5"].value == "U01" and ws["B6"].value == "U02" and ws["B4"].value == "cũ 42"


def test_append_after_a_last_row_without_r(tmp_path: Path) -> None:
    """`r` is optional on `<row>` (ECMA-376 18.3.1.73): a last row written without it is
    the row after the one before. The text path used to take the previous row for the
    last one and wrote a second row 4."""
    src = _log_book(tmp_path / "src.xlsx")

    def rewrite(data: bytes) -> bytes:
        import re

        data = data.replace(b'<row r="4">', b"<row>")
        return re.sub(rb'<c r="[A-Z]+4"', b"<c", data)

    _rewrite_sheet(src, rewrite)
    pkg = XlsxPackage.open(src)
    assert pkg.append_rows(SHEET, LOG_ROWS) == 5
    pkg.save(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")[SHEET]
    assert [ws.cell(r, 2).value for r in range(2, 7)] == ["cũ 22", "cũ 32", "cũ 42", "U01", "U02"]
    rows = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name(SHEET).to_python()
    assert [row[1] for row in rows[1:]] == ["cũ 22", "cũ 32", "cũ 42", "U01", "U02"]


def test_a_sheet_part_that_is_not_xml_is_a_vietnamese_input_error(tmp_path: Path) -> None:
    from parc_xl.errors import InputError

    src = _rewrite_sheet(_log_book(tmp_path / "src.xlsx"), lambda data: data[: len(data) // 2])
    pkg = XlsxPackage.open(src)
    with pytest.raises(InputError, match="bị hỏng"):
        pkg.append_rows(SHEET, LOG_ROWS)
    with pytest.raises(InputError, match="bị hỏng"):
        XlsxPackage.open(src).set_columns(SHEET, {2: {2: "x"}})
