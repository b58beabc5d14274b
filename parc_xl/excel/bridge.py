"""The only module that talks to Excel: every xlwings call the handlers need, behind a
small interface (`Bridge`) that tests replace with a recording fake.

A book is an opaque handle (`Any`): an `xlwings.Book` here, whatever the fake likes in
tests. Windows-only calls (message boxes with buttons, InputBox) go through the COM
object `app.api`; the ribbon exists only in Excel for Windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

Answer = Literal["ok", "yes", "no", "cancel"]
Style = Literal["info", "warning", "critical"]

TITLE = "CCHC"

# MessageBoxW flags and return codes (winuser.h); MB_TOPMOST keeps the box above Excel.
_VB_OK_ONLY = 0x0
_VB_YES_NO = 0x4
_VB_YES = 6
_MB_TOPMOST = 0x40000
_STYLE: dict[str, int] = {
    "info": 0x40 | _MB_TOPMOST,  # MB_ICONINFORMATION
    "warning": 0x30 | _MB_TOPMOST,  # MB_ICONWARNING
    "critical": 0x10 | _MB_TOPMOST,  # MB_ICONERROR
}


class Bridge(Protocol):
    """What a ribbon handler may ask of Excel."""

    def caller(self) -> Any:
        """The workbook the button was clicked in."""

    def path(self, book: Any) -> Path | None:
        """Full path of the book's file; None if it was never saved (Book1) or lives online."""

    def is_dirty(self, book: Any) -> bool:
        """True when the book has changes not yet saved."""

    def save(self, book: Any) -> None: ...

    def close(self, book: Any) -> None:
        """Close without saving (the caller has saved first)."""

    def open(self, path: Path) -> Any:
        """Open a workbook in the running Excel and return it."""

    def alert(self, text: str, style: Style = "info", buttons: Literal["ok", "yes_no"] = "ok") -> Answer:
        """A modal message box; "yes"/"no" for yes_no, otherwise "ok"."""

    def ask(self, prompt: str, default: str = "") -> str | None:
        """A one-line input box; None when cancelled."""

    def status(self, text: str | None) -> None:
        """Excel's status bar; None gives it back to Excel."""

    def sheet_names(self, book: Any) -> list[str]: ...

    def write_sheet(self, book: Any, name: str, rows: Sequence[Sequence[Any]]) -> None:
        """Replace (or create, last) sheet `name` with `rows`; row 1 is a bold header."""

    def activate(self, book: Any, sheet: str) -> None: ...


class XlwingsBridge:
    """The real bridge (needs Excel; not exercised by the test suite)."""

    def __init__(self) -> None:
        import xlwings as xw

        self._xw = xw
        self._app_ref: Any = None

    def caller(self) -> Any:
        book = self._xw.Book.caller()
        self._app_ref = book.app  # kept: the book itself may be closed and reopened
        return book

    @property
    def _app(self) -> Any:
        if self._app_ref is None:
            self._app_ref = self._xw.apps.active
        return self._app_ref

    def path(self, book: Any) -> Path | None:
        full = str(book.fullname)
        if "://" in full or ("\\" not in full and "/" not in full):
            return None
        return Path(full)

    def is_dirty(self, book: Any) -> bool:
        return not bool(book.api.Saved)

    def save(self, book: Any) -> None:
        book.save()

    def close(self, book: Any) -> None:
        book.api.Close(SaveChanges=False)

    def open(self, path: Path) -> Any:
        return self._app.books.open(str(path))

    def alert(self, text: str, style: Style = "info", buttons: Literal["ok", "yes_no"] = "ok") -> Answer:
        flags = (_VB_YES_NO if buttons == "yes_no" else _VB_OK_ONLY) | _STYLE[style]
        result = self._msgbox(text, flags)
        if buttons == "yes_no":
            return "yes" if result == _VB_YES else "no"
        return "ok"

    def _msgbox(self, text: str, flags: int) -> int:
        import ctypes

        hwnd = int(self._app.hwnd)
        return int(ctypes.windll.user32.MessageBoxW(hwnd, text, TITLE, flags))  # type: ignore[attr-defined]

    def ask(self, prompt: str, default: str = "") -> str | None:
        answer = self._app.api.InputBox(prompt, TITLE, default, Type=2)
        return None if answer is False else str(answer)

    def status(self, text: str | None) -> None:
        self._app.status_bar = text if text is not None else False

    def sheet_names(self, book: Any) -> list[str]:
        return [s.name for s in book.sheets]

    def write_sheet(self, book: Any, name: str, rows: Sequence[Sequence[Any]]) -> None:
        names = self.sheet_names(book)
        if name in names:
            sheet = book.sheets[name]
            sheet.clear()
        else:
            sheet = book.sheets.add(name, after=book.sheets[len(names) - 1])
        if rows:
            sheet["A1"].value = [list(r) for r in rows]
            sheet["A1"].expand("right").font.bold = True
            sheet.autofit("c")
        sheet.activate()

    def activate(self, book: Any, sheet: str) -> None:
        book.sheets[sheet].activate()
