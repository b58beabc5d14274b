"""OOXML names, schema orders and the small helpers every part of the package layer uses:
cell references (A1 ↔ row, column), part names and relationship targets, element lookup
by local name, serialisation."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from typing import Any

from lxml import etree

CellValue = None | str | int | float | bool | dt.date | dt.datetime

# --- OOXML namespaces and relationship types (ECMA-376 Part 1, transitional) ----------
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_XML = "http://www.w3.org/XML/1998/namespace"
RT_WORKSHEET = NS_R + "/worksheet"
RT_CALCCHAIN = NS_R + "/calcChain"
RT_STYLES = NS_R + "/styles"
RT_SHARED_STRINGS = NS_R + "/sharedStrings"
RT_TABLE = NS_R + "/table"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_M = "{%s}" % NS_MAIN
_R = "{%s}" % NS_R
_PR = "{%s}" % NS_PKG_REL
_CT = "{%s}" % NS_CT

# Limits that refuse hostile or absurd packages before anything is parsed.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_ENTRIES = 20_000
MAX_CELL_TEXT = 32_767  # Excel's limit on characters in one cell

# Built-in number formats that are dates/times (ECMA-376 Part 1, 18.8.30 numFmt; 27-36
# and 50-58 are the East-Asian locale date formats).
_BUILTIN_DATE_FMTS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_BUILTIN_TIME_FMTS = frozenset([18, 19, 20, 21, 22, 45, 46, 47])
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")

# Order of <worksheet> children (ECMA-376 Part 1, 18.3.1.99 CT_Worksheet).
_WS_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
    "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
    "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
    "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
    "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
]
# Order of <styleSheet> children (18.8.39 CT_Stylesheet).
_STYLES_ORDER = [
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
    "dxfs", "tableStyles", "colors", "extLst",
]
# Order of <workbook> children (18.2.27 CT_Workbook).
_WB_ORDER = [
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
    "sheets", "functionGroups", "externalReferences", "definedNames", "calcPr",
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
    "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst",
]

_PARSER = etree.XMLParser(
    huge_tree=True, resolve_entities=False, no_network=True, remove_blank_text=False
)


# --- small helpers -------------------------------------------------------------------
_COL_LETTERS: list[str] = [""]


def col_letter(col: int) -> str:
    """1 → "A", 28 → "AB"."""
    if col < len(_COL_LETTERS):
        return _COL_LETTERS[col]
    if not 1 <= col <= 16384:
        raise ValueError(f"column out of range: {col}")
    while len(_COL_LETTERS) <= col:
        n = len(_COL_LETTERS)
        s = ""
        while n:
            n, rem = divmod(n - 1, 26)
            s = chr(65 + rem) + s
        _COL_LETTERS.append(s)
    return _COL_LETTERS[col]


def col_number(letters: str) -> int:
    """"A" → 1, "ab" → 28."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """"B12" → (12, 2) as (row, column)."""
    m = _REF_RE.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    row, col = int(m.group(2)), col_number(m.group(1))
    if not (1 <= row <= 1_048_576 and 1 <= col <= 16_384):
        raise ValueError(f"cell reference out of range: {ref!r}")
    return row, col


def _ref_col(ref: str) -> int:
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return col_number(ref[:i])


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _insert_ordered(parent: etree._Element, child: etree._Element, order: list[str]) -> None:
    """Insert `child` where the schema's sequence wants it among `parent`'s children."""
    name = _local(child)
    rank = order.index(name)
    later = set(order[rank + 1 :])
    for i, existing in enumerate(parent):
        if _local(existing) in later:
            parent.insert(i, child)
            return
    parent.append(child)


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    for el in parent:
        if _local(el) == name:
            return el
    return None


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in parent if _local(el) == name]


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)



def _extend_ref(ref: str, last_row: int, min_rows: int = 1) -> str:
    """"A1:F20" with its last row set to `last_row` (at least `min_rows` rows); a ref
    that is not a cell range (a writer's oddity) is returned as it is."""
    first, _, end = ref.partition(":")
    try:
        r1, c1 = split_ref(first)
        _, c2 = split_ref(end or first)
    except ValueError:
        return ref
    r2 = max(last_row, r1 + min_rows - 1)
    return f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"


# --- part names ------------------------------------------------------------------------
def _rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


# --- the workbook part -------------------------------------------------------------------
def sheet_parts(workbook: etree._Element, rels: etree._Element | None, workbook_part: str) -> dict[str, str]:
    """Every sheet of the workbook part, in tab order: its name → the part its relationship
    points at ("" when it has none). The one sheet map of the package layer and of the
    unit-workbook reader (io/unit_book/read.py)."""
    targets: dict[str, str] = {}
    for rel in [] if rels is None else rels:
        targets[rel.get("Id", "")] = _resolve(workbook_part, rel.get("Target", ""))
    sheets = _child(workbook, "sheets")
    return {sheet.get("name", ""): targets.get(sheet.get(_R + "id", ""), "")
            for sheet in ([] if sheets is None else _children(sheets, "sheet"))}


def counts_from_1904(workbook: etree._Element) -> bool:
    """True when the workbook counts date serials from 1904 (old Mac Excel)."""
    pr = _child(workbook, "workbookPr")
    return pr is not None and pr.get("date1904", "0").strip().lower() in ("1", "true")
