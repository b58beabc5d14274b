"""Seconds to check one 200-row unit return (`validate.check_file`: guard, calamine, rules),
the measurement that used to be a timed test in tests/io/test_unit_book.py. Prints the
median of N runs; the target is well under 0.2 s on an idle machine.

    python benchmarks/unit_book_read.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from unit_books import AS_OF, PERIOD, make_registry  # noqa: E402

from parc_xl.domain.models import Deadline, Plan, Task  # noqa: E402
from parc_xl.jobs import units_generate  # noqa: E402
from parc_xl.jobs.validate import check_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    n = ap.parse_args().repeat
    plan = Plan(year=2024, tasks=[
        Task(key=f"{i}", stt=f"{i}", area="1", task=f"Nhiệm vụ {i} đạt 95% trở lên", lead_units=["PNV"],
             deadline_text="Quý I/2024", deadline=Deadline(kind="date", due=dt.date(2024, 3, 31)))
        for i in range(1, 201)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(units_generate.generate(plan, make_registry(), PERIOD, Path(tmp), ["PNV"]).files[0])
        check_file(path, plan, make_registry(), AS_OF)  # warm imports and caches
        times = []
        for _ in range(n):
            start = time.perf_counter()
            report = check_file(path, plan, make_registry(), AS_OF)
            times.append(time.perf_counter() - start)
    assert len(report.rows) == 200 and report.ok
    print(f"check_file, 200 rows: median {statistics.median(times) * 1000:.1f} ms, "
          f"min {min(times) * 1000:.1f} ms over {n} runs (target < 200 ms)")


if __name__ == "__main__":
    main()
