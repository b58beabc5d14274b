"""Transplanting a sheet from a freshly written workbook (the dashboard openpyxl
builds) into the clerk's master: parts renamed, relationships and content types
copied, styles merged, shared strings inlined, defined names carried over; the old
sheet's parts that nothing references any more removed."""

from __future__ import annotations

import copy
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from parc_xl.errors import InputError
from parc_xl.io.ooxml.base import (
    _M,
    _R,
    _WB_ORDER,
    CT_WORKSHEET,
    NS_XML,
    RT_WORKSHEET,
    _child,
    _insert_ordered,
    _local,
    _relative,
    _rels_path,
    _resolve,
)

if TYPE_CHECKING:
    from parc_xl.io.ooxml.package import XlsxPackage


def _fresh_name(pkg: XlsxPackage, name: str, taken: set[str]) -> str:
    """`name` if free, else the same folder/stem with the smallest free number."""
    if name not in pkg._entries and name not in taken:
        return name
    folder, base = posixpath.split(name)
    stem, dot, ext = base.partition(".")
    stem = stem.rstrip("0123456789")
    n = 1
    while True:
        candidate = posixpath.join(folder, f"{stem}{n}{dot}{ext}")
        if candidate not in pkg._entries and candidate not in taken:
            return candidate
        n += 1


def _source_of_rels(pkg: XlsxPackage, rels_name: str) -> str:
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _internal_targets(pkg: XlsxPackage, rels_name: str, source: str) -> list[str]:
    """The parts the relationships part `rels_name` (of part `source`) points at inside the package."""
    return [_resolve(source, rel.get("Target", "")) for rel in pkg._xml(rels_name)
            if rel.get("TargetMode") != "External"]


def _referenced_parts(pkg: XlsxPackage) -> set[str]:
    found: set[str] = set()
    for name in pkg._order:
        if name.endswith(".rels"):
            found.update(_internal_targets(pkg, name, _source_of_rels(pkg, name)))
    return found


def _remove_orphans(pkg: XlsxPackage, candidates: list[str]) -> None:
    """Delete `candidates` (and what only they reference) that nothing references."""
    todo = list(candidates)
    while todo:
        referenced = _referenced_parts(pkg)
        orphans = [p for p in todo if p in pkg._entries and p not in referenced]
        if not orphans:
            return
        todo = []
        for part in orphans:
            rels_name = _rels_path(part)
            if rels_name in pkg._entries:
                todo.extend(_internal_targets(pkg, rels_name, part))
                pkg.delete_part(rels_name)
            pkg.delete_part(part)
            pkg._remove_override(part)


def replace_sheet_from(
    pkg: XlsxPackage,
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
    src = type(pkg).open(source_xlsx)
    src_part = src._sheet_map().get(sheet_name)
    if src_part is None:
        raise InputError(f"Sổ {Path(source_xlsx).name} không có trang tính “{sheet_name}”.")
    src_index = src.sheet_names().index(sheet_name)
    existing = pkg._sheet_map().get(sheet_name)
    if existing is not None and pkg.content_type(existing) != CT_WORKSHEET:
        raise InputError(
            f"Trang “{sheet_name}” của sổ {pkg.path.name} không phải là trang tính dữ liệu; "
            "không thể thay thế."
        )

    mapping = _name_parts(pkg, src, src_part, existing)
    new_sheet_part = mapping[src_part]
    orphan_candidates = [] if existing is None else _detach_sheet(pkg, sheet_name, existing)
    _copy_parts(pkg, src, mapping, src_part)
    pkg._set_override(new_sheet_part, CT_WORKSHEET)
    # the worksheet XML itself: styles remapped, shared strings inlined
    pkg._new_xml(new_sheet_part, _transplant_sheet_xml(pkg, src, src_part))
    if existing is None:
        _add_sheet_entry(pkg, sheet_name, new_sheet_part, position)
    index = pkg.sheet_names().index(sheet_name)
    _copy_defined_names(pkg, src, src_index, index)
    pkg._mark_dirty(pkg.workbook_part)
    if state is not None:
        pkg.set_sheet_state(sheet_name, state)
    pkg._cells_changed = True
    _remove_orphans(pkg, orphan_candidates)


def _name_parts(pkg: XlsxPackage, src: XlsxPackage, src_part: str, existing: str | None) -> dict[str, str]:
    """Source part → its name in `pkg`, for the source sheet (the replaced sheet's own part
    name, or a fresh one) and every part reachable from it (fresh names)."""
    taken: set[str] = set()
    new_sheet_part = existing if existing is not None else _fresh_name(pkg, "xl/worksheets/sheet1.xml", taken)
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
                mapping[target] = _fresh_name(pkg, target, taken)
                taken.add(mapping[target])
                queue.append(target)
    return mapping


def _detach_sheet(pkg: XlsxPackage, sheet_name: str, existing: str) -> list[str]:
    """Drop the replaced sheet's relationships; returns the parts they pointed at, which
    are removed at the end if nothing else references them."""
    candidates: list[str] = []
    old_rels = _rels_path(existing)
    if old_rels in pkg._entries:
        candidates = _internal_targets(pkg, old_rels, existing)
        pkg.delete_part(old_rels)
    pkg._sheets.pop(sheet_name, None)
    return candidates


def _copy_parts(pkg: XlsxPackage, src: XlsxPackage, mapping: dict[str, str], src_part: str) -> None:
    """Copy every mapped part (the sheet itself is rewritten by the caller), its content
    type and its relationships, targets renamed."""
    for old, new in mapping.items():
        if old != src_part:
            pkg.write_part(new, src.read_part(old))
        content_type = src.content_type(old)
        if content_type is not None:
            ext = old.rsplit(".", 1)[-1]
            if src._has_default(ext, content_type) and new.rsplit(".", 1)[-1] == ext:
                pkg._ensure_default(ext, content_type)
            else:
                pkg._set_override(new, content_type)
        rels = src._rels(old)
        if rels is not None:
            rels = copy.deepcopy(rels)
            for rel in rels:
                if rel.get("TargetMode") != "External":
                    target = _resolve(old, rel.get("Target", ""))
                    if target in mapping:
                        rel.set("Target", _relative(new, mapping[target]))
            pkg._new_xml(_rels_path(new), rels)


def _add_sheet_entry(pkg: XlsxPackage, sheet_name: str, part: str, position: int | None) -> None:
    """A new sheet's `<sheet>` in the workbook, at tab `position` (the end when None)."""
    sheets_el = _child(pkg._workbook, "sheets")
    assert sheets_el is not None
    rid = pkg._add_rel(pkg.workbook_part, RT_WORKSHEET, part)
    ids = [int(s.get("sheetId", "0")) for s in pkg._sheet_elements()]
    sheet_el = etree.Element(_M + "sheet")
    sheet_el.set("name", sheet_name)
    sheet_el.set("sheetId", str(max([0, *ids]) + 1))
    sheet_el.set(_R + "id", rid)
    count = len(pkg._sheet_elements())
    index = count if position is None else max(0, min(position, count))
    if index < count:
        pkg._sheet_elements()[index].addprevious(sheet_el)
        _shift_sheet_indices(pkg, index)
    else:
        sheets_el.append(sheet_el)


def _shift_sheet_indices(pkg: XlsxPackage, index: int) -> None:
    """A sheet was inserted at tab `index`: shift indices that point at or after it."""
    names = _child(pkg._workbook, "definedNames")
    if names is not None:
        for dn in names:
            local = dn.get("localSheetId")
            if local is not None and int(local) >= index:
                dn.set("localSheetId", str(int(local) + 1))
    views = _child(pkg._workbook, "bookViews")
    if views is not None:
        for view in views:
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value is not None and int(value) >= index:
                    view.set(attr, str(int(value) + 1))


def _copy_defined_names(pkg: XlsxPackage, src: XlsxPackage, src_index: int, index: int) -> None:
    wb = pkg._workbook
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


def _transplant_sheet_xml(pkg: XlsxPackage, src: XlsxPackage, src_part: str) -> etree._Element:
    root = copy.deepcopy(src._xml(src_part))
    styles = pkg._styles()
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
