"""Returns a unit filled and saved in Excel read right (issue 11, item 5).

The return is made as in the other validate tests (generated, filled), then re-serialised
the way Excel saves it (tests/excel_markup.py): strings moved to the shared string table,
Excel's markup on every sheet, dates under Excel's own date formats, the 1904 date
system, data validations moved to x14 extensions, a row the unit inserted (Excel moves
every `r` below it). A correctly filled return gets no problem; a real mistake still
gets exactly its record, at the cell where Excel put it.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from excel_markup import (  # noqa: E402
    date_system_1904, excel_markup, insert_row, number_format, shared_strings, x14_validations,
)
from unit_books import AS_OF, GOOD_ANSWERS, edit_xml, fill, generate, make_plan, make_registry, sheet_part  # noqa: E402

from parc_xl.io import unit_scan  # noqa: E402
from parc_xl.jobs import validate  # noqa: E402

SCAN_PLAIN = unit_scan._scan_plain  # the fast scan itself, whichever path a test forces

# The filled PNV return: keys by row, the dates it holds (column J) and the due dates (G).
ROWS = {"1.1": 5, "1.2": 6, "2.1": 7, "2.2": 8, "3.2": 9}
DATE_CELLS = ["I5", "I6", "F5", "F6", "F7", "F9"]  # 2.2 has no due date


@pytest.fixture(autouse=True, params=["bytes", "whole-tree", "streaming"])
def scan_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test three times: the sheet scan from the bytes when the sheet is spelt
    plainly, of a small sheet parsed whole, and of a large one (streamed, `_TREE_MAX`
    exceeded) must find the same formulas, rows and cells."""
    if request.param != "bytes":
        monkeypatch.setattr(unit_scan, "_scan_plain", lambda xml, ret: False)
    if request.param == "streaming":
        monkeypatch.setattr(unit_scan, "_TREE_MAX", 0)


def check(path: Path) -> validate.FileReport:
    return validate.check_file(path, make_plan(), make_registry(), AS_OF)


def problems(report: validate.FileReport) -> set[tuple[str, str, str]]:
    return {(p.code, p.severity.value, p.cell) for p in report.problems}


@pytest.fixture()
def filled(tmp_path: Path) -> Path:
    return fill(generate(tmp_path / "gui"), GOOD_ANSWERS)


def _assert_read_right(report: validate.FileReport, rows: dict[str, int] = ROWS) -> None:
    assert report.problems == [], [str(p) for p in report.problems]
    by_key = {r.key: r for r in report.rows}
    assert by_key["1.1"].completed_on == dt.date(2024, 1, 15)
    assert by_key["1.2"].completed_on == dt.date(2024, 3, 10)
    assert by_key["1.2"].evidence == "Báo cáo số 30/BC-PNV ngày 10/03/2024"
    assert by_key["2.1"].figure == 99.5 and by_key["2.1"].difficulties == "Hệ thống một cửa chậm"
    assert by_key["3.2"].proposals == "Lùi sang quý III"
    for key, r in rows.items():
        assert by_key[key].cells["progress"] == f"H{r}"


def _saved_by_excel(path: Path) -> Path:
    return excel_markup(shared_strings(path))


TRAITS: dict[str, Callable[[Path], Path]] = {
    "shared strings and Excel's markup": _saved_by_excel,
    "short date format typed in Excel (id 14)": lambda p: number_format(p, "dd/mm/yyyy", "14"),
    "Vietnamese locale date format": lambda p: number_format(p, "dd/mm/yyyy", "[$-42A]dd/mm/yyyy;@"),
    "system long date format": lambda p: number_format(p, "dd/mm/yyyy", "[$-F800]dddd, mmmm dd, yyyy"),
    "1904 date system": lambda p: date_system_1904(p, sheet_part(p), DATE_CELLS),
    "data validations in x14 extensions": lambda p: x14_validations(p, sheet_part(p)),
}


@pytest.mark.parametrize("trait", list(TRAITS))
def test_a_correct_return_saved_in_excel_has_no_problem(filled: Path, trait: str) -> None:
    _assert_read_right(check(TRAITS[trait](filled)))


def test_every_trait_at_once(filled: Path) -> None:
    for name, change in TRAITS.items():
        if "format" not in name or "locale" in name:  # one date format at a time
            change(filled)
    with zipfile.ZipFile(filled) as zf:
        sheet = zf.read(sheet_part(filled))
        assert b"x14:dataValidation" in sheet and b"x14ac:dyDescent" in sheet
        assert b'date1904="1"' in zf.read("xl/workbook.xml") and "xl/sharedStrings.xml" in zf.namelist()
    _assert_read_right(check(filled))


def test_a_bare_date_serial_counts_in_the_workbooks_date_system(filled: Path) -> None:
    """A date pasted as a number (General format): in a 1904 workbook serial 43844 is
    15/01/2024, not 15/01/2020 (which was a false «before the plan year» error)."""
    date_system_1904(filled, sheet_part(filled), DATE_CELLS)
    edit_xml(filled, sheet_part(filled), lambda x: re.sub(r'<c r="I5" s="\d+"', '<c r="I5"', x))
    assert re.search(r'<c r="I5"[^>]*><v>43844</v>', zipfile.ZipFile(filled).read(sheet_part(filled)).decode())
    _assert_read_right(check(filled))


def test_an_empty_row_the_unit_inserted_moves_the_rows_below(filled: Path) -> None:
    insert_row(_saved_by_excel(filled), sheet_part(filled), 7)
    _assert_read_right(check(filled), {"1.1": 5, "1.2": 6, "2.1": 8, "2.2": 9, "3.2": 10})


def test_a_filled_row_the_unit_inserted_is_the_one_error(filled: Path) -> None:
    part = sheet_part(_saved_by_excel(filled))
    insert_row(filled, part, 7)
    edit_xml(filled, part, lambda x: x.replace(
        '<c r="B7" ', '<c r="B7" t="inlineStr" ', 1).replace(
        '<c r="B7" t="inlineStr" s="', '<c t="inlineStr" r="B7" s="', 1))
    edit_xml(filled, part, lambda x: re.sub(
        r'(<c t="inlineStr" r="B7" s="\d+")/>', r"\1><is><t>Nhiệm vụ phát sinh</t></is></c>", x, count=1))
    report = check(filled)
    assert problems(report) == {("row-added", "error", "P7")}
    assert {r.key: r.cells["progress"] for r in report.rows}["3.2"] == "H10"


def test_formulas_are_found_however_the_cell_is_spelt(filled: Path) -> None:
    """`<f>` in a cell with single-quoted attributes, and in a cell without `r` (the
    next column after the previous cell): both reported at their own cell."""
    part = sheet_part(_saved_by_excel(filled))

    def spell(x: str) -> str:
        def quoted(m: re.Match[str]) -> str:
            return "<c s='" + (m.group(1) or "0") + "' r='L8' t='str'><f>1+1</f><v>2</v></c>"

        def without_r(m: re.Match[str]) -> str:
            return m.group(1) + "<c" + (m.group(2) or "") + "><f>SUM(A1:A2)</f><v>0</v></c>"

        x, n = re.subn(r'<c r="L8"(?: s="(\d+)")?(?: t="n")?/>', quoted, x, count=1)
        assert n == 1
        x, n = re.subn(r'(<c r="K6"[^>]*/>)<c r="L6"( s="\d+")?(?: t="n")?/>', without_r, x, count=1)
        assert n == 1
        return x

    edit_xml(filled, part, spell)
    assert problems(check(filled)) == {("formula-in-fill", "error", "L8"), ("formula-in-fill", "error", "L6")}


def test_the_sheets_as_written_and_as_excel_saves_them_are_read_from_the_bytes(filled: Path) -> None:
    """The fast scan is the one taken for the forms as sent and as Excel saves them, hidden
    rows and columns and merges included, and finds what the parse finds; a formula, a
    comment or a tag with an entity send the sheet to the parse."""
    from openpyxl import load_workbook

    from parc_xl.io.package_guard import SheetScan

    wb = load_workbook(filled)
    ws = wb["Báo cáo"]
    ws.row_dimensions[6].hidden = True
    ws.column_dimensions["L"].hidden = True
    ws.merge_cells("J5:J6")
    wb.save(filled)
    for path in (filled, _saved_by_excel(filled)):
        with zipfile.ZipFile(path) as zf:
            xml = zf.read(sheet_part(path))
        fast, parsed = SheetScan(), SheetScan()
        assert SCAN_PLAIN(xml, fast)
        unit_scan._scan_sheet_tree(path, xml, parsed, 0, 0, lambda *a: AssertionError(a), "Báo cáo")
        assert (fast.hidden_rows, fast.hidden_cols) == ({6}, {11}) and "J5:J6" in fast.merged
        assert (fast.hidden_rows, fast.hidden_cols, fast.merged, fast.formulas) == (
            parsed.hidden_rows, parsed.hidden_cols, parsed.merged, parsed.formulas)
        for unusual in (xml.replace(b"</sheetData>", b"<!-- x --></sheetData>", 1),
                        re.sub(rb'<row r="6"', b'<row r="&#54;"', xml, count=1),
                        re.sub(rb'(<c r="L8"[^>]*?)/>', rb"\1><f>1+1</f></c>", xml, count=1)):
            assert unusual != xml
            assert not SCAN_PLAIN(unusual, SheetScan())
