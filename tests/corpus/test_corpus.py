"""Every workbook of ../shared/corpus/xlsx (Excel 2007–365 for Windows/Mac/Online,
LibreOffice, POI, fuzzed and broken packages; MANIFEST.tsv) through the package layer
and through `validate` (tests/corpus/corpus_check.py says what is checked).

Marker `corpus`: not in the default run (`python -m pytest -m corpus`, the second step
of .ci/run). Files run in a pool of worker processes, each file with a time limit; a
worker that dies or hangs is a failure of that file, never of the run. The terminal
summary prints the figures: files written and re-read, refused, slowest, total time.

Every file passes: a package-layer bug found here gets a focused test in tests/io/ (built
without the corpus) and its fix; a file is never marked as an expected failure. The cases
found so far and where they are tested: tests/io/test_ooxml_damaged.py (a DTD in any part,
a damaged zip entry, cell formats in mc:AlternateContent, no styles part) and
tests/io/test_ooxml_excel_xml.py (the byte-level paths on Excel's spellings of a sheet).
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_check  # noqa: E402

pytestmark = pytest.mark.corpus

# ../shared next to the repository (PARC_XL_CORPUS points elsewhere, e.g. for a run from a copy)
CORPUS = Path(os.environ.get("PARC_XL_CORPUS", Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "xlsx"))
REFUSE_WITHIN = 10.0  # seconds: a hostile package is refused quickly
WORKERS = max(1, min(2, os.cpu_count() or 1))

STATS: dict[str, Any] = {}


def _files() -> list[str]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as fh:
        return [row["file"] for row in csv.DictReader(fh, delimiter="\t")]


FILES = _files()


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    if not FILES:
        pytest.skip("../shared/corpus/xlsx is absent (a fresh clone has no shared folder)")
    start = time.perf_counter()
    out: dict[str, dict[str, Any]] = {}
    pending = list(FILES)
    while pending:  # a pool that breaks (a worker killed) is rebuilt; the file that broke it is recorded
        with cf.ProcessPoolExecutor(max_workers=WORKERS) as pool:
            futures = {pool.submit(corpus_check.check, str(CORPUS / f)): f for f in pending}
            pending = []
            for fut, name in futures.items():
                try:
                    out[name] = fut.result(timeout=corpus_check.TIME_LIMIT * 3)
                except cf.process.BrokenProcessPool:
                    pending.append(name)
                except cf.TimeoutError:
                    out[name] = {"file": name, "kind": "failed", "reason": "hung past the time limit",
                                 "seconds": corpus_check.TIME_LIMIT * 3, "validate": "hung", "readable": False}
            if pending:
                first = pending.pop(0)
                out[first] = {"file": first, "kind": "failed", "reason": "the worker process died",
                              "seconds": 0.0, "validate": "died", "readable": False}
    total = time.perf_counter() - start
    written = [r for r in out.values() if r["kind"] == "written"]
    refused = [r for r in out.values() if r["kind"] == "refused"]
    slowest = max(out.values(), key=lambda r: r.get("seconds", 0.0))
    STATS.update(files=len(out), written=len(written), refused=len(refused),
                 refused_readable=sum(r["readable"] for r in refused),
                 no_sheet=sum(r["kind"] == "nosheet" for r in out.values()),
                 failed=sum(r["kind"] == "failed" for r in out.values()),
                 slowest=(Path(slowest["file"]).relative_to(CORPUS).as_posix()
                          if slowest["file"].startswith(str(CORPUS)) else slowest["file"], slowest["seconds"]),
                 total=total, workers=WORKERS,
                 validate_records=sum(r.get("validate") in ("record", "clean") for r in out.values()))
    return out


def pytest_terminal_summary_lines() -> list[str]:
    if not STATS:
        return []
    s = STATS
    return [f"corpus: {s['files']} files in {s['total']:.0f} s ({s['workers']} workers): "
            f"{s['written']} written and re-read, {s['refused']} refused ({s['refused_readable']} of them readable "
            f"by openpyxl/calamine), {s['no_sheet']} without a worksheet, {s['failed']} failed; validate gave a "
            f"record for {s['validate_records']}; slowest {s['slowest'][0]} ({s['slowest'][1]:.1f} s)"]


@pytest.mark.parametrize("name", list(FILES) or [pytest.param("", marks=pytest.mark.skip(
    reason="../shared/corpus/xlsx is absent (a fresh clone has no shared folder)"))])
def test_corpus_file(results: dict[str, dict[str, Any]], name: str) -> None:
    r = results[name]
    assert r["kind"] != "failed", r["reason"]
    if r["doctype"]:  # an entity bomb or any DTD is hostile: refused, not written back
        assert r["kind"] == "refused", "a package with a DTD (<!DOCTYPE) was accepted and written"
    if r["kind"] == "refused":  # a lenient reader may still read a broken package: refusing it is right
        assert r["vietnamese"], r["message"]
        assert r["seconds"] < REFUSE_WITHIN, f"refused only after {r['seconds']:.1f} s"
    assert r["validate"] in ("record", "clean"), r["validate"]
