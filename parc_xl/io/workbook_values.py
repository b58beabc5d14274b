"""Opening a workbook for value reads (python-calamine), with one Vietnamese message per
way it can fail: absent, password-protected, not a readable .xlsx.

python-calamine raises its own error types for broken files (and new ones across
versions), so the broad `except` of every calamine reader lives here: opening a workbook
(`open_values`) and decoding one of its sheets (`sheet_values`) fail alike. A reader with
its own refusal record (the unit-workbook reader: `package-damaged`) passes `refuse`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parc_xl.errors import InputError

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

#: Makes the refusal of a workbook calamine could not open or decode, from its error.
Refuse = Callable[[Exception], InputError]


def open_values(path: Path, what: str = "", *, refuse: Refuse | None = None) -> CalamineWorkbook:
    """The workbook at `path`, opened for values; InputError when it is absent ("Không tìm
    thấy tệp <what>: …"), has a password, or is not an .xlsx calamine can read (the one
    `refuse` makes, when given)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {what + ': ' if what else ''}{path}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise _unreadable(path, exc, refuse) from exc


def sheet_values(book: CalamineWorkbook, sheet: str, path: Path, *, refuse: Refuse | None = None) -> list[list[Any]]:
    """Every row of `sheet` from A1, empty cells kept; a sheet calamine cannot decode (bad
    CRC, XML, encoding) is refused as `open_values` refuses the workbook."""
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken parts
        raise _unreadable(Path(path), exc, refuse) from exc


def _unreadable(path: Path, exc: Exception, refuse: Refuse | None) -> InputError:
    from python_calamine import PasswordError

    if refuse is not None:
        return refuse(exc)
    if isinstance(exc, PasswordError):
        return InputError(f"Tệp {path.name} có mật khẩu; hãy bỏ mật khẩu rồi chạy lại.")
    return InputError(f"Không đọc được tệp {path.name}: đây không phải sổ Excel (.xlsx) hoặc tệp đã bị hỏng.")


def cell_datetime(v: Any) -> dt.datetime | None:
    """A date-time cell as calamine gives it (datetime, date, an Excel serial when the cell
    lost its date format, or ISO text) → datetime to the nearest second; None otherwise."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 < v < 2958466:
        # 1900 date system (Excel's 1900 leap-year bug makes day 0 = 1899-12-30); rounded to the
        # second so 10:00 stored as 0.41666… is 10:00:00, not 09:59:59.999
        return dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(float(v) * 86400))
    if isinstance(v, str) and v.strip():
        try:
            return dt.datetime.fromisoformat(v.strip())
        except ValueError:
            return None
    return None
