"""One writer at a time: the lock file beside a master, and office lock files.

Every job that writes a master (import, merge, status, report, units generate when it
adds the MAC secret) runs inside `master_lock(master, job)`:

- the lock is a file ``.~parc_xl.<name>.lock`` beside the master, created atomically
  (``O_CREAT | O_EXCL``), holding host, process id, user, job and start time (JSON);
- a second job waits a few seconds (``PARC_XL_LOCK_WAIT`` seconds, default 5), then
  refuses with `MasterLockedError` (exit 2) naming the job that holds it;
- a lock left by a process that died on this machine is taken over; a lock from
  another machine, or older than `STALE_AFTER`, is reported with how to remove it;
- the master is fingerprinted (size, mtime, SHA-256) when the lock is taken, and
  `guard_unchanged` refuses to replace it if anything changed it since (decisions and
  writes are made on the same read).

`office_lock_message` tells the clerk which program (Excel's ``~$`` owner file or
LibreOffice's ``.~lock.<name>#``) has the workbook open, and how to remove a stale one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from parc_xl.errors import MasterBusyError

WAIT_ENV = "PARC_XL_LOCK_WAIT"
DEFAULT_WAIT = 5.0  # seconds a second job waits for the first to finish
STALE_AFTER = dt.timedelta(hours=6)  # no job holds a master this long
_FRESH_UNREADABLE = 10.0  # seconds: an empty lock file this young is still being written
_POLL = 0.1


class MasterLockedError(MasterBusyError):
    """Another parc-xl job is writing the master (or left a stale lock); nothing was written."""


class DiskFullError(MasterBusyError):
    """The disk holding the master is full; the master is as it was."""


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class MasterChangedError(MasterBusyError):
    """The master changed on disk after the job read it; nothing was written."""


def lock_path(master: Path) -> Path:
    master = Path(master)
    return master.with_name(f".~parc_xl.{master.name}.lock")


@dataclass
class _Held:
    path: Path
    token: str
    depth: int
    fingerprint: tuple[int, int, str] | None


_held: dict[str, _Held] = {}  # resolved master path → the lock this process holds


def _key(master: Path) -> str:
    return os.path.normcase(str(Path(master).resolve()))


def fingerprint(path: Path) -> tuple[int, int, str] | None:
    """(size, mtime in ns, SHA-256) of `path`, None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return st.st_size, st.st_mtime_ns, digest.hexdigest()


def _wait_seconds(wait: float | None) -> float:
    if wait is not None:
        return wait
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def _age(path: Path) -> float | None:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return None


def _describe(info: dict[str, object] | None) -> str:
    if not info:
        return "một thao tác parc-xl (không đọc được thông tin trong tệp khóa)"
    started = str(info.get("started") or "")
    try:
        when = dt.datetime.fromisoformat(started).strftime("%H:%M:%S ngày %d/%m/%Y")
    except ValueError:
        when = started or "không rõ"
    return (f"thao tác «{info.get('job') or 'không rõ'}» (máy {info.get('host') or 'không rõ'}, "
            f"người dùng {info.get('user') or 'không rõ'}, tiến trình {info.get('pid') or '?'}, "
            f"bắt đầu lúc {when})")


def _removal_hint(lock: Path) -> str:
    return (f"Nếu chắc chắn không còn ai đang chạy parc-xl với sổ này (ví dụ máy đã tắt hoặc chương trình "
            f"bị dừng đột ngột), hãy xóa tệp khóa «{lock.name}» (tệp ẩn) trong thư mục {lock.parent} rồi chạy lại.")


def _try_create(lock: Path, info: dict[str, object]) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    except PermissionError:
        raise MasterBusyError(f"Không có quyền ghi vào thư mục {lock.parent}: không tạo được tệp khóa "
                              f"{lock.name}. Chưa ghi gì.") from None
    try:
        try:
            os.write(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as exc:
        lock.unlink(missing_ok=True)  # never an empty lock left behind (disk full)
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
            raise DiskFullError(f"Ổ đĩa chứa thư mục {lock.parent} đã hết chỗ trống; chưa ghi gì. "
                                "Hãy giải phóng ổ đĩa rồi chạy lại.") from None
        raise
    return True


def _break_if_dead(lock: Path, seen: dict[str, object]) -> bool:
    """Remove `lock` when it still holds `seen` (a dead process of this host). A second
    file taken with O_EXCL makes sure two jobs never both break it and then delete each
    other's fresh lock."""
    breaker = lock.with_name(lock.name + ".break")
    try:
        fd = os.open(breaker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        age = _age(breaker)
        if age is not None and age > 30:  # a breaker killed mid-break
            breaker.unlink(missing_ok=True)
        return False
    os.close(fd)
    try:
        if _read(lock) == seen:
            lock.unlink(missing_ok=True)
            return True
        return False
    finally:
        breaker.unlink(missing_ok=True)


@contextlib.contextmanager
def master_lock(master: Path, job: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the master's writer lock for the body (re-entrant within one process)."""
    master = Path(master)
    key = _key(master)
    held = _held.get(key)
    if held is not None:
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
        return
    lock = lock_path(master)
    token = uuid.uuid4().hex
    try:
        user = os.getlogin()
    except OSError:
        user = os.environ.get("USERNAME") or os.environ.get("USER") or ""
    info: dict[str, object] = {"host": socket.gethostname(), "pid": os.getpid(), "user": user, "job": job,
                               "started": dt.datetime.now().replace(microsecond=0).isoformat(),
                               "token": token}
    deadline = time.monotonic() + _wait_seconds(wait)
    while not _try_create(lock, info):
        other = _read(lock)
        age = _age(lock)
        if other is None:
            if age is None:
                continue  # removed meanwhile: try again at once
            if age > _FRESH_UNREADABLE:
                raise MasterLockedError(
                    f"Sổ theo dõi {master.name} có tệp khóa {lock.name} không đọc được (có từ "
                    f"{age / 60:.0f} phút trước). " + _removal_hint(lock))
        else:
            same_host = other.get("host") == info["host"]
            pid = other.get("pid")
            if same_host and isinstance(pid, int) and not _pid_alive(pid):
                _break_if_dead(lock, other)
                continue
            if age is not None and age > STALE_AFTER.total_seconds():
                raise MasterLockedError(
                    f"Sổ theo dõi {master.name} có tệp khóa {lock.name} từ {age / 3600:.0f} giờ trước, của "
                    f"{_describe(other)}; có thể đó là khóa cũ còn lại. Chưa ghi gì. " + _removal_hint(lock))
        if time.monotonic() >= deadline:
            raise MasterLockedError(
                f"Sổ theo dõi {master.name} đang được ghi bởi {_describe(other)}. Hãy đợi thao tác đó xong "
                f"rồi chạy lại; chưa ghi gì. " + _removal_hint(lock))
        time.sleep(_POLL)
    _held[key] = _Held(path=lock, token=token, depth=1, fingerprint=fingerprint(master))
    from parc_xl.io.safe_copy import remove_master_leftovers

    remove_master_leftovers(master)  # what a writer killed mid-save left: only the lock holder may
    try:
        yield
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            raise DiskFullError(
                f"Ổ đĩa chứa sổ theo dõi {master.name} đã hết chỗ trống; sổ vẫn như trước khi chạy (các tệp dở "
                "dang đã được xóa). Hãy giải phóng ổ đĩa rồi chạy lại.") from None
        raise
    finally:
        _held.pop(key, None)
        current = _read(lock)
        if current is not None and current.get("token") == token:
            lock.unlink(missing_ok=True)


def guard_unchanged(master: Path) -> None:
    """Refuse (MasterChangedError) when the master is not what it was when this process
    took its lock: someone (Excel, a copy from another machine) replaced it meanwhile."""
    held = _held.get(_key(master))
    if held is None:
        return
    if fingerprint(Path(master)) != held.fingerprint:
        raise MasterChangedError(
            f"Sổ theo dõi {Path(master).name} đã bị thay đổi bởi chương trình khác trong lúc parc-xl đang làm "
            "việc; để không ghi đè thay đổi đó, chưa ghi gì. Hãy đóng các chương trình đang mở sổ rồi chạy lại.")


def note_written(master: Path) -> None:
    """After this process replaced the master: the new file is the one to guard."""
    held = _held.get(_key(master))
    if held is not None:
        held.fingerprint = fingerprint(Path(master))


# --- the office programs' own lock files -----------------------------------------------
def _excel_owner(data: bytes) -> str:
    """The user name in Excel's ``~$`` owner file: a length byte and the name in the
    ANSI code page, then (Office 2007+) a 2-byte length and the name in UTF-16 at 54."""
    if len(data) >= 56:
        n = int.from_bytes(data[54:56], "little")
        raw = data[56:56 + 2 * n]
        if 0 < n <= 200 and len(raw) == 2 * n:
            with contextlib.suppress(UnicodeDecodeError):
                return raw.decode("utf-16-le").strip()
    if len(data) >= 54:  # the owner file is 162/165 bytes; anything shorter is not Excel's
        n = data[0]
        with contextlib.suppress(UnicodeDecodeError):
            return data[1:1 + n].decode("cp1258").strip()
    return ""


def office_lock_message(master: Path, lock: Path) -> str:
    """Vietnamese: which program has `master` open (from its lock file `lock`), what to
    do, and how to remove the lock file when the program is already closed."""
    master, lock = Path(master), Path(lock)
    try:
        data = lock.read_bytes()[:4096]
    except OSError:
        data = b""
    if lock.name.startswith(".~lock."):
        # LibreOffice: "<mark>,<user>,<host>,<dd.mm.yyyy hh:mm>,<profile url>;"
        parts = data.decode("utf-8", "replace").split(",")
        user = parts[1].strip() if len(parts) > 1 else ""
        host = parts[2].strip() if len(parts) > 2 else ""
        when = parts[3].strip() if len(parts) > 3 else ""
        who = ", ".join(x for x in (f"người dùng {user}" if user else "", f"máy {host}" if host else "",
                                    f"từ {when}" if when else "") if x)
        return (f"Sổ theo dõi {master.name} đang mở trong LibreOffice" + (f" ({who})" if who else "")
                + ". Hãy lưu và đóng tệp trong LibreOffice rồi chạy lại; parc-xl không ghi đè tệp đang mở. "
                f"Nếu LibreOffice đã đóng mà vẫn báo (máy tắt đột ngột), hãy xóa tệp khóa «{lock.name}» "
                f"(tệp ẩn) trong thư mục {lock.parent}.")
    owner = _excel_owner(data)
    return (f"Sổ theo dõi {master.name} đang mở trong Excel" + (f" (người dùng {owner})" if owner else "")
            + ". Hãy lưu và đóng tệp trong Excel rồi chạy lại; parc-xl không ghi đè tệp đang mở. "
            f"Nếu Excel đã đóng mà vẫn báo (máy tắt đột ngột), hãy xóa tệp «{lock.name}» (tệp ẩn) "
            f"trong thư mục {lock.parent}.")


def save_guarded(pkg: object, master: Path, backup_dir: Path) -> Path | None:
    """`pkg.save(master, backup_dir=…)` (an `XlsxPackage`) once `guard_unchanged` passed;
    the saved master becomes the one guarded next. Returns the backup's path."""
    guard_unchanged(master)
    saved = pkg.save(master, backup_dir=backup_dir)  # type: ignore[attr-defined]
    note_written(master)
    return Path(saved) if isinstance(saved, (str, Path)) else None
