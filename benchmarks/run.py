"""Time every parc-xl job on a synthetic office, beside the floor and a plain baseline.

    python benchmarks/run.py [--load reference|large|status-200k|tiny] [--json]
                             [--repeat N] [--repeat-slow N] [--only merge,validate]
                             [--profile DIR] [--fresh]
    python benchmarks/run.py --growth [--growth-units 10,60,250,1000] [--json]

For each job (import, generate, validate, merge, status, report) the median of
`--repeat` runs (default 3; import, generate, report and the baseline: `--repeat-slow`,
default 1), each in a fresh subprocess (`worker.py`) on fresh copies of the master and
the inbox. Jobs that read unit files (validate, merge) are compared with the **floor**
(`floor.py`: python-calamine reading the same files' values, nothing else) and the
**baseline** (`baseline.py`: the straightforward openpyxl + pandas merge; for validate
its reading half). Every load except `tiny` also times "validate one 200-row workbook"
and the ribbon's cold start (`cold_start.py`). "Status + colours on 200,000 rows" is
its own load, `status-200k` (the 1,000 × 200 master as imported, no unit workbooks);
at `large` it is the status job itself.

`--growth` runs validate, merge and status at 10, 60 and 250 units × 150 tasks (add
1,000 with `--growth-units 10,60,250,1000`: it builds a 1,000-unit office) and prints the
cost per unit file, which should stay flat.

seconds = wall time of the job call in a warm process (imports done);
process_seconds = the whole subprocess (interpreter start + imports + job), i.e. what
a CLI user waits; peak_mib = the subprocess's peak RSS (`VmHWM`, includes the
interpreter and imported libraries). Targets are ratios measured in the same run
(job / floor, baseline / job) wherever the issue allows, so a busy machine moves both
sides; the few absolute ones (generate, import, cold start) say so.

With --json stdout carries exactly one JSON object; progress goes to stderr.
Jobs whose module does not exist yet are reported as {"error": "..."}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.office import Office, OfficeSpec, build_office  # noqa: E402

# name -> (units, rows)
LOADS: dict[str, tuple[int, int]] = {
    "tiny": (3, 5),
    "reference": (60, 150),
    "large": (1000, 200),
    "status-200k": (1000, 200),  # only the imported master: status + colours on 200,000 rows
}
JOBS = ["import", "generate", "validate", "merge", "status", "report"]
EXTRA = ["validate_one_workbook", "cold_start"]
READS_UNIT_FILES = {"validate": "baseline_read", "merge": "baseline"}
GROWTH_UNITS = [10, 60, 250]
GROWTH_ROWS = 150
GROWTH_JOBS = ["validate", "merge", "status"]

TARGETS: dict[str, dict[str, Any]] = {
    # issue 18: ratios measured in the same run wherever possible
    "reference_merge_vs_floor": {"load": "reference", "job": "merge", "field": "ratio_floor",
                                 "max": 3.0},
    "reference_validate_vs_floor": {"load": "reference", "job": "validate",
                                    "field": "ratio_floor", "max": 3.0},
    "reference_merge_vs_baseline": {"load": "reference", "job": "merge",
                                    "field": "ratio_baseline", "min": 5.0},
    "large_merge_vs_floor": {"load": "large", "job": "merge", "field": "ratio_floor", "max": 3.0},
    "large_merge_vs_baseline": {"load": "large", "job": "merge", "field": "ratio_baseline",
                                "min": 5.0},
    "large_merge_peak_mib": {"load": "large", "job": "merge", "field": "peak_mib",
                             "max": 1228.8},  # 1.2 GiB
    "large_generate_seconds": {"load": "large", "job": "generate", "field": "seconds",
                               "max": 60.0},
    "large_import_seconds": {"load": "large", "job": "import", "field": "seconds", "max": 30.0},
    "cold_start_seconds": {"load": "any", "job": "cold_start", "field": "seconds", "max": 0.4},
    # PRODUCT.md / issue 8
    "validate_one_200_row_workbook_seconds": {"load": "any", "job": "validate_one_workbook",
                                              "field": "seconds", "max": 0.2},
    "status_colours_200000_rows_seconds": {"load": "status-200k", "job": "status_colours_big",
                                           "field": "seconds", "max": 15.0},
}


def log(*a: Any) -> None:
    print(*a, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": ram,
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": round(os.getloadavg()[0], 2), "commit": _commit()}


def ended(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "load_average_end": round(os.getloadavg()[0], 2)}


def _commit() -> str:
    """The code measured: the repository's HEAD (with "+dirty" for uncommitted changes)."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+dirty" if dirty and head else "")


TIMEOUT = 1800.0  # seconds per worker run; --timeout


def worker(job: str, args: dict[str, Any], profile: Path | None = None,
           timeout: float | None = None) -> dict[str, Any]:
    timeout = timeout or TIMEOUT
    spec = json.dumps({"job": job, "args": args, "profile": str(profile) if profile else None},
                      default=str)
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, str(HERE / "worker.py"), spec], cwd=REPO,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"error": f"worker failed (exit {p.returncode}): {p.stderr.strip()[-800:]}"}
    out = json.loads(lines[-1])
    out["process_seconds"] = wall
    return out


def _copy_master(src: Path, dst_dir: Path) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copy2(src, dst)
    return dst


def _copy_inbox(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)  # copytree keeps mtimes (late returns stay late)
    return dst


SLOW_JOBS = {"import", "generate", "report", "baseline", "baseline_read"}
SLOW_REPEAT: int | None = 1


def measure(job: str, make_args: Any, repeat: int, profile_dir: Path | None = None
            ) -> dict[str, Any]:
    """Median of `repeat` worker runs; `make_args(i)` builds fresh inputs for run i."""
    if job in SLOW_JOBS and SLOW_REPEAT:
        repeat = SLOW_REPEAT
    runs = []
    for i in range(repeat):
        args = make_args(i)
        if isinstance(args, str):  # a reason the job cannot run
            return {"error": args}
        prof = None
        if profile_dir is not None and i == 0:
            profile_dir.mkdir(parents=True, exist_ok=True)
            prof = profile_dir / f"{job}.txt"
        r = worker(job, args, prof)
        if "error" in r:
            log(f"  {job}: {r['error'][:300]}")
            if r.get("traceback"):
                log(r["traceback"])
            return {"error": r["error"], "peak_mib": r.get("peak_mib")}
        runs.append(r)
        log(f"  {job} run {i + 1}/{repeat}: {r['seconds']:.3f} s "
            f"(process {r['process_seconds']:.2f} s, peak {r['peak_mib']:.0f} MiB)")
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "process_seconds": statistics.median(r["process_seconds"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
        "runs": [round(r["seconds"], 4) for r in runs],
        "result": runs[-1].get("result"),
    }


def _as_of(office: Office) -> dt.date:
    base = office.submission_deadline or dt.date(office.spec.year, 3, 31)
    return base + dt.timedelta(days=14)


def bench_load(name: str, units: int, rows: int, repeat: int, only: set[str] | None,
               profile_dir: Path | None, fresh: bool, baseline: bool = True) -> dict[str, Any]:
    spec = OfficeSpec(units=units, rows=rows)
    log(f"[bench] load {name}: {units} units × {rows} rows, repeat {repeat}")
    est = estimate(spec, repeat, fresh, only, baseline=baseline)
    log(f"[bench] expected duration here: about {est['total'] / 60:.1f} min "
        f"(office build {est['office'] / 60:.1f} min{'' if est['office'] else ', cached'}, "
        f"jobs {est['jobs'] / 60:.1f} min; from the per-row costs in run.py COST; "
        "2-3x that if the machine is busy)")
    t0 = time.perf_counter()
    office = build_office(spec, fresh=fresh, log=log)
    log(f"[bench] office ready in {time.perf_counter() - t0:.1f} s at {office.root}")
    tmp = Path(tempfile.mkdtemp(prefix=f"parcxl-bench-{name}-"))
    jobs: dict[str, Any] = {}
    files = [str(p) for p in office.unit_files]
    as_of = _as_of(office).isoformat()
    period = spec.period
    merged: dict[str, Path] = {}

    def want(job: str) -> bool:
        return only is None or job in only

    def run_dir(job: str, i: int) -> Path:
        d = tmp / f"{job}-{i}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        return d

    def need_master() -> str | None:
        return None if office.master and office.master.exists() else \
            "no master: " + "; ".join(office.notes or ["plan import did not run"])

    def need_files() -> str | None:
        return None if files else "no unit files: " + "; ".join(
            office.notes or ["units_generate did not run"])

    try:
        if want("import"):
            jobs["import"] = measure("import", lambda i: {
                "source": office.plan, "year": spec.year, "units": office.registry,
                "output": run_dir("import", i) / "master.xlsx"}, repeat, profile_dir)

        if want("generate"):
            jobs["generate"] = measure("generate", lambda i: need_master() or {
                "master": _copy_master(office.master, run_dir("generate", i)),
                "period": period, "out_dir": tmp / f"generate-{i}" / "out"},
                repeat, profile_dir)

        if want("validate"):
            jobs["validate"] = measure("validate", lambda i: need_master() or need_files() or {
                "files": files, "master": office.master, "as_of": as_of}, repeat, profile_dir)

        if want("merge"):
            def merge_args(i: int) -> Any:
                why = need_master() or need_files()
                if why:
                    return why
                d = run_dir("merge", i)
                merged["master"] = d / office.master.name
                return {"master": _copy_master(office.master, d),
                        "inbox": _copy_inbox(office.inbox, d / "inbox"),
                        "period": period, "as_of": as_of}
            jobs["merge"] = measure("merge", merge_args, repeat, profile_dir)

        def merged_master(job: str, i: int) -> Any:
            why = need_master()
            if why:
                return why
            src = merged.get("master") if "error" not in jobs.get("merge", {"error": 1}) \
                else office.master
            return _copy_master(src or office.master, run_dir(job, i))

        if want("status"):
            jobs["status"] = measure("status", lambda i: (lambda m: m if isinstance(m, str) else {
                "master": m, "as_of": as_of})(merged_master("status", i)), repeat, profile_dir)

        if want("report"):
            jobs["report"] = measure("report", lambda i: (lambda m: m if isinstance(m, str) else {
                "master": m, "period": period, "output": m.parent / "bao_cao.docx"})(
                merged_master("report", i)), repeat, profile_dir)

        floor: dict[str, Any] | None = None
        for job, base in READS_UNIT_FILES.items():
            if job not in jobs or need_files():
                continue
            entry = jobs[job]
            if floor is None:  # the same files for both jobs: read once per run
                floor = measure("floor", lambda i: {"files": files}, repeat)
            entry["floor_seconds"] = floor.get("seconds")
            entry["floor_peak_mib"] = floor.get("peak_mib")
            entry["files"] = len(files)
            if not baseline:
                if entry.get("seconds") and entry["floor_seconds"]:
                    entry["ratio_floor"] = entry["seconds"] / entry["floor_seconds"]
                continue
            if base == "baseline":
                bl = measure("baseline", lambda i: need_master() or {
                    "master": _copy_master(office.master, run_dir("baseline", i)),
                    "files": files, "period": period}, repeat)
            else:
                bl = measure(base, lambda i: {"files": files, "period": period}, repeat)
            entry["baseline_seconds"] = bl.get("seconds")
            entry["baseline_peak_mib"] = bl.get("peak_mib")
            if "error" in bl:
                entry["baseline_error"] = bl["error"]
            s = entry.get("seconds")
            if s:
                if entry["floor_seconds"]:
                    entry["ratio_floor"] = s / entry["floor_seconds"]
                if entry["baseline_seconds"]:
                    entry["ratio_baseline"] = entry["baseline_seconds"] / s

        if name != "tiny":
            if want("validate_one_workbook"):
                jobs["validate_one_workbook"] = bench_validate_one(repeat, profile_dir, fresh)
            if want("cold_start"):
                jobs["cold_start"] = bench_cold_start()
        if name == "large" and "status" in jobs and "error" not in jobs["status"]:
            jobs["status_colours_big"] = dict(jobs["status"], rows=units * rows,
                                              note="same as the status job at this load")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for job in JOBS + (EXTRA if name != "tiny" else []):
        if only is None or job in only:
            jobs.setdefault(job, {"error": "not run"})
    for job in ("import", "generate"):  # cost per unit workbook / per tracking row
        e = jobs.get(job, {})
        if e.get("seconds"):
            e["seconds_per_unit"] = e["seconds"] / units
    return {"load": name, "units": units, "rows": rows, "tracking_rows": units * rows,
            "jobs": jobs, "returns": _return_counts(office), "notes": office.notes}


def _return_counts(office: Office) -> dict[str, int]:
    out: dict[str, int] = {}
    for fate in office.returns.values():
        out[fate] = out.get(fate, 0) + 1
    return out


def bench_validate_one(repeat: int, profile_dir: Path | None, fresh: bool) -> dict[str, Any]:
    log("[bench] validate one 200-row workbook")
    office = build_office(OfficeSpec(units=1, rows=200, shares=_clean_shares()), fresh=fresh,
                          log=log)
    if not office.unit_files:
        return {"error": "no unit file: " + "; ".join(office.notes or ["generation failed"])}
    f = [str(office.unit_files[0])]
    r = measure("validate_one_workbook", lambda i: {
        "files": f, "master": office.master, "as_of": _as_of(office).isoformat()},
        max(repeat, 5), profile_dir)
    r["rows"] = 200
    fl = measure("floor", lambda i: {"files": f}, max(repeat, 5))
    r["floor_seconds"] = fl.get("seconds")
    if r.get("seconds") and r.get("floor_seconds"):
        r["ratio_floor"] = r["seconds"] / r["floor_seconds"]
    return r


def bench_status_big(repeat: int, profile_dir: Path | None, fresh: bool) -> dict[str, Any]:
    """Load `status-200k`: status + colours on the 1,000 × 200 master as imported."""
    log("[bench] status + colours on 200,000 rows (1,000 units × 200 tasks)")
    spec = OfficeSpec(units=1000, rows=200)
    est = estimate(spec, repeat, fresh, {"status"}, blanks=False)
    log(f"[bench] expected duration here: about {est['total'] / 60:.1f} min "
        f"(import {est['office'] / 60:.1f} min{'' if est['office'] else ', cached'})")
    # the large office's master (shared cache), before any merge; no unit workbooks
    office = build_office(spec, fresh=fresh, blanks=False, returns=False, log=log)
    if not office.master or not office.master.exists():
        return {"error": "no master: " + "; ".join(office.notes or ["import failed"])}
    tmp = Path(tempfile.mkdtemp(prefix="parcxl-bench-status-"))
    try:
        def args(i: int) -> dict[str, Any]:
            d = tmp / str(i)
            return {"master": _copy_master(office.master, d), "as_of": _as_of(office).isoformat()}
        r = measure("status_colours_big", args, repeat, profile_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    r["rows"] = 200_000
    r["note"] = "master straight from import (no returns merged)"
    return r


def bench_cold_start(repeat: int = 5) -> dict[str, Any]:
    log("[bench] cold start of a ribbon click (interpreter + handlers + the job module)")
    from benchmarks.cold_start import measure as cold

    r = cold(repeat)
    log(f"  cold start: worst {r['worst_button']} {r['seconds']:.3f} s (CPU {r['cpu_seconds']:.3f} s), "
        f"bare python {r['bare_python_seconds']:.3f} s")
    return r


def bench_growth(units_list: list[int], repeat: int, fresh: bool) -> list[dict[str, Any]]:
    """validate, merge and status at each office size (GROWTH_ROWS tasks), cost per file."""
    out = []
    for units in units_list:
        res = bench_load(f"growth-{units}", units, GROWTH_ROWS, repeat, set(GROWTH_JOBS), None,
                         fresh, baseline=False)
        row: dict[str, Any] = {"units": units, "rows": GROWTH_ROWS,
                               "tracking_rows": units * GROWTH_ROWS, "returns": res["returns"]}
        files = sum(n for fate, n in res["returns"].items() if fate != "missing")
        row["files"] = files
        for job in GROWTH_JOBS:
            e = res["jobs"].get(job, {})
            row[job] = {k: e.get(k) for k in ("seconds", "peak_mib", "floor_seconds", "ratio_floor",
                                              "error") if e.get(k) is not None}
            if e.get("seconds") and files:
                per = e["seconds"] / (files if job != "status" else units)
                row[job]["ms_per_unit"] = 1000 * per
        fl = res["jobs"].get("merge", {}).get("floor_seconds")
        if fl and files:
            row["floor_ms_per_file"] = 1000 * fl / files
        out.append(row)
    return out


def growth_table(rows: list[dict[str, Any]], started: str) -> str:
    lines = [f"parc-xl growth — {GROWTH_ROWS} tasks per unit, {started}",
             "cost per unit file (ms; status: per unit of the master) and job/floor", ""]
    head = (f"{'units':>6} {'files':>6} {'validate s':>10} {'ms/file':>8} {'×floor':>7} "
            f"{'merge s':>8} {'ms/file':>8} {'×floor':>7} {'status s':>9} {'ms/unit':>8} "
            f"{'floor ms/file':>13}")
    lines += [head, "-" * len(head)]
    for r in rows:
        v, m, st = r.get("validate", {}), r.get("merge", {}), r.get("status", {})
        lines.append(f"{r['units']:>6} {r['files']:>6} {_fmt(v.get('seconds'), '.2f'):>10} "
                     f"{_fmt(v.get('ms_per_unit'), '.1f'):>8} {_fmt(v.get('ratio_floor'), '.1f'):>7} "
                     f"{_fmt(m.get('seconds'), '.2f'):>8} {_fmt(m.get('ms_per_unit'), '.1f'):>8} "
                     f"{_fmt(m.get('ratio_floor'), '.1f'):>7} {_fmt(st.get('seconds'), '.2f'):>9} "
                     f"{_fmt(st.get('ms_per_unit'), '.1f'):>8} {_fmt(r.get('floor_ms_per_file'), '.1f'):>13}")
    return "\n".join(lines)


# Seconds per tracking row (units × tasks) of each step, used only to say up front how long a
# load will take: the quiet 1,000 × 200 run of 2026-12-04 (2 cores, nothing else running:
# whole load 8.2 min, reference 49 s) with a 1.5× margin; a machine shared with other test
# suites (load average 3–5) took 2–4× as long on 2026-12-03. "fill" is benchmarks/office.py
# filling the returns with openpyxl; each job run also pays ~1 s of process start.
COST: dict[str, float] = {
    "import": 0.04e-3, "generate": 0.055e-3, "fill": 0.8e-3,
    "validate": 0.14e-3, "merge": 0.19e-3, "status": 0.095e-3, "report": 0.23e-3,
    "floor": 0.035e-3, "baseline": 1.4e-3, "baseline_read": 0.46e-3,
}


def estimate(spec: OfficeSpec, repeat: int, fresh: bool, only: set[str] | None,
             blanks: bool = True, baseline: bool = True) -> dict[str, float]:
    """Expected seconds: building the office (the parts not cached) and the job runs."""
    from benchmarks.office import cached_stages

    n = spec.units * spec.rows
    ready = set() if fresh else cached_stages(spec)
    office = 0.0
    if "master" not in ready:
        office += COST["import"] * n
    if blanks and "blank" not in ready:
        office += COST["generate"] * n
    if blanks and "inbox" not in ready:
        office += COST["fill"] * n
    jobs = 0.0
    slow = SLOW_REPEAT or repeat
    for job in JOBS:
        if only is None or job in only:
            jobs += (COST[job] * n + 1.0) * (slow if job in SLOW_JOBS else repeat)
    if only is None or "validate" in only or "merge" in only:
        jobs += (COST["floor"] * n + 0.5) * repeat
        if baseline:
            jobs += (COST["baseline"] * n + COST["baseline_read"] * n + 2.0) * slow
    if only is None and spec.units > 3:
        jobs += 60.0  # validate one workbook, cold start
    return {"office": office, "jobs": jobs, "total": office + jobs}


def _clean_shares() -> Any:
    from benchmarks.office import Shares
    return Shares(missing=0.0, late=0.0, wrong=0.0)


def evaluate_targets(load: str, jobs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, t in TARGETS.items():
        entry: dict[str, Any] = {k: t[k] for k in ("max", "min") if k in t}
        if t["load"] != "any" and t["load"] != load:
            entry.update(measured=None, met=None, note=f"measured with --load {t['load']}")
        else:
            v = jobs.get(t["job"], {}).get(t["field"])
            entry["measured"] = v
            if v is None:
                entry["met"] = None
                entry["note"] = jobs.get(t["job"], {}).get("error", "not measured")
            else:
                entry["met"] = (v <= t["max"]) if "max" in t else (v >= t["min"])
        out[name] = entry
    return out


def _fmt(v: Any, spec: str = ".3f") -> str:
    return "—" if v is None else format(v, spec)


def table(report: dict[str, Any]) -> str:
    lines = [f"parc-xl benchmarks — load {report['load']} ({report['units']} units × "
             f"{report['rows']} rows = {report['tracking_rows']:,} tracking rows), "
             f"{report['date']}",
             f"machine: {report['machine']['nproc']} CPU {report['machine']['cpu']}, "
             f"{report['machine']['ram_gib']} GiB RAM, Python {report['machine']['python']}",
             f"returns: {report.get('returns')}", ""]
    head = f"{'job':24} {'seconds':>9} {'process s':>9} {'floor s':>9} {'baseline s':>10} " \
           f"{'peak MiB':>9} {'job/floor':>9} {'base/job':>9}"
    lines += [head, "-" * len(head)]
    for job, e in report["jobs"].items():
        if "error" in e and e.get("seconds") is None:
            lines.append(f"{job:24} ERROR: {e['error'][:90]}")
            continue
        lines.append(f"{job:24} {_fmt(e.get('seconds')):>9} {_fmt(e.get('process_seconds'), '.2f'):>9} "
                     f"{_fmt(e.get('floor_seconds')):>9} {_fmt(e.get('baseline_seconds')):>10} "
                     f"{_fmt(e.get('peak_mib'), '.0f'):>9} {_fmt(e.get('ratio_floor'), '.1f'):>9} "
                     f"{_fmt(e.get('ratio_baseline'), '.1f'):>9}")
    lines += ["", "targets:"]
    for name, t in report["targets"].items():
        bound = f"≤ {t['max']}" if "max" in t else f"≥ {t['min']}"
        met = {True: "MET", False: "MISSED", None: "n/a"}[t["met"]]
        lines.append(f"  {name:42} {bound:>8}  measured {_fmt(t.get('measured'))}  {met}"
                     + (f"  ({t['note']})" if t.get("note") else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--load", choices=sorted(LOADS), default="reference")
    ap.add_argument("--units", type=int, help="override the load's unit count")
    ap.add_argument("--rows", type=int, help="override the load's tasks per unit")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--repeat-slow", type=int, default=1,
                    help="runs of import/generate/report and the baseline (default 1)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--only", help="comma-separated jobs, e.g. merge,validate")
    ap.add_argument("--profile", type=Path, help="write pyinstrument profiles (first run) here")
    ap.add_argument("--fresh", action="store_true", help="ignore the office cache")
    ap.add_argument("--growth", action="store_true",
                    help="validate, merge and status at growing office sizes (cost per unit file)")
    ap.add_argument("--growth-units", default=",".join(map(str, GROWTH_UNITS)),
                    help="office sizes for --growth (default 10,60,250; 1,000 is opt-in)")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="give up on one job run after this many seconds (reported as error)")
    ns = ap.parse_args(argv)
    units, rows = LOADS[ns.load]
    units, rows = ns.units or units, ns.rows or rows
    only = set(ns.only.split(",")) if ns.only else None
    started = dt.datetime.now().astimezone()
    info = machine()  # the load average as the run starts; the end's is added below
    global SLOW_REPEAT, TIMEOUT
    TIMEOUT = ns.timeout
    SLOW_REPEAT = max(1, ns.repeat_slow)
    repeat = max(1, ns.repeat)
    t0 = time.perf_counter()
    if ns.growth:
        sizes = [int(u) for u in ns.growth_units.split(",") if u.strip()]
        growth = bench_growth(sizes, repeat, ns.fresh)
        out = {"mode": "growth", "rows": GROWTH_ROWS, "repeat": repeat, "machine": ended(info),
               "date": started.date().isoformat(), "started": started.isoformat(timespec="seconds"),
               "growth": growth, "wall_seconds": time.perf_counter() - t0}
        print(json.dumps(out, ensure_ascii=False, default=str) if ns.json
              else growth_table(growth, out["started"]))
        return 0
    if ns.load == "status-200k":
        res = {"tracking_rows": 200_000, "returns": {}, "notes": [],
               "jobs": {"status_colours_big": bench_status_big(repeat, ns.profile, ns.fresh)}}
    else:
        res = bench_load(ns.load, units, rows, repeat, only, ns.profile, ns.fresh)
    report = {"load": ns.load, "units": units, "rows": rows,
              "tracking_rows": res["tracking_rows"], "repeat": repeat,
              "repeat_slow": SLOW_REPEAT, "machine": ended(info),
              "date": started.date().isoformat(),
              "started": started.isoformat(timespec="seconds"),
              "jobs": res["jobs"], "returns": res["returns"], "notes": res["notes"],
              "targets": evaluate_targets(ns.load, res["jobs"]),
              "wall_seconds": time.perf_counter() - t0}
    log(f"[bench] done in {report['wall_seconds']:.0f} s")
    if ns.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
