"""Tổng hợp: merge a folder of unit returns into the master, with a full audit trail.

One pass: identify each file by its metadata (not its name), validate it, apply what is
valid to that unit's `Theo dõi` rows, log every file in `Nộp báo cáo` and every changed
field in `Lịch sử`, list the units that sent nothing, archive accepted files by hash.
The master is patched part by part (the clerk's own sheets, notes and charts stay
byte-identical) and replaced atomically after a backup; any failure leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from parc_xl.domain.assignments import units_with_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.periods import Period, plan_period
from parc_xl.domain.problems import Problem, Severity, error, errors_first, warning
from parc_xl.domain.submissions import (
    latest_receipts, receive, review_receipts, parse_receipt_time, ReceiptFix,
    Candidate, changed_fields, order_candidates, period_rank, reports_nothing,
)
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.io.extension_sheet import add_requests, request_values
from parc_xl.io.mail_message import OTHER_SPREADSHEETS, read_saved_mail
from parc_xl.io.master import MasterData, TrackingRow, file_sha256, read_master
from parc_xl.io.master_lock import save_guarded
from parc_xl.io.ooxml import XlsxPackage, col_letter
from parc_xl.io.safe_copy import copy_atomically, copy_many_atomically, sha256_of
from parc_xl.io.package_guard import check_size
from parc_xl.jobs._isolation import Failure, failure_problem, run_isolated, worker_count
from parc_xl.jobs._common import ARCHIVE_DIR, BACKUP_DIR, JobResult, ensure_writable
from parc_xl.jobs.validate import check_file

ACCEPTED = "Chấp nhận"
PARTIAL = "Chấp nhận một phần"
REJECTED = "Từ chối"
ON_TIME = "Đúng hạn"
NOTE_CHARS = 110  # the `Ghi chú` of a `Nộp báo cáo` row stays one line wide
LATE = "Trễ hạn"


class RejectedFile(BaseModel):
    file: str
    unit: str = ""
    issues: list[Problem] = Field(default_factory=list)


class MergeResult(JobResult):
    master: str
    period: str
    accepted: list[str] = Field(default_factory=list)
    rejected: list[RejectedFile] = Field(default_factory=list)
    already_merged: list[str] = Field(default_factory=list)  # same SHA-256 as an earlier merge
    # refused before, and a return of the same unit and period received later was accepted since
    superseded: list[str] = Field(default_factory=list)
    # `Nộp báo cáo` rows re-judged from the `Nhận lúc` the clerk corrected there
    receipts_corrected: list[ReceiptFix] = Field(default_factory=list)
    missing_units: list[str] = Field(default_factory=list)
    late_units: list[str] = Field(default_factory=list)
    rows_updated: int = 0
    rows_unchanged: int = 0
    fields_changed: int = 0
    backup: str | None = None
    # luu_tru/ entries of accepted files that were missing or damaged and were rewritten
    archive_repaired: list[str] = Field(default_factory=list)
    # new rows of «Đề nghị điều chỉnh»: {"unit", "key", "proposed_due" (ISO), "file"}
    extension_requests: list[dict[str, str]] = Field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "master": self.master,
            "period": self.period,
            "accepted": self.accepted,
            "rejected": [{"file": r.file, "unit": r.unit,
                          "issues": [p.to_json() for p in r.issues]} for r in self.rejected],
            "already_merged": self.already_merged,
            "superseded": self.superseded,
            "receipts_corrected": [{"row": f.row, "unit": f.unit, "period": f.period, "file": f.file,
                                    "received_at": f.received_at.isoformat(sep=" "),
                                    "on_time": f.on_time} for f in self.receipts_corrected],
            "missing_units": self.missing_units,
            "late_units": self.late_units,
            "rows_updated": self.rows_updated,
            "rows_unchanged": self.rows_unchanged,
            "fields_changed": self.fields_changed,
            "backup": self.backup,
            "archive_repaired": self.archive_repaired,
            "extension_requests": self.extension_requests,
            "warnings": [p.to_json() for p in self.problems],
        }

    def summary_vi(self) -> str:
        label = Period.parse(self.period).label_vi
        lines = [
            f"Tổng hợp {label}: nhận {len(self.accepted)} tệp, từ chối {len(self.rejected)} tệp"
            + (f", bỏ qua {len(self.already_merged)} tệp đã tổng hợp trước đó" if self.already_merged else "")
            + (f", bỏ qua {len(self.superseded)} tệp bị từ chối trước đó đã có bản sửa thay thế"
               if self.superseded else "")
            + ".",
            f"Cập nhật {self.rows_updated} dòng ({self.fields_changed} ô thay đổi), "
            f"{self.rows_unchanged} dòng không đổi.",
        ]
        for f in self.receipts_corrected:
            lines.append(f"Theo «Nhận lúc» đã sửa ở Nộp báo cáo (dòng {f.row}): {f.unit} – {Path(f.file).name} "
                         f"nhận {f.received_at:%d/%m/%Y %H:%M} → {ON_TIME if f.on_time else LATE}"
                         + (f" (trước: {f.was})." if f.was else "."))
        if self.extension_requests:
            lines.append(f"Có {len(self.extension_requests)} đề nghị điều chỉnh hạn mới: xem và ghi quyết định ở "
                         "sheet «Đề nghị điều chỉnh».")
        if self.late_units:
            lines.append(f"Nộp trễ hạn: {', '.join(self.late_units)}.")
        if self.missing_units:
            lines.append(f"Chưa nộp ({len(self.missing_units)} đơn vị): {', '.join(self.missing_units)}.")
        for r in self.rejected:
            first = next((p for p in r.issues if p.severity is Severity.ERROR), None)
            reason = f" — {first.message}" if first else ""
            lines.append(f"Từ chối {Path(r.file).name}{reason}")
        if self.backup:
            lines.append(f"Bản sổ trước khi tổng hợp được lưu tại {self.backup}.")
        if self.archive_repaired:
            lines.append(f"Đã bổ sung lại {len(self.archive_repaired)} tệp lưu trữ bị thiếu hoặc hỏng "
                         "trong thư mục luu_tru.")
        for p in self.problems:
            if p.code == "archive-missing" or p.code.startswith("email-"):
                lines.append(p.message)
        return "\n".join(lines)


class _MailOrigin(BaseModel):
    """The saved e-mail a workbook was taken from."""

    eml: Path
    sender: str
    sent_at: dt.datetime | None
    problems: list[Problem] = []

    def note(self) -> str:
        when = f", gửi {self.sent_at:%d/%m/%Y %H:%M}" if self.sent_at else ""
        return f"Thư {self.eml.name} từ {self.sender or '(không rõ)'}{when}"


def _inbox_files(inbox: Path, staging: Path) -> tuple[list[Path], list[RejectedFile], dict[Path, _MailOrigin]]:
    """Every .xlsx under the inbox, and those attached to saved e-mails (.eml, .msg, written
    to `staging`); other spreadsheet-like files are refused by name."""
    files: list[Path] = []
    refused: list[RejectedFile] = []
    origins: dict[Path, _MailOrigin] = {}
    for p in sorted(inbox.rglob("*")):
        if not p.is_file() or p.name.startswith(("~$", ".")):
            continue
        suffix = p.suffix.lower()
        if suffix == ".xlsx":
            files.append(p)
        elif suffix in (".eml", ".msg"):
            _take_mail(p, staging, files, refused, origins)
        elif suffix in (".xlsm", *OTHER_SPREADSHEETS):
            why = ("tệp có macro (.xlsm) không được nhận" if suffix == ".xlsm"
                   else f"định dạng {suffix} không phải mẫu báo cáo .xlsx")
            refused.append(RejectedFile(file=str(p), issues=[error(
                "not-xlsx", f"Tệp {p.name}: {why}. Đề nghị đơn vị gửi lại đúng tệp mẫu .xlsx.", file=str(p))]))
    return files, refused, origins


def _take_mail(eml: Path, staging: Path, files: list[Path], refused: list[RejectedFile],
               origins: dict[Path, _MailOrigin]) -> None:
    mail = read_saved_mail(eml)
    if mail.problem:
        code = "mail-no-workbook" if mail.sender or mail.sent_at else "mail-unreadable"
        refused.append(RejectedFile(file=str(eml), issues=[error(
            code, f"Thư {eml.name}: {mail.problem}. Hãy lưu lại thư có đính kèm tệp mẫu .xlsx của đơn vị.",
            file=str(eml))]))
        return
    notes: list[Problem] = []
    if mail.sent_at is None:
        notes.append(warning("mail-date-missing", f"Thư {eml.name} không ghi ngày gửi đọc được; "
                             "thời điểm nhận lấy theo --received hoặc thời gian của tệp.", file=str(eml)))
    for name in mail.other_attachments:
        notes.append(warning("mail-not-workbook", f"Thư {eml.name}: tệp đính kèm «{name}» không phải mẫu "
                             "báo cáo .xlsx, không được tổng hợp.", file=str(eml)))
    for i, book in enumerate(mail.workbooks):
        folder = staging / f"{len(origins) + i:04d}"
        folder.mkdir(parents=True)
        dest = folder / book.filename
        dest.write_bytes(book.data)
        files.append(dest)
        origins[dest] = _MailOrigin(eml=eml, sender=mail.sender, sent_at=mail.sent_at, problems=notes)


def _sender_check(md: MasterData, origin: _MailOrigin, unit: str, path: Path) -> list[Problem]:
    """A warning when the sender is not the unit's registered address: the workbook's
    metadata (MAC-checked) decides the unit, the address only raises the clerk's eyebrow."""
    u = md.registry.unit(unit) if unit else None
    known = (u.email if u else "").strip().lower()
    if not known or not origin.sender or origin.sender.lower() in {a.strip() for a in known.replace(",", ";").split(";")}:
        return []
    return [warning("mail-sender-mismatch", f"Thư {origin.eml.name} gửi từ {origin.sender}, không phải địa chỉ "
                    f"của đơn vị {unit} trong danh mục ({u.email if u else ''}); tệp vẫn được xét theo mẫu của "
                    f"đơn vị {unit}.", file=str(path))]


class _Pending(BaseModel):
    """A file read and checked, waiting for the ordering decision."""

    path: Path
    sha256: str
    received_at: dt.datetime
    unit: str
    period: str
    rows_total: int
    problems: list[Problem]
    rows: list[dict[str, Any]]  # accepted rows: {"key", fields...}
    rejected_rows: int = 0


def run(master: Path, inbox: Path, period: str, as_of: dt.date | None = None, partial: bool = False,
        received_at: dt.datetime | None = None) -> MergeResult:
    from parc_xl.io.master_lock import master_lock

    # One writer at a time: the master is read, decided on and written under one lock.
    # Workbooks attached to saved e-mails are checked from a private folder removed afterwards.
    with master_lock(Path(master), "Tổng hợp"), tempfile.TemporaryDirectory(prefix="parc_xl_thu_") as staging:
        return _run(Path(master), Path(inbox), period, as_of, partial, received_at, Path(staging))


def _run(master: Path, inbox: Path, period: str, as_of: dt.date | None, partial: bool,
         received_at: dt.datetime | None, staging: Path) -> MergeResult:
    try:
        wanted = Period.parse(period)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục hộp thư {inbox}.")
    md = read_master(master)
    try:
        plan_period(wanted, md.plan.year)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    ensure_writable(master)
    now = dt.datetime.now().replace(microsecond=0)
    today = as_of or now.date()

    known_hashes = {str(s.get("sha256") or "") for s in md.submissions
                    if str(s.get("outcome") or "") in (ACCEPTED, PARTIAL)}
    # A file refused before and sent again unchanged is judged again (the conflict that refused it
    # may be over), and when still refused it is refused again without a new log row.
    refused_before = {str(s.get("sha256") or ""): s for s in md.submissions
                      if str(s.get("outcome") or "") == REJECTED and s.get("sha256")}
    latest_accepted, future_rows = latest_receipts(md.submissions, now, accepted=(ACCEPTED, PARTIAL))
    result = MergeResult(master=str(master), period=wanted.code)
    result.problems += [_future_row_warning(md, row, at, now) for row, at in future_rows]
    # the registry's addresses (format, duplicates) decide the sender check: said again here
    result.problems += [p for p in md.problems if p.code.startswith("email-")]
    files, refused, origins = _inbox_files(inbox, staging)
    result.rejected += refused
    submissions: list[list[Any]] = [
        _submission_row(md, wanted.code, "", Path(r.file), "", None, None, 0, len(r.issues), REJECTED,
                        r.issues) for r in refused]
    mail_notes = {path: o.note() for path, o in origins.items()}

    pending: list[_Pending] = []
    # First the cheap decisions in inbox order, then the expensive checks (maybe on
    # several cores), then their outcomes in the same inbox order.
    steps: list[RejectedFile | tuple[Path, str, dt.datetime]] = []
    again: dict[Path, dict[str, Any]] = {}  # refused before: {path: its `Nộp báo cáo` row}
    future: dict[Path, Problem] = {}  # files whose receipt time was capped at `now`
    for path in files:
        try:
            check_size(path)  # a `stat`: a 4 GB file is refused without being read or hashed
        except InputError as exc:
            refused_big = RejectedFile(file=str(path), issues=exc.problems)
            steps.append(refused_big)
            submissions.append(_submission_row(md, wanted.code, "", path, "", None, None, 0, 1, REJECTED,
                                               exc.problems, mail=mail_notes.get(path, "")))
            continue
        sha = file_sha256(path)
        if sha in known_hashes:
            result.already_merged.append(str(path))
            continue
        known_hashes.add(sha)  # the same file twice in one inbox counts once
        if sha in refused_before and not partial:  # --partial re-reads refused files on purpose
            before = refused_before[sha]
            when = parse_receipt_time(before.get("received_at"))
            slot = (str(before.get("unit") or ""), str(before.get("period") or ""))
            fixed_at = latest_accepted.get(slot)
            if fixed_at is not None and (when is None or fixed_at >= when):
                result.superseded.append(str(path))  # a corrected copy replaced it: nothing to do
                continue
            again[path] = before
        origin = origins.get(path)
        rec = receive(origin.sent_at if origin else None, received_at,
                      dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0), now)
        if rec.in_future:
            source = ("ngày gửi của thư" if origin and origin.sent_at else "--received" if received_at
                      else "thời gian sửa đổi của tệp")
            future[path] = warning("received-in-future", (
                f"Tệp {path.name}: thời điểm nhận theo {source} là {rec.claimed:%d/%m/%Y %H:%M}, sau lúc tổng hợp "
                f"({now:%d/%m/%Y %H:%M}): đồng hồ của máy gửi hoặc máy chép tệp bị sai. Tệp được coi là nhận lúc "
                f"{now:%d/%m/%Y %H:%M} (các bản sửa gửi sau vẫn là bản mới hơn); nếu biết thời điểm đúng, hãy sửa "
                "ô «Nhận lúc» của tệp ở sheet Nộp báo cáo."), file=str(path), value=rec.claimed.isoformat(sep=" "))
        steps.append((path, sha, rec.at))
    to_check = [s for s in steps if isinstance(s, tuple)]
    checked = iter(_check_all(md, to_check, wanted, today, partial))
    for step in steps:
        if isinstance(step, RejectedFile):
            result.rejected.append(step)
            continue
        path, sha, got = step
        item = next(checked)
        if path in origins:  # the e-mail's warnings travel with the workbook it carried
            mail_problems = [*origins[path].problems, *_sender_check(md, origins[path], item.unit, path)]
            item.problems = [*item.problems, *mail_problems]
            result.problems += mail_problems
        if path in future:
            item.problems.append(future[path])
            result.problems.append(future[path])
        if item.problems and any(p.severity is Severity.ERROR for p in item.problems) and not item.rows:
            if path in again:  # still refused for what it holds: one record, no second log row
                result.rejected.append(_already_rejected(path, again[path]))
                continue
            result.rejected.append(RejectedFile(file=str(path), unit=item.unit, issues=item.problems))
            submissions.append(_submission_row(md, item.period or wanted.code, item.unit, path, sha, got,
                                               _on_time(md, wanted, got), item.rows_total,
                                               _n_errors(item.problems), REJECTED, item.problems,
                                               mail=mail_notes.get(path, "")))
            continue
        pending.append(item)
    pending = _refuse_twins(md, wanted, pending, origins, result, submissions, mail_notes)
    _refuse_wrong_master(master, md, result, pending)

    ordering = order_candidates(
        [Candidate(file=str(p.path), sha256=p.sha256, unit=p.unit, period=p.period, received_at=p.received_at)
         for p in pending], latest_accepted)
    by_file = {str(p.path): p for p in pending}
    for c in ordering.conflicts:
        p = by_file[c.file]
        issue = error("conflict", f"Đơn vị {p.unit} có hai tệp khác nhau nhận cùng lúc "
                      f"({p.received_at:%d/%m/%Y %H:%M}); không tệp nào được áp dụng. "
                      "Hãy giữ lại một tệp đúng rồi tổng hợp lại.", file=c.file)
        result.rejected.append(RejectedFile(file=c.file, unit=p.unit, issues=[issue, *p.problems]))
        if p.path in again:
            continue  # the same conflict as at the last merge: logged then
        submissions.append(_submission_row(md, p.period, p.unit, p.path, p.sha256, p.received_at,
                                           _on_time(md, wanted, p.received_at), p.rows_total,
                                           _n_errors(p.problems) + 1, REJECTED, [issue],
                                           mail=mail_notes.get(p.path, "")))
    for c in ordering.outdated_conflicts:  # a newer return of the unit decides: nothing to choose
        p = by_file[c.file]
        result.superseded.append(c.file)
        if p.path not in again:
            note = warning("conflict", f"Tệp {p.path.name} nhận cùng lúc với một tệp khác của đơn vị {p.unit}, "
                           "nhưng đơn vị đã có bản mới hơn nên không cần chọn; tệp không được áp dụng.", file=c.file)
            submissions.append(_submission_row(md, p.period, p.unit, p.path, p.sha256, p.received_at,
                                               _on_time(md, wanted, p.received_at), p.rows_total,
                                               _n_errors(p.problems), REJECTED, [note],
                                               mail=mail_notes.get(p.path, "")))
    for c in ordering.superseded_by_earlier_merge:
        p = by_file[c.file]
        note = warning("older-return", f"Tệp cũ hơn bản của đơn vị {p.unit} đã tổng hợp trước đó; "
                       "được lưu vào sổ nộp nhưng không ghi đè số liệu mới hơn.", file=c.file)
        result.problems.append(note)
        submissions.append(_submission_row(md, p.period, p.unit, p.path, p.sha256, p.received_at,
                                           _on_time(md, wanted, p.received_at), p.rows_total,
                                           _n_errors(p.problems), ACCEPTED, [note, *p.problems],
                                           mail=mail_notes.get(p.path, "")))
        result.accepted.append(c.file)

    # Apply in order; the tracking state is updated in memory so a later file diffs
    # against what an earlier file of this same run wrote.
    rows_by_key = {(r.key, r.unit): r for r in md.tracking}
    cell_updates: dict[tuple[int, str], Any] = {}
    # Before this run's files: the clerk's corrections of `Nhận lúc`, then new returns on top.
    receipt_cells = _review_receipts(md, result, cell_updates)
    history: list[list[Any]] = []
    touched_rows: set[int] = set()
    unchanged_rows: set[int] = set()
    request_rows: list[list[Any]] = []
    request_index = _request_index(md)
    for c in ordering.apply:
        p = by_file[c.file]
        request_rows += _new_requests(md, p, result, request_index)
        changed_here = _apply(md, p, rows_by_key, cell_updates, history, now, touched_rows, unchanged_rows,
                              result.problems)
        dropped = bool(p.rejected_rows) or any(x.code == "partial-dropped" for x in p.problems)
        outcome = PARTIAL if dropped else ACCEPTED
        note_problems = p.problems if p.problems else []
        submissions.append(_submission_row(md, p.period, p.unit, p.path, p.sha256, p.received_at,
                                           _on_time(md, wanted, p.received_at), p.rows_total,
                                           _n_errors(p.problems), outcome, note_problems,
                                           extra=f"{changed_here} ô thay đổi", mail=mail_notes.get(p.path, "")))
        result.accepted.append(c.file)
        if dropped:
            result.rejected.append(RejectedFile(file=c.file, unit=p.unit, issues=[
                x for x in p.problems if x.severity is Severity.ERROR]))
        if not _on_time(md, wanted, p.received_at):
            result.late_units.append(p.unit)

    result.rows_updated = len(touched_rows)
    result.rows_unchanged = len(unchanged_rows - touched_rows)
    result.fields_changed = len(history)
    result.late_units = sorted(set(result.late_units))
    accepted_units = {by_file[f].unit for f in result.accepted if f in by_file}
    accepted_units |= {str(s.get("unit") or "") for s in md.submissions
                       if str(s.get("period") or "") == wanted.code
                       and str(s.get("outcome") or "") in (ACCEPTED, PARTIAL)}
    expected = units_with_tasks(md.plan, md.registry)
    result.missing_units = [u for u in expected if u not in accepted_units]

    # The archive first (each file atomically), then the master: once the master says
    # "accepted", the file is in luu_tru/. A re-run repairs entries lost since.
    newly = [by_file[f] for f in result.accepted if f in by_file]
    _archive(master, wanted, newly, origins)
    _repair_archive(master, md, wanted, result, {p.sha256 for p in newly})
    if not submissions and not history and not cell_updates and not receipt_cells:
        return result  # nothing new (e.g. the same inbox merged twice): the master is untouched
    result.backup = _write(md, master, wanted, cell_updates, submissions, history, result.missing_units,
                           receipt_cells, request_rows=request_rows)
    return result


def _refuse_twins(md: MasterData, wanted: Period, pending: list[_Pending], origins: dict[Path, _MailOrigin],
                  result: MergeResult, submissions: list[list[Any]], mail_notes: dict[Path, str]) -> list[_Pending]:
    """Two workbooks of the same unit attached to one message: they carry the same sent
    time, so which one the unit meant cannot be told; neither is applied, each is refused
    with a record naming the message (identical copies count once: same SHA-256)."""
    groups: dict[tuple[Path, str], list[_Pending]] = {}
    for p in pending:
        origin = origins.get(p.path)
        if origin is not None and p.unit:
            groups.setdefault((origin.eml, p.unit), []).append(p)
    twins = {(mail, unit): g for (mail, unit), g in groups.items() if len(g) > 1}
    if not twins:
        return pending
    kept: list[_Pending] = []
    for p in pending:
        origin = origins.get(p.path)
        group = twins.get((origin.eml, p.unit)) if origin is not None else None
        if group is None or origin is None:
            kept.append(p)
            continue
        names = ", ".join(q.path.name for q in group)
        issue = error("mail-two-workbooks", (
            f"{len(group)} mẫu báo cáo của đơn vị {p.unit} trong cùng thư {origin.eml.name} ({names}): không biết "
            "đơn vị muốn nộp tệp nào nên không tệp nào được áp dụng. Đề nghị đơn vị gửi lại thư chỉ kèm một tệp."),
            file=str(p.path))
        result.rejected.append(RejectedFile(file=str(p.path), unit=p.unit, issues=[issue, *p.problems]))
        submissions.append(_submission_row(md, p.period, p.unit, p.path, p.sha256, p.received_at,
                                           _on_time(md, wanted, p.received_at), p.rows_total,
                                           _n_errors(p.problems) + 1, REJECTED, [issue],
                                           mail=mail_notes.get(p.path, "")))
    return kept


_OTHER_PLAN = ("wrong-year", "fingerprint-mismatch")


def _refuse_wrong_master(master: Path, md: MasterData, result: MergeResult, pending: list[_Pending]) -> None:
    """Every file read belongs to another plan: the clerk chose the wrong master (or the
    wrong inbox). Logging the refusals would only fill this master with strangers' rows,
    so nothing is written and the job stops (exit 2)."""
    read = [r for r in result.rejected if r.issues and r.issues[0].code not in ("already-rejected", "not-xlsx")]
    if pending or not read:
        return
    if not all(any(p.code in _OTHER_PLAN for p in r.issues) for r in read):
        return
    problems = [next(p for p in r.issues if p.code in _OTHER_PLAN) for r in read]
    raise InputError(
        f"Không tệp nào trong hộp thư thuộc kế hoạch năm {md.plan.year} của sổ {master.name} "
        f"({len(read)} tệp là mẫu của kế hoạch khác); có thể đã chọn nhầm sổ theo dõi hoặc nhầm thư mục. "
        "Sổ không bị thay đổi.", problems)


def _n_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity is Severity.ERROR)


def _already_rejected(path: Path, before: dict[str, Any]) -> RejectedFile:
    reason = str(before.get("note") or "").strip()
    return RejectedFile(file=str(path), unit=str(before.get("unit") or ""), issues=[error("already-rejected", (
        f"Tệp {path.name} đã bị từ chối ở lần tổng hợp trước" + (f" vì: {reason}" if reason else
                                                                 " (xem sheet Nộp báo cáo)")
        + "; đơn vị cần sửa và gửi lại."), file=str(path), value=str(before.get("received_at") or ""))])


def _future_row_warning(md: MasterData, row: int, at: dt.datetime, now: dt.datetime) -> Problem:
    pos = md.headers.get(L.SHEET_SUBMISSIONS) or {c.id: i for i, c in enumerate(L.SUBMISSION_COLUMNS)}
    cell = f"{col_letter(pos['received_at'] + 1)}{row}" if "received_at" in pos else ""
    return warning("received-in-future", (
        f"Nộp báo cáo, ô {cell}: «Nhận lúc» {at:%d/%m/%Y %H:%M} ở sau lúc tổng hợp ({now:%d/%m/%Y %H:%M}) nên "
        "không được dùng để xét tệp nào mới hơn (nếu không, mọi bản sửa của đơn vị sẽ bị coi là cũ hơn); hãy sửa "
        "lại đúng thời điểm nhận."), sheet=L.SHEET_SUBMISSIONS, cell=cell, value=at.isoformat(sep=" "))


def _on_time(md: MasterData, period: Period, received: dt.datetime | None) -> bool | None:
    if received is None:
        return None
    return received.date() <= md.schedule.submission_deadline(period)


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
    """Validate one file and decide which of its rows may be applied."""
    from parc_xl.io.master import MAC_KEY
    from parc_xl.jobs.plan_amend import honour_old_form  # not imported by the ribbon click

    report = check_file(path, md.plan, md.registry, min(today, received.date()), fingerprint=fingerprint,
                        mac_key=md.meta.get(MAC_KEY) or None)
    problems = list(report.problems)
    unit, period = report.unit or "", report.period or ""
    # a form made before a plan amendment: accepted for the tasks that stayed (jobs/plan_amend.py)
    old_form = honour_old_form(md.meta, report.fingerprint, period, unit, problems, list(report.rows), str(path))
    problems = old_form.problems
    # an unknown unit code is reported by check_file ("unit-unknown"), against md.registry
    if period and period != wanted.code:
        label = Period.parse(period).label_vi if _valid_period(period) else period
        problems.append(error("wrong-period", f"Tệp là báo cáo {label}, không phải {wanted.label_vi} "
                              "đang tổng hợp. Đề nghị đơn vị gửi đúng tệp của kỳ này.", file=str(path)))
    own = keys_of_unit.get(unit, set())
    error_keys = {p.task_key for p in problems if p.severity is Severity.ERROR and p.task_key}
    file_level_error = any(p.severity is Severity.ERROR and not p.task_key for p in problems)
    rows: list[dict[str, Any]] = []
    rejected_rows = 0
    for r in old_form.rows:
        if r.role and r.role != "Chủ trì":
            continue  # coordination rows are informative; Theo dõi tracks lead units
        if r.key not in own:
            problems.append(error("foreign-row", f"Tệp của đơn vị {unit} có nhiệm vụ {r.key} không giao cho "
                                  "đơn vị chủ trì; dòng này không được nhận.", file=str(path), task_key=r.key,
                                  cell=r.cells.get("progress", "")))
            rejected_rows += 1
            continue
        if r.key in error_keys:
            rejected_rows += 1
            continue
        rows.append({"key": r.key, "progress": r.progress.value if r.progress else "",
                     "completed_on": r.completed_on, "evidence": r.evidence, "figure": r.figure,
                     "difficulties": r.difficulties, "proposals": r.proposals,
                     # a valid extension request (set by check_row only then): «Đề nghị điều chỉnh»
                     "proposed_due": r.proposed_due, "extension_reason": r.extension_reason})
    has_error = file_level_error or any(p.severity is Severity.ERROR for p in problems)
    if file_level_error or (has_error and not partial):
        rejected_rows = len(report.rows)
        rows = []
    else:
        rejected_rows += len(old_form.refused)
    problems += old_form.refused  # rows of dropped tasks: refused one by one, after the file's verdict
    if partial and rows and any(p.severity is Severity.ERROR for p in problems):
        problems.insert(0, _partial_dropped(path, problems, rejected_rows))
    for p in problems:
        p.file = p.file or str(path)
    return _Pending(path=path, sha256=sha, received_at=received, unit=unit, period=period or wanted.code,
                    rows_total=len(report.rows), problems=problems, rows=rows, rejected_rows=rejected_rows)


def _partial_dropped(path: Path, problems: list[Problem], rejected_rows: int) -> Problem:
    """`--partial` never reports success for what it left out: one record naming it."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    places = list(dict.fromkeys(p.cell or (f"nhiệm vụ {p.task_key}" if p.task_key else p.label) for p in errors))
    shown = ", ".join(places[:12]) + (f" và {len(places) - 12} chỗ khác" if len(places) > 12 else "")
    return error("partial-dropped", (
        f"Nhận một phần (--partial): {len(errors)} lỗi không được nhận ({shown}), {rejected_rows} dòng bị bỏ; "
        f"các dòng khác của tệp {path.name} đã được tổng hợp. Đề nghị đơn vị sửa các ô trên và gửi lại."),
        file=str(path), value=", ".join(places))


def _keys_of_unit(md: MasterData) -> dict[str, set[str]]:
    """{unit: its task keys in `Theo dõi`}, built once per run: scanning 200,000
    tracking rows for each of 1,000 files would cost 2×10^8 comparisons."""
    index: dict[str, set[str]] = {}
    for r in md.tracking:
        index.setdefault(r.unit, set()).add(r.key)
    return index


def _valid_period(code: str) -> bool:
    try:
        Period.parse(code)
    except ValueError:
        return False
    return True


def _apply(md: MasterData, p: _Pending, rows_by_key: dict[tuple[str, str], TrackingRow],
           cell_updates: dict[tuple[int, str], Any], history: list[list[Any]], now: dt.datetime,
           touched: set[int], unchanged: set[int], notes: list[Problem]) -> int:
    changed = 0
    for reported in p.rows:
        row = rows_by_key.get((reported["key"], p.unit))
        if row is None or reports_nothing(reported, L.REPORTED_FIELDS):
            continue
        if row.period and period_rank(row.period) > period_rank(p.period):
            notes.append(warning("older-period", f"Nhiệm vụ {row.key} của {p.unit} đã có báo cáo kỳ {row.period}; "
                                 f"số liệu kỳ {p.period} không ghi đè.", task_key=row.key, file=str(p.path)))
            continue
        current = row.values()
        diffs = changed_fields(current, reported, L.REPORTED_FIELDS)
        if not diffs:
            unchanged.add(row.row)
        for field, old, new in diffs:
            cell_updates[(row.row, field)] = new
            setattr(row, field, new)
            history.append([now, p.period, p.unit, row.key, _FIELD_LABELS[field], _shown(old), _shown(new),
                            p.path.name])
            changed += 1
        meta = {"period": p.period, "received_at": p.received_at, "source_file": p.path.name}
        for field, value in meta.items():
            cell_updates[(row.row, field)] = value
            setattr(row, field, value)
        if diffs:
            touched.add(row.row)
    return changed


_FIELD_LABELS = {c.id: c.header for c in L.TRACKING_COLUMNS}


def _shown(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return v


def _submission_row(md: MasterData, period: str, unit: str, path: Path, sha: str,
                    received: dt.datetime | None, on_time: bool | None, rows: int, errors: int,
                    outcome: str, problems: list[Problem], extra: str = "", mail: str = "") -> list[Any]:
    u = md.registry.unit(unit) if unit else None
    notes = [x for x in (mail, extra) if x]  # the e-mail first: sender and date are what the clerk checks
    if problems:
        first = errors_first(problems)[0]  # the error that refused the file, never a warning before it
        notes.append(f"{first.cell + ': ' if first.cell else ''}{first.message}")
        if len(problems) > 1:
            notes.append(f"và {len(problems) - 1} vấn đề khác")
    note = "; ".join(notes)
    if len(note) > NOTE_CHARS:  # one readable line; every problem is in the JSON and `validate --annotate`
        note = note[: NOTE_CHARS - 1].rstrip() + "…"
    on_time_text = "" if on_time is None else (ON_TIME if on_time else LATE)
    values = {"period": period, "unit": unit, "unit_name": u.name if u else "", "file": path.name,
              "sha256": sha, "received_at": received, "on_time": on_time_text, "rows": rows,
              "errors": errors, "outcome": outcome, "note": note}
    return [values[c.id] for c in L.SUBMISSION_COLUMNS]


def _ordered(md: MasterData, sheet: str, columns: list[L.Column], values: list[Any]) -> dict[int, Any]:
    """{0-based column in the file: value}, following the file's own header positions."""
    pos = md.headers.get(sheet) or {c.id: i for i, c in enumerate(columns)}
    return {pos[c.id]: v for c, v in zip(columns, values, strict=True) if c.id in pos}


def _as_row(mapping: dict[int, Any]) -> list[Any]:
    width = max(mapping) + 1 if mapping else 0
    return [mapping.get(i) for i in range(width)]


def _in_file_order(md: MasterData, sheet: str, columns: list[L.Column], rows: list[list[Any]]) -> list[list[Any]]:
    """`rows` laid out as `_ordered` + `_as_row` would; when the file keeps the layout's
    column order (the usual case) the list is used as it is: no second copy of
    ≈300,000 history rows at the large load."""
    pos = md.headers.get(sheet) or {c.id: i for i, c in enumerate(columns)}
    if [pos.get(c.id) for c in columns] == list(range(len(columns))) and len(pos) == len(columns):
        return rows
    return [_as_row(_ordered(md, sheet, columns, r)) for r in rows]


def _review_receipts(md: MasterData, result: MergeResult,
                     cell_updates: dict[tuple[int, str], Any]) -> dict[str, Any]:
    """Honour the receipt times the clerk corrected in `Nộp báo cáo`: `Đúng hạn`
    re-judged (domain rule `review_receipts`), `Theo dõi`'s `Cập nhật lúc` of the rows
    each accepted file wrote set to it (status judges late completion from it). Returns
    the `Nộp báo cáo` cells to write {A1 ref: value}; unreadable times become warnings."""
    pos = md.headers.get(L.SHEET_SUBMISSIONS) or {c.id: i for i, c in enumerate(L.SUBMISSION_COLUMNS)}

    def deadline_of(code: str) -> dt.date | None:
        return md.schedule.submission_deadline(code) if _valid_period(code) else None

    review = review_receipts(md.submissions, deadline_of, on_time_label=ON_TIME, late_label=LATE,
                             accepted=(ACCEPTED, PARTIAL))
    cells: dict[str, Any] = {}
    raw = {int(s["row"]): s.get("received_at") for s in md.submissions}
    for f in review.fixes:
        if "on_time" in pos:
            cells[f"{col_letter(pos['on_time'] + 1)}{f.row}"] = ON_TIME if f.on_time else LATE
        if isinstance(raw.get(f.row), str) and "received_at" in pos:  # typed as text: store the time
            cells[f"{col_letter(pos['received_at'] + 1)}{f.row}"] = f.received_at
    result.receipts_corrected = review.fixes
    for row, text in review.unreadable:
        cell = f"{col_letter(pos['received_at'] + 1)}{row}" if "received_at" in pos else ""
        result.problems.append(warning(
            "receipt-time-unreadable", f"Nộp báo cáo, ô {cell}: «{text}» không phải thời điểm; hãy ghi "
            "ngày trước, tháng sau, ví dụ 16/03/2026 08:30. Dòng này giữ nguyên «Đúng hạn».",
            sheet=L.SHEET_SUBMISSIONS, cell=cell, value=text))
    for r in md.tracking:
        at = review.accepted_times.get((r.unit, r.period, r.source_file))
        if at is not None and r.received_at != at:
            cell_updates[(r.row, "received_at")] = at
            r.received_at = at
    return cells


def _write(md: MasterData, master: Path, period: Period, cell_updates: dict[tuple[int, str], Any],
           submissions: list[list[Any]], history: list[list[Any]], missing: list[str],
           receipt_cells: dict[str, Any] | None = None, *, request_rows: list[list[Any]] | None = None) -> str | None:
    pkg = XlsxPackage.open(master)
    if receipt_cells:
        sheet = pkg.sheet(L.SHEET_SUBMISSIONS)
        for ref, value in receipt_cells.items():
            sheet.set_value(ref, value)
    track_pos = md.headers.get(L.SHEET_TRACKING) or {c.id: i for i, c in enumerate(L.TRACKING_COLUMNS)}
    columns: dict[int, dict[int, Any]] = {}
    for (row, field), value in cell_updates.items():
        if field in track_pos:
            columns.setdefault(track_pos[field] + 1, {})[row] = value
    pkg.set_columns(L.SHEET_TRACKING, columns)  # one pass over the sheet text, not a cell at a time
    if submissions:
        pkg.append_rows(L.SHEET_SUBMISSIONS,  # spliced as text when the sheet already has rows
                        [_as_row(_ordered(md, L.SHEET_SUBMISSIONS, L.SUBMISSION_COLUMNS, r)) for r in submissions])
    if history:
        pkg.append_rows(L.SHEET_HISTORY, _in_file_order(md, L.SHEET_HISTORY, L.HISTORY_COLUMNS, history))
    add_requests(pkg, md.headers.get(L.SHEET_REQUESTS), request_rows or [])
    if L.SHEET_MISSING in pkg.sheet_names():
        deadline = md.schedule.submission_deadline(period)
        keep = [[r.get(c.id) for c in L.MISSING_COLUMNS] for r in md.missing
                if str(r.get("period") or "") != period.code]
        fresh = []
        for code in missing:
            u = md.registry.unit(code)
            fresh.append([period.code, code, u.name if u else "", u.email if u else "", deadline])
        rows = [_as_row(_ordered(md, L.SHEET_MISSING, L.MISSING_COLUMNS, r)) for r in keep + fresh]
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
    for reported in p.rows:
        proposed = reported.get("proposed_due")
        task = tasks.get(reported["key"])
        if proposed is None or task is None:
            continue
        u = md.registry.unit(p.unit)
        before = granted.get((task.key, p.unit))
        req = ExtensionRequest(key=task.key, unit=p.unit, unit_name=u.name if u else p.unit, period=p.period,
                               current_due=before.due if before else due_in_period(task, period),
                               proposed_due=proposed, reason=str(reported.get("extension_reason") or ""),
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
             origins: dict[Path, _MailOrigin] | None = None) -> None:
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
        sha = str(s.get("sha256") or "")
        if (str(s.get("outcome") or "") not in (ACCEPTED, PARTIAL) or str(s.get("period") or "") != period.code
                or not sha or sha in fresh):
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
        name = str(s.get("file") or "")
        result.problems.append(warning(
            "archive-missing", f"Tệp lưu trữ của «{name}» (đơn vị {s.get('unit') or '?'}, đã nhận) "
            f"{'bị hỏng' if dest.exists() else 'bị thiếu'} trong luu_tru/{period.code}/; hãy đặt lại đúng tệp "
            f"«{name}» đơn vị đã gửi vào hộp thư rồi tổng hợp lại để bổ sung.", file=name, value=sha))
