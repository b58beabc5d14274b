"""Explicit heights for wrapped rows of the master's tables, without openpyxl: neither
Excel nor LibreOffice fits the height of a row in a file it did not write, so a long
task would otherwise show as one clipped line. `master_writer.fit_row_heights` gives
them to the rows openpyxl writes; the package layer gives the same to rows appended
later (the merge's «Đề nghị điều chỉnh» rows), so both look alike."""

from __future__ import annotations

from typing import Any

from parc_xl.io import master_layout as L
from parc_xl.io.master_layout import Column

LINE_HEIGHT = 15.0  # points per line of 11 pt Times New Roman


def row_height(values: list[Any], columns: list[Column]) -> float | None:
    """The explicit height of a row of these cell values (None: one line)."""
    return lines_height(max([cell_lines(v, col) for v, col in zip(values, columns)], default=1))


def cell_lines(value: Any, col: Column) -> int:
    """Lines a cell's wrapped text takes in its column (1 for anything but text)."""
    if not isinstance(value, str) or not value or col.id in L.TECHNICAL_COLUMNS:
        return 1
    per_line = max(1.0, col.width * 1.3)  # Times New Roman is narrower than Excel's unit
    return sum(max(1, -(-len(part) // int(per_line))) for part in value.split("\n"))


def lines_height(lines: int) -> float | None:
    return min(409.0, lines * LINE_HEIGHT) if lines > 1 else None
