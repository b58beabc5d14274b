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
