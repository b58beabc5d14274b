"""The master workbook, read side: `read_master` takes values only (python-calamine).

Creation lives in `io/master_writer.py` (openpyxl, imported only by the import job).
After creation the clerk owns the file too: later jobs never round-trip it through
openpyxl (which drops charts, notes, extensions) but patch it with
`io.ooxml.XlsxPackage`. Keeping openpyxl out of this module keeps read-only jobs
(validate, a ribbon click) fast to start.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import MISSING, dataclass, field
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from parc_xl.domain import deadlines
from parc_xl.domain.calendar import WorkCalendar
from parc_xl.domain.extensions import ExtensionRequest
from parc_xl.domain.models import Deadline, DeadlineKind, Plan, Registry, Task
from parc_xl.domain.periods import PeriodSchedule
from parc_xl.domain.problems import Problem
from parc_xl.domain.submissions import SubmissionRecord
from parc_xl.domain.text import clean, match_key
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.io.calendar_sheets import to_date
from parc_xl.io.master_layout import Column
from parc_xl.io.master_records import submission_record
from parc_xl.io.workbook_values import cell_datetime, first_row, open_values

TEMPLATE_VERSION = "1"
#: Row of the master's very hidden `_parc_xl` sheet holding the secret that signs unit
#: workbooks (`io/unit_book.meta_mac`). Units never receive the master, so never the key.
MAC_KEY = "mac_key"


def new_mac_key() -> str:
    """A fresh per-master secret for unit workbook MACs (256 bits, hex, from `secrets`)."""
    import secrets

    return secrets.token_hex(32)


def ensure_mac_key(md: MasterData) -> str:
    """The master's MAC secret; a master made before MACs existed gets one now (written to
    its `_parc_xl` sheet with a backup, like every master write)."""
    key = md.meta.get(MAC_KEY, "")
    if key:
        return key
    from parc_xl.io.master_lock import master_lock, save_guarded
    from parc_xl.io.ooxml import XlsxPackage
    from parc_xl.jobs._common import BACKUP_DIR, ensure_writable

    with master_lock(md.path, "Tạo mẫu đơn vị"):
        ensure_writable(md.path)
        key = new_mac_key()
        pkg = XlsxPackage.open(md.path)
        pkg.append_rows(L.SHEET_META, [[MAC_KEY, key]], quote_formula_like=False)
        save_guarded(pkg, md.path, md.path.parent / BACKUP_DIR)
    md.meta[MAC_KEY] = key
    return key


@dataclass(slots=True)
class TrackingRow:
    """One `Theo dõi` row: a task × lead unit, with the latest accepted report.

    A slotted dataclass rather than a pydantic model: a master holds up to 200,000 of
    them, read from our own sheet through typed converters, so validation would only
    cost time (≈5 s at that size)."""

    row: int  # sheet row number (1-based)
    key: str
    stt: str = ""
    area: str = ""
    task: str = ""
    unit: str = ""
    unit_name: str = ""
    deadline_text: str = ""
    due: dt.date | None = None
    period: str = ""
    progress: str = ""
    completed_on: dt.date | None = None
    evidence: str = ""
    figure: float | None = None
    difficulties: str = ""
    proposals: str = ""
    received_at: dt.datetime | None = None
    source_file: str = ""
    status: str = ""
    days_overdue: int | None = None
    target_result: str = ""


@dataclass
class MasterData:
    """Everything a job needs from the master, read once (internal: built by `read_master`)."""

    path: Path
    plan: Plan
    registry: Registry
    schedule: PeriodSchedule
    calendar: WorkCalendar
    tracking: list[TrackingRow] = field(default_factory=list)
    submissions: list[SubmissionRecord] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    # sheet -> {column id: 0-based column index} as found in the file's header row
    headers: dict[str, dict[str, int]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # «Đề nghị điều chỉnh» (none in masters made before extension requests existed)
    requests: list[ExtensionRequest] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.plan.year


# --------------------------------------------------------------------------- reading


# Characters `clean` would change. Cells the tool wrote are already clean, so the common
# case skips the full normalisation (9,000 tracking rows: 1.4 s -> 0.2 s).
_NEEDS_CLEAN = re.compile(r"[<&\u00a0\u00ad\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff\r\t]| {2}|\n\s|\s\n")


def _text(v: Any) -> str:
    if v == "" or v is None:
        return ""
    if isinstance(v, str):
        if _NEEDS_CLEAN.search(v) is None and unicodedata.is_normalized("NFC", v):
            return v.strip()
        return clean(v, keep_newlines=True)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return clean(v, keep_newlines=True)


def _date(v: Any) -> dt.date | None:
    """A date cell of an owned sheet: a real date, an Excel serial, ISO or day-first text
    (a clerk may type "15/3/2026" into the plan's due-date column); None when unreadable."""
    try:
        return to_date(v)
    except ValueError:
        return None




def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return None


def _header_index(header: list[Any], columns: list[Column]) -> dict[str, int]:
    wanted = {match_key(c.header): c.id for c in columns}
    return {wanted[match_key(h)]: i for i, h in enumerate(header) if match_key(h) in wanted}


def sheet_records(book: CalamineWorkbook, sheet: str, columns: list[Column],
                  headers: dict[str, dict[str, int]] | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Rows of an owned table sheet as (row number, {column id: raw value}); headers are
    matched by text so a clerk who moved a column does not break the read. The header
    positions found are stored in `headers[sheet]` (0-based) for writers."""
    if sheet not in book.sheet_names:
        return []
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if not rows:
        return []
    index = _header_index(rows[0], columns)
    if headers is not None:
        headers[sheet] = index
    out: list[tuple[int, dict[str, Any]]] = []
    for n, raw in enumerate(rows[1:], start=2):
        if not any(v not in ("", None) for v in raw):
            continue
        out.append((n, {cid: (raw[i] if i < len(raw) else None) for cid, i in index.items()}))
    return out


def read_master(path: Path, *, tracking: bool = True, tracking_fields: Collection[str] | None = None) -> MasterData:
    """Read the master's values (calamine). Raises InputError when it is not a master.

    `tracking=False` skips `Theo dõi` (up to 200,000 rows), which generating and
    validating unit files do not need; `tracking_fields` reads only those `TrackingRow`
    fields (and `key`), the others keeping their defaults (`read_tracking`)."""
    from parc_xl.io.calendar_sheets import read_calendar, read_schedule
    from parc_xl.io.registry import read_registry

    book = open_values(path, "sổ theo dõi")
    names = set(book.sheet_names)
    absent = [s for s in (L.SHEET_META, L.SHEET_PLAN, L.SHEET_TRACKING) if s not in names]
    if absent:
        raise InputError(
            f"Tệp {path.name} không phải sổ theo dõi do parc-xl tạo (thiếu sheet {', '.join(absent)}). "
            "Hãy chọn đúng sổ theo dõi hoặc tạo mới bằng «Nhập kế hoạch»."
        )
    meta = {_text(r[0]): _text(r[1]) for r in book.get_sheet_by_name(L.SHEET_META).to_python()
            if len(r) >= 2 and r[0] != ""}
    try:
        year = int(meta.get("plan_year", ""))
    except ValueError as exc:
        raise InputError(f"Sổ theo dõi {path.name} bị hỏng: không đọc được năm kế hoạch.") from exc

    problems: list[Problem] = []
    registry, reg_problems = read_registry(path, book)
    problems += reg_problems
    calendar, cal_problems = read_calendar(book, path.name)
    schedule, period_problems = read_schedule(book, year, path.name)
    problems += cal_problems + period_problems

    from parc_xl.domain.models import Area

    areas = [Area(**a) for a in json.loads(meta.get("areas") or "[]")]
    title_to_code = {a.title: a.code for a in areas}
    tasks: list[Task] = []
    for n, rec in sheet_records(book, L.SHEET_PLAN, L.PLAN_COLUMNS):
        text = _text(rec.get("deadline_text"))
        deadline = deadlines.parse(text, year)
        deadline = _apply_clerk_dates(deadline, _date(rec.get("first_due")), _date(rec.get("due")))
        tasks.append(Task(
            key=_text(rec.get("key")), stt=_text(rec.get("stt")),
            area=title_to_code.get(_text(rec.get("area")), _text(rec.get("area"))),
            task=_text(rec.get("task")), product=_text(rec.get("product")),
            lead=_text(rec.get("lead")), coord=_text(rec.get("coord")),
            deadline_text=text, deadline=deadline,
            lead_units=_codes(rec.get("lead_units")), coord_units=_codes(rec.get("coord_units")),
            source_row=n,
        ))
    plan = Plan(issuer=meta.get("issuer", ""), title=meta.get("title", ""), year=year,
                source=meta.get("source", ""), areas=areas, tasks=tasks,
                stated_total=int(meta["stated_total"]) if meta.get("stated_total") else None)

    headers: dict[str, dict[str, int]] = {}
    rows = read_tracking(book, headers, tracking_fields) if tracking else []
    submissions = [submission_record(n, rec)
                   for n, rec in sheet_records(book, L.SHEET_SUBMISSIONS, L.SUBMISSION_COLUMNS, headers)]
    missing = [dict(rec, row=n) for n, rec in sheet_records(book, L.SHEET_MISSING, L.MISSING_COLUMNS, headers)]
    from parc_xl.io.extension_sheet import read_requests

    requests, request_problems = read_requests(
        sheet_records(book, L.SHEET_REQUESTS, L.REQUEST_COLUMNS, headers), headers.get(L.SHEET_REQUESTS, {}),
        path.name)
    problems += request_problems
    if L.SHEET_HISTORY in book.sheet_names:  # only its header: history grows by every merged change
        header = first_row(path, L.SHEET_HISTORY)
        if header is None:  # not our plain layout: calamine decodes the whole sheet for its first row
            first = book.get_sheet_by_name(L.SHEET_HISTORY).to_python(nrows=1)
            header = first[0] if first else []
        headers[L.SHEET_HISTORY] = _header_index(header, L.HISTORY_COLUMNS)
    return MasterData(path=path, plan=plan, registry=registry, schedule=schedule, calendar=calendar,
                      tracking=rows, submissions=submissions, missing=missing, headers=headers,
                      meta=meta, problems=problems, requests=requests)


def _codes(v: Any) -> list[str]:
    return [c.strip() for c in _text(v).replace(",", ";").split(";") if c.strip()]


def _apply_clerk_dates(d: Deadline, first: dt.date | None, due: dt.date | None) -> Deadline:
    """A clerk may correct a misread deadline by typing the dates in the plan sheet."""
    if due is None or (d.due == due and d.first_due in (first, None)):
        return d
    kind = d.kind if d.kind in (DeadlineKind.DATE, DeadlineKind.RECURRING) else DeadlineKind.DATE
    return d.model_copy(update={"kind": kind, "due": due, "first_due": first or due})


def _int(v: Any) -> int | None:
    n = _number(v)
    return int(n) if n is not None else None


# How each `Theo dõi` column is read; text is the default.
_TRACKING_CONVERTERS: dict[str, Any] = {
    "due": _date, "completed_on": _date, "figure": _number, "received_at": cell_datetime, "days_overdue": _int,
}


def _sheet_rows(sheet: Any) -> Iterator[list[Any]]:
    """A sheet's rows from A1, each padded as `to_python(skip_empty_area=False)` pads it,
    one list at a time: 200,000 rows held as Python lists at once were ≈0.5 GB of the
    large merge's peak. calamine's `iter_rows` starts at row 1 but at the first used
    column; a sheet whose column A is empty takes the whole-sheet read."""
    if sheet.start is None or sheet.start[1] != 0:
        yield from sheet.to_python(skip_empty_area=False)
        return
    yield from sheet.iter_rows()


def read_tracking(book: CalamineWorkbook, headers: dict[str, dict[str, int]],
                  fields: Collection[str] | None = None) -> list[TrackingRow]:
    """`Theo dõi` rows. The sheet can hold 200,000 rows (1,000 units × 200 tasks), so the
    columns are mapped once and each row is built positionally from the sheet's list by
    a function compiled for those positions (`_row_builder`); the values are already
    typed, so the rows are built without re-validation. `fields`: only these fields (and
    `key`) are read, the others keep their defaults (the merge reads 11 of 20)."""
    if L.SHEET_TRACKING not in book.sheet_names:
        return []
    rows = _sheet_rows(book.get_sheet_by_name(L.SHEET_TRACKING))
    first = next(rows, None)
    if not first:
        return []
    index = _header_index(first, L.TRACKING_COLUMNS)
    headers[L.SHEET_TRACKING] = index
    key_at = index.get("key")
    if key_at is None:
        return []
    build = _row_builder(index, fields)
    width = max(index.values()) + 1
    pad: list[Any] = [None] * width
    out: list[TrackingRow] = []
    append = out.append
    # 200,000 new rows make the cyclic collector walk the growing heap several times (3
    # full collections, ≈0.2 s); they hold no cycles, so it is paused until they are built
    collecting = gc.isenabled()
    gc.disable()
    try:
        for n, raw in enumerate(rows, start=2):
            if key_at >= len(raw) or raw[key_at] in ("", None):
                continue  # a row without a task key is not a tracking row (blank or a clerk's note)
            if len(raw) < width:
                raw = raw + pad[len(raw):]
            append(build(n, raw))
    finally:
        if collecting:
            gc.enable()
    return out


def _row_builder(index: dict[str, int], fields: Collection[str] | None) -> Callable[[int, list[Any]], TrackingRow]:
    """`build(row number, padded cells) -> TrackingRow` for this file's column positions,
    compiled as `dataclasses` compiles `__init__`: each field read is one subscript and
    one converter call (text through `_TextMemo`: a task's text repeats once per unit,
    1,000 times in a large office, and is cleaned once), a field not read (its column
    absent, or left out of `fields`) is its default. 200,000 rows: ≈0.25 s, against
    ≈0.5 s through map(call, converters, itemgetter(...)(cells)) over all 20 fields.
    The generated text holds only field names and column numbers."""
    namespace: dict[str, Any] = {"TrackingRow": TrackingRow, "text": _TextMemo().__getitem__}
    args: list[str] = []
    for f in dataclass_fields(TrackingRow)[1:]:
        at = index.get(f.name)
        required = f.default is MISSING
        if at is None or not (required or fields is None or f.name in fields):
            namespace[f"default_{f.name}"] = "" if required else f.default
            args.append(f"default_{f.name}")
            continue
        convert = _TRACKING_CONVERTERS.get(f.name)
        if convert is not None:
            namespace[f"to_{f.name}"] = convert
        args.append(f"{'text' if convert is None else 'to_' + f.name}(raw[{int(at)}])")
    exec(f"def build(n, raw):\n    return TrackingRow(n, {', '.join(args)})\n", namespace)
    build: Callable[[int, list[Any]], TrackingRow] = namespace["build"]
    return build


class _TextMemo(dict[Any, str]):
    """{raw cell: `_text` of it} filled on first use. Only text and None are kept as
    keys: 1.0 == 1 == True, so numbers and booleans are converted each time."""

    def __init__(self) -> None:
        super().__init__({None: "", "": ""})

    def __missing__(self, v: Any) -> str:
        done = _text(v)
        if type(v) is str:
            self[v] = done
        return done


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
