"""Time and peak memory of `parc-xl merge` and `parc-xl validate` on each hostile return of
tests/hostile_books.py, beside one good return (issue 13 item 1). Not a test: it prints.

    python benchmarks/hostile_returns.py [--only far_cell_meta,bad_crc_report] [--json]

Each case runs the CLI in a fresh process on a fresh copy of the office. Printed per case:
the merge's exit code, whether the good return was accepted, the hostile file's problem
codes, seconds, and peak RSS (MiB) of the largest process of the job (the CLI or one of
its reader workers: `ru_maxrss` of the waited-for descendants)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_books import BASE_ANSWERS, HOSTILE, sparse_supported  # noqa: E402
from office import make_office  # noqa: E402

from parc_xl.jobs import units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

PERIOD = "2026-Q1"
AS_OF = "25/03/2026"
TIMEOUT = 180


def _office(root: Path) -> tuple[Path, Path, Path]:
    master = make_office(root / "vp")
    units_generate.run(master, PERIOD, root / "gui", ["PNV", "PTP"])
    good = fill_return(root / "gui" / f"{PERIOD}_PNV.xlsx", root / "good.xlsx",
                       {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 12, 9))
    base = fill_return(root / "gui" / f"{PERIOD}_PTP.xlsx", root / "base.xlsx",
                       BASE_ANSWERS, dt.datetime(2026, 3, 12, 10))
    return master, good, base


# Runs the CLI in a child and reports the peak RSS of its largest descendant: ru_maxrss of
# RUSAGE_CHILDREN only grows, so each measurement needs a fresh parent.
_WRAP = """
import resource, subprocess, sys
p = subprocess.run([sys.executable, "-m", "parc_xl", *sys.argv[1:]], capture_output=True, text=True)
sys.stdout.write(p.stdout)
sys.stderr.write("\\n%d %d" % (p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
"""


def _run(args: list[str]) -> tuple[int, dict, float, float]:
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", _WRAP, *args, "--json"], capture_output=True,
                              timeout=TIMEOUT, text=True)
        code_text, peak_text = proc.stderr.rsplit("\n", 1)[-1].split()
        code, peak, out = int(code_text), int(peak_text), proc.stdout
    except subprocess.TimeoutExpired:
        code, peak, out = -999, 0, ""
    seconds = time.perf_counter() - start
    try:
        data = json.loads(out) if out.strip() else {}
    except json.JSONDecodeError:
        data = {}
    return code, data, seconds, peak / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args()
    names = [n for n in HOSTILE if not opts.only or n in opts.only.split(",")] + (
        ["all_together"] if not opts.only or "all_together" in opts.only.split(",") else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="parc_xl_hostile_") as tmp:
        root = Path(tmp)
        office, good, base = _office(root / "office")
        for name in names:
            case = root / name
            shutil.copytree(office.parent, case / "vp")
            inbox = case / "hop_thu"
            inbox.mkdir()
            shutil.copy2(good, inbox / "pnv.xlsx")
            hostile = [] if name == "all_together" else [name]
            if name == "all_together":
                hostile = [n for n in HOSTILE if n != "sparse_huge" or sparse_supported(root)]
            for n in hostile:
                if n == "sparse_huge" and not sparse_supported(root):
                    continue
                HOSTILE[n][0](base, inbox / f"{n}.xlsx")
            master = case / "vp" / office.name
            code, data, seconds, peak = _run(["merge", str(master), str(inbox), "--period", PERIOD,
                                              "--as-of", AS_OF])
            accepted = [Path(f).name for f in data.get("accepted", [])]
            codes = sorted({i["code"] for r in data.get("rejected", []) for i in r.get("issues", [])})
            vcode, vdata, vsec, vpeak = _run(["validate", str(inbox / "pnv.xlsx"),
                                              *[str(inbox / f"{n}.xlsx") for n in hostile
                                                if (inbox / f"{n}.xlsx").exists()],
                                              "--master", str(master), "--as-of", AS_OF])
            rows.append({"case": name, "merge_exit": code, "good_merged": "pnv.xlsx" in accepted,
                         "codes": codes, "seconds": round(seconds, 2), "peak_mib": round(peak),
                         "validate_exit": vcode, "validate_files": len(vdata.get("files", [])),
                         "validate_seconds": round(vsec, 2)})
            shutil.rmtree(case, ignore_errors=True)
    if opts.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print(f"{'case':24} {'merge':>5} {'good':>5} {'s':>6} {'MiB':>6} {'valid.':>6} {'files':>5}  codes")
    for r in rows:
        print(f"{r['case']:24} {r['merge_exit']:>5} {str(r['good_merged']):>5} {r['seconds']:>6} "
              f"{r['peak_mib']:>6} {r['validate_exit']:>6} {r['validate_files']:>5}  {','.join(r['codes'])}")
    print(f"(python {sys.version.split()[0]}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
