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
import re
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from excel_markup import excel_markup, excel_sheet_xml, shared_strings  # noqa: E402

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


# --- every way a conforming writer may spell the same sheet ---------------------------
def _prefixed_main(xml: bytes) -> bytes:
    """`<x:worksheet xmlns:x="…main">`: every SpreadsheetML element with a prefix."""
    xml = re.sub(rb"<(/?)([A-Za-z]\w*)([\s/>])", rb"<\1x:\2\3", xml)
    return xml.replace(b'xmlns="http://schemas', b'xmlns:x="http://schemas', 1)


def _attribute_order(xml: bytes) -> bytes:
    xml = re.sub(rb'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)', rb'<c\2 r="\1"', xml)
    return re.sub(rb'<row r="([0-9]+)"', rb'<row spans="1:5" r="\1"', xml)


def _single_quotes(xml: bytes) -> bytes:
    head, sep, rest = xml.partition(b"<worksheet")
    return head + sep + re.sub(rb'="([^"]*)"', rb"='\1'", rest)


def _row_attribute_order(xml: bytes) -> bytes:
    """Rows with `r` after other attributes (cells as Excel writes them)."""
    return re.sub(rb'<row r="([0-9]+)"', rb'<row spans="1:5" r="\1"', xml)


def _single_quoted_ranges(xml: bytes) -> bytes:
    return re.sub(rb'<(dimension|autoFilter) ref="([^"]*)"', rb"<\1 ref='\2'", xml)


def _no_r(xml: bytes) -> bytes:
    return re.sub(rb'<(row|c) r="[A-Z]*[0-9]+"', rb"<\1", xml)


def _rich_text(xml: bytes) -> bytes:
    runs = (b'<is><r><rPr><b/></rPr><t>%s</t></r><r><t xml:space="preserve"> th\xc6\xb0\xe1\xbb\x9dng</t></r></is>')
    xml = re.sub(rb'(<c r="B4"[^>]*>)<is>.*?</is>', lambda m: m.group(1) + runs % "đậm".encode(), xml)
    return re.sub(rb'(<c r="C2"[^>]*>)<is>.*?</is>', lambda m: m.group(1) + runs % b"b", xml)


def _self_closing(xml: bytes) -> bytes:
    return xml.replace(b"</row>", b'<c r="F%d" s="2"/></row>', 1).replace(b'<c r="F%d"', b'<c r="F1"')


def _comment(xml: bytes) -> bytes:
    return xml.replace(b'<row r="3">', b'<!-- s\xe1\xbb\xada tay --><row r="3">')


def _cdata(xml: bytes) -> bytes:
    return re.sub(rb'(<c r="D3"[^>]*><is><t>).*?(</t>)', rb"\1<![CDATA[a < b & c]]>\2", xml)


def _alternate_content(xml: bytes) -> bytes:
    """Excel 2010+ wraps form controls in `mc:AlternateContent` after the sheet data (on
    a sheet with Excel's root declarations, which bind `mc` and `r`)."""
    block = (b'<mc:AlternateContent><mc:Choice Requires="x14"><controls><mc:AlternateContent>'
             b'<mc:Choice Requires="x14"><control shapeId="1025" r:id="rId9" name="Check Box 1"/>'
             b"</mc:Choice></mc:AlternateContent></controls></mc:Choice></mc:AlternateContent>")
    return xml.replace(b"</worksheet>", block + b"</worksheet>")


# name: (shared strings first, rewrite of the sheet XML, the fast paths may take it)
VARIANTS = {
    "excel": (False, lambda x: x, True),
    "excel-shared-strings": (True, lambda x: x, True),
    "rich-text": (False, _rich_text, True),
    "self-closing": (False, _self_closing, True),
    "alternate-content": (False, _alternate_content, True),
    "row-attribute-order": (False, _row_attribute_order, True),
    "single-quoted-ranges": (False, _single_quoted_ranges, True),
    "prefixed-main": (False, _prefixed_main, False),
    "attribute-order": (False, _attribute_order, False),
    "single-quotes": (False, _single_quotes, False),
    "rows-and-cells-without-r": (False, _no_r, False),
    "comment": (False, _comment, False),
    "cdata": (False, _cdata, False),
}
EDITS: dict[int, dict[int, object]] = {3: {2: "sửa", 3: None}, 4: {4: "=1+1"}}


def _variant(tmp_path: Path, name: str) -> Path:
    sst, rewrite, _ = VARIANTS[name]
    src = _log_book(tmp_path / f"{name}.xlsx")
    if sst:
        shared_strings(src)
    excel = name.startswith("excel") or name in ("alternate-content",)
    return _rewrite_sheet(src, lambda data: rewrite(excel_sheet_xml(data) if excel else data))


@pytest.mark.parametrize("name", list(VARIANTS))
def test_fast_paths_on_every_spelling_of_a_sheet(tmp_path: Path, name: str) -> None:
    """Append rows and rewrite cells on the same sheet spelt thirteen ways: the result reads
    back as the element path writes it, and as the user expects. Spellings the text paths
    do not recognise go to the element path; the Excel ones stay on the text paths."""
    src = _variant(tmp_path, name)
    outs = {}
    for way in ("package", "elements"):
        pkg = XlsxPackage.open(src)
        if way == "elements":
            pkg.sheet(SHEET)
        assert pkg.append_rows(SHEET, LOG_ROWS) == 5
        pkg.set_columns(SHEET, EDITS)
        if way == "package":
            assert (SHEET not in pkg._sheets) is VARIANTS[name][2]
        outs[way] = tmp_path / f"{name}-{way}.xlsx"
        pkg.save(outs[way])
    assert _cells(outs["package"]) == _cells(outs["elements"])
    ws = load_workbook(outs["package"])[SHEET]
    assert ws.max_row == 6 and ws.auto_filter.ref == "A1:E6"
    assert [ws.cell(r, 2).value for r in range(1, 7)] == [
        "Đơn vị", "cũ 22", "cũ 32", "đậm thường" if name == "rich-text" else "cũ 42", "U01", "U02"]
    assert ws["C2"].value == "sửa" and ws["C3"].value is None
    assert ws["D4"].value == "=1+1" and ws["D4"].quotePrefix and ws["D4"].data_type == "s"
    assert ws["D3"].value == ("a < b & c" if name == "cdata" else "cũ 34")
    assert ws["A5"].value == dt.datetime(2024, 4, 1, 8, 30) and ws["E5"].value == 1
    assert ws["D6"].value == "=1+1 & <b>" and ws["D6"].quotePrefix
    rows = CalamineWorkbook.from_path(str(outs["package"])).get_sheet_by_name(SHEET).to_python()
    assert len(rows) == 6 and rows[5][1] == "U02" and rows[3][3] == "=1+1"
    data = zipfile.ZipFile(outs["package"]).read(SHEET_PART)
    if name == "alternate-content":
        assert b'<control shapeId="1025" r:id="rId9" name="Check Box 1"/>' in data
    if VARIANTS[name][2]:  # the text paths keep the writer's own markup
        assert data.count(b"<row ") == 6
        if name.startswith("excel"):
            assert data.count(b'x14ac:dyDescent="0.25"') == 4


# --- hostile or broken packages: a Vietnamese InputError, never a traceback ------------
_BOMB = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
         b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')


def _rewrite_part(path: Path, part: str, rewrite) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as zf:
        items = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, rewrite(data) if name == part else data)
    return path


@pytest.mark.parametrize("write", ["append_rows", "set_columns"])
def test_an_entity_bomb_in_a_sheet_is_refused(tmp_path: Path, write: str) -> None:
    """OPC forbids DTDs; a sheet with one (poi/poc-xmlbomb.xlsx in the corpus) is a crafted
    file: refused at open, before the text paths could copy it through."""
    from parc_xl.errors import InputError

    src = _rewrite_part(_log_book(tmp_path / "src.xlsx"), SHEET_PART,
                        lambda data: _BOMB + data.replace(b"c\xc5\xa9 42", b"&c;"))
    with pytest.raises(InputError, match="DTD"):
        pkg = XlsxPackage.open(src)
        if write == "append_rows":
            pkg.append_rows(SHEET, LOG_ROWS)
        else:
            pkg.set_columns(SHEET, {2: {2: "x"}})


def test_a_dtd_in_the_workbook_part_is_refused_at_open(tmp_path: Path) -> None:
    from parc_xl.errors import InputError

    src = _rewrite_part(_log_book(tmp_path / "src.xlsx"), "xl/workbook.xml",
                        lambda data: _BOMB.replace(b"worksheet", b"workbook") + data.split(b"?>", 1)[-1])
    with pytest.raises(InputError, match="DTD"):
        XlsxPackage.open(src)


def test_two_parts_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    """Part names are case-insensitive in OPC: `sheet1.xml` and `Sheet1.xml` are one part
    twice (poi/duplicate-filename-case-insensitive.xlsx); calamine and we read different ones."""
    from parc_xl.errors import InputError

    src = _log_book(tmp_path / "src.xlsx")
    with zipfile.ZipFile(src, "a") as zf:
        zf.writestr("xl/worksheets/Sheet1.xml", zf.read(SHEET_PART).replace("cũ".encode(), b"khac"))
    with pytest.raises(InputError, match="trùng tên"):
        XlsxPackage.open(src)


def test_a_date_into_a_book_whose_styles_are_empty(tmp_path: Path) -> None:
    """poi/47889.xlsx: `<styleSheet/>` with no cell format. The date format must not
    become format 0, the default of every cell without `s`."""
    src = _rewrite_part(_log_book(tmp_path / "src.xlsx"), "xl/styles.xml",
                        lambda data: b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    src = _rewrite_part(src, SHEET_PART, lambda data: re.sub(rb' s="[0-9]+"', b"", data))
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {3: {2: dt.date(2026, 3, 1)}, 5: {2: 7}})
    pkg.save(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")[SHEET]
    assert ws["C2"].value == dt.datetime(2026, 3, 1) and ws["E2"].value == 7 and ws["E3"].value == 3
    rows = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name(SHEET).to_python()
    assert rows[1][2] == dt.date(2026, 3, 1) and rows[1][4] == 7


def test_a_pre_release_or_strict_namespace_is_refused_at_open(tmp_path: Path) -> None:
    from parc_xl.errors import InputError

    src = _rewrite_part(_log_book(tmp_path / "src.xlsx"), "xl/workbook.xml", lambda data: data.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://schemas.microsoft.com/office/excel/2006/2", 1))
    with pytest.raises(InputError, match="Strict"):
        XlsxPackage.open(src)
