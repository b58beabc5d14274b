"""The LibreOffice extension: built reproducibly from the ribbon's sources, installed with
unopkg into a fresh profile, and clicked in a real headless LibreOffice — Tổng hợp,
Cập nhật trạng thái and Báo cáo on a master, and the error path — asserting what the
reopened document shows and the Vietnamese messages the clerk reads."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import site
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from parc_xl.addin import oxt
from parc_xl.io import master_layout as layout
from parc_xl.jobs import plan_import, units_generate
from parc_xl.libreoffice.commands import PICKERS
from parc_xl.samples import SAMPLE_APPENDIX, SAMPLE_YEAR
from parc_xl.samples.returns import fill_return, plausible_answers, report_rows

REPO = Path(__file__).resolve().parents[2]
MACROS = REPO / "macros"
COMMITTED = REPO / "workbooks" / "parc_xl.oxt"
DRIVER = Path(__file__).with_name("uno_driver.py")
TODAY = dt.date(SAMPLE_YEAR, 3, 20)
PERIOD = f"{SAMPLE_YEAR}-Q1"
NOBODY = 65534


def test_build_is_reproducible_and_committed_copy_is_fresh(tmp_path: Path) -> None:
    a = oxt.build(tmp_path / "a.oxt", MACROS).read_bytes()
    b = oxt.build(tmp_path / "b.oxt", MACROS).read_bytes()
    assert a == b
    assert COMMITTED.read_bytes() == a, "workbooks/parc_xl.oxt is stale: run parc-xl addin build --target libreoffice"


def test_toolbar_has_every_ribbon_button_with_its_vietnamese_label() -> None:
    ribbon = oxt.ribbon_commands(MACROS / "customUI14.xml")
    with zipfile.ZipFile(COMMITTED) as z:
        addons = z.read("Addons.xcu").decode()
        commands = z.read("CalcCommands.xcu").decode()
        manifest = z.read("META-INF/manifest.xml").decode()
    assert {c.id for c in ribbon} == set(PICKERS), "a ribbon button has no LibreOffice command"
    for c in ribbon:
        assert f"<value>org.parcxl.cchc:{c.id}</value>" in addons
        assert f"<value>{c.label}</value>" in addons
        assert c.tooltip and f"<value>{c.tooltip}</value>" in commands
    assert "Nhập kế hoạch" in addons and "Tổng hợp" in addons and "Cập nhật trạng thái" in addons
    assert 'type=Python' in manifest


def test_build_names_a_missing_source(tmp_path: Path) -> None:
    with pytest.raises(oxt.OxtError, match="Không"):
        oxt.build(tmp_path / "x.oxt", tmp_path)


# --- a real LibreOffice ----------------------------------------------------------------


def _uno_python() -> str:
    for exe in ("/usr/bin/python3", "/usr/lib/libreoffice/program/python"):
        if Path(exe).exists() and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    pytest.skip("LibreOffice's Python with the uno module is not installed (apt: python3-uno)")


def _as_user(cmd: list[str]) -> list[str]:
    """unopkg refuses root without --shared (which would change the system installation):
    as root, install as nobody into the test's own profile."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: unopkg cannot install into a user profile")
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a clerk's desktop session: without the test venv's variables
    (LibreOffice's embedded Python aborts soffice at start-up when it inherits them)."""
    venv = os.environ.get("VIRTUAL_ENV", "")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "COV_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not (venv and p.startswith(venv)))
    env["HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def office(soffice: str) -> Iterator[dict]:
    """A fresh profile with the committed extension installed by unopkg."""
    python = _uno_python()
    program = Path(os.path.realpath(soffice)).parent
    if not (program / "pythonloader.py").exists():
        pytest.skip("LibreOffice's Python script provider is not installed (apt: libreoffice-script-provider-python)")
    if os.geteuid() == 0:  # unopkg's shared cache folder, which Debian creates lazily
        Path("/var/spool/libreoffice/uno_packages/cache").mkdir(parents=True, exist_ok=True)
    unopkg = shutil.which("unopkg")
    if unopkg is None:
        pytest.skip("unopkg is not installed (comes with LibreOffice)")
    root = Path(tempfile.mkdtemp(prefix="parcxl_lo_"))  # not pytest's tmp: nobody cannot enter it
    root.chmod(0o777)
    ext = root / "parc_xl.oxt"
    shutil.copy(COMMITTED, ext)
    ext.chmod(0o644)
    profile = f"file://{root}/profile"
    env = _clean_env(root)
    added = subprocess.run(_as_user([unopkg, "add", f"-env:UserInstallation={profile}", str(ext)]),
                           capture_output=True, text=True, env=env, timeout=180)
    assert added.returncode == 0, added.stderr
    listed = subprocess.run(_as_user([unopkg, "list", f"-env:UserInstallation={profile}"]),
                            capture_output=True, text=True, env=env, timeout=180)
    assert "org.parcxl.cchc" in listed.stdout and "is registered: yes" in listed.stdout
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "0:0", str(root)], check=True)
    yield {"root": root, "profile": profile, "python": python, "soffice": soffice, "env": env}
    shutil.rmtree(root, ignore_errors=True)


def _quarter(folder: Path, units: int) -> tuple[Path, Path]:
    master = folder / "Sổ tổng hợp CCHC.xlsx"
    assert plan_import.run(source=SAMPLE_APPENDIX, year=SAMPLE_YEAR, output=master).exit_code == 0
    out = folder / "gui_don_vi"
    units_generate.run(master=master, period=PERIOD, out_dir=out)
    inbox = folder / "hop_thu"
    rng = random.Random(3)
    for src in sorted(out.glob("*.xlsx"))[:units]:
        fill_return(src, inbox / src.name, plausible_answers(report_rows(src), TODAY, rng),
                    dt.datetime.combine(TODAY, dt.time(9)))
    return master, inbox


def _click(office: dict, work: Path, master: Path, commands: list[str], answers: dict) -> tuple[dict, list[dict]]:
    script = work / "answers.json"
    script.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    spec = work / "spec.json"
    snap = work / "snapshot.json"
    spec.write_text(json.dumps({"soffice": office["soffice"], "profile": office["profile"], "master": str(master),
                                "commands": commands, "snapshot": str(snap)}), encoding="utf-8")
    paths = [*site.getsitepackages(), str(REPO)]
    env = {**office["env"], "PARC_XL_LO_SCRIPT": str(script), "PARC_XL_PATH": os.pathsep.join(paths)}
    run = subprocess.run([office["python"], str(DRIVER), str(spec)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 0, run.stderr + (snap.with_name(snap.name + ".soffice.log").read_text()
                                              if snap.with_name(snap.name + ".soffice.log").exists() else "")
    log_path = script.with_name(script.name + ".log.json")
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.exists() else []
    return json.loads(snap.read_text(encoding="utf-8")), log


@pytest.mark.libreoffice
def test_merge_status_report_through_the_toolbar(office: dict) -> None:
    work = Path(tempfile.mkdtemp(prefix="quarter_", dir=office["root"]))
    master, inbox = _quarter(work, units=4)
    report = work / "Báo cáo quý I.docx"
    letters = work / "don_doc"
    day = TODAY.strftime("%d/%m/%Y")
    snap, log = _click(office, work, master, ["merge", "status", "remind", "report"], {
        "folder": [str(inbox), str(letters)], "ask": [PERIOD, day, PERIOD, day, PERIOD, "UBND Thành phố; Sở Nội vụ"],
        "save": [str(report)]})
    steps = {s["command"]: s for s in snap["steps"]}
    assert all(s["open"] for s in snap["steps"]), "the master was not reopened after a command"
    messages = [e["text"] for e in log if e["kind"] == "message"]
    assert any(m.startswith("Tổng hợp Quý I/2026: nhận 4 tệp, từ chối 0 tệp.") for m in messages), messages
    assert any(m.startswith("Đã cập nhật trạng thái") and "20/03/2026" in m for m in messages), messages
    assert report.exists() and report.stat().st_size > 0
    # «Đôn đốc»: the units that sent nothing get a letter; the master stays open (read only)
    assert any(m.startswith("Đã tạo ") and "văn bản đôn đốc" in m for m in messages), messages
    assert sorted(letters.glob("*_don_doc.docx")) and (letters / f"{PERIOD}_don_doc_tong_hop.xlsx").is_file()
    from docx import Document  # Nơi nhận as typed in the toolbar's question (the CLI's --noi-nhan)
    cells = [c.text for t in Document(str(report)).tables for row in t.rows for c in row.cells]
    assert any("- UBND Thành phố;\n- Sở Nội vụ;" in c for c in cells), cells[-4:]
    assert steps["merge"]["snapshot"]["active"] == layout.SHEET_SUBMISSIONS

    tracking = steps["status"]["snapshot"]["tracking"]
    colours = steps["status"]["snapshot"]["tracking_colours"]
    header = next(i for i, r in enumerate(tracking) if "Trạng thái" in [str(v) for v in r])
    status_col = [str(v) for v in tracking[header]].index("Trạng thái")
    statuses = [r[status_col] for r in tracking[header + 1:] if r[status_col]]
    assert "Chưa báo cáo" in statuses and len(set(statuses)) >= 3
    # every status row coloured as the legend says, by LibreOffice's reading of the format
    from parc_xl.io.status_format import STATUS_STYLES
    expected = {s.value: st.fill for s, st in STATUS_STYLES.items()}
    for row, colour in zip(tracking[header + 1:], colours[header + 1:]):
        if row[status_col]:
            assert colour == expected[row[status_col]], (row[status_col], colour)
    # the merged values are in the reopened document
    assert steps["merge"]["snapshot"]["tracking"] != [], "Theo dõi is empty after merge"


@pytest.mark.libreoffice
def test_error_path_shows_the_vietnamese_message(office: dict) -> None:
    work = Path(tempfile.mkdtemp(prefix="errors_", dir=office["root"]))
    master, inbox = _quarter(work, units=1)
    (inbox / "hỏng.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    lock = master.with_name(f".~lock.{master.name}#")
    snap, log = _click(office, work, master, ["merge", "status"], {
        "folder": [str(inbox)], "ask": [PERIOD, "31/02/2026", TODAY.strftime("%d/%m/%Y")]})
    messages = [e["text"] for e in log if e["kind"] == "message"]
    merge_msg = next(m for m in messages if m.startswith("Tổng hợp Quý I/2026"))
    assert "từ chối 1 tệp" in merge_msg and "hỏng.xlsx" in merge_msg, merge_msg
    assert any("31/02/2026" in m for m in messages), messages  # a bad date is explained, then asked again
    assert all(s["open"] for s in snap["steps"])
    assert not lock.exists()


def test_cli_builds_the_committed_extension(tmp_path: Path) -> None:
    from parc_xl.cli import main

    out = tmp_path / "parc_xl.oxt"
    assert main(["addin", "build", "--target", "libreoffice", "-o", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes()


def test_install_writes_the_path_file_and_calls_unopkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`parc-xl addin install --target libreoffice` with a recording unopkg on PATH."""
    from parc_xl.cli import main

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.txt"
    fake = bin_dir / "unopkg"
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert main(["addin", "install", "--target", "libreoffice"]) == 0
    assert calls.read_text().split() == ["add", "--force", str(COMMITTED)]
    listed = (tmp_path / "cfg" / "parc-xl" / "libreoffice-path.txt").read_text(encoding="utf-8")
    assert str(REPO) in listed.splitlines()
    assert "thanh công cụ và trình đơn «CCHC»" in capsys.readouterr().out


def test_install_without_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from parc_xl.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(oxt, "find_unopkg", lambda: None)
    assert main(["addin", "install", "--target", "libreoffice"]) == 2
    out = capsys.readouterr()
    assert "Không tìm thấy chương trình unopkg" in out.out + out.err


@pytest.mark.libreoffice
def test_unit_workbook_dropdowns_and_input_messages_show_in_calc(office: dict) -> None:
    """The unit's side: the form a unit head opens in Calc offers the Tiến độ list and shows
    the Vietnamese input and error messages; plan columns locked, the sheet protected."""
    from parc_xl.io import unit_book

    work = Path(tempfile.mkdtemp(prefix="unit_", dir=office["root"]))
    master, _ = _quarter(work, units=0)
    book = sorted((work / "gui_don_vi").glob("*.xlsx"))[0]
    letters = {c.id: chr(ord("A") + i) for i, c in enumerate(unit_book.COLUMNS)}
    progress = f"{letters['progress']}{unit_book.FIRST_ROW}"
    task = f"{letters['task']}{unit_book.FIRST_ROW}" if "task" in letters else f"A{unit_book.FIRST_ROW}"
    spec = work / "cells.json"
    out = work / "cells.out.json"
    spec.write_text(json.dumps({"soffice": office["soffice"], "profile": office["profile"], "book": str(book),
                                "sheet": "Báo cáo", "cells": [progress, task], "out": str(out)}), encoding="utf-8")
    run = subprocess.run([office["python"], str(DRIVER.with_name("uno_cells.py")), str(spec)],
                         capture_output=True, text=True, env=office["env"], timeout=300)
    assert run.returncode == 0, run.stderr
    cells = json.loads(out.read_text(encoding="utf-8"))
    p = cells[progress]
    assert p["type"] == "LIST" and p["show_list"] != 0
    assert "Đã hoàn thành" in p["formula1"] and "Đang thực hiện" in p["formula1"]
    assert p["show_input"] and p["input_title"] == "Tiến độ"
    assert p["input_message"].startswith("Chọn trong danh sách.")
    assert p["show_error"] and p["error_title"] == "Tiến độ không hợp lệ"
    assert not p["locked"] and cells[task]["locked"] and cells["_protected"]
