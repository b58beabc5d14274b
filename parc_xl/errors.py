"""The few exceptions that cross layers. Jobs turn them into results; front ends print
`str(exc)`, which is Vietnamese and written for the clerk."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a ribbon click imports this module before any job: no pydantic here
    from parc_xl.domain.problems import Problem


class ParcError(Exception):
    """Base of parc-xl's own errors; `str()` is a Vietnamese sentence for the user."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = problems or []


class InputError(ParcError):
    """Unusable input or arguments: missing file, not a workbook, encrypted (exit 2)."""

    exit_code = 2


class DataError(ParcError):
    """The job ran and found errors in the user's data (exit 1)."""

    exit_code = 1


class MasterBusyError(InputError):
    """The master is open in Excel or not writable; nothing was written."""
