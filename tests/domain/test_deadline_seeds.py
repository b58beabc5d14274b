"""Every deadline cell of the seed plans keeps the reading it has today.

The seeds (../shared/seeds: 000 Sở Nội vụ TP.HCM 2024, 003 UBND huyện Hóc Môn 2024) are
imported with the real appendix reader and each distinct "Thời gian hoàn thành" cell is
parsed for the plan year 2024. The whole reading is pinned (kind, dates, recurrence,
limits, milestones and the exact wording of every warning): a change of the deadline
reader that moves any seed phrase fails here. Fields added to `Deadline` later keep
their defaults for these phrases (compared with ``exclude_defaults``), so a new field
only fails a pin when it changes what a seed phrase means.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parc_xl.domain.deadlines import parse
from parc_xl.io.plan_reader import read_appendix
from tests.conftest import seed_path

pytestmark = pytest.mark.seeds

PLAN_YEAR = 2024

# text as imported → parse(text, 2024).model_dump(mode="json", exclude_defaults=True)
PINNED: dict[str, dict[str, Any]] = {
    "": {"kind": "unspecified", "warnings": ["Thời gian hoàn thành để trống"]},
    "- Kiểm tra thường xuyên trong năm 2024 - Báo cáo trong tháng 11 năm 2024": {
        "kind": "date",
        "first_due": "2024-11-30",
        "due": "2024-12-31",
        "milestones": [
            {"label": "kiểm tra thường xuyên", "due": "2024-12-31"},
            {"label": "báo cáo", "due": "2024-11-30"},
        ],
    },
    "- Quý I năm 2024: trình và triển khai Kế hoạch. - Trong tháng 10 năm 2024: các sản phẩm còn lại.": {
        "kind": "date",
        "first_due": "2024-03-31",
        "due": "2024-10-31",
        "milestones": [
            {"label": "trình và triển khai Kế hoạch", "due": "2024-03-31"},
            {"label": "các sản phẩm còn lại", "due": "2024-10-31"},
        ],
    },
    "- Quý I: trình Kế hoạch - Quý II và quý III năm 2024 tiến hành kiểm tra và báo cáo kết quả": {
        "kind": "date",
        "first_due": "2024-03-31",
        "due": "2024-09-30",
        "milestones": [
            {"label": "trình Kế hoạch", "due": "2024-03-31"},
            {"label": "tiến hành kiểm tra và báo cáo kết quả", "due": "2024-09-30"},
        ],
    },
    "Hoàn thành trong quý II năm 2024": {"kind": "date", "first_due": "2024-06-30", "due": "2024-06-30"},
    "Hoàn thành trong tháng 10 năm 2024": {"kind": "date", "first_due": "2024-10-31", "due": "2024-10-31"},
    "Hàng quý": {"kind": "recurring", "first_due": "2024-03-31", "due": "2024-12-31", "recurrence": "quarterly"},
    "Khi có phát sinh (không quá 10 ngày làm việc kể từ ngày có thông tin thay đổi)": {
        "kind": "event",
        "relative_days": 10,
        "working_days": True,
    },
    "Khi có phát sinh, thay đổi nhân sự": {"kind": "event"},
    "Khi có văn bản chỉ đạo của Thành phố": {"kind": "event"},
    "Khi có văn bản chỉ đạo của Trung ương": {"kind": "event"},
    "Khi phát sinh Định kỳ hàng quý": {
        "kind": "recurring",
        "first_due": "2024-03-31",
        "due": "2024-12-31",
        "recurrence": "quarterly",
        "warnings": ["Theo dõi theo «Định kỳ hàng quý»; «Khi phát sinh» chỉ ghi nhận, không dùng để tính hạn"],
    },
    "Quý I năm 2024": {"kind": "date", "first_due": "2024-03-31", "due": "2024-03-31"},
    "Quý I năm 2024: ban hành Kế hoạch": {
        "kind": "date",
        "first_due": "2024-03-31",
        "due": "2024-03-31",
        "milestones": [{"label": "ban hành Kế hoạch", "due": "2024-03-31"}],
    },
    "Quý I/2024": {"kind": "date", "first_due": "2024-03-31", "due": "2024-03-31"},
    "Quý II năm 2024": {"kind": "date", "first_due": "2024-06-30", "due": "2024-06-30"},
    "Quý II năm 2024 ban hành kế hoạch Hoàn thành trong tháng 11 năm 2024": {
        "kind": "date",
        "first_due": "2024-06-30",
        "due": "2024-11-30",
        "milestones": [
            {"label": "ban hành kế hoạch", "due": "2024-06-30"},
            {"label": "hoàn thành", "due": "2024-11-30"},
        ],
    },
    "Quý II/2024": {"kind": "date", "first_due": "2024-06-30", "due": "2024-06-30"},
    "Sau khi Thành phố công bố Chỉ số CCHC": {"kind": "event"},
    "Sau khi công bố Chỉ số CCHC": {"kind": "event"},
    "Theo Kế hoạch": {
        "kind": "continuous",
        "warnings": ["Hạn theo văn bản khác («Theo Kế hoạch»): kế hoạch không ghi ngày cụ thể"],
    },
    "Theo Kế hoạch được duyệt": {
        "kind": "continuous",
        "warnings": ["Hạn theo văn bản khác («Theo Kế hoạch được duyệt»): kế hoạch không ghi ngày cụ thể"],
    },
    "Theo hướng dẫn của Bộ Nội vụ, Ủy ban nhân dân Thành phố": {
        "kind": "continuous",
        "warnings": [
            "Hạn theo văn bản khác («Theo hướng dẫn của Bộ Nội vụ, Ủy ban nhân dân Thành phố»): kế hoạch không ghi ngày cụ thể"
        ],
    },
    "Theo hướng dẫn của Sở Nội vụ": {
        "kind": "continuous",
        "warnings": ["Hạn theo văn bản khác («Theo hướng dẫn của Sở Nội vụ»): kế hoạch không ghi ngày cụ thể"],
    },
    "Thường xuyên": {"kind": "continuous"},
    "Thường xuyên Quý 1 năm 2024": {
        "kind": "date",
        "first_due": "2024-03-31",
        "due": "2024-03-31",
        "warnings": ["Theo dõi theo ngày 31/03/2024; «Thường xuyên» chỉ ghi nhận, không dùng để tính hạn"],
    },
    "Thực hiện định kỳ 06 tháng trong năm 2024": {
        "kind": "recurring",
        "first_due": "2024-06-30",
        "due": "2024-12-31",
        "recurrence": "semiannual",
    },
    "Trong Quý I năm 2024": {"kind": "date", "first_due": "2024-03-31", "due": "2024-03-31"},
    "Trong năm 2023": {
        "kind": "date",
        "first_due": "2023-12-31",
        "due": "2023-12-31",
        "warnings": ["Năm 2023 trước năm của kế hoạch (2024)"],
    },
    "Trong năm 2024": {"kind": "date", "first_due": "2024-12-31", "due": "2024-12-31"},
    "Trong năm 2024 và các năm tiếp theo": {"kind": "date", "first_due": "2024-12-31", "due": "2024-12-31"},
    "Trong quý II năm 2024": {"kind": "date", "first_due": "2024-06-30", "due": "2024-06-30"},
}


@pytest.fixture(scope="module")
def seed_deadline_texts(seeds_dir: Path) -> set[str]:
    texts: set[str] = set()
    for prefix in ("000", "003"):
        plan, problems = read_appendix(seed_path(seeds_dir, prefix), PLAN_YEAR)
        assert problems == []
        texts |= {t.deadline_text for t in plan.tasks}
    return texts


def test_every_seed_deadline_phrase_is_pinned(seed_deadline_texts: set[str]) -> None:
    assert sorted(seed_deadline_texts - set(PINNED)) == []
    assert sorted(set(PINNED) - seed_deadline_texts) == []


def test_seed_deadline_phrases_keep_their_reading(seed_deadline_texts: set[str]) -> None:
    changed = {
        text: parse(text, PLAN_YEAR).model_dump(mode="json", exclude_defaults=True)
        for text in sorted(seed_deadline_texts)
    }
    changed = {text: got for text, got in changed.items() if got != PINNED.get(text)}
    assert changed == {}
