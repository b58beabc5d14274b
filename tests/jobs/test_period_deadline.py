"""The submission deadline of a `Kỳ báo cáo` (issue 14 item 17): by default the first working
day after the data cut-off, never the cut-off itself (14/03/2026 is a Saturday); the master's
guide says the office may change it, and the next merge judges on time by the changed date."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.ooxml import XlsxPackage, col_letter  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)


def rows(master: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(master)).get_sheet_by_name(sheet).to_python()


def test_default_deadline_is_a_working_day_the_office_can_change(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    periods = rows(master, L.SHEET_PERIODS)
    header = periods[0]
    q1 = dict(zip(header, next(r for r in periods if r[0] == Q1), strict=False))
    assert q1["Số liệu đến ngày"] == dt.date(2026, 3, 14)  # a Saturday
    assert q1["Hạn nộp báo cáo"] == dt.date(2026, 3, 16)  # Monday: units get a working day
    guide = "\n".join(str(v) for r in rows(master, L.SHEET_GUIDE) for v in r if v != "")
    assert ("Hạn nộp mặc định là ngày làm việc đầu tiên sau ngày chốt số liệu (bỏ qua thứ Bảy, Chủ nhật, "
            "ngày lễ); văn phòng sửa được ở cột «Hạn nộp báo cáo», các lệnh sau dùng ngày đã sửa.") in guide

    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP"])
    inbox = tmp_path / "hop_thu"
    fill_return(out / f"{Q1}_PNV.xlsx", inbox / f"{Q1}_PNV.xlsx",
                {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 18, 9, 0))
    first = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert first.late_units == ["PNV"]  # 18/3 is after Monday 16/3

    # the office gives the units until Friday 20/3 (typed over the date in Kỳ báo cáo)
    row = next(i for i, r in enumerate(periods, start=1) if r[0] == Q1)
    pkg = XlsxPackage.open(master)
    pkg.sheet(L.SHEET_PERIODS).set_value(f"{col_letter(header.index('Hạn nộp báo cáo') + 1)}{row}",
                                         dt.datetime(2026, 3, 20))
    pkg.save(master)
    fill_return(out / f"{Q1}_PTP.xlsx", inbox / f"{Q1}_PTP.xlsx",
                {"1.2": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 19, 15, 0))
    second = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert second.late_units == []
    subs = rows(master, L.SHEET_SUBMISSIONS)
    ptp = next(dict(zip(subs[0], r, strict=False)) for r in subs[1:] if f"{Q1}_PTP.xlsx" in r)
    assert ptp["Đúng hạn"] == "Đúng hạn" and ptp["Kết quả"] == "Chấp nhận"
