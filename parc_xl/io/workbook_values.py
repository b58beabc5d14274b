"""Opening a workbook for value reads (python-calamine), with one Vietnamese message per
way it can fail: absent, password-protected, not a readable .xlsx.

python-calamine raises its own error types for broken files (and new ones across
versions), so the one broad `except` of every calamine reader of a whole file lives here.
The unit-workbook reader (`io/unit_book.py`) still has its own, with its own refusal
records; it moves here in phase 2 of issue 17.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parc_xl.errors import InputError

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook


def open_values(path: Path, what: str = "") -> CalamineWorkbook:
    """The workbook at `path`, opened for values; InputError when it is absent ("Không tìm
    thấy tệp <what>: …"), has a password, or is not an .xlsx calamine can read."""
    from python_calamine import CalamineWorkbook, PasswordError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {what + ': ' if what else ''}{path}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise InputError(f"Tệp {path.name} có mật khẩu; hãy bỏ mật khẩu rồi chạy lại.") from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise InputError(
            f"Không đọc được tệp {path.name}: đây không phải sổ Excel (.xlsx) hoặc tệp đã bị hỏng."
        ) from exc
