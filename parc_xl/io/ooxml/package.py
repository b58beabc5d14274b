"""The package: an .xlsx/.xlsm held in memory, its parts, relationships, content types
and sheet map; edits dispatched to the text or element path; saved atomically."""

from __future__ import annotations

import io
import re
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from parc_xl.errors import InputError
from parc_xl.io.ooxml.base import (
    _CT,
    _M,
    _PARSER,
    _PR,
    _WB_ORDER,
    MAX_ENTRIES,
    MAX_UNCOMPRESSED_BYTES,
    NS_PKG_REL,
    RT_CALCCHAIN,
    RT_SHARED_STRINGS,
    RT_STYLES,
    CT_STYLES,
    CellValue,
    _child,
    _children,
    _insert_ordered,
    _local,
    _serialize,
    _relative,
    _rels_path,
    _resolve,
    counts_from_1904,
    sheet_parts,
)
from parc_xl.io.ooxml.cells import _rich_text
from parc_xl.io.ooxml.sheet import SheetPart
from parc_xl.io.ooxml.sheet_text import (
    _append_text,
    _TextPatcher,
    extend_autofilter_tail,
    extend_filter_names,
)
from parc_xl.io.ooxml.styles import MINIMAL_STYLES, _Styles
from parc_xl.io.ooxml.transplant import replace_sheet_from
from parc_xl.io.ooxml.zipio import (
    _DEFLATE_CHUNK,
    StreamDeflater,
    _Entry,
    _inflate,
    _write_zip,
    check_writable,
    crc_matches,
    has_doctype,
    inflate_pieces,
    write_atomically,
)


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
        _refuse_dtds(self)  # before any part is parsed
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()
        self._cells_changed = False
        self._sheets: dict[str, SheetPart] = {}
        self._styles_obj: _Styles | None = None
        self._sst: list[str] | None = None
        self._date1904: bool | None = None
        self._prefetched: dict[str, tuple[bytes, Any]] = {}  # part: (raw, Future of bytes)
        self._verified: set[str] = set()  # entries whose CRC-32 was checked (read, or at save)
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
        names = [i.filename for i in infos if not i.is_dir()]
        if len({n.lower() for n in names}) != len(names):
            # OPC part names are case-insensitive (ECMA-376 Part 2, 6.2.2.3): two entries
            # that differ only in case are one part twice; readers disagree on which wins.
            raise InputError(f"Tệp {path.name} bị hỏng (trùng tên thành phần); đã từ chối.")
        try:
            pkg = cls(path, blob)
            if pkg._workbook.tag != _M + "workbook":
                # Strict OOXML, or a pre-release Excel 2007 namespace (poi/sample-beta.xlsx)
                raise InputError(f"Tệp {path.name} không phải là sổ Excel .xlsx thông dụng "
                                 "(định dạng Strict hoặc bản thử nghiệm); hãy lưu lại dạng .xlsx rồi thử lại.")
            pkg._sheet_map()
        except InputError:
            raise
        except (KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, struct.error):
            raise InputError(f"Tệp {path.name} không phải là sổ Excel hợp lệ.") from None
        return pkg

    def _find_workbook_part(self) -> str:
        if "_rels/.rels" in self._entries:
            rels = self._parse("_rels/.rels")
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
        if entry.replaced:  # new content kept deflated (`set_columns`)
            assert entry.raw is not None and entry.info is not None
            return _inflate(entry.raw, entry.info)
        try:  # both check size and CRC-32: a damaged entry is the user's broken file
            data: bytes = early[1].result() if early is not None and early[0] is entry.raw else self._zip.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            raise InputError(self._damaged_message(name)) from None
        self._verified.add(name)
        return data

    def _damaged_message(self, name: str) -> str:
        return (f"Tệp {self.path.name} bị hỏng (phần {name} không đọc được: dữ liệu nén sai); "
                "hãy mở tệp trong Excel, lưu lại rồi thử lại. Chưa ghi gì.")

    def _verify_copied(self) -> None:
        """Refuse to save a package with a damaged entry (the CRC-32 of its bytes does not
        match): untouched entries are copied compressed, so without this check a fuzzed
        or truncated part would be carried into the saved file. Entries already read were
        checked then; the others are inflated here (streamed, large ones on all cores)."""
        todo = [e for name, e in self._entries.items()
                if e.data is None and e.info is not None and e.raw is not None and name not in self._verified]
        if not todo:
            return
        big = [e for e in todo if e.info is not None and e.info.file_size > 2 * _DEFLATE_CHUNK]
        if len(big) > 1 and (os.cpu_count() or 1) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 2, len(big), 8)) as pool:
                results = dict(zip((e.name for e in big),
                                   pool.map(lambda e: crc_matches(self._zip, e.info, e.raw), big)))
        else:
            results = {}
        for entry in todo:
            assert entry.info is not None and entry.raw is not None
            ok = results.get(entry.name)
            if ok is None:
                ok = crc_matches(self._zip, entry.info, entry.raw)
            if not ok:
                raise InputError(self._damaged_message(entry.name))
            self._verified.add(entry.name)

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
            root = etree.fromstring(self.read_part(name), _PARSER)
        except etree.XMLSyntaxError:
            raise InputError(
                f"Tệp {self.path.name} bị hỏng (phần {name} không đọc được); "
                "hãy mở tệp trong Excel, lưu lại rồi thử lại."
            ) from None
        if root.getroottree().docinfo.doctype:
            # OPC (ECMA-376 Part 2, 8.1.4) forbids DTDs in a package: only a crafted file
            # has one (entity bombs, external entities); Excel refuses it too.
            raise InputError(f"Tệp {self.path.name} có cấu trúc bất thường (khai báo DTD); đã từ chối.")
        return root

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
        targets = [
            _resolve(part, rel.get("Target", ""))
            for rel in rels
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External"
        ]
        return [t for t in targets if t in self._entries]  # a dangling relationship names nothing

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
        sheets = sheet_parts(self._workbook, self._rels(self.workbook_part), self.workbook_part)
        return {name: part for name, part in sheets.items() if part}

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
            if self._patch_deflated(name, part, columns, quote_formula_like):
                return
        sheet = self.sheet(name)
        by_row: dict[int, list[tuple[int, CellValue]]] = {}
        for c, rows in sorted(columns.items()):
            for r, value in rows.items():
                by_row.setdefault(r, []).append((c, value))
        for r in sorted(by_row):
            for c, value in by_row[r]:
                sheet.set_row(r, [value], c, quote_formula_like=quote_formula_like)

    def _patch_deflated(self, name: str, part: str, columns: dict[int, dict[int, CellValue]],
                        quote: bool) -> bool:
        """The text path of `set_columns`: the patched sheet goes straight into a
        `StreamDeflater` (its last piece, from `</sheetData>` on, with the filter
        extended first) and the entry takes the compressed result. False, nothing
        changed, when the element path must do it."""
        entry = self._entries[part]
        info = entry.info
        pieces: Iterable[bytes]
        if (entry.data is None and not entry.replaced and entry.raw is not None and info is not None
                and part not in self._prefetched and info.compress_type == zipfile.ZIP_DEFLATED
                and not info.flag_bits & 0x1 and info.file_size > 2 * _DEFLATE_CHUNK):
            # a large part as it is in the file: patched while it is inflated
            pieces = inflate_pieces(entry.raw, info)
        else:
            pieces = [self.read_part(part)]
        deflater = StreamDeflater()
        held: list[bytes] = []  # the latest piece: the tail is only known to be one at the end

        def sink(piece: bytes) -> None:
            if held:
                deflater.write(held.pop())
            held.append(piece)

        try:
            patched = _TextPatcher(self, quote, sink).patch(pieces, columns)
        except (etree.XMLSyntaxError, ValueError, KeyError, IndexError):
            patched = None  # the element path decides (and reports what is really wrong)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            deflater.cancel()
            raise InputError(self._damaged_message(part)) from None
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()  # the inflating thread, when the patch stopped early
        if patched is None or not held:
            deflater.cancel()
            return False
        del pieces
        last_row = patched[1]
        tail, has_filter = extend_autofilter_tail(held[0], last_row)
        deflater.write(held.pop() if tail is None else tail)
        raw, crc, size = deflater.finish()
        self._entries[part].set_deflated(raw, crc, size)
        self._verified.add(part)
        self._trees.pop(part, None)
        self._dirty.discard(part)
        self._cells_changed = True
        extend_filter_names(self, name, part, last_row, has_filter)
        return True

    def append_rows(
        self,
        name: str,
        rows: Iterable[Sequence[CellValue]],
        *,
        header_row: int = 1,
        quote_formula_like: bool = True,
        heights: Sequence[float | None] | None = None,
    ) -> int:
        """`SheetPart.append_rows` (default style row) on sheet `name`, without loading
        the sheet as elements when it has not been loaded and its last row holds a
        value: the new rows' XML is spliced before `</sheetData>`, the dimension, filter
        and tables extended. Why: after a few merges `Lịch sử` holds 10^5–10^6 rows,
        gigabytes as an lxml tree just to add rows at its end. Returns the first row
        number written. `heights`: one per row (points, None: the default height)."""
        rows = list(rows)
        if heights is not None and len(heights) != len(rows):
            raise ValueError("one height per row")
        part = self._sheet_map().get(name)
        if part is None or part not in self._entries:
            raise InputError(f"Sổ {self.path.name} không có trang tính “{name}”.")
        spliced = None
        if rows and name not in self._sheets and part not in self._trees:
            try:
                spliced = _append_text(self, part, rows, header_row, quote_formula_like, heights)
            except (etree.XMLSyntaxError, ValueError, KeyError, IndexError):
                spliced = None  # the element path decides (and reports what is really wrong)
        if spliced is None:
            return self.sheet(name).append_rows(rows, header_row=header_row,
                                                quote_formula_like=quote_formula_like, heights=heights)
        pieces, first, last = spliced
        del spliced
        # as `_patch_deflated`: the filter extended in the tail, the text deflated as
        # it is streamed (the old sheet and the new one are never both held whole)
        tail, has_filter = extend_autofilter_tail(bytes(pieces[-1]), last)
        if tail is not None:
            pieces[-1] = tail
        deflated = _deflate_pieces(pieces)
        del pieces
        self._entries[part].set_deflated(*deflated)
        self._verified.add(part)
        self._trees.pop(part, None)
        self._dirty.discard(part)
        self._cells_changed = True
        extend_filter_names(self, name, part, last, has_filter)
        return first

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
            self._date1904 = counts_from_1904(self._workbook)
        return self._date1904

    def _styles(self) -> _Styles:
        if self._styles_obj is None:
            parts = self._related(self.workbook_part, RT_STYLES)
            part = parts[0] if parts else self._add_styles_part()
            self._styles_obj = _Styles(self._xml(part), lambda: self._mark_dirty(part))
        return self._styles_obj

    def _add_styles_part(self) -> str:
        """Give a package without a styles part (optional in OPC; Excel opens such files,
        poi/56278.xlsx) a minimal one: the part, the workbook's relationship to it and
        its content type. Written only if the package is saved."""
        taken = {name.lower() for name in self._entries}
        rels = self._rels(self.workbook_part)
        dangling = [_resolve(self.workbook_part, rel.get("Target", "")) for rel in (rels if rels is not None else [])
                    if rel.get("Type") == RT_STYLES and rel.get("TargetMode") != "External"]
        # a relationship to a styles part that is not there (exceljs/test-issue-771.xlsx): fill it in
        part = next((p for p in dangling if p and p.lower() not in taken), "")
        if not part:
            folder = self.workbook_part.rsplit("/", 1)[0] + "/" if "/" in self.workbook_part else ""
            part, n = folder + "styles.xml", 1
            while part.lower() in taken:
                n += 1
                part = f"{folder}styles{n}.xml"
            self._add_rel(self.workbook_part, RT_STYLES, part)
        self._new_xml(part, etree.fromstring(MINIMAL_STYLES, _PARSER))
        self._set_override(part, CT_STYLES)
        return part

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
        self._verify_copied()
        for sheet in self._sheets.values():
            if sheet.part in self._dirty:
                sheet._finalize()
        if self._cells_changed:
            self._drop_calc_chain()
        sheets = {sheet.part: sheet for sheet in self._sheets.values()}
        for name in self._dirty:
            if name in sheets and name in self._entries:
                sheet = sheets[name]
                if sheet.pending_bytes() > 2 * _DEFLATE_CHUNK:
                    # 200,000 history rows appended as text (≈140 MB): deflated as they
                    # are streamed, never joined into one more copy of the sheet
                    self._entries[name].set_deflated(*_deflate_pieces(sheet._serialized_pieces()))
                    self._verified.add(name)
                else:
                    self._entries[name].data = sheet._serialize()
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
        check_writable(target)
        return write_atomically(target, self._prepare(), backup_dir)

    # transplanting a sheet -------------------------------------------------------
    def replace_sheet_from(
        self,
        source_xlsx: Path | str,
        sheet_name: str,
        *,
        position: int | None = None,
        state: str | None = None,
    ) -> None:
        """See `transplant.replace_sheet_from`."""
        replace_sheet_from(self, source_xlsx, sheet_name, position=position, state=state)

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


def _deflate_pieces(pieces: Sequence[bytes | memoryview]) -> tuple[bytes, int, int]:
    """(raw deflate, CRC-32, size) of the concatenated `pieces`, streamed through a
    `StreamDeflater` in chunks of at most `_DEFLATE_CHUNK` (a 200 MB piece is cut, so
    that it is compressed on all cores like any other)."""
    deflater = StreamDeflater()
    for piece in pieces:
        view = memoryview(piece)
        for at in range(0, len(view), _DEFLATE_CHUNK):
            deflater.write(view[at : at + _DEFLATE_CHUNK])
    return deflater.finish()


def _refuse_dtds(pkg: XlsxPackage) -> None:
    """Refuse a package any part of which starts with a DTD, before any part is parsed.
    OPC (ECMA-376 Part 2, 8.1.4) forbids DTDs in a package: only a crafted file has one
    (entity bombs, external entities: poi/poc-xmlbomb.xlsx in the corpus puts one in
    sharedStrings.xml, a part a job may never parse); Excel refuses it too. Only each
    part's first bytes are inflated."""
    try:
        for entry in pkg._entries.values():
            if entry.info is not None and entry.raw is not None and has_doctype(pkg._zip, entry.info, entry.raw):
                raise InputError(f"Tệp {pkg.path.name} có cấu trúc bất thường (khai báo DTD); đã từ chối.")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError):
        raise InputError(f"Tệp {pkg.path.name} bị hỏng, không đọc được.") from None
