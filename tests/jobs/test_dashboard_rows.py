"""`Tổng hợp` on seed 003 (Hóc Môn 2024): a unit whose name does not fit column A on one
line («VPHDUB – Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện») gets a row tall
enough for its two lines, on the first status run and on the next one that rewrites the
sheet's own cells in place; short names keep the one-line row (issue 14 item 16)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from parc_xl.io import master_layout as L
from parc_xl.jobs import plan_import, status
from tests.conftest import seed_path


def _unit_rows(master: Path) -> dict[str, float | None]:
    ws = load_workbook(master)[L.SHEET_DASHBOARD]
    start = next(r for r in range(1, ws.max_row + 1)
                 if str(ws.cell(row=r, column=1).value or "").startswith("3. Theo đơn vị chủ trì"))
    out: dict[str, float | None] = {}
    for r in range(start + 2, ws.max_row + 1):
        label = ws.cell(row=r, column=1).value
        if not label:
            break
        out[str(label)] = ws.row_dimensions[r].height
    return out


def test_long_unit_names_get_rows_tall_enough_to_wrap(seeds_dir: Path, tmp_path: Path) -> None:
    master = tmp_path / "so.xlsx"
    assert plan_import.run(seed_path(seeds_dir, "003"), 2024, master).exit_code == 0
    for as_of in (dt.date(2024, 4, 10), dt.date(2024, 4, 11)):  # fresh sheet, then in place
        status.run(master, as_of=as_of)
        rows = _unit_rows(master)
        long = "VPHDUB – Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"
        assert (rows[long] or 0) >= 2 * 13, rows  # two lines of 10 pt
        assert rows["PTP – Phòng Tư pháp huyện"] is None  # one line: the sheet's default height
