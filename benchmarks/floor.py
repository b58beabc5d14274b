"""The floor: the bare cost of reading the unit files' values, and nothing else.

python-calamine (Rust) reads every sheet of every workbook into Python values. No
checks, no master, no writing: no merge can be faster than this, so `job / floor` says
how much the job spends beyond reading its inputs. Every sheet is read (not only
`Báo cáo`) because a real merge must also read the hidden identity sheet; it is tiny.
"""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook


def read_values(files: list[Path]) -> int:
    """Read every cell value of every sheet of `files`; return the number of rows read."""
    rows = 0
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows += len(wb.get_sheet_by_name(name).to_python())
    return rows


def run(files: list[Path]) -> dict[str, int]:
    return {"files": len(files), "rows": read_values(files)}
