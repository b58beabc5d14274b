"""`XlsxPackage.set_columns`: the bulk write the status job uses on 200,000 rows.

Its fast path rewrites cells in the serialised sheet; these tests pin that the result
is the same workbook the element path (`SheetPart.set_value`) produces, and that anything
unusual falls back to the element path.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from parc_xl.io.ooxml import XlsxPackage
from parc_xl.io.ooxml.sheet_text import _TextPatcher

SHEET = "Theo dõi"
SHEET_PART = "xl/worksheets/sheet1.xml"


def build(path: Path, *, formula: bool = False, table: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["Khóa", "Hạn", "Trạng thái", "Số ngày", "Chỉ tiêu", "Ghi chú"])
    for i in range(2, 8):
        ws.cell(i, 1, f"T{i}")
        ws.cell(i, 2, dt.date(2024, 3, i))
        ws.cell(i, 2).number_format = "dd/mm/yyyy"
        ws.cell(i, 3, "cũ" if i % 2 else None)
        ws.cell(i, 3).font = Font(bold=True)
        ws.cell(i, 4, i if i % 3 else None)
        ws.cell(i, 4).font = Font(italic=True)  # styled, maybe empty: a <c> exists
        ws.cell(i, 5).font = Font(color="C00000")
        ws.cell(i, 6, f"ghi chú {i}")
    if formula:
        ws["D4"] = "=B4+1"
    ws.auto_filter.ref = "A1:F5"  # stale: the element path extends it to the last row
    if table:
        ws2 = wb.create_sheet("Bảng")
        ws2.append(["a", "b"])
        ws2.append([1, 2])
    wb.save(path)
    return path


UPDATES: dict[int, dict[int, object]] = {
    2: {2: dt.date(2024, 12, 31), 3: "Quá hạn chưa hoàn thành", 4: 12, 5: "Đạt"},
    3: {2: None, 3: "=SUM(A1)", 4: None, 5: None},
    4: {2: dt.datetime(2024, 5, 6, 7, 30), 3: "a < b & c > d\r\n", 4: 1.5, 5: True},
    5: {3: " khoảng trắng ", 4: 0},
    7: {2: dt.date(2025, 1, 2), 3: "Chưa báo cáo", 4: None, 5: "Không đạt"},
}


def _by_column(updates: dict[int, dict[int, object]]) -> dict[int, dict[int, object]]:
    columns: dict[int, dict[int, object]] = {}
    for r, cols in updates.items():
        for c, value in cols.items():
            columns.setdefault(c, {})[r] = value
    return columns


def _write_both(src: Path, tmp_path: Path, updates: dict[int, dict[int, object]]) -> tuple[Path, Path]:
    """The workbook written by the fast path and by the element path; `updates` is
    {row: {column: value}} for readability."""
    updates = _by_column(updates)
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, updates)
    pkg.save(fast)
    pkg = XlsxPackage.open(src)
    pkg.sheet(SHEET)  # loaded as elements: set_columns takes the element path
    pkg.set_columns(SHEET, updates)
    pkg.save(slow)
    return fast, slow


def _canonical(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read(name))
    return etree.tostring(root, method="c14n")


def test_fast_path_writes_what_the_element_path_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = build(tmp_path / "src.xlsx")
    calls: list[bool] = []
    real = _TextPatcher.patch

    def spy(self: object, data: bytes, columns: dict[int, dict[int, object]]) -> object:
        result = real(self, data, columns)  # type: ignore[arg-type]
        calls.append(result is not None)
        return result

    monkeypatch.setattr(_TextPatcher, "patch", spy)
    fast, slow = _write_both(src, tmp_path, UPDATES)
    assert calls == [True]  # the fast path did the work
    with zipfile.ZipFile(fast) as zf, zipfile.ZipFile(slow) as zs:
        assert zf.namelist() == zs.namelist()
        for name in zf.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                assert _canonical(fast, name) == _canonical(slow, name), name
    ws = load_workbook(fast)[SHEET]
    assert ws["B2"].value == dt.datetime(2024, 12, 31) and ws["B2"].number_format == "dd/mm/yyyy"
    assert ws["C2"].value == "Quá hạn chưa hoàn thành" and ws["C2"].font.b
    assert ws["D2"].value == 12 and ws["D2"].font.i
    assert ws["B3"].value is None and ws["C3"].value == "=SUM(A1)" and ws["C3"].quotePrefix
    assert ws["B4"].value == dt.datetime(2024, 5, 6, 7, 30) and "hh:mm" in ws["B4"].number_format
    assert ws["E4"].value is True and ws["D4"].value == 1.5
    assert ws["C5"].value == " khoảng trắng " and ws["D5"].value == 0
    assert ws["F7"].value == "ghi chú 7" and ws["E7"].value == "Không đạt"
    assert ws.auto_filter.ref == "A1:F7"
    rows = CalamineWorkbook.from_path(str(fast)).get_sheet_by_name(SHEET).to_python()
    assert rows[3][2] == "a < b & c > d\r\n"


def test_untouched_parts_stay_byte_identical_and_calc_chain_goes(tmp_path: Path) -> None:
    src = build(tmp_path / "src.xlsx")
    with zipfile.ZipFile(src) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    items["xl/calcChain.xml"] = (
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<c r="D2" i="1"/></calcChain>'
    )
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'
    )
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in items.items():
            zf.writestr(n, data)
    out = tmp_path / "out.xlsx"
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {3: {2: "Sắp đến hạn"}})
    pkg.save(out)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert "xl/calcChain.xml" not in b.namelist()
        assert b'fullCalcOnLoad="1"' in b.read("xl/workbook.xml")
        for name in ("xl/theme/theme1.xml", "docProps/core.xml", "xl/styles.xml"):
            assert a.read(name) == b.read(name), name
        sheet = b.read(SHEET_PART)
        before = a.read(SHEET_PART)
    # Only the one cell changed: everything else in the part is the original text.
    i = before.index(b'<c r="C2"')
    assert sheet[:i] == before[:i]
    assert sheet.endswith(before[before.index(b'<c r="D2"'):].replace(b'A1:F5', b'A1:F7'))


@pytest.mark.parametrize("case", ["formula", "missing-row", "missing-cell"])
def test_unusual_cells_fall_back_to_the_element_path(tmp_path: Path, case: str) -> None:
    src = build(tmp_path / "src.xlsx", formula=case == "formula")
    updates: dict[int, dict[int, object]] = {
        "formula": {4: {4: 9}},
        "missing-row": {2: {3: "x"}, 12: {3: "mới"}},
        "missing-cell": {2: {9: "cột I"}},
    }[case]
    pkg = XlsxPackage.open(src)
    assert _TextPatcher(pkg, True).patch(pkg.read_part(SHEET_PART), _by_column(updates)) is None
    fast, slow = _write_both(src, tmp_path, updates)
    assert _canonical(fast, SHEET_PART) == _canonical(slow, SHEET_PART)
    ws = load_workbook(fast)[SHEET]
    for r, cols in updates.items():
        for c, value in cols.items():
            assert ws.cell(r, c).value == value


def test_tables_follow_the_last_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["a", "b"])
    for i in range(5):
        ws.append([i, i * 2])
    ws.add_table(Table(displayName="Bang1", ref="A1:B3"))
    wb.save(tmp_path / "src.xlsx")
    fast, slow = _write_both(tmp_path / "src.xlsx", tmp_path, {2: {2: 100}})
    with zipfile.ZipFile(fast) as zf:
        table_parts = [n for n in zf.namelist() if "tables/" in n]
    assert table_parts
    assert _canonical(fast, table_parts[0]) == _canonical(slow, table_parts[0])
    assert load_workbook(fast)[SHEET].tables["Bang1"].ref == "A1:B6"


def test_the_sheet_reads_back_after_a_bulk_write(tmp_path: Path) -> None:
    src = build(tmp_path / "src.xlsx")
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {3: {6: "mới"}})
    sheet = pkg.sheet(SHEET)  # parsed from the patched text
    assert sheet.value("C6") == "mới"
    sheet.set_value("C7", "tiếp")
    pkg.save(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")[SHEET]
    assert ws["C6"].value == "mới" and ws["C7"].value == "tiếp"


def test_fast_path_also_reads_sheets_this_module_serialised(tmp_path: Path) -> None:
    """A master written back by lxml (XML declaration, inline strings with
    xml:space) is patched as text too: the second status run is as fast as the first."""
    src = build(tmp_path / "src.xlsx")
    _, slow = _write_both(src, tmp_path, UPDATES)
    pkg = XlsxPackage.open(slow)
    assert pkg.read_part(SHEET_PART).startswith(b"<?xml")
    columns = _by_column({2: {3: "Hoàn thành đúng hạn", 4: None}, 4: {3: "lần hai"}})
    assert _TextPatcher(pkg, True).patch(pkg.read_part(SHEET_PART), columns) is not None
    pkg.set_columns(SHEET, columns)
    pkg.save(tmp_path / "again.xlsx")
    ws = load_workbook(tmp_path / "again.xlsx")[SHEET]
    assert ws["C2"].value == "Hoàn thành đúng hạn" and ws["D2"].value is None
    assert ws["C4"].value == "lần hai" and ws["E4"].value is True


def _log_sheet(path: Path, empty_styled_rows: int) -> Path:
    """A `Lịch sử`-like sheet: header, then `empty_styled_rows` styled rows without values."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["Thời điểm", "Đơn vị", "Trường", "Giá trị mới", "Số"])
    for r in range(2, 2 + empty_styled_rows):
        for c in range(1, 6):
            ws.cell(r, c).font = Font(italic=c % 2 == 0)
        ws.cell(r, 1).number_format = "dd/mm/yyyy hh:mm"
    wb.save(path)
    return path


LOG_ROWS: list[list[object]] = [
    [dt.datetime(2024, 4, 1, 8, 30), "U01", "Tiến độ", "Đã hoàn thành", 1],
    [dt.datetime(2024, 4, 1, 8, 31), "U02", "Ghi chú", "=1+1 & <b>", None],
    [dt.datetime(2024, 4, 2, 9, 0), "U03", "Số liệu", " có khoảng trắng ", 2.5],
]


def test_append_after_a_styled_empty_row_keeps_the_rest_as_text(tmp_path: Path) -> None:
    """The master's log sheets carry one empty styled row under the header: only that
    row is edited as elements; the rows after it take the text path, and the workbook
    reads back as if every row had been written as elements."""
    outs = {}
    for n_empty in (1, 4):  # 4: every appended row already exists -> element path only
        pkg = XlsxPackage.open(_log_sheet(tmp_path / f"src{n_empty}.xlsx", n_empty))
        sheet = pkg.sheet(SHEET)
        assert sheet.append_rows(LOG_ROWS) == 2
        assert bool(sheet._pending) is (n_empty == 1)
        outs[n_empty] = tmp_path / f"out{n_empty}.xlsx"
        pkg.save(outs[n_empty])
    text, elements = (load_workbook(outs[n])[SHEET] for n in (1, 4))
    for r in range(1, 5):
        for c in range(1, 6):
            a, b = text.cell(r, c), elements.cell(r, c)
            assert (a.value, a.number_format, a.font.i, a.quotePrefix) == \
                (b.value, b.number_format, b.font.i, b.quotePrefix), (r, c)
    assert text["D3"].value == "=1+1 & <b>" and text["D3"].quotePrefix
    assert text["A4"].value == dt.datetime(2024, 4, 2, 9, 0) and "hh:mm" in text["A4"].number_format
    assert text["D4"].value == " có khoảng trắng " and text["E4"].value == 2.5
    assert text.max_row == 4


def _filled_log(path: Path) -> Path:
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


def test_package_append_rows_splices_text_like_the_sheet_path(tmp_path: Path) -> None:
    """`XlsxPackage.append_rows` adds rows after a filled last row without loading the
    sheet as elements, and the workbook reads back as `SheetPart.append_rows` writes it."""
    src = _filled_log(tmp_path / "src.xlsx")
    text_pkg = XlsxPackage.open(src)
    assert text_pkg.append_rows(SHEET, LOG_ROWS) == 5
    assert SHEET not in text_pkg._sheets  # never parsed into elements
    text_pkg.save(tmp_path / "text.xlsx")
    elem_pkg = XlsxPackage.open(src)
    assert elem_pkg.sheet(SHEET).append_rows(LOG_ROWS) == 5
    elem_pkg.save(tmp_path / "elements.xlsx")
    a_ws, b_ws = (load_workbook(tmp_path / f)[SHEET] for f in ("text.xlsx", "elements.xlsx"))
    for r in range(1, 8):
        for c in range(1, 6):
            a, b = a_ws.cell(r, c), b_ws.cell(r, c)
            assert (a.value, a.number_format, a.font.i, a.quotePrefix) == \
                (b.value, b.number_format, b.font.i, b.quotePrefix), (r, c)
    assert a_ws["D6"].value == "=1+1 & <b>" and a_ws["D6"].quotePrefix
    assert a_ws.auto_filter.ref == b_ws.auto_filter.ref == "A1:E7"
    assert a_ws.calculate_dimension() == "A1:E7"
    rows = CalamineWorkbook.from_path(str(tmp_path / "text.xlsx")).get_sheet_by_name(SHEET).to_python()
    assert rows[6][1:] == ["U03", "Số liệu", " có khoảng trắng ", 2.5]


def test_package_append_rows_falls_back_after_an_empty_styled_row(tmp_path: Path) -> None:
    pkg = XlsxPackage.open(_log_sheet(tmp_path / "src.xlsx", 1))
    assert pkg.append_rows(SHEET, LOG_ROWS) == 2
    assert SHEET in pkg._sheets  # the element path filled the styled row 2
    pkg.save(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")[SHEET]
    assert [ws.cell(r, 2).value for r in range(2, 5)] == ["U01", "U02", "U03"]


def test_appended_rows_take_the_heights_given(tmp_path: Path) -> None:
    """`append_rows(heights=…)`: each row as tall as given (None: default height), on the
    text path, on the element path (the styled empty row 2 and the rows after it), as
    `SheetPart.set_row_heights` writes a height."""
    heights = [30.0, None, 45.5]
    got = {}
    for name, src in (("text", _filled_log(tmp_path / "filled.xlsx")),
                      ("elements", _log_sheet(tmp_path / "empty.xlsx", 1))):
        pkg = XlsxPackage.open(src)
        first = pkg.append_rows(SHEET, LOG_ROWS, heights=heights)
        assert (SHEET in pkg._sheets) is (name == "elements")
        pkg.save(tmp_path / f"{name}.xlsx")
        ws = load_workbook(tmp_path / f"{name}.xlsx")[SHEET]
        got[name] = [(ws.row_dimensions[first + k].height, ws.row_dimensions[first + k].customHeight)
                     for k in range(3)]
        assert [ws.cell(first + k, 2).value for k in range(3)] == ["U01", "U02", "U03"]
    assert got["text"] == got["elements"] == [(30.0, True), (None, False), (45.5, True)]
    with pytest.raises(ValueError):
        XlsxPackage.open(tmp_path / "filled.xlsx").append_rows(SHEET, LOG_ROWS, heights=[None])


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None  # every entry's CRC-32 and size hold
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize("start", ["filled", "empty"])
def test_large_appends_are_deflated_as_streamed_with_the_same_text(tmp_path: Path, start: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows appended to a large sheet are deflated piece by piece (text path: the old
    sheet's views, the rows, the tail; element path: the rows held as text at save),
    never joined into one more copy of the sheet; every saved part inflates to the
    bytes of a save in one piece. Chunks of 4 KB stand for the 8 MB ones of a 200 MB
    `Lịch sử`."""
    import parc_xl.io.ooxml.package as package_mod
    import parc_xl.io.ooxml.zipio as zipio_mod

    src = _filled_log(tmp_path / "src.xlsx") if start == "filled" else _log_sheet(tmp_path / "src.xlsx", 1)
    rows = [[dt.datetime(2024, 4, 1 + n % 28, 8, n % 60), f"U{n:04d}", "Tiến độ", f"giá trị {n} <&>", n]
            for n in range(3000)]
    joined = XlsxPackage.open(src)
    joined.append_rows(SHEET, rows)
    joined.save(tmp_path / "joined.xlsx")
    monkeypatch.setattr(package_mod, "_DEFLATE_CHUNK", 4096)
    monkeypatch.setattr(zipio_mod, "_DEFLATE_CHUNK", 4096)
    pkg = XlsxPackage.open(src)
    assert pkg.append_rows(SHEET, rows) == (5 if start == "filled" else 2)
    pkg.save(tmp_path / "streamed.xlsx")
    assert pkg._entries[SHEET_PART].replaced  # given deflated, not as one joined text
    assert _parts(tmp_path / "streamed.xlsx") == _parts(tmp_path / "joined.xlsx")
    ws = load_workbook(tmp_path / "streamed.xlsx")[SHEET]
    assert ws.max_row == len(rows) + (4 if start == "filled" else 1)
    assert ws.cell(ws.max_row, 4).value == "giá trị 2999 <&>"
