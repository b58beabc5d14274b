"""Nơi nhận of the report: what the clerk types, and what the ribbon offers first."""

from __future__ import annotations

from parc_xl.domain.report_content import default_recipients, split_recipients


def test_typed_addressees_are_split_on_semicolons_only() -> None:
    # commas belong to names ("Phòng Tổ chức, biên chế"): never split on them
    assert split_recipients(" UBND Thành phố ;Sở Nội vụ (Phòng Tổ chức, biên chế); ;") == [
        "UBND Thành phố", "Sở Nội vụ (Phòng Tổ chức, biên chế)"]
    assert split_recipients("") == [] and split_recipients(None) == []


def test_the_first_offer_is_the_body_that_collects_reform_reports() -> None:
    assert default_recipients("Ủy ban nhân dân huyện Hóc Môn") == "Sở Nội vụ"
    assert default_recipients("Sở Nội vụ Thành phố Hồ Chí Minh") == "Ủy ban nhân dân Thành phố; Bộ Nội vụ"
    assert default_recipients("SỞ NỘI VỤ TỈNH BÌNH DƯƠNG") == "Ủy ban nhân dân tỉnh; Bộ Nội vụ"


def test_the_last_report_addressees_come_first() -> None:
    assert default_recipients("Ủy ban nhân dân huyện Hóc Môn", " UBND Thành phố; Sở Nội vụ ") == \
        "UBND Thành phố; Sở Nội vụ"
