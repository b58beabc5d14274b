"""Cold start of a ribbon click: the process a button starts, up to its job being ready.

A button of the CCHC tab runs (macros/CchcCore.bas, CallPython → xlwings RunPython)
``import parc_xl.excel.handlers as h; h.from_vba(…)`` in a fresh interpreter; the
handler then imports its job with ``handlers.job(name)``. What the clerk waits for
before any work starts is therefore: interpreter start + ``parc_xl.excel.handlers`` +
the job module. That is what is timed here, per button, as the wall time of a
subprocess (median of N), beside a bare ``python -c pass`` in the same run.

xlwings itself (imported by ``from_vba``; on Windows it loads pywin32) is timed on its
own line: it is the same for every button and not ours to trim.

parc_xl's bytecode is compiled first (``compileall``, into the git-ignored
``__pycache__``), as ``pip install`` does on the clerk's machine. Without it, in a shell
with ``PYTHONDONTWRITEBYTECODE=1`` (as on the shared benchmark machine) every parc_xl
module would be compiled from source on every click, 0.05–0.14 s that no clerk waits for.

    python benchmarks/cold_start.py [--repeat 7] [--json]
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# ribbon button id -> job module (parc_xl.excel.handlers.HANDLERS, handlers.job(name))
BUTTONS: dict[str, str | None] = {
    "plan_import": "plan_import",
    "plan_amend": "plan_amend",
    "units_generate": "units_generate",
    "validate": "validate",
    "merge": "merge",
    "status": "status",
    "report": "report",
    "check_install": None,
}
HEAVY = ("pandas", "numpy", "openpyxl", "docx", "lxml", "python_calamine", "pyinstrument")


def click_code(job: str | None) -> str:
    code = "import parc_xl.excel.handlers as h"
    return code + (f"; h.job({job!r})" if job else "")


def _run(code: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of `python -c code`. CPU time is what the
    process itself spent; on a machine shared with other jobs it moves less than wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _time(code: str) -> float:
    return _run(code)[0]


def heavy_modules(code: str) -> list[str]:
    """The heavy libraries in sys.modules after running `code` in a fresh interpreter."""
    probe = f"{code}; import sys; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.strip()
    return [m for m in out.split(",") if m]


def measure(repeat: int = 7) -> dict[str, Any]:
    """Median seconds per button (interpreter + handlers + its job module), bare python,
    xlwings, and the heavy libraries each button's imports pull in."""
    compileall.compile_dir(str(REPO / "parc_xl"), quiet=1)  # as installed: see the module docstring
    _time("pass")  # warm the OS file cache once
    bare = statistics.median(_time("pass") for _ in range(repeat))
    buttons: dict[str, Any] = {}
    for button, job in BUTTONS.items():
        code = click_code(job)
        _time(code)
        runs = [_run(code) for _ in range(repeat)]
        buttons[button] = {"seconds": statistics.median(w for w, _ in runs),
                           "min_seconds": min(w for w, _ in runs),
                           "cpu_seconds": statistics.median(c for _, c in runs),
                           "heavy_imports": heavy_modules(code)}
    try:
        xlw: float | None = statistics.median(_time("import xlwings") for _ in range(max(3, repeat // 2)))
    except subprocess.CalledProcessError:
        xlw = None
    worst = max(buttons, key=lambda b: buttons[b]["seconds"])
    return {"bare_python_seconds": bare, "xlwings_seconds": xlw, "buttons": buttons,
            "seconds": buttons[worst]["seconds"], "cpu_seconds": buttons[worst]["cpu_seconds"],
            "worst_button": worst}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ns = ap.parse_args(argv)
    r = measure(max(1, ns.repeat))
    if ns.json:
        print(json.dumps(r, ensure_ascii=False))
        return 0
    print(f"bare python: {r['bare_python_seconds']:.3f} s; import xlwings: "
          f"{r['xlwings_seconds'] if r['xlwings_seconds'] is None else round(r['xlwings_seconds'], 3)} s")
    for b, e in r["buttons"].items():
        print(f"{b:16} {e['seconds']:.3f} s (min {e['min_seconds']:.3f}, CPU {e['cpu_seconds']:.3f})  heavy: "
              f"{', '.join(e['heavy_imports']) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
