"""The sheet scan from the bytes (`io/unit_scan._scan_plain`) is taken only for a sheet
whose elements the byte patterns name without doubt, and then finds what the parse finds;
the namespace, comment, CDATA and processing-instruction checks are expat's."""

from __future__ import annotations

from pathlib import Path

import pytest

from parc_xl.errors import InputError
from parc_xl.io import unit_scan
from parc_xl.io.package_guard import MAX_ROWS, SheetScan

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def sheet(body: str = "", *, root: str = f'xmlns="{MAIN}"', head: str = "") -> bytes:
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row>'
            '<row r="2" hidden="1"><c r="A2"><v>1</v></c><c r="P2"><v>2</v></c></row>'
            '<row r="3" spans="1:16"><c r="B3" t="inlineStr"><is><t>xmlns="x" ' + MAIN + '</t></is></c></row>')
    return (f'{head}<worksheet {root}><cols><col min="12" max="12" hidden="1" width="9"/></cols>'
            f"<sheetData>{rows}{body}</sheetData><mergeCells><mergeCell ref=\"j5:j6\"/></mergeCells>"
            "</worksheet>").encode()


def tree(xml: bytes) -> SheetScan:
    ret = SheetScan()
    unit_scan._scan_sheet_tree(Path("x.xlsx"), xml, ret, 0, 0, lambda *a: AssertionError(a), "Báo cáo")
    return ret


def fields(s: SheetScan) -> tuple[object, ...]:
    return s.formulas, s.hidden_rows, s.hidden_cols, s.merged


@pytest.mark.parametrize("xml", [
    sheet(),
    sheet(root=f"xmlns='{MAIN}'"),  # single quotes
    sheet(root=f'xmlns="{MAIN}" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'),
    sheet(head='<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'),
    sheet('<row r="4" s="1" hidden="true"/>'),  # r not first, an empty row
], ids=["plain", "single-quoted", "other-prefix", "xml-declaration", "hidden-row-attributes-after"])
def test_plain_sheets_are_read_from_the_bytes_as_the_parse_reads_them(xml: bytes) -> None:
    fast = SheetScan()
    assert unit_scan._scan_plain(xml, fast)
    assert fields(fast) == fields(tree(xml))
    assert 2 in fast.hidden_rows and fast.hidden_cols == {11} and fast.merged == ["J5:J6"]


@pytest.mark.parametrize("xml", [
    sheet(root=f'xmlns="{MAIN}" xmlns:s="{STRICT}"', body='<s:row r="7" hidden="1"/>'),
    sheet(root=f'xmlns="{MAIN}" xmlns:m="{MAIN}"', body='<m:row r="7" hidden="1"/>'),
    sheet(body=f'<row r="7" xmlns="{MAIN}"/>'),  # the default namespace declared again
    sheet(root=f'xmlns="{STRICT}"'),
    sheet(root=""),  # no namespace at all
    sheet("<!-- a comment -->"),
    sheet('<row r="7"><c r="A7" t="inlineStr"><is><t><![CDATA[<f>1</f>]]></t></is></c></row>'),
    sheet("<?mso-application progid?>"),
    sheet('<row r="7"><c r="A7"><f>1+1</f><v>2</v></c></row>'),
    sheet('<row r="7"><c t="n"><v>2</v></c></row>'),  # a cell without r
    sheet('<row r="&#55;"/>'),
    sheet(f'<row r="{MAX_ROWS + 1}"/>'),
    sheet("<row r='7'", ),  # not well-formed
], ids=["strict-prefix", "main-prefix", "redeclared", "strict-default", "no-namespace", "comment", "cdata", "pi",
        "formula", "cell-without-r", "entity-in-tag", "too-many-rows", "broken"])
def test_anything_else_goes_to_the_parse(xml: bytes) -> None:
    fast = SheetScan()
    assert not unit_scan._scan_plain(xml, fast)
    assert fields(fast) == fields(SheetScan())  # untouched


def test_a_prefixed_spreadsheetml_row_is_found_by_the_parse() -> None:
    """SpreadsheetML under a prefix (here Strict's URI beside the transitional default):
    no byte pattern names `<s:row>` or `<s:f>`, so the parse reads them (the byte scan
    once took this sheet and missed both)."""
    xml = sheet(root=f'xmlns="{MAIN}" xmlns:s="{STRICT}"',
                body='<s:row r="7" hidden="1"><s:c r="A7"><s:f>1+1</s:f><s:v>2</s:v></s:c></s:row>')
    got = unit_scan.scan_sheet_xml(Path("x.xlsx"), xml, SheetScan(), "Báo cáo")
    assert (got.hidden_rows, got.formulas) == ({2, 7}, {(7, 0)})


def test_a_sheet_read_for_its_values_only_is_held_to_the_same_limits() -> None:
    """`structure=False` (`_parc_xl`): limits and well-formedness as before, nothing else read."""
    path = Path("2024-Q1_PNV.xlsx")
    plain = unit_scan.scan_sheet_xml(path, sheet(), SheetScan(), "_parc_xl", structure=False)
    assert fields(plain) == fields(SheetScan())
    for bad, code in ((sheet(f'<row r="{MAX_ROWS + 1}"/>'), "too-large"),
                      (sheet('<row r="7"><c r="CW7"><v>1</v></c></row>'), "too-large"),
                      (sheet("<row r='7'"), "package-damaged"),
                      (b"<!DOCTYPE x>" + sheet(), "package-unsafe")):
        for structure in (True, False):
            with pytest.raises(InputError) as exc:
                unit_scan.scan_sheet_xml(path, bad, SheetScan(), "_parc_xl", structure=structure)
            assert [p.code for p in exc.value.problems] == [code]


def test_a_dtd_is_found_behind_the_first_markup_declaration() -> None:
    from parc_xl.io.package_guard import has_dtd

    assert has_dtd(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    assert has_dtd(b"<x><!-- c --></x><!ENTITY a 'b'>")  # not well-formed, still refused as a DTD
    assert not has_dtd(b"<x><!-- c --><![CDATA[<!DOC]]></x>") and not has_dtd(sheet())
