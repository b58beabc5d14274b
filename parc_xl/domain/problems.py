"""Problems found in a user's file, as data (frictionless-style records).

Every check yields `Problem`s; jobs collect them into their result instead of raising
past the user. Messages are plain Vietnamese saying what is wrong and how to fix it.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Severity(StrEnum):
    ERROR = "error"  # Lỗi: blocks the file / row
    WARNING = "warning"  # Cảnh báo: informs

    @property
    def label_vi(self) -> str:
        return "Lỗi" if self is Severity.ERROR else "Cảnh báo"


class Problem(BaseModel):
    code: str  # stable slug, e.g. "date-month-first"
    severity: Severity
    message: str  # Vietnamese, for the clerk
    file: str = ""
    sheet: str = ""
    cell: str = ""  # A1 style, "" when the problem is about the whole file
    task_key: str = ""
    value: str | None = None  # the offending input, as text

    def __str__(self) -> str:
        where = " ".join(p for p in (self.sheet, self.cell) if p)
        prefix = f"{self.severity.label_vi} [{self.code}]"
        return f"{prefix} {where}: {self.message}" if where else f"{prefix}: {self.message}"


def error(code: str, message: str, **where: str | None) -> Problem:
    return Problem(code=code, severity=Severity.ERROR, message=message, **where)


def warning(code: str, message: str, **where: str | None) -> Problem:
    return Problem(code=code, severity=Severity.WARNING, message=message, **where)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
