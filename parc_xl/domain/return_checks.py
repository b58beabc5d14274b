"""What is checked in a unit's returned form: every structural check of a return, over
the return as data (`ReturnedForm`: what the reader found, no file), against the form's
layout (`FormLayout`: `parc_xl.io.unit_book` is one) and, when known, the master's plan,
registry and secret. The values a unit typed in each row are checked by
`domain/validation.check_row`; this module calls it for every row it accepts.

Decisions:
- rows added, deleted or duplicated, columns removed, locked cells changed, metadata
  tampered with, a formula or merged cells in the fill area: errors (the data cannot be
  trusted or would be lost);
- rows reordered, columns inserted, hidden rows or columns, merged cells touching only
  plan columns, extra sheets, a file name naming another unit or period: warnings (the
  values are still read by task key and header, so nothing is lost, but the clerk
  should know);
- a cell longer than Excel allows is an error for its row: the file was not written by
  Excel, and the text could not be stored in the master as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import PurePath
from operator import itemgetter
from typing import Protocol

from parc_xl.domain.assignments import ROLE_LEAD
from parc_xl.domain.fingerprint import canonical_json, plan_fingerprint, sha256_text
from parc_xl.domain.models import Plan, Registry, Task
from parc_xl.domain.periods import Period
from parc_xl.domain.problems import CATALOGUE, Problem, Where, error, warning
from parc_xl.domain.validation import FILL_FIELDS, RawRow, ReportedRow, check_row, parse_date

# <period>_<unit code>.xlsx as units_generate names it; "(1)" is what a mail client adds
_FILE_NAME = re.compile(r"^(\d{4}-(?:Q1|H1|Q3|Y))_([A-Za-z0-9_.\-]+?)(?:\s*\(\d+\))?$")
_CELL = re.compile(r"([A-Z]+)(\d+)")
# problems after which the whole-plan digest says nothing the cells have not said
_PLAN_PART_REPORTED = frozenset(("locked-cell-changed", "row-deleted", "column-removed", "row-added"))
# plan cell value → (canonical form, hash), per layout: every return repeats the plan's texts
_MEMOS: dict[object, dict[object, tuple[str, str]]] = {}
# (recorded hashes, plan cells, their types) → canonical cells, per layout: a row whose plan
# cells all matched their hashes once (every unit's row of a task and role is the same)
_ROW_MEMOS: dict[object, dict[tuple[str, tuple[object, ...], tuple[type, ...]], list[str]]] = {}
# fill column letters → {row number: {fill field: its A1 reference}}: the same in every return
_CELL_REFS: dict[tuple[tuple[str, str], ...], dict[int, dict[str, str]]] = {}
_MEMO_MAX = 200_000


class FormColumn(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def header(self) -> str: ...
    @property
    def fill(self) -> bool: ...


class FormLayout(Protocol):
    """What the checks need to know of the form the office sends: its sheets, columns,
    limits and digests. `parc_xl.io.unit_book` (which writes the form) is one; passing
    the module keeps the domain free of I/O imports and the layout in one place."""

    @property
    def SHEET_GUIDE(self) -> str: ...
    @property
    def SHEET_REPORT(self) -> str: ...
    @property
    def SHEET_META(self) -> str: ...
    @property
    def SHEET_CHECK(self) -> str: ...
    @property
    def FORMAT_ID(self) -> str: ...
    @property
    def TEMPLATE_VERSION(self) -> str: ...
    @property
    def HEADER_ROW(self) -> int: ...
    @property
    def MAX_CELL_CHARS(self) -> int: ...
    @property
    def COLUMNS(self) -> Sequence[FormColumn]: ...
    @property
    def HASHED_COLS(self) -> Sequence[FormColumn]: ...  # in the order the cell hashes are recorded
    @property
    def HEADER_TO_ID(self) -> dict[str, str]: ...
    def col_letter(self, index0: int) -> str: ...
    def col_index(self, letters: str) -> int: ...
    def canon(self, value: object) -> str: ...
    def cell_hash(self, value: object) -> str: ...
    def plan_digest(self, rows: list[dict[str, object]]) -> str: ...
    def meta_digest(self, meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str: ...
    def plan_values(self, task: Task, role: str, period: Period) -> dict[str, object]: ...
    def mac_matches(self, key: str, meta: dict[str, str], rows: list[tuple[str, str, str]], mac: str) -> bool: ...


@dataclass(slots=True)
class ReturnedForm:
    """A returned unit workbook as the reader found it (values only): the input of the checks."""

    file_name: str  # as it arrived ("2026-Q1_PNV.xlsx"): problems name it
    sheets: list[str]
    meta: dict[str, str]  # the identity sheet's key → value; empty when absent
    meta_rows: list[tuple[str, str, str]]  # (row key, role, cell hashes) in generated order
    meta_digest: str  # as stored
    header_row: int | None  # 1-based row of the header found, None if not found
    header: list[str]  # header texts as found (cleaned)
    rows: list[tuple[int, list[object]]]  # (1-based row number, values of columns A..)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based
    merged: list[str] = field(default_factory=list)  # "I5:J6"
    has_report_sheet: bool = True
    mac: str = ""  # as stored ("" in forms made before the keyed MAC)
    date1904: bool = False  # bare date serials count from 1904


@dataclass(slots=True)
class ReturnCheck:
    """What the checks found: the form's identity, its rows as reported, every problem."""

    unit: str = ""
    period: str = ""
    fingerprint: str = ""
    template_version: str = ""
    rows: list[ReportedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_return(form: ReturnedForm, layout: FormLayout, *, plan: Plan | None, registry: Registry | None,
                 as_of: dt.date, fingerprint: str | None = None) -> ReturnCheck:
    """Every problem of one return (never the first only) and the rows it reports; with
    `plan` and `registry` (the master's), also whether it is this plan's form of a known unit."""
    result = ReturnCheck()
    _Checker(form, layout, plan, registry, as_of, fingerprint, result).run()
    return result


def check_mac(form: ReturnedForm, layout: FormLayout, key: str) -> Problem | None:
    """The keyed MAC under the master's secret `key`: only the master that sent the form
    can have made it. None when it holds (and for a file that is no form at all)."""
    if form.meta.get("format") != layout.FORMAT_ID:
        return None
    name = form.file_name
    where: Where = {"file": name, "sheet": layout.SHEET_META, "cell": "", "task_key": ""}
    if not form.mac:
        return error(
            "mac-missing", f"Tệp «{name}» là mẫu cũ hoặc không do sổ theo dõi này tạo ra (không có mã xác "
            "thực); không xác định được tệp có đúng của đơn vị hay không. Đề nghị đơn vị dùng mẫu mới được gửi "
            "(Tạo mẫu đơn vị) và gửi lại.", **where)
    if not layout.mac_matches(key, form.meta, form.meta_rows, form.mac):
        unit = form.meta.get("unit", "")
        return error(
            "mac-invalid", f"Mã xác thực của tệp «{name}» không khớp với sổ theo dõi: tệp không phải mẫu do "
            f"cơ quan tổng hợp gửi cho đơn vị {unit}, hoặc thông tin nhận diện, nội dung kế hoạch đã bị sửa "
            "(ví dụ tệp tự tạo lại từ kế hoạch). Tệp không được nhận; đề nghị đơn vị dùng đúng mẫu đã được gửi.",
            **where)
    return None


@dataclass(slots=True)
class _RowPlan:
    """Where each field sits in this return's rows, worked out once from its header."""

    col: dict[str, int]  # column id → 0-based index, first occurrence
    letters: dict[str, str]  # column id → its column letters
    hashed: list[tuple[int, str, int | None, str]]  # (hash position, column id, index or None, header)
    fill: list[tuple[str, int, str]]  # (fill field, index, letters) of present fill columns
    # the hashed cells of a row as one tuple, when every hashed column is present; and the
    # row length they need (a shorter row takes the cell-by-cell path)
    hashed_cells: Callable[[list[object]], tuple[object, ...]] | None = None
    hashed_width: int = 0
    fill_fields: tuple[str, ...] = ()
    fill_cells: Callable[[list[object]], tuple[object, ...]] | None = None  # the fill values, in `fill` order
    fill_width: int = 0


_is_text: Callable[[object], object] = str.__instancecheck__  # isinstance(v, str), in C, for filter()


def _cells_getter(indexes: list[int]) -> Callable[[list[object]], tuple[object, ...]] | None:
    """values → the tuple of values at `indexes` (None when there are none)."""
    if not indexes:
        return None
    if len(indexes) == 1:
        i = indexes[0]
        return lambda values: (values[i],)
    return itemgetter(*indexes)


class _Checker:
    def __init__(self, form: ReturnedForm, layout: FormLayout, plan: Plan | None, registry: Registry | None,
                 as_of: dt.date, fingerprint: str | None, result: ReturnCheck) -> None:
        self.form, self.layout, self.plan, self.registry, self.as_of = form, layout, plan, registry, as_of
        self.fingerprint = fingerprint if fingerprint is not None else (plan_fingerprint(plan) if plan else None)
        self.result = result
        self.p = result.problems
        self.col: dict[str, int] = {}

    def err(self, code: str, msg: str, cell: str = "", key: str = "", sheet: str | None = None,
            value: str | None = None) -> None:
        self.p.append(error(code, msg, value=value, file=self.form.file_name,
                            sheet=self.layout.SHEET_REPORT if sheet is None else sheet, cell=cell, task_key=key))

    def warn(self, code: str, msg: str, cell: str = "", key: str = "", sheet: str | None = None,
             value: str | None = None) -> None:
        self.p.append(warning(code, msg, value=value, file=self.form.file_name,
                              sheet=self.layout.SHEET_REPORT if sheet is None else sheet, cell=cell, task_key=key))

    def a1(self, row: int, index0: int) -> str:
        return f"{self.layout.col_letter(index0)}{row}"

    def run(self) -> None:
        form, lay = self.form, self.layout
        if form.meta.get("format") != lay.FORMAT_ID:
            self.err("not-parc-xl", f"Tệp «{form.file_name}» không phải là mẫu báo cáo do cơ quan tổng hợp gửi "
                     "(không có thông tin nhận diện của parc-xl); hãy dùng đúng mẫu đã được gửi.", sheet="")
            return
        meta = form.meta
        self.result.unit = meta.get("unit", "")
        self.result.period = meta.get("period", "")
        self.result.fingerprint = meta.get("plan_fingerprint", "")
        self.result.template_version = meta.get("template_version", "")
        if form.meta_digest != lay.meta_digest(form.meta, form.meta_rows):
            self.err("metadata-tampered", "Thông tin nhận diện ẩn của tệp đã bị sửa; không xác định chắc "
                     "chắn đơn vị, kỳ và nội dung kế hoạch. Hãy dùng lại mẫu gốc.", sheet=lay.SHEET_META)
        if meta.get("template_version") != lay.TEMPLATE_VERSION:
            self.err("template-version", f"Mẫu phiên bản «{meta.get('template_version', '')}» không được hỗ trợ "
                     f"(phiên bản hiện hành: {lay.TEMPLATE_VERSION}); hãy dùng mẫu mới.", sheet="")
        self._check_name()
        self._check_against_plan()
        known = {lay.SHEET_GUIDE, lay.SHEET_REPORT, lay.SHEET_META, lay.SHEET_CHECK}
        for s in form.sheets:
            if s not in known:
                self.warn("extra-sheet", f"Tệp có thêm sheet «{s}» không thuộc mẫu; sheet này sẽ bị bỏ qua.",
                          sheet=s)
        if not form.has_report_sheet:
            self.err("sheet-missing", f"Không tìm thấy sheet «{lay.SHEET_REPORT}»; hãy dùng lại mẫu gốc.", sheet="")
            return
        if form.header_row is None:
            self.err("header-missing", f"Không tìm thấy dòng tiêu đề của sheet «{lay.SHEET_REPORT}» "
                     "(cột «Khóa», «Tiến độ» …); hãy dùng lại mẫu gốc.")
            return
        self._check_columns()
        _RowChecks(self).run()
        self._check_layout()

    def _check_name(self) -> None:
        m = _FILE_NAME.match(PurePath(self.form.file_name).stem)
        unit, period = self.result.unit, self.result.period
        if not m:
            return
        if m.group(2) != unit:
            self.warn("unit-file-name", f"Tên tệp ghi đơn vị «{m.group(2)}» nhưng tệp là mẫu của đơn vị «{unit}» "
                      f"({self.form.meta.get('unit_name', '')}); có thể là tệp của đơn vị khác được đổi tên.",
                      sheet="")
        if m.group(1) != period:
            self.warn("period-file-name", f"Tên tệp ghi kỳ «{m.group(1)}» nhưng tệp là mẫu của kỳ «{period}».",
                      sheet="")

    def _check_against_plan(self) -> None:
        if self.plan is None:
            return
        meta = self.form.meta
        year = meta.get("plan_year", "")
        try:
            period_year: int | None = Period.parse(meta.get("period", "")).year
        except ValueError:
            period_year = None
        if year != str(self.plan.year) or (period_year is not None and period_year != self.plan.year):
            self.err("wrong-year", f"Tệp là mẫu của kế hoạch năm {year} (kỳ {meta.get('period', '')}), "
                     f"không phải năm {self.plan.year}; có thể là mẫu năm trước. Hãy dùng mẫu mới.", sheet="")
        elif self.fingerprint and meta.get("plan_fingerprint") != self.fingerprint:
            self.err("fingerprint-mismatch", "Tệp được tạo từ một phiên bản kế hoạch khác với kế hoạch hiện tại "
                     "trong tệp tổng hợp; hãy dùng mẫu mới được gửi.", sheet="")
        if self.registry is not None and self.registry.unit(meta.get("unit", "")) is None:
            self.err("unit-unknown", CATALOGUE["unit-unknown"].message(unit=meta.get("unit", "")), sheet="")

    def _check_columns(self) -> None:
        form, lay = self.form, self.layout
        hr = form.header_row or lay.HEADER_ROW
        header_to_id = lay.HEADER_TO_ID
        for i, text in enumerate(form.header):
            cid = header_to_id.get(text)
            if cid and cid not in self.col:
                self.col[cid] = i
        expected = (form.meta.get("columns") or ",".join(c.id for c in lay.COLUMNS)).split(",")
        for pos, cid in enumerate(expected):
            if cid not in self.col:
                header = next((c.header for c in lay.COLUMNS if c.id == cid), cid)
                self.err("column-removed", f"Cột «{header}» (ô {self.a1(hr, pos)} trong mẫu) đã bị xóa hoặc đổi "
                         "tên; hãy dùng lại mẫu gốc.", cell=self.a1(hr, pos))
        for i, text in enumerate(form.header):
            if text and text not in header_to_id:
                self.warn("column-inserted", f"Ô {self.a1(hr, i)}: cột «{text}» không có trong mẫu (cột được chèn "
                          "thêm); nội dung cột này sẽ bị bỏ qua.", cell=self.a1(hr, i))
            elif text in header_to_id and self.col.get(header_to_id[text]) != i:
                self.err("column-duplicated", f"Ô {self.a1(hr, i)}: cột «{text}» xuất hiện hai lần.",
                         cell=self.a1(hr, i))
        present = [c for c in expected if c in self.col]
        if [self.col[c] for c in present] != sorted(self.col[c] for c in present):
            self.warn("columns-reordered", "Thứ tự các cột đã bị thay đổi so với mẫu; dữ liệu vẫn được đọc theo "
                      "tên cột.", cell=self.a1(hr, 0))

    def _check_layout(self) -> None:
        form, lay = self.form, self.layout
        hr = form.header_row or lay.HEADER_ROW
        first = hr + 1
        fill_idx = {self.col[c.id] for c in lay.COLUMNS if c.fill and c.id in self.col}
        for rng in form.merged:
            a, _, b = rng.partition(":")
            b = b or a
            ma, mb = _CELL.match(a), _CELL.match(b)
            if not ma or not mb:
                continue
            r2 = int(mb.group(2))
            c1, c2 = lay.col_index(ma.group(1)), lay.col_index(mb.group(1))
            if r2 < first:
                continue
            if any(c1 <= i <= c2 for i in fill_idx):
                self.err("merged-cells", f"Ô {a}: vùng {rng} đã bị gộp ô trong phần đơn vị điền; giá trị của các ô "
                         "bị gộp sẽ mất. Hãy bỏ gộp ô (Trang đầu › Hợp nhất & Căn giữa › Bỏ hợp nhất ô) và điền "
                         "riêng từng dòng.", cell=a)
            else:
                self.warn("merged-cells", f"Ô {a}: vùng {rng} đã bị gộp ô; hãy bỏ gộp ô.", cell=a)
        last = max((r for r, _ in form.rows), default=first)
        hidden = sorted(r for r in form.hidden_rows if first <= r <= last)
        if hidden:
            shown = ", ".join(str(r) for r in hidden[:10]) + (" …" if len(hidden) > 10 else "")
            self.warn("hidden-rows", f"Ô A{hidden[0]}: dòng {shown} đang bị ẩn; hãy bỏ ẩn (chuột phải vào tiêu đề "
                      "dòng › Bỏ ẩn) để người kiểm tra thấy đủ nội dung.", cell=f"A{hidden[0]}")
        cols = sorted(i for i in form.hidden_cols if i < len(form.header) and form.header[i])
        if cols:
            names = ", ".join(f"«{form.header[i]}»" for i in cols)
            self.warn("hidden-columns", f"Ô {self.a1(hr, cols[0])}: cột {names} đang bị ẩn; "
                      "hãy bỏ ẩn (chuột phải vào tiêu đề cột › Bỏ ẩn).", cell=self.a1(hr, cols[0]))


class _RowChecks:
    """The task rows of one return: each row's key against the form's recorded rows, its
    locked (plan) cells against their recorded hashes, its filled values (`check_row`),
    its cell lengths; then rows missing or moved, and the plan part as a whole."""

    def __init__(self, checker: _Checker) -> None:
        self.c = checker
        form, lay = checker.form, checker.layout
        col = checker.col
        letters = {cid: lay.col_letter(i) for cid, i in col.items()}
        hashed = [(h, c.id, col.get(c.id), c.header) for h, c in enumerate(lay.HASHED_COLS)]
        fill = [(f, col[f], letters[f]) for f in FILL_FIELDS if f in col]
        hashed_idx = [i for _, _, i, _ in hashed if i is not None]
        whole = len(hashed_idx) == len(hashed)
        self.plan_at = _RowPlan(
            col=col, letters=letters, hashed=hashed, fill=fill,
            hashed_cells=_cells_getter(hashed_idx) if whole else None,
            hashed_width=max(hashed_idx, default=-1) + 1,
            fill_fields=tuple(f for f, _, _ in fill), fill_cells=_cells_getter([i for _, i, _ in fill]),
            fill_width=max((i for _, i, _ in fill), default=-1) + 1)
        self.memo = _MEMOS.setdefault(lay, {})
        self.row_memo = _ROW_MEMOS.setdefault(lay, {})
        self.cell_refs = _CELL_REFS.setdefault(tuple((f, x) for f, _, x in fill), {})
        self.tasks = {t.key: t for t in checker.plan.tasks} if checker.plan else {}
        self.same_plan = checker.plan is not None and form.meta.get("plan_fingerprint") == checker.fingerprint
        try:
            self.period: Period | None = Period.parse(form.meta.get("period", ""))
        except ValueError:
            self.period = None
        self.plan_year = checker.plan.year if checker.plan else int(form.meta.get("plan_year") or dt.date.today().year)

    def _ref(self, row: int, cid: str) -> str:
        letters = self.plan_at.letters.get(cid)
        return f"{letters}{row}" if letters is not None else ""

    def _rows(self) -> list[tuple[int, list[object]]]:
        """The rows read, and the rows whose only content is a formula (empty values)."""
        form = self.c.form
        formula_rows = {r for r, _ in form.formulas if r > (form.header_row or 0)}
        rows = list(form.rows)
        if formula_rows:
            width = len(form.header)
            rows += [(r, [""] * width) for r in sorted(formula_rows - {r for r, _ in rows})]
            rows.sort(key=lambda x: x[0])
        return rows

    def run(self) -> None:
        c, form, canon = self.c, self.c.form, self.c.layout.canon
        expected_keys = [k for k, _, _ in form.meta_rows]
        by_key = {k: (role, hashes) for k, role, hashes in form.meta_rows}
        key_at = self.plan_at.col.get("key")
        seen: dict[str, int] = {}
        order: list[str] = []
        found: dict[str, list[str]] = {}  # key → its plan cells, canonical
        rows = self._rows()
        # the longest text cell of the whole sheet (measured in C): rows are measured one by
        # one only when some cell is longer than Excel allows
        longest = max(map(len, filter(_is_text, chain.from_iterable(v for _, v in rows))),  # type: ignore[arg-type]
                      default=0)
        may_be_too_long = longest > c.layout.MAX_CELL_CHARS
        for position, (rno, values) in enumerate(rows):
            if key_at is not None:
                key = canon(values[key_at] if key_at < len(values) else None)
            else:  # no key column: fall back to position
                key = expected_keys[position] if position < len(expected_keys) else ""
            if not key or key not in by_key:
                shown = f"khóa «{key}»" if key else "không có khóa"
                ref = self._ref(rno, "key") or f"A{rno}"
                c.err("row-added", f"Ô {ref}: dòng {rno} ({shown}) không có trong mẫu: không được thêm dòng; "
                      "nhiệm vụ phát sinh hãy ghi ở cột «Khó khăn, vướng mắc» hoặc «Đề xuất».", cell=ref, key=key)
                continue
            if key in seen:
                ref = self._ref(rno, "key")
                c.err("row-duplicated", f"Ô {ref}: dòng {rno}, nhiệm vụ khóa «{key}» bị lặp (đã có ở dòng "
                      f"{seen[key]}); hãy xóa dòng lặp.", cell=ref, key=key)
                continue
            seen[key] = rno
            order.append(key)
            role, hashes = by_key[key]
            found[key] = self._check_locked(rno, key, values, role, hashes)
            self._check_content(rno, key, values, role)
            if may_be_too_long:
                self._check_lengths(rno, key, values)
        self._check_missing_and_order(expected_keys, seen, order)
        self._check_plan_part(expected_keys, found)

    def _check_missing_and_order(self, expected_keys: list[str], seen: dict[str, int], order: list[str]) -> None:
        c = self.c
        for key in expected_keys:
            if key not in seen:
                t = self.tasks.get(key)
                what = f" («{t.stt} {t.task[:60]}»)" if t else ""
                c.err("row-deleted", f"Dòng của nhiệm vụ khóa «{key}»{what} đã bị xóa; hãy dùng lại mẫu gốc "
                      "và điền lại.", key=key)
        expected_order = [k for k in expected_keys if k in seen]
        if order != expected_order:
            first = next(i for i, (a, b) in enumerate(zip(order, expected_order)) if a != b)
            k = order[first]
            ref = self._ref(seen[k], "key")
            c.warn("rows-reordered", f"Ô {ref}: thứ tự các dòng đã bị thay đổi (dòng {seen[k]}, khóa «{k}»); dữ "
                   "liệu vẫn được đọc theo khóa nhiệm vụ.", cell=ref, key=k)

    def _check_plan_part(self, expected_keys: list[str], found: dict[str, list[str]]) -> None:
        """The plan part as a whole (covers what the per-cell hashes cannot name: a cell
        whose 8-hex hash was matched on purpose), over the canonical cells already made."""
        c = self.c
        if not expected_keys or any(p.code in _PLAN_PART_REPORTED for p in c.p):
            return
        if plan_part_digest([found[k] for k in expected_keys]) != c.form.meta.get("plan_digest"):
            c.err("locked-cell-changed", "Nội dung kế hoạch (các cột nền xám) đã bị thay đổi; "
                  "hãy dùng lại mẫu gốc.")

    def _check_lengths(self, rno: int, key: str, values: list[object]) -> None:
        """A cell longer than Excel allows: the file was not saved by Excel, and the text
        could not be stored in the master as it is (it would be cut without a word)."""
        limit = self.c.layout.MAX_CELL_CHARS
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v) > limit:
                cell = self.c.a1(rno, i)
                self.c.err("cell-too-long", f"Ô {cell} (nhiệm vụ {key}) có {_n_vi(len(v))} ký tự, vượt giới hạn "
                           f"{_n_vi(limit)} ký tự một ô của Excel; nội dung dòng này không được nhận. Hãy "
                           "rút gọn nội dung ô (hoặc chỉ ghi số, ký hiệu văn bản) rồi gửi lại.",
                           cell=cell, key=key, value=v[:200])

    def _check_locked(self, rno: int, key: str, values: list[object], role: str, recorded: str) -> list[str]:
        """Each plan cell against its recorded hash (`recorded`: the row's hashes, space
        separated); the row's plan cells in canonical form come back for the whole-plan
        digest (one canonicalisation per cell serves both). A row whose plan cells, types
        included, are those of a row that matched the same hashes before is that row: one
        look-up (tests/domain/test_return_checks.py: an edited cell still gets its message)."""
        at, row_key = self.plan_at, None
        if at.hashed_cells is not None and len(values) >= at.hashed_width:
            cells = at.hashed_cells(values)
            row_key = (recorded, cells, tuple(map(type, cells)))
            known = self.row_memo.get(row_key)
            if known is not None:
                return known
        lay, memo = self.c.layout, self.memo
        hashes = recorded.split()
        n, n_hashes = len(values), len(hashes)
        canon_row: list[str] = []
        matched = True
        for h, cid, i, header in at.hashed:
            v = values[i] if i is not None and i < n else None
            mk = v if v.__class__ is str else (v.__class__, v)  # 1, 1.0 and True are equal keys
            ch = memo.get(mk)
            if ch is None:
                if len(memo) > _MEMO_MAX:
                    memo.clear()
                ch = memo[mk] = (lay.canon(v), lay.cell_hash(v))
            canon_row.append(ch[0])
            if i is not None and h < n_hashes and ch[1] != hashes[h]:
                matched = False
                self._locked_changed(rno, key, role, cid, header, v)
        if matched and row_key is not None:
            if len(self.row_memo) > _MEMO_MAX:
                self.row_memo.clear()
            self.row_memo[row_key] = canon_row
        return canon_row

    def _locked_changed(self, rno: int, key: str, role: str, cid: str, header: str, v: object) -> None:
        """A plan cell that differs from the form sent, with what it said (when the plan is known)."""
        lay = self.c.layout
        cell = self._ref(rno, cid)
        hint = ""
        task = self.tasks.get(key) if self.same_plan else None
        if task is not None and self.period is not None:
            ev = lay.plan_values(task, role, self.period)[cid]
            shown = ev.strftime("%d/%m/%Y") if isinstance(ev, dt.date) else lay.canon(ev)
            hint = f" Nội dung đúng: «{shown[:120]}»."
        self.c.err("locked-cell-changed", f"Ô {cell} (cột «{header}», nhiệm vụ {key}) thuộc nội dung kế hoạch "
                   f"và không được sửa.{hint}", cell=cell, key=key, value=lay.canon(v)[:200])

    def _check_content(self, rno: int, key: str, values: list[object], role: str) -> None:
        c, form, at = self.c, self.c.form, self.plan_at
        n = len(values)
        if at.fill_cells is not None and n >= at.fill_width:
            fill_values = dict(zip(at.fill_fields, at.fill_cells(values)))
        else:
            fill_values = {f: values[i] if i < n else None for f, i, _ in at.fill}
        cells = self.cell_refs.get(rno)
        if cells is None:  # shared by every return's row `rno`: check_row copies what it keeps
            if len(self.cell_refs) > _MEMO_MAX:
                self.cell_refs.clear()
            row_no = str(rno)
            cells = self.cell_refs[rno] = {f: letters + row_no for f, _, letters in at.fill}
        formulas = frozenset(f for f, i, _ in at.fill if (rno, i) in form.formulas) if form.formulas \
            else frozenset()
        col = at.col
        target_at, due_at = col.get("target"), col.get("due")
        target = c.layout.canon(values[target_at] if target_at is not None and target_at < n else None)
        due = values[due_at] if due_at is not None and due_at < n else None  # an extension must ask for later
        if due.__class__ is dt.datetime:  # a date cell, as calamine gives it: what parse_date makes of it
            due_day: dt.date | None = due.date()
        else:
            due_day = None if due in ("", None) else parse_date(due, form.date1904).value
        raw = RawRow(key=key, role=role, target=target, values=fill_values, cells=cells, formulas=formulas,
                     due=due_day)
        row, problems = check_row(raw, plan_year=self.plan_year, as_of=c.as_of, sheet=c.layout.SHEET_REPORT,
                                  lead_role=ROLE_LEAD, date1904=form.date1904)
        for p in problems:
            p.file = form.file_name
        c.p.extend(problems)
        c.result.rows.append(row)


def plan_part_digest(canon_rows: list[list[str]]) -> str:
    """`plan_digest` of the form's writer over plan cells already in canonical form (in
    the order of the recorded hashes): the same SHA-256, without canonicalising each cell
    again (tests/domain/test_return_checks.py holds the two equal)."""
    return sha256_text(canonical_json(canon_rows))


def _n_vi(n: int) -> str:
    """An integer as Vietnamese text writes it: 32.767 (dot between thousands)."""
    return f"{n:,}".replace(",", ".")

