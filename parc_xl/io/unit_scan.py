"""The raw sheet XML of a returned unit workbook: size limits, formulas, hidden rows and
columns, merged ranges (what python-calamine's values do not tell). Used by
`read_unit_book` (io/unit_book/read.py) for `Báo cáo` and, for its limits, `_parc_xl`
(every sheet calamine will load passes here first: io/package_guard.py).

A sheet up to `_TREE_MAX` bytes (every real return: 200 rows are ~200 KB) is parsed
whole and only rows and cells are visited in Python; a larger one is streamed
(`iterparse`) so memory stays bounded. Both read the XML as any conforming writer may
spell it and give the same result (tests/jobs/test_validate_excel_filled.py runs every
case through both). Before either, the common case is decided from the bytes
(`_scan_plain`: well-formed by expat, which also tells the namespace declarations,
comments, CDATA and processing instructions; no formula, every tag spelt plainly), which
costs a third of the parse; anything unusual falls through to the parse. `_parc_xl` only
needs its limits checked (`structure=False`: no hidden rows, columns or merges read).
"""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable
from typing import Any

from parc_xl.errors import InputError
from parc_xl.io import package_guard as guard
from parc_xl.io.ooxml import col_number
from parc_xl.io.package_guard import MAX_COLS, MAX_ROWS, SheetScan

_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")
_SPREADSHEETML = frozenset([
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict OOXML
])


def _col(letters: str) -> int:
    return col_number(letters.upper())


def scan_sheet_xml(path: Path, xml: bytes, ret: SheetScan, sheet: str, *, dtd_checked: bool = False,
                   structure: bool = True) -> SheetScan:
    """Limits, formulas, hidden rows/columns and merges from the raw sheet XML (`ret`).

    `dtd_checked`: the caller read `xml` through `package_guard.read_part`, which refused
    a DTD already. `structure=False`: only the limits and the XML itself matter (a sheet
    whose values alone are read, `_parc_xl`); `ret` may then stay empty.

    A DTD is refused, then a cheap look at the declared extent (`<dimension>`, the last
    `<row>`'s number) refuses an oversized sheet before parsing; then one parse (lxml, no
    entities, no network) reads the rest as any conforming writer may spell it: either
    quote, any attribute order, padding inside tags, prefixed elements, rows and cells
    without `r` (numbered after the previous one), comments and CDATA; it stops at the
    first row or column past the limits. Formulas count only as `<f>` children of a cell
    (`xm:f` of an x14 data validation or conditional format is not a cell's)."""
    from lxml import etree

    if not dtd_checked and guard.has_dtd(xml):
        raise guard.unsafe(path, f"khai báo DTD trong sheet «{sheet}»")
    max_row, max_col = guard.declared_extent(xml)
    if max_row > MAX_ROWS or max_col > MAX_COLS:
        raise guard.too_large_sheet(path, sheet, max_row, max_col)

    def _too_large(path: Path, rows: int, cols: int) -> InputError:
        return guard.too_large_sheet(path, sheet, rows, cols)

    if len(xml) <= _TREE_MAX:
        if not (_scan_plain(xml, ret) if structure else _plain(xml, None)):
            _scan_sheet_tree(path, xml, ret, max_row, max_col, _too_large, sheet)
        return ret
    import io

    row_no = col_no = 0
    cell_depth = 0  # >0 inside a <c>
    depth = 0
    events = etree.iterparse(io.BytesIO(xml), events=("start", "end"), resolve_entities=False,
                             no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        for event, el in events:
            depth += 1 if event == "start" else -1
            tag = el.tag
            if not isinstance(tag, str):
                continue
            ns, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
            if ns and ns not in _SPREADSHEETML:
                continue
            if event == "end":
                if name == "c":
                    cell_depth = 0
                elif name == "row":
                    el.clear()
                continue
            if name == "row":
                r = el.get("r", "")
                row_no = int(r) if r.isdigit() else row_no + 1
                col_no = 0
                if row_no > MAX_ROWS:
                    raise _too_large(path, row_no, max_col)
                if el.get("hidden") in ("1", "true"):
                    ret.hidden_rows.add(row_no)
            elif name == "c":
                ref = _CELL_REF.match(el.get("r", ""))
                col_no = _col(ref.group(1)) if ref else col_no + 1
                if col_no > MAX_COLS:
                    raise _too_large(path, max(max_row, row_no), col_no)
                cell_depth = depth
            elif name == "f" and cell_depth and depth == cell_depth + 1:
                ret.formulas.add((row_no, col_no - 1))
            elif name == "col" and el.get("hidden") in ("1", "true"):
                lo, hi = el.get("min", ""), el.get("max", "")
                if lo.isdigit() and hi.isdigit():
                    ret.hidden_cols.update(range(int(lo) - 1, min(int(hi), MAX_COLS)))
            elif name == "mergeCell" and el.get("ref"):
                ret.merged.append(el.get("ref", "").upper())
    except etree.XMLSyntaxError as exc:
        raise guard.damaged(path, f"nội dung XML của sheet «{sheet}» không đọc được") from exc
    return ret


_TREE_MAX = 8 * 1024 * 1024  # sheets up to this size are parsed whole (fast, C-level); larger ones streamed

_MAIN_URI = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# a formula element, a cell whose tag does not start «<c r="A1"» (no r, other spelling)
_UNUSUAL = re.compile(rb"""<(?:f[\s/>]|c(?=[\s/>])(?! r="[A-Z]{1,3}\d+"))""")
# a start tag's attributes and its end; "" (the group absent) for a tag they do not read
_ATTRS = rb"""(?=[\s/>])((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>)?"""
_ROW_TAG, _COL_TAG, _MERGE_TAG = (re.compile(b"<" + name + _ATTRS) for name in (b"row", b"col", b"mergeCell"))
_CELL_WIDE = re.compile(rb'<c r="([A-Z]{2,3})\d')  # past column Z: checked against MAX_COLS


_ATTR = {name: re.compile(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")
         for name in (b"r", b"hidden", b"min", b"max", b"ref")}


def _attr(attrs: bytes, name: bytes) -> str | None:
    """An attribute's value in a tag's attribute text (entity-free: `_scan_plain` checked)."""
    m = _ATTR[name].search(attrs)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2)).decode()


def _well_formed(xml: bytes) -> bool:
    """Whether expat (C, no tree built) reads the XML, namespaces included, and it is
    spelt plainly: no comment, CDATA section or processing instruction, SpreadsheetML the
    one default namespace, declared once and under no prefix (so every element the
    byte patterns name is SpreadsheetML's). False for whatever expat refuses, even what
    lxml would read (another encoding): the parse decides."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    declared: list[tuple[str | None, str]] = []
    unusual: list[object] = []
    parser.StartNamespaceDeclHandler = lambda prefix, uri: declared.append((prefix, uri))
    parser.CommentHandler = unusual.append
    parser.StartCdataSectionHandler = lambda: unusual.append("CDATA")
    parser.ProcessingInstructionHandler = lambda target, data: unusual.append(target)
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, ValueError):
        return False
    if unusual or [uri for prefix, uri in declared if prefix is None] != [_MAIN_URI]:
        return False
    return not any(uri in _SPREADSHEETML for prefix, uri in declared if prefix is not None)


def _scan_plain(xml: bytes, ret: SheetScan) -> bool:
    """The scan of a sheet spelt as every writer here spells it, from the bytes: True when
    `ret` holds the hidden rows and columns and the merges. False, with `ret` untouched,
    for anything else (a formula, a comment, the main namespace under a prefix or
    redeclared, an entity in a tag, a cell without a plain `r`, a row or column past the
    limits): the XML parse then decides, with the same results and errors as before."""
    return _plain(xml, ret)


def _plain(xml: bytes, ret: SheetScan | None) -> bool:
    """`_scan_plain`; with `ret` None only whether the sheet is plain and within the
    limits (no hidden rows, columns or merges read)."""
    if _UNUSUAL.search(xml):
        return False
    rows = _ROW_TAG.findall(xml)
    cols, merges = (_COL_TAG.findall(xml), _MERGE_TAG.findall(xml)) if ret is not None else ([], [])
    if b"" in rows or b"" in cols or b"" in merges or b"&" in b"".join((*rows, *cols, *merges)):
        return False
    if any(_col(x.decode()) > MAX_COLS for x in set(_CELL_WIDE.findall(xml))):
        return False
    hidden_rows: set[int] = set()
    row_no = 0
    for attrs in rows:
        if attrs.startswith(b' r="'):  # how every writer starts a row: the first `r` is this one
            r = attrs[4:attrs.find(b'"', 4)].decode()
        else:
            r = _attr(attrs, b"r") or ""
        row_no = int(r) if r.isdigit() else row_no + 1
        if row_no > MAX_ROWS:
            return False
        if b"hidden" in attrs and _attr(attrs, b"hidden") in ("1", "true"):
            hidden_rows.add(row_no)
    if not _well_formed(xml):
        return False
    if ret is None:
        return True
    ret.hidden_rows |= hidden_rows
    for attrs in cols:
        lo, hi = _attr(attrs, b"min") or "", _attr(attrs, b"max") or ""
        if _attr(attrs, b"hidden") in ("1", "true") and lo.isdigit() and hi.isdigit():
            ret.hidden_cols.update(range(int(lo) - 1, min(int(hi), MAX_COLS)))
    ret.merged.extend(ref.upper() for attrs in merges if (ref := _attr(attrs, b"ref")))
    return True


def _local(tag: object) -> str | None:
    """Local name of a SpreadsheetML element tag; None for comments, PIs, other namespaces."""
    if not isinstance(tag, str):
        return None
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return name if ns in _SPREADSHEETML else None
    return tag


def _columns_within_limit(root: Any) -> bool:
    """True when every SpreadsheetML cell has a valid `r` and none lies past MAX_COLS
    (read by XPath in C: the distinct column letters, not every cell in Python)."""
    from lxml import etree

    for ns in (*_SPREADSHEETML, ""):
        m = {"m": ns} if ns else None
        c = "m:c" if ns else "c"
        count = int(etree.XPath(f"count(//{c})", namespaces=m)(root))  # type: ignore[arg-type]
        if not count:
            continue
        refs = etree.XPath(f"//{c}/@r", namespaces=m, smart_strings=False)(root)
        if len(refs) != count:
            return False  # a cell without r: numbered by position, the loop counts
        for letters in {str(r).rstrip("0123456789") for r in refs}:  # type: ignore[union-attr]
            ok = _CELL_REF.match(letters + "1")
            if ok is None or _col(letters) > MAX_COLS:
                return False
    return True


def _scan_sheet_tree(path: Path, xml: bytes, ret: SheetScan, max_row: int, max_col: int,
                     _too_large: Callable[[Path, int, int], InputError], sheet: str) -> None:
    """`scan_sheet_xml` for a sheet small enough to hold: one parse, then only the elements
    that matter are visited in Python (rows, cells; formulas, hidden columns and merges are
    found by lxml). Same numbering rules as the streaming path: a row or cell without `r`
    follows the previous one."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise guard.damaged(path, f"nội dung XML của sheet «{sheet}» không đọc được") from exc
    prefixes = [f"{{{ns}}}" for ns in _SPREADSHEETML] + [""]

    def tags(name: str) -> list[str]:
        return [p + name for p in prefixes]

    row_tags, cell_tags, f_tags = tags("row"), tags("c"), tags("f")
    has_formula = next(root.iter(*f_tags), None) is not None
    # No formula and every cell with a reference inside the limits (what every writer
    # produces): the cells need not be visited one by one, their columns are known.
    skip_cells = not has_formula and _columns_within_limit(root)
    cell_ref = _CELL_REF.match
    row_no = 0
    for row in root.iter(*row_tags):
        r = row.get("r", "")
        row_no = int(r) if r.isdigit() else row_no + 1
        if row_no > MAX_ROWS:
            raise _too_large(path, row_no, max_col)
        if row.get("hidden") in ("1", "true"):
            ret.hidden_rows.add(row_no)
        if skip_cells:
            continue
        col_no = 0
        for cell in row.iter(*cell_tags):
            ref = cell_ref(cell.get("r", ""))
            col_no = _col(ref.group(1)) if ref else col_no + 1
            if col_no > MAX_COLS:
                raise _too_large(path, max(max_row, row_no), col_no)
            if has_formula and any(_local(ch.tag) == "f" for ch in cell):
                ret.formulas.add((row_no, col_no - 1))
    for col in root.iter(*tags("col")):
        if col.get("hidden") in ("1", "true"):
            lo, hi = col.get("min", ""), col.get("max", "")
            if lo.isdigit() and hi.isdigit():
                ret.hidden_cols.update(range(int(lo) - 1, min(int(hi), MAX_COLS)))
    for merge in root.iter(*tags("mergeCell")):
        if merge.get("ref"):
            ret.merged.append(merge.get("ref", "").upper())
