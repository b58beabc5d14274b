"""Time every parc-xl job on a synthetic office, beside the floor and a plain baseline.

    python benchmarks/run.py [--load reference|large|tiny] [--json] [--repeat N]
                             [--only merge,validate] [--profile DIR]

For each job (import, generate, validate, merge, status, report) the median of
`--repeat` runs (default 3), each in a fresh subprocess (`worker.py`) on fresh copies of
the master and the inbox. Jobs that read unit files (validate, merge) are compared with
the **floor** (`floor.py`: python-calamine reading the same files' values, nothing else)
and the **baseline** (`baseline.py`: the straightforward openpyxl + pandas merge; for
validate its reading half). Two fixed-size cases run at every load except `tiny`:
"validate one 200-row workbook" and "status + colours on 200,000 rows" (1,000 units ×
200 tasks).

seconds = wall time of the job call in a warm process (imports done);
process_seconds = the whole subprocess (interpreter start + imports + job), i.e. what
a CLI user waits; peak_mib = the subprocess's max RSS (`ru_maxrss`, includes the
interpreter and imported libraries).

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
}
JOBS = ["import", "generate", "validate", "merge", "status", "report"]
EXTRA = ["validate_one_workbook", "status_colours_big"]
READS_UNIT_FILES = {"validate": "baseline_read", "merge": "baseline"}

TARGETS = {
    # PRODUCT.md / issue 8 "Targets"
    "reference_merge_seconds": {"load": "reference", "job": "merge", "field": "seconds",
                                "max": 3.0},
    "large_merge_seconds": {"load": "large", "job": "merge", "field": "seconds", "max": 60.0},
    "large_merge_vs_baseline": {"load": "large", "job": "merge", "field": "ratio_baseline",
                                "min": 3.0},
    "large_merge_peak_mib": {"load": "large", "job": "merge", "field": "peak_mib",
                             "max": 1536.0},
    "validate_one_200_row_workbook_seconds": {"load": None, "job": "validate_one_workbook",
                                              "field": "seconds", "max": 0.2},
    "status_colours_200000_rows_seconds": {"load": None, "job": "status_colours_big",
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
            "python": platform.python_version(), "platform": platform.platform()}


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


SLOW_JOBS = {"import", "generate", "report"}
SLOW_REPEAT: int | None = None


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
               profile_dir: Path | None, fresh: bool) -> dict[str, Any]:
    spec = OfficeSpec(units=units, rows=rows)
    log(f"[bench] load {name}: {units} units × {rows} rows, repeat {repeat}")
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

        for job, base in READS_UNIT_FILES.items():
            if job not in jobs or need_files():
                continue
            entry = jobs[job]
            fl = measure("floor", lambda i: {"files": files}, repeat)
            entry["floor_seconds"] = fl.get("seconds")
            entry["floor_peak_mib"] = fl.get("peak_mib")
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
            if want("status_colours_big"):
                if name == "large" and "status" in jobs and "error" not in jobs["status"]:
                    jobs["status_colours_big"] = dict(jobs["status"], rows=units * rows,
                                                      note="same as the status job at this load")
                else:
                    jobs["status_colours_big"] = bench_status_big(repeat, profile_dir, fresh)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for job in JOBS + (EXTRA if name != "tiny" else []):
        if only is None or job in only:
            jobs.setdefault(job, {"error": "not run"})
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
    log("[bench] status + colours on 200,000 rows (1,000 units × 200 tasks)")
    # the large office (shared cache): its master as imported, before any merge
    office = build_office(OfficeSpec(units=1000, rows=200), fresh=fresh, log=log)
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


def _clean_shares() -> Any:
    from benchmarks.office import Shares
    return Shares(missing=0.0, late=0.0, wrong=0.0)


def evaluate_targets(load: str, jobs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, t in TARGETS.items():
        entry: dict[str, Any] = {k: t[k] for k in ("max", "min") if k in t}
        if t["load"] is not None and t["load"] != load:
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
    ap.add_argument("--repeat-slow", type=int,
                    help="runs of import/generate/report (default: --repeat); for the large load")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--only", help="comma-separated jobs, e.g. merge,validate")
    ap.add_argument("--profile", type=Path, help="write pyinstrument profiles (first run) here")
    ap.add_argument("--fresh", action="store_true", help="ignore the office cache")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="give up on one job run after this many seconds (reported as error)")
    ns = ap.parse_args(argv)
    units, rows = LOADS[ns.load]
    units, rows = ns.units or units, ns.rows or rows
    only = set(ns.only.split(",")) if ns.only else None
    started = dt.datetime.now().astimezone()
    global SLOW_REPEAT, TIMEOUT
    TIMEOUT = ns.timeout
    SLOW_REPEAT = max(1, ns.repeat_slow) if ns.repeat_slow else None
    res = bench_load(ns.load, units, rows, max(1, ns.repeat), only, ns.profile, ns.fresh)
    report = {"load": ns.load, "units": units, "rows": rows,
              "tracking_rows": res["tracking_rows"], "repeat": max(1, ns.repeat),
              "machine": machine(), "date": started.date().isoformat(),
              "started": started.isoformat(timespec="seconds"),
              "jobs": res["jobs"], "returns": res["returns"], "notes": res["notes"],
              "targets": evaluate_targets(ns.load, res["jobs"])}
    if ns.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
