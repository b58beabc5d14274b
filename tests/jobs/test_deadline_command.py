"""`parc-xl deadline TEXT --year Y`: the reading in Vietnamese a clerk can check, and --json."""

from __future__ import annotations

import json

import pytest

from parc_xl.cli import main


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["deadline", *args]) == 0
    return capsys.readouterr().out


def test_a_recurring_day_is_shown_with_every_instance(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(capsys, "trước ngày 18 của tháng cuối mỗi quý", "--year", "2025")
    assert out.splitlines() == [
        "«trước ngày 18 của tháng cuối mỗi quý» (kế hoạch năm 2025)",
        "  Loại: định kỳ — hằng quý",
        "  Hạn mỗi kỳ: ngày 17, tháng 3, 6, 9, 12",
        "  Các hạn: 17/03/2025, 17/06/2025, 17/09/2025, 17/12/2025",
        "  Không có cảnh báo",
    ]


def test_named_months_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(capsys, "tháng 5 và tháng 11 hằng năm", "--year", "2025")
    assert "  Loại: định kỳ — 6 tháng một lần" in out
    assert "  Hạn mỗi kỳ: ngày cuối tháng, tháng 5, 11" in out
    assert "  Các hạn: 31/05/2025, 30/11/2025" in out


def test_an_ambiguous_range_shows_its_dates_and_the_warning(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _out(capsys, "8-9/2025", "--year", "2025").splitlines()
    assert lines[1:] == [
        "  Loại: có hạn cụ thể",
        "  Hạn đầu: 31/08/2025",
        "  Hạn: 30/09/2025",
        "  Cảnh báo: «8-9/2025» được hiểu là tháng 8–9/2025 (hạn 30/09/2025), không phải ngày 08/09/2025",
    ]


def test_months_in_the_next_year_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(capsys, "Báo cáo quý trước ngày 15 của tháng đầu quý sau", "--year", "2025")
    assert "  Hạn mỗi kỳ: ngày 14, tháng 4, 7, 10, 1 (năm sau)\n" in out
    assert "  Các hạn: 14/04/2025, 14/07/2025, 14/10/2025, 14/01/2026\n" in out


def test_a_span_shows_the_tracked_due_and_its_end(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(capsys, "Giai đoạn 2022 - 2026", "--year", "2025")
    assert "  Hạn: 31/12/2025\n" in out and "  Kết thúc giai đoạn: 31/12/2026\n" in out


def test_an_event_with_a_limit(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(capsys, "Khi có phát sinh (không quá 10 ngày làm việc)", "--year", "2025")
    assert "  Loại: khi phát sinh sự việc" in out and "  Trong vòng: 10 ngày làm việc" in out


def test_json_carries_the_new_fields(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out(capsys, "báo cáo hằng tháng trước ngày 22", "--year", "2025", "--json"))
    assert (data["kind"], data["recurrence"], data["day_of_month"], data["months"]) == (
        "recurring", "monthly", 21, [])
    assert (data["first_due"], data["due"]) == ("2025-01-21", "2025-12-21")
