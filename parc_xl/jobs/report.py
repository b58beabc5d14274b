"""Job «Báo cáo»: the period's Word report draft, with `Tổng hợp` / `Quá hạn` refreshed.

Decision: the report job recomputes the status itself (the same `jobs.status.compute`)
and rewrites `Theo dõi`'s status columns, `Tổng hợp` and `Quá hạn` from that same
computation before writing the .docx, so the counts in the report, in `Tổng hợp` and
in `--json` always agree — a report never quotes a stale dashboard.

The as-of date, when not given: the date of the clerk's last status update (stored in
the master by `status`) when it lies in this period's reporting window (after the previous
period's cut-off) — the ribbon's «Báo cáo» never passes a date, and recomputing as of
another day would silently replace the clerk's statuses; otherwise the period's data
cut-off (NĐ 09/2019/NĐ-CP: 14/3, 14/6, 14/9, 14/12), or today when that is still ahead.
`ReportResult.as_of_source` says which («given», «status», «cut-off»).

Beyond the counts, the report quotes the master itself (`build_content`): who sent their
report and when (`Nộp báo cáo`), the difficulties and proposals units wrote for this
period (`Theo dõi`), the per-unit table with a «Chưa báo cáo» column and one row per
target task; rules in `domain/report_content.py`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from parc_xl.domain.assignments import units_with_tasks
from parc_xl.domain.periods import Period, all_periods, plan_period
from parc_xl.domain.report_content import (
    NoteRow,
    ReportContent,
    Submission,
    TargetRow,
    default_recipients,
    group_quotes,
    summarize_submissions,
    target_tasks,
    task_heading,
    task_number,
    unit_rows,
)
from parc_xl.domain.summary import RowOutcome, StatusSummary
from parc_xl.domain.targets import target_text
from parc_xl.errors import InputError
from parc_xl.io.master_layout import SHEET_TRACKING
from parc_xl.jobs._common import JobResult, ensure_writable
from parc_xl.jobs.status import DEFAULT_DUE_SOON, StatusResult, compute, extension_effects, stored_as_of, write


class ReportResult(JobResult):
    master: str
    output: str
    period: str
    summary: StatusSummary
    as_of_source: str = "given"  # "given" | "status" (last status update) | "cut-off"
    backup: str | None = None

    def to_json(self) -> dict[str, Any]:
        status_json = StatusResult(master=self.master, summary=self.summary, backup=self.backup,
                                   problems=self.problems).to_json()
        return {"output": self.output, "as_of_source": self.as_of_source, **status_json}

    def summary_vi(self) -> str:
        s = self.summary
        why = {"status": " (ngày cập nhật trạng thái gần nhất)", "cut-off": " (ngày chốt số liệu của kỳ)"}
        return (f"Đã lập dự thảo báo cáo {s.period_label} ({Path(self.output).name}) và cập nhật "
                f"sheet Tổng hợp, Quá hạn: {s.total_tasks} nhiệm vụ, tính đến ngày {s.as_of:%d/%m/%Y}"
                f"{why.get(self.as_of_source, '')}.")


def default_as_of(period: Period, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return min(today, period.cutoff_end)


def report_as_of(period: Period, stored: dt.date | None, today: dt.date | None = None) -> tuple[dt.date, str]:
    """(as-of date, source) when none is given: the last status date if it belongs to this
    period's window (after the previous period's cut-off, within the plan year), else the
    cut-off."""
    periods = all_periods(period.year)
    i = periods.index(period)
    window_start = periods[i - 1].cutoff_end + dt.timedelta(days=1) if i else period.cutoff_start
    if stored is not None and window_start <= stored <= dt.date(period.year, 12, 31):
        return stored, "status"
    return default_as_of(period, today), "cut-off"




def build_content(data: Any, outcomes: list[RowOutcome], period: Period,
                  recipients: list[str] | None = None) -> ReportContent:
    """What the report quotes from the master (see `domain/report_content.py`)."""
    from parc_xl.domain.submissions import LATE, ON_TIME

    plan, registry = data.plan, data.registry
    tasks = {t.key: t for t in plan.tasks}
    names = {u.code: u.name for u in registry.units}
    expected = [(code, names.get(code, code)) for code in units_with_tasks(plan, registry)]
    subs = [Submission(unit=r.unit, received_at=r.received_at, accepted=r.accepted,
                       on_time={ON_TIME: True, LATE: False}.get(r.on_time))
            for r in data.submissions if r.period == period.code]
    area_order = [a.title for a in plan.areas]
    unit_order = [u.code for u in registry.units]
    this_period = [r for r in data.tracking if r.period == period.code]

    def notes(field: str) -> list[NoteRow]:
        return [NoteRow(area=r.area, unit=r.unit, unit_name=r.unit_name, task=task_number(r.key, r.stt),
                        text=getattr(r, field)) for r in this_period if getattr(r, field)]

    reported = {r.row for r in data.tracking if r.progress}
    texts = {k: target_text(t.task, t.product) for k, t in tasks.items()}
    headings = {k: task_heading(k, t.stt, t.task) for k, t in tasks.items()}
    target_rows = [TargetRow(key=o.key, heading=headings.get(o.key) or task_heading(o.key, o.stt, o.task),
                             target=texts.get(o.key) or o.target, unit_name=o.unit_name or o.unit,
                             figure=o.figure, result=o.target_result)
                   for o in outcomes if o.target or texts.get(o.key)]
    return ReportContent(
        submissions=summarize_submissions(expected, subs, data.schedule.submission_deadline(period)),
        difficulties=group_quotes(notes("difficulties"), area_order, unit_order),
        proposals=group_quotes(notes("proposals"), area_order, unit_order),
        units=unit_rows(((o.unit, o.unit_name, o.status, o.row in reported) for o in outcomes), unit_order),
        targets=target_tasks(target_rows),
        headings=headings,
        recipients=[r for r in (recipients or []) if r.strip()],
    )


META_RECIPIENTS = "report_recipients"  # _parc_xl key: the last report's Nơi nhận («A; B»)


def recipients_default(master: Path) -> str:
    """What to offer for Nơi nhận when the ribbon asks: the last report's addressees, kept
    in the master, else `default_recipients` of the plan's issuer. Reads only `_parc_xl`."""
    from parc_xl.io.master_layout import SHEET_META
    from parc_xl.io.ooxml import XlsxPackage

    try:
        pkg = XlsxPackage.open(master)
        rows = pkg.sheet(SHEET_META).read_values() if SHEET_META in pkg.sheet_names() else []
    except InputError:
        rows = []
    meta = {str(r[0]): str(r[1] or "") for r in rows if len(r) > 1 and r[0]}
    return default_recipients(meta.get("issuer", ""), meta.get(META_RECIPIENTS, ""))


def run(master: Path, period: str, output: Path, as_of: dt.date | None = None,
        due_soon: int = DEFAULT_DUE_SOON, recipients: list[str] | None = None) -> ReportResult:
    from parc_xl.io.master import read_master
    from parc_xl.io.report_docx import write_report

    master, output = Path(master), Path(output)
    try:
        p = Period.parse(period)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if output.suffix.lower() != ".docx":
        raise InputError(f"Báo cáo phải là tệp .docx, không phải «{output.name}».")
    if not output.parent.exists():
        raise InputError(f"Thư mục {output.parent} không tồn tại.")
    if not master.exists():
        raise InputError(f"Không tìm thấy sổ theo dõi {master.name}.")
    from parc_xl.io.master_lock import master_lock

    with master_lock(master, "Lập báo cáo"):  # the report writes the statuses into the master
        return _report(master, p, output, as_of, due_soon, read_master, write_report, recipients)


def _report(master: Path, p: Period, output: Path, as_of: dt.date | None, due_soon: int,
            read_master: Any, write_report: Any, recipients: list[str] | None = None) -> ReportResult:
    data = read_master(master)
    try:
        plan_period(p, data.plan.year)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    day, source = (as_of, "given") if as_of else report_as_of(p, stored_as_of(data.meta))
    outcomes, summary, problems = compute(data, day, due_soon, p)
    ensure_writable(master)
    remember = {META_RECIPIENTS: "; ".join(recipients)} if recipients else None
    backup = write(master, outcomes, summary, issuer=data.plan.issuer, year=data.plan.year,
                   positions=data.headers.get(SHEET_TRACKING), remember=remember,
                   extensions=extension_effects(data, day, p))
    content = build_content(data, outcomes, p, recipients)
    write_report(output, summary, content, issuer=data.plan.issuer, year=data.plan.year, period=p)
    return ReportResult(master=str(master), output=str(output), period=p.code, summary=summary,
                        as_of_source=source, backup=backup, problems=[*data.problems, *problems])
