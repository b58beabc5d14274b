"""One bad return never stops the others (issue 13 item 1).

Each hostile file of tests/hostile_books.py sits in an inbox beside a good return: the
merge gives the hostile file its own record (code, file, Vietnamese message), exits 1,
and merges the good one (its value is in `Theo dõi`, its row in `Nộp báo cáo`);
`validate` with both files reports each. Before this change these files aborted the
process (SIGABRT), ended in «Lỗi ngoài dự kiến» with exit 2 and nothing merged, cost
3 GiB, or were accepted. The second line (a reader that crashes, runs out of memory or
hangs on a file the guard let through) is tested with a reader made to do exactly that.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hostile_books import BASE_ANSWERS, HOSTILE, PADDED_VALUE, sparse_supported  # noqa: E402
from office import make_office, table  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import _isolation, merge, units_generate, validate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)
GOOD = {"1.1": {"progress": "Đang thực hiện", "difficulties": "Chờ ý kiến góp ý"}}
fork_only = pytest.mark.skipif(not _isolation.can_isolate(), reason="worker processes need fork (not on Windows)")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    master = make_office(root / "vp")
    units_generate.run(master, Q1, root / "gui", ["PNV", "PTP"])
    good = fill_return(root / "gui" / f"{Q1}_PNV.xlsx", root / "good.xlsx", GOOD, dt.datetime(2026, 3, 12, 9))
    base = fill_return(root / "gui" / f"{Q1}_PTP.xlsx", root / "base.xlsx", BASE_ANSWERS,
                       dt.datetime(2026, 3, 12, 10))
    return {"root": root, "master": master, "good": good, "base": base}


def _inbox(office: dict[str, Path], tmp_path: Path, hostile: dict[str, Path | None]) -> tuple[Path, Path]:
    """A copy of the master and an inbox with the good return and the named files."""
    master = tmp_path / "vp" / office["master"].name
    master.parent.mkdir()
    shutil.copy2(office["master"], master)
    inbox = tmp_path / "hop_thu"
    inbox.mkdir()
    shutil.copy2(office["good"], inbox / "pnv.xlsx")
    for name, src in hostile.items():
        if src is None:
            HOSTILE[name][0](office["base"], inbox / f"{name}.xlsx")
        else:
            shutil.copy2(src, inbox / name)
    return master, inbox


def _good_return_merged(master: Path) -> None:
    rows = {(str(r["Khóa"]), str(r["Mã đơn vị"])): r for r in table(master, L.SHEET_TRACKING)}
    assert rows[("1.1", "PNV")]["Tiến độ"] == "Đang thực hiện"
    assert rows[("1.1", "PNV")]["Khó khăn, vướng mắc"] == "Chờ ý kiến góp ý"
    log = {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}
    assert log["pnv.xlsx"]["Kết quả"] == merge.ACCEPTED


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_return_is_its_own_record_and_the_good_one_is_merged(
        office: dict[str, Path], tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if case == "sparse_huge" and not sparse_supported(tmp_path):
        pytest.skip("this file system does not store a sparse 4 GB file")
    hashed: list[str] = []
    real_hash = merge.file_sha256
    monkeypatch.setattr(merge, "file_sha256", lambda p: hashed.append(Path(p).name) or real_hash(p))
    master, inbox = _inbox(office, tmp_path, {case: None})
    bad = inbox / f"{case}.xlsx"
    code = HOSTILE[case][1]

    result = merge.run(master, inbox, Q1, as_of=AS_OF)

    assert [Path(f).name for f in result.accepted] == ["pnv.xlsx"]
    [rejected] = result.rejected
    assert Path(rejected.file).name == bad.name
    first = rejected.issues[0] if code != "formula-in-fill" else next(p for p in rejected.issues if p.code == code)
    assert first.code == code and first.severity.value == "error"
    assert bad.name in first.message or first.cell  # the message names the file (or the cell of a cell problem)
    assert "Lỗi ngoài dự kiến" not in first.message and first.message == first.message.strip()
    assert result.exit_code == 1
    _good_return_merged(master)
    log = {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}
    assert log[bad.name]["Kết quả"] == merge.REJECTED and log[bad.name]["Ghi chú"]
    if case == "sparse_huge":  # refused by its size before anything read it
        assert bad.name not in hashed and log[bad.name]["SHA-256"] == ""
    if case == "padded_formula":  # the formula's cached value never lands in Theo dõi
        ptp = [r for r in table(master, L.SHEET_TRACKING) if r["Mã đơn vị"] == "PTP"]
        assert ptp and all(r["Văn bản / sản phẩm"] != PADDED_VALUE for r in ptp)

    checked = validate.run([inbox / "pnv.xlsx", bad], master=master, as_of=AS_OF)
    good_report, bad_report = checked.files
    assert good_report.ok and good_report.readable
    assert code in {p.code for p in bad_report.problems} and not bad_report.ok
    assert checked.exit_code == 1


def test_every_hostile_return_at_once_leaves_the_good_one_merged(office: dict[str, Path], tmp_path: Path) -> None:
    names = [n for n in HOSTILE if n != "sparse_huge" or sparse_supported(tmp_path)]
    master, inbox = _inbox(office, tmp_path, dict.fromkeys(names))
    result = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert [Path(f).name for f in result.accepted] == ["pnv.xlsx"]
    codes = {Path(r.file).stem: {p.code for p in r.issues} for r in result.rejected}
    assert codes.keys() == set(names)
    assert all(HOSTILE[n][1] in codes[n] for n in names)
    _good_return_merged(master)
    checked = validate.run(sorted(inbox.iterdir()), master=master, as_of=AS_OF)
    assert len(checked.files) == len(names) + 1 and checked.exit_code == 1
    assert [f.ok for f in checked.files].count(True) == 1


def _reader_that(office: dict[str, Path], monkeypatch: pytest.MonkeyPatch, act: str) -> None:
    """The merge's reader does `act` on the file named victim.xlsx (a copy of the good
    base return that passes every screening), as a native library might."""
    real = merge.check_file

    def reader(path: Path, *args: object, **kwargs: object) -> validate.FileReport:
        if Path(path).name == "victim.xlsx":
            if act == "abort":
                os.abort()
            elif act == "memory":
                hog = bytearray(4 * 1024 ** 3)  # 4 GiB at once, past the worker's allowance (1 GiB)
                del hog
            elif act == "hang":
                time.sleep(600)  # killed at the time limit
            elif act == "raise":
                raise ValueError("bộ đọc hỏng")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "check_file", reader)


@fork_only
@pytest.mark.parametrize(("act", "code", "words"), [
    ("abort", "reader-crashed", "SIGABRT"),
    ("memory", "reader-crashed", "quá nhiều bộ nhớ"),
    ("hang", "read-timeout", "quá 10 giây"),
    ("raise", "read-failed", "bộ đọc hỏng"),
])
def test_a_reader_that_dies_on_one_file_makes_that_files_record(
        office: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, act: str, code: str,
        words: str) -> None:
    _reader_that(office, monkeypatch, act)
    # only the hanging reader meets the limit; 10 s is a hundred times what the good file takes
    monkeypatch.setattr(_isolation, "TIME_LIMIT", 10.0 if act == "hang" else 600.0)
    master, inbox = _inbox(office, tmp_path, {"victim.xlsx": office["base"]})
    result = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert [Path(f).name for f in result.accepted] == ["pnv.xlsx"]
    [rejected] = result.rejected
    assert Path(rejected.file).name == "victim.xlsx"
    assert rejected.issues[0].code == code and words in rejected.issues[0].message
    assert "victim.xlsx" in rejected.issues[0].message and "gửi lại" in rejected.issues[0].message
    assert result.exit_code == 1
    _good_return_merged(master)


@fork_only
def test_validate_reports_every_file_when_the_reader_aborts_on_one(
        office: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = validate.check_file

    def reader(path: Path, *args: object, **kwargs: object) -> validate.FileReport:
        if Path(path).name == "victim.xlsx":
            os.abort()
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "check_file", reader)
    victim = tmp_path / "victim.xlsx"
    shutil.copy2(office["base"], victim)
    checked = validate.run([office["good"], victim, office["base"]], master=office["master"], as_of=AS_OF)
    assert [f.ok for f in checked.files] == [True, False, True]
    assert checked.files[1].problems[0].code == "reader-crashed" and not checked.files[1].readable
    assert checked.exit_code == 1
    assert "victim.xlsx: không đọc được — Bộ đọc dừng đột ngột" in checked.summary_vi()


@fork_only
def test_many_files_with_one_crash_keep_their_order_on_several_workers(
        office: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel path: 20 items over several workers, one of which aborts."""
    def read(i: int) -> int:
        if i == 7:
            os.abort()
        return i * i

    out = _isolation.run_isolated(read, list(range(20)), lambda i, f: -1 if f.kind == "crashed" else -2, workers=3)
    assert out == [-1 if i == 7 else i * i for i in range(20)]
