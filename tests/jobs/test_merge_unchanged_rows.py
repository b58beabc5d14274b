"""A corrected copy that repeats most of what the master holds (issue 18: the merge compares
each row as one tuple before looking at its fields). The rows it repeats count as
unchanged and log nothing; the one field it changes is the only `Lịch sử` row; a value the
unit retyped with other spacing or as another number form is not a change."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office, table  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)


def test_a_copy_repeating_the_master_reports_rows_unchanged_and_the_one_changed_field(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    units_generate.run(master, Q1, tmp_path / "gui", ["PNV"])
    blank = tmp_path / "gui" / f"{Q1}_PNV.xlsx"
    done = {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10),
            "evidence": "Kế hoạch số 15/KH-UBND ngày 10/3/2026"}
    fill_return(blank, tmp_path / "lan1" / "pnv.xlsx",
                {"1.1": done, "1.2": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 12, 9))
    first = merge.run(master, tmp_path / "lan1", Q1, as_of=AS_OF)
    assert (first.rows_updated, first.rows_unchanged, first.fields_changed) == (2, 0, 4), first.summary_vi()

    # 1.1 retyped with trailing spaces: the same values as stored; 1.2 gains one field
    retyped = dict(done, evidence=done["evidence"] + "  ")
    fill_return(blank, tmp_path / "lan2" / "pnv_sua.xlsx",
                {"1.1": retyped, "1.2": {"progress": "Đang thực hiện", "difficulties": "Chờ góp ý"}},
                dt.datetime(2026, 3, 13, 9))
    second = merge.run(master, tmp_path / "lan2", Q1, as_of=AS_OF)
    assert [Path(f).name for f in second.accepted] == ["pnv_sua.xlsx"], second.summary_vi()
    assert (second.rows_updated, second.rows_unchanged, second.fields_changed) == (1, 1, 1)
    history = [(str(r["Khóa nhiệm vụ"]), r["Trường"], r["Giá trị cũ"], r["Giá trị mới"], r["Tệp nguồn"])
               for r in table(master, L.SHEET_HISTORY) if r["Tệp nguồn"] == "pnv_sua.xlsx"]
    assert history == [("1.2", "Khó khăn, vướng mắc", "", "Chờ góp ý", "pnv_sua.xlsx")]
    rows = {(str(r["Khóa"]), r["Mã đơn vị"]): r for r in table(master, L.SHEET_TRACKING)}
    assert rows[("1.1", "PNV")]["Tệp nguồn"] == "pnv_sua.xlsx"  # the latest return is the row's source
    assert rows[("1.1", "PNV")]["Văn bản / sản phẩm"] == done["evidence"]
    assert rows[("1.2", "PNV")]["Khó khăn, vướng mắc"] == "Chờ góp ý"

    # the same values once more in a third copy: nothing changes, both rows unchanged
    fill_return(blank, tmp_path / "lan3" / "pnv_lan3.xlsx",
                {"1.1": done, "1.2": {"progress": "Đang thực hiện", "difficulties": "Chờ góp ý"}},
                dt.datetime(2026, 3, 14, 9))
    third = merge.run(master, tmp_path / "lan3", Q1, as_of=AS_OF)
    assert (third.rows_updated, third.rows_unchanged, third.fields_changed) == (0, 2, 0), third.summary_vi()
