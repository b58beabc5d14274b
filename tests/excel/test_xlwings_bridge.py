"""The real `XlwingsBridge`, driven against a stand-in `xlwings` module (App/Book/Sheet
with the attributes the bridge touches) and a stubbed `user32.MessageBoxW`, so every
message-box and input-box path runs here without Excel."""

from __future__ import annotations

import ctypes
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from parc_xl.excel import bridge as b


class _Api:
    def __init__(self, app: _App) -> None:
        self._app = app
        self.Saved = True
        self.closed_with: bool | None = None

    def InputBox(self, prompt: str, title: str, default: str, Type: int) -> Any:  # noqa: N802,N803 - COM names
        self._app.input_calls.append((prompt, title, default, Type))
        return self._app.input_answer

    def Close(self, SaveChanges: bool) -> None:  # noqa: N802,N803 - COM names
        self.closed_with = SaveChanges


class _Sheet:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: dict[str, Any] = {}
        self.active = False

    def clear(self) -> None:
        self.cells.clear()

    def __getitem__(self, addr: str) -> Any:
        sheet = self

        class _Range:
            font = types.SimpleNamespace(bold=False)

            @property
            def value(self) -> Any:
                return sheet.cells.get(addr)

            @value.setter
            def value(self, v: Any) -> None:
                sheet.cells[addr] = v

            def expand(self, how: str) -> Any:
                return self

        return _Range()

    def autofit(self, axis: str) -> None: ...

    def activate(self) -> None:
        self.active = True


class _Sheets(list):  # type: ignore[type-arg]
    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)

    def add(self, name: str, after: Any) -> _Sheet:
        sheet = _Sheet(name)
        self.insert(self.index(after) + 1, sheet)
        return sheet


class _Book:
    def __init__(self, app: _App, fullname: str) -> None:
        self.app = app
        self.fullname = fullname
        self.api = _Api(app)
        self.sheets = _Sheets([_Sheet("Theo dõi")])
        self.saved = 0

    def save(self) -> None:
        self.saved += 1


class _App:
    def __init__(self) -> None:
        self.hwnd = 4242
        self.status_bar: Any = None
        self.input_calls: list[tuple[str, str, str, int]] = []
        self.input_answer: Any = "2026"
        self.opened: list[str] = []
        self.api = _Api(self)
        self.books = types.SimpleNamespace(open=self._open)

    def _open(self, path: str) -> _Book:
        self.opened.append(path)
        return _Book(self, path)


@pytest.fixture
def excel(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    app = _App()
    caller = _Book(app, r"C:\Users\Lan\Documents\SoTongHop.xlsx")
    xw = types.ModuleType("xlwings")
    xw.Book = types.SimpleNamespace(caller=lambda: caller)  # type: ignore[attr-defined]
    xw.apps = types.SimpleNamespace(active=app)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xlwings", xw)
    boxes: list[tuple[int, str, str, int]] = []
    answer = {"code": 1}

    def message_box(hwnd: int, text: str, title: str, flags: int) -> int:
        boxes.append((hwnd, text, title, flags))
        return answer["code"]

    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(user32=types.SimpleNamespace(MessageBoxW=message_box)),
                        raising=False)
    return {"app": app, "caller": caller, "boxes": boxes, "answer": answer, "bridge": b.XlwingsBridge()}


@pytest.mark.parametrize(("style", "icon"), [("info", 0x40), ("warning", 0x30), ("critical", 0x10)])
def test_alert_ok_shows_the_text_with_its_icon_over_excel(excel: dict[str, Any], style: b.Style, icon: int) -> None:
    bridge: b.XlwingsBridge = excel["bridge"]
    bridge.caller()
    assert bridge.alert("Đã tổng hợp 12 tệp.", style) == "ok"
    hwnd, text, title, flags = excel["boxes"][-1]
    assert (hwnd, text, title) == (4242, "Đã tổng hợp 12 tệp.", "CCHC")
    assert flags & 0xF == 0x0 and flags & 0xF0 == icon and flags & 0x40000  # OK only, icon, topmost


@pytest.mark.parametrize(("code", "answer"), [(6, "yes"), (7, "no"), (2, "no")])
def test_alert_yes_no_maps_the_button_pressed(excel: dict[str, Any], code: int, answer: str) -> None:
    bridge: b.XlwingsBridge = excel["bridge"]
    excel["answer"]["code"] = code
    assert bridge.alert("Lưu sổ rồi tiếp tục?", "warning", buttons="yes_no") == answer
    assert excel["boxes"][-1][3] & 0xF == 0x4  # MB_YESNO


def test_alert_without_caller_uses_the_active_excel(excel: dict[str, Any]) -> None:
    excel["bridge"].alert("x")
    assert excel["boxes"][-1][0] == 4242


def test_ask_returns_text_or_none_when_cancelled(excel: dict[str, Any]) -> None:
    bridge: b.XlwingsBridge = excel["bridge"]
    app: _App = excel["app"]
    assert bridge.ask("Năm kế hoạch?", "2026") == "2026"
    assert app.input_calls[-1] == ("Năm kế hoạch?", "CCHC", "2026", 2)
    app.input_answer = False  # Excel's InputBox returns False on Cancel
    assert bridge.ask("Năm kế hoạch?") is None


def test_book_paths_saving_closing_and_status(excel: dict[str, Any]) -> None:
    bridge: b.XlwingsBridge = excel["bridge"]
    book = bridge.caller()
    assert bridge.path(book) == Path(r"C:\Users\Lan\Documents\SoTongHop.xlsx")
    assert bridge.path(types.SimpleNamespace(fullname="Book1")) is None
    assert bridge.path(types.SimpleNamespace(fullname="https://x.sharepoint.com/a.xlsx")) is None
    assert not bridge.is_dirty(book)
    book.api.Saved = False
    assert bridge.is_dirty(book)
    bridge.save(book)
    bridge.close(book)
    assert book.saved == 1 and book.api.closed_with is False
    again = bridge.open(Path("/m/SoTongHop.xlsx"))
    assert excel["app"].opened == [str(Path("/m/SoTongHop.xlsx"))] and again.fullname.endswith("SoTongHop.xlsx")
    bridge.status("Đang tổng hợp…")
    assert excel["app"].status_bar == "Đang tổng hợp…"
    bridge.status(None)
    assert excel["app"].status_bar is False


def test_write_sheet_creates_then_replaces_and_activates(excel: dict[str, Any]) -> None:
    bridge: b.XlwingsBridge = excel["bridge"]
    book = bridge.caller()
    bridge.write_sheet(book, "Kết quả kiểm tra", [("Tệp", "Lỗi"), ("a.xlsx", 2)])
    assert bridge.sheet_names(book) == ["Theo dõi", "Kết quả kiểm tra"]
    sheet = book.sheets["Kết quả kiểm tra"]
    assert sheet.cells["A1"] == [["Tệp", "Lỗi"], ["a.xlsx", 2]] and sheet.active
    bridge.write_sheet(book, "Kết quả kiểm tra", [("Tệp", "Lỗi")])
    assert bridge.sheet_names(book) == ["Theo dõi", "Kết quả kiểm tra"]
    assert sheet.cells["A1"] == [["Tệp", "Lỗi"]]
    bridge.activate(book, "Theo dõi")
    assert book.sheets["Theo dõi"].active
