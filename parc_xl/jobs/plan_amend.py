"""Điều chỉnh kế hoạch: apply a reissued (amended) appendix to a master that already
holds the year's reports, without losing one of them.

Read the master and the amended appendix, match their tasks by content
(`domain.plan_amend`), then — unless `dry_run` — patch the master in one atomic save:
`Kế hoạch` becomes the amended plan (with the amendment's reference), matched
`Theo dõi` rows keep their key and every reported value (their plan cells follow the
amendment), new tasks and new lead units get rows, rows of dropped tasks and units are
retired (kept, greyed, status «Đã bãi bỏ», out of every count), `Lịch sử` gets one row
per change, and `_parc_xl` records the amendment for later jobs (status: old deadlines
for tasks done before; merge: returns on the old form). Then statuses are recomputed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field

from parc_xl.domain import plan_amend as A
from parc_xl.domain.plan_amend import META_AMENDMENTS, META_RETIRED, amendments_of, retired_of
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.models import Plan
from parc_xl.domain.problems import Problem, error, has_errors, warning
from parc_xl.domain.record import Record
from parc_xl.domain.submissions import HistoryEntry
from parc_xl.domain.text import match_key
from parc_xl.domain.units import resolve_plan
from parc_xl.errors import DataError, InputError
from parc_xl.io import master_layout as L
from parc_xl.io.master import MasterData, read_master
from parc_xl.io.master_records import history_rows
from parc_xl.jobs._common import BACKUP_DIR, JobResult, ensure_writable

#: "Quyết định số 123/QĐ-UBND ngày 15/6/2026": how an amendment names itself.
_REFERENCE = re.compile(
    r"Quyết định\s+số\s*:?\s*\d+[^\s,;)]*(?:\s+ngày\s+\d{1,2}(?:/\d{1,2}/\d{4}|"
    r"\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?", re.IGNORECASE)


class AmendResult(JobResult):
    master: str
    source: str
    reference: str
    effective: dt.date
    dry_run: bool
    diff: A.AmendmentDiff
    rows_kept: int = 0
    rows_added: int = 0
    rows_retired: int = 0
    rows_reactivated: int = 0
    history_rows: int = 0
    backup: str | None = None
    status_as_of: dt.date | None = None
    written: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or (not self.dry_run and not self.written) else 0

    def to_json(self) -> dict[str, Any]:
        d = self.diff
        return {
            "master": self.master, "source": self.source, "reference": self.reference,
            "effective": self.effective.isoformat(), "dry_run": self.dry_run, "written": self.written,
            "added": [{"key": t.key, "stt": t.stt, "task": t.task} for t in d.added],
            "removed": [{"key": t.key, "stt": t.stt, "task": t.task} for t in d.removed],
            "changed": [{"key": c.key, "stt": c.stt, "fields": c.fields, "old": c.old, "new": c.new}
                        for c in d.changed],
            "renumbered": [r.model_dump() for r in d.renumbered],
            "uncertain": [u.model_dump() for u in d.uncertain],
            "ambiguous": [a.model_dump() for a in d.ambiguous],
            "rows_kept": self.rows_kept, "rows_added": self.rows_added, "rows_retired": self.rows_retired,
            "rows_reactivated": self.rows_reactivated,
            "backup": self.backup,
            "warnings": [p.model_dump(mode="json") for p in self.problems],
        }

    def summary_vi(self) -> str:
        d = self.diff
        head = ("Xem trước điều chỉnh kế hoạch (chưa ghi gì)" if self.dry_run
                else "Đã điều chỉnh kế hoạch" if self.written else "Chưa điều chỉnh kế hoạch (sổ không thay đổi)")
        lines = [f"{head} theo {self.reference}: bổ sung {len(d.added)} nhiệm vụ, bãi bỏ {len(d.removed)}, "
                 f"sửa đổi {len(d.changed)}, đánh số lại {len(d.renumbered)}."]
        for t in d.added[:15]:
            lines.append(f"  + Bổ sung {t.stt or t.key}: {t.task[:90]}")
        for t in d.removed[:15]:
            lines.append(f"  − Bãi bỏ {t.stt or t.key}: {t.task[:90]}")
        for c in d.changed[:15]:
            what = ", ".join(A.FIELD_LABELS[f].lower() for f in c.fields)
            lines.append(f"  ~ Sửa {c.stt or c.key} (khóa {c.key}): {what}")
        for r in d.renumbered[:15]:
            lines.append(f"  # Đánh số lại khóa {r.key}: {r.old_stt} → {r.new_stt}")
        for u in d.uncertain:
            lines.append(f"  ? Chưa chắc: {u.old_stt or u.key} «{u.old_task[:60]}» có phải là {u.new_stt} "
                         f"«{u.new_task[:60]}» (giống {u.score:.0%})?")
        if d.uncertain:
            lines.append("  Hãy xác nhận từng cặp: --match KHÓA=STT_MỚI (cùng một nhiệm vụ) hoặc --separate KHÓA "
                         "(nhiệm vụ cũ bị bãi bỏ, nhiệm vụ mới được bổ sung), rồi chạy lại.")
        lines.append(f"Dòng Theo dõi: giữ {self.rows_kept}, thêm {self.rows_added}, bãi bỏ {self.rows_retired}"
                     + (f", khôi phục {self.rows_reactivated}" if self.rows_reactivated else "") + ".")
        for p in self.errors[:10]:
            lines.append(f"  - {p}")
        if self.backup:
            lines.append(f"Bản sổ trước khi điều chỉnh được lưu tại {self.backup}.")
        if self.status_as_of:
            lines.append(f"Trạng thái đã được tính lại đến ngày {self.status_as_of:%d/%m/%Y}.")
        return "\n".join(lines)


def _reference(plan: Plan, source: Path, given: str | None) -> str:
    """The amendment's reference: given, else the first "Quyết định số …" of the title or
    (plain text) the document's opening lines, else the file name."""
    if given and given.strip():
        return given.strip()
    texts = [plan.title]
    if source.suffix.lower() == ".txt":
        try:
            texts += source.read_text(encoding="utf-8", errors="replace").splitlines()[:40]
        except OSError:
            pass
    for text in texts:
        m = _REFERENCE.search(text or "")
        if m:
            return m.group(0)
    return f"tệp {source.name}"


def _read_source(source: Path, year: int) -> tuple[Plan, list[Problem]]:
    from parc_xl.io.plan_reader import read_appendix
    from parc_xl.jobs.plan_import import _deadline_problems

    if not source.exists():
        raise InputError(f"Không tìm thấy tệp kế hoạch điều chỉnh «{source}».",
                         [error("file-missing", params={"file": source.name}, file=str(source))])
    if source.stat().st_size == 0:
        raise InputError(f"Tệp kế hoạch điều chỉnh «{source.name}» rỗng; sổ không thay đổi.",
                         [error("plan-empty", f"Tệp «{source.name}» rỗng.", file=str(source))])
    plan, problems = read_appendix(source, year)
    if has_errors(problems) or not plan.tasks:
        reasons = "; ".join(p.message for p in problems if p.severity == "error")
        raise DataError(f"Không đọc được kế hoạch điều chỉnh từ {source.name}: "
                        f"{reasons or 'không có nhiệm vụ nào.'} Sổ không thay đổi.", problems)
    problems += _deadline_problems(plan)
    if has_errors(problems):
        bad = [p for p in problems if p.severity == "error"]
        raise DataError(f"Kế hoạch điều chỉnh {source.name} có lỗi: " + "; ".join(p.message for p in bad[:5])
                        + ". Sổ không thay đổi.", problems)
    return plan, problems


_YEAR_IN_TITLE = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)


def _same_plan(md: MasterData, new: Plan, source: Path) -> None:
    """An amendment of another office's plan, or of another year's: refused."""
    old = md.plan
    if old.issuer and new.issuer and match_key(old.issuer) != match_key(new.issuer):
        raise InputError(
            f"Tệp {source.name} là kế hoạch của «{new.issuer}», không phải của «{old.issuer}» (sổ "
            f"{md.path.name}); có thể đã chọn nhầm tệp. Sổ không thay đổi.",
            [error("amend-other-plan", f"Cơ quan ban hành khác: «{new.issuer}» ≠ «{old.issuer}».",
                   file=str(source), value=new.issuer)])
    m = _YEAR_IN_TITLE.search(new.title or "")
    dated = [t.deadline.due.year for t in new.tasks if t.deadline is not None and t.deadline.due is not None]
    other = [y for y in dated if y != old.year]
    if not (m and int(m.group(1)) != old.year) and dated and len(other) * 2 > len(dated):
        m = re.match(r"(\d{4})", str(max(set(other), key=other.count)))  # most deadlines fall in another year
    if m and int(m.group(1)) != old.year:
        raise InputError(
            f"Tệp {source.name} là kế hoạch năm {m.group(1)}, sổ {md.path.name} theo dõi kế hoạch năm {old.year}; "
            "không điều chỉnh được. Sổ không thay đổi.",
            [error("amend-other-plan", f"Năm của kế hoạch điều chỉnh ({m.group(1)}) khác năm của sổ ({old.year}).",
                   file=str(source), value=m.group(1))])


def run(master: Path, source: Path, *, year: int | None = None, dry_run: bool = False,
        reference: str | None = None, effective: dt.date | None = None,
        accept: dict[str, str] | None = None, separate: set[str] | None = None) -> AmendResult:
    """Preview (`dry_run`) or apply the amendment `source` to `master` (see module doc)."""
    from parc_xl.io.master_lock import master_lock

    master, source = Path(master), Path(source)
    if dry_run:  # reads only: no lock, works on a master open in Excel
        return _run(master, source, year, True, reference, effective, accept, separate)
    # one writer at a time: read, decide, write and recompute status under one lock
    with master_lock(master, "Điều chỉnh kế hoạch"):
        return _run(master, source, year, False, reference, effective, accept, separate)


def _run(master: Path, source: Path, year: int | None, dry_run: bool, reference: str | None,
         effective: dt.date | None, accept: dict[str, str] | None, separate: set[str] | None) -> AmendResult:
    md = read_master(master)
    if year is not None and year != md.year:
        raise InputError(
            f"Năm {year} khác năm của sổ theo dõi {master.name} ({md.year}): chỉ điều chỉnh được kế hoạch của "
            "chính năm đó. Sổ không thay đổi.",
            [error("amend-other-plan", f"Năm {year} ≠ năm của sổ {md.year}.", value=str(year))])
    if not dry_run:
        ensure_writable(master)
    new, problems = _read_source(source, md.year)
    _same_plan(md, new, source)
    problems += resolve_plan(new, md.registry)

    amendments = amendments_of(md.meta)
    retired = retired_of(md.meta)
    used = {r.key for r in md.tracking} | {t.key for t in md.plan.tasks}
    for a in amendments:
        used |= set(a.dropped)
    diff = A.diff_plans(md.plan, new, used_keys=used, accept=accept, separate=separate)
    if diff.shared < A.MIN_SHARED:
        raise InputError(
            f"Chỉ {diff.shared:.0%} nhiệm vụ của {source.name} khớp với kế hoạch trong sổ {master.name}: đây có vẻ "
            "là kế hoạch khác, không phải bản điều chỉnh. Sổ không thay đổi.",
            [error("amend-other-plan", f"Chỉ {diff.shared:.0%} nhiệm vụ khớp.", file=str(source))])

    day = effective or dt.date.today()
    ref = _reference(new, source, reference)
    units_of = {t.key: (md.registry.expand(t.lead_units) or [""]) for t in diff.plan.tasks}
    rows = [(r.row, r.key, r.unit) for r in md.tracking]
    tp = A.tracking_plan(rows, retired, diff, units_of)
    result = AmendResult(master=str(master), source=str(source), reference=ref, effective=day, dry_run=dry_run,
                         diff=diff, rows_kept=len(tp.keep), rows_added=len(tp.add) + len(tp.reactivate),
                         rows_retired=len(tp.retire), rows_reactivated=len(tp.reactivate), problems=problems)
    for amb in diff.ambiguous:
        shown = "; ".join(f"{c.stt or c.key} «{c.task[:50]}»" for c in amb.candidates)
        result.problems.append(error(
            "amend-ambiguous", f"Nhiệm vụ {amb.old_stt or amb.key} (khóa {amb.key}) «{amb.old_task[:60]}» của sổ khớp "
            f"như nhau với {len(amb.candidates)} nhiệm vụ của bản điều chỉnh: {shown}. Hãy sửa tệp điều chỉnh cho "
            "mỗi nhiệm vụ chỉ xuất hiện một lần (hoặc ghi rõ đơn vị chủ trì khác nhau).",
            file=str(source), task_key=amb.key, sheet=L.SHEET_PLAN))
    for u in diff.uncertain:
        result.problems.append((warning if dry_run else error)(
            "amend-uncertain", f"Chưa chắc nhiệm vụ {u.old_stt or u.key} (khóa {u.key}) «{u.old_task[:60]}» có phải "
            f"là {u.new_stt} «{u.new_task[:60]}» của bản điều chỉnh (giống {u.score:.0%}); hãy xác nhận "
            f"(--match {u.key}={u.new_stt}) hoặc tách riêng (--separate {u.key}).",
            file=str(source), task_key=u.key))
    if dry_run or has_errors(result.problems):
        return result

    history, notes, record = _changes(md, diff, tp, ref, source, day, units_of, amendments)
    retired_now = (retired | {(r.key, r.unit) for r in md.tracking if r.row in set(tp.retire)}) - {
        (r.key, r.unit) for r in md.tracking if r.row in set(tp.reactivate)}
    result.backup = _write(md, master, diff, tp, units_of, history, notes, record, amendments, retired_now, ref)
    result.history_rows = len(history)
    result.written = True
    result.status_as_of = _recompute_status(master, md, day)
    return result


def _shown(v: Any) -> str:
    return "" if v is None else str(v)


def _changes(md: MasterData, diff: A.AmendmentDiff, tp: A.TrackingPlan, ref: str, source: Path, day: dt.date,
             units_of: dict[str, list[str]], amendments: list[A.AmendmentRecord],
             ) -> tuple[list[HistoryEntry], dict[str, str], A.AmendmentRecord]:
    """`Lịch sử` rows, the `Điều chỉnh` note of each amended task, and the record kept."""
    from parc_xl.domain.periods import Period
    from parc_xl.jobs.status import default_period

    now = dt.datetime.now().replace(microsecond=0)
    period = default_period(day, md.year).code
    origin = f"{source.name} ({ref})"
    history: list[HistoryEntry] = []
    notes: dict[str, str] = {}

    def log(key: str, field: str, old: Any, new: Any, unit: str = "") -> None:
        history.append(HistoryEntry(now, period, unit, key, field, _shown(old), _shown(new), origin))

    old_tasks = {t.key: t for t in md.plan.tasks}
    for t in diff.added:
        log(t.key, "Nhiệm vụ", "", f"Bổ sung: {t.stt} {t.task}".strip())
        notes[t.key] = f"Bổ sung theo {ref}"
    for t in diff.removed:
        log(t.key, "Nhiệm vụ", f"{t.stt} {t.task}".strip(), f"Bãi bỏ theo {ref}")
    for c in diff.changed:
        for f in c.fields:
            log(c.key, A.FIELD_LABELS[f], c.old.get(f, ""), c.new.get(f, ""))
        notes[c.key] = f"Sửa đổi theo {ref}: " + ", ".join(A.FIELD_LABELS[f].lower() for f in c.fields)
    for rn in diff.renumbered:
        log(rn.key, "STT", rn.old_stt, rn.new_stt)
        notes[rn.key] = (notes[rn.key] + f"; STT cũ {rn.old_stt}") if rn.key in notes else f"STT cũ {rn.old_stt} ({ref})"
    by_row = {r.row: r for r in md.tracking}
    for n in tp.retire:
        r = by_row[n]
        if r.key in old_tasks and r.key in units_of:  # the task stays, this unit no longer leads it
            log(r.key, "Đơn vị chủ trì", r.unit, f"Bãi bỏ theo {ref}", unit=r.unit)
    for key, unit in tp.add:
        if key in old_tasks:
            log(key, "Đơn vị chủ trì", "", f"Bổ sung {unit} theo {ref}", unit=unit)
    for n in tp.reactivate:
        r = by_row[n]
        log(r.key, "Đơn vị chủ trì", A.RETIRED, f"Khôi phục {r.unit} theo {ref}", unit=r.unit)

    Period.parse(period)  # a valid code by construction
    record = A.AmendmentRecord(
        ref=ref, file=source.name, applied_at=now, effective=day, period=period,
        old_fingerprint=md.meta.get("fingerprint") or plan_fingerprint(md.plan),
        new_fingerprint=plan_fingerprint(diff.plan),
        dropped=[t.key for t in diff.removed], changed=[c.key for c in diff.changed],
        retired_units=[(by_row[n].key, by_row[n].unit) for n in tp.retire if by_row[n].key in units_of],
        old_deadlines={c.key: c.old["deadline"] for c in diff.changed if "deadline" in c.fields},
    )
    return history, notes, record


def _write(md: MasterData, master: Path, diff: A.AmendmentDiff, tp: A.TrackingPlan,
           units_of: dict[str, list[str]], history: list[HistoryEntry], notes: dict[str, str],
           record: A.AmendmentRecord, amendments: list[A.AmendmentRecord], retired: set[tuple[str, str]],
           ref: str) -> str | None:
    from parc_xl.io.amend_sheets import add_status_text_rule, write_plan_sheet
    from parc_xl.io.master_lock import save_guarded
    from parc_xl.io.master_writer import _meta_items, tracking_rows
    from parc_xl.io.ooxml import XlsxPackage
    from parc_xl.jobs.status import _store_meta

    plan = diff.plan
    pkg = XlsxPackage.open(master)
    pos = md.headers.get(L.SHEET_TRACKING) or {c.id: i for i, c in enumerate(L.TRACKING_COLUMNS)}
    columns: dict[int, dict[int, Any]] = {}

    def put(row: int, field: str, value: Any) -> None:
        if field in pos:
            columns.setdefault(pos[field] + 1, {})[row] = value

    tasks = {t.key: t for t in plan.tasks}
    areas = {a.code: a.title for a in plan.areas}
    for r in md.tracking:
        if r.row in tp.keep or r.row in tp.reactivate:
            t = tasks[r.key]
            d = t.deadline
            values = {"stt": t.stt, "area": areas.get(t.area, t.area), "task": t.task,
                      "deadline_text": t.deadline_text, "due": d.due if d else None}
            for field, value in values.items():
                if getattr(r, field) != value:
                    put(r.row, field, value)
            if r.row in tp.reactivate:
                put(r.row, "status", None)
    for n in tp.retire:
        put(n, "status", A.RETIRED)
        put(n, "days_overdue", None)
    pkg.set_columns(L.SHEET_TRACKING, columns)

    if tp.add:
        wanted = set(tp.add)
        k_at, u_at = L.column_index(L.TRACKING_COLUMNS, "key"), L.column_index(L.TRACKING_COLUMNS, "unit")
        fresh = [row for row in tracking_rows(plan, md.registry) if (row[k_at], row[u_at]) in wanted]
        width = max(pos.values()) + 1
        laid = []
        for row in fresh:
            out: list[Any] = [None] * width
            for c, value in zip(L.TRACKING_COLUMNS, row, strict=False):
                if c.id in pos:
                    out[pos[c.id]] = value
            laid.append(out)
        pkg.append_rows(L.SHEET_TRACKING, laid)
    if history:
        pkg.append_rows(L.SHEET_HISTORY, history_rows(md.headers, history))

    with tempfile.TemporaryDirectory(prefix="parc_amend_") as tmp:
        generated = Path(tmp) / "ke_hoach.xlsx"
        write_plan_sheet(generated, plan, notes, ref)
        pkg.replace_sheet_from(generated, L.SHEET_PLAN)
        status_col = pos.get("status")
        if status_col is not None:
            add_status_text_rule(pkg, L.SHEET_TRACKING, status_col + 1, A.RETIRED)
        meta = _meta_items(plan)
        for key in ("fingerprint", "areas", "stated_total"):
            _store_meta(pkg, key, meta[key])
        _store_meta(pkg, META_AMENDMENTS, json.dumps(
            [a.model_dump(mode="json") for a in [*amendments, record]], ensure_ascii=False))
        _store_meta(pkg, META_RETIRED, json.dumps(sorted([k, u] for k, u in retired), ensure_ascii=False))
        saved = save_guarded(pkg, master, master.parent / BACKUP_DIR)
    return str(saved) if saved else None


def _recompute_status(master: Path, md: MasterData, day: dt.date) -> dt.date | None:
    """Counts, dashboard and overdue list without the retired rows, as of the day the
    amendment takes effect (or the last status date, if later)."""
    from parc_xl.jobs import status
    from parc_xl.jobs.status import stored_as_of

    last = stored_as_of(md.meta)
    as_of = max(d for d in (day, last) if d is not None)
    if as_of.year != md.year and last is None:
        return None
    status.run(master, as_of)
    return as_of


class OldFormVerdict(Record):
    """How merge treats a return made on a form from before an amendment."""

    problems: list[Problem]  # the file's problems, the plan-version error replaced
    rows: list[Any]  # the report rows still to consider (dropped tasks left out)
    refused: list[Problem] = Field(default_factory=list)  # one error per refused row, added after the file verdict


def honour_old_form(meta: dict[str, str], fingerprint: str, period: str, unit: str, problems: list[Problem],
                    rows: list[Any], file: str) -> OldFormVerdict:
    """A form made before an amendment (its fingerprint is a replaced plan's): for a
    period up to the amendment's, accepted for the tasks that stayed (a warning names the
    amendment), its rows of dropped tasks or dropped lead units refused one by one; for a
    later period, refused (the unit must use the new form). Any other file: unchanged."""
    verdict = OldFormVerdict(problems=problems, rows=rows)
    if not any(p.code == "fingerprint-mismatch" for p in problems):
        return verdict
    form = A.old_form(fingerprint, period, amendments_of(meta))
    if form is None:
        return verdict
    others = [p for p in problems if p.code != "fingerprint-mismatch"]
    name = Path(file).name
    if not form.allowed:
        verdict.problems = [*others, error(
            "amend-old-form-late", f"Tệp {name} dùng mẫu lập trước khi kế hoạch được điều chỉnh theo {form.refs}; "
            f"báo cáo kỳ {period} (sau khi điều chỉnh) phải dùng mẫu mới. Hãy gửi đơn vị mẫu mới (Tạo mẫu đơn vị).",
            file=file)]
        return verdict
    gone = {r.key for r in rows if r.key in form.dropped or (r.key, unit) in form.retired_units}
    verdict.problems = [p for p in others if p.task_key not in gone]
    verdict.problems.append(warning(
        "amend-old-form", f"Tệp {name} dùng mẫu lập trước khi kế hoạch được điều chỉnh theo {form.refs}; số liệu "
        "các nhiệm vụ còn trong kế hoạch được nhận. Từ kỳ sau, đơn vị dùng mẫu mới.", file=file))
    changed = sorted({r.key for r in rows if r.key in form.changed})
    if changed:
        verdict.problems.append(warning(
            "amend-task-changed", f"Tệp {name}: nhiệm vụ {', '.join(changed)} đã được sửa đổi theo {form.refs} "
            "(nội dung, thời hạn hoặc đơn vị); số liệu đơn vị báo cáo theo mẫu cũ vẫn được nhận cho nhiệm vụ đó.",
            file=file))
    verdict.rows = [r for r in rows if r.key not in gone]
    for key in sorted(gone):
        what = "đã bị bãi bỏ" if key in form.dropped else f"không còn giao đơn vị {unit} chủ trì"
        verdict.refused.append(error(
            "amend-task-dropped", f"Tệp {name}: nhiệm vụ {key} {what} theo {form.refs}; số liệu của dòng này "
            "không được nhận (các dòng khác vẫn được nhận).", file=file, task_key=key))
    return verdict
