"""The real plans in ../shared/seeds import to the numbers a clerk counts by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from parc_xl.domain.models import Plan
from parc_xl.io.plan_reader import read_appendix
from tests.conftest import seed_path

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def plan000(seeds_dir: Path) -> Plan:
    plan, problems = read_appendix(seed_path(seeds_dir, "000"), 2024)
    assert problems == []
    return plan


@pytest.fixture(scope="module")
def plan003(seeds_dir: Path) -> Plan:
    plan, problems = read_appendix(seed_path(seeds_dir, "003"), 2024)
    assert problems == []
    return plan


def test_000_counts(plan000: Plan) -> None:
    assert len(plan000.tasks) == 89
    assert [a.code for a in plan000.areas] == ["1", "2", "3", "4", "5", "6", "7"]
    assert plan000.areas[6].title == "Công tác xây dựng và phát triển chính quyền điện tử, chính quyền số"
    assert plan000.issuer == "Sở Nội vụ"
    assert plan000.title == "Kế hoạch thực hiện công tác cải cách hành chính của Sở Nội vụ năm 2024"
    assert len({t.key for t in plan000.tasks}) == 89


def test_000_second_rows_are_their_own_tasks(plan000: Plan) -> None:
    keys = [t.key for t in plan000.tasks]
    assert keys[:4] == ["1.1", "1.1#1", "1.2", "1.3"]
    second = plan000.task("1.1#1")
    assert second.task == "Kiện toàn Ban Chỉ đạo và Tổ Công tác Ban Chỉ đạo CCHC Sở Nội vụ."
    assert (second.lead, second.coord, second.deadline_text) == ("Văn phòng Sở", "Các tổ chức thuộc, trực thuộc Sở", "")
    assert second.parent == "1.1" and second.area == "1"
    six = plan000.task("1.6#1")
    assert six.task == (
        "Triển khai các giải pháp, khắc phục hạn chế, thiết sót sau khi Ủy ban nhân dân Thành phố công bố Chỉ số CCHC"
    )
    assert six.lead == "Văn phòng Sở"
    assert keys.index("1.6#1") == keys.index("1.6") + 1


def test_000_page_break_pieces_are_joined(plan000: Plan) -> None:
    t16 = plan000.task("1.6")
    assert t16.lead == "Sở Nội vụ (Phòng Cải cách hành chính) tham mưu Ủy ban nhân dân Thành phố"
    assert t16.coord == "Thủ trưởng sở, ban, ngành; Chủ tịch UBND quận, huyện, thành phố Thủ Đức"
    t19 = plan000.task("1.9")
    assert t19.task.endswith("cách làm hay để tham mưu, áp dụng vào thực tiễn của Thành phố")
    assert t19.deadline_text == "Quý II năm 2024 ban hành kế hoạch Hoàn thành trong tháng 11 năm 2024"
    t25 = plan000.task("2.5")
    assert t25.task.startswith("Theo dõi, đôn đốc tiến độ xây dựng")
    assert "Danh mục văn bản quy định chi tiết luật, nghị quyết của Quốc" in t25.task
    assert t25.coord == "Các tổ chức thuộc và trực thuộc Sở"
    assert t25.deadline_text == "Thực hiện định kỳ 06 tháng trong năm 2024"
    # the joined pieces are not tasks of their own
    assert not any(t.task.startswith(("hay để tham mưu", "Danh mục văn bản quy định")) for t in plan000.tasks)


def test_000_heading_with_four_subtasks(plan000: Plan) -> None:
    assert plan000.task("1.14") is None
    subs = [t for t in plan000.tasks if t.parent == "1.14"]
    assert [t.key for t in subs] == ["1.14#1", "1.14#2", "1.14#3", "1.14#4"]
    assert subs[0].task.startswith("1. Kiểm tra, khảo sát CCHC định kỳ 40%")
    assert subs[3].task.startswith("4. Rà soát và tổ chức thực hiện")
    assert all(t.stt == "" and t.area == "1" for t in subs)


def test_000_deadline_texts_kept_exactly(plan000: Plan) -> None:
    assert plan000.task("7.6").deadline_text == "Trong năm 2023"
    assert plan000.task("7.11").deadline_text == ""
    assert plan000.task("1.12").product == "- Kế hoạch - Công văn"  # HTML list debris removed
    assert all("<" not in t.task + t.product + t.lead + t.coord + t.deadline_text for t in plan000.tasks)


def test_003_counts_and_hierarchy(plan003: Plan) -> None:
    assert len(plan003.tasks) == 87
    assert len(plan003.areas) == 7
    assert plan003.issuer == "Ủy ban nhân dân huyện Hóc Môn"
    assert plan003.task("1.4") is None
    assert [t.key for t in plan003.tasks if t.parent == "1.4"] == ["1.4.1", "1.4.2"]
    assert plan003.task("7.16").area == "7"
    assert not any("#" in t.key for t in plan003.tasks)


def test_reimport_gives_identical_keys(seeds_dir: Path, plan000: Plan) -> None:
    again, _ = read_appendix(seed_path(seeds_dir, "000"), 2024)
    assert [t.key for t in again.tasks] == [t.key for t in plan000.tasks]
