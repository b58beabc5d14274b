"""The add-in's own settings sheet "parc_xl.conf", which xlwings reads through Excel.

Why a sheet and not xlwings' file `%USERPROFILE%\\.parc_xl\\parc_xl.conf`: xlwings' VBA finds
that file with `Environ`, `Dir` and `Open`, which convert to the ANSI code page, so with a
Vietnamese Windows user name (C:\\Users\\Nguyễn) the file is never found. A sheet of the add-in
itself is read through the Excel object model (Unicode). xlwings' `GetConfig` looks at the
add-in's sheet `<PROJECT_NAME>.conf` (column A the key, column B the value, from A1 down)
before any file; the build turns off the layers that read settings from the *active*
workbook or its folder (see build.xlwings_module), so a received return cannot set them.

The values themselves still travel through ANSI VBA calls: xlwings checks the interpreter
with `GetAttr` and writes its error log to `TEMP DIR` with `Open`/`Kill`. So a path that the
ANSI code page cannot spell is replaced by its 8.3 short form (ASCII), and TEMP by a folder
under C:\\Users\\Public when even that fails.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from xml.sax.saxutils import escape

SHEET_NAME = "parc_xl.conf"
SHEET_PART = "xl/worksheets/sheet1.xml"
# The sheet the Excel-authored template calls "Sheet1" (its code name stays Sheet1).
TEMPLATE_SHEET_NAME = "Sheet1"
FALLBACK_TEMP = r"C:\Users\Public\parc-xl-tmp"

# Never taken from the folder of the master: a stray openpyxl.py beside it would shadow
# the real package (xlwings puts that folder first on sys.path otherwise).
BUILD_SETTINGS: tuple[tuple[str, str], ...] = (("ADD_WORKBOOK_TO_PYTHONPATH", "False"),)

_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetPr codeName="Sheet1"/><dimension ref="{ref}"/>'
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="14.5"/><cols><col min="1" max="1" width="32" customWidth="1"/>'
    '<col min="2" max="2" width="80" customWidth="1"/></cols><sheetData>'
)
_SHEET_TAIL = (
    '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    "</worksheet>"
)


def sheet_xml(settings: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> bytes:
    """The settings sheet: one row per (key, value), inline strings, keys in column A."""
    rows = []
    for n, (key, value) in enumerate(settings, start=1):
        rows.append(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
            f'<c r="B{n}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c></row>'
        )
    ref = f"A1:B{len(rows)}" if rows else "A1"
    return (_SHEET_HEAD.format(ref=ref) + "".join(rows) + _SHEET_TAIL).encode("utf-8")


def renamed(part: bytes) -> bytes:
    """workbook.xml / docProps/app.xml with the template's sheet name replaced by ours."""
    for old, new in ((f'name="{TEMPLATE_SHEET_NAME}"', f'name="{SHEET_NAME}"'),
                     (f"<vt:lpstr>{TEMPLATE_SHEET_NAME}</vt:lpstr>", f"<vt:lpstr>{SHEET_NAME}</vt:lpstr>")):
        part = part.replace(old.encode(), new.encode())
    return part


def ansi_encoding(platform: str = sys.platform) -> str:
    """The Windows ANSI code page ('mbcs' on Windows itself; cp1252 when tested elsewhere)."""
    return "mbcs" if platform == "win32" and sys.platform == "win32" else "cp1252"


def ansi_spellable(path: str, encoding: str) -> bool:
    try:
        path.encode(encoding, errors="strict")
    except UnicodeEncodeError:
        return False
    return True


def windows_short_path(path: str) -> str:
    """The 8.3 form of an existing path (GetShortPathNameW); the path itself when the
    volume keeps no short names or the call fails."""
    if sys.platform != "win32":
        return path
    import ctypes

    size = ctypes.windll.kernel32.GetShortPathNameW(path, None, 0)
    if size == 0:
        return path
    buf = ctypes.create_unicode_buffer(size)
    if ctypes.windll.kernel32.GetShortPathNameW(path, buf, size) == 0:
        return path
    return buf.value


def vba_safe_path(path: str, encoding: str, short_path: Callable[[str], str] = windows_short_path) -> str | None:
    """`path` as xlwings' ANSI VBA calls can use it: itself, else its short form; None when
    neither can be spelled in the ANSI code page."""
    if ansi_spellable(path, encoding):
        return path
    short = short_path(path)
    if ansi_spellable(short, encoding):
        return short
    return None


def install_settings(
    interpreter: str,
    temp: str,
    encoding: str,
    short_path: Callable[[str], str] = windows_short_path,
) -> tuple[list[tuple[str, str]], list[str]]:
    """(rows for the settings sheet, Vietnamese notes for the clerk).

    Raises ValueError with a Vietnamese message when the interpreter's path has no form the
    ANSI code page can spell (Python must then be installed into a plain folder)."""
    python = vba_safe_path(interpreter, encoding, short_path)
    if python is None:
        raise ValueError(
            f"Đường dẫn Python {interpreter} có ký tự mà Excel không đọc được và ổ đĩa không có tên ngắn (8.3) "
            "cho nó. Hãy cài Python vào thư mục không dấu (ví dụ C:\\Python311) rồi chạy lại."
        )
    settings = [*BUILD_SETTINGS, ("INTERPRETER_WIN", python)]
    notes = []
    if python != interpreter:
        notes.append(f"Đường dẫn Python có dấu tiếng Việt: Excel sẽ dùng tên ngắn {python}.")
    temp_dir = vba_safe_path(temp, encoding, short_path)
    if temp_dir is None:
        temp_dir = FALLBACK_TEMP
    if temp_dir != temp:
        settings.append(("TEMP DIR", temp_dir))
        notes.append(f"Thư mục tạm {temp} có dấu tiếng Việt: Excel sẽ ghi tệp tạm vào {temp_dir}.")
    return settings, notes

