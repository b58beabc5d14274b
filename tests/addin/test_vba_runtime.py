"""The VBA helpers that carry text between Excel and Python, executed by a real Basic
interpreter (LibreOffice, VBA compatibility mode): VN() turns the ASCII escapes into the
Vietnamese text the clerk reads; Hex16() encodes picked paths so that
handlers.decode_args gets them back exactly, whatever they contain.

LibreOffice cannot compile the xlwings module (Windows DLL declarations), which blocks
the whole add-in library there, so the test runs CchcCore alone in a scratch .xlam."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from parc_xl.addin import build as b
from parc_xl.excel.handlers import decode_args

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PATHS = [
    r"C:\Users\Nguyễn Văn A\Báo cáo 100% & 'quý' ^1\bc.docx",
    "D:\\Tổng hợp\\＄ＦＵＬＬ\\2024-Q1_STP.xlsx",  # code units above 0x7FFF: AscW is negative in Excel
]


def _uno_python() -> str:
    for exe in ("/usr/bin/python3", shutil.which("python3") or ""):
        if exe and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    pytest.skip("no Python with LibreOffice's uno module (python3-uno)")


@pytest.mark.libreoffice
def test_vn_and_hex16_in_a_basic_interpreter(soffice: str, tmp_path: Path) -> None:
    from pyopenvba import ExcelFile

    python = _uno_python()
    core = b.read_vba(REPO / "macros" / "CchcCore.bas")
    scratch = tmp_path / "core.xlam"
    with ExcelFile.create_new(str(scratch)) as wb:
        project = wb.vba_project()
        for name in list(project.module_names()):
            if name not in ("ThisWorkbook", "Sheet1"):
                project.delete_module(name)
        project.add_module(core.name, b._to_vba(core.source))
        wb.save()
    escaped = r"Kh\u00F4ng t\u00ECm th\u1EA5y Python t\u1EA1i:"
    calls = [["CchcCore.VN", [escaped]]] + [["CchcCore.Hex16", [p]] for p in PATHS]
    run = subprocess.run([python, str(HERE / "lo_basic.py"), str(scratch), str(tmp_path / "profile"),
                          json.dumps(calls)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    vn, *hexes = json.loads(run.stdout.strip().splitlines()[-1])
    assert vn == "Không tìm thấy Python tại:"
    for path, encoded in zip(PATHS, hexes):
        assert decode_args(("output", encoded)) == {"output": Path(path)}
