"""One writer at a time (issue 13 item 2) and the office lock messages (issue 14 item 18).

Two jobs on one master are run for real: the first job is held inside its check phase
while a second parc-xl process (the CLI, as a clerk's second click would start it) is
launched on the same master; the master is then read back as the clerk sees it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office, table  # noqa: E402

from parc_xl.cli import main as cli_main  # noqa: E402
from parc_xl.errors import MasterBusyError  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.master_lock import (  # noqa: E402
    MasterChangedError, MasterLockedError, lock_path, master_lock, office_lock_message,
)
from parc_xl.jobs import merge, status, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def office(tmp_path: Path) -> dict[str, Path]:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP"])
    done = {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10), "evidence": "Kế hoạch 15/KH"}
    a, b = tmp_path / "hop_thu_a", tmp_path / "hop_thu_b"
    fill_return(out / f"{Q1}_PNV.xlsx", a / "pnv.xlsx", {"1.1": done}, dt.datetime(2026, 3, 12, 9))
    fill_return(out / f"{Q1}_PTP.xlsx", b / "ptp.xlsx", {"1.2": {"progress": "Đang thực hiện"}},
                dt.datetime(2026, 3, 12, 10))
    return {"master": master, "a": a, "b": b}


def _cli(*args: str, wait: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PARC_XL_LOCK_WAIT": str(wait), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "parc_xl", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _during_check(monkeypatch: pytest.MonkeyPatch, start: object, settle: float) -> list[subprocess.Popen[str]]:
    """Run `start()` (which launches a second job) while the first merge is between its
    read of the master and its write; give the second job `settle` seconds to reach
    the master before the first one goes on."""
    started: list[subprocess.Popen[str]] = []
    real = merge._check_all

    def check_all(*args: object, **kwargs: object) -> object:
        proc = start()  # type: ignore[operator]
        started.append(proc)
        if settle < 0:
            proc.outputs = proc.communicate(timeout=60)  # type: ignore[attr-defined]
        else:
            time.sleep(settle)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "_check_all", check_all)
    return started


def test_a_second_job_waits_then_refuses_naming_the_job_holding_the_master(
        office: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    master = office["master"]
    started = _during_check(monkeypatch, lambda: _cli("status", str(master), "--as-of", "25/03/2026", wait=0.5),
                            settle=-1)
    result = merge.run(master, office["a"], Q1, as_of=AS_OF)
    assert result.accepted
    proc = started[0]
    err = proc.outputs[1]  # type: ignore[attr-defined]
    assert proc.returncode == 2, err
    assert "đang được ghi bởi thao tác «Tổng hợp»" in err
    assert f"tiến trình {os.getpid()}" in err
    assert not lock_path(master).exists(), "the lock is released when the job ends"
    row = next(r for r in table(master, L.SHEET_TRACKING) if r["Khóa"] == "1.1")
    assert row["Tiến độ"] == "Đã hoàn thành"  # the refused status wrote nothing over the merge


def test_two_merges_of_different_units_at_once_both_land(
        office: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    master = office["master"]
    started = _during_check(monkeypatch, lambda: _cli(
        "merge", str(master), str(office["b"]), "--period", Q1, "--as-of", "25/03/2026", "--json", wait=60),
        settle=2)
    merge.run(master, office["a"], Q1, as_of=AS_OF)
    out, err = started[0].communicate(timeout=120)
    assert started[0].returncode == 0, err
    assert json.loads(out)["accepted"]
    log = table(master, L.SHEET_SUBMISSIONS)
    assert sorted(str(r["Mã đơn vị"]) for r in log) == ["PNV", "PTP"]
    missing = {str(r["Mã đơn vị"]) for r in table(master, L.SHEET_MISSING)}
    assert "PNV" not in missing and "PTP" not in missing and "VP" in missing


def test_the_same_merge_twice_at_once_logs_each_file_once(
        office: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    master = office["master"]
    started = _during_check(monkeypatch, lambda: _cli(
        "merge", str(master), str(office["a"]), "--period", Q1, "--as-of", "25/03/2026", "--json", wait=60),
        settle=2)
    merge.run(master, office["a"], Q1, as_of=AS_OF)
    out, err = started[0].communicate(timeout=120)
    assert started[0].returncode == 0, err
    assert json.loads(out)["already_merged"], "the second run sees the first one's result"
    assert len(table(master, L.SHEET_SUBMISSIONS)) == 1
    history = [tuple(r.values()) for r in table(master, L.SHEET_HISTORY)]
    assert history and len(history) == len(set(history)), "no change is logged twice"


def test_merge_and_status_at_once_keep_both(office: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    master = office["master"]
    started = _during_check(monkeypatch, lambda: _cli("status", str(master), "--as-of", "25/03/2026", wait=60),
                            settle=2)
    merge.run(master, office["a"], Q1, as_of=AS_OF)
    _, err = started[0].communicate(timeout=120)
    assert started[0].returncode == 0, err
    row = next(r for r in table(master, L.SHEET_TRACKING) if r["Khóa"] == "1.1")
    assert row["Tiến độ"] == "Đã hoàn thành", "the status run did not wipe the merge"
    assert str(row["Trạng thái"]).startswith("Hoàn thành"), "and its own statuses are there"


def test_a_master_changed_behind_the_jobs_back_is_not_overwritten(
        office: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    master = office["master"]
    real = merge._check_all

    def check_all(*args: object, **kwargs: object) -> object:
        # Excel (no parc-xl lock) saves the master while the merge is checking the inbox
        data = master.read_bytes()
        master.write_bytes(data)
        os.utime(master, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "_check_all", check_all)
    changed = master.stat().st_mtime_ns
    with pytest.raises(MasterChangedError, match="đã bị thay đổi bởi chương trình khác"):
        merge.run(master, office["a"], Q1, as_of=AS_OF)
    assert master.stat().st_mtime_ns != changed  # the foreign save is what is on disk
    assert table(master, L.SHEET_SUBMISSIONS) == []
    assert not lock_path(master).exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(office: dict[str, Path]) -> None:
    master = office["master"]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(master).write_text(json.dumps({"host": socket.gethostname(), "pid": int(dead.stdout),
                                             "job": "Tổng hợp", "started": "2026-03-25T08:00:00"}))
    result = merge.run(master, office["a"], Q1, as_of=AS_OF)
    assert result.accepted
    assert not lock_path(master).exists()


def test_a_lock_from_another_machine_says_how_to_remove_it(office: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    master = office["master"]
    lock = lock_path(master)
    lock.write_text(json.dumps({"host": "MAY-KE-TOAN", "pid": 4242, "user": "lan", "job": "Cập nhật trạng thái",
                                "started": "2026-03-25T08:00:00"}))
    monkeypatch.setenv("PARC_XL_LOCK_WAIT", "0.2")
    assert cli_main(["merge", str(master), str(office["a"]), "--period", Q1]) == 2
    err = capsys.readouterr().err
    assert "«Cập nhật trạng thái»" in err and "máy MAY-KE-TOAN" in err and "người dùng lan" in err
    assert f"xóa tệp khóa «{lock.name}»" in err
    old = time.time() - 7 * 3600
    os.utime(lock, (old, old))
    with pytest.raises(MasterLockedError, match="7 giờ trước.*khóa cũ"):
        merge.run(master, office["a"], Q1)
    assert table(master, L.SHEET_SUBMISSIONS) == []


def test_the_lock_is_reentrant_and_released_after_an_exception(tmp_path: Path) -> None:
    master = tmp_path / "so.xlsx"
    master.write_bytes(b"x")
    with pytest.raises(RuntimeError), master_lock(master, "Tổng hợp"):
        info = json.loads(lock_path(master).read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid() and info["job"] == "Tổng hợp" and info["host"]
        with master_lock(master, "Cập nhật trạng thái"):  # report → status.write: same process
            pass
        assert lock_path(master).exists()
        raise RuntimeError
    assert not lock_path(master).exists()


def test_status_refuses_while_the_master_is_locked(office: dict[str, Path]) -> None:
    master = office["master"]
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from parc_xl.io.master_lock import master_lock\n"
        f"with master_lock({str(master)!r}, 'Nhập kế hoạch'):\n"
        "    print('held', flush=True); time.sleep(30)")], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = master.read_bytes()
        with pytest.raises(MasterLockedError, match="«Nhập kế hoạch»"):
            with master_lock(master, "x", wait=0.3):
                pass
        os.environ["PARC_XL_LOCK_WAIT"] = "0.3"
        try:
            with pytest.raises(MasterLockedError):
                status.run(master, AS_OF)
        finally:
            del os.environ["PARC_XL_LOCK_WAIT"]
        assert master.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


# --- issue 14 item 18: which program has the workbook open -------------------------------
def test_a_libreoffice_lock_names_libreoffice_and_how_to_remove_it(office: dict[str, Path]) -> None:
    master = office["master"]
    lo = master.with_name(f".~lock.{master.name}#")
    lo.write_text(",Nguyễn Thị Lan,MAY-VP,25.03.2026 08:15,file:///home/lan/.config/libreoffice/4;")
    with pytest.raises(MasterBusyError) as exc:
        merge.run(master, office["a"], Q1)
    text = str(exc.value)
    assert "đang mở trong LibreOffice" in text and "Excel" not in text
    assert "Nguyễn Thị Lan" in text and "MAY-VP" in text
    assert f"xóa tệp khóa «{lo.name}»" in text
    lo.unlink()


def test_an_excel_owner_file_names_excel_and_its_user(tmp_path: Path) -> None:
    master = tmp_path / "so.xlsx"
    owner = tmp_path / "~$so.xlsx"
    name = "Trần Văn Minh"
    ansi = "Tran Van Minh".encode("ascii")
    data = bytes([len(ansi)]) + ansi.ljust(53, b" ") + len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    owner.write_bytes(data.ljust(165, b" "))
    text = office_lock_message(master, owner)
    assert "đang mở trong Excel (người dùng Trần Văn Minh)" in text
    assert "LibreOffice" not in text and f"«{owner.name}»" in text
