"""`read_tracking`: the `Theo dõi` rows read positionally, whatever the column order, a
missing column or an empty column A (calamine's row iterator then starts further right)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from parc_xl.io import master_layout as L
from parc_xl.io.master import TrackingRow, read_tracking

HEADER = {c.id: c.header for c in L.TRACKING_COLUMNS}


def _book(tmp_path: Path, columns: list[str | None], rows: list[list[object]]) -> CalamineWorkbook:
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_TRACKING
    for c, cid in enumerate(columns, start=1):
        if cid is not None:
            ws.cell(1, c, HEADER[cid])
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    return CalamineWorkbook.from_path(str(path))


def test_rows_follow_the_headers_and_missing_columns_take_defaults(tmp_path: Path) -> None:
    columns: list[str | None] = ["key", "unit", "due", "figure", "task", "received_at", "days_overdue", "stt"]
    book = _book(tmp_path, columns, [
        ["1.1", "U1", dt.datetime(2026, 6, 30), 95.5, " Số hóa  hồ sơ ", dt.datetime(2026, 3, 12, 9, 30), 3, 1.0],
        [None, "U1", None, None, "ghi chú của chuyên viên"],  # no key: not a tracking row
        ["1.2", "U2", "15/3/2026", "x", "Số hóa  hồ sơ", None, None, "1.2", "cột thêm"],
        ["1.3", "U2"],  # a short row
    ])
    headers: dict[str, dict[str, int]] = {}
    rows = read_tracking(book, headers)
    assert headers[L.SHEET_TRACKING] == {cid: i for i, cid in enumerate(columns) if cid is not None}
    assert rows == [
        TrackingRow(row=2, key="1.1", unit="U1", due=dt.date(2026, 6, 30), figure=95.5, task="Số hóa hồ sơ",
                    received_at=dt.datetime(2026, 3, 12, 9, 30), days_overdue=3, stt="1"),
        TrackingRow(row=4, key="1.2", unit="U2", due=dt.date(2026, 3, 15), figure=None, task="Số hóa hồ sơ",
                    stt="1.2"),
        TrackingRow(row=5, key="1.3", unit="U2"),
    ]


def test_an_empty_column_a_does_not_shift_the_cells(tmp_path: Path) -> None:
    book = _book(tmp_path, [None, "key", "unit", "progress"], [
        [None, "1.1", "U1", "Đang thực hiện"], [None, "1.2", "U2", None]])
    rows = read_tracking(book, {})
    assert [(r.row, r.key, r.unit, r.progress) for r in rows] == [
        (2, "1.1", "U1", "Đang thực hiện"), (3, "1.2", "U2", "")]
