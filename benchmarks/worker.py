"""Run one benchmarked job in this (fresh) process and print one JSON line.

`run.py` starts one subprocess per measurement so that each gets a clean heap: the
peak memory reported is this process's peak RSS (`VmHWM`, see `peak_mib`; whole
process: the interpreter, imports and the job — about 60–90 MiB of it is the
interpreter with pydantic/openpyxl/pandas imported), and `seconds` is the wall time of the job call
alone, imports excluded (`process_seconds` in run.py includes them).

Usage: python benchmarks/worker.py '{"job": "merge", "args": {...}, "profile": null}'
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _date(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def _job(module: str) -> Any:
    return importlib.import_module(f"parc_xl.jobs.{module}")


def prepare(job: str, a: dict[str, Any]) -> Callable[[], Any]:
    """Import what the job needs (outside the timer) and return the call to time."""
    if job == "import":
        m = _job("plan_import")
        return lambda: m.run(Path(a["source"]), a["year"], Path(a["output"]),
                             units=Path(a["units"]) if a.get("units") else None)
    if job == "generate":
        m = _job("units_generate")
        return lambda: m.run(Path(a["master"]), a["period"], Path(a["out_dir"]))
    if job in ("validate", "validate_one_workbook"):
        m = _job("validate")
        return lambda: m.run([Path(f) for f in a["files"]],
                             master=Path(a["master"]) if a.get("master") else None,
                             as_of=_date(a.get("as_of")))
    if job == "merge":
        m = _job("merge")
        return lambda: m.run(Path(a["master"]), Path(a["inbox"]), a["period"],
                             as_of=_date(a.get("as_of")))
    if job in ("status", "status_colours_big"):
        m = _job("status")
        return lambda: m.run(Path(a["master"]), _date(a["as_of"]))
    if job == "report":
        m = _job("report")
        return lambda: m.run(Path(a["master"]), a["period"], Path(a["output"]))
    if job == "floor":
        from benchmarks import floor
        return lambda: floor.run([Path(f) for f in a["files"]])
    if job == "baseline":
        from benchmarks import baseline
        return lambda: baseline.run(Path(a["master"]), [Path(f) for f in a["files"]], a["period"])
    if job == "baseline_read":
        from benchmarks import baseline
        return lambda: {"rows": len(baseline.read_returns([Path(f) for f in a["files"]],
                                                          a["period"]))}
    raise SystemExit(f"unknown job {job}")


def _summary(result: Any) -> Any:
    """A few counts from the job's JSON (lists become their length) to check it did work."""
    if isinstance(result, dict):
        return result
    out: dict[str, Any] = {}
    if hasattr(result, "exit_code"):
        out["exit_code"] = result.exit_code
    try:
        data = result.to_json()
    except Exception:  # noqa: BLE001
        return out
    for k, v in data.items():
        if isinstance(v, list):
            out[k] = len(v)
        elif isinstance(v, (int, float, str, bool)) or v is None:
            out[k] = v
        elif isinstance(v, dict) and k == "counts":
            out[k] = v
    return out


def peak_mib() -> float:
    """Peak RSS of this process image in MiB.

    Linux `VmHWM` (high-water mark of this exec's address space). Not `ru_maxrss`: Linux
    carries the pre-exec RSS of the forked parent into the child's `ru_maxrss`, so a big
    run.py parent would inflate every measurement.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    spec = json.loads(sys.argv[1])
    out: dict[str, Any] = {}
    try:
        call = prepare(spec["job"], spec["args"])
        profile = spec.get("profile")
        if profile:
            from pyinstrument import Profiler
            prof = Profiler(interval=0.001)
            prof.start()
        t0 = time.perf_counter()
        result = call()
        out["seconds"] = time.perf_counter() - t0
        if profile:
            prof.stop()
            Path(profile).write_text(prof.output_text(unicode=True, color=False, show_all=False),
                                     encoding="utf-8")
            Path(profile).with_suffix(".html").write_text(prof.output_html(), encoding="utf-8")
        out["result"] = _summary(result)
    except ModuleNotFoundError as e:
        out["error"] = f"not available yet: {e}"
    except Exception as e:  # noqa: BLE001 - reported, never crashes the run
        out["error"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc(limit=6)
    out["peak_mib"] = peak_mib()
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
