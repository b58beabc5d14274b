"""Screen a returned workbook's package BEFORE any reader allocates for it (issue 13 item 1).

A unit's return is read by python-calamine, a native library that sizes its buffers from
what the file declares: a 15 KB file with one cell at XFD1048576 makes it ask for the
whole 1,048,576 × 16,384 grid (≈550 GB, then abort), a `sharedStrings` part claiming
4·10^9 strings ≈96 GB. So every limit is checked here first, from what costs nothing to
read, and the file is refused with one record when it breaks one:

- the file on disk (`check_size`, a `stat`: a sparse 4 GB file is never read or hashed);
- the zip central directory (`open_package`): entry count, declared sizes (total, and
  the ratio of each large entry), the "encrypted" flag, names that differ only in case;
- each part this module reads (`read_part`): bounded, its CRC checked by zipfile as it
  is read (only what is read anyway: no second pass over every entry), no DTD (entity
  bombs, external entities; OPC forbids DTDs);
- each worksheet a reader will load (io/unit_scan.py, with `declared_extent` and
  `has_dtd` from here): no DTD, the declared `<dimension>` and the last `<row>` first,
  then one parse that stops at the first row or column past the limits (MAX_ROWS ×
  MAX_COLS, the documented size of a unit's sheet, README «Giới hạn»);
- the shared-string table's declared counts (`check_shared_strings`, its first bytes).

Refusals are `InputError`s carrying one `Problem`: `too-large` (a documented limit),
`package-unsafe` (a structure no spreadsheet program writes), `package-damaged` (the
file is broken), `encrypted`, `not-xlsx`, `xls-format`, `file-missing`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from parc_xl.domain.problems import CATALOGUE, error
from parc_xl.errors import InputError
from parc_xl.io.ooxml import col_number

MAX_FILE_BYTES = 20 * 1024 * 1024  # the .xlsx on disk
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # all zip entries together
MAX_RATIO = 200  # uncompressed / compressed, for entries above 1 MiB
MAX_ENTRIES = 1000  # zip entries (a unit's return has about 12; with pictures a few dozen)
MAX_ROWS = 5000  # rows of a worksheet
MAX_COLS = 100  # columns of a worksheet (the unit sheet has 14)
MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
MAX_SHARED_STRINGS = 5_000_000  # declared `count` of the shared-string table

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_RETRY = ("Đề nghị đơn vị mở mẫu đã được gửi bằng Excel, điền và lưu lại dạng .xlsx (Tệp › Lưu thành) "
          "rồi gửi lại.")


def n_vi(n: int) -> str:
    """An integer as Vietnamese text writes it: 32.767 (dot between thousands)."""
    return f"{n:,}".replace(",", ".")


def refusal(path: Path, code: str, message: str) -> InputError:
    """The InputError that refuses `path`, with its one record."""
    return InputError(message, [error(code, message, file=path.name)])


def damaged(path: Path, what: str) -> InputError:
    return refusal(path, "package-damaged", f"Tệp «{path.name}» bị hỏng ({what}), không đọc được. {_RETRY}")


def unsafe(path: Path, what: str) -> InputError:
    return refusal(path, "package-unsafe", f"Tệp «{path.name}» có cấu trúc bất thường ({what}) mà Excel không "
                   f"bao giờ tạo ra; tệp không được đọc để bảo vệ máy tổng hợp. {_RETRY}")


def check_size(path: Path) -> int:
    """The file's size in bytes, or the refusal when it is missing or too large (a
    `stat`, nothing read: done before hashing)."""
    path = Path(path)
    if not path.is_file():
        raise refusal(path, "file-missing", CATALOGUE["file-missing"].message(file=path.name))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refusal(path, "too-large", f"Tệp «{path.name}» quá lớn ({n_vi(round(size / 1048576))} MB; tối đa "
                      f"{MAX_FILE_BYTES // 1048576} MB) nên không được đọc. Tệp báo cáo của đơn vị thường chỉ "
                      "vài chục KB; đề nghị đơn vị gửi lại đúng tệp mẫu đã điền.")
    return size


def open_package(path: Path) -> zipfile.ZipFile:
    """The package opened after its central directory passed every limit; InputError
    otherwise (not a file, .xls, OLE-encrypted, too large, zip bomb, encrypted entries)."""
    path = Path(path)
    check_size(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        import olefile  # a runtime dependency: its absence must fail, not read as "not encrypted"

        try:
            with olefile.OleFileIO(str(path)) as ole:
                encrypted = bool(ole.exists("EncryptedPackage"))
        except (OSError, ValueError):  # olefile: not OLE2 (OSError), garbled header (ValueError)
            encrypted = False
        if encrypted:
            raise refusal(path, "encrypted", CATALOGUE["encrypted"].message(file=path.name))
        raise refusal(path, "xls-format", CATALOGUE["xls-format"].message(file=path.name))
    if head[:2] != b"PK":
        raise refusal(path, "not-xlsx", f"Tệp «{path.name}» không phải là sổ Excel .xlsx.")
    declared = _declared_entries(path)
    if declared > MAX_ENTRIES:  # before zipfile builds one object per entry (20,000 cost 0.5 s)
        raise unsafe(path, f"{n_vi(declared)} thành phần nén, tối đa {n_vi(MAX_ENTRIES)}")
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise refusal(path, "not-xlsx", f"Tệp «{path.name}» bị hỏng hoặc không phải là sổ Excel .xlsx.") from exc
    try:
        _check_directory(path, infos)
    except InputError:
        zf.close()
        raise
    if "xl/workbook.xml" not in zf.namelist():
        zf.close()
        raise refusal(path, "not-xlsx", f"Tệp «{path.name}» không phải là sổ Excel .xlsx.")
    return zf


def _declared_entries(path: Path) -> int:
    """The entry count the end-of-central-directory record declares (0 when not found or
    ZIP64: zipfile's own listing is then checked)."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 65_557))  # the record (22 bytes) and a comment of at most 65,535
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return 0
    total = int.from_bytes(tail[at + 10:at + 12], "little")
    return 0 if total == 0xFFFF else total


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise unsafe(path, f"{n_vi(len(infos))} thành phần nén, tối đa {n_vi(MAX_ENTRIES)}")
    if any(i.flag_bits & 0x1 for i in infos):
        raise refusal(path, "encrypted", f"Tệp «{path.name}» được nén kèm mật khẩu (kiểu tệp zip), không phải "
                      f"sổ Excel bình thường. {_RETRY}")
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > 1048576 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES or bomb:
        raise refusal(path, "too-large", f"Tệp «{path.name}» chứa dữ liệu quá lớn khi giải nén (vượt giới hạn "
                      f"{MAX_UNCOMPRESSED_BYTES // 1048576} MB hoặc tỷ lệ nén bất thường); tệp bị từ chối.")
    names = [i.filename for i in infos if not i.is_dir()]
    if len({n.lower() for n in names}) != len(names):
        raise unsafe(path, "hai thành phần trùng tên")


def read_part(zf: zipfile.ZipFile, path: Path, name: str, *, xml: bool = True) -> bytes:
    """One part's bytes, bounded; a bad CRC or a broken deflate stream is `package-damaged`,
    a DTD in an XML part `package-unsafe`."""
    try:
        with zf.open(name) as fh:
            data = fh.read(MAX_UNCOMPRESSED_BYTES + 1)
    except KeyError:
        raise damaged(path, f"thiếu thành phần {name}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise damaged(path, f"thành phần {name} hỏng: {_reason(exc)}") from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or an unsupported compression
        raise damaged(path, f"thành phần {name} không giải nén được") from exc
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise refusal(path, "too-large", f"Tệp «{path.name}» chứa dữ liệu quá lớn khi giải nén; tệp bị từ chối.")
    if xml and has_dtd(data):
        raise unsafe(path, f"khai báo DTD trong {name}")
    return data


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return "sai mã kiểm tra CRC" if "CRC" in text else (type(exc).__name__ if not text else text[:80])


def has_dtd(xml: bytes) -> bool:
    """Whether an XML part declares a DTD or entities. OPC (ECMA-376 Part 2, 8.1.4)
    forbids DTDs in a package: only a crafted file has one."""
    # one search for «<!» settles the usual part (none at all); the two names only if found
    return b"<!" in xml and (b"<!DOCTYPE" in xml or b"<!ENTITY" in xml)


_SST_COUNT = re.compile(rb"""\s(unique)?[Cc]ount\s*=\s*["'](\d+)["']""")


def check_shared_strings(zf: zipfile.ZipFile, path: Path, name: str) -> None:
    """The shared-string table's declared `count`/`uniqueCount` against its size: a
    reader reserves room for as many strings as declared. Reads its first 4 KB only."""
    try:
        info = zf.getinfo(name)
        with zf.open(info) as fh:
            head = fh.read(4096)
    except KeyError:
        return
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise damaged(path, f"thành phần {name} hỏng: {_reason(exc)}") from exc
    if has_dtd(head):
        raise unsafe(path, f"khai báo DTD trong {name}")
    end = head.find(b">", head.find(b"sst"))
    for m in _SST_COUNT.finditer(head, 0, end if end > 0 else len(head)):
        n = int(m.group(2))
        limit = info.file_size // 4 + 1 if m.group(1) else MAX_SHARED_STRINGS  # «<si/>» is 5 bytes at least
        if n > limit:
            raise unsafe(path, f"bảng chuỗi khai báo {n_vi(n)} chuỗi")


@dataclass
class SheetScan:
    """What one worksheet's XML says beyond its values."""

    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col) of formula cells
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based
    merged: list[str] = field(default_factory=list)  # "I5:J6"


_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref\s*=\s*["']([A-Za-z]+)?(\d+)?(?::([A-Za-z]+)(\d+))?["']""")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


def too_large_sheet(path: Path, sheet: str, max_row: int, max_col: int) -> InputError:
    return refusal(path, "too-large", f"Sheet «{sheet}» của tệp «{path.name}» có {n_vi(max_row)} dòng, "
                   f"{n_vi(max_col)} cột: vượt giới hạn {n_vi(MAX_ROWS)} dòng, {MAX_COLS} cột của mẫu báo cáo; tệp bị "
                   "từ chối. Đề nghị đơn vị xóa các dòng, cột thừa (hoặc điền lại trên mẫu gốc) rồi gửi lại.")


def declared_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) the sheet declares: its `<dimension>` and its last `<row>`'s number."""
    max_row, max_col = 0, 0
    m = _DIMENSION.search(xml, 0, 4096)
    if m and m.group(4):
        max_row, max_col = int(m.group(4)), col_number(m.group(3).decode().upper())
    tail = max(xml.rfind(b"<row"), xml.rfind(b":row"))
    if tail >= 0:
        close = xml.find(b">", tail)
        rm = _ATTR_R.search(xml, tail, close + 1 if close >= 0 else tail + 200)
        if rm:
            max_row = max(max_row, int(rm.group(1)))
    return max_row, max_col
