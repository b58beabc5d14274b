"""A ribbon click starts a fresh Python that imports `parc_xl.excel.handlers` and then the
clicked button's job (benchmarks/cold_start.py times it). Heavy libraries must come in
only with the job that uses them, so a click waits for nothing it does not need.

Checked in a fresh interpreter (sys.modules), not by timing: these fail on an import
regardless of the machine's speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ["pandas", "numpy", "openpyxl", "docx", "lxml", "python_calamine", "holidays", "xlwings"]

# job -> heavy libraries its module may import (what the job itself always uses)
ALLOWED: dict[str, set[str]] = {
    "plan_import": {"lxml", "python_calamine"},  # openpyxl only once the plan is read and checked
    "plan_amend": {"lxml", "python_calamine"},
    "units_generate": {"lxml"},
    "validate": {"lxml"},
    "merge": {"lxml", "python_calamine"},
    "status": set(),
    "report": set(),
}


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    p = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    return list(json.loads(p.stdout.strip().splitlines()[-1]))


def test_handler_module_imports_no_heavy_library() -> None:
    assert loaded_after("import parc_xl.excel.handlers") == []


def test_handler_module_imports_no_pydantic() -> None:
    # the install check and every handler's questions run before any job is imported
    probe = "import parc_xl.excel.handlers, sys\nprint('pydantic' in sys.modules)"
    p = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "False"


BUILT_AT_IMPORT = """
import sys
from parc_xl.domain.record import Record
def subclasses(c):
    for s in c.__subclasses__():
        yield s
        yield from subclasses(s)
print(json.dumps(sorted(f"{c.__module__}.{c.__qualname__}" for c in set(subclasses(Record))
                        if c.__pydantic_complete__)))
"""


@pytest.mark.parametrize("job", sorted(ALLOWED))
def test_clicked_job_builds_no_record_schema(job: str) -> None:
    # building a pydantic schema costs ~1-5 ms a model; a click imports dozens it may never use
    code = f"import json\nimport parc_xl.excel.handlers as h\nh.job({job!r})\n{BUILT_AT_IMPORT}"
    p = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("job", sorted(ALLOWED))
def test_clicked_job_imports_only_what_it_uses(job: str) -> None:
    loaded = loaded_after(f"import parc_xl.excel.handlers as h\nh.job({job!r})")
    assert set(loaded) <= ALLOWED[job], f"{job}: {sorted(set(loaded) - ALLOWED[job])} imported at click time"


def test_every_button_job_is_covered() -> None:
    from parc_xl.excel import handlers

    src = Path(handlers.__file__).read_text(encoding="utf-8")
    jobs = {name for name in ALLOWED if f'job("{name}")' in src}
    assert jobs == set(ALLOWED)
