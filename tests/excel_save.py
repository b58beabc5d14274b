"""Re-serialise a workbook the way Excel for Windows (365, AppVersion 16.0300) saves it.

Tests use `excel_save(path)` where a person would open a workbook in Excel and press
Save: the clerk between two jobs, a unit after filling its form. The content (values,
styles, formulas, validations, sheets) stays; what changes is how it is written, trait by
trait, each as seen in a real Excel-saved file of ../shared/corpus/xlsx (MANIFEST.tsv
names the writer of each):

- XML declaration `standalone="yes"` followed by CRLF (poi/56822-Countifs.xlsx).
- Worksheet root: `mc`, `x14ac`, `xr`, `xr2`, `xr3` declared on the root with
  `mc:Ignorable="x14ac xr xr2 xr3"` and an `xr:uid` (poi/ValueFunctionOfBlank.xlsx).
- `x14ac:dyDescent` on `<sheetFormatPr>` and every `<row>`, and `spans` (min:max column of
  each block of 16 rows) on every row (poi/simple-monthly-budget.xlsx,
  exceljs/test-row-styles.xlsx).
- Excel's attribute order: rows `r spans s customFormat ht hidden customHeight … 
  x14ac:dyDescent`, cells `r s t` (poi/simple-monthly-budget.xlsx, poi/58896.xlsx); no
  `t="n"`, no empty `<v/>`, no rows without cells or formatting.
- Inline strings moved to `xl/sharedStrings.xml`; the table rebuilt in order of first use
  with `count`/`uniqueCount` (exceljs/test-row-styles.xlsx: 1102 uses of 1 string).
- `xr:uid` on every `<dataValidation>` (poi/63934.xlsx), on tables, their autoFilter and
  (`xr3:uid`) their columns (poi/table-sample.xlsx).
- List validations whose source is on another sheet moved into the worksheet's `extLst`
  as `x14:dataValidations` with `xm:f`/`xm:sqref` (poi/56644.xlsx, poi/61652.xlsx).
- Workbook: `mc:Ignorable="x15 xr xr6 xr10 xr2"`, `<fileVersion appName="xl">`, the
  `mc:AlternateContent` holding `x15ac:absPath`, `<xr:revisionPtr>`, `xr2:uid` on the
  workbook view, `calcPr calcId`, an `extLst` with `xcalcf:calcFeatures`
  (poi/ValueFunctionOfBlank.xlsx); a hidden `_xlnm._FilterDatabase` name for each sheet
  with an autoFilter (poi/Excel_file_with_trash_item.xlsx).
- Workbook relationships renumbered: worksheets rId1…rIdN in tab order, then theme,
  styles, sharedStrings, calcChain (poi/ValueFunctionOfBlank.xlsx); `r:id`s follow.
- Styles: `mc:Ignorable="x14ac x16r2 xr"`, `x14ac:knownFonts` on `<fonts>`, an `extLst`
  with slicer and timeline styles (poi/ValueFunctionOfBlank.xlsx).
- A rebuilt `xl/calcChain.xml` listing every formula cell, `i` = the sheet's sheetId on
  the first cell of each sheet (poi/ValueFunctionOfBlank.xlsx); none when no formula.
- `docProps/app.xml` rewritten (Application, HeadingPairs, TitlesOfParts with the sheet
  names and named ranges, AppVersion), `docProps/core.xml` with lastModifiedBy/modified
  (every Excel file of the corpus).
- Zip entries in Excel's order ([Content_Types].xml, _rels, workbook, its rels, sheets,
  theme, styles, sharedStrings, …, calcChain, docProps) dated 1980-01-01
  (poi/ValueFunctionOfBlank.xlsx).

Not simulated: Excel recomputes formulas and writes their cached `<v>`; here a formula
keeps whatever cached value it had (openpyxl writes none).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
X15AC = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"
X16R2 = "http://schemas.microsoft.com/office/spreadsheetml/2015/02/main"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
XR2 = "http://schemas.microsoft.com/office/spreadsheetml/2015/revision2"
XR3 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"
XR6 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision6"
XR10 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision10"
XCALCF = "http://schemas.microsoft.com/office/spreadsheetml/2018/calcfeatures"
APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_CALC = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"

DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
DY_DESCENT = "0.25"  # Calibri 11 at 100 % (what Excel writes for the default font)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

COL_ORDER = ["min", "max", "width", "style", "hidden", "bestFit", "customWidth", "phonetic", "outlineLevel",
             "collapsed"]
REL_ORDER = ["Id", "Type", "Target", "TargetMode"]
# attributes openpyxl writes with their default value; Excel leaves them out
_VIEW_DEFAULTS = {"visibility": "visible", "minimized": "0", "showHorizontalScroll": "1",
                  "showVerticalScroll": "1", "showSheetTabs": "1", "tabRatio": "600", "firstSheet": "0",
                  "activeTab": "0", "autoFilterDateGrouping": "1"}
# CT_DataValidation and CT_SheetProtection in schema order, and the defaults Excel omits
DV_ORDER = ["type", "errorStyle", "imeMode", "operator", "allowBlank", "showDropDown", "showInputMessage",
            "showErrorMessage", "errorTitle", "error", "promptTitle", "prompt", "sqref"]
DV_DEFAULTS = {"type": "none", "errorStyle": "stop", "imeMode": "noControl", "operator": "between",
               "allowBlank": "0", "showDropDown": "0", "showInputMessage": "0", "showErrorMessage": "0"}
PROTECTION_ORDER = ["algorithmName", "hashValue", "saltValue", "spinCount", "password", "sheet", "objects",
                    "scenarios", "formatCells", "formatColumns", "formatRows", "insertColumns", "insertRows",
                    "insertHyperlinks", "deleteColumns", "deleteRows", "selectLockedCells", "sort", "autoFilter",
                    "pivotTables", "selectUnlockedCells"]
PROTECTION_DEFAULTS = {"sheet": "0", "objects": "0", "scenarios": "0", "formatCells": "1", "formatColumns": "1",
                       "formatRows": "1", "insertColumns": "1", "insertRows": "1", "insertHyperlinks": "1",
                       "deleteColumns": "1", "deleteRows": "1", "selectLockedCells": "0", "sort": "1",
                       "autoFilter": "1", "pivotTables": "1", "selectUnlockedCells": "0"}
ROW_ORDER = ["r", "spans", "s", "customFormat", "ht", "hidden", "customHeight", "outlineLevel", "collapsed",
             "thickTop", "thickBot", "ph"]
CELL_ORDER = ["r", "s", "t", "cm", "vm", "ph"]
SHEET_NS = {None: MAIN, "r": REL, "mc": MC, "x14ac": X14AC, "xr": XR, "xr2": XR2, "xr3": XR3}
WORKBOOK_NS = {None: MAIN, "r": REL, "mc": MC, "x15": X15, "xr": XR, "xr6": XR6, "xr10": XR10, "xr2": XR2}
STYLES_NS = {None: MAIN, "mc": MC, "x14ac": X14AC, "x16r2": X16R2, "xr": XR}
TABLE_NS = {None: MAIN, "mc": MC, "xr": XR, "xr3": XR3}
# worksheet children in schema order (CT_Worksheet), to put a new extLst last
_X14_DV_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
_CALC_FEATURES_URI = "{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}"
_WORKBOOK_ORDER = ["fileVersion", "fileSharing", "workbookPr", "AlternateContent", "revisionPtr",
                   "workbookProtection", "bookViews", "sheets", "functionGroups", "externalReferences",
                   "definedNames", "calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr",
                   "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"]


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _uid(*parts: object) -> str:
    """A stable GUID (the same file saved twice gets the same ids, as Excel keeps them)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts)))).upper() + "}"


def _col(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _reorder(el: etree._Element, order: list[str]) -> None:
    """Rewrite `el`'s attributes in Excel's order: known names first, then the rest
    (namespaced ones such as x14ac:dyDescent last, as Excel writes them)."""
    items = list(el.attrib.items())
    rank = {n: i for i, n in enumerate(order)}
    items.sort(key=lambda kv: (kv[0].startswith("{"), rank.get(kv[0], len(order))))
    el.attrib.clear()
    for k, v in items:
        el.set(k, v)


def _drop_defaults(el: etree._Element, defaults: dict[str, str]) -> None:
    for k, v in defaults.items():
        if el.get(k) == v:
            del el.attrib[k]


def _new_root(old: etree._Element, nsmap: dict[str | None, str], attrs: list[tuple[str, str]]) -> etree._Element:
    """The same root element declaring `nsmap` (plus whatever the old root declared) in
    Excel's order, then `attrs`, then the old root's own attributes."""
    merged = dict(nsmap)
    for prefix, uri in (old.nsmap or {}).items():
        if uri not in merged.values() and prefix not in merged:
            merged[prefix] = uri
    root = etree.Element(old.tag, nsmap=merged)
    for k, v in attrs:
        root.set(k, v)
    for k, v in old.attrib.items():
        if k not in root.attrib:
            root.set(k, v)
    for child in list(old):
        root.append(child)
    root.text = old.text
    return root


_IGNORABLE = re.compile(rb' mc:Ignorable="[^"]*"')
_MC_DECL = re.compile(rb' xmlns:mc="[^"]*"')


def _tostring(root: etree._Element, keep: list[str]) -> bytes:
    """Serialised as Excel writes: declaration + CRLF, and on the root `mc:Ignorable`
    right after the `xmlns:mc` declaration, between the other declarations (lxml would
    put every declaration first)."""
    etree.cleanup_namespaces(root, keep_ns_prefixes=keep)
    body = etree.tostring(root, encoding="UTF-8")
    end = body.index(b">")
    head, rest = body[:end], body[end:]
    ign = _IGNORABLE.search(head)
    mc = _MC_DECL.search(head)
    if ign and mc:
        head = head[: ign.start()] + head[ign.end():]
        mc = _MC_DECL.search(head)
        assert mc is not None
        head = head[: mc.end()] + ign.group(0) + head[mc.end():]
    return DECL + head + rest


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    base = PurePosixPath(source).parent
    parts: list[str] = []
    for piece in (base / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _rels_name(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / f"{p.name}.rels")


class _Book:
    def __init__(self, src: Path) -> None:
        with zipfile.ZipFile(src) as zf:
            self.order = [i.filename for i in zf.infolist() if not i.is_dir()]
            self.parts = {n: zf.read(n) for n in self.order}
        rels = etree.fromstring(self.parts["_rels/.rels"], _PARSER)
        self.workbook = next(_resolve("", r.get("Target", "")) for r in rels
                             if r.get("Type", "").endswith("/officeDocument"))
        self.wb_rels_name = _rels_name(self.workbook)
        self.wb = etree.fromstring(self.parts[self.workbook], _PARSER)
        self.wb_rels = etree.fromstring(self.parts[self.wb_rels_name], _PARSER)
        self.ct = etree.fromstring(self.parts["[Content_Types].xml"], _PARSER)

    def rel_targets(self, kind: str) -> list[str]:
        return [_resolve(self.workbook, r.get("Target", "")) for r in self.wb_rels
                if r.get("Type", "") == RT + kind]

    def sheets(self) -> list[tuple[str, int, str, etree._Element]]:
        """(name, sheetId, part, <sheet>) for each worksheet in tab order."""
        by_id = {r.get("Id"): r for r in self.wb_rels}
        out = []
        for sh in self.wb.iter(_q(MAIN, "sheet")):
            rel = by_id.get(sh.get(_q(REL, "id")))
            if rel is None or not rel.get("Type", "").endswith("/worksheet"):
                continue
            out.append((sh.get("name", ""), int(sh.get("sheetId", "0")), _resolve(self.workbook, rel.get("Target", "")),
                        sh))
        return out

    def set_override(self, part: str, content_type: str) -> None:
        name = "/" + part
        for o in self.ct.iter(_q(CT, "Override")):
            if o.get("PartName") == name:
                o.set("ContentType", content_type)
                return
        etree.SubElement(self.ct, _q(CT, "Override"), PartName=name, ContentType=content_type)

    def drop_override(self, part: str) -> None:
        for o in list(self.ct.iter(_q(CT, "Override"))):
            if o.get("PartName") == "/" + part:
                self.ct.remove(o)

    def add_rel(self, kind: str, part: str) -> None:
        if part in self.rel_targets(kind):
            return
        target = str(PurePosixPath(part).relative_to(PurePosixPath(self.workbook).parent))
        etree.SubElement(self.wb_rels, _q(PKG_REL, "Relationship"), Id=f"rIdNew{len(self.wb_rels)}",
                         Type=RT + kind, Target=target)

    def drop_rel(self, kind: str) -> None:
        for r in list(self.wb_rels):
            if r.get("Type", "") == RT + kind:
                self.wb_rels.remove(r)


# --- shared strings -----------------------------------------------------------------
class _Strings:
    """The shared-string table Excel rebuilds on save: in order of first use, deduplicated."""

    def __init__(self, old: list[etree._Element]) -> None:
        self.old = old
        self.items: list[etree._Element] = []
        self.index: dict[bytes, int] = {}
        self.count = 0

    def add(self, content: list[etree._Element]) -> int:
        si = etree.Element(_q(MAIN, "si"), nsmap={None: MAIN})
        for child in content:
            si.append(copy.deepcopy(child))
        if not len(si):
            etree.SubElement(si, _q(MAIN, "t"))
        for t in si.iter(_q(MAIN, "t")):  # Excel marks only text that needs it as preserved
            text = t.text or ""
            if text != text.strip() or "\n" in text:
                t.set(_q(XML_NS, "space"), "preserve")
            elif _q(XML_NS, "space") in t.attrib:
                del t.attrib[_q(XML_NS, "space")]
        key = etree.tostring(si, method="c14n")
        self.count += 1
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(si)
        return self.index[key]

    def xml(self) -> bytes:
        root = etree.Element(_q(MAIN, "sst"), nsmap={None: MAIN})
        root.set("count", str(self.count))
        root.set("uniqueCount", str(len(self.items)))
        for si in self.items:
            root.append(si)
        return _tostring(root, [])


# --- worksheets ----------------------------------------------------------------------
def _sheet(data: bytes, index: int, sheet_id: int, part: str, strings: _Strings,
           formulas: list[str]) -> tuple[bytes, str | None]:
    """The worksheet as Excel writes it; also returns the used range when there is an
    autoFilter (for the workbook's _FilterDatabase name) — None otherwise."""
    old = etree.fromstring(data, _PARSER)
    root = _new_root(old, SHEET_NS, [(_q(MC, "Ignorable"), "x14ac xr xr2 xr3"),
                                     (_q(XR, "uid"), f"{{00000000-0001-0000-{index:02X}00-000000000000}}")])
    sheet_data = root.find(_q(MAIN, "sheetData"))
    rows = [] if sheet_data is None else list(sheet_data.iter(_q(MAIN, "row")))
    min_c = min_r = 10**9
    max_c = max_r = 0
    blocks: dict[int, tuple[int, int]] = {}
    next_row = 1
    for row in rows:
        if row.get("r") is None:
            row.set("r", str(next_row))
        r = int(row.get("r", "0"))
        next_row = r + 1
        next_col = 1
        for c in row.iter(_q(MAIN, "c")):
            ref = c.get("r")
            if ref is None:
                ref = f"{_letters(next_col)}{r}"
                c.set("r", ref)
            col = _col(ref)
            next_col = col + 1
            kind = c.get("t", "n")
            if kind == "n":
                c.attrib.pop("t", None)
            f = c.find(_q(MAIN, "f"))
            v = c.find(_q(MAIN, "v"))
            if v is not None and not (v.text or "") and f is not None:
                c.remove(v)
            if kind == "inlineStr":
                inline = c.find(_q(MAIN, "is"))
                content = list(inline) if inline is not None else []
                if inline is not None:
                    c.remove(inline)
                c.set("t", "s")
                etree.SubElement(c, _q(MAIN, "v")).text = str(strings.add(content))
            elif kind == "s" and v is not None:
                old_si = strings.old[int(v.text or "0")]
                v.text = str(strings.add(list(old_si)))
            if f is not None:
                formulas.append(ref)
            _reorder(c, CELL_ORDER)
            lo, hi = blocks.get((r - 1) // 16, (col, col))
            blocks[(r - 1) // 16] = (min(lo, col), max(hi, col))
            min_c, max_c, min_r, max_r = min(min_c, col), max(max_c, col), min(min_r, r), max(max_r, r)
    for row in rows:
        r = int(row.get("r", "0"))
        has_cells = row.find(_q(MAIN, "c")) is not None
        if not has_cells and not (set(row.attrib) - {"r", "spans"}):
            row.getparent().remove(row)  # Excel drops rows with neither cells nor formatting
            continue
        row.attrib.pop("spans", None)
        if (r - 1) // 16 in blocks:
            lo, hi = blocks[(r - 1) // 16]
            row.set("spans", f"{lo}:{hi}")
        row.set(_q(X14AC, "dyDescent"), DY_DESCENT)
        _reorder(row, ROW_ORDER)
    used = f"{_letters(min_c)}{min_r}:{_letters(max_c)}{max_r}" if max_r else "A1"
    if used.split(":")[0] == used.split(":")[-1]:
        used = used.split(":")[0]
    dim = root.find(_q(MAIN, "dimension"))
    if dim is not None:
        dim.set("ref", used)
    fmt = root.find(_q(MAIN, "sheetFormatPr"))
    if fmt is None:
        fmt = etree.Element(_q(MAIN, "sheetFormatPr"), defaultRowHeight="15")
        anchor = root.find(_q(MAIN, "cols"))
        if anchor is None:
            anchor = sheet_data
        if anchor is not None:
            anchor.addprevious(fmt)
    fmt.set(_q(X14AC, "dyDescent"), DY_DESCENT)
    for col_el in root.iter(_q(MAIN, "col")):
        _reorder(col_el, COL_ORDER)
    prot = root.find(_q(MAIN, "sheetProtection"))
    if prot is not None:
        _drop_defaults(prot, PROTECTION_DEFAULTS)
        _reorder(prot, PROTECTION_ORDER)
    _validations(root, part)
    return _tostring(root, ["r", "mc", "x14ac", "xr", "xr2", "xr3"]), used if root.find(_q(MAIN, "autoFilter")) is not None else None


_OTHER_SHEET = re.compile(r"^=?('[^']+'|[^!\s\"]+)!")


def _validations(root: etree._Element, part: str) -> None:
    dvs = root.find(_q(MAIN, "dataValidations"))
    if dvs is None:
        return
    moved = []
    for i, dv in enumerate(list(dvs)):
        f1 = dv.find(_q(MAIN, "formula1"))
        if dv.get("type") == "list" and f1 is not None and _OTHER_SHEET.match(f1.text or ""):
            moved.append(dv)
            dvs.remove(dv)
            continue
        _drop_defaults(dv, DV_DEFAULTS)
        dv.set(_q(XR, "uid"), _uid(part, "dataValidation", i))
        _reorder(dv, DV_ORDER)
    if moved:
        ext_list = root.find(_q(MAIN, "extLst"))
        if ext_list is None:
            ext_list = etree.SubElement(root, _q(MAIN, "extLst"))
        ext = etree.SubElement(ext_list, _q(MAIN, "ext"), nsmap={"x14": X14}, uri=_X14_DV_URI)
        x14dvs = etree.SubElement(ext, _q(X14, "dataValidations"), nsmap={"xm": XM}, count=str(len(moved)))
        for dv in moved:
            new = etree.SubElement(x14dvs, _q(X14, "dataValidation"))
            for k, v in dv.attrib.items():
                if k != "sqref":
                    new.set(k, v)
            for fname in ("formula1", "formula2"):
                f = dv.find(_q(MAIN, fname))
                if f is not None:
                    holder = etree.SubElement(new, _q(X14, fname))
                    etree.SubElement(holder, _q(XM, "f")).text = f.text
            etree.SubElement(new, _q(XM, "sqref")).text = dv.get("sqref", "")
    if len(dvs):
        dvs.set("count", str(len(dvs)))
    else:
        root.remove(dvs)


# --- other parts ----------------------------------------------------------------------
def _table(data: bytes, part: str) -> bytes:
    old = etree.fromstring(data, _PARSER)
    root = _new_root(old, TABLE_NS, [(_q(MC, "Ignorable"), "xr xr3")])
    attrs = list(root.attrib.items())
    root.attrib.clear()
    for k, v in attrs:  # Excel: id, xr:uid, name, displayName, ref, …
        root.set(k, v)
        if k == "id":
            root.set(_q(XR, "uid"), _uid(part, "table"))
    af = root.find(_q(MAIN, "autoFilter"))
    if af is not None:
        af.set(_q(XR, "uid"), _uid(part, "table"))
    for i, tc in enumerate(root.iter(_q(MAIN, "tableColumn"))):
        attrs = list(tc.attrib.items())
        tc.attrib.clear()
        for k, v in attrs:
            tc.set(k, v)
            if k == "id":
                tc.set(_q(XR3, "uid"), _uid(part, "tableColumn", i))
    return _tostring(root, ["mc", "xr", "xr3"])


def _styles(data: bytes) -> bytes:
    root = _new_root(etree.fromstring(data, _PARSER), STYLES_NS, [(_q(MC, "Ignorable"), "x14ac x16r2 xr")])
    fonts = root.find(_q(MAIN, "fonts"))
    if fonts is not None:
        fonts.set(_q(X14AC, "knownFonts"), "1")
    if root.find(_q(MAIN, "extLst")) is None:
        ext_list = etree.SubElement(root, _q(MAIN, "extLst"))
        ext = etree.SubElement(ext_list, _q(MAIN, "ext"), nsmap={"x14": X14},
                               uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}")
        etree.SubElement(ext, _q(X14, "slicerStyles"), defaultSlicerStyle="SlicerStyleLight1")
        ext = etree.SubElement(ext_list, _q(MAIN, "ext"), nsmap={"x15": X15},
                               uri="{9260A510-F301-46a8-8635-F512D64BE5F5}")
        etree.SubElement(ext, _q(X15, "timelineStyles"), defaultTimelineStyle="TimeSlicerStyleLight1")
    return _tostring(root, ["mc", "x14ac", "x16r2", "xr"])


def _place(root: etree._Element, el: etree._Element) -> None:
    """Insert `el` among the workbook's children at its schema position."""
    rank = {n: i for i, n in enumerate(_WORKBOOK_ORDER)}
    mine = rank[_local(el)]
    for i, child in enumerate(root):
        if rank.get(_local(child), -1) > mine:
            root.insert(i, el)
            return
    root.append(el)


def _workbook(book: _Book, filters: dict[int, str], rid_map: dict[str, str]) -> bytes:
    root = _new_root(book.wb, WORKBOOK_NS, [(_q(MC, "Ignorable"), "x15 xr xr6 xr10 xr2")])
    for el in root.iter():
        rid = el.get(_q(REL, "id"))
        if rid in rid_map:
            el.set(_q(REL, "id"), rid_map[rid])
    for sh in root.iter(_q(MAIN, "sheet")):
        if sh.get("state") == "visible":
            del sh.attrib["state"]
    prot = root.find(_q(MAIN, "workbookProtection"))
    if prot is not None and not prot.attrib:
        root.remove(prot)
    fv = root.find(_q(MAIN, "fileVersion"))
    if fv is None:
        fv = etree.Element(_q(MAIN, "fileVersion"))
        _place(root, fv)
    fv.attrib.clear()
    for k, v in (("appName", "xl"), ("lastEdited", "7"), ("lowestEdited", "7"), ("rupBuild", "27425")):
        fv.set(k, v)
    pr = root.find(_q(MAIN, "workbookPr"))
    if pr is None:
        pr = etree.Element(_q(MAIN, "workbookPr"))
        _place(root, pr)
    pr.set("defaultThemeVersion", pr.get("defaultThemeVersion", "166925"))
    if root.find(_q(MC, "AlternateContent")) is None:
        ac = etree.Element(_q(MC, "AlternateContent"), nsmap={"mc": MC})
        choice = etree.SubElement(ac, _q(MC, "Choice"), Requires="x15")
        etree.SubElement(choice, _q(X15AC, "absPath"), nsmap={"x15ac": X15AC},
                         url="C:\\Users\\chuyenvien\\Documents\\")
        _place(root, ac)
    if root.find(_q(XR, "revisionPtr")) is None:
        rp = etree.Element(_q(XR, "revisionPtr"))
        rp.set("revIDLastSave", "0")
        rp.set("documentId", "13_ncr:1_" + _uid(book.workbook, "document"))
        rp.set(_q(XR6, "coauthVersionLast"), "47")
        rp.set(_q(XR6, "coauthVersionMax"), "47")
        rp.set(_q(XR10, "uidLastSave"), "{00000000-0000-0000-0000-000000000000}")
        _place(root, rp)
    views = root.find(_q(MAIN, "bookViews"))
    if views is None:
        views = etree.Element(_q(MAIN, "bookViews"))
        etree.SubElement(views, _q(MAIN, "workbookView"))
        _place(root, views)
    for i, view in enumerate(views):
        for k, v in _VIEW_DEFAULTS.items():
            if view.get(k) == v:
                del view.attrib[k]
        for k, v in (("xWindow", "-120"), ("yWindow", "-120"), ("windowWidth", "29040"), ("windowHeight", "15840")):
            view.set(k, view.get(k, v))
        view.set(_q(XR2, "uid"), f"{{00000000-000D-0000-FFFF-FFFF{i:08X}}}")
    if filters:
        names = root.find(_q(MAIN, "definedNames"))
        if names is None:
            names = etree.Element(_q(MAIN, "definedNames"))
            _place(root, names)
        have = {(n.get("name"), n.get("localSheetId")) for n in names}
        sheet_names = [sh.get("name", "") for sh in root.iter(_q(MAIN, "sheet"))]
        for pos, ref in filters.items():
            if ("_xlnm._FilterDatabase", str(pos)) in have:
                continue
            a, _, b = ref.partition(":")
            absolute = "$" + re.sub(r"(\d+)", r"$\1", a) + (":$" + re.sub(r"(\d+)", r"$\1", b) if b else "")
            quoted = "'" + sheet_names[pos].replace("'", "''") + "'"
            dn = etree.SubElement(names, _q(MAIN, "definedName"), name="_xlnm._FilterDatabase",
                                  localSheetId=str(pos), hidden="1")
            dn.text = f"{quoted}!{absolute}"
    calc = root.find(_q(MAIN, "calcPr"))
    if calc is None:
        calc = etree.Element(_q(MAIN, "calcPr"))
        _place(root, calc)
    calc.set("calcId", "191029")
    calc.attrib.pop("fullCalcOnLoad", None)  # Excel has just recalculated
    ext_list = root.find(_q(MAIN, "extLst"))
    if ext_list is None:
        ext_list = etree.Element(_q(MAIN, "extLst"))
        _place(root, ext_list)
    if not any(e.get("uri") == _CALC_FEATURES_URI for e in ext_list):
        ext = etree.SubElement(ext_list, _q(MAIN, "ext"), nsmap={"xcalcf": XCALCF}, uri=_CALC_FEATURES_URI)
        feats = etree.SubElement(ext, _q(XCALCF, "calcFeatures"))
        for name in ("microsoft.com:RD", "microsoft.com:Single", "microsoft.com:FV", "microsoft.com:CNMTM",
                     "microsoft.com:LET_WF", "microsoft.com:LAMBDA_WF", "microsoft.com:ARRAYTEXT_WF"):
            etree.SubElement(feats, _q(XCALCF, "feature"), name=name)
    return _tostring(root, ["r", "mc", "x15", "xr", "xr6", "xr10", "xr2"])


def _renumber_rels(book: _Book, sheet_parts: list[str]) -> dict[str, str]:
    """rId1…rIdN for the worksheets in tab order, then theme, styles, sharedStrings,
    calcChain after whatever else there is; returns old id → new id."""
    rels = list(book.wb_rels)
    late = [RT + k for k in ("theme", "styles", "sharedStrings", "calcChain")]

    def rank(rel: etree._Element) -> tuple[int, int]:
        target = _resolve(book.workbook, rel.get("Target", ""))
        if target in sheet_parts:
            return 0, sheet_parts.index(target)
        kind = rel.get("Type", "")
        return (2, late.index(kind)) if kind in late else (1, 0)

    ordered = sorted(rels, key=rank)
    mapping = {}
    for i, rel in enumerate(ordered, start=1):
        mapping[rel.get("Id", "")] = f"rId{i}"
        rel.set("Id", f"rId{i}")
        if rel.get("TargetMode") != "External":  # Excel writes targets relative to xl/
            target = _resolve(book.workbook, rel.get("Target", ""))
            base = PurePosixPath(book.workbook).parent
            if target.startswith(f"{base}/"):
                rel.set("Target", target[len(str(base)) + 1:])
        _reorder(rel, REL_ORDER)
        book.wb_rels.remove(rel)
        book.wb_rels.append(rel)
    return mapping


def _app_xml(book: _Book, sheet_names: list[str], app_version: str) -> bytes:
    named = []
    names = book.wb.find(_q(MAIN, "definedNames"))
    for dn in (names if names is not None else []):
        name = dn.get("name", "")
        if dn.get("hidden") == "1" or name.startswith("_xlnm._"):
            continue
        local = dn.get("localSheetId")
        shown = name.removeprefix("_xlnm.")
        if local is not None and int(local) < len(sheet_names):
            shown = f"'{sheet_names[int(local)]}'!{shown}"
        named.append(shown)
    root = etree.Element(_q(APP, "Properties"), nsmap={None: APP, "vt": VT})
    for tag, text in (("Application", "Microsoft Excel"), ("DocSecurity", "0"), ("ScaleCrop", "false")):
        etree.SubElement(root, _q(APP, tag)).text = text
    pairs = [("Worksheets", len(sheet_names))] + ([("Named Ranges", len(named))] if named else [])
    vec = etree.SubElement(etree.SubElement(root, _q(APP, "HeadingPairs")), _q(VT, "vector"),
                           size=str(2 * len(pairs)), baseType="variant")
    for label, n in pairs:
        etree.SubElement(etree.SubElement(vec, _q(VT, "variant")), _q(VT, "lpstr")).text = label
        etree.SubElement(etree.SubElement(vec, _q(VT, "variant")), _q(VT, "i4")).text = str(n)
    titles = sheet_names + named
    vec = etree.SubElement(etree.SubElement(root, _q(APP, "TitlesOfParts")), _q(VT, "vector"),
                           size=str(len(titles)), baseType="lpstr")
    for t in titles:
        etree.SubElement(vec, _q(VT, "lpstr")).text = t
    for tag, text in (("Company", ""), ("LinksUpToDate", "false"), ("SharedDoc", "false"),
                      ("HyperlinksChanged", "false"), ("AppVersion", app_version)):
        etree.SubElement(root, _q(APP, tag)).text = text
    return _tostring(root, ["vt"])


def _core_xml(old: bytes | None, user: str, when: dt.datetime) -> bytes:
    nsmap = {"cp": CP, "dc": DC, "dcterms": DCTERMS, "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": XSI}
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    created = stamp
    creator = user
    if old is not None:
        prev = etree.fromstring(old, _PARSER)
        c = prev.find(_q(DCTERMS, "created"))
        created = c.text if c is not None and c.text else stamp
        c = prev.find(_q(DC, "creator"))
        creator = c.text if c is not None and c.text else user
    root = etree.Element(_q(CP, "coreProperties"), nsmap=nsmap)
    etree.SubElement(root, _q(DC, "creator")).text = creator
    etree.SubElement(root, _q(CP, "lastModifiedBy")).text = user
    for tag, text in (("created", created), ("modified", stamp)):
        el = etree.SubElement(root, _q(DCTERMS, tag))
        el.set(_q(XSI, "type"), "dcterms:W3CDTF")
        el.text = text
    return _tostring(root, ["dcmitype"])


def _zip_order(names: list[str], workbook: str, sheet_parts: list[str]) -> list[str]:
    def rank(n: str) -> tuple[int, int, str]:
        fixed = ["[Content_Types].xml", "_rels/.rels", workbook, _rels_name(workbook)]
        if n in fixed:
            return 0, fixed.index(n), ""
        if n in sheet_parts:
            return 1, sheet_parts.index(n), ""
        for i, prefix in enumerate(("xl/theme/", "xl/styles.xml", "xl/sharedStrings.xml")):
            if n.startswith(prefix):
                return 2, i, n
        if n == "xl/calcChain.xml":
            return 4, 0, ""
        if n.startswith("docProps/"):
            return 5, 0, n
        return 3, 0, n

    return sorted(names, key=rank)


def excel_save(src: Path, dst: Path | None = None, *, user: str = "Chuyên viên",
               when: dt.datetime = dt.datetime(2026, 12, 1, 8, 30), app_version: str = "16.0300") -> Path:
    """Write `src` (to `dst`, default in place) as Excel for Windows would save it."""
    src = Path(src)
    dst = Path(dst) if dst is not None else src
    book = _Book(src)
    parts = dict(book.parts)

    sst_parts = book.rel_targets("sharedStrings")
    old_si: list[etree._Element] = []
    if sst_parts and sst_parts[0] in parts:
        old_si = list(etree.fromstring(parts[sst_parts[0]], _PARSER).iter(_q(MAIN, "si")))
    strings = _Strings(old_si)
    sheets = book.sheets()
    sheet_parts = [p for _, _, p, _ in sheets]
    calc: list[tuple[int, str]] = []
    filters: dict[int, str] = {}
    for pos, (_name, sheet_id, part, _el) in enumerate(sheets):
        formulas: list[str] = []
        parts[part], used = _sheet(parts[part], pos + 1, sheet_id, part, strings, formulas)
        calc += [(sheet_id, ref) for ref in formulas]
        if used is not None:
            filters[pos] = used
    done = set(sheet_parts)
    for part in list(parts):
        if part.startswith("xl/tables/") and part.endswith(".xml"):
            parts[part] = _table(parts[part], part)
        elif part not in done and part.endswith((".xml", ".rels")) and part != "[Content_Types].xml":
            try:  # every other XML part: Excel's declaration (the theme, drawings, comments, …)
                parts[part] = _tostring(etree.fromstring(parts[part], _PARSER), [])
            except etree.XMLSyntaxError:
                pass
    styles = book.rel_targets("styles")
    if styles:
        parts[styles[0]] = _styles(parts[styles[0]])

    sst = sst_parts[0] if sst_parts else "xl/sharedStrings.xml"
    if strings.items or sst_parts:
        parts[sst] = strings.xml()
        book.add_rel("sharedStrings", sst)
        book.set_override(sst, CT_SST)
    for old in book.rel_targets("calcChain"):
        parts.pop(old, None)
        book.drop_override(old)
    book.drop_rel("calcChain")
    if calc:
        root = etree.Element(_q(MAIN, "calcChain"), nsmap={None: MAIN})
        last = None
        for sheet_id, ref in calc:
            c = etree.SubElement(root, _q(MAIN, "c"), r=ref)
            if sheet_id != last:
                c.set("i", str(sheet_id))
                last = sheet_id
        parts["xl/calcChain.xml"] = _tostring(root, [])
        book.add_rel("calcChain", "xl/calcChain.xml")
        book.set_override("xl/calcChain.xml", CT_CALC)

    rid_map = _renumber_rels(book, sheet_parts)
    parts[book.workbook] = _workbook(book, filters, rid_map)
    parts[book.wb_rels_name] = _tostring(book.wb_rels, [])

    parts["docProps/app.xml"] = _app_xml(book, [n for n, *_ in sheets], app_version)
    parts["docProps/core.xml"] = _core_xml(parts.get("docProps/core.xml"), user, when)
    book.set_override("docProps/app.xml", CT_APP)
    book.set_override("docProps/core.xml", CT_CORE)
    root_rels = etree.fromstring(parts["_rels/.rels"], _PARSER)
    have = {r.get("Target", "").lstrip("/") for r in root_rels}
    for target, kind in (("docProps/core.xml", "http://schemas.openxmlformats.org/package/2006/relationships/"
                                                "metadata/core-properties"),
                         ("docProps/app.xml", RT + "extended-properties")):
        if target not in have:
            ids = {r.get("Id") for r in root_rels}
            n = next(i for i in range(1, 1000) if f"rId{i}" not in ids)
            etree.SubElement(root_rels, _q(PKG_REL, "Relationship"), Id=f"rId{n}", Type=kind, Target=target)
    parts["_rels/.rels"] = _tostring(root_rels, [])
    parts["[Content_Types].xml"] = _tostring(book.ct, [])

    tmp = dst.with_name(dst.name + ".excel-tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in _zip_order(list(parts), book.workbook, sheet_parts):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name])
    tmp.replace(dst)
    return dst
