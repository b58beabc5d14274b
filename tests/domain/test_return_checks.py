"""The structural checks of a return over the return as data: no workbook is written or
read here, the form is built from the plan the way the writer records it."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from parc_xl.domain.assignments import unit_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.models import Plan
from parc_xl.domain.periods import Period
from parc_xl.domain.return_checks import ReturnedForm, check_mac, check_return, plan_part_digest
from parc_xl.domain.validation import ReportedRow
from parc_xl.io import unit_book as ub

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unit_books import AS_OF, PERIOD, make_plan, make_registry  # noqa: E402

KEY = "00" * 32  # the master's secret, as hex


def form_of(plan: Plan, unit: str = "PNV", name: str = f"{PERIOD}_PNV.xlsx") -> ReturnedForm:
    """The form `units generate` sends to `unit`, as the reader finds it untouched."""
    period = Period.parse(PERIOD)
    tasks = unit_tasks(plan, make_registry(), unit)
    plan_cells = [ub.plan_values(t, role, period) for t, role in tasks]
    meta = {"format": ub.FORMAT_ID, "template_version": ub.TEMPLATE_VERSION, "unit": unit, "unit_name": unit,
            "period": PERIOD, "plan_year": str(plan.year), "plan_fingerprint": plan_fingerprint(plan),
            "columns": ",".join(ub.COLUMN_IDS), "plan_digest": ub.plan_digest(plan_cells),
            "keys_digest": ub.keys_digest([t.key for t, _ in tasks])}
    meta_rows = [(t.key, role, ub.row_hashes(cells)) for (t, role), cells in zip(tasks, plan_cells)]
    rows = [(ub.FIRST_ROW + i, [cells.get(c.id, "") for c in ub.COLUMNS]) for i, cells in enumerate(plan_cells)]
    return ReturnedForm(file_name=name, sheets=[ub.SHEET_GUIDE, ub.SHEET_REPORT, ub.SHEET_META], meta=meta,
                        meta_rows=meta_rows, meta_digest=ub.meta_digest(meta, meta_rows), header_row=ub.HEADER_ROW,
                        header=[c.header for c in ub.COLUMNS], rows=rows,
                        mac=ub.meta_mac(KEY, meta, meta_rows))


def codes(form: ReturnedForm, plan: Plan | None = None) -> list[tuple[str, str, str]]:
    found = check_return(form, ub, plan=plan or make_plan(), registry=make_registry(), as_of=AS_OF)
    return [(p.code, p.cell, p.task_key) for p in found.problems]


def col(cid: str) -> int:
    return ub.COLUMN_IDS.index(cid)


def test_the_form_as_sent_has_only_its_unreported_lead_tasks() -> None:
    plan = make_plan()
    form = form_of(plan)
    found = check_return(form, ub, plan=plan, registry=make_registry(), as_of=AS_OF)
    assert (found.unit, found.period, found.fingerprint) == ("PNV", PERIOD, plan_fingerprint(plan))
    assert {p.code for p in found.problems} == {"not-reported"}
    assert [r.key for r in found.rows] == [k for k, _, _ in form.meta_rows]
    assert all(p.file == f"{PERIOD}_PNV.xlsx" for p in found.problems)
    assert check_mac(form, ub, KEY) is None


def test_a_changed_plan_cell_is_named_with_what_it_should_say() -> None:
    plan = make_plan()
    form = form_of(plan)
    rno, values = form.rows[0]
    values[col("task")] = "Nhiệm vụ khác"
    found = check_return(form, ub, plan=plan, registry=make_registry(), as_of=AS_OF)
    locked = [p for p in found.problems if p.code == "locked-cell-changed"]
    assert [(p.cell, p.task_key, p.value) for p in locked] == [(f"B{rno}", "1.1", "Nhiệm vụ khác")]
    assert "Nội dung đúng: «Ban hành Kế hoạch cải cách hành chính năm 2024»" in locked[0].message


def test_the_plan_part_as_a_whole_catches_what_a_recomputed_cell_hash_hides() -> None:
    """Someone who edits a plan cell and rewrites its recorded hash (and the metadata
    digest) is still caught by the digest over the whole plan part."""
    form = form_of(make_plan())
    rno, values = form.rows[1]
    values[col("target")] = "≥ 50%"
    rows = [(k, role, ub.row_hashes({c.id: values[col(c.id)] for c in ub.HASHED_COLS}) if i == 1 else h)
            for i, (k, role, h) in enumerate(form.meta_rows)]
    forged = replace(form, meta_rows=rows, meta_digest=ub.meta_digest(form.meta, rows))
    assert [(c, cell, key) for c, cell, key in codes(forged) if c != "not-reported"] == [
        ("locked-cell-changed", "", "")]
    refused = check_mac(forged, ub, KEY)
    assert refused is not None and refused.code == "mac-invalid"


def test_rows_added_deleted_and_moved() -> None:
    form = form_of(make_plan())
    (r1, v1), (r2, v2), *rest = form.rows
    extra = list(v1)
    extra[col("key")] = "9.9"
    moved = replace(form, rows=[(r1, v2), (r2, v1), (r2 + 100, extra)] + rest[:-1])
    found = [(c, key) for c, _, key in codes(moved) if c != "not-reported"]
    assert ("row-added", "9.9") in found
    assert ("row-deleted", form.meta_rows[-1][0]) in found
    assert ("rows-reordered", v2[col("key")]) in found


def test_columns_and_layout_over_plain_data() -> None:
    form = form_of(make_plan())
    header = list(form.header)
    header[col("evidence")] = "Minh chứng"
    hidden = {col("difficulties")}
    changed = replace(form, header=header, hidden_cols=hidden, merged=["I5:J6"], hidden_rows={6})
    found = {c for c, _, _ in codes(changed)}
    assert {"column-removed", "column-inserted", "hidden-columns", "merged-cells", "hidden-rows"} <= found


def test_a_form_that_is_not_one_and_a_form_without_its_mac() -> None:
    plain = replace(form_of(make_plan()), meta={})
    assert [c for c, _, _ in codes(plain)] == ["not-parc-xl"]
    assert check_mac(plain, ub, KEY) is None
    old = replace(form_of(make_plan()), mac="")
    refused = check_mac(old, ub, KEY)
    assert refused is not None and (refused.code, refused.sheet) == ("mac-missing", ub.SHEET_META)


def test_a_cell_longer_than_excel_allows_and_a_file_named_for_another_unit() -> None:
    form = form_of(make_plan(), name=f"{PERIOD}_PTP.xlsx")
    rno, values = form.rows[0]
    values[col("difficulties")] = "x" * (ub.MAX_CELL_CHARS + 1)
    found = codes(form)
    assert ("cell-too-long", f"{ub.col_letter(col('difficulties'))}{rno}", "1.1") in found
    assert ("unit-file-name", "", "") in found


def test_the_plan_part_digest_is_the_writers() -> None:
    """The checks digest the canonical cells they already made; it must be the digest the
    writer recorded, for every kind of value a reader gives (canon is not idempotent:
    "&lt;b&gt;" cleans to "<b>", which would clean again to "")."""
    cells = [{"stt": "1.1", "key": "1.1", "task": "&lt;b&gt; Nhiệm  vụ\r\nhai", "product": 3.0, "role": True,
              "deadline_text": None, "due": dt.datetime(2024, 3, 31, 0, 0), "target": 0.995},
             {"stt": 2, "key": "2", "task": "", "product": dt.date(2024, 1, 1)}]
    canon_rows = [[ub.canon(row.get(c.id)) for c in ub.HASHED_COLS] for row in cells]
    assert plan_part_digest(canon_rows) == ub.plan_digest(cells)


def _found(form: ReturnedForm, plan: Plan) -> tuple[list[dict[str, object]], list[ReportedRow]]:
    got = check_return(form, ub, plan=plan, registry=make_registry(), as_of=AS_OF)
    return [p.model_dump() for p in got.problems], got.rows


def _cold(form: ReturnedForm, plan: Plan) -> tuple[list[dict[str, object]], list[ReportedRow]]:
    """What the checks find with no row, cell or reference memo (the cell-by-cell path)."""
    from parc_xl.domain import return_checks

    for memos in (return_checks._MEMOS, return_checks._ROW_MEMOS, return_checks._CELL_REFS):
        memos.clear()
    return _found(form, plan)


def test_a_row_seen_before_takes_one_look_up_and_an_edited_one_still_gets_its_message() -> None:
    """The row memo: a return's row equal to a row that matched its hashes in an earlier
    return is that row; a row with one plan cell edited (or of another type that compares
    equal: True == 1) misses it and is checked cell by cell, with the same message."""
    plan = make_plan()
    sent = form_of(plan)
    edited = form_of(plan)
    rno, values = edited.rows[0]
    values[col("task")] = f"{values[col('task')]} (đã sửa)"
    other_type = form_of(plan)
    _, v2 = other_type.rows[1]
    v2[col("stt")] = 1  # an int whose row hash is recorded: True is equal to it as a key, not as a cell
    recorded = [(k, role, ub.row_hashes({c.id: v2[col(c.id)] for c in ub.HASHED_COLS}) if i == 1 else h)
                for i, (k, role, h) in enumerate(other_type.meta_rows)]
    other_type = replace(other_type, meta_rows=recorded)
    as_true = replace(other_type, rows=[(r, list(v)) for r, v in other_type.rows])
    as_true.rows[1][1][col("stt")] = True
    for form in (sent, edited, other_type, as_true):
        cold = _cold(form, plan)
        _found(sent, plan), _found(other_type, plan)  # the memo now holds every untouched row, and the int one
        assert _found(form, plan) == cold
    problems, _ = _cold(edited, plan)
    locked = [p for p in problems if p["code"] == "locked-cell-changed"]
    assert [(p["cell"], p["task_key"]) for p in locked] == [(f"B{rno}", "1.1")]
    problems, _ = _found(as_true, plan)
    assert [(p["code"], p["task_key"]) for p in problems if p["code"] == "locked-cell-changed"] == [
        ("locked-cell-changed", other_type.meta_rows[1][0])]


def test_rows_with_a_column_missing_or_short_take_the_cell_by_cell_path() -> None:
    plan = make_plan()
    form = form_of(plan)
    short = replace(form, rows=[(r, v[:col("target")]) for r, v in form.rows])
    for f in (form, short):
        cold = _cold(f, plan)
        _found(form, plan)
        assert _found(f, plan) == cold


def test_the_length_check_names_only_the_long_cells() -> None:
    """The longest text cell of the sheet is measured first; only then is every row
    measured cell by cell, each long cell named in row order."""
    form = form_of(make_plan())
    rno, values = form.rows[0]
    half = "x" * (ub.MAX_CELL_CHARS // 2 + 10)
    values[col("difficulties")] = half
    values[col("proposals")] = half  # together past the limit, each within it
    values[col("evidence")] = "z" * ub.MAX_CELL_CHARS  # at the limit
    assert not [c for c, _, _ in codes(form) if c == "cell-too-long"]
    values[col("proposals")] = "y" * (ub.MAX_CELL_CHARS + 1)
    rno2, values2 = form.rows[2]
    values2[col("task")] = "t" * (ub.MAX_CELL_CHARS + 5)
    assert [(c, cell) for c, cell, _ in codes(form) if c == "cell-too-long"] == [
        ("cell-too-long", f"{ub.col_letter(col('proposals'))}{rno}"),
        ("cell-too-long", f"{ub.col_letter(col('task'))}{rno2}")]


def test_the_signed_text_of_the_last_form_is_reused_only_for_the_same_content() -> None:
    """meta_digest and the MAC share the text of the form last signed: a form whose
    metadata or row lines differ (a list edited in place included) gets its own."""
    from parc_xl.io.unit_book import layout

    form = form_of(make_plan())
    first = ub.meta_digest(form.meta, form.meta_rows)
    assert ub.mac_matches(KEY, form.meta, form.meta_rows, form.mac)
    lines = [list(r) for r in form.meta_rows]
    assert ub.meta_digest(form.meta, lines) == first  # type: ignore[arg-type]
    lines[0][2] = "00000000 " + lines[0][2]
    edited = ub.meta_digest(form.meta, lines)  # type: ignore[arg-type]
    assert edited != first and not ub.mac_matches(KEY, form.meta, lines, form.mac)  # type: ignore[arg-type]
    other = dict(form.meta, unit="PTP")
    assert ub.meta_digest(other, form.meta_rows) != first
    layout._last_signed[:] = [None, ""]
    assert ub.meta_digest(form.meta, lines) == edited  # type: ignore[arg-type]
    assert ub.meta_digest(form.meta, form.meta_rows) == first
