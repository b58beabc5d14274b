"""Text that a spreadsheet would take for a formula (PRODUCT.md "never let a file do harm").

Excel, LibreOffice and openpyxl read a typed or written cell as a formula (or a DDE
call) when its text starts with one of these characters (OWASP "CSV injection"). The
one list for the whole project: writers store such text as a text cell with Excel's
quote prefix (so F2+Enter does not revive it), the validation of a return warns about it.
"""

from __future__ import annotations

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would take `text` for a formula (its first character)."""
    return text.startswith(FORMULA_TRIGGERS)
