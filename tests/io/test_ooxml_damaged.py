"""Packages that other programs write, or that are damaged or crafted, through the package
layer: each case is built here from the trait a corpus file shows (../shared/corpus/xlsx,
named in each test), so that these tests do not need the corpus.

- a DTD in a part no job parses (poi/poc-xmlbomb.xlsx: sharedStrings.xml) is refused at open;
- an entry whose bytes do not match its CRC-32 (poi/clusterfuzz-*.xlsx) is refused at save,
  and nothing is written;
- `cellXfs` in `mc:AlternateContent` under a prefixed main namespace
  (poi/style-alternate-content.xlsx) counts formats as Excel does;
- a package without a styles part (poi/56278.xlsx) gets a minimal valid one.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from parc_xl.errors import InputError
from parc_xl.io.ooxml import XlsxPackage

SHEET = "Theo dõi"
SHEET_PART = "xl/worksheets/sheet1.xml"
REF = Path(__file__).resolve().parents[2].parent / "shared" / "ref" / "ooxml" / "transitional"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
HS = "http://schemas.haansoft.com/office/spreadsheet/8.0"


def _book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["STT", "Nhiệm vụ", "Hạn", "Ghi chú"])
    for r in range(2, 5):
        ws.append([r - 1, f"Nhiệm vụ {r - 1}", None, "cũ"])
    wb.save(path)
    return path


def _rewrite(path: Path, parts: dict[str, bytes | None], stored: bool = False) -> Path:
    """Rewrite `path` with `parts` replaced (None: removed)."""
    with zipfile.ZipFile(path) as zf:
        items = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            new = parts.get(name, data)
            if new is not None:
                zf.writestr(name, new)
    return path


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


# --- a DTD anywhere: refused at open, before any part is parsed --------------------------
_BOMB = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE foo[\n'
         + b"".join(b'<!ENTITY a%d "%s">\n' % (i, b"&a%d;" % (i - 1) * 4 if i else b"aaaaaaaaa") for i in range(30))
         + b"]>\n")


@pytest.mark.parametrize("part, lead", [
    ("xl/theme/theme1.xml", b""),  # poi/poc-xmlbomb.xlsx has it in sharedStrings.xml: no job parses either
    ("docProps/core.xml", b"<!-- a comment first -->\r\n"),  # poi/54764.xlsx: docProps too
])
def test_a_dtd_in_a_part_no_job_parses_is_refused_at_open(tmp_path: Path, part: str, lead: bytes) -> None:
    src = _book(tmp_path / "src.xlsx")
    body = _part(src, part).split(b"?>", 1)[-1].replace(b"Office Theme", b"&a29;", 1)
    _rewrite(src, {part: b"\xef\xbb\xbf" + _BOMB.replace(b"?>\n", b"?>" + lead, 1) + body})
    start = time.perf_counter()
    with pytest.raises(InputError, match="khai báo DTD"):
        XlsxPackage.open(src)
    assert time.perf_counter() - start < 5  # no expansion: refused from the first bytes


def test_a_utf16_part_with_a_dtd_is_refused(tmp_path: Path) -> None:
    src = _book(tmp_path / "src.xlsx")
    text = (_BOMB + _part(src, "docProps/app.xml").split(b"?>", 1)[-1]).decode().replace("UTF-8", "UTF-16")
    _rewrite(src, {"docProps/app.xml": text.encode("utf-16")})
    with pytest.raises(InputError, match="khai báo DTD"):
        XlsxPackage.open(src)


def test_the_word_doctype_in_cell_text_is_not_a_dtd(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = SHEET
    wb.active["A1"] = "<!DOCTYPE html> là dòng đầu của trang web"
    wb.save(tmp_path / "src.xlsx")
    pkg = XlsxPackage.open(tmp_path / "src.xlsx")
    pkg.set_columns(SHEET, {2: {1: "x"}})
    pkg.save(tmp_path / "out.xlsx")
    assert load_workbook(tmp_path / "out.xlsx")[SHEET]["A1"].value.startswith("<!DOCTYPE html>")


# --- a damaged entry (CRC-32 mismatch): refused, nothing written -------------------------
def _damage(path: Path, part: str, old: bytes, new: bytes) -> Path:
    """Change bytes of a stored entry without fixing its CRC-32 (what a fuzzer does)."""
    _rewrite(path, {}, stored=True)
    blob = path.read_bytes()
    data = _part(path, part)
    assert len(old) == len(new) and blob.count(data) == 1 and data.count(old) >= 1
    path.write_bytes(blob.replace(data, data.replace(old, new, 1)))
    return path


def test_a_damaged_entry_the_job_does_not_touch_is_refused_at_save(tmp_path: Path) -> None:
    """poi/clusterfuzz-testcase-minimized-POIXSSFFuzzer-5937385319563264.xlsx: sheet8.xml's
    bytes do not match its CRC; copied as they are they would make a file Excel repairs."""
    src = _damage(_book(tmp_path / "src.xlsx"), "docProps/app.xml", b"Microsoft", b"Mxcrosoft")
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {4: {2: "mới"}})
    pkg.append_rows(SHEET, [[4, "Nhiệm vụ 4", dt.date(2026, 3, 15), "thêm"]])
    out = tmp_path / "out.xlsx"
    with pytest.raises(InputError, match=r"bị hỏng \(phần docProps/app.xml"):
        pkg.save(out)
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["src.xlsx"]
    before = src.read_bytes()
    with pytest.raises(InputError, match="bị hỏng"):
        pkg.save()  # in place: the damaged original stays as it was, no temporary left
    assert src.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["src.xlsx"]


def test_a_damaged_entry_the_job_reads_is_a_vietnamese_error(tmp_path: Path) -> None:
    src = _damage(_book(tmp_path / "src.xlsx"), SHEET_PART, b"<sheetData>", b"<sheetDatb>")
    pkg = XlsxPackage.open(src)
    with pytest.raises(InputError, match="bị hỏng"):
        pkg.sheet(SHEET).read_values()


def test_an_intact_package_still_saves_every_entry_byte_identical(tmp_path: Path) -> None:
    src = _book(tmp_path / "src.xlsx")
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {4: {2: "mới"}})
    pkg.save(tmp_path / "out.xlsx")
    for name in ("docProps/app.xml", "docProps/core.xml", "xl/theme/theme1.xml"):
        assert _part(tmp_path / "out.xlsx", name) == _part(src, name)
    assert load_workbook(tmp_path / "out.xlsx")[SHEET]["D2"].value == "mới"


# --- cellXfs in mc:AlternateContent, prefixed main namespace ----------------------------
def _alternate_styles(styles: bytes, requires: str, ns: str) -> bytes:
    """styles.xml as Hancom Office writes it (poi/style-alternate-content.xlsx): the main
    namespace under prefix `x:`, every cell format but the first wrapped in an
    mc:AlternateContent whose Choice (an extension attribute and a date format the
    Fallback does not have) requires `requires`."""
    root = etree.fromstring(styles)
    main = root.nsmap[None]
    xfs = root.find(f"{{{main}}}cellXfs")
    assert xfs is not None
    for xf in list(xfs)[1:]:
        ac = etree.Element(f"{{{MC}}}AlternateContent", nsmap={"mc": MC})
        choice = etree.SubElement(ac, f"{{{MC}}}Choice", nsmap={requires: ns}, Requires=requires)
        alt = etree.SubElement(choice, xf.tag, dict(xf.attrib))
        alt.set(f"{{{ns}}}applyExtension", "1")
        alt.set("numFmtId", "14")  # the Choice alone shows a date
        fallback = etree.SubElement(ac, f"{{{MC}}}Fallback")
        fallback.append(xf.__copy__())
        xfs.replace(xf, ac)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    # the main namespace under a prefix, as that writer has it
    text = text.replace(f'xmlns="{main}"'.encode(), f'xmlns:x="{main}"'.encode())
    return re.sub(rb"<(/?)(?!mc:|\?|" + requires.encode() + rb":)([A-Za-z]+)", rb"<\1x:\2", text)


@pytest.mark.parametrize("requires, ns, date_in_c2", [
    ("hs", HS, False),  # not understood: the Fallback (no date format) is what Excel shows
    ("x14ac", "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac", True),  # understood: the Choice
])
def test_cell_formats_in_alternate_content_count_as_excel_counts_them(
        tmp_path: Path, requires: str, ns: str, date_in_c2: bool) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["STT", "Số", "Ngày"])
    ws["B2"] = 5
    ws["B2"].number_format = "0.00"  # cell format 1
    ws["C2"] = 46000
    ws["C2"].number_format = "0.0"  # cell format 2
    wb.save(tmp_path / "src.xlsx")
    src = _rewrite(tmp_path / "src.xlsx", {"xl/styles.xml": _alternate_styles(
        _part(tmp_path / "src.xlsx", "xl/styles.xml"), requires, ns)})
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {2: {3: dt.date(2026, 3, 15)}, 3: {3: dt.date(2026, 3, 16)}})
    pkg.save(tmp_path / "out.xlsx")
    out = tmp_path / "out.xlsx"
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(SHEET).to_python()
    assert rows[2][1] == dt.date(2026, 3, 15) and rows[2][2] == dt.date(2026, 3, 16)
    got = load_workbook(out)[SHEET]
    assert got["B3"].value == dt.datetime(2026, 3, 15) and got["C3"].value == dt.datetime(2026, 3, 16)
    assert got["B2"].number_format == ("mm-dd-yy" if date_in_c2 else "0.00")
    # written back plain: every reader counts the formats alike
    assert b"AlternateContent" not in _part(out, "xl/styles.xml")
    styles = etree.fromstring(_part(out, "xl/styles.xml"))
    assert etree.QName(styles).namespace == "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- no styles part ----------------------------------------------------------------------
def _without_styles(path: Path, keep_rel: bool) -> Path:
    rels = _part(path, "xl/_rels/workbook.xml.rels")
    if not keep_rel:
        rels = re.sub(rb'<Relationship [^>]*/styles"[^>]*/>', b"", rels)
    ct = re.sub(rb'<Override [^>]*styles\+xml"[^>]*/>', b"", _part(path, "[Content_Types].xml"))
    return _rewrite(path, {"xl/styles.xml": None, "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": ct})


@pytest.mark.parametrize("keep_rel", [False, True])  # poi/56278.xlsx; exceljs/test-issue-771.xlsx
def test_a_package_without_styles_gets_a_minimal_valid_one(tmp_path: Path, keep_rel: bool) -> None:
    src = _without_styles(_book(tmp_path / "src.xlsx"), keep_rel)
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {3: {2: dt.date(2026, 3, 15)}, 4: {2: "=SUM(A1:A9)"}})
    pkg.save(tmp_path / "out.xlsx")
    out = tmp_path / "out.xlsx"
    ws = load_workbook(out)[SHEET]
    assert ws["C2"].value == dt.datetime(2026, 3, 15) and ws["D2"].value == "=SUM(A1:A9)"
    assert ws["C2"].number_format == "dd/mm/yyyy" and ws["D2"].quotePrefix
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(SHEET).to_python()
    assert rows[1][2] == dt.date(2026, 3, 15) and rows[1][3] == "=SUM(A1:A9)"
    rels = _part(out, "xl/_rels/workbook.xml.rels")
    assert len(re.findall(rb'/relationships/styles"', rels)) == 1
    assert b'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.' \
           b'spreadsheetml.styles+xml"' in _part(out, "[Content_Types].xml")
    if not (REF / "sml.xsd").is_file():
        pytest.skip("../shared/ref/ooxml is absent: the styles part is not validated against sml.xsd")
    schema = etree.XMLSchema(etree.parse(str(REF / "sml.xsd")))
    styles = etree.fromstring(_part(out, "xl/styles.xml"))
    assert schema.validate(styles), schema.error_log


def test_reading_a_package_without_styles_adds_nothing_until_saved(tmp_path: Path) -> None:
    src = _without_styles(_book(tmp_path / "src.xlsx"), keep_rel=False)
    before = src.read_bytes()
    pkg = XlsxPackage.open(src)
    assert pkg.sheet(SHEET).read_values()[1][:2] == [1, "Nhiệm vụ 1"]
    assert src.read_bytes() == before and "xl/styles.xml" not in pkg.part_names()
