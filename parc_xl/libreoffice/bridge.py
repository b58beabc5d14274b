"""`parc_xl.excel.bridge.Bridge` over LibreOffice's UNO API: what the ribbon handlers ask of
the spreadsheet program, answered by Calc. A book is a Calc document model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from parc_xl.excel.bridge import Answer, Style
from parc_xl.libreoffice.dialogs import Dialogs

# Calc's filter for .xlsx; a master is always saved back in the format it came in
XLSX_FILTER = "Calc MS Excel 2007 XML"


def _props(**values: Any) -> tuple[Any, ...]:
    from com.sun.star.beans import PropertyValue

    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


class UnoBridge:
    def __init__(self, ctx: Any, frame: Any, dialogs: Dialogs) -> None:
        self.ctx = ctx
        self.frame = frame
        self.dialogs = dialogs
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self._indicator: Any = None
        self._hidden = False  # reopen as the book was opened (the test opens it hidden)

    def caller(self) -> Any:
        model = self.frame.getController().getModel() if self.frame is not None else None
        if model is None or not model.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            return None
        return model

    def path(self, book: Any) -> Path | None:
        import uno

        url = book.getURL() if book is not None else ""
        if not url.startswith("file:"):
            return None
        return Path(uno.fileUrlToSystemPath(url))

    def is_dirty(self, book: Any) -> bool:
        return bool(book.isModified())

    def save(self, book: Any) -> None:
        book.store()

    def close(self, book: Any) -> None:
        self._hidden = any(a.Name == "Hidden" and a.Value for a in book.getArgs())
        self.end_status()
        book.close(True)

    def open(self, path: Path) -> Any:
        import uno

        url = uno.systemPathToFileUrl(str(Path(path).resolve()))
        for doc in self._documents():
            if doc.getURL() == url:
                return doc
        book = self.desktop.loadComponentFromURL(url, "_blank", 0, _props(Hidden=self._hidden))
        controller = book.getCurrentController()
        self.frame = controller.getFrame() if controller is not None else self.frame
        return book

    def _documents(self) -> list[Any]:
        found = []
        components = self.desktop.getComponents().createEnumeration()
        while components.hasMoreElements():
            doc = components.nextElement()
            if hasattr(doc, "getURL"):
                found.append(doc)
        return found

    def alert(self, text: str, style: Style = "info", buttons: Literal["ok", "yes_no"] = "ok") -> Answer:
        return self.dialogs.message(text, style, buttons)

    def ask(self, prompt: str, default: str = "") -> str | None:
        return self.dialogs.ask(prompt, default)

    def status(self, text: str | None) -> None:
        if text is None:
            self.end_status()
            return
        if self.frame is None:
            return
        self.end_status()
        self._indicator = self.frame.createStatusIndicator()
        self._indicator.start(text, 0)

    def end_status(self) -> None:
        if self._indicator is not None:
            try:
                self._indicator.end()
            except Exception:  # noqa: BLE001 - the frame may be gone with the closed book
                pass
            self._indicator = None

    def sheet_names(self, book: Any) -> list[str]:
        return list(book.getSheets().getElementNames())

    def write_sheet(self, book: Any, name: str, rows: Sequence[Sequence[Any]]) -> None:
        sheets = book.getSheets()
        if sheets.hasByName(name):
            sheets.removeByName(name)
        sheets.insertNewByName(name, sheets.getCount())
        sheet = sheets.getByName(name)
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        data = tuple(tuple("" if v is None else (v if isinstance(v, (int, float)) else str(v)) for v in
                           list(r) + [None] * (width - len(r))) for r in rows)
        target = sheet.getCellRangeByPosition(0, 0, width - 1, len(data) - 1)
        target.setDataArray(data)
        header = sheet.getCellRangeByPosition(0, 0, width - 1, 0)
        header.CharWeight = 150.0  # com.sun.star.awt.FontWeight.BOLD
        sheet.getColumns().OptimalWidth = True
        self.activate(book, name)

    def activate(self, book: Any, sheet: str) -> None:
        controller = book.getCurrentController()
        if controller is not None and book.getSheets().hasByName(sheet):
            controller.setActiveSheet(book.getSheets().getByName(sheet))
