"""The benchmark harness runs end to end on a tiny office and prints valid JSON.

No timing assertions: speed is reported by `benchmarks/run.py`, not tested. Each job is
its own test so a job that is not written yet is skipped with its name, and a job that
exists but fails in the harness fails here.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
MODULES = {"import": "plan_import", "generate": "units_generate", "validate": "validate",
           "merge": "merge", "status": "status", "report": "report"}
# what each job needs to have run before it (its inputs are built by these)
NEEDS = {"import": ["import"], "generate": ["import", "generate"],
         "validate": ["import", "generate", "validate"],
         "merge": ["import", "generate", "merge"], "status": ["import", "status"],
         "report": ["import", "report"]}


@pytest.fixture(scope="module")
def bench() -> dict[str, Any]:
    p = subprocess.run([sys.executable, "benchmarks/run.py", "--load", "tiny", "--repeat", "1",
                        "--json", "--fresh"], cwd=REPO, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout)  # exactly one JSON object, nothing else on stdout


def test_report_has_the_contract_keys(bench: dict[str, Any]) -> None:
    assert bench["load"] == "tiny"
    assert bench["units"] == 3 and bench["rows"] == 5
    assert set(MODULES) <= set(bench["jobs"])
    assert {"nproc", "cpu", "ram_gib"} <= set(bench["machine"])
    assert {"reference_merge_vs_floor", "reference_validate_vs_floor", "large_generate_seconds",
            "cold_start_seconds"} <= set(bench["targets"])


@pytest.mark.parametrize("job", list(MODULES))
def test_job_is_measured(bench: dict[str, Any], job: str) -> None:
    missing = [MODULES[j] for j in NEEDS[job]
               if importlib.util.find_spec(f"parc_xl.jobs.{MODULES[j]}") is None]
    if missing:
        pytest.skip(f"parc_xl.jobs.{', '.join(missing)} not written yet")
    entry = bench["jobs"][job]
    assert "error" not in entry, entry.get("error")
    assert entry["seconds"] > 0
    assert entry["peak_mib"] > 0


@pytest.mark.parametrize("job", ["validate", "merge"])
def test_unit_file_jobs_have_floor_and_baseline(bench: dict[str, Any], job: str) -> None:
    if importlib.util.find_spec("parc_xl.jobs.units_generate") is None:
        pytest.skip("parc_xl.jobs.units_generate not written yet: no unit files to read")
    entry = bench["jobs"][job]
    assert entry["floor_seconds"] > 0
    assert entry["baseline_seconds"] > 0, entry.get("baseline_error")
    if "seconds" in entry:
        assert entry["ratio_floor"] == pytest.approx(entry["seconds"] / entry["floor_seconds"])


def test_merge_accepts_the_returns_units_filled_correctly(bench: dict[str, Any]) -> None:
    # A filler that sends invalid rows in "good" returns would time a merge that writes
    # almost nothing (the extension requests without a date once refused 56 of 57 files).
    returns = bench["returns"]
    result = bench["jobs"]["merge"]["result"]
    assert result["accepted"] == returns.get("ok", 0) + returns.get("late", 0)
    assert result["rejected"] == returns.get("wrong", 0)
