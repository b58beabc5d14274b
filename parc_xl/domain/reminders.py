"""Who to chase (đôn đốc) for a period, for what, and what the reminder letter says. Pure.

Rules (each pinned by tests/domain/test_reminders.py):

1. A unit is expected to report for a period when it leads or coordinates a task (the
   same list as `Chưa nộp` and the report, `assignments.units_with_tasks`). Its return is
   missing when no file of the period was accepted («Chấp nhận» or «Chấp nhận một phần» in
   `Nộp báo cáo`); a unit whose every file was refused is missing too, and the letter says
   that its file was refused.
2. A missing return is chased once the submission deadline (`Kỳ báo cáo`, «Hạn nộp báo
   cáo») is past or within the due-soon window — the same number of working days the
   status uses for «Sắp đến hạn» (`status` rule 3, default 10) — so a letter sent ahead of
   the deadline asks for the return on time and one sent after it says how late it is.
   Before that window nobody is chased for the return.
3. A unit's tasks are its `Theo dõi` rows (the unit leads the task), judged by
   `status.compute_status` for the period as of the date: «Quá hạn chưa hoàn thành» rows
   are overdue (with working days overdue), «Sắp đến hạn» rows are due soon (with working
   days left). Retired rows are not judged, so never chased. Plan order.
4. A unit gets a letter when it has a missing return, an overdue task or a due-soon task;
   units with nothing to chase get none. Registry order.
5. Tasks are named by the number people know (`report_content.task_number`: the printed
   STT, an unnumbered sub-row "1.4 (ý 1)"), never by the internal key "1.4#1".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import Field

from parc_xl.domain.models import Status
from parc_xl.domain.record import Record
from parc_xl.domain.report_content import Submission, task_number
from parc_xl.domain.status import Calendar, working_days_after
from parc_xl.domain.summary import RowOutcome


class ChaseTask(Record):
    key: str
    number: str  # the STT people know
    task: str
    due: dt.date | None = None
    days_overdue: int | None = None  # working days, overdue tasks
    days_left: int | None = None  # working days until due, due-soon tasks


class MissingReturn(Record):
    deadline: dt.date
    late: bool  # the deadline has passed
    days_late: int = 0  # working days after the deadline
    refused_at: dt.datetime | None = None  # the unit sent a file, every one was refused


class Reminder(Record):
    unit: str
    unit_name: str
    overdue: list[ChaseTask] = Field(default_factory=list)
    due_soon: list[ChaseTask] = Field(default_factory=list)
    missing_return: MissingReturn | None = None


def _missing(subs: list[Submission], deadline: dt.date | None, as_of: dt.date, calendar: Calendar,
             window: int) -> MissingReturn | None:
    if deadline is None or any(s.accepted for s in subs):
        return None
    if as_of <= deadline and working_days_after(calendar, as_of, deadline) > window:
        return None  # rule 2: too early to chase
    refused = max((s.received_at for s in subs if s.received_at), default=None)
    late = as_of > deadline
    return MissingReturn(deadline=deadline, late=late,
                         days_late=max(working_days_after(calendar, deadline, as_of), 1) if late else 0,
                         refused_at=refused)


def select(expected: list[tuple[str, str]], outcomes: Iterable[RowOutcome], submissions: Iterable[Submission],
           deadline: dt.date | None, as_of: dt.date, calendar: Calendar, due_soon_days: int) -> list[Reminder]:
    """One `Reminder` per unit with something to chase (rules in the module doc).
    `expected`: (code, name) of every unit that should report, in registry order;
    `outcomes`: the period's statuses of `Theo dõi`; `submissions`: the period's
    `Nộp báo cáo` rows."""
    by_unit: dict[str, list[Submission]] = {}
    for s in submissions:
        by_unit.setdefault(s.unit, []).append(s)
    tasks: dict[str, tuple[list[ChaseTask], list[ChaseTask]]] = {}
    names: dict[str, str] = {}
    for o in outcomes:
        if o.status not in (Status.OVERDUE, Status.DUE_SOON):
            continue
        overdue, soon = tasks.setdefault(o.unit, ([], []))
        names.setdefault(o.unit, o.unit_name or o.unit)
        item = ChaseTask(key=o.key, number=task_number(o.key, o.stt), task=o.task, due=o.due)
        if o.status is Status.OVERDUE:
            item.days_overdue = o.days_overdue
            overdue.append(item)
        else:
            item.days_left = working_days_after(calendar, as_of, o.due) if o.due else None
            soon.append(item)
    order = [code for code, _ in expected] + [u for u in tasks if u not in {c for c, _ in expected}]
    labels = dict(expected)
    out: list[Reminder] = []
    for code in order:
        missing = _missing(by_unit.get(code, []), deadline, as_of, calendar, due_soon_days) \
            if code in labels else None
        overdue, soon = tasks.get(code, ([], []))
        if missing is None and not overdue and not soon:
            continue
        out.append(Reminder(unit=code, unit_name=labels.get(code) or names.get(code, code), overdue=overdue,
                            due_soon=soon, missing_return=missing))
    return out


def _days(n: int) -> str:
    return f"{n} ngày làm việc"


NBSP = "\u00a0"


def subject_line(year: int, period_label: str) -> str:
    """The «V/v» line of the letter (NĐ 30: a công văn states its subject under its number).
    The period label keeps to one line (no-break spaces: "Quý I/2026", never "Quý" / "I/2026")."""
    return f"V/v đôn đốc thực hiện nhiệm vụ CCHC năm {year}, kỳ báo cáo {period_label.replace(' ', NBSP)}"


def letter_paragraphs(r: Reminder, *, issuer: str, year: int, period_label: str, as_of: dt.date) -> list[str]:
    """The body of the letter before the task table (the table follows when there are tasks)."""
    office = issuer or "[Tên cơ quan]"
    out = [f"Thực hiện Kế hoạch cải cách hành chính (CCHC) năm {year}, căn cứ kết quả theo dõi tình hình "
           f"thực hiện tính đến ngày {as_of:%d/%m/%Y}, {office} đề nghị {r.unit_name} quan tâm, khẩn trương "
           "thực hiện các nội dung sau:"]
    n = 1
    m = r.missing_return
    if m is not None:
        if m.refused_at is not None:
            state = (f"báo cáo đơn vị gửi ngày {m.refused_at:%d/%m/%Y} chưa đạt yêu cầu (không tổng hợp được), "
                     "đơn vị chưa gửi lại")
        else:
            state = "đơn vị chưa gửi báo cáo"
        if m.late:
            text = (f"{n}. Gửi báo cáo kết quả thực hiện nhiệm vụ CCHC {period_label}: hạn gửi là ngày "
                    f"{m.deadline:%d/%m/%Y}, đến nay đã quá {_days(m.days_late)}, {state}. Đề nghị đơn vị gửi "
                    "báo cáo bằng tệp mẫu của kỳ ngay khi nhận được văn bản này.")
        else:
            text = (f"{n}. Gửi báo cáo kết quả thực hiện nhiệm vụ CCHC {period_label} đúng hạn: hạn gửi là ngày "
                    f"{m.deadline:%d/%m/%Y}; đến ngày {as_of:%d/%m/%Y}, {state}.")
        out.append(text)
        n += 1
    if r.overdue or r.due_soon:
        parts = []
        if r.overdue:
            parts.append(f"{len(r.overdue)} nhiệm vụ đã quá hạn chưa hoàn thành")
        if r.due_soon:
            parts.append(f"{len(r.due_soon)} nhiệm vụ sắp đến hạn")
        out.append(f"{n}. Tập trung hoàn thành {' và '.join(parts)} do đơn vị chủ trì thực hiện, cụ thể như sau:")
    return out


def closing_paragraphs(r: Reminder) -> list[str]:
    """After the table: how to report, what to do when a deadline cannot be met."""
    out = []
    if r.overdue or r.due_soon:
        out.append("Kết quả thực hiện (tiến độ, ngày hoàn thành, văn bản hoặc sản phẩm) đề nghị đơn vị cập nhật "
                   "vào tệp mẫu báo cáo của kỳ và gửi về cùng báo cáo. Trường hợp không thể hoàn thành đúng thời "
                   "hạn, đề nghị đơn vị chọn Tiến độ «Đề nghị điều chỉnh» và nêu rõ lý do, khó khăn, vướng mắc "
                   "và đề xuất tại các cột tương ứng của tệp mẫu.")
    out.append("Đề nghị đơn vị quan tâm, phối hợp thực hiện./.")
    return out


def day_cell(t: ChaseTask) -> str:
    """The letter's last column: working days overdue, or how soon the task is due."""
    if t.days_overdue is not None:
        return str(t.days_overdue)
    if t.days_left == 0:
        return "Sắp đến hạn (đến hạn hôm nay)"
    if t.days_left is not None:
        return f"Sắp đến hạn (còn {_days(t.days_left)})"
    return "Sắp đến hạn"
