"""Which returns a merge applies, in which order, and what each changes. Pure rules.

- The same file (same SHA-256) merged again changes nothing.
- Returns from one unit for one period are applied oldest first, so the latest
  received supersedes; every accepted change is logged, so history keeps both.
- Two different files from one unit and period received at the same moment are a
  conflict: neither is applied until the clerk chooses (removes one from the inbox, or
  the unit sends a newer one); a refused file is judged again at every merge, so the one
  kept is then merged.
- A receipt time after the merge's own time (a wrong clock) is capped at it (`receive`).
- A return older than one already accepted for that unit and period is recorded but
  does not overwrite the newer values.
- A report for an earlier period never overwrites a row already reported for a later
  period (a late Q1 file must not undo the 6-month report).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel

from parc_xl.domain.assignments import ROLE_LEAD
from parc_xl.domain.periods import Period
from parc_xl.domain.problems import Problem, Severity, error, errors_first, has_errors

if TYPE_CHECKING:
    from parc_xl.domain.validation import ReportedRow

_PERIOD_ORDER = {"Q1": 1, "H1": 2, "Q3": 3, "Y": 4}


def period_rank(code: str) -> tuple[int, int]:
    """Sort key of a period code "2024-Q1"; unknown codes sort first."""
    try:
        year, part = code.split("-", 1)
        return int(year), _PERIOD_ORDER.get(part.upper(), 0)
    except ValueError:
        return 0, 0


# ------------------------------------------------------------------ records

# The `Kết quả` and `Đúng hạn` words of `Nộp báo cáo`: clerks read and filter on them, and
# every later job (status, report, remind) decides from them.
ACCEPTED = "Chấp nhận"
PARTIAL = "Chấp nhận một phần"  # --partial: the valid rows applied, the others refused
REJECTED = "Từ chối"
ACCEPTED_OUTCOMES = (ACCEPTED, PARTIAL)
ON_TIME = "Đúng hạn"
LATE = "Trễ hạn"


@dataclass(slots=True)
class SubmissionRecord:
    """One `Nộp báo cáo` row: a file received, when, and what the merge decided. Fields
    follow `io.master_layout.SUBMISSION_COLUMNS` (read and laid out in `io/master_records.py`)."""

    period: str = ""
    unit: str = ""
    unit_name: str = ""
    file: str = ""
    received_at: dt.datetime | None = None  # None: empty, or not a time (`received_text` says what)
    on_time: str = ""  # ON_TIME, LATE or "" (not judged)
    rows: int = 0
    errors: int = 0
    outcome: str = ""  # ACCEPTED, PARTIAL or REJECTED
    note: str = ""
    sha256: str = ""
    row: int = 0  # sheet row number; 0 for a record not written yet
    # the `Nhận lúc` cell as the clerk left it when it is not a date-time cell (typed text,
    # a number that lost its date format): shown in warnings, rewritten as a date-time once read
    received_text: str = ""

    @property
    def accepted(self) -> bool:
        return self.outcome in ACCEPTED_OUTCOMES


class HistoryEntry(NamedTuple):
    """One `Lịch sử` row: an accepted change. A tuple in `HISTORY_COLUMNS` order, because
    a merge at the large load logs ≈300,000 of them and the row is what the sheet gets."""

    at: dt.datetime
    period: str
    unit: str
    key: str
    field: str  # the changed column's header, or what was decided ("Điều chỉnh hạn")
    old: Any
    new: Any
    source_file: str


def shown(value: Any) -> Any:
    """A value as `Lịch sử` shows it: dates day first, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


@dataclass(slots=True)
class ReportedValues:
    """What one accepted row of a return writes to its `Theo dõi` row (`REPORTED_FIELDS`),
    with the extension request it carries (set only when the request is valid)."""

    key: str
    progress: str = ""
    completed_on: dt.date | None = None
    evidence: str = ""
    figure: float | None = None
    difficulties: str = ""
    proposals: str = ""
    proposed_due: dt.date | None = None
    extension_reason: str = ""

    def __reduce__(self) -> tuple[type[ReportedValues], tuple[object, ...]]:
        # a merge worker's result (jobs/_isolation.py): its fields in order, rebuilt by the
        # constructor, cheaper both ways than the default slot-by-slot state
        return ReportedValues, _values_fields(self)


_values_fields = attrgetter("key", "progress", "completed_on", "evidence", "figure", "difficulties", "proposals",
                            "proposed_due", "extension_reason")


class Candidate(BaseModel):
    """A valid return waiting to be applied."""

    file: str
    sha256: str
    unit: str
    period: str
    received_at: dt.datetime


class Ordering(BaseModel):
    apply: list[Candidate]  # in the order to apply
    conflicts: list[Candidate]  # same unit, period and received time, different content
    # conflicts older than a return of the same unit and period applied now or merged before:
    # nothing left to choose
    outdated_conflicts: list[Candidate] = []
    superseded_by_earlier_merge: list[Candidate]  # older than an already-accepted return


def order_candidates(candidates: Iterable[Candidate],
                     latest_accepted: dict[tuple[str, str], dt.datetime]) -> Ordering:
    """Order returns oldest first per unit and period; set aside conflicts and stale files.

    `latest_accepted[(unit, period)]` is the received time of the newest return already
    merged into the master for that unit and period."""
    by_slot: dict[tuple[str, str, dt.datetime], list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_slot[(c.unit, c.period, c.received_at)].append(c)
    apply: list[Candidate] = []
    conflicts: list[Candidate] = []
    stale: list[Candidate] = []
    newest: dict[tuple[str, str], dt.datetime] = dict(latest_accepted)
    for (unit, period, received), group in by_slot.items():
        if len({c.sha256 for c in group}) == 1 and newest.get((unit, period), received) <= received:
            newest[(unit, period)] = received
    outdated: list[Candidate] = []
    for (unit, period, received), group in by_slot.items():
        distinct = {c.sha256 for c in group}
        if len(distinct) > 1:
            (outdated if newest.get((unit, period), received) > received else conflicts).extend(group)
            continue
        c = group[0]
        previous = latest_accepted.get((unit, period))
        if previous is not None and received < previous:
            stale.append(c)
        else:
            apply.append(c)
    apply.sort(key=lambda c: (c.received_at, c.unit, c.file))
    return Ordering(apply=apply, conflicts=conflicts, superseded_by_earlier_merge=stale, outdated_conflicts=outdated)


def comparable(value: Any) -> Any:
    """Values as stored in the master, so that "99.0" and 99 or "" and None compare equal."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def changed_fields(current: object, reported: object, fields: list[str]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every field whose reported value differs from the master's
    row (`current`, `reported`: records with those fields as attributes)."""
    return changed_values(fields, tuple(getattr(current, f) for f in fields),
                          tuple(getattr(reported, f) for f in fields))


def changed_values(fields: Sequence[str], old: tuple[Any, ...], new: tuple[Any, ...]) -> list[tuple[str, Any, Any]]:
    """`changed_fields` on the values already taken, in `fields` order (`operator.attrgetter`).
    Values equal as they are are equal as stored (`comparable` keeps equality), so one
    tuple comparison settles a row that reports what the master holds (a re-merge: most
    rows), and `comparable` runs only on the fields whose values differ (a first merge:
    "" in the master, text in the return)."""
    if old == new:
        return []
    return [(f, o, n) for f, o, n in zip(fields, old, new, strict=True) if o != n and (
        o.strip() != n.strip() if type(o) is str and type(n) is str else comparable(o) != comparable(n))]


def reports_nothing(reported: object, fields: list[str]) -> bool:
    """A row the unit left entirely blank is no report: it must not wipe earlier values."""
    return nothing_reported(tuple(getattr(reported, f) for f in fields))


def nothing_reported(values: tuple[Any, ...]) -> bool:
    """`reports_nothing` on the values already taken: every one is None or blank text
    (`comparable(v) == ""`). Stops at the first value given, usually the first."""
    for v in values:
        if v is None:
            continue
        if type(v) is str:
            if v.strip():
                return False
        elif comparable(v) != "":
            return False
    return True


def receipt_time(mail_sent: dt.datetime | None, declared: dt.datetime | None,
                 file_time: dt.datetime) -> dt.datetime:
    """When a return reached the office, in order of trust: the `Date` of the e-mail it
    arrived in, a time the clerk declared (`--received`), the file's modification time
    (which a copy of the inbox resets, so it is the last resort)."""
    return mail_sent or declared or file_time


class Receipt(BaseModel):
    """The receipt time a merge uses for one return, and what its source claimed."""

    at: dt.datetime  # used to order the unit's returns, to judge `Đúng hạn`, as `Cập nhật lúc`
    claimed: dt.datetime  # what the e-mail, --received or the file's clock said

    @property
    def in_future(self) -> bool:
        return self.claimed > self.at


def receive(mail_sent: dt.datetime | None, declared: dt.datetime | None, file_time: dt.datetime,
            now: dt.datetime) -> Receipt:
    """The one receipt-time rule (merge, .eml `Date`, `--received`): `receipt_time`, capped
    at `now`, the moment the merge reads the file. A time after it is a wrong clock (the
    unit's PC, a mail server, a typo): the file was received by now at the latest. Taken as
    claimed, it would outrank every later correction from that unit for ever ("older
    return"); capped, any return that reaches the office after this merge is newer. The
    clerk may still type the true time in `Nộp báo cáo` (`review_receipts`)."""
    claimed = receipt_time(mail_sent, declared, file_time)
    return Receipt(at=min(claimed, now), claimed=claimed)


def latest_receipts(rows: Iterable[SubmissionRecord],
                    now: dt.datetime) -> tuple[dict[tuple[str, str], dt.datetime], list[tuple[int, dt.datetime]]]:
    """{(unit, period): the newest receipt time among the accepted `Nộp báo cáo` rows},
    and the (row, time) of accepted rows whose `Nhận lúc` is after `now`: those come from
    a wrong clock (logged before times were capped, or typed so) and rank nothing, or
    they would freeze the unit's later corrections as older."""
    latest: dict[tuple[str, str], dt.datetime] = {}
    future: list[tuple[int, dt.datetime]] = []
    for r in rows:
        at = r.received_at
        if not r.accepted or at is None:
            continue
        if at > now:
            future.append((r.row, at))
            continue
        slot = (r.unit, r.period)
        if slot not in latest or at > latest[slot]:
            latest[slot] = at
    return latest, future


_RECEIPT_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y",
                    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_receipt_time(value: Any) -> dt.datetime | None:
    """A `Nhận lúc` cell as the clerk left it: a date-time cell, a date, or text typed day
    first ("16/03/2026 08:30", "16/03/2026"); None when it is empty or unreadable."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and value.strip():
        text = " ".join(value.split())
        for fmt in _RECEIPT_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    return None


class ReceiptFix(BaseModel):
    """A `Nộp báo cáo` row whose `Đúng hạn` no longer matches its `Nhận lúc` (the clerk
    corrected the receipt time, or the period's deadline was changed)."""

    row: int  # sheet row number
    unit: str
    period: str
    file: str
    received_at: dt.datetime
    on_time: bool  # judged from `received_at` against the period's deadline
    was: str  # the `Đúng hạn` text before

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "unit": self.unit, "period": self.period, "file": self.file,
                "received_at": self.received_at.isoformat(sep=" "), "on_time": self.on_time}


class ReceiptReview(BaseModel):
    fixes: list[ReceiptFix]
    unreadable: list[tuple[int, str]]  # (row, text) of `Nhận lúc` cells that are no time
    # (unit, period, file) → receipt time of the last accepted row for that file: what
    # `Theo dõi`'s `Cập nhật lúc` of the rows it wrote must say
    accepted_times: dict[tuple[str, str, str], dt.datetime]


def review_receipts(rows: Iterable[SubmissionRecord],
                    deadline_of: Callable[[str], dt.date | None]) -> ReceiptReview:
    """Re-judge every accepted return from its `Nhận lúc` as the sheet has it now: the clerk
    may correct a receipt time there (a file copied late, an e-mail that arrived on time),
    and the next merge honours the correction. `deadline_of(period code)`: the submission
    deadline, or None for a period it cannot judge."""
    fixes: list[ReceiptFix] = []
    unreadable: list[tuple[int, str]] = []
    accepted_times: dict[tuple[str, str, str], dt.datetime] = {}
    for r in rows:
        at = r.received_at
        if at is None:
            if r.received_text:
                unreadable.append((r.row, r.received_text))
            continue
        if not r.accepted:
            continue  # a refused file's timing decides nothing (it may even be another period's)
        accepted_times[(r.unit, r.period, r.file)] = at  # later rows (a file sent again) win
        deadline = deadline_of(r.period)
        if deadline is None:
            continue
        judged = on_time(at, deadline)
        if r.on_time != on_time_label(judged):
            fixes.append(ReceiptFix(row=r.row, unit=r.unit, period=r.period, file=r.file,
                                    received_at=at, on_time=bool(judged), was=r.on_time))
    return ReceiptReview(fixes=fixes, unreadable=unreadable, accepted_times=accepted_times)


# ------------------------------------------------------------------ acceptance policy


class Prior(Enum):
    """What `Nộp báo cáo` already decided about a file (same SHA-256), before reading it."""

    NEW = "new"  # never seen, or re-read on purpose (--partial): read and judge it
    ALREADY_MERGED = "already-merged"  # accepted before, or earlier in this inbox: nothing to do
    SUPERSEDED = "superseded"  # refused before, and a return of its unit and period received since was accepted
    REFUSED_BEFORE = "refused-before"  # refused before: judged again, refused again without a new log row


@dataclass(slots=True)
class SubmissionLog:
    """`Nộp báo cáo` as one merge decides from it (built by `submission_log`)."""

    merged: set[str]  # SHA-256 of every file accepted (wholly or in part), and of those seen in this run
    refused: dict[str, SubmissionRecord]  # SHA-256 → the last row that refused it
    # (unit, period) → the newest receipt time of an accepted return (`latest_receipts`)
    latest_accepted: dict[tuple[str, str], dt.datetime]
    future_rows: list[tuple[int, dt.datetime]]  # accepted rows received "after now": a wrong clock

    def judge(self, sha256: str, *, partial: bool) -> Prior:
        """The prior decision for a file of this inbox; the file then counts as seen, so the
        same file twice in one inbox is merged once. A file refused before is judged again
        (the conflict that refused it may be over) unless a return of the same unit and
        period received at or after it was accepted since; `--partial` re-reads it."""
        if sha256 in self.merged:
            return Prior.ALREADY_MERGED
        self.merged.add(sha256)
        before = self.refused.get(sha256)
        if before is None or partial:
            return Prior.NEW
        fixed_at = self.latest_accepted.get((before.unit, before.period))
        if fixed_at is not None and (before.received_at is None or fixed_at >= before.received_at):
            return Prior.SUPERSEDED
        return Prior.REFUSED_BEFORE


def submission_log(records: Iterable[SubmissionRecord], now: dt.datetime) -> SubmissionLog:
    records = list(records)
    latest, future = latest_receipts(records, now)
    return SubmissionLog(merged={r.sha256 for r in records if r.accepted},
                         refused={r.sha256: r for r in records if r.outcome == REJECTED and r.sha256},
                         latest_accepted=latest, future_rows=future)


def accepted_units(records: Iterable[SubmissionRecord], period: str) -> set[str]:
    """Units with a return of `period` accepted (wholly or in part) at an earlier merge."""
    return {r.unit for r in records if r.period == period and r.accepted}


def on_time(received: dt.datetime | None, deadline: dt.date) -> bool | None:
    """A return is on time when received by the end of the submission deadline's day."""
    return None if received is None else received.date() <= deadline


def on_time_label(value: bool | None) -> str:
    return "" if value is None else (ON_TIME if value else LATE)


@dataclass(slots=True)
class RowSelection:
    """The rows of one return that may be applied, and the verdict's problems."""

    rows: list[ReportedValues]
    rejected_rows: int
    problems: list[Problem]



def refused_outright(problems: list[Problem], rows: list[ReportedValues]) -> bool:
    """The whole file is refused: an error, and no row left to apply."""
    return not rows and has_errors(problems)


def applied_outcome(rejected_rows: int, problems: list[Problem]) -> str:
    """`Kết quả` of an applied file: in part when any of its rows was left out."""
    dropped = bool(rejected_rows) or any(p.code == "partial-dropped" for p in problems)
    return PARTIAL if dropped else ACCEPTED


def wrong_period(period: str, wanted: Period, file: str) -> Problem | None:
    """A return of another period than the one merged is refused."""
    if not period or period == wanted.code:
        return None
    label = Period.parse(period).label_vi if is_period_code(period) else period
    return error("wrong-period", f"Tệp là báo cáo {label}, không phải {wanted.label_vi} "
                 "đang tổng hợp. Đề nghị đơn vị gửi đúng tệp của kỳ này.", file=file)


def is_period_code(code: str) -> bool:
    try:
        Period.parse(code)
    except ValueError:
        return False
    return True


NOTE_CHARS = 110  # the `Ghi chú` of a `Nộp báo cáo` row stays one line wide


def submission_note(problems: list[Problem], *leading: str) -> str:
    """`Ghi chú` of a `Nộp báo cáo` row: `leading` notes (the e-mail first: sender and date
    are what the clerk checks), then the error that refused the file (never a warning found
    before it) and how many more; one readable line, every problem being in the JSON and
    `validate --annotate`."""
    notes = [x for x in leading if x]
    if problems:
        first = errors_first(problems)[0]
        notes.append(f"{first.cell + ': ' if first.cell else ''}{first.message}")
        if len(problems) > 1:
            notes.append(f"và {len(problems) - 1} vấn đề khác")
    note = "; ".join(notes)
    if len(note) > NOTE_CHARS:
        note = note[: NOTE_CHARS - 1].rstrip() + "…"
    return note


def select_rows(reported: Iterable[ReportedRow], problems: list[Problem], own_keys: set[str], *, unit: str,
                file: str, partial: bool, total_rows: int, refused_rows: list[Problem]) -> RowSelection:
    """Accept, accept in part, or reject one checked return. Rows of coordinating units
    are information only (`Theo dõi` tracks lead units); a row of a task not given to the
    unit is refused; a row with an error is refused. Any error refuses the whole file
    unless `partial`; an error not tied to a task refuses it even then. `refused_rows`:
    rows refused one by one after the file's verdict (tasks dropped by a plan amendment).
    `--partial` never reports success for what it left out: a `partial-dropped` record
    names every place left out."""
    problems = list(problems)
    error_keys = {p.task_key for p in problems if p.severity is Severity.ERROR and p.task_key}
    file_level_error = any(p.severity is Severity.ERROR and not p.task_key for p in problems)
    rows: list[ReportedValues] = []
    rejected = 0
    for r in reported:
        if r.role and r.role != ROLE_LEAD:
            continue
        if r.key not in own_keys:
            problems.append(error("foreign-row", f"Tệp của đơn vị {unit} có nhiệm vụ {r.key} không giao cho "
                                  "đơn vị chủ trì; dòng này không được nhận.", file=file, task_key=r.key,
                                  cell=r.cells.get("progress", "")))
            rejected += 1
            continue
        if r.key in error_keys:
            rejected += 1
            continue
        rows.append(ReportedValues(
            key=r.key, progress=r.progress.value if r.progress else "", completed_on=r.completed_on,
            evidence=r.evidence, figure=r.figure, difficulties=r.difficulties, proposals=r.proposals,
            proposed_due=r.proposed_due, extension_reason=r.extension_reason))
    if file_level_error or (has_errors(problems) and not partial):
        rejected, rows = total_rows, []
    else:
        rejected += len(refused_rows)
    problems += refused_rows
    if partial and rows and has_errors(problems):
        problems.insert(0, _partial_dropped(Path(file).name, file, problems, rejected))
    for p in problems:
        p.file = p.file or file
    return RowSelection(rows=rows, rejected_rows=rejected, problems=problems)


def _partial_dropped(name: str, file: str, problems: list[Problem], rejected_rows: int) -> Problem:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    places = list(dict.fromkeys(p.cell or (f"nhiệm vụ {p.task_key}" if p.task_key else p.label) for p in errors))
    shown_places = ", ".join(places[:12]) + (f" và {len(places) - 12} chỗ khác" if len(places) > 12 else "")
    return error("partial-dropped", (
        f"Nhận một phần (--partial): {len(errors)} lỗi không được nhận ({shown_places}), {rejected_rows} dòng bị bỏ; "
        f"các dòng khác của tệp {name} đã được tổng hợp. Đề nghị đơn vị sửa các ô trên và gửi lại."),
        file=file, value=", ".join(places))


def twins(items: Iterable[tuple[str, str, str]]) -> dict[str, list[str]]:
    """Two workbooks of one unit attached to one message carry the same sent time, so which
    one the unit meant cannot be told: neither may be applied. `items`: (file, message,
    unit) with message "" for a file not taken from a message; returns {file: the files of
    its group, in order} for every file that has a twin."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for file, message, unit in items:
        if message and unit:
            groups[(message, unit)].append(file)
    return {f: g for g in groups.values() if len(g) > 1 for f in g}


OTHER_PLAN = ("wrong-year", "fingerprint-mismatch")


def from_another_plan(refusals: list[list[str]], *, any_applicable: bool) -> bool:
    """Every file read is a form of another plan (`refusals`: the problem codes of each
    file refused after being read): the clerk chose the wrong master or the wrong inbox,
    and logging the refusals would only fill the master with strangers' rows."""
    return not any_applicable and bool(refusals) and all(
        any(code in OTHER_PLAN for code in codes) for codes in refusals)
