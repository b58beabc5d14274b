"""Safe, surgical writes to an .xlsx/.xlsm package the clerk has edited.

Why not openpyxl: loading and saving a workbook with openpyxl silently drops what it
cannot model (shapes, form controls, notes' drawings, Excel 2010+ conditional-format and
data-validation extensions, VBA unless told, chart formatting it does not know...).
PRODUCT.md "Never lose data" forbids that for the master. This module instead treats
the workbook as what it is, an OPC zip package, and patches only the XML parts it must:

* the worksheet parts whose cells it writes (``SheetPart``),
* ``xl/styles.xml`` (cloned cell formats for dates / quote prefix, merged styles of a
  transplanted sheet),
* ``xl/workbook.xml`` (+ its rels, ``[Content_Types].xml``) when sheets are transplanted
  or the calculation chain is dropped.

Every other zip entry is copied byte for byte (its compressed bytes, same method, same
order). Writes are atomic: temporary file in the same folder, fsync, ``os.replace``.

Decisions (see also the module's tests):

* **calcChain.** When any worksheet is modified, ``xl/calcChain.xml`` is removed (with its
  relationship and content-type override) and ``<calcPr fullCalcOnLoad="1"/>`` is set.
  A stale calc chain that lists a cell which no longer holds a formula makes Excel
  "repair" the file; a missing one is simply rebuilt. Full calculation on load also
  refreshes the cached results of the clerk's own formulas that read our new values.
* **Strings** are written as inline strings (``t="inlineStr"``); the shared string table
  is never rewritten, so untouched cells keep their indices and the part stays identical.
* **Styles.** Style indices are never renumbered; new cell formats are appended to
  ``cellXfs`` (clones are cached and deduplicated), so existing cells keep their look.
  A date/datetime gets ``dd/mm/yyyy`` / ``dd/mm/yyyy hh:mm`` only when the cell's
  current format does not already show a date (and a time, for datetimes). Text that
  Excel would take for a formula gets a clone of its format with ``quotePrefix="1"``.
* **Bulk rows.** ``append_rows``/``write_table`` beyond the last row keep the new rows as
  XML text until saved (or until a later edit needs them as elements): 200,000 rows x 3
  cells are written and saved in about a second or two instead of building a million
  lxml elements.
* **Bulk cells.** ``XlsxPackage.set_columns`` rewrites existing cells of a sheet that has
  not been loaded as elements directly in its serialised XML (one regex split, cached
  cell encodings): the status job's 800,000 cells of a 200,000-row ``Theo dõi`` take
  about 2 s instead of a 300 MB lxml tree and ≈40 s. Anything unusual (a formula, a
  missing cell, comments) falls back to the element path, which gives the same result.
  Parts over 16 MB are deflated in 8 MB chunks on all cores.

Typical use::

    pkg = XlsxPackage.open(master)
    sheet = pkg.sheet("Theo dõi")
    sheet.set_value("F12", "Đã hoàn thành")
    first = pkg.sheet("Lịch sử").append_rows(rows)
    pkg.replace_sheet_from(fresh_dashboard_xlsx, "Tổng hợp", position=1)
    backup = pkg.save(master, backup_dir=master.parent / "sao_luu")

Limits (known, deliberate):

* Only transitional OOXML (what Excel and LibreOffice write); Strict OOXML packages and
  zip64 packages (> 4 GB, > 65,535 entries) are refused. Directory entries and the zip
  comment are not carried over (they hold no content).
* Removing the value of a cell that is the master of a *shared* formula turns the cells
  that shared it into plain values (their cached results); other formulas are untouched.
* ``docProps/app.xml`` (sheet titles shown by Explorer's property page) is not updated when
  a sheet is added; Excel and LibreOffice do not read it.
* A transplanted sheet's tables (``tableParts``) are copied as they are: their names
  must not clash with tables already in the master. Rich text in its shared strings
  becomes plain inline text. Replacing an existing sheet keeps its tab position
  (``position`` only places a new sheet).
* Appended rows take column styles from one style row; a style row whose cell has the
  quote prefix passes it on (harmless: it only matters for text starting with "=").
* Timezone-aware datetimes are written as their wall-clock time (tzinfo dropped).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import os
import posixpath
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from lxml import etree

from parc_xl.errors import InputError, MasterBusyError

__all__ = [
    "CellValue",
    "SheetPart",
    "XlsxPackage",
    "col_letter",
    "col_number",
    "split_ref",
    "xlsx_lock_file",
]

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

# Characters that make Excel treat typed text as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
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


def _clean_text(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        raise ValueError(f"text longer than Excel's {MAX_CELL_TEXT} characters per cell")
    return text


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"cannot store {value!r} in a cell")
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


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


# --- Excel lock files ----------------------------------------------------------------
def backup_copy(target: Path, backup_dir: Path) -> Path:
    """Copy `target` to `backup_dir/<stem>_<YYYYmmdd-HHMMSS-ffffff><suffix>` (the sao_luu/
    folder beside a master) and return the copy's path."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = backup_dir / f"{target.stem}_{stamp}{target.suffix}"
    shutil.copy2(target, dest)
    return dest


def xlsx_lock_file(path: Path) -> Path | None:
    """The lock file of a workbook open in Excel (``~$name``) or LibreOffice
    (``.~lock.name#``) beside `path`, or None when the workbook looks closed."""
    path = Path(path)
    name = path.name
    candidates = [
        path.with_name("~$" + name),
        path.with_name("~$" + name[2:]) if len(name) > 2 else None,  # Word-style truncation
        path.with_name(".~lock." + name + "#"),
    ]
    for candidate in candidates:
        if candidate is not None and candidate.exists():
            return candidate
    return None


# --- raw zip reading/writing ---------------------------------------------------------
class _Entry:
    """One zip entry: its metadata and either original compressed bytes or new data."""

    __slots__ = ("name", "info", "raw", "data", "_early")

    def __init__(self, name: str, info: zipfile.ZipInfo | None, raw: bytes | None) -> None:
        self.name = name
        self.info = info
        self.raw = raw  # original compressed bytes (untouched entries)
        self.data: bytes | None = None  # new uncompressed content (modified entries)
        self._early: tuple[bytes, Any] | None = None  # (data, Future of its deflate)

    def deflate_early(self) -> None:
        """Start deflating `data` in the background. A patched 200,000-row sheet takes
        ≈2 s to deflate; started when the part is written, that overlaps the rest of
        the job (building and transplanting the dashboard) instead of adding to it."""
        from concurrent.futures import ThreadPoolExecutor

        data = self.data
        if data is None or len(data) <= 2 * _DEFLATE_CHUNK:
            return
        pool = ThreadPoolExecutor(max_workers=1)
        self._early = (data, pool.submit(_deflate, data))
        pool.shutdown(wait=False)

    def deflated(self) -> bytes:
        """Raw deflate of `data` (the background result when it is for this data)."""
        assert self.data is not None
        if self._early is not None and self._early[0] is self.data:
            return self._early[1].result()  # type: ignore[no-any-return]
        return _deflate(self.data)


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    y = max(1980, min(2107, y))
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


_DEFLATE_CHUNK = 8 * 1024 * 1024
_PATCH_WINDOW = 8 * 1024 * 1024


def _deflate_chunk(chunk: bytes | memoryview, last: bool, level: int = 6) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(chunk) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _deflate(data: bytes) -> bytes:
    """Raw deflate of a part. A 200,000-row sheet is ≈300 MB of XML, 3 s to deflate on
    one core: large parts are cut into 8 MB chunks compressed on all cores (zlib
    releases the GIL), each ended by a sync flush so that the concatenation is one
    valid deflate stream (as pigz does); the size grows by well under 1 %. Those large
    parts use level 5: a third less CPU than 6 for a part ≈6 % larger."""
    if len(data) <= 2 * _DEFLATE_CHUNK:
        return _deflate_chunk(data, True)
    if (os.cpu_count() or 1) < 2:
        return _deflate_chunk(data, True, 5)
    from concurrent.futures import ThreadPoolExecutor

    view = memoryview(data)
    starts = range(0, len(data), _DEFLATE_CHUNK)
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 2, 8)) as pool:
        parts = pool.map(
            lambda i: _deflate_chunk(view[i : i + _DEFLATE_CHUNK], i + _DEFLATE_CHUNK >= len(data), 5),
            starts,
        )
        return b"".join(parts)


def _inflate(raw: bytes, info: zipfile.ZipInfo) -> bytes:
    """A deflated entry's content, checked as `ZipFile.read` checks it (size, CRC)."""
    inflater = zlib.decompressobj(-15)
    data = inflater.decompress(raw) + inflater.flush()
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return data


def _write_zip(fh: Any, entries: list[_Entry]) -> None:
    """Write `entries` as a zip to `fh`: untouched entries keep their compressed bytes."""
    central: list[bytes] = []
    offset = 0
    now = dt.datetime.now().timetuple()[:6]
    for entry in entries:
        name_bytes = entry.name.encode("utf-8")
        flags = 0x800 if not entry.name.isascii() else 0
        info = entry.info
        if entry.data is None:
            assert info is not None and entry.raw is not None
            method, crc, usize, raw = info.compress_type, info.CRC, info.file_size, entry.raw
            date_time = info.date_time
            flags |= info.flag_bits & 0x6  # keep deflate option bits, drop descriptor bit
            external = info.external_attr
        else:
            data = entry.data
            method, crc, usize = zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data)
            raw = entry.deflated()
            date_time = info.date_time if info is not None else now  # type: ignore[assignment]
            external = info.external_attr if info is not None else 0
        csize = len(raw)
        if offset > 0xFFFFFFFF or csize > 0xFFFFFFFF or usize > 0xFFFFFFFF:
            raise InputError("Tệp Excel quá lớn (trên 4 GB), không thể ghi.")
        dtime, ddate = _dos_time(date_time)
        header = struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, dtime, ddate, crc, csize,
            usize, len(name_bytes), 0,
        )
        fh.write(header)
        fh.write(name_bytes)
        fh.write(raw)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, method, dtime, ddate,
                crc, csize, usize, len(name_bytes), 0, 0, 0, 0, external, offset,
            )
            + name_bytes
        )
        offset += len(header) + len(name_bytes) + csize
    cd_start = offset
    cd = b"".join(central)
    fh.write(cd)
    if len(entries) > 0xFFFF:
        raise InputError("Tệp Excel có quá nhiều thành phần, không thể ghi.")
    fh.write(
        struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd),
                    cd_start, 0)
    )


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


# --- worksheets ----------------------------------------------------------------------
_VALUE_TAGS = frozenset(["f", "v", "is"])


def _cell_has_value(cell: etree._Element) -> bool:
    for child in cell:
        if _local(child) in _VALUE_TAGS:
            return True
    return False


class SheetPart:
    """One worksheet part, indexed by row and column for fast, ordered edits."""

    def __init__(self, pkg: XlsxPackage, name: str, part: str) -> None:
        self.pkg = pkg
        self.name = name
        self.part = part
        self.root = pkg._xml(part)
        if _local(self.root) != "worksheet":
            raise InputError(f"Trang “{name}” của sổ {pkg.path.name} không phải là trang tính dữ liệu.")
        data = _child(self.root, "sheetData")
        if data is None:
            data = etree.Element(_M + "sheetData")
            _insert_ordered(self.root, data, _WS_ORDER)
        self._data = data
        self._rows: dict[int, etree._Element] = {}
        self._row_nums: list[int] = []
        self._cells: dict[int, dict[int, etree._Element]] = {}
        previous = 0
        for row in data:
            if _local(row) != "row":
                continue
            r_text = row.get("r")
            r = int(r_text) if r_text else previous + 1
            if not r_text:
                row.set("r", str(r))
            self._rows[r] = row
            self._row_nums.append(r)
            previous = r
        if self._row_nums != sorted(self._row_nums):
            self._row_nums.sort()
        # Rows appended in bulk are kept as XML text until something needs them as
        # elements (see `_materialize`); most jobs only append and save.
        self._prefix = f"{data.prefix}:" if data.prefix else ""
        self._pending: list[bytes] = []  # UTF-8 row XML
        self._pending_first = 0  # first row number held as text
        self._pending_last = 0  # last row number held as text
        self._pending_cells: tuple[int, int, int, int] | None = None  # r1, c1, r2, c2
        self._pending_last_used = 0

    def _materialize(self) -> None:
        """Turn rows held as text into elements (parsed once, appended, indexed)."""
        if not self._pending:
            return
        p = self._prefix
        ns = f' xmlns:{p[:-1]}="{NS_MAIN}"' if p else f' xmlns="{NS_MAIN}"'
        text = f"<{p}sheetData{ns}>".encode() + b"".join(self._pending) + f"</{p}sheetData>".encode()
        fragment = etree.fromstring(text, _PARSER)
        new_rows = list(fragment)
        self._data.extend(new_rows)
        for row in new_rows:
            r = int(row.get("r", "0"))
            self._rows[r] = row
            self._row_nums.append(r)
        self._pending = []
        self._pending_cells = None
        self._pending_first = self._pending_last = self._pending_last_used = 0

    def _serialize(self) -> bytes:
        if not self._pending:
            return _serialize(self.root)
        marker = etree.Comment("parc-xl-pending-rows")
        self._data.append(marker)
        try:
            head, tail = _serialize(self.root).split(b"<!--parc-xl-pending-rows-->")
        finally:
            self._data.remove(marker)
        return b"".join([head, *self._pending, tail])

    # indexing --------------------------------------------------------------------
    def _touch(self) -> None:
        self.pkg._mark_dirty(self.part, cells=True)

    def _row(self, r: int, create: bool) -> etree._Element | None:
        if self._pending:
            self._materialize()
        row = self._rows.get(r)
        if row is not None or not create:
            return row
        row = etree.Element(_M + "row")
        row.set("r", str(r))
        nums = self._row_nums
        if not nums or r > nums[-1]:
            self._data.append(row)
            nums.append(r)
        else:
            i = bisect_left(nums, r)
            self._rows[nums[i]].addprevious(row)
            nums.insert(i, r)
        self._rows[r] = row
        self._cells.setdefault(r, {})
        return row

    def _row_cells(self, r: int) -> dict[int, etree._Element]:
        if self._pending:
            self._materialize()
        cells = self._cells.get(r)
        if cells is not None:
            return cells
        cells = {}
        row = self._rows.get(r)
        if row is not None:
            previous = 0
            for cell in row:
                if _local(cell) != "c":
                    continue
                ref = cell.get("r")
                c = _ref_col(ref) if ref else previous + 1
                if not ref:
                    cell.set("r", f"{col_letter(c)}{r}")
                cells[c] = cell
                previous = c
        self._cells[r] = cells
        return cells

    def _cell(self, r: int, c: int, create: bool) -> etree._Element | None:
        cells = self._row_cells(r)
        cell = cells.get(c)
        if cell is not None or not create:
            return cell
        row = self._row(r, create=True)
        assert row is not None
        row.attrib.pop("spans", None)
        cell = etree.Element(_M + "c")
        cell.set("r", f"{col_letter(c)}{r}")
        after = [k for k in cells if k > c]
        if after:
            cells[min(after)].addprevious(cell)
        else:
            last_cell = None
            for child in reversed(row):
                if _local(child) == "c":
                    last_cell = child
                    break
            if last_cell is not None:
                last_cell.addnext(cell)
            else:
                row.insert(0, cell)
        cells[c] = cell
        return cell

    @property
    def last_row(self) -> int:
        """Number of the last `<row>` element (0 when the sheet has none)."""
        if self._pending:
            return self._pending_last
        return self._row_nums[-1] if self._row_nums else 0

    def last_used_row(self) -> int:
        """Number of the last row holding a value or formula (0 when none)."""
        if self._pending_last_used:
            return self._pending_last_used
        for r in reversed(self._row_nums):
            for cell in self._row_cells(r).values():
                if _cell_has_value(cell):
                    return r
        return 0

    def style_of(self, ref: str) -> int:
        r, c = split_ref(ref)
        cell = self._cell(r, c, create=False)
        return int(cell.get("s", "0")) if cell is not None else 0

    def row_styles(self, r: int) -> dict[int, int]:
        """{column: style index} of the cells of row `r`."""
        return {c: int(cell.get("s", "0")) for c, cell in self._row_cells(r).items()}

    # reading ---------------------------------------------------------------------
    def _cell_value(self, cell: etree._Element) -> object:
        t = cell.get("t", "n")
        if t == "inlineStr":
            is_el = _child(cell, "is")
            return _rich_text(is_el) if is_el is not None else ""
        v = _child(cell, "v")
        if v is None or v.text is None:
            return None
        text = v.text
        if t == "s":
            return self.pkg._shared_strings()[int(text)]
        if t == "b":
            return text.strip() in ("1", "true")
        if t in ("str", "e"):
            return text
        if t == "d":
            return dt.datetime.fromisoformat(text)
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def value(self, ref: str) -> object:
        r, c = split_ref(ref)
        cell = self._cell(r, c, create=False)
        return None if cell is None else self._cell_value(cell)

    def read_values(self) -> list[list[object]]:
        """All values from A1 to the last used cell (dates stay Excel serial numbers)."""
        self._materialize()
        grid: dict[int, dict[int, object]] = {}
        max_col = 0
        for r in self._row_nums:
            values = {}
            for c, cell in self._row_cells(r).items():
                value = self._cell_value(cell)
                if value is not None:
                    values[c] = value
            if values:
                grid[r] = values
                max_col = max(max_col, max(values))
        if not grid:
            return []
        return [
            [grid.get(r, {}).get(c) for c in range(1, max_col + 1)]
            for r in range(1, max(grid) + 1)
        ]

    # writing ---------------------------------------------------------------------
    def set_value(self, ref: str, value: CellValue, *, quote_formula_like: bool = True) -> None:
        """Write one value; see the module docstring for how each type is stored."""
        r, c = split_ref(ref)
        cell = self._cell(r, c, create=True)
        assert cell is not None
        self._write(cell, value, quote_formula_like)
        self._touch()

    def set_row(
        self,
        row_number: int,
        values: Sequence[CellValue],
        first_col: int = 1,
        *,
        style_row: int | None = None,
        quote_formula_like: bool = True,
    ) -> None:
        """Write `values` into row `row_number` from column `first_col`; cells created
        here take the style of the same column in `style_row` when given."""
        styles = self.row_styles(style_row) if style_row else {}
        for offset, value in enumerate(values):
            c = first_col + offset
            existed = c in self._row_cells(row_number)
            cell = self._cell(row_number, c, create=True)
            assert cell is not None
            if not existed and c in styles and styles[c]:
                cell.set("s", str(styles[c]))
            self._write(cell, value, quote_formula_like)
        self._touch()

    def append_rows(
        self,
        rows: Iterable[Sequence[CellValue]],
        style_row: int | None = None,
        *,
        header_row: int = 1,
        first_col: int = 1,
        quote_formula_like: bool = True,
    ) -> int:
        """Append `rows` after the last row that holds a value; return the first row
        number written. Cells take the style of the same column in `style_row`
        (default: the last used row below `header_row`, else `header_row + 1`)."""
        last = self.last_used_row()
        if style_row is None:
            style_row = last if last > header_row else header_row + 1
        start = max(last, header_row if last else 0) + 1
        self._write_rows(start, rows, first_col, self.row_styles(style_row), quote_formula_like)
        return start

    def clear_rows(self, from_row: int) -> None:
        """Delete every row numbered `from_row` or more (values, styles, heights)."""
        self._materialize()
        nums = self._row_nums
        i = bisect_left(nums, from_row)
        if i == len(nums):
            return
        for r in nums[i:]:
            self._data.remove(self._rows.pop(r))
            self._cells.pop(r, None)
        del nums[i:]
        self._touch()

    def write_table(
        self,
        first_row: int,
        rows: Iterable[Sequence[CellValue]],
        style_row: int | None = None,
        *,
        first_col: int = 1,
        quote_formula_like: bool = True,
    ) -> None:
        """Replace everything from `first_row` down with `rows`. Cells take the style of
        the same column in `style_row` as it was before clearing (default `first_row`)."""
        styles = self.row_styles(style_row if style_row is not None else first_row)
        self.clear_rows(first_row)
        self._write_rows(first_row, rows, first_col, styles, quote_formula_like)

    # encoding --------------------------------------------------------------------
    def _drop_formula(self, cell: etree._Element, f: etree._Element) -> None:
        """Remove `f`; a shared formula's dependents keep their cached values."""
        if f.get("t") == "shared" and f.get("ref") and f.get("si") is not None:
            si = f.get("si")
            first, _, last = f.get("ref", "").partition(":")
            r1, c1 = split_ref(first)
            r2, c2 = split_ref(last or first)
            for r in range(r1, r2 + 1):
                for c, other in self._row_cells(r).items():
                    if c1 <= c <= c2 and other is not cell:
                        for g in _children(other, "f"):
                            if g.get("t") == "shared" and g.get("si") == si:
                                other.remove(g)
        cell.remove(f)

    def _write(self, cell: etree._Element, value: CellValue, quote: bool) -> None:
        for child in list(cell):
            name = _local(child)
            if name == "f":
                self._drop_formula(cell, child)
            elif name in ("v", "is"):
                cell.remove(child)
        for attr in ("t", "cm", "vm"):
            cell.attrib.pop(attr, None)
        if value is None:
            return
        kind, text, style = self._encode(value, int(cell.get("s", "0")), quote)
        if style is not None:
            cell.set("s", str(style))
        if kind == "inlineStr":
            cell.set("t", "inlineStr")
            is_el = etree.Element(_M + "is")
            t_el = etree.SubElement(is_el, _M + "t")
            t_el.set(f"{{{NS_XML}}}space", "preserve")
            t_el.text = text
            cell.insert(0, is_el)
        else:
            if kind == "b":
                cell.set("t", "b")
            v = etree.Element(_M + "v")
            v.text = text
            cell.insert(0, v)

    def _encode(self, value: CellValue, s: int, quote: bool) -> tuple[str, str, int | None]:
        """(cell type, text, new style index or None to keep) for `value`."""
        return _encode_value(self.pkg, value, s, quote)

    def _write_rows(
        self,
        first_row: int,
        rows: Iterable[Sequence[CellValue]],
        first_col: int,
        styles: dict[int, int],
        quote: bool,
    ) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.last_row >= first_row:
            # Rows that already exist (e.g. the empty styled row 2 under a header) are
            # edited as elements; only those: the rest still takes the text path below,
            # else one template row would send 15,000 history rows through lxml.
            existing = min(len(rows), self.last_row - first_row + 1)
            for offset, values in enumerate(rows[:existing]):
                r = first_row + offset
                for i, value in enumerate(values):
                    c = first_col + i
                    existed = c in self._row_cells(r)
                    cell = self._cell(r, c, create=True)
                    assert cell is not None
                    if not existed and styles.get(c):
                        cell.set("s", str(styles[c]))
                    if value is not None or existed:
                        self._write(cell, value, quote)
            self._touch()
            rows = rows[existing:]
            first_row += existing
            if not rows:
                return
        # Fast path: every row is new and goes at the end: keep it as XML text.
        chunks, r, last_used, box = _rows_xml(self.pkg, first_row, rows, first_col, styles, quote, self._prefix)
        self._pending.extend(chunks)
        if not self._pending_first:
            self._pending_first = first_row
        self._pending_last = r
        if last_used:
            self._pending_last_used = last_used
        if box is not None:
            old = self._pending_cells
            if old is not None:
                box = (old[0], min(old[1], box[1]), box[2], max(old[3], box[3]))
            self._pending_cells = box
        self._touch()

    # bookkeeping at save ---------------------------------------------------------
    def _used_range(self) -> tuple[int, int, int, int] | None:
        """(first row, first col, last row, last col) over all `<c>` elements."""
        pending = self._pending_cells if self._pending else None
        min_c, max_c = 16385, 0
        rows_with_cells: list[int] = []
        for r in self._row_nums:
            row = self._rows[r]
            cells = self._cells.get(r)
            if cells is not None:
                if not cells:
                    continue
                lo, hi = min(cells), max(cells)
            else:
                first = last = None
                for child in row:
                    if _local(child) == "c":
                        if first is None:
                            first = child
                        last = child
                if first is None or last is None:
                    continue
                lo, hi = _ref_col(first.get("r", "A")), _ref_col(last.get("r", "A"))
            min_c, max_c = min(min_c, lo), max(max_c, hi)
            rows_with_cells.append(r)
        if pending is not None:
            if not rows_with_cells:
                return pending
            return rows_with_cells[0], min(min_c, pending[1]), pending[2], max(max_c, pending[3])
        if not rows_with_cells:
            return None
        return rows_with_cells[0], min_c, rows_with_cells[-1], max_c

    def _finalize(self) -> None:
        used = self._used_range()
        ref = "A1"
        if used is not None:
            r1, c1, r2, c2 = used
            ref = f"{col_letter(c1)}{r1}"
            if (r1, c1) != (r2, c2):
                ref += f":{col_letter(c2)}{r2}"
        dim = _child(self.root, "dimension")
        if dim is None:
            dim = etree.Element(_M + "dimension")
            _insert_ordered(self.root, dim, _WS_ORDER)
        dim.set("ref", ref)
        last = self.last_row
        auto = _child(self.root, "autoFilter")
        if auto is not None and auto.get("ref"):
            auto.set("ref", _extend_ref(auto.get("ref", ""), last))
            self.pkg._sync_filter_name(self.name, last)
        for table_part in self.pkg._related(self.part, RT_TABLE):
            table = self.pkg._xml(table_part)
            if table.get("ref"):
                table.set("ref", _extend_ref(table.get("ref", ""), last, min_rows=2))
                table_auto = _child(table, "autoFilter")
                if table_auto is not None:
                    table_auto.set("ref", table.get("ref"))
                self.pkg._mark_dirty(table_part)


def _rows_xml(pkg: XlsxPackage, first_row: int, rows: list[Sequence[CellValue]], first_col: int,
              styles: dict[int, int], quote: bool, p: str
              ) -> tuple[list[bytes], int, int, tuple[int, int, int, int] | None]:
    """New rows as UTF-8 XML text, encoded as `SheetPart._write` would encode each
    value: (chunks, last row written, last row holding a value (0: none), the box
    (r1, c1, r2, c2) of the cells written or None). Why: 300,000 history rows as lxml
    elements cost seconds and gigabytes; as text, about a microsecond a cell."""

    def encode(value: CellValue, s: int, quote: bool) -> tuple[str, str, int | None]:
        return _encode_value(pkg, value, s, quote)

    chunks: list[bytes] = []
    width = max(len(v) for v in rows)
    letters = [col_letter(first_col + i) for i in range(width)]
    style_list = [styles.get(first_col + i, 0) for i in range(width)]
    style_attr = [f' s="{st}"' if st else "" for st in style_list]
    out: list[str] = []
    append = out.append
    first_cell_row = last_cell_row = last_used = 0
    min_i, max_i = width, -1
    tails: dict[tuple[int, type, Any], str] = {}

    def _cell_tail(value: CellValue, s: int, s_default: str) -> str:
        if type(value) is str and not (quote and value.startswith(FORMULA_TRIGGERS)):
            kind, text, new = "inlineStr", _clean_text(value), None
        else:
            kind, text, new = encode(value, s, quote)
        s_attr = s_default if new is None else f' s="{new}"' if new else ""
        if kind == "inlineStr":
            if "&" in text or "<" in text or ">" in text or "\r" in text:
                text = _xml_escape(text, {"\r": "&#13;"})
            space = ' xml:space="preserve"' if text != text.strip() else ""
            return f'{s_attr} t="inlineStr"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>'
        if kind == "b":
            return f'{s_attr} t="b"><{p}v>{text}</{p}v></{p}c>'
        return f"{s_attr}><{p}v>{text}</{p}v></{p}c>"

    starts = [f'<{p}c r="{letter}' for letter in letters]
    r = first_row - 1
    for values in rows:
        r += 1
        rs = str(r)
        append(f'<{p}row r="{rs}">')
        row_min, row_max, used = width, -1, False
        for i, value in enumerate(values):
            if value is None:
                if style_list[i]:
                    append(f'{starts[i]}{rs}"{style_attr[i]}/>')
                    if row_max < 0:
                        row_min = i
                    row_max = i
                continue
            # Lists like `Quá hạn` repeat the same units, tasks, dates in 10^5 rows:
            # each distinct (column, value) is encoded and escaped once.
            tkey = (i, type(value), value)
            tail = tails.get(tkey)
            if tail is None:
                tail = '"' + _cell_tail(value, style_list[i], style_attr[i])
                if len(tails) < 200_000:
                    tails[tkey] = tail
            append(starts[i] + rs + tail)
            if row_max < 0:
                row_min = i
            row_max, used = i, True
        append(f"</{p}row>")
        if len(out) > 50_000:  # held as UTF-8 (1 byte a char, not 2 for Vietnamese str)
            chunks.append("".join(out).encode("utf-8"))
            out.clear()
        if row_max >= 0:
            first_cell_row = first_cell_row or r
            last_cell_row = r
            min_i, max_i = min(min_i, row_min), max(max_i, row_max)
        if used:
            last_used = r
    chunks.append("".join(out).encode("utf-8"))
    box = None
    if max_i >= 0:
        box = (first_cell_row, first_col + min_i, last_cell_row, first_col + max_i)
    return chunks, r, last_used, box


def _encode_value(pkg: XlsxPackage, value: CellValue, s: int, quote: bool) -> tuple[str, str, int | None]:
    """(cell type, text, new style index or None to keep) for `value` in a cell of
    format `s`: see the module docstring for how each type is stored."""
    if isinstance(value, str):
        text = _clean_text(value)
        if quote and text.startswith(FORMULA_TRIGGERS):
            return "inlineStr", text, pkg._styles().quote_style(s)
        return "inlineStr", text, None
    if isinstance(value, bool):
        return "b", "1" if value else "0", None
    if isinstance(value, (int, float)):
        return "n", _number_text(value), None
    if isinstance(value, dt.datetime):
        serial = excel_serial(value, pkg.date1904)
        new = pkg._styles().date_style(s, with_time=True)
        return "n", _number_text(serial), new if new != s else None
    if isinstance(value, dt.date):
        serial = excel_serial(value, pkg.date1904)
        new = pkg._styles().date_style(s, with_time=False)
        return "n", _number_text(serial), new if new != s else None
    raise TypeError(f"cannot write a {type(value).__name__} to a cell")


# --- patching existing cells in the serialised sheet (bulk fast path) ----------------
_ATTR_RE = re.compile(rb'\s+([A-Za-z_][\w:.-]*)="([^"<]*)"')
_XML_DECL_RE = re.compile(rb'^\s*<\?xml[^>]*encoding=["\']([A-Za-z0-9._-]+)["\']')
_DROPPED_ATTRS = frozenset([b"t", b"cm", b"vm"])


_UNTOUCHED: Any = object()  # a matched cell that the caller does not write


def _plain_value(content: bytes) -> bool:
    """True when a cell's children are only a `<v>` or an `<is>` (what `_write` drops)."""
    if content.startswith(b"<v>"):
        return content.endswith(b"</v>") and content.count(b"<") == 2
    if content.startswith(b"<is>"):
        return content.endswith(b"</is>") and b"<is>" not in content[4:] and b"<extLst" not in content
    return False


def _text_escape(text: str) -> str:
    """Element text as lxml serialises it (&, <, > and carriage returns escaped)."""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = _xml_escape(text, {"\r": "&#13;"})
    return text


class _TextPatcher:
    """Rewrites existing cells of one serialised worksheet without parsing it.

    Why: the status job rewrites four cells in each of 200,000 `Theo dõi` rows. As an
    lxml tree that sheet (≈300 MB of XML, 4 million cells) costs ≈10 s to parse, 4 GB
    of memory and ≈37 s of per-cell edits; located with `bytes.find` in the
    serialised part, each cell is rewritten in about a microsecond. It produces the
    bytes the element path (`SheetPart._write`) would: value children removed,
    `t`/`cm`/`vm` dropped, inline strings with xml:space="preserve", quote prefix and
    date formats through the same `_encode_value`. It gives up (returns None) on
    anything it does not recognise — a row or cell missing or written differently, a
    formula, other children, comments/CDATA, a non-UTF-8 part — and the caller then
    takes the element path."""

    def __init__(self, pkg: XlsxPackage, quote: bool) -> None:
        self.pkg = pkg
        self.quote = quote
        self._tag_cache: dict[bytes, tuple[list[tuple[bytes, bytes]], int] | None] = {}
        self._value_cache: dict[tuple[type, Any, int], tuple[str, str, int | None]] = {}
        self._cell_cache: dict[tuple[bytes, type, Any], bytes] = {}

    def _tag(self, rest: bytes) -> tuple[list[tuple[bytes, bytes]], int] | None:
        """Attributes after `r` of a cell's start tag (without t/cm/vm) and its style."""
        cached = self._tag_cache.get(rest, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        attrs = _ATTR_RE.findall(rest)
        result: tuple[list[tuple[bytes, bytes]], int] | None = None
        if not _ATTR_RE.sub(b"", rest).strip() and not any(k == b"r" for k, _ in attrs):
            kept = [(k, v) for k, v in attrs if k not in _DROPPED_ATTRS]
            style = next((v for k, v in kept if k == b"s"), b"0")
            result = (kept, int(style)) if style.isdigit() else None
        self._tag_cache[rest] = result
        return result

    def _cell_tail(self, rest: bytes, value: CellValue) -> bytes | None:
        """The bytes of the new cell after `<c r="A1` (from the quote closing `r`)."""
        key = (rest, type(value), value)
        cached = self._cell_cache.get(key)
        if cached is not None:
            return cached
        tag = self._tag(rest)
        if tag is None:
            return None
        attrs, s = tag
        if value is None:
            out = "".join(f' {k.decode()}="{v.decode()}"' for k, v in attrs) + "/>"
        else:
            vkey = (type(value), value, s)
            encoded = self._value_cache.get(vkey)
            if encoded is None:
                encoded = self._value_cache[vkey] = _encode_value(self.pkg, value, s, self.quote)
            kind, text, style = encoded
            parts: list[str] = []
            has_s = False
            for k, v in attrs:
                if k == b"s" and style is not None:
                    parts.append(f' s="{style}"')
                    has_s = True
                else:
                    parts.append(f' {k.decode()}="{v.decode()}"')
                    has_s = has_s or k == b"s"
            if style is not None and not has_s:
                parts.append(f' s="{style}"')
            if kind == "inlineStr":
                parts.append(f' t="inlineStr"><is><t xml:space="preserve">{_text_escape(text)}</t></is></c>')
            elif kind == "b":
                parts.append(f' t="b"><v>{text}</v></c>')
            else:
                parts.append(f"><v>{text}</v></c>")
            out = "".join(parts)
        tail = b'"' + out.encode("utf-8")
        if len(self._cell_cache) < 100_000:
            self._cell_cache[key] = tail
        return tail

    def patch(self, data: bytes, columns: dict[int, dict[int, CellValue]]) -> tuple[list[bytes], int] | None:
        """`data` with the cells of `columns` ({column: {row: value}}) rewritten, as
        consecutive chunks (the caller drops `data` before joining them: one copy of a
        300 MB sheet less at the peak), and the number of the sheet's last row; None
        when the element path must do it."""
        decl = _XML_DECL_RE.match(data[:200])
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            decl is not None and decl.group(1).lower() not in (b"utf-8", b"utf8")
        ):
            return None
        start = data.find(b"<sheetData>")
        end = data.find(b"</sheetData>")
        if start < 0 or end < start:
            return None  # prefixed or empty sheetData: leave it to lxml
        # Comments, CDATA and processing instructions could hide or fake cells. A
        # one-byte find is memchr (≈10 ms over 300 MB); the 2-byte marker is only
        # looked for when that byte occurs at all.
        for byte, marker in ((b"!", b"<!"), (b"?", b"<?")):
            if data.find(byte, start, end) >= 0 and data.find(marker, start, end) >= 0:
                return None
        # One C-level split of the sheetData text at every cell of the target columns
        # (letter, row, attributes, "/" of an empty cell, content); Python then only
        # swaps the cells that `columns` names. Cells must come in (row, column)
        # order and every target must be met exactly once, else the element path.
        colnums = {col_letter(c).encode(): c for c in columns}
        longest_first: list[bytes] = sorted(colnums, key=len, reverse=True)
        alternatives = b"|".join(longest_first)
        pattern = re.compile(
            # (attributes never hold "/" or ">": a cell where they do is not matched,
            # so not met, and the element path takes over)
            rb'<c r="(' + alternatives + rb')([0-9]+)"([^>/]*)(?:(/)>|>(.*?)</c>)', re.S
        )
        expected = sum(len(rows) for rows in columns.values())
        # The sheetData text is split in windows of ≈8 MB ending at a `</row>` and each
        # window's output joined at once: splitting 300 MB in one go held ≈10 million
        # small bytes objects (≈1.4 GB at the 200,000-row load) besides the text itself.
        view = memoryview(data)
        chunks: list[bytes] = [data[:start]]
        cache = self._cell_cache
        tail_of = self._cell_tail
        met = 0
        previous = 0
        refs = {letter: b'<c r="' + letter for letter in colnums}
        # Per letter: its column number and that column's {row: value}.
        targets = {letter: (c, columns[c]) for letter, c in colnums.items()}
        a = start
        while a < end:
            cut = data.find(b"</row>", min(a + _PATCH_WINDOW, end), end)
            b = end if cut < 0 else cut + 6
            parts = pattern.split(view[a:b])
            out: list[bytes] = []
            append = out.append
            for text, letter, row_text, rest, slash, content in zip(*[iter(parts)] * 6):
                r = int(row_text)
                c, values = targets[letter]
                order = r * 16_384 + c
                if order <= previous:
                    return None
                previous = order
                value = values.get(r, _UNTOUCHED)
                if value is _UNTOUCHED:
                    append(text + refs[letter] + row_text + b'"' + rest
                           + (b"/>" if slash else b">" + content + b"</c>"))
                    continue
                if content and not _plain_value(content):
                    return None  # a formula or other children
                new_tail = cache.get((rest, type(value), value)) or tail_of(rest, value)
                if new_tail is None:
                    return None
                append(text)
                append(refs[letter] + row_text + new_tail)
                met += 1
            append(parts[-1])
            del parts
            chunks.append(b"".join(out))
            a = b
        if met != expected:
            return None  # a target cell (or its row) does not exist
        chunks.append(data[end:])
        last = data.rfind(b'<row r="', start, end)
        last_row = 0
        if last >= 0:
            q = data.find(b'"', last + 8, end)
            digits = data[last + 8 : q]
            last_row = int(digits) if digits.isdigit() else 0
        return chunks, last_row


_ROOT_TAG_RE = re.compile(rb"<(?![?!])[^>]*>")
_XMLNS_RE = re.compile(rb"""\s(xmlns(?::[A-Za-z_][\w.-]*)?)\s*=\s*("[^"]*"|'[^']*')""")


def _root_namespaces(data: bytes) -> bytes:
    """The namespace declarations of the root start tag of serialised XML `data`, as
    attribute text (` xmlns="…" xmlns:x14ac="…"`): what a fragment cut out of the part
    needs to parse as it does in place (Excel declares `x14ac`, `xr`, `mc`… on the root
    and uses them on every row)."""
    m = _ROOT_TAG_RE.search(data, 0, 65_536)
    if m is None:
        return b""
    return b"".join(b" " + name + b"=" + value for name, value in _XMLNS_RE.findall(m.group(0)))


def _parse_fragment(data: bytes, fragment: bytes) -> etree._Element:
    """`fragment` (e.g. a `<row>` cut out of the worksheet `data`) parsed inside a wrapper
    that carries the root's namespace declarations; XMLSyntaxError when it cannot be
    parsed alone (callers then take the element path)."""
    return etree.fromstring(b"<parc-xl-fragment" + _root_namespaces(data) + b">" + fragment
                            + b"</parc-xl-fragment>", _PARSER)


def _extend_ref(ref: str, last_row: int, min_rows: int = 1) -> str:
    """"A1:F20" with its last row set to `last_row` (at least `min_rows` rows)."""
    first, _, end = ref.partition(":")
    r1, c1 = split_ref(first)
    _, c2 = split_ref(end or first)
    r2 = max(last_row, r1 + min_rows - 1)
    return f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"


def _rich_text(el: etree._Element) -> str:
    """Text of a `<si>`/`<is>`: plain `<t>` or rich runs, without phonetic runs."""
    out: list[str] = []
    for child in el:
        name = _local(child)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            for t in child:
                if _local(t) == "t":
                    out.append(t.text or "")
    return "".join(out)


def excel_serial(value: dt.date, date1904: bool = False) -> int | float:
    """Excel's serial number of a date or datetime (naive wall-clock time)."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        delta = naive - base
        serial: int | float = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    else:
        base_date = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        serial = (value - base_date).days
    if not date1904 and serial < 61:
        serial -= 1  # Excel's phantom 29/02/1900: serials before March 1900 are shifted
    if serial < 0:
        raise ValueError(f"date before Excel's epoch: {value!r}")
    return serial


# --- the package ---------------------------------------------------------------------
def _rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


class XlsxPackage:
    """An .xlsx/.xlsm package held in memory; edited part by part, saved atomically."""

    def __init__(self, path: Path, blob: bytes) -> None:
        self.path = path
        self._blob = blob
        self._zip = zipfile.ZipFile(io.BytesIO(blob))
        self._entries: dict[str, _Entry] = {}
        self._order: list[str] = []
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            if blob[info.header_offset : info.header_offset + 4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(info.filename)
            name_len, extra_len = struct.unpack_from("<HH", blob, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            raw = blob[start : start + info.compress_size]
            self._entries[info.filename] = _Entry(info.filename, info, raw)
            self._order.append(info.filename)
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()
        self._cells_changed = False
        self._sheets: dict[str, SheetPart] = {}
        self._styles_obj: _Styles | None = None
        self._sst: list[str] | None = None
        self._date1904: bool | None = None
        self._prefetched: dict[str, tuple[bytes, Any]] = {}  # part: (raw, Future of bytes)
        self.workbook_part = self._find_workbook_part()

    # opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> XlsxPackage:
        """Read the workbook at `path` into memory; refuse what is not an OOXML package."""
        path = Path(path)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"Không tìm thấy tệp {path.name}.") from None
        except OSError as exc:
            raise InputError(f"Không đọc được tệp {path.name}: {exc.strerror}.") from None
        if blob[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InputError(
                f"Tệp {path.name} được đặt mật khẩu (mã hóa) hoặc là tệp Excel 97-2003 "
                "(.xls); hãy bỏ mật khẩu hoặc lưu lại dưới dạng .xlsx rồi thử lại."
            )
        if not zipfile.is_zipfile(io.BytesIO(blob)):
            raise InputError(f"Tệp {path.name} không phải là tệp Excel (.xlsx) hợp lệ.")
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, ValueError):
            raise InputError(f"Tệp {path.name} bị hỏng, không đọc được.") from None
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
            raise InputError(f"Tệp {path.name} quá lớn hoặc có cấu trúc bất thường; đã từ chối.")
        if any(i.flag_bits & 0x1 for i in infos):
            raise InputError(f"Tệp {path.name} được mã hóa; hãy bỏ mật khẩu rồi thử lại.")
        try:
            pkg = cls(path, blob)
            pkg._sheet_map()
        except InputError:
            raise
        except (KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, struct.error):
            raise InputError(f"Tệp {path.name} không phải là sổ Excel hợp lệ.") from None
        return pkg

    def _find_workbook_part(self) -> str:
        if "_rels/.rels" in self._entries:
            rels = etree.fromstring(self.read_part("_rels/.rels"), _PARSER)
            for rel in rels:
                if rel.get("Type", "").endswith("/officeDocument"):
                    return _resolve("", rel.get("Target", ""))
        if "xl/workbook.xml" in self._entries:
            return "xl/workbook.xml"
        raise InputError(f"Tệp {self.path.name} không phải là sổ Excel (thiếu workbook.xml).")

    # parts -------------------------------------------------------------------------
    def part_names(self) -> list[str]:
        return list(self._order)

    def has_part(self, name: str) -> bool:
        return name in self._entries

    def read_part(self, name: str) -> bytes:
        """Current bytes of a part (serialising it if it was edited as XML)."""
        if name in self._trees and name in self._dirty:
            for sheet in self._sheets.values():
                if sheet.part == name:
                    return sheet._serialize()
            return _serialize(self._trees[name])
        entry = self._entries[name]
        if entry.data is not None:
            return entry.data
        early = self._prefetched.pop(name, None)
        if early is not None and early[0] is entry.raw:
            return early[1].result()  # type: ignore[no-any-return]
        return self._zip.read(name)

    def prefetch(self, sheet_name: str) -> None:
        """Start inflating a large sheet's part in the background (zlib releases the
        GIL): the status job inflates its 300 MB `Theo dõi` (≈0.5 s) while it computes
        the statuses. A later `read_part` waits for the result; small, stored or
        already edited parts are left alone."""
        from concurrent.futures import ThreadPoolExecutor

        part = self._sheet_map().get(sheet_name)
        entry = self._entries.get(part or "")
        if part is None or entry is None or entry.data is not None or entry.raw is None \
                or entry.info is None or part in self._trees or part in self._prefetched:
            return
        if entry.info.compress_type != zipfile.ZIP_DEFLATED or entry.info.file_size <= 2 * _DEFLATE_CHUNK:
            return
        pool = ThreadPoolExecutor(max_workers=1)
        self._prefetched[part] = (entry.raw, pool.submit(_inflate, entry.raw, entry.info))
        pool.shutdown(wait=False)

    def write_part(self, name: str, data: bytes) -> None:
        entry = self._entries.get(name)
        if entry is None:
            entry = _Entry(name, None, None)
            self._entries[name] = entry
            self._order.append(name)
        entry.data = data
        self._trees.pop(name, None)
        self._dirty.discard(name)

    def delete_part(self, name: str) -> None:
        if name in self._entries:
            del self._entries[name]
            self._order.remove(name)
        self._trees.pop(name, None)
        self._dirty.discard(name)

    def _xml(self, name: str) -> etree._Element:
        tree = self._trees.get(name)
        if tree is None:
            tree = self._parse(name)
            self._trees[name] = tree
        return tree

    def _parse(self, name: str) -> etree._Element:
        """Part `name` parsed; a part that is not well-formed XML is the user's broken
        file (InputError), never an XMLSyntaxError traceback."""
        try:
            return etree.fromstring(self.read_part(name), _PARSER)
        except etree.XMLSyntaxError:
            raise InputError(
                f"Tệp {self.path.name} bị hỏng (phần {name} không đọc được); "
                "hãy mở tệp trong Excel, lưu lại rồi thử lại."
            ) from None

    def _new_xml(self, name: str, root: etree._Element) -> None:
        if name not in self._entries:
            self._entries[name] = _Entry(name, None, None)
            self._order.append(name)
        self._trees[name] = root
        self._dirty.add(name)

    def _mark_dirty(self, name: str, cells: bool = False) -> None:
        self._dirty.add(name)
        if cells:
            self._cells_changed = True

    # relationships and content types -------------------------------------------
    def _rels(self, part: str, create: bool = False) -> etree._Element | None:
        path = _rels_path(part)
        if path in self._entries:
            return self._xml(path)
        if not create:
            return None
        root = etree.Element(_PR + "Relationships", nsmap={None: NS_PKG_REL})
        self._new_xml(path, root)
        return root

    def _related(self, part: str, rel_type: str) -> list[str]:
        rels = self._rels(part)
        if rels is None:
            return []
        return [
            _resolve(part, rel.get("Target", ""))
            for rel in rels
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External"
        ]

    def _add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        rels = self._rels(part, create=True)
        assert rels is not None
        ids = {rel.get("Id") for rel in rels}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rel = etree.SubElement(rels, _PR + "Relationship")
        rel.set("Id", f"rId{n}")
        rel.set("Type", rel_type)
        rel.set("Target", _relative(part, target_part))
        self._mark_dirty(_rels_path(part))
        return f"rId{n}"

    def _content_types(self) -> etree._Element:
        return self._xml("[Content_Types].xml")

    def content_type(self, part: str) -> str | None:
        ct = self._content_types()
        for el in ct:
            if _local(el) == "Override" and el.get("PartName", "").lstrip("/") == part:
                return el.get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for el in ct:
            if _local(el) == "Default" and el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def _set_override(self, part: str, content_type: str) -> None:
        ct = self._content_types()
        self._remove_override(part)
        el = etree.SubElement(ct, _CT + "Override")
        el.set("PartName", "/" + part)
        el.set("ContentType", content_type)
        self._mark_dirty("[Content_Types].xml")

    def _ensure_default(self, ext: str, content_type: str) -> None:
        ct = self._content_types()
        for el in ct:
            if _local(el) == "Default" and el.get("Extension", "").lower() == ext.lower():
                return
        el = etree.Element(_CT + "Default")
        el.set("Extension", ext)
        el.set("ContentType", content_type)
        ct.insert(0, el)
        self._mark_dirty("[Content_Types].xml")

    def _remove_override(self, part: str) -> None:
        ct = self._content_types()
        for el in list(ct):
            if _local(el) == "Override" and el.get("PartName", "").lstrip("/") == part:
                ct.remove(el)
                self._mark_dirty("[Content_Types].xml")

    # workbook ------------------------------------------------------------------------
    @property
    def _workbook(self) -> etree._Element:
        return self._xml(self.workbook_part)

    def _sheet_elements(self) -> list[etree._Element]:
        sheets = _child(self._workbook, "sheets")
        return [] if sheets is None else _children(sheets, "sheet")

    def _sheet_map(self) -> dict[str, str]:
        rels = self._rels(self.workbook_part)
        targets: dict[str, str] = {}
        if rels is not None:
            for rel in rels:
                targets[rel.get("Id", "")] = _resolve(self.workbook_part, rel.get("Target", ""))
        result: dict[str, str] = {}
        for sheet in self._sheet_elements():
            rid = sheet.get(_R + "id", "")
            if rid in targets:
                result[sheet.get("name", "")] = targets[rid]
        return result

    def sheet_names(self) -> list[str]:
        """Every sheet's name, in tab order (worksheets, chart sheets...)."""
        return [s.get("name", "") for s in self._sheet_elements()]

    def sheet(self, name: str) -> SheetPart:
        """The worksheet called `name` (InputError when there is none)."""
        cached = self._sheets.get(name)
        if cached is not None:
            return cached
        part = self._sheet_map().get(name)
        if part is None or part not in self._entries:
            raise InputError(f"Sổ {self.path.name} không có trang tính “{name}”.")
        sheet = SheetPart(self, name, part)
        self._sheets[name] = sheet
        return sheet

    def set_columns(
        self,
        name: str,
        columns: dict[int, dict[int, CellValue]],
        *,
        quote_formula_like: bool = True,
    ) -> None:
        """Write many values into sheet `name`: `columns` is {column: {row: value}},
        each value stored as `SheetPart.set_value` stores it (None clears the value).

        When every target cell already exists and the sheet has not been loaded as a
        `SheetPart`, the cells are rewritten in the serialised part (`_TextPatcher`:
        ≈2 µs a cell instead of parsing a 300 MB sheet into lxml elements); otherwise,
        or if the patcher meets anything unusual, through `SheetPart.set_value`."""
        columns = {c: rows for c, rows in columns.items() if rows}
        if not columns:
            return
        part = self._sheet_map().get(name)
        if part is None or part not in self._entries:
            raise InputError(f"Sổ {self.path.name} không có trang tính “{name}”.")
        if name not in self._sheets and part not in self._trees:
            data = self.read_part(part)
            try:
                patched = _TextPatcher(self, quote_formula_like).patch(data, columns)
            except (etree.XMLSyntaxError, ValueError, KeyError, IndexError):
                patched = None  # the element path decides (and reports what is really wrong)
            if patched is not None:
                del data  # the old text goes before the new one is joined
                chunks, last_row = patched
                self.write_part(part, b"".join(chunks))
                del chunks
                self._cells_changed = True
                self._extend_filters_text(name, part, last_row)
                self._entries[part].deflate_early()
                return
        sheet = self.sheet(name)
        by_row: dict[int, list[tuple[int, CellValue]]] = {}
        for c, rows in sorted(columns.items()):
            for r, value in rows.items():
                by_row.setdefault(r, []).append((c, value))
        for r in sorted(by_row):
            for c, value in by_row[r]:
                sheet.set_row(r, [value], c, quote_formula_like=quote_formula_like)

    def append_rows(
        self,
        name: str,
        rows: Iterable[Sequence[CellValue]],
        *,
        header_row: int = 1,
        quote_formula_like: bool = True,
    ) -> int:
        """`SheetPart.append_rows` (default style row) on sheet `name`, without loading
        the sheet as elements when it has not been loaded and its last row holds a
        value: the new rows' XML is spliced before `</sheetData>`, the dimension, filter
        and tables extended. Why: after a few merges `Lịch sử` holds 10^5–10^6 rows,
        gigabytes as an lxml tree just to add rows at its end. Returns the first row
        number written."""
        rows = list(rows)
        part = self._sheet_map().get(name)
        if part is None or part not in self._entries:
            raise InputError(f"Sổ {self.path.name} không có trang tính “{name}”.")
        spliced = None
        if rows and name not in self._sheets and part not in self._trees:
            try:
                spliced = self._append_text(name, part, rows, header_row, quote_formula_like)
            except (etree.XMLSyntaxError, ValueError, KeyError, IndexError):
                spliced = None  # the element path decides (and reports what is really wrong)
        if spliced is None:
            return self.sheet(name).append_rows(rows, header_row=header_row,
                                                quote_formula_like=quote_formula_like)
        return spliced

    def _append_text(self, name: str, part: str, rows: list[Sequence[CellValue]], header_row: int,
                     quote: bool) -> int | None:
        """The text path of `append_rows`; None when the sheet needs the element path
        (not UTF-8, prefixed, comments, last row empty or the header, no `r` refs)."""
        data = self.read_part(part)
        decl = _XML_DECL_RE.match(data[:200])
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            decl is not None and decl.group(1).lower() not in (b"utf-8", b"utf8")
        ):
            return None
        start, end = data.find(b"<sheetData>"), data.rfind(b"</sheetData>")
        if start < 0 or end < start or data.find(b"<!", start, end) >= 0 or data.find(b"<?", start, end) >= 0:
            return None
        at = data.rfind(b"<row", start, end)
        if at < 0 or data[at + 4 : at + 5] not in (b" ", b"\t", b"\r", b"\n"):
            return None  # no row, or a last <row> without attributes (so without `r`)
        last_xml = data[at:end]
        m = re.match(rb'<row r="([0-9]+)"', last_xml)
        if m is None or not (b"<v>" in last_xml or b"<is>" in last_xml or b"<f" in last_xml):
            return None  # an empty styled row at the end: SheetPart fills it first
        last = int(m.group(1))
        if last <= header_row:
            return None
        row_el = _parse_fragment(data, last_xml)[0]
        styles: dict[int, int] = {}
        for cell in row_el:
            if _local(cell) != "c":
                continue
            ref = cell.get("r")
            if not ref:
                return None
            styles[_ref_col(ref)] = int(cell.get("s", "0"))
        chunks, r2, _, box = _rows_xml(self, last + 1, rows, 1, styles, quote, "")
        head = [data[:end]]
        dim = re.compile(rb'<dimension ref="([^"]+)"').search(data, 0, start)
        if box is not None and dim is not None:
            first_ref, _, last_ref = dim.group(1).decode().partition(":")
            try:
                d_r1, d_c1 = split_ref(first_ref)
                _, d_c2 = split_ref(last_ref or first_ref)
            except ValueError:
                d_r1 = d_c1 = d_c2 = 0
            if d_r1:
                ref = f"{col_letter(min(d_c1, box[1]))}{d_r1}:{col_letter(max(d_c2, box[3]))}{box[2]}"
                head = [data[: dim.start(1)], ref.encode(), data[dim.end(1) : end]]
        new = b"".join([*head, *chunks, data[end:]])  # one copy of the sheet text
        del data, chunks, head
        self.write_part(part, new)
        self._cells_changed = True
        self._extend_filters_text(name, part, r2)
        self._entries[part].deflate_early()
        return last + 1

    def _extend_filters_text(self, name: str, part: str, last_row: int) -> None:
        """What `SheetPart._finalize` does to filters and tables, for a sheet patched as
        text (the dimension cannot change: only existing cells were rewritten)."""
        data = self._entries[part].data
        assert data is not None
        tail_at = data.rfind(b"</sheetData>")
        m = re.compile(rb'<autoFilter ref="([^"]+)"').search(data, tail_at)
        if m is not None and last_row:
            ref = _extend_ref(m.group(1).decode(), last_row).encode()
            if ref != m.group(1):
                self.write_part(part, data[: m.start(1)] + ref + data[m.end(1) :])
            self._sync_filter_name(name, last_row)
        for table_part in self._related(part, RT_TABLE):
            table = self._xml(table_part)
            if table.get("ref"):
                table.set("ref", _extend_ref(table.get("ref", ""), last_row, min_rows=2))
                table_auto = _child(table, "autoFilter")
                if table_auto is not None:
                    table_auto.set("ref", table.get("ref"))
                self._mark_dirty(table_part)

    def set_sheet_state(self, name: str, state: str) -> None:
        """Show ("visible") or hide ("hidden", "veryHidden") a sheet."""
        if state not in ("visible", "hidden", "veryHidden"):
            raise ValueError(f"unknown sheet state {state!r}")
        for sheet in self._sheet_elements():
            if sheet.get("name") == name:
                if state == "visible":
                    sheet.attrib.pop("state", None)
                else:
                    sheet.set("state", state)
                self._mark_dirty(self.workbook_part)
                return
        raise InputError(f"Sổ {self.path.name} không có trang tính “{name}”.")

    @property
    def date1904(self) -> bool:
        """True when the workbook counts dates from 1904 (old Mac Excel)."""
        if self._date1904 is None:
            pr = _child(self._workbook, "workbookPr")
            self._date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        return self._date1904

    def _styles(self) -> _Styles:
        if self._styles_obj is None:
            parts = self._related(self.workbook_part, RT_STYLES)
            if not parts:
                raise InputError(f"Sổ {self.path.name} thiếu bảng định dạng (styles.xml).")
            part = parts[0]
            self._styles_obj = _Styles(self._xml(part), lambda: self._mark_dirty(part))
        return self._styles_obj

    def _shared_strings(self) -> list[str]:
        if self._sst is None:
            parts = self._related(self.workbook_part, RT_SHARED_STRINGS)
            self._sst = []
            if parts and parts[0] in self._entries:
                root = self._parse(parts[0])
                self._sst = [_rich_text(si) for si in root if _local(si) == "si"]
        return self._sst

    # saving --------------------------------------------------------------------------
    def _drop_calc_chain(self) -> None:
        """Remove the calculation chain and ask Excel to recalculate on load."""
        for part in self._related(self.workbook_part, RT_CALCCHAIN):
            self.delete_part(part)
            self._remove_override(part)
        rels = self._rels(self.workbook_part)
        if rels is not None:
            for rel in list(rels):
                if rel.get("Type") == RT_CALCCHAIN:
                    rels.remove(rel)
                    self._mark_dirty(_rels_path(self.workbook_part))
        wb = self._workbook
        calc = _child(wb, "calcPr")
        if calc is None:
            calc = etree.Element(_M + "calcPr")
            _insert_ordered(wb, calc, _WB_ORDER)
        if calc.get("fullCalcOnLoad") != "1":
            calc.set("fullCalcOnLoad", "1")
            self._mark_dirty(self.workbook_part)

    def _prepare(self) -> list[_Entry]:
        for sheet in self._sheets.values():
            if sheet.part in self._dirty:
                sheet._finalize()
        if self._cells_changed:
            self._drop_calc_chain()
        sheets = {sheet.part: sheet for sheet in self._sheets.values()}
        for name in self._dirty:
            if name in sheets and name in self._entries:
                self._entries[name].data = sheets[name]._serialize()
            elif name in self._trees and name in self._entries:
                self._entries[name].data = _serialize(self._trees[name])
        return [self._entries[name] for name in self._order]

    def to_bytes(self) -> bytes:
        """The package as it would be saved."""
        buffer = io.BytesIO()
        _write_zip(buffer, self._prepare())
        return buffer.getvalue()

    def save(self, path: Path | str | None = None, *, backup_dir: Path | None = None) -> Path | None:
        """Write the package atomically to `path` (default: where it was opened).

        Refuses with MasterBusyError when the file is open in Excel/LibreOffice or not
        writable. With `backup_dir`, the current file is first copied there as
        ``<stem>_<YYYYmmdd-HHMMSS-ffffff><suffix>``; that path is returned. Any failure
        before the final rename leaves the existing file untouched."""
        target = Path(path) if path is not None else self.path
        lock = xlsx_lock_file(target)
        if lock is not None:
            raise MasterBusyError(
                f"Tệp {target.name} đang được mở (có tệp khóa {lock.name}); "
                "hãy đóng tệp trong Excel rồi thử lại. Chưa ghi gì."
            )
        folder = target.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK) or (
            target.exists() and not os.access(target, os.W_OK)
        ):
            raise MasterBusyError(
                f"Không ghi được tệp {target.name}: thư mục hoặc tệp đang chỉ đọc. Chưa ghi gì."
            )
        entries = self._prepare()
        backup: Path | None = None
        if backup_dir is not None and target.exists():
            backup = backup_copy(target, Path(backup_dir))
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=folder)
        except PermissionError:
            raise MasterBusyError(
                f"Không ghi được tệp {target.name}: thư mục đang chỉ đọc. Chưa ghi gì."
            ) from None
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                _write_zip(fh, entries)
                fh.flush()
                os.fsync(fh.fileno())
            if target.exists():
                shutil.copymode(target, tmp)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, target)
        except PermissionError:
            tmp.unlink(missing_ok=True)
            raise MasterBusyError(
                f"Không ghi được tệp {target.name} (đang bị khóa hoặc chỉ đọc). Chưa ghi gì."
            ) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass
        return backup

    # transplanting a sheet -------------------------------------------------------
    def _fresh_name(self, name: str, taken: set[str]) -> str:
        """`name` if free, else the same folder/stem with the smallest free number."""
        if name not in self._entries and name not in taken:
            return name
        folder, base = posixpath.split(name)
        stem, dot, ext = base.partition(".")
        stem = stem.rstrip("0123456789")
        n = 1
        while True:
            candidate = posixpath.join(folder, f"{stem}{n}{dot}{ext}")
            if candidate not in self._entries and candidate not in taken:
                return candidate
            n += 1

    def _source_of_rels(self, rels_name: str) -> str:
        folder, base = posixpath.split(rels_name)
        return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])

    def _referenced_parts(self) -> set[str]:
        found: set[str] = set()
        for name in self._order:
            if not name.endswith(".rels"):
                continue
            source = self._source_of_rels(name)
            for rel in self._xml(name):
                if rel.get("TargetMode") != "External":
                    found.add(_resolve(source, rel.get("Target", "")))
        return found

    def _remove_orphans(self, candidates: list[str]) -> None:
        """Delete `candidates` (and what only they reference) that nothing references."""
        todo = list(candidates)
        while todo:
            referenced = self._referenced_parts()
            orphans = [p for p in todo if p in self._entries and p not in referenced]
            if not orphans:
                return
            todo = []
            for part in orphans:
                rels_name = _rels_path(part)
                if rels_name in self._entries:
                    for rel in self._xml(rels_name):
                        if rel.get("TargetMode") != "External":
                            todo.append(_resolve(part, rel.get("Target", "")))
                    self.delete_part(rels_name)
                self.delete_part(part)
                self._remove_override(part)

    def replace_sheet_from(
        self,
        source_xlsx: Path | str,
        sheet_name: str,
        *,
        position: int | None = None,
        state: str | None = None,
    ) -> None:
        """Replace sheet `sheet_name` (or add it, at the end or at tab `position`) with
        the sheet of that name in `source_xlsx`, a workbook freshly written by openpyxl:
        its drawings, charts and their relationships come along under fresh part names,
        its cell formats and conditional-format styles are merged into this workbook's
        styles, its shared strings become inline strings and its print titles/area
        defined names are carried over. `state` is "visible", "hidden" or "veryHidden"."""
        src = XlsxPackage.open(source_xlsx)
        src_part = src._sheet_map().get(sheet_name)
        if src_part is None:
            raise InputError(f"Sổ {Path(source_xlsx).name} không có trang tính “{sheet_name}”.")
        src_index = src.sheet_names().index(sheet_name)
        existing = self._sheet_map().get(sheet_name)
        if existing is not None and self.content_type(existing) != CT_WORKSHEET:
            raise InputError(
                f"Trang “{sheet_name}” của sổ {self.path.name} không phải là trang tính dữ liệu; "
                "không thể thay thế."
            )

        # 1. Name every part reachable from the source sheet.
        taken: set[str] = set()
        if existing is not None:
            new_sheet_part = existing
        else:
            new_sheet_part = self._fresh_name("xl/worksheets/sheet1.xml", taken)
        taken.add(new_sheet_part)
        mapping = {src_part: new_sheet_part}
        queue = [src_part]
        while queue:
            part = queue.pop(0)
            rels = src._rels(part)
            if rels is None:
                continue
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                target = _resolve(part, rel.get("Target", ""))
                if target not in mapping and target in src._entries:
                    mapping[target] = self._fresh_name(target, taken)
                    taken.add(mapping[target])
                    queue.append(target)

        # 2. The old sheet's related parts become orphan candidates.
        orphan_candidates: list[str] = []
        if existing is not None:
            old_rels = _rels_path(existing)
            if old_rels in self._entries:
                for rel in self._xml(old_rels):
                    if rel.get("TargetMode") != "External":
                        orphan_candidates.append(_resolve(existing, rel.get("Target", "")))
                self.delete_part(old_rels)
            self._sheets.pop(sheet_name, None)

        # 3. Copy parts (the sheet itself is rewritten below), their rels and types.
        for old, new in mapping.items():
            if old != src_part:
                self.write_part(new, src.read_part(old))
            content_type = src.content_type(old)
            if content_type is not None:
                ext = old.rsplit(".", 1)[-1]
                if src._has_default(ext, content_type) and new.rsplit(".", 1)[-1] == ext:
                    self._ensure_default(ext, content_type)
                else:
                    self._set_override(new, content_type)
            rels = src._rels(old)
            if rels is not None:
                rels = copy.deepcopy(rels)
                for rel in rels:
                    if rel.get("TargetMode") != "External":
                        target = _resolve(old, rel.get("Target", ""))
                        if target in mapping:
                            rel.set("Target", _relative(new, mapping[target]))
                self._new_xml(_rels_path(new), rels)
        self._set_override(new_sheet_part, CT_WORKSHEET)

        # 4. The worksheet XML: styles remapped, shared strings inlined.
        self._new_xml(new_sheet_part, self._transplant_sheet_xml(src, src_part))

        # 5. The workbook: sheet entry, tab position, defined names.
        sheets_el = _child(self._workbook, "sheets")
        assert sheets_el is not None
        if existing is None:
            rid = self._add_rel(self.workbook_part, RT_WORKSHEET, new_sheet_part)
            ids = [int(s.get("sheetId", "0")) for s in self._sheet_elements()]
            sheet_el = etree.Element(_M + "sheet")
            sheet_el.set("name", sheet_name)
            sheet_el.set("sheetId", str(max([0, *ids]) + 1))
            sheet_el.set(_R + "id", rid)
            count = len(self._sheet_elements())
            index = count if position is None else max(0, min(position, count))
            if index < count:
                self._sheet_elements()[index].addprevious(sheet_el)
                self._shift_sheet_indices(index)
            else:
                sheets_el.append(sheet_el)
        index = self.sheet_names().index(sheet_name)
        self._copy_defined_names(src, src_index, index)
        self._mark_dirty(self.workbook_part)
        if state is not None:
            self.set_sheet_state(sheet_name, state)
        self._cells_changed = True
        self._remove_orphans(orphan_candidates)

    def _sync_filter_name(self, sheet_name: str, last_row: int) -> None:
        """Keep the hidden `_xlnm._FilterDatabase` name of a sheet on its filter's rows."""
        names = _child(self._workbook, "definedNames")
        if names is None or sheet_name not in self.sheet_names():
            return
        index = str(self.sheet_names().index(sheet_name))
        for dn in names:
            if dn.get("name") == "_xlnm._FilterDatabase" and dn.get("localSheetId") == index:
                text = dn.text or ""
                new = re.sub(r"(:\$?[A-Za-z]{1,3}\$?)\d+$", rf"\g<1>{last_row}", text)
                if new != text:
                    dn.text = new
                    self._mark_dirty(self.workbook_part)

    def _has_default(self, ext: str, content_type: str) -> bool:
        for el in self._content_types():
            if (
                _local(el) == "Default"
                and el.get("Extension", "").lower() == ext.lower()
                and el.get("ContentType") == content_type
            ):
                return True
        return False

    def _shift_sheet_indices(self, index: int) -> None:
        """A sheet was inserted at tab `index`: shift indices that point at or after it."""
        names = _child(self._workbook, "definedNames")
        if names is not None:
            for dn in names:
                local = dn.get("localSheetId")
                if local is not None and int(local) >= index:
                    dn.set("localSheetId", str(int(local) + 1))
        views = _child(self._workbook, "bookViews")
        if views is not None:
            for view in views:
                for attr in ("activeTab", "firstSheet"):
                    value = view.get(attr)
                    if value is not None and int(value) >= index:
                        view.set(attr, str(int(value) + 1))

    def _copy_defined_names(self, src: XlsxPackage, src_index: int, index: int) -> None:
        wb = self._workbook
        names = _child(wb, "definedNames")
        if names is not None:
            for dn in list(names):
                if dn.get("localSheetId") == str(index) and dn.get("name", "").startswith("_xlnm."):
                    names.remove(dn)
        src_names = _child(src._workbook, "definedNames")
        carried = [
            dn for dn in ([] if src_names is None else src_names)
            if _local(dn) == "definedName" and dn.get("localSheetId") == str(src_index)
        ]
        if not carried:
            if names is not None and len(names) == 0:
                wb.remove(names)
            return
        if names is None:
            names = etree.Element(_M + "definedNames")
            _insert_ordered(wb, names, _WB_ORDER)
        for dn in carried:
            for existing in list(names):
                if existing.get("name") == dn.get("name") and existing.get(
                    "localSheetId"
                ) == str(index):
                    names.remove(existing)
            new = copy.deepcopy(dn)
            new.set("localSheetId", str(index))
            names.append(new)

    def _transplant_sheet_xml(self, src: XlsxPackage, src_part: str) -> etree._Element:
        root = copy.deepcopy(src._xml(src_part))
        styles = self._styles()
        src_styles = src._styles()
        xf_map: dict[int, int] = {}
        dxf_map: dict[int, int] = {}
        sst = src._shared_strings()
        for el in root.iter():
            name = _local(el)
            if name == "c":
                if el.get("s") is not None:
                    el.set("s", str(styles.import_xf(src_styles, int(el.get("s", "0")), xf_map)))
                if el.get("t") == "s":
                    v = _child(el, "v")
                    text = sst[int(v.text or "0")] if v is not None else ""
                    for child in list(el):
                        if _local(child) in ("v", "is"):
                            el.remove(child)
                    el.set("t", "inlineStr")
                    is_el = etree.Element(_M + "is")
                    t_el = etree.SubElement(is_el, _M + "t")
                    t_el.set(f"{{{NS_XML}}}space", "preserve")
                    t_el.text = text
                    el.insert(0, is_el)
            elif name == "row" and el.get("s") is not None:
                el.set("s", str(styles.import_xf(src_styles, int(el.get("s", "0")), xf_map)))
            elif name == "col" and el.get("style") is not None:
                el.set("style", str(styles.import_xf(src_styles, int(el.get("style", "0")), xf_map)))
            elif name == "cfRule" and el.get("dxfId") is not None:
                el.set("dxfId", str(styles.import_dxf(src_styles, int(el.get("dxfId", "0")), dxf_map)))
            elif name == "sheetView":
                el.attrib.pop("tabSelected", None)
        return root
