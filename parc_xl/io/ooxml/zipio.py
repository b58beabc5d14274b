"""The zip container: entries copied with their compressed bytes, new parts deflated
(in parallel when large), the atomic write (temporary file, fsync, rename), backups and
the lock files of a workbook open in Excel or LibreOffice."""

from __future__ import annotations

import datetime as dt
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parc_xl.errors import InputError, MasterBusyError


# --- Excel lock files ----------------------------------------------------------------
def backup_copy(target: Path, backup_dir: Path) -> Path:
    """Copy `target` to `backup_dir/<stem>_<YYYYmmdd-HHMMSS-ffffff><suffix>` (the sao_luu/
    folder beside a master) and return the copy's path. The copy is atomic: a full disk or
    a killed process never leaves a truncated backup under that name."""
    from parc_xl.io.safe_copy import copy_atomically

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = Path(backup_dir) / f"{target.stem}_{stamp}{target.suffix}"
    return copy_atomically(target, dest)


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

    __slots__ = ("name", "info", "raw", "data", "replaced")

    def __init__(self, name: str, info: zipfile.ZipInfo | None, raw: bytes | None) -> None:
        self.name = name
        self.info = info
        self.raw = raw  # original compressed bytes (untouched entries)
        self.data: bytes | None = None  # new uncompressed content (modified entries)
        # `raw`/`info` are new content given compressed (`set_deflated`), not the file's
        self.replaced = False

    def set_deflated(self, raw: bytes, crc: int, size: int) -> None:
        """New content given already deflated (`StreamDeflater`): saved as it is, read
        back by inflating it; the uncompressed text is never held whole."""
        info = zipfile.ZipInfo(self.name, self.info.date_time if self.info is not None else
                               dt.datetime.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.CRC, info.file_size, info.compress_size = crc, size, len(raw)
        info.external_attr = self.info.external_attr if self.info is not None else 0
        self.info, self.raw, self.data, self.replaced = info, raw, None, True

    def deflated(self) -> bytes:
        """Raw deflate of `data`."""
        assert self.data is not None
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


class StreamDeflater:
    """A part deflated as its text is produced, piece by piece: `_deflate`'s chunks
    (8 MB, level 5, a sync flush between them) compressed on other threads while the
    producer goes on, at most a few chunks in flight. Why: the merge's patched
    `Theo dõi` (≈240 MB at 200,000 rows) was held as pieces and then joined, twice its
    size at the peak; this way only its compressed bytes (≈15 MB) are kept."""

    _IN_FLIGHT = 3

    def __init__(self) -> None:
        self._buf: list[bytes | memoryview] = []
        self._buffered = 0
        self._crc = 0
        self._size = 0
        self._done: list[bytes] = []
        self._pending: list[Any] = []
        self._pool: Any = None

    def write(self, piece: bytes | memoryview) -> None:
        if not piece:
            return
        self._crc = zlib.crc32(piece, self._crc)
        self._size += len(piece)
        self._buf.append(piece)
        self._buffered += len(piece)
        if self._buffered >= _DEFLATE_CHUNK:
            self._submit(False)

    def _submit(self, last: bool) -> None:
        chunk = b"".join(self._buf)
        self._buf, self._buffered = [], 0
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, 4)))
        self._pending.append(self._pool.submit(_deflate_chunk, chunk, last, 5))
        del chunk
        while len(self._pending) > self._IN_FLIGHT:  # the producer waits: memory stays bounded
            self._done.append(self._pending.pop(0).result())

    def finish(self) -> tuple[bytes, int, int]:
        """(raw deflate stream, CRC-32, uncompressed size) of everything written."""
        if self._pool is None:  # a small part: one stream at level 6, as `_deflate` does
            return _deflate_chunk(b"".join(self._buf), True), self._crc, self._size
        self._submit(True)
        try:
            self._done += [f.result() for f in self._pending]
        finally:
            self._pool.shutdown(wait=True)
        self._pending = []
        return b"".join(self._done), self._crc, self._size

    def cancel(self) -> None:
        if self._pool is not None:
            for f in self._pending:
                f.cancel()
            self._pool.shutdown(wait=True)
        self._buf, self._pending, self._done = [], [], []


def _inflate(raw: bytes, info: zipfile.ZipInfo) -> bytes:
    """A deflated entry's content, checked as `ZipFile.read` checks it (size, CRC)."""
    inflater = zlib.decompressobj(-15)
    data = inflater.decompress(raw) + inflater.flush()
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return data


def inflate_pieces(raw: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A deflated entry's content in pieces of ≈8 MB, inflated on another thread (zlib
    releases the GIL) a few pieces ahead of the reader, checked as `ZipFile.read`
    checks it (size, CRC-32: `zipfile.BadZipFile` or `zlib.error` after the last
    piece). Why: the merge patches the 240 MB `Theo dõi` while it is being inflated
    instead of after (≈1 s), and the whole text is never held. Closing the iterator
    early stops the thread."""
    import queue
    import threading

    pieces: queue.Queue[Any] = queue.Queue(maxsize=3)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                pieces.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def inflate() -> None:
        outcome: BaseException | None = RuntimeError("the inflating thread stopped")
        try:
            inflater = zlib.decompressobj(-15)
            crc = size = 0
            view = memoryview(raw)
            step = _DEFLATE_CHUNK // 16  # XML deflates ≈16:1: ≈8 MB out of each step in
            for i in range(0, len(raw), step):
                data: bytes | memoryview = view[i : i + step]
                while data:  # at most 8 MB a piece, however well the part deflated
                    out = inflater.decompress(data, _DEFLATE_CHUNK)
                    data = inflater.unconsumed_tail
                    crc, size = zlib.crc32(out, crc), size + len(out)
                    if out and not put(out):
                        return
            out = inflater.flush()
            crc, size = zlib.crc32(out, crc), size + len(out)
            if size != info.file_size or crc != info.CRC:
                raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
            if out and not put(out):
                return
            outcome = None
        except (zlib.error, zipfile.BadZipFile) as e:
            outcome = e
        finally:
            put(outcome)  # None: the end

    worker = threading.Thread(target=inflate, name="inflate-part", daemon=True)
    worker.start()
    try:
        while True:
            item = pieces.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


_CRC_CHUNK = 16 * 1024 * 1024


def crc_matches(zf: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> bool:
    """Whether an entry's compressed bytes `raw` inflate to its recorded size and CRC-32.
    Streams (16 MB of output at a time), so a 300 MB sheet is never held twice and a
    lying size cannot blow up memory. A fuzzed package (poi/clusterfuzz-*.xlsx) has
    entries whose bytes do not match: copied as they are, they would end up in a file
    that Excel calls damaged."""
    try:
        if info.compress_type == zipfile.ZIP_STORED:
            return len(raw) == info.file_size and zlib.crc32(raw) == info.CRC
        if info.compress_type != zipfile.ZIP_DEFLATED:  # bzip2/lzma: zipfile checks it on read
            with zf.open(info) as fh:
                while fh.read(_CRC_CHUNK):
                    pass
            return True
        inflater = zlib.decompressobj(-15)
        crc, size = 0, 0
        data = inflater.decompress(raw, _CRC_CHUNK)
        while True:
            crc, size = zlib.crc32(data, crc), size + len(data)
            if size > info.file_size:
                return False
            if not inflater.unconsumed_tail:
                break
            data = inflater.decompress(inflater.unconsumed_tail, _CRC_CHUNK)
        tail = inflater.flush()
        crc, size = zlib.crc32(tail, crc), size + len(tail)
        return inflater.eof and size == info.file_size and crc == info.CRC
    except (zlib.error, zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError):
        return False


def xml_prolog_has_doctype(head: bytes, complete: bool) -> bool | None:
    """Whether the XML prolog at the start of `head` holds a `<!DOCTYPE` (OPC forbids
    DTDs: entity bombs, external entities); None when `head` ends inside the prolog and
    more bytes are needed (`complete`: `head` is the whole part). Only the prolog (XML
    declaration, processing instructions, comments, whitespace) is looked at: anything
    else, binary parts included, ends the scan."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a UTF-16 part
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    elif head[:3] == b"\xef\xbb\xbf":
        head = head[3:]
    pos, n = 0, len(head)
    while True:
        while pos < n and head[pos] in b" \t\r\n":
            pos += 1
        if pos >= n:
            return False if complete else None
        if head.startswith(b"<?", pos):
            end, stop = head.find(b"?>", pos + 2), 2
        elif head.startswith(b"<!--", pos):
            end, stop = head.find(b"-->", pos + 4), 3
        elif head[pos : pos + 9].upper() == b"<!DOCTYPE":
            return True
        elif n - pos < 9 and b"<!DOCTYPE".startswith(head[pos:].upper()) and not complete:
            return None
        else:
            return False
        if end < 0:
            return False if complete else None
        pos = end + stop


def has_doctype(zf: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes, limit: int = 1024 * 1024) -> bool:
    """Whether entry `info` (compressed bytes `raw`) starts with a DTD, inflating only its
    first bytes (4 KB, more only while the prolog goes on, at most `limit`). Its CRC-32
    is not checked here (that needs the whole entry: see `crc_matches`)."""
    size = 4096
    while True:
        if info.compress_type == zipfile.ZIP_STORED:
            head = raw[:size]
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            head = zlib.decompressobj(-15).decompress(raw, size)
        else:
            with zf.open(info) as fh:
                head = fh.read(size)
        found = xml_prolog_has_doctype(head, complete=len(head) < size or size >= limit)
        if found is not None:
            return found
        size *= 4


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


def check_writable(target: Path) -> None:
    """MasterBusyError when `target` is open in Excel/LibreOffice or its folder or the file
    is not writable (checked before anything is prepared or written)."""
    lock = xlsx_lock_file(target)
    if lock is not None:  # names Excel or LibreOffice from the lock file, and how to remove a stale one
        from parc_xl.io.master_lock import office_lock_message

        raise MasterBusyError(office_lock_message(target, lock) + " Chưa ghi gì.")
    folder = target.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or (
        target.exists() and not os.access(target, os.W_OK)
    ):
        raise MasterBusyError(
            f"Không ghi được tệp {target.name}: thư mục hoặc tệp đang chỉ đọc. Chưa ghi gì."
        )


def write_atomically(target: Path, entries: list[_Entry], backup_dir: Path | None) -> Path | None:
    """Write `entries` as a zip to `target` atomically (`io.safe_copy.replace_whole`:
    temporary `.<stem>.*.tmp` in the same folder, fsync, `os.replace`, folder fsync); with
    `backup_dir` the current file is first copied there and that copy's path returned. Any
    failure before the rename leaves `target` as it was."""
    from parc_xl.io.safe_copy import replace_whole

    backup: Path | None = None
    if backup_dir is not None and target.exists():
        backup = backup_copy(target, Path(backup_dir))

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            _write_zip(fh, entries)

    try:
        replace_whole(target, write, prefix=f".{target.stem}.", suffix=".tmp")
    except PermissionError:
        raise MasterBusyError(
            f"Không ghi được tệp {target.name} (đang bị khóa hoặc chỉ đọc). Chưa ghi gì."
        ) from None
    return backup
