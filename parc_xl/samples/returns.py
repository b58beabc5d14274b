"""Simulated unit returns for the demo: fill a generated unit workbook as a unit head
would (openpyxl on the unit's own copy), and set its received time.

Only the demo and tests use this; real returns come from people.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from parc_xl.io.unit_book import FIRST_ROW, HEADER_ROW, HEADER_TO_ID, SHEET_REPORT

Answers = dict[str, dict[str, Any]]  # task key -> {fill column id: value}


def report_rows(path: Path) -> list[dict[str, Any]]:
    """The plan part of a generated unit workbook: one dict per task row."""
    wb = load_workbook(path, read_only=True)
    ws = wb[SHEET_REPORT]
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
    wb.close()
    ids = [HEADER_TO_ID.get(str(h or "").strip(), "") for h in rows[0]]
    return [{i: v for i, v in zip(ids, r, strict=False) if i} for r in rows[1:] if any(r)]


def fill_return(src: Path, dst: Path, answers: Answers, received_at: dt.datetime) -> Path:
    """Write `answers` into the fill columns of a copy of `src`; the copy's modification
    time is `received_at` (the merge takes the file time as the received time)."""
    wb = load_workbook(src)
    ws = wb[SHEET_REPORT]
    header = {HEADER_TO_ID.get(str(c.value or "").strip(), ""): c.column for c in ws[HEADER_ROW]}
    key_col = header["key"]
    for row in range(FIRST_ROW, ws.max_row + 1):
        key = ws.cell(row=row, column=key_col).value
        for field, value in answers.get(str(key), {}).items():
            cell = ws.cell(row=row, column=header[field])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # typed as text (a text-formatted cell): never a formula
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    stamp = received_at.timestamp()
    os.utime(dst, (stamp, stamp))
    return dst


_EVIDENCE = [
    "Kế hoạch số {n}/KH-UBND ngày {d:%d/%m/%Y}",
    "Quyết định số {n}/QĐ-UBND ngày {d:%d/%m/%Y}",
    "Báo cáo số {n}/BC-PNV ngày {d:%d/%m/%Y}",
    "Công văn số {n}/UBND-NV ngày {d:%d/%m/%Y}",
]


# What units write as difficulties and proposals beside a task still in progress (the
# demo report quotes them). Chosen by a generator seeded by task and unit, so the demo's
# other answers (and its figures) stay as they were.
_DIFFICULTIES = [
    "Chờ ý kiến của các cơ quan phối hợp.",
    "Thiếu nhân sự có chuyên môn về công nghệ thông tin; cán bộ đầu mối kiêm nhiệm nhiều việc.",
    "Phần mềm một cửa điện tử thường xuyên bị lỗi đồng bộ với Cổng Dịch vụ công quốc gia.",
    "Kinh phí được giao chưa đủ để thuê đơn vị tư vấn.",
]
_PROPOSALS = [
    "Đề nghị Phòng Nội vụ tổ chức tập huấn nghiệp vụ cho cán bộ đầu mối trong quý II.",
    "Đề nghị bổ sung kinh phí số hóa hồ sơ năm 2026.",
    "",
    "",
]


def _notes(key: object, unit: str) -> dict[str, str]:
    pick = random.Random(f"notes:{key}:{unit}")
    out = {"difficulties": pick.choice(_DIFFICULTIES)}
    proposal = pick.choice(_PROPOSALS)
    if proposal:
        out["proposals"] = proposal
    return out


def plausible_answers(rows: list[dict[str, Any]], as_of: dt.date, rng: random.Random, unit: str = "") -> Answers:
    """What a diligent unit reports: tasks due by `as_of` mostly done (a few late), the
    rest in progress; targets get a figure near the target."""
    answers: Answers = {}
    for r in rows:
        if r.get("role") != "Chủ trì":
            continue
        due = r.get("due")
        due = due.date() if isinstance(due, dt.datetime) else due
        answer: dict[str, Any] = {}
        # Whether a task gets done is mostly the task's own story (shared by every unit that
        # leads it), with a little per-unit variation: decided by a generator seeded by the key.
        task_done = random.Random(f"task:{r.get('key')}").random() < 0.7
        if isinstance(due, dt.date) and due <= as_of + dt.timedelta(days=20):
            if task_done if rng.random() < 0.95 else not task_done:
                slip = rng.choice([-20, -12, -5, -1, 0, 0, 3]) if due <= as_of else -rng.randint(1, 30)
                done = min(due + dt.timedelta(days=slip), as_of)
                answer = {"progress": "Đã hoàn thành", "completed_on": done,
                          "evidence": rng.choice(_EVIDENCE).format(n=rng.randint(10, 480), d=done)}
            else:
                answer = {"progress": "Đang thực hiện", **_notes(r.get("key"), unit)}
        else:
            answer = {"progress": rng.choice(["Đang thực hiện", "Đang thực hiện", "Chưa triển khai"])}
        if r.get("target"):
            answer["figure"] = rng.choice([95, 97.5, 99.2, 100])
        answers[str(r.get("key"))] = answer
    return answers
