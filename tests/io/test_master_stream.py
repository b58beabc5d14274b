"""The master's `Theo dõi` rows streamed as text (io/master_stream.py) give the workbook that
openpyxl writes cell by cell: every part equal after the golden files' scrub, and, as a
user sees it, the same values, styles, heights, filter, colours and print setup."""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from parc_xl.domain.models import Area, Deadline, DeadlineKind, Plan, Registry, Task, Unit
from parc_xl.io import master_layout as L
from parc_xl.io import master_stream
from parc_xl.io.master_writer import create_master

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from golden_files import scrub  # noqa: E402


def _plan_and_registry() -> tuple[Plan, Registry]:
    due = Deadline(kind=DeadlineKind.DATE, due=dt.date(2026, 6, 30))
    long_text = "Rà soát, đánh giá thủ tục hành chính thuộc phạm vi quản lý. " * 12
    tasks = [
        Task(key="1", stt="1", area="I", task="Ban hành kế hoạch", lead_units=["PNV", "PTP"],
             deadline_text="30/6/2026", deadline=due),
        # wrapped over several lines: an explicit height on every unit's row
        Task(key="2", stt="2", area="I", task=long_text, lead_units=["PNV", "PTP", "PYT"],
             deadline_text="Quý II"),
        # formula-like text first met after the first row: the quote-prefix style is a
        # new style id, registered where openpyxl would register it
        Task(key="3", stt="3", area="II", task="=SUM(A1:A3) là chỉ tiêu", lead_units=["PYT"],
             deadline_text="-", deadline=due),
        Task(key="4", stt="4", area="II", task="  Số hóa hồ sơ  ", lead_units=["PTP"],
             deadline_text="Thường xuyên"),
        Task(key="5", stt="5", area="II", task="Báo cáo <định kỳ> & tổng hợp\ndòng hai\r\ndòng ba",
             lead_units=[], lead="Sở Nội vụ", deadline_text=""),
        Task(key="6", stt="6", area="I", task="+ kiểm tra", lead_units=["PNV"],
             deadline_text="31/12/2026", deadline=Deadline(kind=DeadlineKind.DATE, due=dt.date(2026, 12, 31))),
    ]
    plan = Plan(year=2026, title="Kế hoạch CCHC", issuer="UBND huyện",
                areas=[Area(code="I", title="Cải cách thể chế", index=1),
                       Area(code="II", title="Cải cách thủ tục hành chính", index=2)],
                tasks=tasks)
    registry = Registry(units=[Unit(code="PNV", name="Phòng Nội vụ"), Unit(code="PTP", name="Phòng Tư pháp"),
                               Unit(code="PYT", name="=Phòng Y tế")])
    return plan, registry


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: scrub(n, zf.read(n)) for n in zf.namelist()}


def test_streamed_rows_make_the_same_master_as_openpyxl_cells(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    plan, registry = _plan_and_registry()
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    streamed: list[int] = []
    original = master_stream._rows_text

    def spy(*args: Any, **kwargs: Any) -> Iterator[bytes]:
        for chunk in original(*args, **kwargs):
            streamed.append(chunk.count(b"<row "))
            yield chunk

    monkeypatch.setattr(master_stream, "_rows_text", spy)
    create_master(fast, plan, registry)
    assert sum(streamed) == 8  # every tracking row but the first went through the text path
    monkeypatch.undo()
    create_master(slow, plan, registry, stream_tracking=False)

    fast_parts, slow_parts = _parts(fast), _parts(slow)
    assert sorted(fast_parts) == sorted(slow_parts)
    differing = [n for n in fast_parts if fast_parts[n] != slow_parts[n]]
    assert differing == []

    wf, ws = load_workbook(fast), load_workbook(slow)
    tf, ts = wf[L.SHEET_TRACKING], ws[L.SHEET_TRACKING]
    assert tf.max_row == ts.max_row == 1 + 2 + 3 + 1 + 1 + 1 + 1  # header + task × unit rows
    for row_f, row_s in zip(tf.iter_rows(), ts.iter_rows(), strict=True):
        for a, b in zip(row_f, row_s, strict=True):
            assert (a.value, a.data_type, a.style_id, a.number_format, a.quotePrefix) == \
                (b.value, b.data_type, b.style_id, b.number_format, b.quotePrefix), a.coordinate
            assert [repr(x) for x in (a.font, a.fill, a.border, a.alignment)] == \
                [repr(x) for x in (b.font, b.fill, b.border, b.alignment)]
    for r in range(1, ts.max_row + 1):
        assert tf.row_dimensions[r].height == ts.row_dimensions[r].height, r
    # what a clerk sees on the streamed rows
    task_col = L.column_index(L.TRACKING_COLUMNS, "task") + 1
    formula_row = next(r for r in range(2, tf.max_row + 1) if tf.cell(r, task_col).value == "=SUM(A1:A3) là chỉ tiêu")
    assert formula_row > 2 and tf.cell(formula_row, task_col).data_type == "s"
    assert tf.cell(formula_row, task_col).quotePrefix
    assert any(tf.cell(r, task_col).value == "  Số hóa hồ sơ  " for r in range(3, tf.max_row + 1))
    assert tf.row_dimensions[4].height is not None and tf.row_dimensions[4].height > 15
    assert tf.auto_filter.ref == ts.auto_filter.ref == f"A1:{tf.cell(1, len(L.TRACKING_COLUMNS)).column_letter}10"
    assert tf.dimensions == ts.dimensions
    assert [str(r.sqref) for r in tf.conditional_formatting] == [str(r.sqref) for r in ts.conditional_formatting]
    assert tf.print_title_rows == ts.print_title_rows == "$1:$1"
    assert tf.print_area == ts.print_area
    assert tf.freeze_panes == ts.freeze_panes == "C2"
    assert [(d.sqref, d.formula1) for d in tf.data_validations.dataValidation] == \
        [(d.sqref, d.formula1) for d in ts.data_validations.dataValidation]
