"""Job: check returned unit workbooks (`parc-xl validate FILE… [--master M] [--as-of D]
[--annotate DIR] [--json]`, ribbon "Kiểm tra").

Every problem is collected (never the first only) as a `Problem`. A file that cannot be
used at all (not a zip, .xls, encrypted, too large, not a parc-xl workbook) becomes one
error record for that file, never an exception. `check_file` is what the merge job calls.

Structure decisions:
- rows added, deleted or duplicated, columns removed, locked cells changed, metadata
  tampered with, a formula or merged cells in the fill area: errors (the data cannot be
  trusted or would be lost);
- rows reordered, columns inserted, hidden rows or columns, merged cells touching only
  plan columns, extra sheets, a file name naming another unit or period: warnings (the
  values are still read by task key and header, so nothing is lost, but the clerk
  should know).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from parc_xl.domain.assignments import ROLE_LEAD, unit_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.models import Plan, Registry
from parc_xl.domain.periods import Period
from parc_xl.domain.problems import CATALOGUE, Problem, Severity, Where, error, errors_first, has_errors, warning
from parc_xl.domain.validation import FILL_FIELDS, RawRow, ReportedRow, check_row, parse_date
from parc_xl.errors import InputError
from parc_xl.io import unit_book as ub
from parc_xl.io.package_guard import n_vi
from parc_xl.jobs._isolation import Failure, failure_problem, run_isolated, worker_count

SHOWN_PER_FILE = 15  # problems printed per file without --json
KNOWN_SHEETS = {ub.SHEET_GUIDE, ub.SHEET_REPORT, ub.SHEET_META, ub.SHEET_CHECK}
_FILE_NAME = re.compile(r"^(\d{4}-(?:Q1|H1|Q3|Y))_([A-Za-z0-9_.\-]+?)(?:\s*\(\d+\))?$")


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
    """Every problem of one returned workbook, and the rows it reports. With `mac_key`
    (the master's secret) the workbook's keyed MAC is checked too."""
    path = Path(path)
    report = FileReport(file=str(path))
    try:
        ret = ub.read_unit_book(path)
    except InputError as exc:
        report.readable = False
        report.problems = exc.problems or [error("not-xlsx", str(exc), **_where(path))]
        return report
    _Checker(path, ret, plan, registry, as_of or dt.date.today(), fingerprint, report).run()
    if mac_key and ret.is_parc_xl:
        _check_mac(path, ret, mac_key, report)
    return report


def _check_mac(path: Path, ret: ub.UnitReturn, key: str, report: FileReport) -> None:
    """The keyed MAC: only the master that sent the form can have made it."""
    where = _where(path, ub.SHEET_META)
    if not ret.mac:
        report.problems.insert(0, error(
            "mac-missing", f"Tệp «{path.name}» là mẫu cũ hoặc không do sổ theo dõi này tạo ra (không có mã xác "
            "thực); không xác định được tệp có đúng của đơn vị hay không. Đề nghị đơn vị dùng mẫu mới được gửi "
            "(Tạo mẫu đơn vị) và gửi lại.", **where))
    elif not ub.mac_matches(key, ret.meta, ret.meta_rows, ret.mac):
        unit = ret.meta.get("unit", "")
        report.problems.insert(0, error(
            "mac-invalid", f"Mã xác thực của tệp «{path.name}» không khớp với sổ theo dõi: tệp không phải mẫu do "
            f"cơ quan tổng hợp gửi cho đơn vị {unit}, hoặc thông tin nhận diện, nội dung kế hoạch đã bị sửa "
            "(ví dụ tệp tự tạo lại từ kế hoạch). Tệp không được nhận; đề nghị đơn vị dùng đúng mẫu đã được gửi.",
            **where))


class _Checker:
    def __init__(self, path: Path, ret: ub.UnitReturn, plan: Plan | None, registry: Registry | None,
                 as_of: dt.date, fingerprint: str | None, report: FileReport) -> None:
        self.path, self.ret, self.plan, self.registry, self.as_of = path, ret, plan, registry, as_of
        self.fingerprint = fingerprint if fingerprint is not None else (plan_fingerprint(plan) if plan else None)
        self.report = report
        self.p = report.problems

    # helpers
    def err(self, code: str, msg: str, cell: str = "", key: str = "", sheet: str = ub.SHEET_REPORT,
            value: str | None = None) -> None:
        self.p.append(error(code, msg, value=value, **_where(self.path, sheet, cell, key)))

    def warn(self, code: str, msg: str, cell: str = "", key: str = "", sheet: str = ub.SHEET_REPORT,
             value: str | None = None) -> None:
        self.p.append(warning(code, msg, value=value, **_where(self.path, sheet, cell, key)))

    def run(self) -> None:
        ret, name = self.ret, self.path.name
        if not ret.is_parc_xl:
            self.err("not-parc-xl", f"Tệp «{name}» không phải là mẫu báo cáo do cơ quan tổng hợp gửi "
                     "(không có thông tin nhận diện của parc-xl); hãy dùng đúng mẫu đã được gửi.", sheet="")
            return
        meta = ret.meta
        self.report.unit = meta.get("unit", "")
        self.report.period = meta.get("period", "")
        self.report.fingerprint = meta.get("plan_fingerprint", "")
        self.report.template_version = meta.get("template_version", "")
        if ret.meta_digest != ret.computed_meta_digest():
            self.err("metadata-tampered", "Thông tin nhận diện ẩn của tệp đã bị sửa; không xác định chắc "
                     "chắn đơn vị, kỳ và nội dung kế hoạch. Hãy dùng lại mẫu gốc.", sheet=ub.SHEET_META)
        if meta.get("template_version") != ub.TEMPLATE_VERSION:
            self.err("template-version", f"Mẫu phiên bản «{meta.get('template_version', '')}» không được hỗ trợ "
                     f"(phiên bản hiện hành: {ub.TEMPLATE_VERSION}); hãy dùng mẫu mới.", sheet="")
        self._check_name()
        self._check_against_plan()
        for s in ret.sheets:
            if s not in KNOWN_SHEETS:
                self.warn("extra-sheet", f"Tệp có thêm sheet «{s}» không thuộc mẫu; sheet này sẽ bị bỏ qua.",
                          sheet=s)
        if not ret.has_report_sheet:
            self.err("sheet-missing", f"Không tìm thấy sheet «{ub.SHEET_REPORT}»; hãy dùng lại mẫu gốc.", sheet="")
            return
        if ret.header_row is None:
            self.err("header-missing", f"Không tìm thấy dòng tiêu đề của sheet «{ub.SHEET_REPORT}» "
                     "(cột «Khóa», «Tiến độ» …); hãy dùng lại mẫu gốc.")
            return
        self._check_columns()
        self._check_rows()
        self._check_layout()

    def _check_name(self) -> None:
        m = _FILE_NAME.match(self.path.stem)
        unit, period = self.report.unit, self.report.period
        if not m:
            return
        if m.group(2) != unit:
            self.warn("unit-file-name", f"Tên tệp ghi đơn vị «{m.group(2)}» nhưng tệp là mẫu của đơn vị «{unit}» "
                      f"({self.ret.meta.get('unit_name', '')}); có thể là tệp của đơn vị khác được đổi tên.",
                      sheet="")
        if m.group(1) != period:
            self.warn("period-file-name", f"Tên tệp ghi kỳ «{m.group(1)}» nhưng tệp là mẫu của kỳ «{period}».",
                      sheet="")

    def _check_against_plan(self) -> None:
        if self.plan is None:
            return
        meta = self.ret.meta
        year = meta.get("plan_year", "")
        try:
            period_year = Period.parse(meta.get("period", "")).year
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
        ret = self.ret
        hr = ret.header_row or ub.HEADER_ROW
        self.col: dict[str, int] = {}
        for i, text in enumerate(ret.header):
            cid = ub.HEADER_TO_ID.get(text)
            if cid and cid not in self.col:
                self.col[cid] = i
        expected = (ret.meta.get("columns") or ",".join(ub.COLUMN_IDS)).split(",")
        for pos, cid in enumerate(expected):
            if cid not in self.col:
                header = next((c.header for c in ub.COLUMNS if c.id == cid), cid)
                self.err("column-removed", f"Cột «{header}» (ô {ub.a1(hr, pos)} trong mẫu) đã bị xóa hoặc đổi tên; "
                         "hãy dùng lại mẫu gốc.", cell=ub.a1(hr, pos))
        for i, text in enumerate(ret.header):
            if text and text not in ub.HEADER_TO_ID:
                self.warn("column-inserted", f"Ô {ub.a1(hr, i)}: cột «{text}» không có trong mẫu (cột được chèn "
                          "thêm); nội dung cột này sẽ bị bỏ qua.", cell=ub.a1(hr, i))
            elif text in ub.HEADER_TO_ID and self.col.get(ub.HEADER_TO_ID[text]) != i:
                self.err("column-duplicated", f"Ô {ub.a1(hr, i)}: cột «{text}» xuất hiện hai lần.", cell=ub.a1(hr, i))
        present = [c for c in expected if c in self.col]
        if [self.col[c] for c in present] != sorted(self.col[c] for c in present):
            self.warn("columns-reordered", "Thứ tự các cột đã bị thay đổi so với mẫu; dữ liệu vẫn được đọc theo "
                      "tên cột.", cell=ub.a1(hr, 0))

    def _value(self, values: list[object], cid: str) -> object:
        i = self.col.get(cid)
        return values[i] if i is not None and i < len(values) else None

    def _ref(self, row: int, cid: str) -> str:
        i = self.col.get(cid)
        return ub.a1(row, i) if i is not None else ""

    def _check_rows(self) -> None:
        ret = self.ret
        meta_rows = ret.meta_rows
        expected_keys = [k for k, _, _ in meta_rows]
        by_key = {k: (role, hashes) for k, role, hashes in meta_rows}
        tasks = {t.key: t for t in self.plan.tasks} if self.plan else {}
        same_plan = self.plan is not None and self.ret.meta.get("plan_fingerprint") == self.fingerprint
        period = None
        try:
            period = Period.parse(ret.meta.get("period", ""))
        except ValueError:
            pass
        plan_year = self.plan.year if self.plan else int(ret.meta.get("plan_year") or dt.date.today().year)
        seen: dict[str, int] = {}
        order: list[str] = []
        found_values: dict[str, list[object]] = {}
        key_col = "key" if "key" in self.col else None
        formula_rows = {r for r, _ in ret.formulas if r > (ret.header_row or 0)}
        rows = list(ret.rows)
        present_rows = {r for r, _ in rows}
        width = len(ret.header)
        rows += [(r, [""] * width) for r in sorted(formula_rows - present_rows)]
        rows.sort(key=lambda x: x[0])
        for position, (rno, values) in enumerate(rows):
            if key_col:
                key = ub.canon(self._value(values, "key"))
            else:  # no key column: fall back to position
                key = expected_keys[position] if position < len(expected_keys) else ""
            if not key or key not in by_key:
                shown = f"khóa «{key}»" if key else "không có khóa"
                ref = self._ref(rno, "key") or f"A{rno}"
                self.err("row-added", f"Ô {ref}: dòng {rno} ({shown}) không có trong mẫu: không được thêm dòng; "
                         "nhiệm vụ phát sinh hãy ghi ở cột «Khó khăn, vướng mắc» hoặc «Đề xuất».",
                         cell=ref, key=key)
                continue
            if key in seen:
                self.err("row-duplicated", f"Ô {self._ref(rno, 'key')}: dòng {rno}, nhiệm vụ khóa «{key}» bị lặp (đã có ở dòng {seen[key]}); "
                         "hãy xóa dòng lặp.", cell=self._ref(rno, "key"), key=key)
                continue
            seen[key] = rno
            order.append(key)
            found_values[key] = values
            role, hashes = by_key[key]
            self._check_locked(rno, key, values, role, hashes.split(), tasks.get(key) if same_plan else None, period)
            self._check_content(rno, key, values, role, plan_year)
            self._check_lengths(rno, key, values)
        for key in expected_keys:
            if key not in seen:
                t = tasks.get(key)
                what = f" («{t.stt} {t.task[:60]}»)" if t else ""
                self.err("row-deleted", f"Dòng của nhiệm vụ khóa «{key}»{what} đã bị xóa; hãy dùng lại mẫu gốc "
                         "và điền lại.", key=key)
        expected_order = [k for k in expected_keys if k in seen]
        if order != expected_order:
            first = next(i for i, (a, b) in enumerate(zip(order, expected_order)) if a != b)
            k = order[first]
            self.warn("rows-reordered", f"Ô {self._ref(seen[k], 'key')}: thứ tự các dòng đã bị thay đổi (dòng {seen[k]}, khóa «{k}»); dữ liệu vẫn "
                      "được đọc theo khóa nhiệm vụ.", cell=self._ref(seen[k], "key"), key=k)
        # the plan part as a whole (covers what the per-cell hashes cannot name)
        if not any(p.code in ("locked-cell-changed", "row-deleted", "column-removed", "row-added")
                   for p in self.p) and expected_keys:
            found = [{c.id: self._value(found_values[k], c.id) for c in ub.HASHED_COLS} for k in expected_keys]
            if ub.plan_digest(found) != ret.meta.get("plan_digest"):
                self.err("locked-cell-changed", "Nội dung kế hoạch (các cột nền xám) đã bị thay đổi; "
                         "hãy dùng lại mẫu gốc.")

    def _check_lengths(self, rno: int, key: str, values: list[object]) -> None:
        """A cell longer than Excel allows: the file was not saved by Excel, and the text
        could not be stored in the master as it is (it would be cut without a word)."""
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v) > ub.MAX_CELL_CHARS:
                cell = ub.a1(rno, i)
                self.err("cell-too-long", f"Ô {cell} (nhiệm vụ {key}) có {n_vi(len(v))} ký tự, vượt giới hạn "
                         f"{n_vi(ub.MAX_CELL_CHARS)} ký tự một ô của Excel; nội dung dòng này không được nhận. Hãy "
                         "rút gọn nội dung ô (hoặc chỉ ghi số, ký hiệu văn bản) rồi gửi lại.",
                         cell=cell, key=key, value=v[:200])

    def _check_locked(self, rno: int, key: str, values: list[object], role: str, hashes: list[str],
                      task: object, period: Period | None) -> None:
        expected_vals: dict[str, object] | None = None
        for i, c in enumerate(ub.HASHED_COLS):
            if c.id not in self.col or i >= len(hashes):
                continue
            v = self._value(values, c.id)
            if ub.cell_hash(v) == hashes[i]:
                continue
            cell = self._ref(rno, c.id)
            hint = ""
            if expected_vals is None and task is not None and period is not None:
                expected_vals = ub.plan_values(task, role, period)  # type: ignore[arg-type]
            if expected_vals is not None:
                ev = expected_vals[c.id]
                shown = ev.strftime("%d/%m/%Y") if isinstance(ev, dt.date) else ub.canon(ev)
                hint = f" Nội dung đúng: «{shown[:120]}»."
            self.err("locked-cell-changed", f"Ô {cell} (cột «{c.header}», nhiệm vụ {key}) thuộc nội dung kế hoạch "
                     f"và không được sửa.{hint}", cell=cell, key=key, value=ub.canon(v)[:200])

    def _check_content(self, rno: int, key: str, values: list[object], role: str, plan_year: int) -> None:
        fill_values: dict[str, object] = {}
        cells: dict[str, str] = {}
        formulas: set[str] = set()
        for f in FILL_FIELDS:
            if f not in self.col:
                continue
            fill_values[f] = self._value(values, f)
            cells[f] = self._ref(rno, f)
            if (rno, self.col[f]) in self.ret.formulas:
                formulas.add(f)
        target = ub.canon(self._value(values, "target"))
        due = self._value(values, "due")  # the locked «Hạn»: an extension must ask for a later date
        raw = RawRow(key=key, role=role, target=target, values=fill_values, cells=cells,
                     formulas=frozenset(formulas),
                     due=None if due in ("", None) else parse_date(due, self.ret.date1904).value)
        row, problems = check_row(raw, plan_year=plan_year, as_of=self.as_of, sheet=ub.SHEET_REPORT,
                                  lead_role=ROLE_LEAD, date1904=self.ret.date1904)
        for p in problems:
            p.file = self.path.name
        self.p.extend(problems)
        self.report.rows.append(row)

    def _check_layout(self) -> None:
        ret = self.ret
        first = (ret.header_row or ub.HEADER_ROW) + 1
        fill_idx = {self.col[c.id] for c in ub.FILL_COLS if c.id in self.col}
        for rng in ret.merged:
            a, _, b = rng.partition(":")
            b = b or a
            ma, mb = re.match(r"([A-Z]+)(\d+)", a), re.match(r"([A-Z]+)(\d+)", b)
            if not ma or not mb:
                continue
            r2 = int(mb.group(2))
            c1, c2 = ub.col_index(ma.group(1)), ub.col_index(mb.group(1))
            if r2 < first:
                continue
            if any(c1 <= i <= c2 for i in fill_idx):
                self.err("merged-cells", f"Ô {a}: vùng {rng} đã bị gộp ô trong phần đơn vị điền; giá trị của các ô bị gộp "
                         "sẽ mất. Hãy bỏ gộp ô (Trang đầu › Hợp nhất & Căn giữa › Bỏ hợp nhất ô) và điền riêng từng dòng.", cell=a)
            else:
                self.warn("merged-cells", f"Ô {a}: vùng {rng} đã bị gộp ô; hãy bỏ gộp ô.", cell=a)
        last = max((r for r, _ in ret.rows), default=first)
        hidden = sorted(r for r in ret.hidden_rows if first <= r <= last)
        if hidden:
            shown = ", ".join(str(r) for r in hidden[:10]) + (" …" if len(hidden) > 10 else "")
            self.warn("hidden-rows", f"Ô A{hidden[0]}: dòng {shown} đang bị ẩn; hãy bỏ ẩn (chuột phải vào tiêu đề dòng › Bỏ ẩn) để người kiểm tra thấy "
                      "đủ nội dung.", cell=f"A{hidden[0]}")
        cols = sorted(i for i in ret.hidden_cols if i < len(ret.header) and ret.header[i])
        if cols:
            names = ", ".join(f"«{ret.header[i]}»" for i in cols)
            self.warn("hidden-columns", f"Ô {ub.a1(ret.header_row or ub.HEADER_ROW, cols[0])}: cột {names} đang bị ẩn; "
                      "hãy bỏ ẩn (chuột phải vào tiêu đề cột › Bỏ ẩn).",
                      cell=ub.a1(ret.header_row or ub.HEADER_ROW, cols[0]))


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
