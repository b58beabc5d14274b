"""parc-xl demo: the whole quarter on bundled sample data, end to end.

Import the sample appendix, send every unit its sheet, let the units answer (most on
time, some late, one with mistakes, one silent), merge, compute status, write the report.
Dates are fixed so that every run tells the same story.
"""

from __future__ import annotations

import datetime as dt
import random
import hashlib
import json
from pathlib import Path
from typing import Any

from parc_xl.domain.periods import Period
from parc_xl.errors import InputError
from parc_xl.jobs import merge, plan_import, report, status, units_generate
from parc_xl.jobs._common import JobResult
from parc_xl.samples import SAMPLE_APPENDIX, SAMPLE_YEAR
from parc_xl.samples.returns import fill_return, plausible_answers, report_rows

PERIOD = f"{SAMPLE_YEAR}-Q1"
MERGE_DAY = dt.date(SAMPLE_YEAR, 3, 20)  # the clerk merges after the 14/3 submission deadline
AS_OF = dt.date(SAMPLE_YEAR, 4, 6)  # the office head looks at the quarter in early April


class DemoResult(JobResult):
    folder: str
    master: str
    report: str
    steps: list[str]
    outputs: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"folder": self.folder, "master": self.master, "report": self.report,
                "steps": self.steps, **self.outputs}

    def summary_vi(self) -> str:
        lines = [f"Chạy thử parc-xl trên dữ liệu mẫu ({Period.parse(PERIOD).label_vi}, tính đến "
                 f"{AS_OF:%d/%m/%Y}). Kết quả trong thư mục {self.folder}:"]
        lines += [f"  {i}. {s}" for i, s in enumerate(self.steps, start=1)]
        lines.append(f"Mở sổ theo dõi: {self.master}")
        lines.append(f"Dự thảo báo cáo: {self.report}")
        return "\n".join(lines)


def _simulate_returns(out_files: list[Path], inbox: Path, deadline: dt.date) -> dict[str, str]:
    """Most units answer on time, two late, one with mistakes, one not at all."""
    rng = random.Random(2026)
    books = {src: report_rows(src) for src in sorted(out_files)}
    leads = [src for src, rows in books.items() if any(r.get("role") == "Chủ trì" for r in rows)]
    special = {leads[-1]: "missing", leads[1]: "errors", leads[2]: "late", leads[3]: "late"}
    fates: dict[str, str] = {}
    for src, rows in books.items():
        fate = special.get(src, "on_time")
        fates[src.stem.split("_", 1)[1]] = fate
        if fate == "missing":
            continue
        when = dt.datetime.combine(deadline, dt.time(16, 30)) - dt.timedelta(days=rng.randint(1, 6))
        if fate == "late":
            when = dt.datetime.combine(deadline, dt.time(9, 0)) + dt.timedelta(days=rng.randint(2, 4))
        answers = plausible_answers(rows, when.date(), rng, unit=src.stem)
        if fate == "errors":  # typical mistakes: a made-up progress word and a month-first date
            first = next(iter(answers))
            answers[first] = {"progress": "Xong 50%", "completed_on": "3/25/2026"}
        fill_return(src, inbox / src.name, answers, when)
    return fates


MANIFEST = ".parc_xl_demo.json"  # in the demo folder: every file the demo wrote, with its SHA-256


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def _write_manifest(folder: Path) -> None:
    (folder / MANIFEST).write_text(json.dumps(_files(folder), indent=1), encoding="utf-8")


def _clear_previous_run(folder: Path) -> None:
    """A folder is reused only when everything in it was written by an earlier demo and is
    unchanged; then exactly those files are removed. Anything else (the user's own files,
    a demo file the user edited): refused, nothing deleted."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InputError(f"«{folder}» là một tệp, không phải thư mục; hãy chọn một thư mục cho bản chạy thử.")
    if not any(folder.iterdir()):
        return
    manifest = folder / MANIFEST
    try:
        written: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"Thư mục {folder} đã có tệp không do bản chạy thử tạo ra; parc-xl không xóa tệp của "
                         "bạn. Hãy chọn một thư mục trống hoặc chưa có, ví dụ: parc-xl demo demo_moi") from None
    present = _files(folder)
    foreign = sorted(name for name, sha in present.items() if written.get(name) != sha)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" và {len(foreign) - 5} tệp khác" if len(foreign) > 5 else "")
        raise InputError(f"Thư mục {folder} có tệp không do bản chạy thử trước tạo ra hoặc đã được sửa ({shown}); "
                         "parc-xl không xóa các tệp này. Hãy chọn thư mục khác, ví dụ: parc-xl demo demo_moi")
    for name in present:
        (folder / name).unlink()
    manifest.unlink()
    for d in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()


def run(folder: Path) -> DemoResult:
    folder = Path(folder)
    if not SAMPLE_APPENDIX.exists():
        raise InputError(f"Thiếu dữ liệu mẫu đi kèm ({SAMPLE_APPENDIX}); hãy cài lại parc-xl.")
    _clear_previous_run(folder)
    folder.mkdir(parents=True, exist_ok=True)
    master = folder / "so_theo_doi.xlsx"
    steps: list[str] = []

    imported = plan_import.run(SAMPLE_APPENDIX, SAMPLE_YEAR, master)
    steps.append(f"Nhập kế hoạch: {len(imported.plan.tasks)} nhiệm vụ, {len(imported.plan.areas)} lĩnh vực, "
                 f"{len(imported.registry.units)} đơn vị → {master.name}")

    generated = units_generate.run(master, PERIOD, folder / "gui_don_vi")
    files = [Path(f) for f in generated.files]
    steps.append(f"Tạo mẫu đơn vị: {len(files)} tệp trong gui_don_vi/")

    deadline = Period.parse(PERIOD).default_submission_deadline
    fates = _simulate_returns(files, folder / "hop_thu", deadline)
    steps.append(f"Đơn vị gửi về hop_thu/: {sum(f != 'missing' for f in fates.values())} tệp "
                 f"({sum(f == 'late' for f in fates.values())} trễ hạn, 1 có lỗi, 1 đơn vị chưa gửi)")

    merged = merge.run(master, folder / "hop_thu", PERIOD, as_of=MERGE_DAY)
    steps.append(f"Tổng hợp: nhận {len(merged.accepted)} tệp, từ chối {len(merged.rejected)}, "
                 f"chưa nộp: {', '.join(merged.missing_units) or 'không'}")

    computed = status.run(master, AS_OF)
    counts = ", ".join(f"{k}: {v}" for k, v in computed.summary.counts.items() if v)
    steps.append(f"Cập nhật trạng thái đến {AS_OF:%d/%m/%Y}: {counts}")

    out_report = folder / f"bao_cao_{PERIOD}.docx"
    report.run(master, PERIOD, out_report, as_of=AS_OF)
    steps.append(f"Báo cáo: {out_report.name}")
    _write_manifest(folder)
    return DemoResult(folder=str(folder), master=str(master), report=str(out_report), steps=steps,
                      outputs={"tasks": len(imported.plan.tasks),
                               "merge": merged.to_json(), "status": computed.to_json(), "fates": fates})
