"""Outlook .msg files for inbox tests, built here: extract-msg and olefile only read.

A .msg is a Compound File (MS-CFB) holding the message's MAPI properties as MS-OXMSG
lays them out: fixed-size values in `__properties_version1.0`, strings and binaries in
`__substg1.0_<tag>` streams, one `__attach_version1.0_#N` storage per attachment.
`write_cfb` is a minimal, spec-following writer (version 3, 512-byte sectors, a mini
stream for streams under 4,096 bytes, directory trees balanced and all black);
`save_msg` lays out the properties a mail client saves for a received message.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF

Tree = dict[str, "bytes | Tree"]  # storage: name → stream bytes or a sub-storage


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = END, 0


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()  # MS-CFB 2.6.4: shorter names first, then by upper case


def write_cfb(path: Path, tree: Tree) -> Path:
    entries = [_Entry("Root Entry", 5)]

    def add(storage: Tree, parent: _Entry) -> None:
        ids: list[int] = []
        for name in sorted(storage, key=_order):
            value = storage[name]
            e = _Entry(name, 2, value) if isinstance(value, bytes) else _Entry(name, 1)
            entries.append(e)
            ids.append(len(entries) - 1)
            if not isinstance(value, bytes):
                add(value, e)

        def balance(lo: int, hi: int) -> int:
            if lo >= hi:
                return NOSTREAM
            mid = (lo + hi) // 2
            node = entries[ids[mid]]
            node.left, node.right = balance(lo, mid), balance(mid + 1, hi)
            return ids[mid]

        parent.child = balance(0, len(ids))

    add(tree, entries[0])
    sectors: list[bytes] = []
    fat: list[int] = []

    def chain(data: bytes, mark: int | None = None) -> int:
        n = -(-len(data) // SECTOR)
        first = len(sectors)
        for i in range(n):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(mark if mark is not None else (first + i + 1 if i < n - 1 else END))
        return first if n else END

    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind != 2 or not e.data:
            continue
        e.size = len(e.data)
        if e.size < CUTOFF:
            n = -(-e.size // MINI)
            e.start = len(minifat)
            minifat += [e.start + i + 1 if i < n - 1 else END for i in range(n)]
            mini += e.data.ljust(n * MINI, b"\0")
        else:
            e.start = chain(e.data)
    if mini:
        entries[0].start, entries[0].size = chain(bytes(mini)), len(mini)
    minifat_start = chain(b"".join(struct.pack("<I", x) for x in minifat).ljust(
        -(-len(minifat) * 4 // SECTOR) * SECTOR, b"\xff")) if minifat else END
    minifat_sectors = -(-len(minifat) * 4 // SECTOR)
    while len(entries) % 4:
        entries.append(_Entry("", 0))
    directory = b"".join(_dir_entry(e) for e in entries)
    dir_start = chain(directory)
    n_fat = 1
    while n_fat * (SECTOR // 4) < len(sectors) + n_fat:
        n_fat += 1
    assert n_fat <= 109
    fat_start = len(sectors)
    fat += [FATSECT] * n_fat
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", x) for x in fat)
    for i in range(n_fat):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])
    difat = [fat_start + i for i in range(n_fat)] + [FREE] * (109 - n_fat)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF, minifat_start, minifat_sectors, END, 0)
              + b"".join(struct.pack("<I", x) for x in difat))
    assert len(header) == SECTOR
    path.write_bytes(header + b"".join(sectors))
    return path


def _dir_entry(e: _Entry) -> bytes:
    if e.kind == 0:
        return b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 36 \
            + struct.pack("<IQ", 0, 0)
    name = e.name.encode("utf-16-le")
    assert len(name) <= 62
    color = 1  # black
    return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name) + 2, e.kind, color, e.left, e.right, e.child)
            + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", e.start, e.size))


# --- MS-OXMSG --------------------------------------------------------------------------

PT_LONG, PT_TIME, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x0040, 0x001F, 0x0102, 0x000D


def _filetime(when: dt.datetime) -> int:
    utc = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return int((utc - dt.datetime(1601, 1, 1)).total_seconds() * 10_000_000)


def _props(header: bytes, fixed: list[tuple[int, int, int]], variable: list[tuple[int, int, int]]) -> bytes:
    """`__properties_version1.0`: header, then 16-byte entries (tag, flags, value);
    variable-length properties give their size (strings: bytes + 2 for the terminator)."""
    body = b"".join(struct.pack("<IIQ", (pid << 16) | ptype, 6, value) for pid, ptype, value in fixed)
    body += b"".join(struct.pack("<IIII", (pid << 16) | ptype, 6, size, 0) for pid, ptype, size in variable)
    return header + body


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def save_msg(path: Path, sender: str, sent: dt.datetime | None, attachments: list[tuple[str, bytes]],
             *, subject: str = "Báo cáo CCHC", headers: bool = True, sender_name: str = "") -> Path:
    """A received message as Outlook saves it (Tệp › Lưu thành › .msg): sender, subject,
    body, submit and delivery times, the internet headers (when `headers`), attachments."""
    streams: Tree = {}
    variable: list[tuple[int, int, int]] = []

    def string(pid: int, value: str, into: Tree, var: list[tuple[int, int, int]]) -> None:
        data = _text(value)
        into[f"__substg1.0_{pid:04X}001F"] = data
        var.append((pid, PT_UNICODE, len(data) + 2))

    string(0x001A, "IPM.Note", streams, variable)
    string(0x0037, subject, streams, variable)
    string(0x0C1A, sender_name or sender, streams, variable)
    string(0x0C1F, sender, streams, variable)
    string(0x0065, sender, streams, variable)  # sent representing e-mail
    string(0x5D01, sender, streams, variable)  # sender SMTP address
    string(0x1000, "Kính gửi Văn phòng, đơn vị gửi báo cáo.", streams, variable)
    fixed = [(0x0E07, PT_LONG, 1), (0x340D, PT_LONG, 0x00040000), (0x3FFD, PT_LONG, 65001)]
    if sent is not None:
        fixed += [(0x0039, PT_TIME, _filetime(sent)), (0x0E06, PT_TIME, _filetime(sent + dt.timedelta(minutes=1)))]
        if headers:
            from email.utils import format_datetime

            string(0x007D, f"From: {sender}\r\nTo: vanphong@example.gov.vn\r\nSubject: {subject}\r\n"
                   f"Date: {format_datetime(sent)}\r\nMIME-Version: 1.0\r\n\r\n", streams, variable)
    for i, (name, data) in enumerate(attachments):
        att: Tree = {}
        avar: list[tuple[int, int, int]] = []
        string(0x3707, name, att, avar)  # long file name
        string(0x3704, name[:8], att, avar)
        string(0x3001, name, att, avar)  # display name
        string(0x3703, Path(name).suffix, att, avar)
        att["__substg1.0_37010102"] = data
        avar.append((0x3701, PT_BINARY, len(data)))
        att["__properties_version1.0"] = _props(b"\0" * 8, [(0x3705, PT_LONG, 1), (0x0E21, PT_LONG, i),
                                                             (0x370B, PT_LONG, 0xFFFFFFFF)], avar)
        streams[f"__attach_version1.0_#{i:08X}"] = att
    recip: Tree = {}
    rvar: list[tuple[int, int, int]] = []
    string(0x3001, "Văn phòng", recip, rvar)
    string(0x3003, "vanphong@example.gov.vn", recip, rvar)
    recip["__properties_version1.0"] = _props(b"\0" * 8, [(0x0C15, PT_LONG, 1), (0x3000, PT_LONG, 0)], rvar)
    streams["__recip_version1.0_#00000000"] = recip
    streams["__nameid_version1.0"] = {"__substg1.0_00020102": b"", "__substg1.0_00030102": b"",
                                      "__substg1.0_00040102": b""}
    header = struct.pack("<QIIIIQ", 0, 1, len(attachments), 1, len(attachments), 0)
    streams["__properties_version1.0"] = _props(header, fixed, variable)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_cfb(path, streams)
