"""The clerk's own work in the master survives a merge: a master edited and saved by
LibreOffice (extra sheet with a chart, a cell note, a changed column width) goes
through `merge` and comes out with all of it, while the tracked values are updated."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402


def _clerk_edits_in_libreoffice(master: Path, soffice: str, work: Path) -> Path:
    wb = load_workbook(master)
    notes = wb.create_sheet("Ghi chép của tôi")
    notes.append(["Đơn vị", "Số lần nhắc"])
    for row in (["PNV", 2], ["PTP", 3], ["XA3", 5]):
        notes.append(row)
    chart = BarChart()
    chart.title = "Số lần nhắc"
    chart.add_data(Reference(notes, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(notes, min_col=1, min_row=2, max_row=4))
    notes.add_chart(chart, "D2")
    track = wb[L.SHEET_TRACKING]
    track["D2"].comment = Comment("Hỏi lại anh Nam phòng Nội vụ", "Chuyên viên")
    track.column_dimensions["D"].width = 70
    edited = work / "edited.xlsx"
    wb.save(edited)
    out = work / "lo"
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(edited)],
                   check=True, capture_output=True, timeout=180)
    (out / "edited.xlsx").replace(master)
    return master


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_merge_keeps_clerk_sheet_note_chart_and_widths(tmp_path: Path, soffice: str) -> None:
    master = make_office(tmp_path / "vp")
    units_generate.run(master, "2026-Q1", tmp_path / "gui", ["PNV"])
    _clerk_edits_in_libreoffice(master, soffice, tmp_path)
    before = _parts(master)
    assert any(n.startswith("xl/charts/") for n in before), "LibreOffice kept the clerk's chart"

    inbox = tmp_path / "hop_thu"
    fill_return(tmp_path / "gui" / "2026-Q1_PNV.xlsx", inbox / "pnv.xlsx",
                {"1.1": {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10),
                         "evidence": "Kế hoạch số 15/KH-UBND"}}, dt.datetime(2026, 3, 12, 9))
    result = merge.run(master, inbox, "2026-Q1", as_of=dt.date(2026, 3, 20))
    assert [Path(f).name for f in result.accepted] == ["pnv.xlsx"], result.summary_vi()

    after = _parts(master)
    # every part of the clerk's (charts, drawings, comments, the extra sheet) is byte-identical
    clerk_parts = [n for n in before if n.startswith(("xl/charts/", "xl/drawings/", "xl/comments"))]
    assert clerk_parts
    for name in clerk_parts:
        assert after.get(name) == before[name], name

    book = CalamineWorkbook.from_path(str(master))
    assert "Ghi chép của tôi" in book.sheet_names
    assert book.get_sheet_by_name("Ghi chép của tôi").to_python()[3] == ["XA3", 5.0]
    wb = load_workbook(master)
    track = wb[L.SHEET_TRACKING]
    assert track["D2"].comment is not None and "anh Nam" in track["D2"].comment.text
    assert track.column_dimensions["D"].width > 60
    header = [c.value for c in track[1]]
    row = next(r for r in track.iter_rows(min_row=2, values_only=True) if r[0] == "1.1")
    assert row[header.index("Tiến độ")] == "Đã hoàn thành"

    # and LibreOffice still opens the merged master
    out = tmp_path / "pdf"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(master)],
                   check=True, capture_output=True, timeout=180)
    assert (out / "so_theo_doi.pdf").stat().st_size > 1000
