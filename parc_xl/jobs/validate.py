"""Job: check returned unit workbooks (`parc-xl validate FILE… [--master M] [--as-of D]
[--annotate DIR] [--json]`, ribbon "Kiểm tra").

Reads each file (io/unit_book/read.py), checks it (domain/return_checks.py: structure, plan,
rows; domain/validation.py: the values in each row), writes what was found (the
summary, `--json`, the annotated copies). Every problem is collected (never the first
only) as a `Problem`. A file that cannot be used at all (not a zip, .xls, encrypted, too
large, not a parc-xl workbook) becomes one error record for that file, never an
exception. `check_file` is what the merge job calls.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from parc_xl.domain.assignments import unit_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.models import Plan, Registry
from parc_xl.domain.problems import Problem, Severity, Where, error, errors_first, has_errors, warning
from parc_xl.domain.return_checks import ReturnedForm, check_mac, check_return
from parc_xl.domain.validation import ReportedRow
from parc_xl.errors import InputError
from parc_xl.io import unit_book as ub
from parc_xl.jobs._isolation import Failure, failure_problem, run_isolated, worker_count

SHOWN_PER_FILE = 15  # problems printed per file without --json


class FileReport(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: str
    unit: str = ""
    period: str = ""
    fingerprint: str = ""
    template_version: str = ""
    rows: list[ReportedRow] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    readable: bool = True  # False when the package itself was refused

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def counts(self) -> tuple[int, int]:
        errors = sum(p.severity is Severity.ERROR for p in self.problems)
        return errors, len(self.problems) - errors

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "unit": self.unit,
            "period": self.period,
            "ok": self.ok,
            "issues": [p.to_json() for p in self.problems],
        }


class ValidateResult(BaseModel):
    files: list[FileReport] = Field(default_factory=list)
    annotated: list[str] = Field(default_factory=list)

    @property
    def exit_code(self) -> int:
        # PRODUCT.md: 2 = unusable input (not a workbook, encrypted…): when no file could be read
        if self.files and all(not f.readable for f in self.files):
            return 2
        return 1 if any(not f.ok for f in self.files) else 0

    def summary_vi(self) -> str:
        """Each file's problems (file, Sheet!cell, message), errors first, at most
        `SHOWN_PER_FILE` per file; the rest are in `--annotate` and `--json`."""
        readable = [f for f in self.files if f.readable]
        bad = [f for f in readable if not f.ok]
        lines = [f"Đã kiểm tra {len(readable)} tệp: {len(readable) - len(bad)} đạt, {len(bad)} có lỗi."
                 + (f" Không đọc được {len(self.files) - len(readable)} tệp." if len(readable) < len(self.files)
                    else "")]
        for f in self.files:
            name = Path(f.file).name
            e, w = f.counts()
            if not f.readable:
                first = errors_first(f.problems)[0] if f.problems else None
                lines.append(f"{name}: không đọc được — {first.message if first else 'tệp không dùng được'}")
                continue
            verdict = "đạt" if f.ok else "có lỗi"
            lines.append(f"{name}: {verdict} ({e} lỗi, {w} cảnh báo)" if f.problems else f"{name}: đạt")
            ordered = errors_first(f.problems)
            for p in ordered[:SHOWN_PER_FILE]:
                where = f"{p.where} " if p.where else ""
                lines.append(f"  {p.severity.label_vi}: {where}— {p.message}")
            if len(ordered) > SHOWN_PER_FILE:
                lines.append(f"  … và {len(ordered) - SHOWN_PER_FILE} vấn đề khác: chạy lại với --annotate THU_MUC "
                             "để có bản sao đánh dấu từng ô (hoặc --json để xem tất cả).")
        if self.annotated:
            lines.append(f"Bản đánh dấu lỗi: {len(self.annotated)} tệp "
                         f"(trong {Path(self.annotated[0]).parent}).")
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"files": [f.to_json() for f in self.files]}


def _where(path: Path, sheet: str = "", cell: str = "", task_key: str = "") -> Where:
    return {"file": path.name, "sheet": sheet, "cell": cell, "task_key": task_key}


def check_file(
    path: Path,
    plan: Plan | None,
    registry: Registry | None,
    as_of: dt.date | None,
    *,
    fingerprint: str | None = None,
    mac_key: str | None = None,
) -> FileReport:
    """Every problem of one returned workbook, and the rows it reports: read it, check it
    (domain/return_checks.py). With `mac_key` (the master's secret) the workbook's keyed
    MAC is checked too."""
    path = Path(path)
    report = FileReport(file=str(path))
    try:
        ret = ub.read_unit_book(path)
    except InputError as exc:
        report.readable = False
        report.problems = exc.problems or [error("not-xlsx", str(exc), **_where(path))]
        return report
    form = returned_form(path, ret)
    found = check_return(form, ub, plan=plan, registry=registry, as_of=as_of or dt.date.today(),
                         fingerprint=fingerprint)
    report.unit, report.period = found.unit, found.period
    report.fingerprint, report.template_version = found.fingerprint, found.template_version
    report.rows, report.problems = found.rows, found.problems
    if mac_key:
        refused = check_mac(form, ub, mac_key)
        if refused is not None:
            report.problems.insert(0, refused)
    return report


def returned_form(path: Path, ret: ub.UnitReturn) -> ReturnedForm:
    """What the reader found, as the checks take it (the file's name, no path)."""
    return ReturnedForm(
        file_name=path.name, sheets=ret.sheets, meta=ret.meta, meta_rows=ret.meta_rows,
        meta_digest=ret.meta_digest, header_row=ret.header_row, header=ret.header, rows=ret.rows,
        formulas=ret.formulas, hidden_rows=ret.hidden_rows, hidden_cols=ret.hidden_cols, merged=ret.merged,
        has_report_sheet=ret.has_report_sheet, mac=ret.mac, date1904=ret.date1904)


def _annotated_path(src: Path, annotate_dir: Path) -> Path:
    return annotate_dir / f"{src.stem}_kiemtra.xlsx"


def run(
    files: list[Path],
    master: Path | None = None,
    as_of: dt.date | None = None,
    annotate_dir: Path | None = None,
) -> ValidateResult:
    """Check each file; with `master`, also against its plan and registry."""
    plan: Plan | None = None
    registry: Registry | None = None
    mac_key: str | None = None
    if master is not None:
        from parc_xl.io.master import read_master

        from parc_xl.io.master import MAC_KEY

        data = read_master(Path(master), tracking=False)
        plan, registry = data.plan, data.registry
        mac_key = data.meta.get(MAC_KEY) or None
    return validate_files(files, plan, registry, as_of, annotate_dir, mac_key=mac_key)


def validate_files(
    files: list[Path],
    plan: Plan | None,
    registry: Registry | None,
    as_of: dt.date | None = None,
    annotate_dir: Path | None = None,
    *,
    mac_key: str | None = None,
) -> ValidateResult:
    """`run` without reading a master (plan and registry given directly)."""
    result = ValidateResult()
    fingerprint = plan_fingerprint(plan) if plan is not None else None

    def one(f: Path) -> FileReport:
        return check_file(Path(f), plan, registry, as_of, fingerprint=fingerprint, mac_key=mac_key)

    def failed(f: Path, why: Failure) -> FileReport:
        return FileReport(file=str(f), readable=False, problems=[failure_problem(str(f), why)])

    # each file read in its own worker: one file that crashes the reader is that file's record
    reports = run_isolated(one, [Path(f) for f in files], failed, workers=worker_count(len(files)))
    for f, report in zip(files, reports, strict=True):
        result.files.append(report)
        if annotate_dir is not None and report.readable and report.problems:
            from parc_xl.io.annotate import annotate

            Path(annotate_dir).mkdir(parents=True, exist_ok=True)
            dst = _annotated_path(Path(f), Path(annotate_dir))
            try:
                annotate(Path(f), dst, report.problems)
                result.annotated.append(str(dst))
            except InputError as exc:  # keep going: the JSON report is what matters
                report.problems.append(warning("annotate-failed", str(exc), file=Path(f).name))
    return result


def expected_keys(plan: Plan, registry: Registry, unit: str) -> list[str]:
    """Row keys the master currently assigns to a unit (for merge and tests)."""
    return [t.key for t, _ in unit_tasks(plan, registry, unit)]
