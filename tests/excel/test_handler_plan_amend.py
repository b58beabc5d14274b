"""The «Điều chỉnh kế hoạch» button with Excel faked and the job real: the clerk sees the
preview, is asked the date and reference, confirms, and the open master is released while
the job rewrites it; declining or an unsure match writes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import parc_xl.excel.handlers as h
from parc_xl.io import master_layout as layout
from parc_xl.jobs import plan_import
from parc_xl.samples import SAMPLES_DIR
from tests.excel.fake_bridge import FakeBook, FakeBridge

TODAY = dt.date(2026, 7, 1)
REF = "Quyết định số 123/QĐ-UBND ngày 01/7/2026"


def _amended(text: str, folder: Path, *, rewrite: bool = False) -> Path:
    lines = []
    for line in text.split("\n"):
        if line.startswith("1.5\t"):
            continue
        if line.startswith("1.6\t"):
            line = "1.5" + line[3:]
        if rewrite and line.startswith("4.4\t"):
            line = line.replace("Kiểm tra việc thực hiện chức năng, nhiệm vụ của các cơ quan chuyên môn thuộc Ủy ban "
                                "nhân dân huyện.", "Kiểm tra thực hiện chức năng, nhiệm vụ, quyền hạn của cơ quan "
                                "chuyên môn cấp huyện.")
        lines.append(line)
    out = folder / "ke_hoach_sua_doi.txt"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    master = tmp_path_factory.mktemp("base") / "So tong hop.xlsx"
    plan_import.run(SAMPLES_DIR / "ke_hoach_mau.txt", 2026, master)
    return master


def _copy(base: Path, tmp_path: Path) -> Path:
    dst = tmp_path / base.name
    shutil.copy2(base, dst)
    return dst


def test_preview_then_confirm_applies_with_the_book_closed(base: Path, tmp_path: Path) -> None:
    master = _copy(base, tmp_path)
    source = _amended((SAMPLES_DIR / "ke_hoach_mau.txt").read_text(encoding="utf-8"), tmp_path)
    bridge = FakeBridge(FakeBook(master), answers=["01/07/2026", REF], yes_no=["yes"])
    result = h.dispatch("plan_amend", bridge=bridge, today=TODAY, source=source)
    assert result is not None and result.written and result.reference == REF
    assert result.effective == TODAY
    assert [q[0] for q in bridge.questions] == [
        "Ngày văn bản điều chỉnh có hiệu lực (ngày/tháng/năm):",
        "Số, ngày của văn bản điều chỉnh (ví dụ: Quyết định số 123/QĐ-UBND ngày 15/6/2026):"]
    preview, done = bridge.alerts[0][1], bridge.alerts[-1][1]
    assert preview.startswith("Xem trước điều chỉnh kế hoạch (chưa ghi gì)") and preview.endswith("Ghi các thay đổi này vào sổ?")
    assert "− Bãi bỏ 1.5" in preview
    assert done.startswith(f"Đã điều chỉnh kế hoạch theo {REF}: bổ sung 0 nhiệm vụ, bãi bỏ 1")
    assert bridge.events.index("close") < bridge.events.index(f"open {master.name}")
    assert f"activate {layout.SHEET_PLAN}" in bridge.events


def test_declining_writes_nothing(base: Path, tmp_path: Path) -> None:
    master = _copy(base, tmp_path)
    source = _amended((SAMPLES_DIR / "ke_hoach_mau.txt").read_text(encoding="utf-8"), tmp_path)
    before = master.read_bytes()
    bridge = FakeBridge(FakeBook(master), answers=["01/07/2026", REF], yes_no=["no"])
    assert h.dispatch("plan_amend", bridge=bridge, today=TODAY, source=source) is None
    assert master.read_bytes() == before and "close" not in bridge.events
    assert bridge.alerts[-1] == ("info", "Chưa điều chỉnh kế hoạch: sổ không thay đổi.")


def test_an_unsure_match_is_shown_and_nothing_is_asked(base: Path, tmp_path: Path) -> None:
    master = _copy(base, tmp_path)
    source = _amended((SAMPLES_DIR / "ke_hoach_mau.txt").read_text(encoding="utf-8"), tmp_path, rewrite=True)
    before = master.read_bytes()
    bridge = FakeBridge(FakeBook(master))
    result = h.dispatch("plan_amend", bridge=bridge, today=TODAY, source=source)
    assert result is not None and not result.written and master.read_bytes() == before
    assert not bridge.questions and len(bridge.alerts) == 1
    style, text = bridge.alerts[0]
    assert style == "warning" and "? Chưa chắc: 4.4" in text and "--match" in text
