"""What every job shares: the result base, atomic file replacement, backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field

from parc_xl.domain.problems import Problem, Severity

from parc_xl.domain.record import Record
from parc_xl.io.safe_copy import ARCHIVE_DIR, BACKUP_DIR, TMP_PREFIX, replace_whole

__all__ = ["ARCHIVE_DIR", "BACKUP_DIR", "JobResult", "backup", "ensure_writable", "write_atomically"]


class JobResult(Record):
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
    or cannot be written; nothing is touched. The same check the package layer makes
    before it saves (`io.ooxml.zipio.check_writable`), made early."""
    from parc_xl.io.ooxml.zipio import check_writable

    check_writable(Path(path))


def backup(path: Path) -> Path | None:
    """Copy the current file to `<folder>/sao_luu/` before it is replaced."""
    from parc_xl.io.ooxml import backup_copy

    return backup_copy(path, path.parent / BACKUP_DIR) if path.exists() else None


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` then replace `path` by it; on any failure `path` is untouched
    (`io.safe_copy.replace_whole`; the leftover of a killed import is `.~parc_tmp.<name>.*`)."""
    replace_whole(path, write, prefix=f"{TMP_PREFIX}{path.name}.", suffix=path.suffix)
