"""A stand-in for Excel: records what the clerk would see, behaves like Excel where the
handlers depend on it (an open book holds Excel's `~$` owner file next to it, so a job
that tries to rewrite an open master is refused exactly as on Windows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook


@dataclass
class FakeBook:
    path: Path | None
    dirty: bool = False
    open: bool = True
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)


def owner_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


class FakeBridge:
    def __init__(self, book: FakeBook, answers: Sequence[str | None] = (), yes_no: Sequence[str] = ()) -> None:
        self.book = book
        self.answers = list(answers)  # replies to ask(), in order
        self.yes_no = list(yes_no)  # replies to yes/no alerts, in order
        self.alerts: list[tuple[str, str]] = []  # (style, text)
        self.questions: list[tuple[str, str]] = []  # (prompt, default)
        self.events: list[str] = []  # save / close / open / status / write / activate
        self.status_texts: list[str | None] = []
        self.opened: list[FakeBook] = []
        if book.path is not None and book.open:
            if not book.sheets and book.path.exists():  # as Excel would show the file
                book.sheets = {n: [] for n in CalamineWorkbook.from_path(str(book.path)).sheet_names}
            self._lock(book)

    # Excel's owner file while a book is open
    def _lock(self, book: FakeBook) -> None:
        if book.path is not None and book.path.exists():
            owner_file(book.path).write_text("excel")

    def _unlock(self, book: FakeBook) -> None:
        if book.path is not None:
            owner_file(book.path).unlink(missing_ok=True)

    def caller(self) -> FakeBook:
        return self.book

    def path(self, book: FakeBook) -> Path | None:
        return book.path

    def is_dirty(self, book: FakeBook) -> bool:
        return book.dirty

    def save(self, book: FakeBook) -> None:
        self.events.append("save")
        book.dirty = False

    def close(self, book: FakeBook) -> None:
        assert not book.dirty, "closing a book with unsaved changes would lose work"
        self.events.append("close")
        book.open = False
        self._unlock(book)

    def open(self, path: Path) -> FakeBook:
        self.events.append(f"open {path.name}")
        book = FakeBook(path, sheets={n: [] for n in CalamineWorkbook.from_path(str(path)).sheet_names})
        self._lock(book)
        self.opened.append(book)
        return book

    def alert(self, text: str, style: str = "info", buttons: str = "ok") -> str:
        self.alerts.append((style, text))
        if buttons == "yes_no":
            return self.yes_no.pop(0)
        return "ok"

    def ask(self, prompt: str, default: str = "") -> str | None:
        self.questions.append((prompt, default))
        return self.answers.pop(0)

    def status(self, text: str | None) -> None:
        self.status_texts.append(text)

    def sheet_names(self, book: FakeBook) -> list[str]:
        return list(book.sheets)

    def write_sheet(self, book: FakeBook, name: str, rows: Sequence[Sequence[Any]]) -> None:
        self.events.append(f"write {name}")
        book.sheets[name] = [list(r) for r in rows]
        book.dirty = True

    def activate(self, book: FakeBook, sheet: str) -> None:
        self.events.append(f"activate {sheet}")

    def release(self) -> None:
        """Test teardown: close every book (removes owner files)."""
        for book in [self.book, *self.opened]:
            self._unlock(book)
