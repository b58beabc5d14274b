"""Who is chased and for what (domain/reminders.py), one test per rule of its module doc."""

from __future__ import annotations

import datetime as dt

from parc_xl.domain.models import Status
from parc_xl.domain.reminders import ChaseTask, day_cell, letter_paragraphs, select
from parc_xl.domain.report_content import Submission
from parc_xl.domain.summary import RowOutcome

D = dt.date


class Weekdays:
    def is_working_day(self, d: dt.date) -> bool:
        return d.weekday() < 5


CAL = Weekdays()
DEADLINE = D(2026, 3, 16)  # Monday
EXPECTED = [("PNV", "Phòng Nội vụ huyện"), ("PTP", "Phòng Tư pháp huyện"), ("XA1", "UBND xã Tân Hiệp")]


def row(unit: str, key: str, status: Status, *, stt: str | None = None, due: dt.date | None = None,
        days: int | None = None, n: int = 2) -> RowOutcome:
    return RowOutcome(row=n, key=key, stt=key if stt is None else stt, task=f"Nhiệm vụ {key}", unit=unit,
                      unit_name=dict(EXPECTED).get(unit, unit), status=status, due=due, days_overdue=days)


def sent(unit: str, accepted: bool = True, when: dt.datetime = dt.datetime(2026, 3, 12, 9)) -> Submission:
    return Submission(unit=unit, received_at=when, accepted=accepted)


def test_a_unit_that_sent_nothing_is_chased_after_the_deadline_with_working_days_late() -> None:
    [r] = select(EXPECTED, [], [sent("PNV"), sent("XA1")], DEADLINE, D(2026, 3, 20), CAL, 10)
    assert r.unit == "PTP" and r.missing_return is not None
    assert (r.missing_return.late, r.missing_return.days_late, r.missing_return.refused_at) == (True, 4, None)
    assert r.overdue == r.due_soon == []


def test_a_return_is_chased_within_the_due_soon_window_and_not_before() -> None:
    early = select(EXPECTED, [], [], DEADLINE, D(2026, 2, 27), CAL, 10)  # 11 working days before
    assert early == []
    ahead = select(EXPECTED, [], [], DEADLINE, D(2026, 3, 2), CAL, 10)  # 10 working days before
    assert [r.unit for r in ahead] == ["PNV", "PTP", "XA1"]
    assert all(r.missing_return and not r.missing_return.late and r.missing_return.days_late == 0 for r in ahead)
    on_the_day = select(EXPECTED, [], [], DEADLINE, DEADLINE, CAL, 10)
    assert all(r.missing_return and not r.missing_return.late for r in on_the_day)


def test_a_unit_whose_every_file_was_refused_is_chased_and_the_refusal_dated() -> None:
    refused = dt.datetime(2026, 3, 13, 10)
    got = select(EXPECTED, [], [sent("PNV"), sent("XA1"), sent("PTP", False, refused)], DEADLINE,
                 D(2026, 3, 20), CAL, 10)
    assert [(r.unit, r.missing_return.refused_at if r.missing_return else None) for r in got] == [("PTP", refused)]
    # a later accepted file settles it
    assert select(EXPECTED, [], [sent("PNV"), sent("XA1"), sent("PTP", False, refused), sent("PTP")],
                  DEADLINE, D(2026, 3, 20), CAL, 10) == []


def test_overdue_and_due_soon_tasks_in_plan_order_other_statuses_ignored() -> None:
    outcomes = [
        row("PNV", "1.1", Status.OVERDUE, due=D(2026, 3, 31), days=8),
        row("PNV", "1.3", Status.DONE_LATE, due=D(2026, 3, 31), days=3),
        row("PNV", "2.1", Status.DUE_SOON, due=D(2026, 4, 14)),
        row("PNV", "3.5#1", Status.OVERDUE, stt="", due=D(2026, 3, 31), days=8),
        row("PNV", "2.2", Status.IN_PROGRESS_ON_TIME, due=D(2026, 6, 30)),
        row("PTP", "2.2", Status.NOT_REPORTED, due=D(2026, 6, 30)),
    ]
    subs = [sent(u) for u, _ in EXPECTED]
    [r] = select(EXPECTED, outcomes, subs, DEADLINE, D(2026, 4, 10), CAL, 10)
    assert r.unit == "PNV" and r.missing_return is None
    assert [(t.number, t.days_overdue) for t in r.overdue] == [("1.1", 8), ("3.5 (ý 1)", 8)]
    assert [(t.number, t.days_left) for t in r.due_soon] == [("2.1", 2)]
    assert "#" not in " ".join(t.number for t in r.overdue)


def test_nothing_to_chase_is_an_empty_list() -> None:
    outcomes = [row("PNV", "1.1", Status.DONE_ON_TIME, due=D(2026, 3, 31))]
    assert select(EXPECTED, outcomes, [sent(u) for u, _ in EXPECTED], DEADLINE, D(2026, 4, 1), CAL, 10) == []
    # no submission deadline known (a master without Kỳ báo cáo): only tasks are chased
    assert select(EXPECTED, outcomes, [], None, D(2026, 4, 1), CAL, 10) == []


def test_letter_text_names_the_deadline_the_lateness_and_the_refusal() -> None:
    [r] = select(EXPECTED, [row("PTP", "2.2", Status.OVERDUE, due=D(2026, 3, 31), days=5)],
                 [sent("PNV"), sent("XA1"), sent("PTP", False, dt.datetime(2026, 3, 13, 10))], DEADLINE,
                 D(2026, 4, 7), CAL, 10)
    text = letter_paragraphs(r, issuer="Ủy ban nhân dân huyện Hóc Môn", year=2026, period_label="Quý I/2026",
                             as_of=D(2026, 4, 7))
    assert text[0].startswith("Thực hiện Kế hoạch cải cách hành chính (CCHC) năm 2026")
    assert "Ủy ban nhân dân huyện Hóc Môn đề nghị Phòng Tư pháp huyện" in text[0]
    assert text[1] == ("1. Gửi báo cáo kết quả thực hiện nhiệm vụ CCHC Quý I/2026: hạn gửi là ngày 16/03/2026, "
                       "đến nay đã quá 16 ngày làm việc, báo cáo đơn vị gửi ngày 13/03/2026 chưa đạt yêu cầu "
                       "(không tổng hợp được), đơn vị chưa gửi lại. Đề nghị đơn vị gửi báo cáo bằng tệp mẫu của "
                       "kỳ ngay khi nhận được văn bản này.")
    assert text[2].startswith("2. Tập trung hoàn thành 1 nhiệm vụ đã quá hạn chưa hoàn thành")


def test_day_cell() -> None:
    assert day_cell(ChaseTask(key="1", number="1", task="x", days_overdue=3)) == "3"
    assert day_cell(ChaseTask(key="1", number="1", task="x", days_left=0)) == "Sắp đến hạn (đến hạn hôm nay)"
    assert day_cell(ChaseTask(key="1", number="1", task="x", days_left=4)) == "Sắp đến hạn (còn 4 ngày làm việc)"


def test_a_master_without_an_issuer_leaves_a_bracketed_gap_and_the_period_keeps_to_one_line() -> None:
    from parc_xl.domain.reminders import subject_line

    [r] = select(EXPECTED[:1], [], [], DEADLINE, D(2026, 3, 20), CAL, 10)
    text = letter_paragraphs(r, issuer="", year=2026, period_label="Quý I/2026", as_of=D(2026, 3, 20))
    assert ", [Tên cơ quan] đề nghị Phòng Nội vụ huyện" in text[0]
    assert subject_line(2026, "6 tháng/2026").endswith("kỳ báo cáo 6\u00a0tháng/2026")
