"""The master's two logs as typed records, read and laid out in this one place:
`Nộp báo cáo` (a `SubmissionRecord` per received file) and `Lịch sử` (a `HistoryEntry`
per accepted change). Rows follow the file's own header positions: a clerk may have
moved a column, and every writer must put each value under its header."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from parc_xl.domain.submissions import HistoryEntry, SubmissionRecord, parse_receipt_time
from parc_xl.io import master_layout as L
from parc_xl.io.master_layout import Column
from parc_xl.io.workbook_values import cell_datetime


def _text(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _count(v: Any) -> int:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0


def submission_record(row: int, cells: Mapping[str, Any]) -> SubmissionRecord:
    """A `Nộp báo cáo` row from its cells ({column id: value as calamine gives it}). The
    receipt time is read by one rule for every job: a date-time cell, text typed day
    first or ISO, or an Excel serial whose date format was lost."""
    raw = cells.get("received_at")
    at = parse_receipt_time(raw) or cell_datetime(raw)
    typed = "" if raw is None or raw == "" or isinstance(raw, dt.date) else str(raw)
    return SubmissionRecord(
        period=_text(cells.get("period")), unit=_text(cells.get("unit")), unit_name=_text(cells.get("unit_name")),
        file=_text(cells.get("file")), received_at=at, on_time=_text(cells.get("on_time")),
        rows=_count(cells.get("rows")), errors=_count(cells.get("errors")), outcome=_text(cells.get("outcome")),
        note=_text(cells.get("note")), sha256=_text(cells.get("sha256")), row=row, received_text=typed)


def submission_values(record: SubmissionRecord) -> list[Any]:
    """The record's cells in `SUBMISSION_COLUMNS` order (what `Nộp báo cáo` stores)."""
    return [getattr(record, c.id) for c in L.SUBMISSION_COLUMNS]


def in_file_order(positions: dict[str, int] | None, columns: list[Column],
                  rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """`rows` (values in `columns` order) laid out by the file's header `positions`
    ({column id: 0-based index}; None or empty: the layout's own). When the file keeps
    the layout's order (the usual case) `rows` are returned as they are: no second copy
    of ≈300,000 history rows at the large load."""
    pos = positions or {c.id: i for i, c in enumerate(columns)}
    if len(pos) == len(columns) and [pos.get(c.id) for c in columns] == list(range(len(columns))):
        return rows
    width = max(pos.values()) + 1 if pos else 0
    out: list[list[Any]] = []
    for values in rows:
        line: list[Any] = [None] * width
        for c, v in zip(columns, values, strict=True):
            if c.id in pos:
                line[pos[c.id]] = v
        out.append(line)
    return out


def submission_rows(headers: Mapping[str, dict[str, int]], records: Sequence[SubmissionRecord]) -> Sequence[Sequence[Any]]:
    """Rows to append to `Nộp báo cáo` for `records`, under the file's headers."""
    return in_file_order(headers.get(L.SHEET_SUBMISSIONS), L.SUBMISSION_COLUMNS,
                         [submission_values(r) for r in records])


def history_rows(headers: Mapping[str, dict[str, int]], entries: Sequence[HistoryEntry]) -> Sequence[Sequence[Any]]:
    """Rows to append to `Lịch sử` for `entries`, under the file's headers."""
    return in_file_order(headers.get(L.SHEET_HISTORY), L.HISTORY_COLUMNS, entries)
