"""The VBA sources in macros/: ASCII only (the VBA editor reads module text in the ANSI
code page), Vietnamese only through VN("\\uXXXX") escapes that decode to proper NFC
text, and constants that agree with the Python package."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

import parc_xl
from parc_xl.addin import build as b

REPO = Path(__file__).resolve().parents[2]
BAS = sorted((REPO / "macros").glob("*.bas"))


def vn(escaped: str) -> str:
    """Port of CchcCore.VN: \\uXXXX -> the character; '""' is VBA's quote in a literal."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), escaped).replace('""', '"')


@pytest.mark.parametrize("path", BAS, ids=lambda p: p.name)
def test_vba_source_is_ascii(path: Path) -> None:
    data = path.read_bytes()
    assert data.decode("ascii", errors="replace") == data.decode("latin-1"), f"{path.name} has non-ASCII bytes"
    assert b"\r" not in data, "stored with LF; the build converts to CRLF"


def test_vietnamese_literals_decode_to_nfc_text() -> None:
    literals = [vn(m) for p in BAS for m in re.findall(r'VN\("((?:[^"]|"")*)"\)', p.read_text(encoding="ascii"))]
    assert len(literals) >= 15
    for text in literals:
        assert text == unicodedata.normalize("NFC", text)
    assert "Không tìm thấy Python tại:" in literals
    assert "Chọn thư mục chứa báo cáo đơn vị gửi về" in literals


def test_addin_version_constant_is_the_package_version() -> None:
    core = (REPO / "macros" / "CchcCore.bas").read_text(encoding="ascii")
    assert f'Public Const PARC_XL_VERSION As String = "{parc_xl.__version__}"' in core


def test_python_command_has_no_double_quotes() -> None:
    """RunPython puts the command inside "..." on cmd.exe's line: only single quotes."""
    core = (REPO / "macros" / "CchcCore.bas").read_text(encoding="ascii")
    body = core[core.index("Public Sub CallPython"):core.index("End Sub", core.index("Public Sub CallPython"))]
    command_lines = [line for line in body.splitlines() if "cmd = " in line or line.strip().startswith('"')]
    assert command_lines and all('""' not in line for line in command_lines)


def test_every_module_starts_with_its_name() -> None:
    assert [b.read_vba(p).name for p in BAS] == [p.stem for p in BAS]


def _procedures(text: str) -> dict[str, list[str]]:
    """Sub/Function name -> its body lines (without the declaration and End line)."""
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"^(?:Public |Private )?(?:Sub|Function) (\w+)\(.*?\n(.*?)^End (?:Sub|Function)",
                         text, re.M | re.S):
        out[m.group(1)] = m.group(2).splitlines()
    return out


def test_every_ribbon_callback_guards_before_touching_the_workbook() -> None:
    """Protected View / no workbook: WorkbookReady is the first statement of every
    callback, before anything (Preflight → xlwings' GetConfig, pickers) reads ActiveWorkbook."""
    ribbon = (REPO / "macros" / "CchcRibbon.bas").read_text(encoding="ascii")
    callbacks = {n: body for n, body in _procedures(ribbon).items() if n.startswith("On")}
    actions = set(re.findall(r'onAction="CchcRibbon\.(\w+)"', (REPO / "macros" / "customUI14.xml").read_text()))
    assert actions and actions <= set(callbacks)
    for name, body in callbacks.items():
        statements = [s.strip() for s in body if s.strip() and not s.strip().startswith(("'", "Dim "))]
        assert re.fullmatch(r"If Not WorkbookReady\((True|False)\) Then Exit Sub", statements[0]), name
    core = _procedures((REPO / "macros" / "CchcCore.bas").read_text(encoding="ascii"))
    guard = "\n".join(core["WorkbookReady"])
    assert guard.index("ActiveProtectedViewWindow") < guard.index("ActiveWorkbook Is Nothing")
    # nothing after the guard may add a workbook behind the clerk's back
    assert not any("Workbooks.Add" in line for n, b in core.items() if n != "WorkbookReady" for line in b)


def test_core_uses_no_ansi_file_functions() -> None:
    """Environ/Dir/Open/Kill go through the ANSI code page: a Vietnamese user name breaks
    them. Our temp files go through Scripting.FileSystemObject."""
    core = (REPO / "macros" / "CchcCore.bas").read_text(encoding="ascii")
    code = "\n".join(line.split("'", 1)[0] for line in core.splitlines())
    for word in (r"Environ\$?\(", r"\bDir\$?\(", r"^\s*Open ", r"^\s*Kill "):
        assert not re.search(word, code, re.M), word
    assert "GetSpecialFolder(2)" in core and "encoding='utf-16'" in core


def test_install_help_names_console_python_and_local_install() -> None:
    core = (REPO / "macros" / "CchcCore.bas").read_text(encoding="ascii")
    assert "pip install parc-xl" not in core  # parc-xl on the public index is another package
    assert "No module named 'parc_xl'" in core and "ConsolePython(py)" in core
    assert "d4f940ab-401b-4efc-aadc-ad5f3c50688a" in core  # the ASR rule IT must except


def test_the_blank_book_opened_for_xlwings_is_closed_when_the_click_ends() -> None:
    """With no workbook open WorkbookReady adds one (xlwings needs an active workbook); every
    way a click can end — job done, Preflight refused, a picker cancelled, too long a
    command — closes it again, and only if nobody typed into it or saved it."""
    core_text = (REPO / "macros" / "CchcCore.bas").read_text(encoding="ascii")
    core = _procedures(core_text)
    assert any(line.strip().startswith("Set BlankBook = Workbooks.Add") for line in core["WorkbookReady"])
    close = "\n".join(core["CloseBlankBook"])
    assert "BlankBook.Saved And BlankBook.Path = \"\"" in close and "SaveChanges:=False" in close
    assert "Set BlankBook = Nothing" in close
    call = [s.strip() for s in core["CallPython"]]
    assert call[-1] == "CloseBlankBook"  # after RunPython, whatever it returned
    assert "If Not Preflight Then CloseBlankBook" in [s.strip() for s in core["Preflight"]]
    assert "If PickFolder = \"\" Then CloseBlankBook" in [s.strip() for s in core["PickFolder"]]
    assert "If picked.Count = 0 Then CloseBlankBook" in [s.strip() for s in core["PickFiles"]]
    assert "If PickSaveAs = \"\" Then CloseBlankBook" in [s.strip() for s in core["PickSaveAs"]]
    long_cmd = "\n".join(core["CallPython"])
    assert long_cmd.index("CloseBlankBook") < long_cmd.index("Exit Sub", long_cmd.index("Len(cmd) > 7000"))
