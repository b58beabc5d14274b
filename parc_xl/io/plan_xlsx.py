"""The appendix pasted into an Excel workbook (.xlsx), read with openpyxl.

Any sheet may hold it: the header row is found by its synonyms anywhere in the first
`_HEADER_SEARCH_ROWS` rows (a title block usually sits above it). Merged cells keep their
value in the top-left cell only, so a merged area row is not duplicated across columns;
a vertical merge in the product/lead/coordination/deadline columns is filled down (one
cell shared by several tasks belongs to each). Wrapped text with line breaks becomes one
line ("- A - B"), as in the Word and text readers.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from parc_xl.domain.appendix import RawRow, assemble, find_header, guess_issuer, guess_title, join_lines
from parc_xl.domain.models import Plan
from parc_xl.domain.problems import Problem, error
from parc_xl.domain.text import date_vi
from parc_xl.errors import InputError

_HEADER_SEARCH_ROWS = 30
_FILL_DOWN = {"product", "lead", "coord", "deadline"}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):  # a datetime too: the time of a date cell is not shown
        return date_vi(value)
    s = str(value)
    return join_lines(s.split("\n")) if "\n" in s else s


def read_xlsx(path: Path, year: int) -> tuple[Plan, list[Problem]]:
    """Read the appendix from the first sheet that has its header; `InputError` if none."""
    try:
        wb = load_workbook(str(path), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"{path.name}: tệp Excel bị hỏng hoặc không phải tệp .xlsx ({type(exc).__name__})."
        ) from exc
    except Exception as exc:  # openpyxl's InvalidFileException, broken XML parts…
        raise InputError(f"{path.name}: không mở được tệp Excel ({type(exc).__name__}).") from exc
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible" and len(wb.worksheets) > 1:
                continue
            found = _read_sheet(ws)
            if found is None:
                continue
            before, rows = found
            plan, problems = assemble(rows, year, source=path.name)
            plan.issuer = guess_issuer(before)
            plan.title = guess_title(before, year)
            return plan, problems
    finally:
        wb.close()
    problem = error(
        "plan-no-header",
        "Không tìm thấy dòng tiêu đề của bảng phụ lục trong tệp Excel (trong 30 dòng đầu của "
        "các trang tính): cần các cột STT, Nhiệm vụ (Nội dung), Đơn vị chủ trì, Thời gian hoàn thành…",
        file=path.name,
    )
    raise InputError(f"{path.name}: {problem.message}", [problem])


def _read_sheet(ws) -> tuple[list[str], list[RawRow]] | None:  # noqa: ANN001 - openpyxl sheet
    # Vertical merges: (row, col) → top-left (row, col) for cells below the top row.
    merged_below: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        if rng.max_row > rng.min_row:
            for r in range(rng.min_row + 1, rng.max_row + 1):
                merged_below[(r, rng.min_col)] = (rng.min_row, rng.min_col)
    grid: list[list[object]] = [list(r) for r in ws.iter_rows(values_only=True)]
    header_at = None
    columns = None
    for r, values in enumerate(grid[:_HEADER_SEARCH_ROWS]):
        found = find_header([_text(v) for v in values])
        if found is not None:
            header_at, columns = r, found
            break
    if header_at is None or columns is None:
        return None
    before: list[str] = []
    for values in grid[:header_at]:
        before.extend(_text(v) for v in values if v is not None)
        before.append("")
    rows: list[RawRow] = []
    for r in range(header_at + 1, len(grid)):
        texts = [_text(v) for v in grid[r]]
        cells = columns.pick(texts)
        for col, c in columns.index.items():
            top = merged_below.get((r + 1, c + 1))
            if top is not None and col in _FILL_DOWN:
                cells[col] = _text(grid[top[0] - 1][top[1] - 1])
        if not any(cells.values()):
            continue
        first_col = min(columns.index.values())
        rows.append(
            RawRow(cells=cells, source_row=r + 1, where=f"{ws.title}!{get_column_letter(first_col + 1)}{r + 1}")
        )
    return before, rows
