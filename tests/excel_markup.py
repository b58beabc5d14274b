"""Give a workbook's worksheets the markup Excel for Windows (2010+) writes on save.

A minimal, hand-written subset of what Excel does (the full re-serialisation is
tests/excel_save.py): the `<worksheet>` root declares `mc`, `x14ac`, `xr`, `xr2`, `xr3` with
`mc:Ignorable` and carries `xr:uid`; every `<row>` gets `spans` and `x14ac:dyDescent`.
Corpus files that show it: exceljs/formulas.xlsx and most
of poi/ saved by Excel 15.0/16.0 (../shared/corpus/xlsx).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

EXCEL_ROOT = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    b'mc:Ignorable="x14ac xr xr2 xr3" '
    b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    b'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    b'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
    b'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
    b'xr:uid="{00000000-0001-0000-0000-000000000000}">'
)
_MAIN_DECL = b' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_ROW_TAG = re.compile(rb"<row\b[^>]*?(?<!/)>")
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def excel_sheet_xml(data: bytes) -> bytes:
    """One worksheet part's XML with Excel's root declarations and row attributes."""
    root = etree.fromstring(data)
    body = b"".join(etree.tostring(child) for child in root).replace(_MAIN_DECL, b"")
    for prefix in (b"r", b"mc", b"x14ac", b"xr", b"xr2", b"xr3"):
        body = re.sub(rb' xmlns:' + prefix + rb'="[^"]*"', b"", body)

    def row(m: re.Match[bytes]) -> bytes:
        tag = re.sub(rb' (spans|x14ac:dyDescent)="[^"]*"', b"", m.group(0))
        return tag[:-1] + b' spans="1:5" x14ac:dyDescent="0.25">'

    body = _ROW_TAG.sub(row, body)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + EXCEL_ROOT + body
            + b"</worksheet>")


def worksheet_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        types = etree.fromstring(zf.read("[Content_Types].xml"))
    return [el.get("PartName", "").lstrip("/") for el in types if el.get("ContentType") == _WORKSHEET]


def excel_markup(path: Path, parts: list[str] | None = None) -> Path:
    """Rewrite `path` in place: every worksheet part (or only `parts`) as Excel marks it up."""
    targets = set(worksheet_parts(path) if parts is None else parts)
    with zipfile.ZipFile(path) as zf:
        items = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, excel_sheet_xml(data) if name in targets else data)
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(path: Path) -> Path:
    """Move every inline string into `xl/sharedStrings.xml` (`t="s"`, index in `<v>`), as
    Excel does on save (corpus: every Excel-written file, e.g. exceljs/formulas.xlsx).
    Rich-text runs are kept as runs in the `<si>`."""
    m = "{%s}" % _MAIN
    with zipfile.ZipFile(path) as zf:
        items = {info.filename: zf.read(info) for info in zf.infolist()}
    sst = etree.Element(m + "sst", nsmap={None: _MAIN})
    index: dict[bytes, int] = {}
    count = 0
    for name in worksheet_parts(path):
        root = etree.fromstring(items[name])
        for cell in root.iter(m + "c"):
            if cell.get("t") != "inlineStr":
                continue
            is_el = cell.find(m + "is")
            if is_el is None:
                continue
            key = etree.tostring(is_el)
            if key not in index:
                si = etree.SubElement(sst, m + "si")
                si.extend(list(is_el))
                index[key] = len(index)
            cell.remove(is_el)
            cell.set("t", "s")
            v = etree.SubElement(cell, m + "v")
            v.text = str(index[key])
            count += 1
        items[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    sst.set("count", str(count))
    sst.set("uniqueCount", str(len(index)))
    items["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = items["xl/_rels/workbook.xml.rels"]
    if b"sharedStrings" not in rels:
        items["xl/_rels/workbook.xml.rels"] = rels.replace(
            b"</Relationships>",
            f'<Relationship Id="rIdSst" Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>'.encode())
    types = items["[Content_Types].xml"]
    if b"/xl/sharedStrings.xml" not in types:
        items["[Content_Types].xml"] = types.replace(
            b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    return path


# --- a return the unit filled and saved in Excel ---------------------------------------
_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_XM = "http://schemas.microsoft.com/office/excel/2006/main"
_DV_EXT_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"


def _edit_part(path: Path, part: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as zf:
        items = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, change(data) if name == part else data)


def x14_validations(path: Path, part: str) -> Path:
    """Move the sheet's data validations into an `x14:dataValidations` extension, as Excel
    2010+ writes those it cannot express in the 2007 schema, e.g. a list from another
    sheet (corpus: poi/51850.xlsx holds `x14:dataValidation` with `xm:f` / `xm:sqref`)."""
    m = "{%s}" % _MAIN

    def change(data: bytes) -> bytes:
        root = etree.fromstring(data)
        dvs = root.find(m + "dataValidations")
        assert dvs is not None
        root.remove(dvs)
        ext_lst = root.find(m + "extLst")
        if ext_lst is None:
            ext_lst = etree.SubElement(root, m + "extLst")
        ext = etree.SubElement(ext_lst, m + "ext", nsmap={"x14": _X14})
        ext.set("uri", _DV_EXT_URI)
        box = etree.SubElement(ext, "{%s}dataValidations" % _X14, nsmap={"xm": _XM})
        box.set("count", str(len(dvs)))
        for dv in dvs:
            new = etree.SubElement(box, "{%s}dataValidation" % _X14)
            for k, v in dv.attrib.items():
                if k != "sqref":
                    new.set(k, v)
            for formula in dv:
                f = etree.SubElement(new, "{%s}%s" % (_X14, etree.QName(formula).localname))
                etree.SubElement(f, "{%s}f" % _XM).text = formula.text
            etree.SubElement(new, "{%s}sqref" % _XM).text = dv.get("sqref")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    _edit_part(path, part, change)
    return path


def _shift_ref(ref: str, at: int) -> str:
    def one(m: re.Match[str]) -> str:
        r = int(m.group(2))
        return f"{m.group(1)}{r + 1 if r >= at else r}"
    return re.sub(r"(\$?[A-Z]{1,3}\$?)(\d+)", one, ref)


def insert_row(path: Path, part: str, at: int) -> Path:
    """Insert an empty row before row `at` as Excel does: rows, cells, merged ranges,
    validations and the dimension below it move down one (their `r` change); the new
    row takes the formats of the row above."""
    m = "{%s}" % _MAIN

    def change(data: bytes) -> bytes:
        root = etree.fromstring(data)
        data_el = root.find(m + "sheetData")
        above = None
        for row in list(data_el):
            r = int(row.get("r"))
            if r == at - 1:
                above = row
            if r >= at:
                row.set("r", str(r + 1))
                for cell in row:
                    cell.set("r", _shift_ref(cell.get("r"), at))
        if above is not None:
            new = etree.Element(m + "row", {"r": str(at)})
            for cell in above:
                if cell.get("s"):
                    new.append(etree.Element(m + "c", {"r": re.sub(r"\d+", str(at), cell.get("r")),
                                                       "s": cell.get("s")}))
            above.addnext(new)
        for el in root.iter():
            for attr in ("ref", "sqref"):
                if el.get(attr) and isinstance(el.tag, str) and etree.QName(el).localname != "c":
                    el.set(attr, _shift_ref(el.get(attr), at))
            if isinstance(el.tag, str) and etree.QName(el).localname == "sqref" and el.text:
                el.text = _shift_ref(el.text, at)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    _edit_part(path, part, change)
    return path


def date_system_1904(path: Path, part: str, date_cells: list[str]) -> Path:
    """Switch the workbook to the 1904 date system as Excel for Mac 2011 did: the
    `date1904` flag and every date serial 1462 days smaller (corpus: exceljs/1904.xlsx,
    saved by Excel 14.0)."""

    def workbook(data: bytes) -> bytes:
        if re.search(rb"<workbookPr[ />]", data):
            return re.sub(rb"<workbookPr(?=[ />])", b'<workbookPr date1904="1"', data, count=1)
        return re.sub(rb"(<bookViews|<sheets)", rb'<workbookPr date1904="1"/>\1', data, count=1)

    def sheet(data: bytes) -> bytes:
        for ref in date_cells:
            def shift(mm: re.Match[bytes]) -> bytes:
                return mm.group(1) + repr(float(mm.group(2)) - 1462).removesuffix(".0").encode() + b"</v>"
            data, n = re.subn(rb'(<c r="' + ref.encode() + rb'"[^>]*><v>)([0-9.]+)</v>', shift, data)
            assert n == 1, ref
        return data

    _edit_part(path, "xl/workbook.xml", workbook)
    _edit_part(path, part, sheet)
    return path


def number_format(path: Path, old: str, new: str) -> Path:
    """Give the cells of custom number format `old` Excel's format `new` (a built-in id
    such as "14", the short date Excel sets when a date is typed, or a format code)."""
    def change(data: bytes) -> bytes:
        root = etree.fromstring(data)
        m = "{%s}" % _MAIN
        fmts = root.find(m + "numFmts")
        ids = [f.get("numFmtId") for f in fmts if f.get("formatCode") == old]
        assert ids, old
        if new.isdigit():
            for xf in root.iter(m + "xf"):
                if xf.get("numFmtId") in ids:
                    xf.set("numFmtId", new)
        else:
            for f in fmts:
                if f.get("numFmtId") in ids:
                    f.set("formatCode", new)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    _edit_part(path, "xl/styles.xml", change)
    return path
