"""The unit workbook's layout and signature: sheet names, columns, rows, the metadata keys,
and the digests and MAC recorded in its very hidden `_parc_xl` sheet. PRODUCT.md "Unit
workbook". Written by `write.py` (and `io/unit_stamp.py`), checked by `jobs/validate.py`.

Layout (sheet `Báo cáo`): rows 1–3 title, unit and period, a one-line hint; row 4 the
header; one row per task from row 5. Plan columns (STT … Chỉ tiêu) are locked and
shaded; fill columns (Tiến độ … Đề xuất) are unlocked and carry data validation. The
sheet is protected WITHOUT a password (it prevents accidents, it is not security: a
unit may always retype the file) and the workbook structure is protected.

The very hidden sheet `_parc_xl` holds, in columns A:B, `key → value` metadata (format,
template version, unit, period, plan year, plan fingerprint, generated at, header row,
first row, column ids, a digest of the plan part, a digest of the row keys) and a
`meta_digest` over all of it; in columns D:F, one line per task row in order: row key,
role, and one 8-hex digest per plan column (so a changed locked cell can be named even
without the master). The digests are plain SHA-256 (no secret): they detect edits made
by accident or by hand in Excel, not a determined forger. Against forgery the row `mac`
holds an HMAC-SHA-256 (`meta_mac`) over the same metadata and cell hashes (so over
every locked cell, through `plan_digest` and the per-cell hashes), keyed with the
master's secret (`mac_key` in the master's very hidden `_parc_xl` sheet, which no unit
ever receives): a unit that regenerates another unit's template from the public plan,
or recomputes the plain digests, cannot produce it. Workbooks without `mac` (made
before this check existed) are refused by validate --master and merge: the unit is
asked to use the new form.

Tests write forms of earlier layouts by patching `COLUMNS`, `COLUMN_IDS`, `PLAN_COLS` and
`HASHED_COLS` on this module: the writers read them from here when they run.
"""

from __future__ import annotations

import datetime as dt
import hmac
from functools import lru_cache
from typing import Any, NamedTuple

from parc_xl.domain.assignments import target_text
from parc_xl.domain.deadlines import instance_due
from parc_xl.domain.fingerprint import canonical_json, sha256_text
from parc_xl.domain.models import DeadlineKind, Task
from parc_xl.domain.periods import Period
from parc_xl.domain.text import clean
from parc_xl.io import package_guard as guard
from parc_xl.io.ooxml import col_letter as _col_letter
from parc_xl.io.ooxml import col_number

TEMPLATE_VERSION = "1"
FORMAT_ID = "parc-xl/unit-workbook"
SHEET_GUIDE = "Hướng dẫn"
SHEET_REPORT = "Báo cáo"
SHEET_META = "_parc_xl"
SHEET_CHECK = "Kết quả kiểm tra"  # added by io/annotate.py
HEADER_ROW = 4
FIRST_ROW = 5

# Limits for a returned file (README «Giới hạn»): checked by io/package_guard.py before
# any reader allocates; re-exported here where the unit workbook's callers look for them.
MAX_FILE_BYTES = guard.MAX_FILE_BYTES
MAX_UNCOMPRESSED_BYTES = guard.MAX_UNCOMPRESSED_BYTES
MAX_RATIO = guard.MAX_RATIO
MAX_ROWS = guard.MAX_ROWS
MAX_COLS = guard.MAX_COLS
MAX_CELL_CHARS = guard.MAX_CELL_CHARS


class Col(NamedTuple):
    id: str
    header: str
    width: float
    fill: bool  # unlocked, filled by the unit


COLUMNS: list[Col] = [
    Col("stt", "STT", 6, False),  # the number people know from the plan, in front
    Col("task", "Nhiệm vụ", 46, False),
    Col("product", "Sản phẩm", 20, False),
    Col("role", "Vai trò", 10, False),
    Col("deadline_text", "Thời gian hoàn thành", 17, False),
    Col("due", "Hạn", 11, False),
    Col("target", "Chỉ tiêu", 14, False),
    Col("progress", "Tiến độ", 16, True),
    Col("completed_on", "Ngày hoàn thành", 13, True),
    Col("evidence", "Văn bản / sản phẩm", 28, True),
    Col("figure", "Kết quả", 10, True),
    Col("difficulties", "Khó khăn, vướng mắc", 22, True),
    Col("proposals", "Đề xuất", 20, True),
    # an extension request (Tiến độ «Đề nghị điều chỉnh»): domain/extensions.py; workbooks
    # made before these columns are read without them (their `columns` metadata says so)
    Col("proposed_due", "Hạn đề nghị", 13, True),
    Col("extension_reason", "Lý do điều chỉnh", 24, True),
    # the row's identity for the merge ("1.4#1"): kept, out of the way: narrow, grey, last
    # and off the printed page (TECHNICAL_COLS). Forms made when it was column B are read
    # by header like any other, so they keep working.
    Col("key", "Khóa", 7, False),
]
TECHNICAL_COLS = {"key"}
PLAN_COLS = [c for c in COLUMNS if not c.fill]
# The plan columns in the order their cell hashes and the plan digest are recorded in
# `_parc_xl` (the form's format, not its layout): kept when the display order changed
# (Khóa moved from column B to last), so forms made before and after check alike.
HASHED_COLS = [next(c for c in PLAN_COLS if c.id == cid) for cid in
               ("stt", "key", "task", "product", "role", "deadline_text", "due", "target")]
FILL_COLS = [c for c in COLUMNS if c.fill]
COLUMN_IDS = [c.id for c in COLUMNS]
HEADER_TO_ID = {c.header: c.id for c in COLUMNS}

META_KEYS = (
    "format", "template_version", "unit", "unit_name", "period", "period_label", "plan_year",
    "plan_fingerprint", "generated_at", "header_row", "first_row", "columns", "plan_digest",
    "keys_digest",
)


def col_letter(index0: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    return _col_letter(index0 + 1)


def col_index(letters: str) -> int:
    """Excel letters → 0-based column index."""
    return col_number(letters) - 1


def a1(row: int, index0: int) -> str:
    return f"{col_letter(index0)}{row}"


# --- the plan part: values and digests ------------------------------------------------


def canon(value: object) -> str:
    """Comparison form of a locked cell's value (survives Excel/LibreOffice round trips)."""
    if value.__class__ is str:  # most cells: no other test applies to a str
        return _canon_text(value)  # type: ignore[arg-type]
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _canon_text(value)
    return clean(value, keep_newlines=True)


@lru_cache(maxsize=65536)
def _canon_text(text: str) -> str:
    # Cached: every unit's file repeats the same plan texts (the merge reads dozens).
    return clean(text, keep_newlines=True)


def cell_hash(value: object) -> str:
    return _cell_hash(type(value).__qualname__, value)


@lru_cache(maxsize=65536)
def _cell_hash(kind: str, value: Any) -> str:
    # Keyed by type name too: 1, 1.0 and True are equal dict keys but canonicalise differently.
    # Cached because every return repeats the same plan texts (a merge hashes ~70,000 cells).
    return sha256_text(canon(value))[:8]


def due_in_period(task: Task, period: Period) -> dt.date | None:
    """The date the task is due for this period: the period's instance for a recurring
    task, the (last) due date for a dated one, none for event/continuous/unspecified."""
    d = task.deadline
    if d is None:
        return None
    if d.kind is DeadlineKind.RECURRING:
        return instance_due(d, period)
    if d.kind is DeadlineKind.DATE:
        return d.due or d.first_due
    return None


def plan_values(task: Task, role: str, period: Period) -> dict[str, object]:
    """The locked cells of one task row, by column id."""
    return {
        "stt": task.stt,
        "key": task.key,
        "task": clean(task.task, keep_newlines=True),
        "product": clean(task.product, keep_newlines=True),
        "role": role,
        "deadline_text": clean(task.deadline_text, keep_newlines=True),
        "due": due_in_period(task, period),
        "target": target_text(task),
    }


def row_hashes(values: dict[str, object]) -> str:
    return " ".join(cell_hash(values.get(c.id)) for c in HASHED_COLS)


def plan_digest(rows: list[dict[str, object]]) -> str:
    return sha256_text(canonical_json([[canon(r.get(c.id)) for c in HASHED_COLS] for r in rows]))


def keys_digest(keys: list[str]) -> str:
    return sha256_text(canonical_json(keys))


# --- the metadata sheet ---------------------------------------------------------------


def unit_meta(*, unit_code: str, unit_name: str, period: Period, plan_year: int, fingerprint: str,
              template_version: str, generated_at: dt.datetime, rows: list[dict[str, object]],
              keys: list[str]) -> dict[str, str]:
    """The `key → value` metadata of one unit's workbook (`rows`: each task row's plan
    values, in order; `keys`: their row keys)."""
    return {
        "format": FORMAT_ID,
        "template_version": template_version,
        "unit": unit_code,
        "unit_name": unit_name,
        "period": period.code,
        "period_label": period.label_vi,
        "plan_year": str(plan_year),
        "plan_fingerprint": fingerprint,
        "generated_at": generated_at.isoformat(),
        "header_row": str(HEADER_ROW),
        "first_row": str(FIRST_ROW),
        "columns": ",".join(COLUMN_IDS),
        "plan_digest": plan_digest(rows),
        "keys_digest": keys_digest(keys),
    }


def meta_pairs(meta: dict[str, str], rows: list[tuple[str, str, str]], mac_key: str | None) -> list[tuple[str, str]]:
    """Columns A:B of `_parc_xl`, in order: the metadata, its digest and, signed with the
    master's secret, the MAC (none without a key)."""
    pairs = [(k, meta[k]) for k in META_KEYS]
    pairs.append(("meta_digest", meta_digest(meta, rows)))
    if mac_key:
        pairs.append(("mac", meta_mac(mac_key, meta, rows)))
    return pairs


def meta_digest(meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str:
    return sha256_text(_signed_text(meta, rows))


def _signed_text(meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str:
    body = {k: meta.get(k, "") for k in META_KEYS}
    # the same form is digested, then MAC-checked: the text of the last one, by content
    key = (tuple(body.values()), tuple(map(tuple, rows)))
    if _last_signed[0] == key:
        return _last_signed[1]
    text = canonical_json({"meta": body, "rows": [list(r) for r in rows]})
    _last_signed[:] = [key, text]
    return text


_last_signed: list[Any] = [None, ""]  # [(metadata values, rows), their signed text]


_MAC_CONTEXT = b"parc-xl unit workbook v1\n"


def meta_mac(key: str, meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str:
    """HMAC-SHA-256 (hex) of the metadata and cell hashes under the master's secret."""
    return hmac.new(bytes.fromhex(key), _MAC_CONTEXT + _signed_text(meta, rows).encode("utf-8"),
                    "sha256").hexdigest()


def mac_matches(key: str, meta: dict[str, str], rows: list[tuple[str, str, str]], mac: str) -> bool:
    return bool(mac) and hmac.compare_digest(meta_mac(key, meta, rows), mac.strip().lower())
