"""Fault injection on the merge (issue 13 item 8), marker `faults` (not in the default
run; `.ci/run` runs it as an extra step: `pytest -m faults`).

- A merge is killed (os._exit in a child process) before and after every fsync and
  every rename it makes: archive copy, backup, temporary master, replace.
- The disk fills up: the office folder on a small tmpfs with only N bytes free, for
  many N (skipped where tmpfs cannot be mounted: not root), and a fake filesystem layer
  (os.fdopen / os.write raising ENOSPC once a byte budget is spent) that runs everywhere.
- Two merges and a status are started at once, several rounds.

After each: the master opens and holds the old or the new state, every accepted file of
`Nộp báo cáo` is in luu_tru/ with its hash, no truncated backup is in sao_luu/; then a
re-run ends in the new state with nothing left over (no temporary file, no lock).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.master_lock import DiskFullError  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

pytestmark = pytest.mark.faults

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)
REPO = Path(__file__).resolve().parents[2]


def _rows(master: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(master)).get_sheet_by_name(sheet).to_python()


def state(master: Path) -> tuple[object, ...]:
    """What the clerk reads: the reported cells of Theo dõi, the log, the missing units."""
    track = _rows(master, L.SHEET_TRACKING)
    cols = [L.column_index(L.TRACKING_COLUMNS, c) for c in ("key", "unit", "progress", "evidence")]
    log = _rows(master, L.SHEET_SUBMISSIONS)
    sub = [L.column_index(L.SUBMISSION_COLUMNS, c) for c in ("unit", "file", "sha256", "outcome")]
    missing = _rows(master, L.SHEET_MISSING)
    return (tuple(tuple(r[i] for i in cols) for r in track[1:]),
            tuple(sorted(tuple(str(r[i]) for i in sub) for r in log[1:] if r and r[0] != "")),
            tuple(sorted(str(r[1]) for r in missing[1:] if r and r[0] != "")))


def archive_matches_log(master: Path) -> None:
    log = _rows(master, L.SHEET_SUBMISSIONS)
    h = {c.id: L.column_index(L.SUBMISSION_COLUMNS, c.id) for c in L.SUBMISSION_COLUMNS}
    for r in log[1:]:
        if r and r[h["outcome"]] in ("Chấp nhận", "Chấp nhận một phần"):
            entry = master.parent / "luu_tru" / str(r[h["period"]]) / f"{r[h['sha256']]}.xlsx"
            assert entry.exists(), f"accepted {r[h['file']]} but {entry.name} is not archived"
            assert hashlib.sha256(entry.read_bytes()).hexdigest() == r[h["sha256"]], "truncated archive entry"


def no_truncated_backup(master: Path) -> None:
    for b in (master.parent / "sao_luu").glob("*.xlsx"):
        with zipfile.ZipFile(b) as z:
            assert z.testzip() is None


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")
                  if p.name.startswith((".~parc_tmp.", ".~parc_xl.")) or p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("faults")
    master = make_office(root / "mau")
    units_generate.run(master, Q1, root / "gui", ["PNV", "PTP"])
    inbox = root / "hop_thu"
    fill_return(root / "gui" / f"{Q1}_PNV.xlsx", inbox / "pnv.xlsx",
                {"1.1": {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10), "evidence": "KH 15"}},
                dt.datetime(2026, 3, 12, 9))
    fill_return(root / "gui" / f"{Q1}_PTP.xlsx", inbox / "ptp.xlsx", {"1.2": {"progress": "Đang thực hiện"}},
                dt.datetime(2026, 3, 12, 10))
    old = state(master)
    done = root / "done"
    done.mkdir()
    shutil.copy2(master, done / master.name)
    merge.run(done / master.name, inbox, Q1, as_of=AS_OF)
    new = state(done / master.name)
    assert old != new
    return {"master": master, "inbox": inbox, "old": old, "new": new}


def _fresh(office: dict[str, object], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    src = office["master"]
    assert isinstance(src, Path)
    return Path(shutil.copy2(src, folder / src.name))


CHILD = r"""
import os, sys, json, datetime as dt
from pathlib import Path
target, mode, n, master, inbox, counts = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
calls = {"fsync": 0, "replace": 0}
real = {"fsync": os.fsync, "replace": os.replace}
def hook(name):
    def f(*a, **k):
        calls[name] += 1
        hit = name == target and calls[name] == n
        if hit and mode == "before":
            os._exit(137)
        out = real[name](*a, **k)
        if hit and mode == "after":
            os._exit(137)
        return out
    return f
os.fsync, os.replace = hook("fsync"), hook("replace")
from parc_xl.jobs import merge
merge.run(Path(master), Path(inbox), "2026-Q1", as_of=dt.date(2026, 3, 25))
Path(counts).write_text(json.dumps(calls))
"""


def _child(*args: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True, timeout=120).returncode


def _after_fault(office: dict[str, object], master: Path) -> None:
    got = state(master)  # opens: old or new, never in between
    assert got in (office["old"], office["new"])
    archive_matches_log(master)
    no_truncated_backup(master)
    again = merge.run(master, office["inbox"], Q1, as_of=AS_OF)  # type: ignore[arg-type]
    assert state(master) == office["new"], again.summary_vi()
    archive_matches_log(master)
    assert leftovers(master.parent) == []


def test_kill_at_every_fsync_and_rename(office: dict[str, object], tmp_path: Path) -> None:
    probe = _fresh(office, tmp_path / "probe")
    counts_file = tmp_path / "counts.json"
    assert _child("none", "before", "0", str(probe), str(office["inbox"]), str(counts_file)) == 0
    counts = json.loads(counts_file.read_text())
    assert counts["fsync"] >= 3 and counts["replace"] >= 3  # archive ×2, backup, master
    tried = 0
    for target in ("fsync", "replace"):
        for n in range(1, counts[target] + 1):
            for mode in ("before", "after"):
                master = _fresh(office, tmp_path / f"{target}_{n}_{mode}")
                assert _child(target, mode, str(n), str(master), str(office["inbox"]), str(counts_file)) == 137
                _after_fault(office, master)
                tried += 1
    assert tried >= 12


def _mount_tmpfs(where: Path, size: int) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_disk_full_at_many_sizes(office: dict[str, object], tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, 8 << 20):
        pytest.skip("tmpfs cannot be mounted here (needs root)")
    try:
        master_size = Path(str(office["master"])).stat().st_size
        inbox_size = sum(p.stat().st_size for p in Path(str(office["inbox"])).iterdir())
        need = 3 * master_size + inbox_size + (64 << 10)
        tried = handled = 0
        for free in range(0, need, max(4096, need // 40)):
            folder = disk / "vp"
            shutil.rmtree(folder, ignore_errors=True)
            master = _fresh(office, folder)
            filler = disk / "filler"
            avail = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            with open(filler, "wb") as fh:
                fh.truncate(0)
                left = max(0, avail - free)
                chunk = b"\0" * (1 << 20)
                while left > 0:
                    try:
                        left -= fh.write(chunk[: min(left, len(chunk))])
                    except OSError:
                        break
            tried += 1
            try:
                merge.run(master, office["inbox"], Q1, as_of=AS_OF)  # type: ignore[arg-type]
            except DiskFullError as exc:
                assert "hết chỗ trống" in str(exc)
            assert state(master) in (office["old"], office["new"])
            archive_matches_log(master)
            no_truncated_backup(master)
            assert [p for p in leftovers(folder) if not p.startswith(".~parc_xl.")] == []
            filler.unlink()
            merge.run(master, office["inbox"], Q1, as_of=AS_OF)  # type: ignore[arg-type]
            assert state(master) == office["new"]
            archive_matches_log(master)
            handled += 1
        assert tried == handled and tried >= 20
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_two_merges_and_a_status_at_once(office: dict[str, object], tmp_path: Path) -> None:
    inbox = Path(str(office["inbox"]))
    for round_ in range(4):
        master = _fresh(office, tmp_path / f"r{round_}")
        a, b = tmp_path / f"a{round_}", tmp_path / f"b{round_}"
        a.mkdir()
        b.mkdir()
        shutil.copy2(inbox / "pnv.xlsx", a)
        shutil.copy2(inbox / "ptp.xlsx", b)
        env = {**os.environ, "PYTHONPATH": str(REPO), "PARC_XL_LOCK_WAIT": "120"}
        cmds = [["merge", str(master), str(a), "--period", Q1, "--as-of", "25/03/2026"],
                ["merge", str(master), str(b), "--period", Q1, "--as-of", "25/03/2026"],
                ["status", str(master), "--as-of", "25/03/2026"],
                ["merge", str(master), str(a), "--period", Q1, "--as-of", "25/03/2026"]]
        procs = [subprocess.Popen([sys.executable, "-m", "parc_xl", *c], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for c in cmds]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err.decode()
        assert state(master) == office["new"]
        archive_matches_log(master)
        assert leftovers(master.parent) == []


class _Limited:
    """A file whose writes fail with ENOSPC once the shared byte budget is spent."""

    def __init__(self, fh: object, budget: list[int]) -> None:
        self._fh, self._budget = fh, budget

    def write(self, data: bytes) -> int:
        if len(data) > self._budget[0]:
            self._budget[0] = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._budget[0] -= len(data)
        return self._fh.write(data)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._fh, name)

    def __enter__(self) -> _Limited:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()  # type: ignore[attr-defined]


def test_disk_full_through_a_fake_filesystem_layer(office: dict[str, object], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Where tmpfs cannot be mounted: every file parc-xl writes through os.fdopen (archive,
    backup, temporary master) and the lock's os.write share a byte budget, then ENOSPC."""
    master_size = Path(str(office["master"])).stat().st_size
    need = 4 * master_size
    real_fdopen, real_write = os.fdopen, os.write
    tried = refused = 0
    for budget_bytes in range(0, need, max(1024, need // 30)):
        budget = [budget_bytes]
        master = _fresh(office, tmp_path / f"b{budget_bytes}")

        def fdopen(fd: int, *args: object, _b: list[int] = budget, **kwargs: object) -> object:
            return _Limited(real_fdopen(fd, *args, **kwargs), _b)  # type: ignore[call-overload]

        def write(fd: int, data: bytes, _b: list[int] = budget) -> int:
            if len(data) > _b[0]:
                raise OSError(errno.ENOSPC, "No space left on device")
            _b[0] -= len(data)
            return real_write(fd, data)

        monkeypatch.setattr(os, "fdopen", fdopen)
        monkeypatch.setattr(os, "write", write)
        try:
            merge.run(master, office["inbox"], Q1, as_of=AS_OF)  # type: ignore[arg-type]
        except DiskFullError as exc:
            assert "hết chỗ trống" in str(exc)
            refused += 1
        finally:
            monkeypatch.undo()
        tried += 1
        assert state(master) in (office["old"], office["new"])
        archive_matches_log(master)
        no_truncated_backup(master)
        assert leftovers(master.parent) == []
        merge.run(master, office["inbox"], Q1, as_of=AS_OF)  # type: ignore[arg-type]
        assert state(master) == office["new"]
        archive_matches_log(master)
    assert tried >= 20 and 0 < refused < tried, (tried, refused)  # the budget bit, and the last ones fit
