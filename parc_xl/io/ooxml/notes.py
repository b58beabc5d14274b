"""Cell notes (Excel "Notes", the legacy comments) written into a sheet of the package.

A note is two parts: the text in `xl/commentsN.xml` (what LibreOffice and Excel read) and
a shape in the sheet's VML drawing (where Excel draws the red corner and the pop-up),
tied to the sheet by relationships and, for the drawing, a `<legacyDrawing>` element.

The tool's notes carry the author `parc-xl`: `set_notes` replaces the tool's own notes
in the given columns and never touches a note someone else wrote (a clerk's note on a
cell wins: the tool's note for that cell is not written). A sheet's part is edited as
text when it is not loaded as elements (a 200,000-row `Theo dõi` is never parsed just to
gain one element). A VML drawing that is not well-formed XML (some writers emit HTML-ish
VML) is left as it is: the notes still exist in the comments part.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from parc_xl.io.ooxml.base import _WS_ORDER, NS_MAIN, NS_R, _insert_ordered, split_ref

if TYPE_CHECKING:
    from parc_xl.io.ooxml.package import XlsxPackage

AUTHOR = "parc-xl"
RT_COMMENTS = NS_R + "/comments"
RT_VML = NS_R + "/vmlDrawing"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_M = f"{{{NS_MAIN}}}"
_V, _O, _X = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office", \
    "urn:schemas-microsoft-com:office:excel"
_VML_EMPTY = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype></xml>'
)


def set_notes(pkg: XlsxPackage, sheet_name: str, notes: dict[str, str], columns: set[int]) -> None:
    """Make the tool's notes in `columns` (1-based) of `sheet_name` exactly `notes`
    ({A1 ref: text}); other authors' notes stay. Nothing is created when there is
    nothing to write and nothing of ours to remove."""
    part = pkg._sheet_map().get(sheet_name)
    if part is None:
        return
    found = pkg._related(part, RT_COMMENTS)
    if not found and not notes:
        return
    comments_part = found[0] if found else _new_part(pkg, part, "xl/comments{n}.xml", RT_COMMENTS, CT_COMMENTS,
                                                     b'<comments xmlns="%s"><authors/><commentList/></comments>'
                                                     % NS_MAIN.encode())
    root = pkg._xml(comments_part)
    authors = _child_or_new(root, "authors", 0)
    comment_list = _child_or_new(root, "commentList", 1)
    names = [a.text or "" for a in authors]
    ours = {str(i) for i, name in enumerate(names) if name == AUTHOR}
    removed: set[str] = set()
    taken: set[str] = set()
    for c in list(comment_list):
        ref = c.get("ref", "")
        if c.get("authorId") in ours and split_ref(ref)[1] in columns:
            comment_list.remove(c)
            removed.add(ref)
        else:
            taken.add(ref)
    if AUTHOR not in names:
        etree.SubElement(authors, _M + "author").text = AUTHOR
        names.append(AUTHOR)
    author_id = str(names.index(AUTHOR))
    written: dict[str, str] = {}
    for ref, text in sorted(notes.items(), key=lambda kv: split_ref(kv[0])):
        if ref in taken:
            continue  # someone else's note on that cell: theirs stays
        c = etree.SubElement(comment_list, _M + "comment")
        c.set("ref", ref)
        c.set("authorId", author_id)
        t = etree.SubElement(etree.SubElement(etree.SubElement(c, _M + "text"), _M + "r"), _M + "t")
        t.text = text
        written[ref] = text
    pkg._mark_dirty(comments_part)
    _update_vml(pkg, part, sheet_name, removed, written)


def _child_or_new(root: etree._Element, name: str, index: int) -> etree._Element:
    el = root.find(_M + name)
    if el is None:
        el = etree.Element(_M + name)
        root.insert(index, el)
    return el


def _new_part(pkg: XlsxPackage, sheet_part: str, pattern: str, rel_type: str, content_type: str,
              data: bytes) -> str:
    n = 1
    while pattern.format(n=n) in pkg._entries:
        n += 1
    name = pattern.format(n=n)
    pkg.write_part(name, data)
    pkg._add_rel(sheet_part, rel_type, name)
    if name.endswith(".vml"):
        pkg._ensure_default("vml", content_type)
    else:
        pkg._set_override(name, content_type)
    return name


def _update_vml(pkg: XlsxPackage, sheet_part: str, sheet_name: str, removed: set[str],
                written: dict[str, str]) -> None:
    found = pkg._related(sheet_part, RT_VML)
    if not found and not written:
        return
    if found:
        vml_part = found[0]
        try:
            root = etree.fromstring(pkg.read_part(vml_part), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            return  # not XML we can edit safely: the comments part still holds the notes
    else:
        vml_part = _new_part(pkg, sheet_part, "xl/drawings/vmlDrawing{n}.vml", RT_VML, CT_VML, _VML_EMPTY.encode())
        root = etree.fromstring(_VML_EMPTY.encode())
        _add_legacy_drawing(pkg, sheet_part, sheet_name, vml_part)
    gone = {split_ref(r) for r in removed} | {split_ref(r) for r in written}
    for shape in list(root.iter(f"{{{_V}}}shape")):
        data = shape.find(f"{{{_X}}}ClientData")
        if data is None or data.get("ObjectType") != "Note":
            continue
        row, col = data.findtext(f"{{{_X}}}Row"), data.findtext(f"{{{_X}}}Column")
        if row is not None and col is not None and row.isdigit() and col.isdigit() \
                and (int(row) + 1, int(col) + 1) in gone:
            shape.getparent().remove(shape)
    ids = [int(m) for m in re.findall(r"_x0000_s(\d+)", etree.tostring(root).decode())]
    next_id = max([1024, *ids]) + 1
    for ref, _text in written.items():
        r, c = split_ref(ref)
        root.append(_shape(next_id, r - 1, c - 1))
        next_id += 1
    pkg.write_part(vml_part, etree.tostring(root))


def _shape(shape_id: int, row0: int, col0: int) -> etree._Element:
    shape = etree.Element(f"{{{_V}}}shape", nsmap={"v": _V, "o": _O, "x": _X})
    shape.set("id", f"_x0000_s{shape_id}")
    shape.set("type", "#_x0000_t202")
    shape.set("style", "position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:180pt;height:60pt;"
                       "z-index:1;visibility:hidden")
    shape.set("fillcolor", "#ffffe1")
    shape.set(f"{{{_O}}}insetmode", "auto")
    etree.SubElement(shape, f"{{{_V}}}fill").set("color2", "#ffffe1")
    etree.SubElement(shape, f"{{{_V}}}shadow", on="t", color="black", obscured="t")
    etree.SubElement(shape, f"{{{_V}}}path").set(f"{{{_O}}}connecttype", "none")
    box = etree.SubElement(shape, f"{{{_V}}}textbox")
    box.set("style", "mso-direction-alt:auto")
    etree.SubElement(box, "div").set("style", "text-align:left")
    data = etree.SubElement(shape, f"{{{_X}}}ClientData", ObjectType="Note")
    etree.SubElement(data, f"{{{_X}}}MoveWithCells")
    etree.SubElement(data, f"{{{_X}}}SizeWithCells")
    etree.SubElement(data, f"{{{_X}}}Anchor").text = f"{col0 + 1}, 15, {row0}, 2, {col0 + 4}, 15, {row0 + 4}, 16"
    etree.SubElement(data, f"{{{_X}}}AutoFill").text = "False"
    etree.SubElement(data, f"{{{_X}}}Row").text = str(row0)
    etree.SubElement(data, f"{{{_X}}}Column").text = str(col0)
    return shape


_AFTER_LEGACY = [b"<legacyDrawingHF", b"<drawingHF", b"<picture", b"<oleObjects", b"<controls",
                 b"<webPublishItems", b"<tableParts", b"<extLst", b"</worksheet>"]


def _add_legacy_drawing(pkg: XlsxPackage, sheet_part: str, sheet_name: str, vml_part: str) -> None:
    """`<legacyDrawing r:id>` in the sheet, at its place in the schema order."""
    rels = pkg._rels(sheet_part)
    assert rels is not None
    rid = next(r.get("Id", "") for r in rels if r.get("Type") == RT_VML)
    if sheet_name in pkg._sheets:  # already loaded as elements: edit the tree
        sheet = pkg.sheet(sheet_name)
        el = etree.Element(_M + "legacyDrawing")
        el.set(f"{{{NS_R}}}id", rid)
        _insert_ordered(sheet.root, el, _WS_ORDER)
        sheet._touch()
        return
    xml = pkg.read_part(sheet_part)
    if re.search(rb"<\w+:worksheet[\s>]", xml[:2000]) or b"<legacyDrawing" in xml:
        el_sheet = pkg.sheet(sheet_name)  # a prefixed main namespace: the element path spells it right
        el = etree.Element(_M + "legacyDrawing")
        el.set(f"{{{NS_R}}}id", rid)
        _insert_ordered(el_sheet.root, el, _WS_ORDER)
        el_sheet._touch()
        return
    tail = xml.rfind(b"</sheetData>")
    start = tail if tail >= 0 else 0
    at = min((i for i in (xml.find(tag, start) for tag in _AFTER_LEGACY) if i >= 0), default=len(xml))
    element = f'<legacyDrawing xmlns:r="{NS_R}" r:id="{rid}"/>'.encode()
    pkg.write_part(sheet_part, xml[:at] + element + xml[at:])
