"""The reported bug (issue 11): the clerk saves the master in Excel after a merge (the
ribbon's Tổng hợp does), and the next merge stopped with «Lỗi ngoài dự kiến
(XMLSyntaxError: Namespace prefix x14ac ...)». The master's sheets here carry Excel's
markup (tests/excel_markup.py) between the two merges."""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from excel_markup import excel_markup, worksheet_parts  # noqa: E402
from office import make_office  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"


def _table(master: Path, sheet: str) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v != "" for v in r)]


def test_second_merge_into_a_master_excel_has_saved(tmp_path: Path) -> None:
    master = make_office(tmp_path / "van_phong")
    units_generate.run(master, Q1, tmp_path / "gui", ["PNV", "VP"])
    first, second = tmp_path / "hop_thu_1", tmp_path / "hop_thu_2"
    fill_return(tmp_path / "gui" / f"{Q1}_PNV.xlsx", first / "pnv.xlsx",
                {"1.1": {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10),
                         "evidence": "Kế hoạch số 15/KH-UBND"}}, dt.datetime(2026, 3, 12, 10))
    one = merge.run(master, first, Q1, as_of=dt.date(2026, 3, 25))
    assert [Path(p).name for p in one.accepted] == ["pnv.xlsx"]

    excel_markup(master)
    with zipfile.ZipFile(master) as zf:
        assert all(b"x14ac:dyDescent" in zf.read(p) for p in worksheet_parts(master)
                   if b"<row" in zf.read(p))
    history_before = len(_table(master, L.SHEET_HISTORY))

    fill_return(tmp_path / "gui" / f"{Q1}_VP.xlsx", second / "vp.xlsx",
                {"1.2": {"progress": "Đang thực hiện", "difficulties": "Chờ ý kiến"}},
                dt.datetime(2026, 3, 13, 9))
    two = merge.run(master, second, Q1, as_of=dt.date(2026, 3, 25))
    assert [Path(p).name for p in two.accepted] == ["vp.xlsx"] and not two.rejected
    rows = {(str(r["Khóa"]), str(r["Mã đơn vị"])): r for r in _table(master, L.SHEET_TRACKING)}
    assert rows[("1.1", "PNV")]["Tiến độ"] == "Đã hoàn thành"
    assert rows[("1.2", "VP")]["Tiến độ"] == "Đang thực hiện"
    assert len(_table(master, L.SHEET_HISTORY)) == history_before + two.fields_changed > history_before
