"""Receipt order that a wrong clock cannot freeze (issue 13 item 5).

- a return whose time is in the future (the unit's clock) used to rank above every later
  correction from that unit for ever ("older-return"); its time is now capped at the
  merge's own time, with a `received-in-future` warning, and the next correction wins;
- two returns with the same time were both refused, and the one the clerk kept was then
  refused for ever as "already-rejected"; the conflict now ends when the clerk removes a
  file (or the unit sends a newer one);
- `--partial` recorded «Chấp nhận» and exit 0 while leaving structural errors out; it now
  says what it dropped (`partial-dropped`), logs «Chấp nhận một phần» and exits 1.
The rule itself is `receive` in parc_xl/domain/submissions.py.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office, table  # noqa: E402

from parc_xl.domain.submissions import receive  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.ooxml import XlsxPackage, col_letter  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)


def progress(master: Path, key: str = "1.1", unit: str = "PNV") -> object:
    return next(r["Tiến độ"] for r in table(master, L.SHEET_TRACKING)
                if str(r["Khóa"]) == key and r["Mã đơn vị"] == unit)


def log(master: Path) -> dict[str, dict[str, object]]:
    return {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}


@pytest.fixture
def office(tmp_path: Path) -> dict[str, Path]:
    master = make_office(tmp_path / "vp")
    units_generate.run(master, Q1, tmp_path / "gui", ["PNV"])
    return {"master": master, "blank": tmp_path / "gui" / f"{Q1}_PNV.xlsx", "inbox": tmp_path / "hop_thu"}


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def test_the_rule_caps_a_time_after_the_merge_at_the_merge() -> None:
    now = dt.datetime(2026, 3, 20, 9, 0)
    late_clock = dt.datetime(2027, 1, 1, 8, 0)
    assert receive(None, None, late_clock, now).at == now and receive(None, None, late_clock, now).in_future
    mail = dt.datetime(2026, 3, 18, 7, 30)
    assert receive(mail, None, late_clock, now).at == mail and not receive(mail, None, late_clock, now).in_future
    assert receive(None, late_clock, mail, now).at == now  # --received in the future: the same rule


def test_a_return_from_a_clock_in_the_future_does_not_freeze_the_units_corrections(office: dict[str, Path]) -> None:
    inbox = office["inbox"]
    first = fill_return(office["blank"], inbox / "pnv_lan1.xlsx", {"1.1": {"progress": "Chưa triển khai"}},
                        _now() + dt.timedelta(days=300))
    result = merge.run(office["master"], inbox, Q1, as_of=AS_OF)
    assert [Path(f).name for f in result.accepted] == ["pnv_lan1.xlsx"]
    [warn] = [p for p in result.problems if p.code == "received-in-future"]
    assert "pnv_lan1.xlsx" in warn.message and "đồng hồ" in warn.message and warn.severity.value == "warning"
    logged = log(office["master"])["pnv_lan1.xlsx"]["Nhận lúc"]
    assert isinstance(logged, dt.datetime) and logged <= _now()  # capped at the merge, not 300 days ahead
    assert progress(office["master"]) == "Chưa triển khai"

    first.unlink()
    fill_return(office["blank"], inbox / "pnv_lan2.xlsx", {"1.1": {"progress": "Đang thực hiện"}}, _now())
    again = merge.run(office["master"], inbox, Q1, as_of=AS_OF)
    assert [Path(f).name for f in again.accepted] == ["pnv_lan2.xlsx"]
    assert not [p for p in again.problems if p.code == "older-return"]
    assert progress(office["master"]) == "Đang thực hiện"


def test_a_future_time_already_in_the_log_ranks_nothing_and_is_named(office: dict[str, Path]) -> None:
    """A master logged before the cap (or a time typed ahead): that row no longer outranks the next return."""
    inbox = office["inbox"]
    first = fill_return(office["blank"], inbox / "pnv_lan1.xlsx", {"1.1": {"progress": "Chưa triển khai"}},
                        dt.datetime(2026, 3, 10, 9))
    merge.run(office["master"], inbox, Q1, as_of=AS_OF)
    header = CalamineWorkbook.from_path(str(office["master"])).get_sheet_by_name(L.SHEET_SUBMISSIONS).to_python()[0]
    cell = f"{col_letter(header.index('Nhận lúc') + 1)}2"
    pkg = XlsxPackage.open(office["master"])
    pkg.sheet(L.SHEET_SUBMISSIONS).set_value(cell, dt.datetime(2099, 1, 1, 8, 0))
    pkg.save()
    first.unlink()
    fill_return(office["blank"], inbox / "pnv_lan2.xlsx", {"1.1": {"progress": "Đang thực hiện"}},
                dt.datetime(2026, 3, 12, 9))
    result = merge.run(office["master"], inbox, Q1, as_of=AS_OF)
    assert progress(office["master"]) == "Đang thực hiện"
    [warn] = [p for p in result.problems if p.code == "received-in-future"]
    assert warn.cell == cell and "01/01/2099" in warn.message and warn.sheet == L.SHEET_SUBMISSIONS


def _conflict(office: dict[str, Path]) -> tuple[Path, Path]:
    at = dt.datetime(2026, 3, 10, 10)
    a = fill_return(office["blank"], office["inbox"] / "a.xlsx", {"1.1": {"progress": "Đang thực hiện"}}, at)
    b = fill_return(office["blank"], office["inbox"] / "b.xlsx", {"1.1": {"progress": "Chưa triển khai"}}, at)
    result = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert result.accepted == [] and {p.code for r in result.rejected for p in r.issues} >= {"conflict"}
    return a, b


def test_a_conflict_ends_when_the_clerk_removes_one_file(office: dict[str, Path]) -> None:
    a, b = _conflict(office)
    rows_before = len(table(office["master"], L.SHEET_SUBMISSIONS))
    still = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)  # nothing chosen yet
    assert {Path(r.file).name: r.issues[0].code for r in still.rejected} == {"a.xlsx": "conflict",
                                                                               "b.xlsx": "conflict"}
    assert len(table(office["master"], L.SHEET_SUBMISSIONS)) == rows_before  # no second log row
    b.unlink()  # the clerk keeps a.xlsx
    chosen = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert [Path(f).name for f in chosen.accepted] == ["a.xlsx"] and chosen.rejected == []
    assert chosen.exit_code == 0
    assert progress(office["master"]) == "Đang thực hiện"
    outcomes = [(r["Tệp"], r["Kết quả"]) for r in table(office["master"], L.SHEET_SUBMISSIONS)]
    assert outcomes[-1] == ("a.xlsx", merge.ACCEPTED)


def test_a_conflict_ends_when_the_unit_sends_a_newer_file(office: dict[str, Path]) -> None:
    _conflict(office)
    fill_return(office["blank"], office["inbox"] / "c.xlsx", {"1.1": {"progress": "Đã hoàn thành",
                "completed_on": dt.date(2026, 3, 11), "evidence": "Kế hoạch số 3/KH-PNV"}}, dt.datetime(2026, 3, 11, 9))
    result = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert [Path(f).name for f in result.accepted] == ["c.xlsx"]
    assert sorted(Path(f).name for f in result.superseded) == ["a.xlsx", "b.xlsx"]
    assert result.rejected == [] and result.exit_code == 0
    assert progress(office["master"]) == "Đã hoàn thành"


def test_a_file_refused_for_its_content_stays_refused_without_a_new_log_row(office: dict[str, Path]) -> None:
    fill_return(office["blank"], office["inbox"] / "sai.xlsx",
                {"1.1": {"progress": "Đã hoàn thành", "completed_on": "3/25/2026", "evidence": "KH 1"}},
                dt.datetime(2026, 3, 10, 10))
    first = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert first.accepted == [] and first.rejected[0].issues[0].code != "already-rejected"
    rows = len(table(office["master"], L.SHEET_SUBMISSIONS))
    again = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert [p.code for p in again.rejected[0].issues] == ["already-rejected"]
    assert len(table(office["master"], L.SHEET_SUBMISSIONS)) == rows


def test_partial_says_what_it_dropped_and_is_not_a_success(office: dict[str, Path]) -> None:
    """A deleted row is a structural error with no row to drop: --partial used to log
    «Chấp nhận», exit 0, and the error was in no result."""
    path = fill_return(office["blank"], office["inbox"] / "pnv.xlsx",
                       {"1.1": {"progress": "Đang thực hiện"}, "1.2": {"progress": "Đang thực hiện"},
                        "1.3": {"progress": "Chưa triển khai"}}, dt.datetime(2026, 3, 10, 10))
    wb = load_workbook(path)
    ws = wb["Báo cáo"]
    key_col = [c.value for c in ws[4]].index("Khóa") + 1  # the row key's column, found by its header
    row = next(r for r in range(5, ws.max_row + 1) if str(ws.cell(r, key_col).value) == "1.3")
    ws.delete_rows(row)
    wb.save(path)
    stamp = dt.datetime(2026, 3, 10, 10).timestamp()
    os.utime(path, (stamp, stamp))

    strict = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF)
    assert strict.accepted == [] and strict.exit_code == 1
    result = merge.run(office["master"], office["inbox"], Q1, as_of=AS_OF, partial=True)
    assert [Path(f).name for f in result.accepted] == ["pnv.xlsx"]
    assert result.exit_code == 1
    [rejected] = result.rejected
    dropped = rejected.issues[0]
    assert dropped.code == "partial-dropped" and "nhiệm vụ 1.3" in dropped.message
    assert "row-deleted" in {p.code for p in rejected.issues}
    entry = [r for r in table(office["master"], L.SHEET_SUBMISSIONS) if r["Tệp"] == "pnv.xlsx"][-1]
    assert entry["Kết quả"] == merge.PARTIAL and "Nhận một phần" in str(entry["Ghi chú"])
    assert progress(office["master"]) == "Đang thực hiện"  # the clean rows were merged
    assert '"code": "partial-dropped"' in str(result.to_json()).replace("'", '"')
