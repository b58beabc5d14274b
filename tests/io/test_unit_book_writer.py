"""What a unit sees in the workbook it is sent: the guide's text and layout, the report
sheet's column order (writer side; the reader is tested in test_unit_book.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from openpyxl import load_workbook

from parc_xl.jobs import units_generate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unit_books import make_plan, make_registry


def _generate(folder: Path, year: int) -> Path:
    res = units_generate.generate(make_plan(year), make_registry(), f"{year}-Q1", folder, ["PNV"])
    return Path(res.files[0])


def test_guide_examples_use_the_plan_year(tmp_path: Path) -> None:
    wb = load_workbook(_generate(tmp_path, 2026))
    text = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert "ví dụ 15/03/2026" in text
    assert "42/QĐ-UBND ngày 15/01/2026" in text
    # no other year in any example date
    assert {m for m in re.findall(r"\d{2}/\d{2}/(\d{4})", text)} == {"2026"}
