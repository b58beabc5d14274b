"""`parc-xl addin install`: refuses off Windows with a Vietnamese explanation; on Windows
(simulated with temporary APPDATA / USERPROFILE) copies the add-in into XLSTART and writes
the interpreter setting in the format xlwings' VBA reads (`Input #name, value`)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from parc_xl.cli import main as cli_main

from parc_xl.addin import build as b

REPO = Path(__file__).resolve().parents[2]


def test_install_off_windows_explains_and_stops(tmp_path: Path) -> None:
    with pytest.raises(b.AddinError) as exc:
        b.install(REPO / "workbooks" / "parc_xl.xlam", appdata=tmp_path, userprofile=tmp_path, platform="linux")
    assert str(exc.value).startswith("Lệnh này chỉ chạy trên Windows (máy có Excel).")
    assert not any(tmp_path.iterdir())


def test_install_copies_addin_and_writes_interpreter(tmp_path: Path) -> None:
    python = r"C:\Python311\pythonw.exe"
    lines = b.install(REPO / "workbooks" / "parc_xl.xlam", appdata=tmp_path / "Roaming",
                      userprofile=tmp_path / "me", interpreter=python, platform="win32")
    target = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "parc_xl.xlam"
    assert target.read_bytes() == (REPO / "workbooks" / "parc_xl.xlam").read_bytes()
    conf = tmp_path / "me" / ".parc_xl" / "parc_xl.conf"
    # VBA `Input #f, name, value` reads comma-separated, double-quoted fields
    assert list(csv.reader(conf.read_text(encoding="cp1252").splitlines())) == [
        ["INTERPRETER_WIN", python],
        ["ADD_WORKBOOK_TO_PYTHONPATH", "False"],  # no stray openpyxl.py beside the master shadows the package
    ]
    assert lines[0] == f"Đã chép phần bổ trợ vào {target} (Excel tự mở khi khởi động)."
    assert any("Unblock-File" in line and "Properties" in line for line in lines)


def test_install_refuses_a_python_path_excel_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(b.AddinError, match="thư mục không dấu"):
        b.install(REPO / "workbooks" / "parc_xl.xlam", appdata=tmp_path, userprofile=tmp_path,
                  interpreter=r"C:\Users\Nguyễn\python.exe", platform="win32")


def test_cli_build_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlam"
    assert cli_main(["addin", "build", "-o", str(out)]) == 0
    assert out.read_bytes() == (REPO / "workbooks" / "parc_xl.xlam").read_bytes()
    assert capsys.readouterr().out.startswith(f"Đã dựng phần bổ trợ: {out}")


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal message off Windows")
def test_cli_install_off_windows_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["addin", "install"]) == 2
    assert "chỉ chạy trên Windows" in capsys.readouterr().err
