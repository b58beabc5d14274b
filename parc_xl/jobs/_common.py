"""What every job shares: the result base, atomic file replacement, backups."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from parc_xl.domain.problems import Problem, Severity
from parc_xl.errors import MasterBusyError

from parc_xl.io.safe_copy import ARCHIVE_DIR, BACKUP_DIR

__all__ = ["ARCHIVE_DIR", "BACKUP_DIR", "JobResult", "backup", "ensure_writable", "write_atomically"]


class JobResult(BaseModel):
    """Base of every job's result: problems found in the user's data, exit code."""

    problems: list[Problem] = Field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def summary_vi(self) -> str:  # pragma: no cover - every job overrides
        raise NotImplementedError


def ensure_writable(path: Path) -> None:
    """Refuse before any work when the master is open (Excel's or LibreOffice's lock file)
    or cannot be written; nothing is touched."""
    from parc_xl.io.master_lock import office_lock_message
    from parc_xl.io.ooxml import xlsx_lock_file

    lock = xlsx_lock_file(path)
    if lock is not None:  # the message names the program (Excel or LibreOffice) from its lock file
        raise MasterBusyError(office_lock_message(path, lock))
    target_dir = path.parent if path.parent != Path("") else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        raise MasterBusyError(f"Không có quyền ghi tệp {path.name} (tệp chỉ đọc hoặc bị khóa).")
    if not os.access(target_dir, os.W_OK):
        raise MasterBusyError(f"Không có quyền ghi vào thư mục {target_dir}.")


def backup(path: Path) -> Path | None:
    """Copy the current file to `<folder>/sao_luu/` before it is replaced."""
    from parc_xl.io.ooxml import backup_copy

    return backup_copy(path, path.parent / BACKUP_DIR) if path.exists() else None


def _default_mode(path: Path) -> int:
    """The mode `path` should get: its current mode when it exists, else what the folder's
    umask gives a new file (mkstemp makes 0600, which hid the master from colleagues)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` then replace `path` by it; on any failure `path` is untouched.
    The result keeps the old file's permissions, or the umask's for a new file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".~parc_tmp.{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        mode = _default_mode(path)
        write(tmp)
        os.chmod(tmp, mode)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
