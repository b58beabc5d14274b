"""The merge's acceptance policy as pure rules (domain/submissions.py), and the records of
`Nộp báo cáo` and `Lịch sử` as io/master_records.py reads and lays them out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from parc_xl.domain.models import Progress
from parc_xl.domain.problems import error, warning
from parc_xl.domain.submissions import (
    ACCEPTED, PARTIAL, REJECTED, HistoryEntry, Prior, ReportedValues, SubmissionRecord, applied_outcome,
    changed_fields, changed_values, comparable, from_another_plan, nothing_reported, refused_outright,
    reports_nothing, select_rows, submission_log, twins,
)
from parc_xl.domain.validation import ReportedRow
from parc_xl.io import master_layout as L
from parc_xl.io.master_records import history_rows, submission_record

Q1 = "2026-Q1"
NOW = dt.datetime(2026, 3, 25, 9, 0)


def _rec(sha: str, outcome: str, at: dt.datetime | None, unit: str = "A") -> SubmissionRecord:
    return SubmissionRecord(period=Q1, unit=unit, file=f"{sha}.xlsx", received_at=at, outcome=outcome, sha256=sha)


def test_a_refused_file_is_judged_again_until_a_later_return_of_its_unit_is_accepted() -> None:
    refused = _rec("bad", REJECTED, dt.datetime(2026, 3, 10, 9))
    log = submission_log([refused], NOW)
    assert log.judge("bad", partial=False) is Prior.REFUSED_BEFORE
    assert log.judge("bad", partial=False) is Prior.ALREADY_MERGED  # the same file twice in one inbox

    fixed = submission_log([refused, _rec("good", ACCEPTED, dt.datetime(2026, 3, 12, 9))], NOW)
    assert fixed.judge("bad", partial=False) is Prior.SUPERSEDED
    assert fixed.judge("good", partial=False) is Prior.ALREADY_MERGED
    # --partial re-reads a refused file on purpose; an older accepted return supersedes nothing
    assert submission_log([refused, _rec("good", ACCEPTED, dt.datetime(2026, 3, 12))], NOW).judge(
        "bad", partial=True) is Prior.NEW
    older = submission_log([refused, _rec("old", PARTIAL, dt.datetime(2026, 3, 9))], NOW)
    assert older.judge("bad", partial=False) is Prior.REFUSED_BEFORE
    # an accepted row "received" after the merge is a wrong clock: it ranks nothing
    ahead = submission_log([refused, _rec("late", ACCEPTED, dt.datetime(2027, 1, 1))], NOW)
    assert ahead.judge("bad", partial=False) is Prior.REFUSED_BEFORE
    assert ahead.future_rows == [(0, dt.datetime(2027, 1, 1))]


def _row(key: str, role: str = "Chủ trì") -> ReportedRow:
    return ReportedRow(key=key, role=role, progress=Progress.IN_PROGRESS, cells={"progress": f"H{key}"})


def test_select_rows_accepts_rejects_or_accepts_in_part() -> None:
    rows = [_row("1.1"), _row("1.2"), _row("9.9"), _row("1.3", role="Phối hợp")]
    bad_cell = error("progress-invalid", "Ô H6: sai.", task_key="1.2", cell="H6")
    kwargs: dict[str, Any] = {"unit": "A", "file": "a.xlsx", "total_rows": 4, "refused_rows": []}

    whole = select_rows(rows, [bad_cell], {"1.1", "1.2"}, partial=False, **kwargs)
    assert (whole.rows, whole.rejected_rows) == ([], 4)
    assert refused_outright(whole.problems, whole.rows)
    assert [p.code for p in whole.problems] == ["progress-invalid", "foreign-row"]

    part = select_rows(rows, [bad_cell], {"1.1", "1.2"}, partial=True, **kwargs)
    assert [r.key for r in part.rows] == ["1.1"] and part.rows[0].progress == "Đang thực hiện"
    assert part.rejected_rows == 2  # 1.2 (its error) and 9.9 (not the unit's); 1.3 is information only
    assert part.problems[0].code == "partial-dropped" and "H6" in part.problems[0].message
    assert applied_outcome(part.rejected_rows, part.problems) == PARTIAL
    assert not refused_outright(part.problems, part.rows)

    # an error not tied to a task refuses the file even with --partial
    file_level = select_rows(rows[:1], [error("wrong-period", "Sai kỳ.")], {"1.1"}, partial=True, **kwargs)
    assert file_level.rows == [] and file_level.rejected_rows == 4

    clean = select_rows(rows[:1], [warning("not-reported", "Chưa báo cáo.")], {"1.1"}, partial=False, **kwargs)
    assert [r.key for r in clean.rows] == ["1.1"]
    assert applied_outcome(clean.rejected_rows, clean.problems) == ACCEPTED


def test_twins_are_two_workbooks_of_one_unit_in_one_message() -> None:
    groups = twins([("a.xlsx", "m1.eml", "A"), ("b.xlsx", "m1.eml", "A"), ("c.xlsx", "m1.eml", "B"),
                    ("d.xlsx", "", "A"), ("e.xlsx", "m2.eml", "A")])
    assert groups == {"a.xlsx": ["a.xlsx", "b.xlsx"], "b.xlsx": ["a.xlsx", "b.xlsx"]}


def test_an_inbox_of_another_plan_only_is_the_wrong_master() -> None:
    other = [["fingerprint-mismatch", "locked-cell-changed"], ["wrong-year"]]
    assert from_another_plan(other, any_applicable=False)
    assert not from_another_plan(other, any_applicable=True)
    assert not from_another_plan([*other, ["progress-invalid"]], any_applicable=False)
    assert not from_another_plan([], any_applicable=False)


def test_submission_record_reads_the_receipt_time_the_clerk_left() -> None:
    typed = submission_record(3, {"unit": "PNV", "period": Q1, "received_at": "16/03/2026 08:30",
                                  "outcome": ACCEPTED, "rows": 12.0, "on_time": " Đúng hạn"})
    assert (typed.row, typed.received_at, typed.received_text) == (3, dt.datetime(2026, 3, 16, 8, 30),
                                                                  "16/03/2026 08:30")
    assert typed.accepted and typed.rows == 12 and typed.on_time == "Đúng hạn"
    cell = submission_record(4, {"received_at": dt.datetime(2026, 3, 16, 8, 30, 0, 999)})
    assert (cell.received_at, cell.received_text) == (dt.datetime(2026, 3, 16, 8, 30), "")
    serial = submission_record(5, {"received_at": 46097.5})  # a date-time cell that lost its format
    assert serial.received_at == dt.datetime(2026, 3, 16, 12, 0)
    words = submission_record(6, {"received_at": "sáng thứ Sáu", "unit": 101.0})
    assert (words.received_at, words.received_text, words.unit) == (None, "sáng thứ Sáu", "101")


def test_history_rows_follow_the_columns_the_clerk_moved() -> None:
    entry = HistoryEntry(NOW, Q1, "PNV", "1.1", "Tiến độ", "", "Đang thực hiện", "a.xlsx")
    same = {c.id: i for i, c in enumerate(L.HISTORY_COLUMNS)}
    assert history_rows({L.SHEET_HISTORY: same}, [entry]) == [entry]
    moved = dict(same, at=len(same), source_file=0)  # Thời điểm moved to the end, Tệp nguồn first
    del moved["period"]  # and Kỳ deleted
    [row] = history_rows({L.SHEET_HISTORY: moved}, [entry])
    assert row[0] == "a.xlsx" and row[-1] == NOW and Q1 not in row


# Values a `Theo dõi` row or a return may hold in a reported field, including the forms
# `comparable` makes equal ("" and None, 99.0 and 99, a date and its midnight, padded text).
_VALUES: list[Any] = [None, "", " ", "\n", "a", " a", "a ", "b", 0, 0.0, 99, 99.0, 99.5, True,
                      dt.date(2026, 3, 10), dt.datetime(2026, 3, 10), dt.datetime(2026, 3, 10, 8, 30),
                      dt.date(2026, 3, 11)]


def test_the_tuple_comparison_agrees_with_comparing_every_field_as_stored() -> None:
    # the merge's fast path (one tuple comparison, `comparable` only where values differ)
    # must decide exactly what the field-by-field definition decides
    fields = ["x", "y"]
    for a in _VALUES:
        for b in _VALUES:
            for c in ("", "a", None):
                old, new = (a, c), (b, c)
                slow = [(f, o, n) for f, o, n in zip(fields, old, new, strict=True) if comparable(o) != comparable(n)]
                assert changed_values(fields, old, new) == slow, (old, new)
        assert nothing_reported((a, None, "")) == (comparable(a) == ""), a
    assert nothing_reported(()) and nothing_reported(("", " ", None)) and not nothing_reported(("", 0))


def test_a_return_repeating_the_master_changes_nothing_and_one_new_value_changes_one_field() -> None:
    fields = L.REPORTED_FIELDS
    current = ReportedValues(key="1.1", progress="Đang thực hiện", completed_on=dt.date(2026, 3, 10),
                             evidence="Kế hoạch số 15/KH-UBND", figure=99.0)
    same = ReportedValues(key="1.1", progress="Đang thực hiện ", completed_on=dt.datetime(2026, 3, 10),
                          evidence="Kế hoạch số 15/KH-UBND", figure=99, difficulties="")
    assert changed_fields(current, same, fields) == []
    one = ReportedValues(key="1.1", progress="Đang thực hiện", completed_on=dt.date(2026, 3, 10),
                         evidence="Kế hoạch số 15/KH-UBND", figure=99.0, proposals="Bổ sung kinh phí")
    assert changed_fields(current, one, fields) == [("proposals", "", "Bổ sung kinh phí")]
    assert reports_nothing(ReportedValues(key="1.1", evidence="  "), fields)
    assert not reports_nothing(ReportedValues(key="1.1", figure=0.0), fields)


def test_reported_values_pickle_as_their_fields() -> None:
    """A merge worker sends its rows pickled (jobs/_isolation.py): every field comes back."""
    import dataclasses
    import pickle

    from parc_xl.domain import submissions
    from parc_xl.domain.submissions import ReportedValues

    values = ReportedValues("1.1", "Đề nghị điều chỉnh", dt.date(2024, 1, 15), "QĐ 42", 99.5, "khó", "đề xuất",
                            dt.date(2024, 9, 30), "lý do")
    names = [f.name for f in dataclasses.fields(ReportedValues)]
    assert submissions._values_fields(values) == tuple(getattr(values, n) for n in names)
    assert pickle.loads(pickle.dumps(values)) == values
