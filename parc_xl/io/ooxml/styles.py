"""`xl/styles.xml`: number formats that show dates, and cell formats appended (never
renumbered) with deduplication, cloned for dates and the quote prefix, imported from
another workbook when a sheet is transplanted."""

from __future__ import annotations

import copy
import re
from typing import Any

from lxml import etree

from parc_xl.io.ooxml.base import (
    _BUILTIN_DATE_FMTS,
    _BUILTIN_TIME_FMTS,
    _M,
    _STYLES_ORDER,
    DATE_FORMAT,
    DATETIME_FORMAT,
    NS_MAIN,
    NS_MC,
    _child,
    _insert_ordered,
    _local,
)


def _strip_format_literals(code: str) -> str:
    code = re.sub(r'"[^"]*"', "", code)
    code = re.sub(r"\\.", "", code)
    code = re.sub(r"\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]", "", code, flags=re.I)
    return code.split(";")[0].lower()


def format_is_date(code: str) -> bool:
    """True when an Excel number format code displays a date or time."""
    stripped = _strip_format_literals(code)
    if stripped.strip() in ("general", "@", ""):
        return False
    return bool(re.search(r"[dmyhs]", stripped.replace("general", "")))


def format_has_time(code: str) -> bool:
    return bool(re.search(r"[hs]", _strip_format_literals(code)))


def format_has_day(code: str) -> bool:
    return bool(re.search(r"[dy]", _strip_format_literals(code)))


# --- mc:AlternateContent ----------------------------------------------------------------
# Namespaces Excel understands in a `Requires` (ECMA-376 Part 3, 10.2.1): the standard's
# own and Microsoft's SpreadsheetML extensions (x14, x14ac, x15, xr...). Anything else
# (the Hancom Office `hs` namespace of poi/style-alternate-content.xlsx) is not
# understood: Excel takes the mc:Fallback.
_UNDERSTOOD_PREFIXES = ("http://schemas.openxmlformats.org/", "http://schemas.microsoft.com/office/spreadsheetml/",
                        "http://schemas.microsoft.com/office/excel/")


def _understood(choice: etree._Element) -> bool:
    prefixes = (choice.get("Requires") or "").split()
    nsmap = choice.nsmap
    return bool(prefixes) and all(
        (nsmap.get(p) or "").startswith(_UNDERSTOOD_PREFIXES) for p in prefixes)


def resolve_alternate_content(root: etree._Element) -> bool:
    """Replace every `mc:AlternateContent` under `root` by what Excel reads from it: the
    children of the first `mc:Choice` whose `Requires` namespaces it understands, else of
    the `mc:Fallback`, else nothing. A styles part whose `cellXfs` holds alternate content
    (poi/style-alternate-content.xlsx) then counts its formats the way Excel does, and
    written back it holds plain `xf` elements that every reader counts alike. Returns
    whether anything was replaced."""
    found = list(root.iter("{%s}AlternateContent" % NS_MC))
    for ac in found:
        parent = ac.getparent()
        if parent is None:
            continue
        branch = next((ch for ch in ac if etree.QName(ch).localname == "Choice"
                       and etree.QName(ch).namespace == NS_MC and _understood(ch)), None)
        if branch is None:
            branch = next((ch for ch in ac if etree.QName(ch).localname == "Fallback"
                           and etree.QName(ch).namespace == NS_MC), None)
        index = parent.index(ac)
        chosen = [] if branch is None else [ch for ch in branch if isinstance(ch.tag, str)]
        tail = ac.tail
        parent.remove(ac)
        for offset, child in enumerate(chosen):
            parent.insert(index + offset, child)
        if chosen:
            chosen[-1].tail = tail
    return bool(found)


# A minimal valid styles part (the defaults Excel writes): one font, the two fills Excel
# reserves, one border, the Normal cell style. Created when a package has none
# (poi/56278.xlsx, poi/59021.xlsx: optional in OPC, Excel opens them).
MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{NS_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/>'
    '</styleSheet>'
).encode()


# --- styles --------------------------------------------------------------------------
def _key(el: etree._Element) -> tuple[Any, ...]:
    """A structural key of an element: tag, attributes, children (whitespace ignored)."""
    return (
        _local(el),
        tuple(sorted(el.attrib.items())),
        (el.text or "").strip(),
        tuple(_key(c) for c in el if isinstance(c.tag, str)),
    )


class _Styles:
    """`xl/styles.xml`: appends (never renumbers) cell formats, with deduplication."""

    def __init__(self, root: etree._Element, mark_dirty: Any) -> None:
        resolve_alternate_content(root)  # in the tree only: written back only when edited
        self.root = root
        self._mark_dirty = mark_dirty
        self._clone_cache: dict[tuple[int, str], int] = {}
        self._date_cache: dict[int, tuple[bool, bool]] = {}
        self._index_cache: dict[str, dict[tuple[Any, ...], int]] = {}

    # containers ------------------------------------------------------------------
    def container(self, name: str, create: bool = True) -> etree._Element | None:
        el = _child(self.root, name)
        if el is None and create:
            el = etree.Element(_M + name)
            _insert_ordered(self.root, el, _STYLES_ORDER)
        return el

    def items(self, name: str) -> list[etree._Element]:
        el = self.container(name, create=False)
        return [] if el is None else [c for c in el if isinstance(c.tag, str)]

    def _append(self, container: str, el: etree._Element) -> int:
        """Append `el` to `container` unless an identical one exists; return its index."""
        box = self.container(container)
        assert box is not None
        index = self._index_cache.get(container)
        if index is None:
            index = {}
            for i, existing in enumerate(c for c in box if isinstance(c.tag, str)):
                index.setdefault(_key(existing), i)
            self._index_cache[container] = index
        key = _key(el)
        if key in index:
            return index[key]
        if container == "cellXfs" and not index:
            # No cell format yet (poi/47889.xlsx: an empty <styleSheet/>): format 0 is the
            # one of every cell without `s`, so it must stay the default, not become ours.
            default = etree.SubElement(box, _M + "xf", {
                "numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"})
            index[_key(default)] = 0
            if key in index:
                return 0
        box.append(el)
        position = sum(1 for c in box if isinstance(c.tag, str)) - 1
        index[key] = position
        box.set("count", str(position + 1))
        self._mark_dirty()
        return position

    # number formats --------------------------------------------------------------
    def numfmt_codes(self) -> dict[int, str]:
        return {int(n.get("numFmtId", "0")): n.get("formatCode", "") for n in self.items("numFmts")}

    def numfmt_id(self, code: str) -> int:
        """Id of the custom number format `code`, added (id ≥ 164) when missing."""
        codes = self.numfmt_codes()
        for nid, existing in codes.items():
            if existing == code:
                return nid
        nid = max([163, *codes]) + 1
        box = self.container("numFmts")
        assert box is not None
        el = etree.SubElement(box, _M + "numFmt")
        el.set("numFmtId", str(nid))
        el.set("formatCode", code)
        box.set("count", str(len(self.items("numFmts"))))
        self._mark_dirty()
        return nid

    def xf(self, s: int) -> etree._Element | None:
        xfs = self.items("cellXfs")
        return xfs[s] if 0 <= s < len(xfs) else None

    def date_kind(self, s: int) -> tuple[bool, bool]:
        """(shows a date, shows a time) for cell format index `s`."""
        cached = self._date_cache.get(s)
        if cached is not None:
            return cached
        xf = self.xf(s)
        nid = int(xf.get("numFmtId", "0")) if xf is not None else 0
        if nid in _BUILTIN_DATE_FMTS:
            result = (nid not in (18, 19, 20, 21, 45, 46, 47), nid in _BUILTIN_TIME_FMTS)
        else:
            code = self.numfmt_codes().get(nid, "")
            result = (format_is_date(code) and format_has_day(code), format_has_time(code))
        self._date_cache[s] = result
        return result

    def _clone(self, s: int, variant: str, change: Any) -> int:
        cache_key = (s, variant)
        if cache_key in self._clone_cache:
            return self._clone_cache[cache_key]
        base = self.xf(s)
        new = copy.deepcopy(base) if base is not None else etree.Element(_M + "xf", {
            "numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"})
        change(new)
        result = self._append("cellXfs", new)
        self._clone_cache[cache_key] = result
        return result

    def date_style(self, s: int, with_time: bool) -> int:
        """A format index like `s` that shows a date (and time) — `s` itself if it does."""
        has_date, has_time = self.date_kind(s)
        if has_date and (has_time or not with_time):
            return s
        code = DATETIME_FORMAT if with_time else DATE_FORMAT

        def change(xf: etree._Element) -> None:
            xf.set("numFmtId", str(self.numfmt_id(code)))
            xf.set("applyNumberFormat", "1")

        return self._clone(s, code, change)

    def quote_style(self, s: int) -> int:
        """A format index like `s` with Excel's quote prefix (text stays text on F2)."""
        xf = self.xf(s)
        if xf is not None and xf.get("quotePrefix") in ("1", "true"):
            return s
        return self._clone(s, "quotePrefix", lambda el: el.set("quotePrefix", "1"))

    # importing from another workbook's styles ------------------------------------
    def import_xf(self, src: _Styles, s: int, cache: dict[int, int]) -> int:
        if s in cache:
            return cache[s]
        xf = src.xf(s)
        if xf is None:
            cache[s] = 0
            return 0
        new = copy.deepcopy(xf)
        for attr, box in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            idx = int(new.get(attr, "0"))
            items = src.items(box)
            if 0 <= idx < len(items):
                new.set(attr, str(self._append(box, copy.deepcopy(items[idx]))))
        nid = int(new.get("numFmtId", "0"))
        if nid >= 164:
            code = src.numfmt_codes().get(nid)
            new.set("numFmtId", str(self.numfmt_id(code) if code is not None else 0))
        new.set("xfId", "0")  # the transplanted sheet's cells use the Normal cell style
        result = self._append("cellXfs", new)
        cache[s] = result
        return result

    def import_dxf(self, src: _Styles, d: int, cache: dict[int, int]) -> int:
        if d in cache:
            return cache[d]
        items = src.items("dxfs")
        result = self._append("dxfs", copy.deepcopy(items[d])) if 0 <= d < len(items) else 0
        cache[d] = result
        return result
