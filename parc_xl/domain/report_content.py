"""What the periodic report says beyond the status counts: who sent their report and
when, what units wrote as difficulties and proposals, the per-unit table and the
targets table. Pure: the report job gathers the rows from the master, the Word writer
lays this out.

Rules:
- A unit is expected to report when it leads or coordinates a task (the `Chưa nộp`
  sheet uses the same list). Its report for the period is the earliest accepted file
  ("Chấp nhận" or "Chấp nhận một phần" in `Nộp báo cáo`): on time or late as the merge
  judged it, with the date received. A unit whose every file was refused is listed
  with the date of its last refused file; a unit with no file at all is named as such.
- Difficulties (Khó khăn, vướng mắc) and proposals (Đề xuất) are quoted exactly as the
  unit wrote them, only from rows reported for this period, grouped by area (plan
  order) then unit (registry order); one text a unit repeated on several tasks is
  quoted once, followed by the tasks.
- Per-unit table (rows = task × lead unit): the four official states, except that a
  row the unit has not reported on and that is not yet overdue is "Chưa báo cáo", not
  "Đang thực hiện trong hạn" (an overdue row stays overdue, reported or not, as in
  `domain/status.py` rule 2).
- Targets table: one row per task with a target; the unit figures listed are only those
  of units that reported one. The task's verdict follows `domain/summary.py`: any unit
  "Không đạt" → Không đạt; every unit "Đạt" → Đạt; otherwise not yet judged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import Field

from parc_xl.domain.models import Status
from parc_xl.domain.record import Record
from parc_xl.domain.status import DONE_STATUSES
from parc_xl.domain.targets import ACHIEVED, NOT_ACHIEVED

NOT_REPORTED_COLUMN = "Chưa báo cáo"
UNIT_COLUMNS = (Status.DONE_ON_TIME.value, Status.DONE_LATE.value, Status.IN_PROGRESS_ON_TIME.value,
                Status.OVERDUE.value, NOT_REPORTED_COLUMN)
NOT_JUDGED = "Chưa đánh giá"


def task_number(key: str, stt: str) -> str:
    """The number people know: the printed STT; an unnumbered sub-row "1.4#1" is "1.4 (ý 1)"."""
    if stt:
        return stt
    parent, _, n = key.partition("#")
    return f"{parent} (ý {n})" if n else key


def task_heading(key: str, stt: str, task: str) -> str:
    """"1.3. Thực hiện chế độ báo cáo …"; a sub-row keeps its own numbering after its
    parent's: "1.4 – 1. Kiểm tra định kỳ …" (never the internal key "1.4#1")."""
    if stt:
        return f"{stt}. {task}"
    parent = key.partition("#")[0]
    return f"{parent} – {task}" if parent else task


# ---------------------------------------------------------------- submissions


class Submission(Record):
    """One `Nộp báo cáo` row of the period, as the report needs it."""

    unit: str
    received_at: dt.datetime | None = None
    accepted: bool
    on_time: bool | None = None


class UnitSubmission(Record):
    unit: str
    unit_name: str
    received_at: dt.datetime | None = None


class SubmissionSummary(Record):
    deadline: dt.date | None = None
    expected: int = 0
    on_time: list[UnitSubmission] = Field(default_factory=list)
    late: list[UnitSubmission] = Field(default_factory=list)
    refused: list[UnitSubmission] = Field(default_factory=list)  # sent, every file refused
    missing: list[UnitSubmission] = Field(default_factory=list)  # sent nothing

    @property
    def received(self) -> int:
        return len(self.on_time) + len(self.late)


def summarize_submissions(expected: list[tuple[str, str]], submissions: Iterable[Submission],
                          deadline: dt.date | None) -> SubmissionSummary:
    """`expected`: (code, name) of every unit that should report, in registry order."""
    by_unit: dict[str, list[Submission]] = {}
    for s in submissions:
        by_unit.setdefault(s.unit, []).append(s)
    out = SubmissionSummary(deadline=deadline, expected=len(expected))
    never = dt.datetime.max
    for code, name in expected:
        subs = by_unit.get(code, [])
        accepted = sorted((s for s in subs if s.accepted), key=lambda s: s.received_at or never)
        if accepted:
            first = accepted[0]
            item = UnitSubmission(unit=code, unit_name=name, received_at=first.received_at)
            (out.late if first.on_time is False else out.on_time).append(item)
        elif subs:
            last = max(subs, key=lambda s: s.received_at or dt.datetime.min)
            out.refused.append(UnitSubmission(unit=code, unit_name=name, received_at=last.received_at))
        else:
            out.missing.append(UnitSubmission(unit=code, unit_name=name))
    out.late.sort(key=lambda u: u.received_at or never)
    return out


# ---------------------------------------------------------------- quotes


class NoteRow(Record):
    """A `Theo dõi` row's text field reported for the period."""

    area: str
    unit: str
    unit_name: str
    task: str  # task number as people know it (`task_number`)
    text: str


class Quote(Record):
    text: str  # exactly as written
    tasks: list[str]


class UnitQuotes(Record):
    unit_name: str
    quotes: list[Quote]


class AreaQuotes(Record):
    area: str
    units: list[UnitQuotes]


def group_quotes(rows: Iterable[NoteRow], area_order: list[str], unit_order: list[str]) -> list[AreaQuotes]:
    areas: dict[str, dict[str, tuple[str, dict[str, list[str]]]]] = {}
    for r in rows:
        if not r.text.strip():
            continue
        units = areas.setdefault(r.area, {})
        name, texts = units.setdefault(r.unit or r.unit_name, (r.unit_name or r.unit, {}))
        tasks = texts.setdefault(r.text, [])
        if r.task not in tasks:
            tasks.append(r.task)
    a_rank = {a: i for i, a in enumerate(area_order)}
    u_rank = {u: i for i, u in enumerate(unit_order)}
    out: list[AreaQuotes] = []
    for area in sorted(areas, key=lambda a: (a_rank.get(a, len(a_rank)), a)):
        units = areas[area]
        out.append(AreaQuotes(area=area, units=[
            UnitQuotes(unit_name=units[u][0], quotes=[Quote(text=t, tasks=k) for t, k in units[u][1].items()])
            for u in sorted(units, key=lambda u: (u_rank.get(u, len(u_rank)), u))]))
    return out


# ---------------------------------------------------------------- per-unit table


class UnitRow(Record):
    label: str
    counts: dict[str, int]  # UNIT_COLUMNS → rows

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_OFFICIAL_FOLD = {Status.DUE_SOON: Status.IN_PROGRESS_ON_TIME, Status.NO_FIXED_DEADLINE: Status.IN_PROGRESS_ON_TIME}


def unit_rows(rows: Iterable[tuple[str, str, Status, bool]], unit_order: list[str]) -> list[UnitRow]:
    """`rows`: (unit code, unit name, status, reported) per `Theo dõi` row. A row without a
    registry unit (the plan named a group that has no members yet) is shown by the plan's
    wording, marked as such."""
    tables: dict[str, tuple[str, dict[str, int]]] = {}
    for code, name, status, reported in rows:
        key = code or f"?{name}"
        label = name or code if code else f"{name or 'Đơn vị chưa xác định'} (chưa xác định đơn vị)"
        counts = tables.setdefault(key, (label, dict.fromkeys(UNIT_COLUMNS, 0)))[1]
        if status in DONE_STATUSES or status is Status.OVERDUE:
            counts[status.value] += 1
        elif status is Status.NOT_REPORTED or not reported:
            counts[NOT_REPORTED_COLUMN] += 1
        else:
            counts[_OFFICIAL_FOLD.get(status, status).value] += 1
    rank = {u: i for i, u in enumerate(unit_order)}
    keys = sorted(tables, key=lambda k: (rank.get(k, len(rank)), k))
    return [UnitRow(label=tables[k][0], counts=tables[k][1]) for k in keys]


# ---------------------------------------------------------------- targets


class TargetUnit(Record):
    unit_name: str
    figure: float
    result: str  # "Đạt" | "Không đạt" | "" (figure given, cannot be judged)


class TargetTask(Record):
    key: str
    heading: str  # "3.2. Giải quyết hồ sơ …"
    target: str  # `targets.target_text`
    units: list[TargetUnit]  # only the units that reported a figure
    rows: int  # units the task falls on
    verdict: str  # "Đạt" | "Không đạt" | NOT_JUDGED

    @property
    def without_figure(self) -> int:
        return self.rows - len(self.units)


class TargetRow(Record):
    key: str
    heading: str
    target: str
    unit_name: str
    figure: float | None
    result: str


def target_tasks(rows: Iterable[TargetRow]) -> list[TargetTask]:
    """One entry per target task, in the order the rows come (plan order)."""
    tasks: dict[str, TargetTask] = {}
    results: dict[str, list[str]] = {}
    for r in rows:
        t = tasks.get(r.key)
        if t is None:
            t = tasks[r.key] = TargetTask(key=r.key, heading=r.heading, target=r.target, units=[], rows=0,
                                          verdict=NOT_JUDGED)
            results[r.key] = []
        t.rows += 1
        results[r.key].append(r.result)
        if r.figure is not None:
            t.units.append(TargetUnit(unit_name=r.unit_name, figure=r.figure, result=r.result))
    for key, t in tasks.items():
        res = results[key]
        t.verdict = (NOT_ACHIEVED if NOT_ACHIEVED in res else ACHIEVED if res and all(x == ACHIEVED for x in res)
                     else NOT_JUDGED)
    return list(tasks.values())


class ReportContent(Record):
    """Everything of the report that is not a status count (`StatusSummary`)."""

    submissions: SubmissionSummary
    difficulties: list[AreaQuotes] = Field(default_factory=list)
    proposals: list[AreaQuotes] = Field(default_factory=list)
    units: list[UnitRow] = Field(default_factory=list)
    targets: list[TargetTask] = Field(default_factory=list)
    headings: dict[str, str] = Field(default_factory=dict)  # task key → `task_heading`
    recipients: list[str] = Field(default_factory=list)  # Nơi nhận; empty: a marked blank


# --- Nơi nhận (the report's addressees) -------------------------------------------------
def split_recipients(text: str | None) -> list[str]:
    """«UBND Thành phố; Sở Nội vụ» → ["UBND Thành phố", "Sở Nội vụ"] (what the clerk types,
    on the command line or in the ribbon's question)."""
    return [part.strip().rstrip(",.") for part in (text or "").split(";") if part.strip().rstrip(",.")]


def default_recipients(issuer: str, remembered: str = "") -> str:
    """What the ribbon's «Báo cáo» offers for Nơi nhận: the addressees of the last report
    (kept in the master), else the body that collects CCHC reports: Sở Nội vụ, the
    province's standing body for administrative reform; Sở Nội vụ itself reports to the
    provincial People's Committee and Bộ Nội vụ."""
    if remembered.strip():
        return remembered.strip()
    folded = " ".join(issuer.lower().split())
    if "sở nội vụ" in folded or "so noi vu" in folded:
        city = "thành phố" in folded or "tp." in folded or "tp " in folded
        return f"Ủy ban nhân dân {'Thành phố' if city else 'tỉnh'}; Bộ Nội vụ"
    return "Sở Nội vụ"
