"""Reading a returned unit workbook (`read_unit_book`): values only, bounded.

- not a zip, an OLE file (.xls, or an encrypted .xlsx: OLE with an `EncryptedPackage`
  stream) → `InputError` with one Problem;
- refused before any reader allocates when the package breaks a limit (file size, zip
  directory, declared and actual rows and columns of every sheet read, shared-string
  counts, DTDs): io/package_guard.py;
- the sheets are found through the package layer's sheet map (`ooxml.base.sheet_parts`);
- calamine gives values, not formulas, hidden rows or merges in a form we can rely on,
  so the `Báo cáo` sheet XML (already size-checked) is parsed once for `<f>` elements of
  cells (formula cells), hidden rows and columns and merged ranges, however the writer
  spelt them (`io/unit_scan.py`);
- the values come from python-calamine through `io/workbook_values.py`; whatever it
  refuses is `package-damaged`;
- the date system (`date1904`) goes with the values: a bare serial in a 1904 workbook
  is a different day.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from parc_xl.domain.text import clean
from parc_xl.errors import InputError
from parc_xl.io import package_guard as guard
from parc_xl.io.ooxml.base import _resolve, counts_from_1904, sheet_parts
from parc_xl.io.unit_book.layout import (
    FORMAT_ID, HEADER_TO_ID, META_KEYS, SHEET_META, SHEET_REPORT, canon, meta_digest,
)
from parc_xl.io.unit_scan import scan_sheet_xml
from parc_xl.io.workbook_values import open_values, sheet_values


@dataclass
class UnitReturn:
    """What a returned unit workbook contains, as read (values only)."""

    path: Path
    sheets: list[str]
    meta: dict[str, str]  # empty when the metadata sheet is absent
    meta_rows: list[tuple[str, str, str]]  # (row key, role, cell hashes) in generated order
    meta_digest: str  # as stored
    header_row: int | None  # 1-based row of the header found, None if not found
    header: list[str]  # header texts as found (cleaned)
    rows: list[tuple[int, list[object]]]  # (1-based row number, values of columns A..)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based
    merged: list[str] = field(default_factory=list)  # "I5:J6"
    has_report_sheet: bool = True
    mac: str = ""  # as stored ("" in workbooks made before the keyed MAC)
    date1904: bool = False  # the workbook counts date serials from 1904 (old Mac Excel)

    @property
    def is_parc_xl(self) -> bool:
        return self.meta.get("format") == FORMAT_ID

    def computed_meta_digest(self) -> str:
        return meta_digest(self.meta, self.meta_rows)


_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
# No entities, no network; guard.read_part has already refused a DTD.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class WorkbookParts:
    sheets: dict[str, str]  # sheet name → zip part path ("" when its relationship is missing)
    shared_strings: str  # "" when the workbook has none
    date1904: bool  # the workbook counts dates from 1904 (`<workbookPr date1904="1"/>`)


def workbook_parts(zf: zipfile.ZipFile, path: Path) -> WorkbookParts:
    """The workbook part and its relationships, read once (through the guard: CRC, no DTD)."""
    try:
        wb = etree.fromstring(guard.read_part(zf, path, _WORKBOOK), _PARSER)
        rels = (etree.fromstring(guard.read_part(zf, path, _WORKBOOK_RELS), _PARSER)
                if _WORKBOOK_RELS in zf.namelist() else None)
    except etree.XMLSyntaxError as exc:
        raise guard.damaged(path, "nội dung XML của sổ không đọc được") from exc
    shared = ""
    for rel in [] if rels is None else rels:
        if rel.get("Type", "").endswith("/sharedStrings"):
            shared = _resolve(_WORKBOOK, rel.get("Target", ""))
    return WorkbookParts(sheets=sheet_parts(wb, rels, _WORKBOOK), shared_strings=shared,
                         date1904=counts_from_1904(wb))


def _text(v: object) -> str:
    return "" if v is None else (v if isinstance(v, str) else canon(v))


def read_unit_book(path: Path) -> UnitReturn:
    """Read a returned unit workbook (values only, bounded); InputError when unusable.

    The package and every sheet python-calamine will load (`Báo cáo`, `_parc_xl`) pass
    io/package_guard.py first; whatever calamine still refuses is `package-damaged`."""
    path = Path(path)
    ret = _scan_package(path)

    def refuse(exc: Exception) -> InputError:
        return guard.damaged(path, f"bộ đọc báo lỗi {type(exc).__name__}")

    wb = open_values(path, refuse=refuse)
    try:
        if SHEET_META in wb.sheet_names:
            _read_meta(ret, sheet_values(wb, SHEET_META, path, refuse=refuse))
        if ret.has_report_sheet and SHEET_REPORT in wb.sheet_names:
            _locate_rows(ret, sheet_values(wb, SHEET_REPORT, path, refuse=refuse))
        else:
            ret.has_report_sheet = False
    finally:
        wb.close()
    return ret


def _scan_package(path: Path) -> UnitReturn:
    """The package checks and the structural scan, before calamine allocates anything."""
    zf = guard.open_package(path)
    try:
        parts = workbook_parts(zf, path)
        ret = UnitReturn(path=path, sheets=list(parts.sheets), meta={}, meta_rows=[], meta_digest="",
                         header_row=None, header=[], rows=[], date1904=parts.date1904)
        if parts.shared_strings:
            guard.check_shared_strings(zf, path, parts.shared_strings)
        # read_part refuses a DTD: the scans need not look again
        meta_part = parts.sheets.get(SHEET_META)
        if meta_part and meta_part in zf.namelist():  # calamine loads it too: same limits (values only)
            scan_sheet_xml(path, guard.read_part(zf, path, meta_part), guard.SheetScan(), SHEET_META,
                           dtd_checked=True, structure=False)
        report_part = parts.sheets.get(SHEET_REPORT)
        if report_part is None or report_part not in zf.namelist():
            ret.has_report_sheet = False
        else:
            scan = scan_sheet_xml(path, guard.read_part(zf, path, report_part), guard.SheetScan(), SHEET_REPORT,
                                  dtd_checked=True)
            ret.formulas, ret.hidden_rows, ret.hidden_cols, ret.merged = (
                scan.formulas, scan.hidden_rows, scan.hidden_cols, scan.merged)
    finally:
        zf.close()
    return ret


def _read_meta(ret: UnitReturn, rows: Sequence[Sequence[object]]) -> None:
    """`_parc_xl`: the `key → value` pairs of columns A:B, the row lines of D:F (text
    cells, as written, taken as they are; any other value through `_text`)."""
    for r in rows:
        if len(r) >= 2:
            k = r[0] if isinstance(r[0], str) else _text(r[0])
            if k == "meta_digest":
                ret.meta_digest = _text(r[1])
            elif k == "mac":
                ret.mac = _text(r[1])
            elif k in META_KEYS:
                ret.meta[k] = _text(r[1])
    lines = ret.meta_rows
    for r in rows[1:]:
        if len(r) >= 6:
            key, role, hashes = r[3], r[4], r[5]
            if key.__class__ is str and role.__class__ is str and hashes.__class__ is str:
                if key:
                    lines.append((key, role, hashes))  # type: ignore[arg-type]
            elif _text(key):
                lines.append((_text(key), _text(role), _text(hashes)))


def _locate_rows(ret: UnitReturn, values: Sequence[Sequence[object]]) -> None:
    """Find the header row (the first row, among the first 15, naming Khóa and Tiến độ)."""
    for i, r in enumerate(values[:15]):
        texts = [clean(_text(v)) for v in r]
        if "Khóa" in texts and "Tiến độ" in texts or sum(t in HEADER_TO_ID for t in texts) >= 6:
            ret.header_row = i + 1
            ret.header = texts
            break
    if ret.header_row is None:
        return
    for i in range(ret.header_row, len(values)):
        r = values[i]
        if r.count("") + r.count(None) < len(r):  # a value that is neither "" nor None
            ret.rows.append((i + 1, list(r)))
