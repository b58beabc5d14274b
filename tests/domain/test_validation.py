"""Values a unit types into its sheet: what they mean and what is wrong with them."""

from __future__ import annotations

import datetime as dt

import pytest

from parc_xl.domain.models import Progress
from parc_xl.domain.problems import Severity
from parc_xl.domain.validation import RawRow, check_row, parse_date, parse_figure, parse_progress

CELLS = {"progress": "I5", "completed_on": "J5", "evidence": "K5", "figure": "L5",
         "difficulties": "M5", "proposals": "N5"}
AS_OF = dt.date(2024, 3, 20)


def check(values: dict[str, object], *, role: str = "Chủ trì", target: str = "",
          formulas: frozenset[str] = frozenset(), as_of: dt.date | None = AS_OF):
    raw = RawRow(key="1.1", role=role, target=target, values=values, cells=CELLS, formulas=formulas)
    return check_row(raw, plan_year=2024, as_of=as_of, sheet="Báo cáo")


def flat(problems) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity.value, p.cell) for p in problems]


@pytest.mark.parametrize("text", [
    "15/3/2024", "15/03/2024", "15-03-2024", "15-3-2024", "15.3.2024", "15.03.2024", "15/03/24",
    "15 / 03 / 2024", "ngày 15 tháng 3 năm 2024", "Ngày 15 tháng 03 năm 2024", "15 tháng 3 năm 2024",
    "ngay 15 thang 3 nam 2024", "2024-03-15", "15/03/2024 00:00:00", 45366, 45366.0,
    dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 0, 0),
])
def test_day_first_dates_in_every_common_form(text: object) -> None:
    assert parse_date(text).value == dt.date(2024, 3, 15)


@pytest.mark.parametrize("text, code", [
    ("3/15/2024", "date-month-first"),
    ("03-15-2024", "date-month-first"),
    ("13/25/2024", "date-invalid"),
    ("31/02/2024", "date-invalid"),
    ("Quý I/2024", "date-invalid"),
    ("hôm qua", "date-invalid"),
    (12, "date-invalid"),
    (True, "date-invalid"),
])
def test_dates_refused(text: object, code: str) -> None:
    res = parse_date(text)
    assert res.value is None and res.code == code


def test_month_first_message_proposes_the_day_first_form() -> None:
    assert "15/03/2024" in parse_date("3/15/2024").detail


@pytest.mark.parametrize("value, percent, expected, scaled", [
    ("99,5%", True, 99.5, False),
    ("99,5", True, 99.5, False),
    ("99.5", True, 99.5, False),
    ("1.234", False, 1234.0, False),
    ("1.234.567", False, 1234567.0, False),
    ("1.234,5", False, 1234.5, False),
    (" 100 % ", True, 100.0, False),
    (0.995, True, 99.5, True),  # Excel percentage cell
    ("0,995", True, 99.5, True),
    (1, True, 100.0, True),
    (0.995, False, 0.995, False),  # no % target: a plain number
    (42, False, 42.0, False),
])
def test_figures(value: object, percent: bool, expected: float, scaled: bool) -> None:
    res = parse_figure(value, percent)
    assert res.value == pytest.approx(expected) and res.scaled is scaled


@pytest.mark.parametrize("value", ["khoảng 99", "đạt", "-5", dt.date(2024, 1, 1), True, "9x"])
def test_figures_refused(value: object) -> None:
    assert parse_figure(value, True).code == "figure-invalid"


@pytest.mark.parametrize("text, expected, how", [
    ("Đã hoàn thành", Progress.DONE, "exact"),
    ("đã hoàn thành", Progress.DONE, "loose"),
    ("DA HOAN THANH", Progress.DONE, "loose"),
    ("hoàn thành", Progress.DONE, "loose"),
    ("HT", Progress.DONE, "loose"),
    ("đã xong", Progress.DONE, "loose"),
    ("Xong", Progress.DONE, "loose"),
    ("đang làm", Progress.IN_PROGRESS, "loose"),
    ("Dang thuc hien", Progress.IN_PROGRESS, "loose"),
    ("chưa làm", Progress.NOT_STARTED, "loose"),
    ("Chưa triển khai", Progress.NOT_STARTED, "exact"),
    ("xin điều chỉnh", Progress.ADJUSTMENT_REQUESTED, "loose"),
    ("Tốt", None, "unknown"),
    ("Hoàn thành một phần", None, "unknown"),
])
def test_progress_values_and_synonyms(text: str, expected: Progress | None, how: str) -> None:
    assert parse_progress(text) == (expected, how)


def test_a_correct_done_row_has_no_problem() -> None:
    row, problems = check({"progress": "Đã hoàn thành", "completed_on": "15/03/2024",
                           "evidence": "Quyết định số 42/QĐ-UBND ngày 15/03/2024", "figure": "99,5%"},
                          target="≥ 99%")
    assert problems == []
    assert (row.progress, row.completed_on, row.figure) == (Progress.DONE, dt.date(2024, 3, 15), 99.5)


def test_synonym_is_accepted_with_a_warning_saying_what_was_understood() -> None:
    row, problems = check({"progress": "đã xong", "completed_on": "15/3/2024", "evidence": "QĐ 1"})
    assert row.progress is Progress.DONE
    assert flat(problems) == [("progress-synonym", "warning", "I5")]
    assert problems[0].message == ('Ô I5 (Tiến độ): "đã xong" được hiểu là "Đã hoàn thành"; '
                                   "lần sau hãy chọn từ danh sách.")


def test_unknown_progress_is_an_error_listing_the_choices() -> None:
    _, problems = check({"progress": "Tốt"})
    assert flat(problems) == [("progress-invalid", "error", "I5")]
    assert "Chưa triển khai, Đang thực hiện, Đã hoàn thành, Đề nghị điều chỉnh" in problems[0].message


def test_done_needs_date_and_evidence() -> None:
    _, problems = check({"progress": "Đã hoàn thành"})
    assert flat(problems) == [("completion-date-missing", "error", "J5"), ("evidence-missing", "error", "K5")]


def test_done_with_a_percent_target_and_no_figure_is_warned() -> None:
    _, problems = check({"progress": "Đã hoàn thành", "completed_on": "1/3/2024", "evidence": "BC 1"},
                        target="≥ 99%")
    assert flat(problems) == [("figure-missing", "warning", "L5")]


def test_month_first_date_is_an_error_on_its_cell() -> None:
    _, problems = check({"progress": "Đã hoàn thành", "completed_on": "3/15/2024", "evidence": "QĐ 1"})
    assert flat(problems) == [("date-month-first", "error", "J5")]
    assert problems[0].message.startswith("Ô J5 (Ngày hoàn thành): \"3/15/2024\" có vẻ")


def test_date_after_as_of_and_before_the_plan_year() -> None:
    _, future = check({"progress": "Đã hoàn thành", "completed_on": "25/03/2024", "evidence": "QĐ 1"})
    assert flat(future) == [("date-in-future", "error", "J5")]
    assert "sau ngày kiểm tra 20/03/2024" in future[0].message
    _, old = check({"progress": "Đã hoàn thành", "completed_on": "10/06/2023", "evidence": "QĐ 1"})
    assert flat(old) == [("date-before-plan-year", "error", "J5")]
    _, december = check({"progress": "Đã hoàn thành", "completed_on": "20/12/2023", "evidence": "QĐ 1"})
    assert flat(december) == [("date-before-plan-year", "warning", "J5")]


def test_not_started_with_a_completion_date_is_inconsistent() -> None:
    _, problems = check({"progress": "Chưa triển khai", "completed_on": "01/03/2024"})
    assert flat(problems) == [("not-started-with-date", "error", "J5")]


def test_in_progress_with_a_date_is_warned() -> None:
    _, problems = check({"progress": "Đang thực hiện", "completed_on": "01/03/2024"})
    assert flat(problems) == [("date-without-done", "warning", "J5")]


def test_content_without_progress_is_an_error_and_an_empty_lead_row_a_warning() -> None:
    _, problems = check({"evidence": "Kế hoạch 1"})
    assert flat(problems) == [("progress-missing", "error", "I5")]
    _, empty_lead = check({})
    assert flat(empty_lead) == [("not-reported", "warning", "I5")]
    _, empty_coord = check({}, role="Phối hợp")
    assert empty_coord == []


def test_fraction_for_a_percent_target_is_multiplied_with_a_warning() -> None:
    row, problems = check({"progress": "Đang thực hiện", "figure": 0.995}, target="≥ 99%")
    assert row.figure == pytest.approx(99.5)
    assert flat(problems) == [("figure-as-fraction", "warning", "L5")]
    assert "99,5%" in problems[0].message


def test_formula_in_a_fill_cell_is_an_error_and_its_value_ignored() -> None:
    row, problems = check({"progress": "Đang thực hiện", "figure": 99.5}, formulas=frozenset({"figure"}))
    assert row.figure is None
    assert flat(problems) == [("formula-in-fill", "error", "L5")]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+84 912", "-Kế hoạch", "@user", "\tBáo cáo",
                                  "\rBáo cáo"])
def test_formula_like_text_is_kept_as_text_and_warned(text: str) -> None:
    row, problems = check({"progress": "Đang thực hiện", "evidence": text})
    assert flat(problems) == [("formula-like-text", "warning", "K5")]
    assert row.evidence == text.strip()


def test_every_message_names_its_cell_and_is_vietnamese() -> None:
    _, problems = check({"progress": "Tốt", "completed_on": "hôm qua", "figure": "abc", "evidence": "=1"},
                        target="≥ 99%")
    assert {p.code for p in problems} == {"progress-invalid", "date-invalid", "figure-invalid", "formula-like-text"}
    for p in problems:
        assert p.message.startswith(f"Ô {p.cell} (") and p.severity in (Severity.ERROR, Severity.WARNING)


def test_a_reported_row_pickles_as_its_fields() -> None:
    """A worker sends its rows pickled (jobs/_isolation.py): every field comes back, in
    the constructor's order (a field added to ReportedRow must be added to its reduce)."""
    import copy
    import dataclasses
    import pickle

    from parc_xl.domain import validation
    from parc_xl.domain.validation import ReportedRow

    row = ReportedRow("1.1", "Chủ trì", Progress.ADJUSTMENT_REQUESTED, dt.date(2024, 1, 15), "QĐ 42", 99.5, "khó",
                      "đề xuất", dt.date(2024, 9, 30), "lý do", {"progress": "H5", "completed_on": "I5"})
    names = [f.name for f in dataclasses.fields(ReportedRow)]
    assert validation._row_fields(row) == tuple(getattr(row, n) for n in names)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(row, protocol))
        assert back == row and back.cells is not row.cells
    assert copy.deepcopy(row) == row and copy.copy(row) == row
