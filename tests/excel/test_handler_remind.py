"""Ribbon «Đôn đốc» and the «Tạo mẫu đơn vị» mail question, Excel faked, jobs real."""

from __future__ import annotations

import datetime as dt
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest

import parc_xl.excel.handlers as h
from tests.excel.fake_bridge import FakeBook, FakeBridge

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import UNITS, make_office  # noqa: E402

TODAY = dt.date(2026, 4, 10)
Q1 = "2026-Q1"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_office(tmp_path_factory.mktemp("remind_button") / "vp")


def test_the_button_writes_a_letter_and_a_draft_for_every_unit_that_sent_nothing(master: Path,
                                                                                 tmp_path: Path) -> None:
    fake = FakeBridge(FakeBook(master), answers=[Q1, "10/04/2026"])
    out = tmp_path / "don_doc"
    try:
        result = h.dispatch("remind", bridge=fake, today=TODAY, out_dir=out)
    finally:
        fake.release()
    assert result is not None, fake.alerts
    emails = {u[0]: u[4] for u in UNITS}
    assert [x.unit for x in result.letters] == list(emails)  # nobody sent the Q1 return
    for x in result.letters:
        msg = message_from_bytes(Path(str(x.eml)).read_bytes(), policy=policy.default)
        assert msg["To"] == emails[x.unit] and msg["X-Unsent"] == "1"
        [att] = list(msg.iter_attachments())
        assert att.get_filename() == Path(x.file).name
        assert att.get_payload(decode=True) == Path(x.file).read_bytes()
    [(style, text)] = fake.alerts
    assert style == "info" and text.startswith("Đã tạo 11 văn bản đôn đốc (Quý I/2026, tính đến ngày 10/04/2026)")
    assert fake.events == []  # nothing saved, closed or reopened: the master is only read


def test_cancelling_the_period_or_the_date_writes_nothing(master: Path, tmp_path: Path) -> None:
    for answers in ([None], [Q1, None]):
        fake = FakeBridge(FakeBook(master), answers=answers)
        try:
            assert h.dispatch("remind", bridge=fake, today=TODAY, out_dir=tmp_path / "dd") is None
        finally:
            fake.release()
        assert fake.alerts == [] and not (tmp_path / "dd").exists()


def test_a_period_of_another_year_is_a_vietnamese_message(master: Path, tmp_path: Path) -> None:
    fake = FakeBridge(FakeBook(master), answers=["2025-Q1", "10/04/2026"])
    try:
        assert h.dispatch("remind", bridge=fake, today=TODAY, out_dir=tmp_path / "dd") is None
    finally:
        fake.release()
    [(style, text)] = fake.alerts
    assert style == "critical" and "không thuộc kế hoạch năm 2026" in text
    assert not (tmp_path / "dd").exists()


def test_units_generate_without_the_drafts_when_the_clerk_says_no(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "gui"
    fake = FakeBridge(FakeBook(master), answers=[Q1], yes_no=["no"])
    try:
        result = h.dispatch("units_generate", bridge=fake, today=TODAY, out_dir=out)
    finally:
        fake.release()
    assert result is not None and result.drafts == [] and result.no_address == []
    assert sorted(out.glob("*.xlsx")) and not list(out.glob("*.eml"))
    assert fake.alerts[0] == ("info", h.MAIL_QUESTION)
    fake = FakeBridge(FakeBook(master), answers=[Q1], yes_no=["yes"])
    try:
        result = h.dispatch("units_generate", bridge=fake, today=TODAY, out_dir=tmp_path / "gui2")
    finally:
        fake.release()
    assert {d.unit for d in result.drafts} == {u[0] for u in UNITS}
