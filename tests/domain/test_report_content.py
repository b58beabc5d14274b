"""Grouping what units wrote, the per-unit table and the submission summary (domain/report_content.py)."""

from __future__ import annotations

import datetime as dt

from parc_xl.domain.models import Status
from parc_xl.domain.report_content import (
    NoteRow,
    Submission,
    group_quotes,
    summarize_submissions,
    task_heading,
    task_number,
    unit_rows,
)


def test_quotes_by_area_then_unit_same_words_once() -> None:
    rows = [
        NoteRow(area="B", unit="U2", unit_name="Phòng Hai", task="2.1", text="Thiếu kinh phí."),
        NoteRow(area="A", unit="U2", unit_name="Phòng Hai", task="1.1", text="Chờ ý kiến."),
        NoteRow(area="A", unit="U1", unit_name="Phòng Một", task="1.1", text="Chờ ý kiến."),
        NoteRow(area="A", unit="U1", unit_name="Phòng Một", task="1.2", text="Chờ ý kiến."),
        NoteRow(area="A", unit="U1", unit_name="Phòng Một", task="1.3", text="  "),
    ]
    got = group_quotes(rows, ["A", "B"], ["U1", "U2"])
    assert [(a.area, [(u.unit_name, [(q.text, q.tasks) for q in u.quotes]) for u in a.units]) for a in got] == [
        ("A", [("Phòng Một", [("Chờ ý kiến.", ["1.1", "1.2"])]), ("Phòng Hai", [("Chờ ý kiến.", ["1.1"])])]),
        ("B", [("Phòng Hai", [("Thiếu kinh phí.", ["2.1"])])]),
    ]


def test_unit_rows_not_reported_column() -> None:
    rows = [
        ("U1", "Phòng Một", Status.OVERDUE, False),  # overdue stays overdue, reported or not
        ("U1", "Phòng Một", Status.DUE_SOON, False),  # not reported: Chưa báo cáo
        ("U1", "Phòng Một", Status.NOT_REPORTED, False),
        ("U1", "Phòng Một", Status.NO_FIXED_DEADLINE, True),  # reported, no date: in progress
        ("U1", "Phòng Một", Status.DONE_ON_TIME, True),
        ("", "Chủ tịch UBND xã - thị trấn", Status.NOT_REPORTED, False),
    ]
    got = unit_rows(rows, ["U1"])
    assert [(u.label, list(u.counts.values())) for u in got] == [
        ("Phòng Một", [1, 0, 1, 1, 2]),
        ("Chủ tịch UBND xã - thị trấn (chưa xác định đơn vị)", [0, 0, 0, 0, 1]),
    ]


def test_submissions_first_accepted_decides_refused_and_missing_named() -> None:
    t = dt.datetime
    subs = [
        Submission(unit="A", received_at=t(2026, 3, 10), accepted=True, on_time=True),
        Submission(unit="A", received_at=t(2026, 3, 20), accepted=True, on_time=False),  # a later correction
        Submission(unit="B", received_at=t(2026, 3, 18), accepted=True, on_time=False),
        Submission(unit="C", received_at=t(2026, 3, 12), accepted=False),
    ]
    got = summarize_submissions([("A", "Phòng A"), ("B", "Phòng B"), ("C", "Phòng C"), ("D", "Phòng D")],
                                subs, dt.date(2026, 3, 16))
    assert [u.unit for u in got.on_time] == ["A"] and [u.unit for u in got.late] == ["B"]
    assert [(u.unit, u.received_at) for u in got.refused] == [("C", t(2026, 3, 12))]
    assert [u.unit_name for u in got.missing] == ["Phòng D"] and got.received == 2 and got.expected == 4


def test_task_numbers_people_know() -> None:
    assert task_number("1.4#1", "") == "1.4 (ý 1)" and task_number("3.2", "3.2") == "3.2"
    assert task_heading("1.4#1", "", "1. Kiểm tra định kỳ") == "1.4 – 1. Kiểm tra định kỳ"
    assert task_heading("3.2", "3.2", "Giải quyết hồ sơ") == "3.2. Giải quyết hồ sơ"
