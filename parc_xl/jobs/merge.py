"""Tổng hợp: merge a folder of unit returns into the master, with a full audit trail.

One pass: identify each file by its metadata (not its name), validate it, apply what is
valid to that unit's `Theo dõi` rows, log every file in `Nộp báo cáo` and every changed
field in `Lịch sử`, list the units that sent nothing, archive accepted files by hash.
The master is patched part by part (the clerk's own sheets, notes and charts stay
byte-identical) and replaced atomically after a backup; any failure leaves it as it was.

What is accepted, in part or refused, and what supersedes what, is decided in
`domain/submissions.py`; this module reads, calls those rules and writes.
"""

from __future__ import annotations

import datetime as dt
import gc
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from parc_xl.domain.assignments import units_with_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.periods import Period, plan_period
from parc_xl.domain.problems import Problem, Severity, error, warning
from parc_xl.domain.submissions import (
    ACCEPTED, LATE, NOTE_CHARS, ON_TIME, PARTIAL, REJECTED, Candidate, HistoryEntry, Prior, ReportedValues,
    SubmissionLog, SubmissionRecord, accepted_units, applied_outcome, changed_values, from_another_plan,
    is_period_code, nothing_reported, on_time_label, order_candidates, period_rank, receive, refused_outright,
    review_receipts, select_rows, shown, submission_log, submission_note, twins, wrong_period,
)
from parc_xl.domain.submissions import on_time as judged_on_time
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.io.extension_sheet import add_requests, request_values
from parc_xl.io.master import MasterData, TrackingRow, file_sha256, read_master
from parc_xl.io.master_lock import save_guarded
from parc_xl.io.master_records import history_rows, in_file_order, submission_rows
from parc_xl.io.ooxml import XlsxPackage, col_letter
from parc_xl.io.package_guard import check_size
from parc_xl.io.safe_copy import copy_atomically, copy_many_atomically, sha256_of
from parc_xl.jobs._common import ARCHIVE_DIR, BACKUP_DIR, ensure_writable
from parc_xl.jobs._isolation import Failure, failure_problem, run_isolated, worker_count
from parc_xl.jobs.merge_inbox import MailOrigin, inbox_files, sender_check
from parc_xl.jobs.merge_result import MergeResult, RejectedFile
from parc_xl.jobs.validate import check_file

__all__ = ["ACCEPTED", "LATE", "NOTE_CHARS", "ON_TIME", "PARTIAL", "REJECTED", "MergeResult", "RejectedFile", "run"]


@dataclass(slots=True)
class _Pending:
    """A file read and checked, waiting for the ordering decision."""

    path: Path
    sha256: str
    received_at: dt.datetime
    unit: str
    period: str
    rows_total: int
    problems: list[Problem]
    rows: list[ReportedValues]  # the rows that may be applied
    rejected_rows: int = 0


def run(master: Path, inbox: Path, period: str, as_of: dt.date | None = None, partial: bool = False,
        received_at: dt.datetime | None = None) -> MergeResult:
    from parc_xl.io.master_lock import master_lock

    # One writer at a time: the master is read, decided on and written under one lock.
    # Workbooks attached to saved e-mails are checked from a private folder removed afterwards.
    with master_lock(Path(master), "Tổng hợp"), tempfile.TemporaryDirectory(prefix="parc_xl_thu_") as staging:
        try:
            return _run(Path(master), Path(inbox), period, as_of, partial, received_at, Path(staging))
        finally:
            gc.unfreeze()  # see _run


def _run(master: Path, inbox: Path, period: str, as_of: dt.date | None, partial: bool,
         received_at: dt.datetime | None, staging: Path) -> MergeResult:
    wanted, md = _open(master, inbox, period)
    now = dt.datetime.now().replace(microsecond=0)
    m = _Merge(master=master, md=md, wanted=wanted, now=now, today=as_of or now.date(), partial=partial,
               declared=received_at, log=submission_log(md.submissions, now),
               result=MergeResult(master=str(master), period=wanted.code))
    m.result.problems += [_future_row_warning(md, row, at, now) for row, at in m.log.future_rows]
    # the registry's addresses (format, duplicates) decide the sender check: said again here
    m.result.problems += [p for p in md.problems if p.code.startswith("email-")]
    files = m.take_inbox(inbox, staging)
    pending = m.judge(m.screen(files))
    pending = m.refuse_twins(pending)
    _refuse_wrong_master(master, md, m.result, pending)
    # The master's rows and the checked returns live until the end: left to the cyclic
    # collector, each full collection walks them all again (3 in apply_all, ≈0.8 s of it at
    # the large load, more in the write) to free nothing. Frozen, it walks only what is new.
    gc.freeze()
    m.apply_all(m.order(pending))
    return m.finish()


def _open(master: Path, inbox: Path, period: str) -> tuple[Period, MasterData]:
    """The period asked for and the master, or InputError (nothing is written)."""
    try:
        wanted = Period.parse(period)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục hộp thư {inbox}.")
    md = read_master(master, tracking_fields=_TRACKING_FIELDS)
    try:
        plan_period(wanted, md.plan.year)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    ensure_writable(master)
    return wanted, md


# What a merge uses of a `Theo dõi` row: its identity, what a return reports, the stamps
# it writes, the receipt time the clerk may correct. The task text, status and due date
# are not read (9 of 20 columns, ≈0.15 s at 200,000 rows); those fields keep their defaults.
_TRACKING_FIELDS = ("key", "unit", "period", *L.REPORTED_FIELDS, "received_at", "source_file")

_Step = RejectedFile | tuple[Path, str, dt.datetime]  # refused by a cheap check, or (path, SHA-256, received) to read


@dataclass
class _Merge:
    """One merge's state, from the inbox to the write; each method is one step of `_run`."""

    master: Path
    md: MasterData
    wanted: Period
    now: dt.datetime
    today: dt.date
    partial: bool
    declared: dt.datetime | None  # --received
    log: SubmissionLog
    result: MergeResult
    records: list[SubmissionRecord] = field(default_factory=list)  # new `Nộp báo cáo` rows
    origins: dict[Path, MailOrigin] = field(default_factory=dict)
    again: dict[Path, SubmissionRecord] = field(default_factory=dict)  # refused before: its row
    future: dict[Path, Problem] = field(default_factory=dict)  # receipt time capped at `now`
    history: list[HistoryEntry] = field(default_factory=list)
    # `Theo dõi` cells to write: {field: {sheet row: value}}
    updates: dict[str, dict[int, Any]] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)
    unchanged: set[int] = field(default_factory=set)
    request_rows: list[list[Any]] = field(default_factory=list)
    receipt_cells: dict[str, Any] = field(default_factory=dict)
    applied: list[_Pending] = field(default_factory=list)

    def record(self, path: Path, outcome: str, problems: list[Problem], *, unit: str = "", period: str = "",
               sha: str = "", received: dt.datetime | None = None, rows: int = 0, errors: int | None = None,
               extra: str = "") -> None:
        """One new `Nộp báo cáo` row; `Đúng hạn` is judged against the merged period's deadline."""
        u = self.md.registry.unit(unit) if unit else None
        origin = self.origins.get(path)
        self.records.append(SubmissionRecord(
            period=period or self.wanted.code, unit=unit, unit_name=u.name if u else "", file=path.name,
            received_at=received, on_time=on_time_label(self._on_time(received)), rows=rows,
            errors=_n_errors(problems) if errors is None else errors, outcome=outcome,
            note=submission_note(problems, origin.note() if origin else "", extra), sha256=sha))

    def _on_time(self, received: dt.datetime | None) -> bool | None:
        return judged_on_time(received, self.md.schedule.submission_deadline(self.wanted))

    def take_inbox(self, inbox: Path, staging: Path) -> list[Path]:
        """The inbox's workbooks; files refused by name or unreadable messages are logged."""
        files, refused, self.origins = inbox_files(inbox, staging)
        self.result.rejected += refused
        for r in refused:
            self.record(Path(r.file), REJECTED, r.issues, errors=len(r.issues))
        return files

    def screen(self, files: list[Path]) -> list[_Step]:
        """The cheap decisions, in inbox order: size, SHA-256 against `Nộp báo cáo`, receipt time."""
        steps: list[_Step] = []
        for path in files:
            try:
                check_size(path)  # a `stat`: a 4 GB file is refused without being read or hashed
            except InputError as exc:
                steps.append(RejectedFile(file=str(path), issues=exc.problems))
                self.record(path, REJECTED, exc.problems, errors=1)
                continue
            sha = file_sha256(path)
            prior = self.log.judge(sha, partial=self.partial)
            if prior is Prior.ALREADY_MERGED:
                self.result.already_merged.append(str(path))
                continue
            if prior is Prior.SUPERSEDED:
                self.result.superseded.append(str(path))  # a corrected copy replaced it: nothing to do
                continue
            if prior is Prior.REFUSED_BEFORE:
                self.again[path] = self.log.refused[sha]
            steps.append((path, sha, self._receipt(path)))
        return steps

    def _receipt(self, path: Path) -> dt.datetime:
        origin = self.origins.get(path)
        rec = receive(origin.sent_at if origin else None, self.declared,
                      dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0), self.now)
        if rec.in_future:
            now = self.now
            source = ("ngày gửi của thư" if origin and origin.sent_at else "--received" if self.declared
                      else "thời gian sửa đổi của tệp")
            self.future[path] = warning("received-in-future", (
                f"Tệp {path.name}: thời điểm nhận theo {source} là {rec.claimed:%d/%m/%Y %H:%M}, sau lúc tổng hợp "
                f"({now:%d/%m/%Y %H:%M}): đồng hồ của máy gửi hoặc máy chép tệp bị sai. Tệp được coi là nhận lúc "
                f"{now:%d/%m/%Y %H:%M} (các bản sửa gửi sau vẫn là bản mới hơn); nếu biết thời điểm đúng, hãy sửa "
                "ô «Nhận lúc» của tệp ở sheet Nộp báo cáo."), file=str(path), value=rec.claimed.isoformat(sep=" "))
        return rec.at

    def judge(self, steps: list[_Step]) -> list[_Pending]:
        """The expensive checks (maybe on several cores), then their outcomes in inbox order:
        a file with errors and no row to apply is refused, the others wait for ordering."""
        to_check = [s for s in steps if isinstance(s, tuple)]
        checked = iter(_check_all(self.md, to_check, self.wanted, self.today, self.partial))
        pending: list[_Pending] = []
        for step in steps:
            if isinstance(step, RejectedFile):
                self.result.rejected.append(step)
                continue
            path = step[0]
            item = next(checked)
            origin = self.origins.get(path)
            if origin is not None:  # the e-mail's warnings travel with the workbook it carried
                mail_problems = [*origin.problems, *sender_check(self.md, origin, item.unit, path)]
                item.problems = [*item.problems, *mail_problems]
                self.result.problems += mail_problems
            if path in self.future:
                item.problems.append(self.future[path])
                self.result.problems.append(self.future[path])
            if not refused_outright(item.problems, item.rows):
                pending.append(item)
            elif path in self.again:  # still refused for what it holds: one record, no second log row
                self.result.rejected.append(_already_rejected(path, self.again[path]))
            else:
                self.result.rejected.append(RejectedFile(file=str(path), unit=item.unit, issues=item.problems))
                self._record_pending(item, REJECTED, item.problems)
        return pending

    def _record_pending(self, p: _Pending, outcome: str, problems: list[Problem], *, extra_errors: int = 0,
                        extra: str = "") -> None:
        self.record(p.path, outcome, problems, unit=p.unit, period=p.period, sha=p.sha256, received=p.received_at,
                    rows=p.rows_total, errors=_n_errors(p.problems) + extra_errors, extra=extra)

    def refuse_twins(self, pending: list[_Pending]) -> list[_Pending]:
        """Two workbooks of the same unit attached to one message (domain rule `twins`):
        neither is applied, each is refused with a record naming the message (identical
        copies count once: same SHA-256)."""
        origins = self.origins
        groups = twins((str(p.path), str(origins[p.path].eml) if p.path in origins else "", p.unit) for p in pending)
        kept: list[_Pending] = []
        for p in pending:
            group = groups.get(str(p.path))
            if group is None:
                kept.append(p)
                continue
            names = ", ".join(Path(f).name for f in group)
            issue = error("mail-two-workbooks", (
                f"{len(group)} mẫu báo cáo của đơn vị {p.unit} trong cùng thư {origins[p.path].eml.name} ({names}): "
                "không biết đơn vị muốn nộp tệp nào nên không tệp nào được áp dụng. Đề nghị đơn vị gửi lại thư chỉ "
                "kèm một tệp."), file=str(p.path))
            self.result.rejected.append(RejectedFile(file=str(p.path), unit=p.unit, issues=[issue, *p.problems]))
            self._record_pending(p, REJECTED, [issue], extra_errors=1)
        return kept

    def order(self, pending: list[_Pending]) -> list[_Pending]:
        """The files to apply, oldest first (domain rule `order_candidates`); conflicts,
        outdated conflicts and returns older than one merged before are logged here."""
        ordering = order_candidates(
            [Candidate(file=str(p.path), sha256=p.sha256, unit=p.unit, period=p.period, received_at=p.received_at)
             for p in pending], self.log.latest_accepted)
        by_file = {str(p.path): p for p in pending}
        for c in ordering.conflicts:
            p = by_file[c.file]
            issue = error("conflict", f"Đơn vị {p.unit} có hai tệp khác nhau nhận cùng lúc "
                          f"({p.received_at:%d/%m/%Y %H:%M}); không tệp nào được áp dụng. "
                          "Hãy giữ lại một tệp đúng rồi tổng hợp lại.", file=c.file)
            self.result.rejected.append(RejectedFile(file=c.file, unit=p.unit, issues=[issue, *p.problems]))
            if p.path not in self.again:  # else the same conflict as at the last merge: logged then
                self._record_pending(p, REJECTED, [issue], extra_errors=1)
        for c in ordering.outdated_conflicts:  # a newer return of the unit decides: nothing to choose
            p = by_file[c.file]
            self.result.superseded.append(c.file)
            if p.path not in self.again:
                note = warning("conflict", f"Tệp {p.path.name} nhận cùng lúc với một tệp khác của đơn vị {p.unit}, "
                               "nhưng đơn vị đã có bản mới hơn nên không cần chọn; tệp không được áp dụng.",
                               file=c.file)
                self._record_pending(p, REJECTED, [note])
        for c in ordering.superseded_by_earlier_merge:
            p = by_file[c.file]
            note = warning("older-return", f"Tệp cũ hơn bản của đơn vị {p.unit} đã tổng hợp trước đó; "
                           "được lưu vào sổ nộp nhưng không ghi đè số liệu mới hơn.", file=c.file)
            self.result.problems.append(note)
            self._record_pending(p, ACCEPTED, [note, *p.problems])
            self.result.accepted.append(c.file)
            self.applied.append(p)
        return [by_file[c.file] for c in ordering.apply]

    def apply_all(self, ordered: list[_Pending]) -> None:
        """Apply in order; the tracking state is updated in memory so a later file diffs
        against what an earlier file of this same run wrote. Before this run's files: the
        clerk's corrections of `Nhận lúc`, then new returns on top."""
        rows_by_key = {(r.key, r.unit): r for r in self.md.tracking}
        self.receipt_cells = _review_receipts(self.md, self.result, self)
        request_index = _request_index(self.md)
        for p in ordered:
            self.request_rows += _new_requests(self.md, p, self.result, request_index)
            changed_here = self.apply(p, rows_by_key)
            outcome = applied_outcome(p.rejected_rows, p.problems)
            self._record_pending(p, outcome, p.problems, extra=f"{changed_here} ô thay đổi")
            self.result.accepted.append(str(p.path))
            self.applied.append(p)
            if outcome == PARTIAL:
                self.result.rejected.append(RejectedFile(file=str(p.path), unit=p.unit, issues=[
                    x for x in p.problems if x.severity is Severity.ERROR]))
            if not self._on_time(p.received_at):
                self.result.late_units.append(p.unit)

    def put(self, row: TrackingRow, name: str, value: Any) -> None:
        """Set a `Theo dõi` value, in memory and for the write."""
        self._column(name)[row.row] = value
        setattr(row, name, value)

    def _column(self, name: str) -> dict[int, Any]:
        """{sheet row: value} to write in `Theo dõi`'s column `name`, made on its first value
        (an empty `updates` is what tells `finish` that nothing changed)."""
        column = self.updates.get(name)
        if column is None:
            column = self.updates[name] = {}
        return column

    def apply(self, p: _Pending, rows_by_key: dict[tuple[str, str], TrackingRow]) -> int:
        """The changed fields of one file on its unit's rows; returns how many changed.
        At the large load this runs on ≈170,000 rows, so what is the same for the whole
        file is taken once and each row's values are taken as one tuple (`_REPORTED`)."""
        changed = 0
        unit, period, received, name, now = p.unit, p.period, p.received_at, p.path.name, self.now
        rank = period_rank(period)
        updates, log = self.updates, self.history.append
        stamp: tuple[dict[int, Any], dict[int, Any], dict[int, Any]] | None = None  # period, received, file
        for reported in p.rows:
            row = rows_by_key.get((reported.key, unit))
            if row is None:
                continue
            new = _REPORTED(reported)
            if nothing_reported(new):
                continue
            if row.period and row.period != period and period_rank(row.period) > rank:
                self.result.problems.append(warning(
                    "older-period", f"Nhiệm vụ {row.key} của {unit} đã có báo cáo kỳ {row.period}; "
                    f"số liệu kỳ {period} không ghi đè.", task_key=row.key, file=str(p.path)))
                continue
            diffs = changed_values(L.REPORTED_FIELDS, _REPORTED(row), new)
            at = row.row
            if diffs:
                self.touched.add(at)
                changed += len(diffs)
                for field_name, old, value in diffs:
                    (updates.get(field_name) or self._column(field_name))[at] = value
                    setattr(row, field_name, value)
                    log(HistoryEntry(now, period, unit, row.key, _FIELD_LABELS[field_name],
                                     old if type(old) is str else _shown(old),
                                     value if type(value) is str else _shown(value), name))
            else:
                self.unchanged.add(at)
            if stamp is None:
                stamp = self._column("period"), self._column("received_at"), self._column("source_file")
            stamp[0][at] = row.period = period
            stamp[1][at] = row.received_at = received
            stamp[2][at] = row.source_file = name
        return changed

    def finish(self) -> MergeResult:
        """Counts and missing units; the archive first (each file atomically), then the
        master: once the master says "accepted", the file is in luu_tru/. A re-run repairs
        entries lost since."""
        result = self.result
        result.rows_updated = len(self.touched)
        result.rows_unchanged = len(self.unchanged - self.touched)
        result.fields_changed = len(self.history)
        result.late_units = sorted(set(result.late_units))
        done = {p.unit for p in self.applied} | accepted_units(self.md.submissions, self.wanted.code)
        result.missing_units = [u for u in units_with_tasks(self.md.plan, self.md.registry) if u not in done]
        _archive(self.master, self.wanted, self.applied, self.origins)
        _repair_archive(self.master, self.md, self.wanted, result, {p.sha256 for p in self.applied})
        if not self.records and not self.history and not self.updates and not self.receipt_cells:
            return result  # nothing new (e.g. the same inbox merged twice): the master is untouched
        result.backup = _write(self.md, self.master, self.wanted, self.updates, self.records, self.history,
                               result.missing_units, self.receipt_cells, request_rows=self.request_rows)
        return result


_FIELD_LABELS = {c.id: c.header for c in L.TRACKING_COLUMNS}
_REPORTED = attrgetter(*L.REPORTED_FIELDS)  # a row's reported values as one tuple, in REPORTED_FIELDS order


@lru_cache(maxsize=4096, typed=True)
def _shown(value: Any) -> Any:
    """`shown` of a value that is not text (a date, a figure, None), made once per
    distinct value: the large merge logs 60,000 completion dates, a few hundred distinct,
    and their strftime was the slow part. `typed`: 1.0, 1 and True stay apart."""
    return shown(value)


def _refuse_wrong_master(master: Path, md: MasterData, result: MergeResult, pending: list[_Pending]) -> None:
    """Every file read belongs to another plan (domain rule `from_another_plan`): nothing
    is written and the job stops (exit 2)."""
    read = [r for r in result.rejected if r.issues and r.issues[0].code not in ("already-rejected", "not-xlsx")]
    if not from_another_plan([[p.code for p in r.issues] for r in read], any_applicable=bool(pending)):
        return
    problems = [next(p for p in r.issues if p.code in ("wrong-year", "fingerprint-mismatch")) for r in read]
    raise InputError(
        f"Không tệp nào trong hộp thư thuộc kế hoạch năm {md.plan.year} của sổ {master.name} "
        f"({len(read)} tệp là mẫu của kế hoạch khác); có thể đã chọn nhầm sổ theo dõi hoặc nhầm thư mục. "
        "Sổ không bị thay đổi.", problems)


def _n_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity is Severity.ERROR)


def _already_rejected(path: Path, before: SubmissionRecord) -> RejectedFile:
    reason = before.note
    when = before.received_text or (before.received_at.isoformat(sep=" ") if before.received_at else "")
    return RejectedFile(file=str(path), unit=before.unit, issues=[error("already-rejected", (
        f"Tệp {path.name} đã bị từ chối ở lần tổng hợp trước" + (f" vì: {reason}" if reason else
                                                                 " (xem sheet Nộp báo cáo)")
        + "; đơn vị cần sửa và gửi lại."), file=str(path), value=when)])


def _future_row_warning(md: MasterData, row: int, at: dt.datetime, now: dt.datetime) -> Problem:
    pos = md.headers.get(L.SHEET_SUBMISSIONS) or {c.id: i for i, c in enumerate(L.SUBMISSION_COLUMNS)}
    cell = f"{col_letter(pos['received_at'] + 1)}{row}" if "received_at" in pos else ""
    return warning("received-in-future", (
        f"Nộp báo cáo, ô {cell}: «Nhận lúc» {at:%d/%m/%Y %H:%M} ở sau lúc tổng hợp ({now:%d/%m/%Y %H:%M}) nên "
        "không được dùng để xét tệp nào mới hơn (nếu không, mọi bản sửa của đơn vị sẽ bị coi là cũ hơn); hãy sửa "
        "lại đúng thời điểm nhận."), sheet=L.SHEET_SUBMISSIONS, cell=cell, value=at.isoformat(sep=" "))


def _check_all(md: MasterData, items: list[tuple[Path, str, dt.datetime]], wanted: Period,
               today: dt.date, partial: bool) -> list[_Pending]:
    """`_check` of every (path, sha256, received) item, results in the items' order. Each
    file is read in a forked worker (jobs/_isolation.py; several for many files: ≈25 ms
    each): a reader that crashes, runs out of memory or hangs on one file makes that
    file's record, and the rest of the inbox is merged."""
    keys_of_unit = _keys_of_unit(md)
    fingerprint = plan_fingerprint(md.plan)

    def one(item: tuple[Path, str, dt.datetime]) -> _Pending:
        return _check(md, *item, wanted, today, partial, keys_of_unit, fingerprint)

    def failed(item: tuple[Path, str, dt.datetime], why: Failure) -> _Pending:
        path, sha, received = item
        return _Pending(path=path, sha256=sha, received_at=received, unit="", period=wanted.code, rows_total=0,
                        problems=[failure_problem(str(path), why)], rows=[])

    return run_isolated(one, items, failed, workers=worker_count(len(items)))


def _check(md: MasterData, path: Path, sha: str, received: dt.datetime, wanted: Period, today: dt.date,
           partial: bool, keys_of_unit: dict[str, set[str]], fingerprint: str) -> _Pending:
    """Validate one file; which of its rows may be applied is the domain's `select_rows`."""
    from parc_xl.io.master import MAC_KEY
    from parc_xl.jobs.plan_amend import honour_old_form  # not imported by the ribbon click

    report = check_file(path, md.plan, md.registry, min(today, received.date()), fingerprint=fingerprint,
                        mac_key=md.meta.get(MAC_KEY) or None)
    unit, period = report.unit or "", report.period or ""
    # a form made before a plan amendment: accepted for the tasks that stayed (jobs/plan_amend.py)
    old_form = honour_old_form(md.meta, report.fingerprint, period, unit, list(report.problems), list(report.rows),
                               str(path))
    problems = old_form.problems
    # an unknown unit code is reported by check_file ("unit-unknown"), against md.registry
    other_period = wrong_period(period, wanted, str(path))
    if other_period is not None:
        problems.append(other_period)
    chosen = select_rows(old_form.rows, problems, keys_of_unit.get(unit, set()), unit=unit, file=str(path),
                         partial=partial, total_rows=len(report.rows), refused_rows=old_form.refused)
    return _Pending(path=path, sha256=sha, received_at=received, unit=unit, period=period or wanted.code,
                    rows_total=len(report.rows), problems=chosen.problems, rows=chosen.rows,
                    rejected_rows=chosen.rejected_rows)


def _keys_of_unit(md: MasterData) -> dict[str, set[str]]:
    """{unit: its task keys in `Theo dõi`}, built once per run: scanning 200,000
    tracking rows for each of 1,000 files would cost 2×10^8 comparisons."""
    index: dict[str, set[str]] = {}
    for r in md.tracking:
        index.setdefault(r.unit, set()).add(r.key)
    return index


def _review_receipts(md: MasterData, result: MergeResult, merge: _Merge) -> dict[str, Any]:
    """Honour the receipt times the clerk corrected in `Nộp báo cáo`: `Đúng hạn`
    re-judged (domain rule `review_receipts`), `Theo dõi`'s `Cập nhật lúc` of the rows
    each accepted file wrote set to it (status judges late completion from it). Returns
    the `Nộp báo cáo` cells to write {A1 ref: value}; unreadable times become warnings."""
    pos = md.headers.get(L.SHEET_SUBMISSIONS) or {c.id: i for i, c in enumerate(L.SUBMISSION_COLUMNS)}

    def deadline_of(code: str) -> dt.date | None:
        return md.schedule.submission_deadline(code) if is_period_code(code) else None

    review = review_receipts(md.submissions, deadline_of)
    cells: dict[str, Any] = {}
    typed = {s.row for s in md.submissions if s.received_text}
    for f in review.fixes:
        if "on_time" in pos:
            cells[f"{col_letter(pos['on_time'] + 1)}{f.row}"] = on_time_label(f.on_time)
        if f.row in typed and "received_at" in pos:  # typed as text: store the time
            cells[f"{col_letter(pos['received_at'] + 1)}{f.row}"] = f.received_at
    result.receipts_corrected = review.fixes
    for row, text in review.unreadable:
        cell = f"{col_letter(pos['received_at'] + 1)}{row}" if "received_at" in pos else ""
        result.problems.append(warning(
            "receipt-time-unreadable", f"Nộp báo cáo, ô {cell}: «{text}» không phải thời điểm; hãy ghi "
            "ngày trước, tháng sau, ví dụ 16/03/2026 08:30. Dòng này giữ nguyên «Đúng hạn».",
            sheet=L.SHEET_SUBMISSIONS, cell=cell, value=text))
    times = review.accepted_times
    for r in md.tracking if times else ():  # none corrected (the usual case): 200,000 rows not visited
        at = times.get((r.unit, r.period, r.source_file))
        if at is not None and r.received_at != at:
            merge.put(r, "received_at", at)
    return cells


def _write(md: MasterData, master: Path, period: Period, updates: dict[str, dict[int, Any]],
           submissions: list[SubmissionRecord], history: list[HistoryEntry], missing: list[str],
           receipt_cells: dict[str, Any] | None = None, *, request_rows: list[list[Any]] | None = None) -> str | None:
    pkg = XlsxPackage.open(master)
    if receipt_cells:
        sheet = pkg.sheet(L.SHEET_SUBMISSIONS)
        for ref, value in receipt_cells.items():
            sheet.set_value(ref, value)
    track_pos = md.headers.get(L.SHEET_TRACKING) or {c.id: i for i, c in enumerate(L.TRACKING_COLUMNS)}
    columns = {track_pos[name] + 1: rows for name, rows in updates.items() if name in track_pos}
    pkg.set_columns(L.SHEET_TRACKING, columns)  # one pass over the sheet text, not a cell at a time
    if submissions:
        # spliced as text when the sheet already has rows
        pkg.append_rows(L.SHEET_SUBMISSIONS, submission_rows(md.headers, submissions))
    if history:
        pkg.append_rows(L.SHEET_HISTORY, history_rows(md.headers, history))
    add_requests(pkg, md.headers.get(L.SHEET_REQUESTS), request_rows or [])
    if L.SHEET_MISSING in pkg.sheet_names():
        deadline = md.schedule.submission_deadline(period)
        keep = [[r.get(c.id) for c in L.MISSING_COLUMNS] for r in md.missing
                if str(r.get("period") or "") != period.code]
        fresh = []
        for code in missing:
            u = md.registry.unit(code)
            fresh.append([period.code, code, u.name if u else "", u.email if u else "", deadline])
        rows = list(in_file_order(md.headers.get(L.SHEET_MISSING), L.MISSING_COLUMNS, keep + fresh))
        pkg.sheet(L.SHEET_MISSING).write_table(2, rows, style_row=2)
    saved = save_guarded(pkg, master, master.parent / BACKUP_DIR)
    return str(saved) if saved else None


def _request_index(md: MasterData) -> tuple[set[Any], dict[tuple[str, str], Any]]:
    """(identities of the listed requests, approvals in force), once per run: rebuilt for
    each applied file they cost 23 s of the 1,000-unit merge (quadratic in the requests).
    Requests this run adds carry no decision, so the approvals stay as read."""
    from parc_xl.domain.extensions import approvals

    return {r.identity() for r in md.requests}, approvals(md.requests)


def _new_requests(md: MasterData, p: _Pending, result: MergeResult,
                  index: tuple[set[Any], dict[tuple[str, str], Any]] | None = None) -> list[list[Any]]:
    """Rows for «Đề nghị điều chỉnh» from the valid requests of an applied file. A request
    already listed (same task, unit and proposed date, e.g. the unit's corrected copy) is
    not listed again: the clerk's decision on it stays the only one. `index`: the
    run's `_request_index`, kept up to date here."""
    from parc_xl.domain.extensions import ExtensionRequest
    from parc_xl.io.unit_book import due_in_period

    known, granted = index if index is not None else _request_index(md)
    tasks = {t.key: t for t in md.plan.tasks}
    period = Period.parse(p.period)
    out: list[list[Any]] = []
    u = md.registry.unit(p.unit)
    for reported in p.rows:
        proposed = reported.proposed_due
        task = tasks.get(reported.key)
        if proposed is None or task is None:
            continue
        before = granted.get((task.key, p.unit))
        req = ExtensionRequest(key=task.key, unit=p.unit, unit_name=u.name if u else p.unit, period=p.period,
                               current_due=before.due if before else due_in_period(task, period),
                               proposed_due=proposed, reason=reported.extension_reason,
                               received_at=p.received_at)
        if req.identity() in known:
            continue
        known.add(req.identity())
        md.requests.append(req)
        out.append(request_values(req, len(md.requests), f"{task.stt} {task.task}".strip()))
        result.extension_requests.append({"unit": p.unit, "key": task.key, "proposed_due": proposed.isoformat(),
                                          "file": str(p.path)})
    return out


def _archive(master: Path, period: Period, items: list[_Pending],
             origins: dict[Path, MailOrigin] | None = None) -> None:
    folder = master.parent / ARCHIVE_DIR / period.code
    copies: list[tuple[Path, Path]] = []
    for p in items:
        dest = folder / f"{p.sha256}.xlsx"
        if sha256_of(dest) != p.sha256:  # absent, or truncated by an earlier crash
            copies.append((p.path, dest))
        origin = (origins or {}).get(p.path)
        kept = folder / f"{p.sha256}{origin.eml.suffix.lower()}" if origin is not None else None
        if origin is not None and kept is not None and not kept.exists():
            copies.append((origin.eml, kept))  # the e-mail (.eml or .msg) stays beside its workbook
    copy_many_atomically(copies)


def _repair_archive(master: Path, md: MasterData, period: Period, result: MergeResult, fresh: set[str]) -> None:
    """Every file `Nộp báo cáo` lists as accepted for `period` has its luu_tru/ entry with
    the same SHA-256: a missing or damaged entry is rewritten from the inbox copy (same
    hash), otherwise a warning names the file to put back in the inbox."""
    folder = master.parent / ARCHIVE_DIR / period.code
    sources: dict[str, Path] = {}
    for f in result.already_merged:
        sha = file_sha256(Path(f))
        sources.setdefault(sha, Path(f))
    for s in md.submissions:
        sha = s.sha256
        if not s.accepted or s.period != period.code or not sha or sha in fresh:
            continue
        dest = folder / f"{sha}.xlsx"
        if sha256_of(dest) == sha:
            continue
        fresh.add(sha)
        source = sources.get(sha)
        if source is not None:
            copy_atomically(source, dest)
            result.archive_repaired.append(str(dest))
            continue
        name = s.file
        result.problems.append(warning(
            "archive-missing", f"Tệp lưu trữ của «{name}» (đơn vị {s.unit or '?'}, đã nhận) "
            f"{'bị hỏng' if dest.exists() else 'bị thiếu'} trong luu_tru/{period.code}/; hãy đặt lại đúng tệp "
            f"«{name}» đơn vị đã gửi vào hộp thư rồi tổng hợp lại để bổ sung.", file=name, value=sha))
