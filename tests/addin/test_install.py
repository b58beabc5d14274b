"""`parc-xl addin install`: refuses off Windows with a Vietnamese explanation; on Windows
(simulated with a temporary APPDATA) copies the add-in into XLSTART and writes the interpreter
into the copy's settings sheet, in a form xlwings' ANSI VBA calls can open."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from parc_xl.cli import main as cli_main

from parc_xl.addin import build as b

REPO = Path(__file__).resolve().parents[2]


def test_install_off_windows_explains_and_stops(tmp_path: Path) -> None:
    with pytest.raises(b.AddinError) as exc:
        b.install(REPO / "workbooks" / "parc_xl.xlam", appdata=tmp_path, platform="linux")
    assert str(exc.value).startswith("Lệnh này chỉ chạy trên Windows (máy có Excel).")
    assert not any(tmp_path.iterdir())


def _settings(addin: Path) -> list[list[str]]:
    """The add-in's settings sheet as xlwings' GetConfigFromSheet reads it (A = key, B = value)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(addin))
    return wb.get_sheet_by_name("parc_xl.conf").to_python()


def _install(tmp_path: Path, **kw: object) -> tuple[Path, list[str]]:
    args: dict = {"appdata": tmp_path / "Roaming", "temp": r"C:\Users\me\AppData\Local\Temp",
                  "platform": "win32", "short_path": lambda p: p}
    args.update(kw)
    lines = b.install(REPO / "workbooks" / "parc_xl.xlam", **args)
    return tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "parc_xl.xlam", lines


def test_install_copies_addin_and_writes_interpreter_into_its_settings_sheet(tmp_path: Path) -> None:
    python = r"C:\Python311\pythonw.exe"
    target, lines = _install(tmp_path, interpreter=python)
    assert _settings(target) == [
        ["ADD_WORKBOOK_TO_PYTHONPATH", "False"],  # no stray openpyxl.py beside the master shadows the package
        ["INTERPRETER_WIN", python],
    ]
    # everything but the settings sheet is the committed add-in, byte for byte
    with zipfile.ZipFile(target) as got, zipfile.ZipFile(REPO / "workbooks" / "parc_xl.xlam") as want:
        assert got.namelist() == want.namelist()
        for name in want.namelist():
            if name != "xl/worksheets/sheet1.xml":
                assert got.read(name) == want.read(name), name
    assert lines[0] == f"Đã chép phần bổ trợ vào {target} (Excel tự mở khi khởi động)."
    assert lines[1] == f"Đã ghi đường dẫn Python vào trang cấu hình parc_xl.conf của phần bổ trợ: {python}"
    assert any("Unblock-File" in line and "Properties" in line for line in lines)
    assert not (tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "parc_xl.xlam.tmp").exists()


def test_a_vietnamese_user_name_gets_the_short_paths_ansi_vba_can_open(tmp_path: Path) -> None:
    """xlwings checks the interpreter with GetAttr and writes its log to TEMP with Open/Kill,
    all ANSI: C:\\Users\\Nguyễn\\… is given to them as its 8.3 form."""
    short = {r"C:\Users\Nguyễn\AppData\Local\Programs\Python\Python311\pythonw.exe":
             r"C:\Users\NGUYN~1\AppData\Local\Programs\Python\PYTHON~1\pythonw.exe",
             r"C:\Users\Nguyễn\AppData\Local\Temp": r"C:\Users\NGUYN~1\AppData\Local\Temp"}
    target, lines = _install(tmp_path, interpreter=next(iter(short)), temp=r"C:\Users\Nguyễn\AppData\Local\Temp",
                             short_path=lambda p: short.get(p, p))
    assert _settings(target) == [
        ["ADD_WORKBOOK_TO_PYTHONPATH", "False"],
        ["INTERPRETER_WIN", r"C:\Users\NGUYN~1\AppData\Local\Programs\Python\PYTHON~1\pythonw.exe"],
        ["TEMP DIR", r"C:\Users\NGUYN~1\AppData\Local\Temp"],
    ]
    assert "Excel sẽ dùng tên ngắn" in lines[2] and "Excel sẽ ghi tệp tạm vào" in lines[3]


def test_a_temp_folder_without_a_short_name_falls_back_to_public(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Path] = []
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: made.append(self))
    target = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "parc_xl.xlam"
    import os
    os.makedirs(target.parent)
    _install(tmp_path, interpreter=r"C:\Python311\pythonw.exe", temp=r"D:\Tạm")
    assert _settings(target)[-1] == ["TEMP DIR", r"C:\Users\Public\parc-xl-tmp"]
    assert Path(r"C:\Users\Public\parc-xl-tmp") in made


def test_install_refuses_a_python_path_excel_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(b.AddinError, match="thư mục không dấu"):
        _install(tmp_path, interpreter=r"C:\Users\Nguyễn\python.exe")
    assert not (tmp_path / "Roaming").exists()  # nothing copied


def test_cli_build_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlam"
    assert cli_main(["addin", "build", "-o", str(out)]) == 0
    assert out.read_bytes() == (REPO / "workbooks" / "parc_xl.xlam").read_bytes()
    assert capsys.readouterr().out.startswith(f"Đã dựng phần bổ trợ: {out}")


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal message off Windows")
def test_cli_install_off_windows_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["addin", "install"]) == 2
    assert "chỉ chạy trên Windows" in capsys.readouterr().err


def test_install_while_excel_holds_the_addin_says_to_close_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(b.AddinError, match="Excel đang mở phần bổ trợ. Đóng hết cửa sổ Excel"):
        _install(tmp_path, interpreter=r"C:\\Python311\\pythonw.exe")
    assert not (tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "parc_xl.xlam.tmp").exists()
