"""A clerk's reading of deadline cells: every seed text, plus our own phrasings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pytest

from parc_xl.domain.deadlines import instance_due, parse, recurring_instances
from parc_xl.domain.models import Deadline, DeadlineKind, Recurrence
from parc_xl.domain.periods import Period
from parc_xl.domain.text import clean

PLAN_YEAR = 2024


class Case(NamedTuple):
    text: str
    kind: str
    first: str | None = None  # ISO
    due: str | None = None  # ISO
    rec: str | None = None
    rel: int | None = None
    wd: bool = False
    milestones: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()  # each expected warning contains this text, one per warning


def D(text: str, kind: str, first: str | None = None, due: str | None = None, **kw: object) -> Case:
    return Case(text, kind, first, due if due is not None else first, **kw)  # type: ignore[arg-type]


DEFER = "Hạn theo văn bản khác"
BEFORE_PLAN = "trước năm của kế hoạch (2024)"

# Every distinct "Thời gian hoàn thành" cell of seeds 000 (Sở Nội vụ TP.HCM 2024) and 003
# (UBND huyện Hóc Môn 2024), with what a clerk reads in it.
SEED_CASES = [
    D("- Kiểm tra thường xuyên trong năm 2024 - Báo cáo trong tháng 11 năm 2024", "date",
      "2024-11-30", "2024-12-31",
      milestones=(("kiểm tra thường xuyên", "2024-12-31"), ("báo cáo", "2024-11-30"))),
    D("- Quý I: trình Kế hoạch - Quý II và quý III năm 2024 tiến hành kiểm tra và báo cáo kết quả",
      "date", "2024-03-31", "2024-09-30",
      milestones=(("trình Kế hoạch", "2024-03-31"),
                  ("tiến hành kiểm tra và báo cáo kết quả", "2024-09-30"))),
    D('<ul style="list-style-type: none"> - Quý I năm 2024: trình và triển khai Kế hoạch. '
      "- Trong tháng 10 năm 2024: các sản phẩm còn lại.", "date", "2024-03-31", "2024-10-31",
      milestones=(("trình và triển khai Kế hoạch", "2024-03-31"),
                  ("các sản phẩm còn lại", "2024-10-31"))),
    D("Hoàn thành trong quý II năm 2024", "date", "2024-06-30"),
    D("Hoàn thành trong tháng 10 năm 2024", "date", "2024-10-31"),
    D("Hàng quý", "recurring", "2024-03-31", "2024-12-31", rec="quarterly"),
    D("Khi có phát sinh (không quá 10 ngày làm việc kể từ ngày có thông tin thay đổi)", "event",
      rel=10, wd=True),
    D("Khi có phát sinh, thay đổi nhân sự", "event"),
    D("Khi có văn bản chỉ đạo của Thành phố", "event"),
    D("Khi có văn bản chỉ đạo của Trung ương", "event"),
    D("Khi phát sinh Định kỳ hàng quý", "recurring", "2024-03-31", "2024-12-31", rec="quarterly",
      warnings=("«Khi phát sinh» chỉ ghi nhận",)),
    D("Quý I năm 2024", "date", "2024-03-31"),
    D("Quý I năm 2024: ban hành Kế hoạch", "date", "2024-03-31",
      milestones=(("ban hành Kế hoạch", "2024-03-31"),)),
    D("Quý I/2024", "date", "2024-03-31"),
    D("Quý II năm 2024", "date", "2024-06-30"),
    D("Quý II năm 2024 ban hành kế hoạch Hoàn thành trong tháng 11 năm 2024", "date",
      "2024-06-30", "2024-11-30",
      milestones=(("ban hành kế hoạch", "2024-06-30"), ("hoàn thành", "2024-11-30"))),
    D("Quý II/2024", "date", "2024-06-30"),
    D("Sau khi Thành phố công bố Chỉ số CCHC", "event"),
    D("Sau khi công bố Chỉ số CCHC", "event"),
    D("Theo Kế hoạch", "continuous", warnings=(DEFER,)),
    D("Theo Kế hoạch được duyệt", "continuous", warnings=(DEFER,)),
    D("Theo hướng dẫn của Bộ Nội vụ, Ủy ban nhân dân Thành phố", "continuous", warnings=(DEFER,)),
    D("Theo hướng dẫn của Sở Nội vụ", "continuous",
      warnings=("«Theo hướng dẫn của Sở Nội vụ»",)),
    D("Thường xuyên", "continuous"),
    D("Thường xuyên Quý 1 năm 2024", "date", "2024-03-31",
      warnings=("«Thường xuyên» chỉ ghi nhận",)),
    D("Thực hiện định kỳ 06 tháng", "recurring", "2024-06-30", "2024-12-31", rec="semiannual"),
    # seed 000 row 2.5: the cell continues after a page break ("trong năm 2024")
    D("Thực hiện định kỳ 06 tháng trong năm 2024", "recurring", "2024-06-30", "2024-12-31",
      rec="semiannual"),
    D("Trong Quý I năm 2024", "date", "2024-03-31"),
    D("Trong năm 2023", "date", "2023-12-31", warnings=("Năm 2023 " + BEFORE_PLAN,)),
    D("Trong năm 2024", "date", "2024-12-31"),
    D("Trong năm 2024 và các năm tiếp theo", "date", "2024-12-31"),
    D("Trong quý II năm 2024", "date", "2024-06-30"),
    D("trong năm 2024", "date", "2024-12-31"),
]

OWN_CASES = [
    # DOMAIN.md examples
    D("Theo từng Quý (Quý I, II, III) và tổng kết năm", "recurring", "2024-03-31", "2024-12-31",
      rec="quarterly"),
    D("Định kỳ hàng quý", "recurring", "2024-03-31", "2024-12-31", rec="quarterly"),
    D("Ban hành kế hoạch: Quý I/2023. Thực hiện: Trong năm 2023.", "date", "2023-03-31",
      "2023-12-31", milestones=(("ban hành kế hoạch", "2023-03-31"), ("thực hiện", "2023-12-31")),
      warnings=("Năm 2023 " + BEFORE_PLAN,)),
    D("Trước tháng 10 năm 2021", "date", "2021-09-30", warnings=("Năm 2021 " + BEFORE_PLAN,)),
    D("Quý III, IV năm 2023", "date", "2023-09-30", "2023-12-31",
      warnings=("Năm 2023 " + BEFORE_PLAN,)),
    D("Trong vòng 05 ngày làm việc khi có thay đổi nhân sự", "event", rel=5, wd=True),
    D("Cả năm", "date", "2024-12-31"),
    D("Cả năm 2023", "date", "2023-12-31", warnings=("Năm 2023 " + BEFORE_PLAN,)),
    # quarters written every which way
    D("quy 1 nam 2024", "date", "2024-03-31"),
    D("Quý 1", "date", "2024-03-31"),
    D("quý I", "date", "2024-03-31"),
    D("Q.I", "date", "2024-03-31"),
    D("QI/2024", "date", "2024-03-31"),
    D("Q1 2024", "date", "2024-03-31"),
    D("Q.II năm 2024", "date", "2024-06-30"),
    D("QUÝ IV NĂM 2024", "date", "2024-12-31"),
    D("Quý  II   /  2024.", "date", "2024-06-30"),
    D("- Quý III/2024", "date", "2024-09-30"),
    D("• Quý III/2024", "date", "2024-09-30"),
    D("<p>Quý II năm 2024</p>", "date", "2024-06-30"),
    D("Quí II năm 2024", "date", "2024-06-30"),
    D("Qúy II năm 2024", "date", "2024-06-30"),
    D("Quy III nam 2024", "date", "2024-09-30"),
    D("quý 02/2024", "date", "2024-06-30"),
    D("Quý I/2024 - Quý II/2024", "date", "2024-03-31", "2024-06-30"),
    D("Quý I/2024; Quý III/2024", "date", "2024-03-31", "2024-09-30"),
    D("Trước quý III", "date", "2024-06-30"),
    D("Quý hai năm 2024", "date", "2024-06-30"),
    D("quý tư", "date", "2024-12-31"),
    D("sáu tháng đầu năm", "date", "2024-06-30"),
    D("chín tháng năm 2024", "date", "2024-09-30"),
    D("đầu quý II", "date", "2024-04-30", warnings=("«đầu quý II» được hiểu là hạn 30/04/2024",)),
    D("Quý I năm 2025", "date", "2025-03-31", warnings=("Năm 2025 sau năm của kế hoạch (2024)",)),
    D("Quý I năm 2023", "date", "2023-03-31", warnings=("Năm 2023 " + BEFORE_PLAN,)),
    # months
    D("Tháng 7/2023", "date", "2023-07-31", warnings=("Năm 2023 " + BEFORE_PLAN,)),
    D("tháng 01", "date", "2024-01-31"),
    D("tháng 12", "date", "2024-12-31"),
    D("Tháng 01/2024", "date", "2024-01-31"),
    D("trong thang 10 nam 2024", "date", "2024-10-31"),
    D("Tháng 2 năm 2024", "date", "2024-02-29"),
    D("Trước tháng 1 năm 2025", "date", "2024-12-31"),
    D("đầu tháng 5", "date", "2024-05-10", warnings=("được hiểu là hạn 10/05/2024",)),
    D("giữa tháng 5 năm 2024", "date", "2024-05-15", warnings=("được hiểu là hạn 15/05/2024",)),
    D("cuối tháng 5", "date", "2024-05-31"),
    D("tháng 10, 11 năm 2024", "date", "2024-10-31", "2024-11-30"),
    D("từ tháng 3 đến tháng 6 năm 2024", "date", "2024-03-31", "2024-06-30"),
    # years and halves
    D("cuối năm", "date", "2024-12-31"),
    D("cuối năm 2024", "date", "2024-12-31"),
    D("Trong năm 2024.", "date", "2024-12-31"),
    D("trong nam 2024", "date", "2024-12-31"),
    D("Trong  năm  2024", "date", "2024-12-31"),
    D("Trong năm 2024;", "date", "2024-12-31"),
    D("Năm 2025", "date", "2025-12-31", warnings=("Năm 2025 sau năm của kế hoạch (2024)",)),
    D("Trước năm 2025", "date", "2024-12-31"),
    D("đầu năm 2024", "date", "2024-03-31", warnings=("được hiểu là hạn 31/03/2024",)),
    D("giữa năm", "date", "2024-06-30", warnings=("được hiểu là hạn 30/06/2024",)),
    D("6 tháng đầu năm", "date", "2024-06-30"),
    D("06 tháng đầu năm 2024", "date", "2024-06-30"),
    D("6 thang dau nam", "date", "2024-06-30"),
    D("6 tháng cuối năm", "date", "2024-12-31"),
    D("9 tháng/2024", "date", "2024-09-30"),
    # explicit dates, day first
    D("ngày 15/3/2024", "date", "2024-03-15"),
    D("trước 30/6/2024", "date", "2024-06-29"),
    D("chậm nhất ngày 15 tháng 3 năm 2024", "date", "2024-03-15"),
    D("Chậm nhất ngày 15/03/2024", "date", "2024-03-15"),
    D("15.3.2024", "date", "2024-03-15"),
    D("ngày 15/3", "date", "2024-03-15"),
    D("trước ngày 01/3/2024", "date", "2024-02-29"),
    D("Hoàn thành trước ngày 31/12/2024", "date", "2024-12-30"),
    D("ngày 5/11/24", "date", "2024-11-05"),
    D("ngay 15 thang 3", "date", "2024-03-15"),
    D("Hạn 15/12", "date", "2024-12-15"),
    D("Trước 15/12", "date", "2024-12-14"),
    # month/year and bare years as typed in Excel
    D("12/2024", "date", "2024-12-31"),
    D("trước 10/2024", "date", "2024-09-30"),
    D("2024", "date", "2024-12-31"),
    D("Trong 2024", "date", "2024-12-31"),
    D("Quý 4/2024", "date", "2024-12-31"),
    D("Kết thúc trong năm", "date", "2024-12-31"),
    D("Trong tháng 6/2024, báo cáo kết quả", "date", "2024-06-30"),
    # mixed milestones
    D("Xây dựng dự thảo: tháng 3/2024; Trình ban hành: tháng 6/2024", "date", "2024-03-31",
      "2024-06-30",
      milestones=(("xây dựng dự thảo", "2024-03-31"), ("trình ban hành", "2024-06-30"))),
    D("Ban hanh ke hoach: quy 1. Thuc hien: ca nam", "date", "2024-03-31", "2024-12-31",
      milestones=(("ban hanh ke hoach", "2024-03-31"), ("thuc hien", "2024-12-31"))),
    D("- Quý I/2024: khảo sát\n- Quý IV/2024: báo cáo", "date", "2024-03-31", "2024-12-31",
      milestones=(("khảo sát", "2024-03-31"), ("báo cáo", "2024-12-31"))),
    D("Ban hành kế hoạch: đầu quý II", "date", "2024-04-30",
      milestones=(("ban hành kế hoạch", "2024-04-30"),),
      warnings=("«đầu quý II» được hiểu là hạn 30/04/2024",)),
    # recurring
    D("Hằng tháng", "recurring", "2024-01-31", "2024-12-31", rec="monthly"),
    D("Định kỳ hằng năm", "recurring", "2024-12-31", rec="annual"),
    D("Hàng năm", "recurring", "2024-12-31", rec="annual"),
    D("Báo cáo 6 tháng một lần", "recurring", "2024-06-30", "2024-12-31", rec="semiannual"),
    D("dinh ky 6 thang", "recurring", "2024-06-30", "2024-12-31", rec="semiannual"),
    D("Định kỳ 6 tháng, hàng năm", "recurring", "2024-06-30", "2024-12-31", rec="semiannual",
      warnings=("bỏ qua «hàng năm»",)),
    D("Hàng năm, định kỳ 6 tháng", "recurring", "2024-12-31", rec="annual",
      warnings=("bỏ qua «định kỳ 6 tháng»",)),
    D("Hàng quý, bắt đầu từ quý II/2024", "recurring", "2024-03-31", "2024-12-31",
      rec="quarterly"),
    D("Báo cáo định kỳ hàng quý năm 2025", "recurring", "2025-03-31", "2025-12-31",
      rec="quarterly", warnings=("Năm 2025 sau năm",)),
    # events and limits
    D("Khi có yêu cầu", "event"),
    D("Đột xuất", "event"),
    D("khi co phat sinh (khong qua 10 ngay lam viec)", "event", rel=10, wd=True),
    D("Khi phát sinh, chậm nhất 15 ngày kể từ ngày nhận văn bản", "event", rel=15),
    D("không quá 10 ngày", "event", rel=10, warnings=("không nói tính từ khi nào",)),
    D("Trong vòng 05 ngày", "event", rel=5, warnings=("không nói tính từ khi nào",)),
    # continuous / deferred
    D("thuong xuyen", "continuous"),
    D("Liên tục", "continuous"),
    D("Theo kế hoạch", "continuous", warnings=(DEFER,)),
    D("theo chi dao cua UBND", "continuous", warnings=("«theo chi dao cua UBND»",)),
    D("Thường xuyên, theo hướng dẫn của Sở Nội vụ", "continuous", warnings=(DEFER,)),
    # unreadable or partly readable: say so, never guess
    D("Quý 5/2024", "unspecified", warnings=("«Quý 5/2024»",)),
    D("tháng 13/2024", "unspecified", warnings=("«tháng 13/2024»",)),
    D("ngày 32/13/2024", "unspecified", warnings=("«ngày 32/13/2024»",)),
    D("Sớm nhất có thể", "unspecified", warnings=("Không hiểu thời gian hoàn thành «Sớm nhất có thể»",)),
    D("abc", "unspecified", warnings=("«abc»",)),
    D("6 tháng", "unspecified", warnings=("«6 tháng»",)),
    D("Quý I/2024 và tháng 13", "date", "2024-03-31",
      warnings=("Chỉ đọc được một phần: không hiểu «tháng 13»",)),
    D("Quý I/20244", "date", "2024-03-31", warnings=("Chỉ đọc được một phần: không hiểu «/20244»",)),
    D("", "unspecified", warnings=("Thời gian hoàn thành để trống",)),
    D("   ", "unspecified", warnings=("Thời gian hoàn thành để trống",)),
    D("...", "unspecified", warnings=("Thời gian hoàn thành để trống",)),
]


def _check(case: Case, got: Deadline) -> None:
    assert got.kind == DeadlineKind(case.kind), got
    assert got.first_due == (dt.date.fromisoformat(case.first) if case.first else None), got
    assert got.due == (dt.date.fromisoformat(case.due) if case.due else None), got
    assert got.recurrence == (Recurrence(case.rec) if case.rec else None), got
    assert got.relative_days == case.rel, got
    assert got.working_days is case.wd, got
    assert [(m.label, m.due.isoformat()) for m in got.milestones] == list(case.milestones), got
    assert len(got.warnings) == len(case.warnings), got.warnings
    for expected, warning in zip(case.warnings, got.warnings, strict=True):
        assert expected in warning, got.warnings


@pytest.mark.parametrize("case", SEED_CASES, ids=[c.text[:50] for c in SEED_CASES])
def test_seed_deadline(case: Case) -> None:
    _check(case, parse(case.text, PLAN_YEAR))


@pytest.mark.parametrize("case", OWN_CASES, ids=[c.text[:50] or "<empty>" for c in OWN_CASES])
def test_own_phrasing(case: Case) -> None:
    _check(case, parse(case.text, PLAN_YEAR))


def test_enough_own_phrasings() -> None:
    assert len(OWN_CASES) >= 60


def _seed_deadline_cells(path: Path, first_line: int) -> set[str]:
    """Column 6 of the appendix's tab-separated rows, from the table start to its end."""
    lines = path.read_text(encoding="utf-8").splitlines()[first_line - 1:]
    cells: set[str] = set()
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) == 1 and line.strip():
            break  # the signature block after the table
        if len(parts) >= 6 and parts[0].strip().upper() != "STT" and parts[5].strip():
            cells.add(clean(parts[5]))
    return cells


def test_every_seed_deadline_text_is_in_the_table(seeds_dir: Path) -> None:
    found = _seed_deadline_cells(next(seeds_dir.glob("000_*.txt")), 427)
    found |= _seed_deadline_cells(next(seeds_dir.glob("003_*.txt")), 435)
    assert len(found) > 25
    covered = {clean(c.text) for c in SEED_CASES}
    assert sorted(found - covered) == []


def test_json_shape_for_the_cli() -> None:
    got = parse("Ban hành kế hoạch: Quý I/2024. Thực hiện: Trong năm 2024.", 2024)
    data = got.model_dump(mode="json")
    assert data["kind"] == "date"
    assert data["first_due"] == "2024-03-31" and data["due"] == "2024-12-31"
    assert data["milestones"] == [
        {"label": "ban hành kế hoạch", "due": "2024-03-31"},
        {"label": "thực hiện", "due": "2024-12-31"},
    ]


def test_missing_year_takes_the_plan_year() -> None:
    assert parse("Quý II", 2025).due == dt.date(2025, 6, 30)
    assert parse("cuối năm", 2026).due == dt.date(2026, 12, 31)


def test_none_is_empty() -> None:
    assert parse(None, 2024).warnings == ["Thời gian hoàn thành để trống"]


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("Hàng quý", "2024-Q1", "2024-03-31"),
        ("Hàng quý", "2024-H1", "2024-06-30"),
        ("Hàng quý", "2024-Q3", "2024-09-30"),
        ("Hàng quý", "2024-Y", "2024-12-31"),
        ("Định kỳ 06 tháng", "2024-Q1", "2024-06-30"),
        ("Định kỳ 06 tháng", "2024-H1", "2024-06-30"),
        ("Định kỳ 06 tháng", "2024-Q3", "2024-12-31"),
        ("Định kỳ 06 tháng", "2024-Y", "2024-12-31"),
        ("Hàng năm", "2024-Q1", "2024-12-31"),
        ("Hàng năm", "2024-H1", "2024-12-31"),
        ("Hằng tháng", "2024-Q3", "2024-09-30"),
        ("Hằng tháng", "2025-Q1", "2025-03-31"),
        ("Quý II/2024", "2024-Q1", "2024-06-30"),
        ("Ban hành kế hoạch: Quý I/2024. Thực hiện: Trong năm 2024.", "2024-H1", "2024-12-31"),
    ],
)
def test_instance_due(text: str, period: str, expected: str) -> None:
    assert instance_due(parse(text, 2024), Period.parse(period)) == dt.date.fromisoformat(expected)


def test_instance_due_without_a_date() -> None:
    assert instance_due(parse("Thường xuyên", 2024), Period.parse("2024-Y")) is None


def test_recurring_instances() -> None:
    assert recurring_instances(Recurrence.SEMIANNUAL, 2024) == [dt.date(2024, 6, 30), dt.date(2024, 12, 31)]
    assert len(recurring_instances(Recurrence.MONTHLY, 2024)) == 12
