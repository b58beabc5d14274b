"""The clerk corrects a receipt time in `Nộp báo cáo`; the next merge honours it: `Đúng
hạn` re-judged, `Theo dõi`'s `Cập nhật lúc` follows, the clerk is told what changed.
And the sheet's layout: the SHA-256 kept as the last, narrow, grey column."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office, table  # noqa: E402

from parc_xl.domain.submissions import parse_receipt_time, review_receipts  # noqa: E402
from parc_xl.io.master_records import submission_record  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.ooxml import XlsxPackage, col_letter  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"  # deadline: Monday 16/03/2026, the first working day after the 14/3 cut-off
AS_OF = dt.date(2026, 3, 25)


def _clerk_types(master: Path, sheet: str, header: str, row: int, value: object) -> None:
    """What the clerk does in Excel: overwrite one cell (the package editor, as Excel would
    leave every other part alone)."""
    names = table(master, sheet)[0].keys()
    col = list(names).index(header) + 1
    pkg = XlsxPackage.open(master)
    pkg.sheet(sheet).set_value(f"{col_letter(col)}{row}", value)
    pkg.save(master)


def test_corrected_receipt_time_is_honoured_by_the_next_merge(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP"])
    inbox = tmp_path / "hop_thu"
    # copied into the inbox on 20/3: the file time says late
    fill_return(out / f"{Q1}_PNV.xlsx", inbox / f"{Q1}_PNV.xlsx",
                {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 20, 9, 0))
    first = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert first.late_units == ["PNV"]
    subs = table(master, L.SHEET_SUBMISSIONS)
    assert subs[0]["Đúng hạn"] == "Trễ hạn" and subs[0]["Nhận lúc"] == dt.datetime(2026, 3, 20, 9, 0)

    # the office knows the e-mail came on Friday 13/3 at 16:00 and types it (as text, day first)
    _clerk_types(master, L.SHEET_SUBMISSIONS, "Nhận lúc", 2, "13/03/2026 16:00")
    # a later merge with another unit's return
    fill_return(out / f"{Q1}_PTP.xlsx", inbox / f"{Q1}_PTP.xlsx",
                {"1.2": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 16, 10, 0))
    second = merge.run(master, inbox, Q1, as_of=AS_OF)

    subs = {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}
    assert subs[f"{Q1}_PNV.xlsx"]["Đúng hạn"] == "Đúng hạn"
    assert subs[f"{Q1}_PNV.xlsx"]["Nhận lúc"] == dt.datetime(2026, 3, 13, 16, 0)  # stored as a time now
    assert subs[f"{Q1}_PTP.xlsx"]["Đúng hạn"] == "Đúng hạn"  # 16/3 is the deadline day itself
    track = [r for r in table(master, L.SHEET_TRACKING) if r["Mã đơn vị"] == "PNV" and r["Tiến độ"]]
    assert track and all(r["Cập nhật lúc"] == dt.datetime(2026, 3, 13, 16, 0) for r in track)
    assert [(f.unit, f.on_time, f.was) for f in second.receipts_corrected] == [("PNV", True, "Trễ hạn")]
    assert ("Theo «Nhận lúc» đã sửa ở Nộp báo cáo (dòng 2): PNV – 2026-Q1_PNV.xlsx nhận 13/03/2026 16:00 "
            "→ Đúng hạn (trước: Trễ hạn).") in second.summary_vi()
    assert second.to_json()["receipts_corrected"][0]["on_time"] is True

    # corrected the other way (a date-time cell), with an empty inbox: still honoured
    _clerk_types(master, L.SHEET_SUBMISSIONS, "Nhận lúc", 3, dt.datetime(2026, 3, 17, 8, 0))
    empty = tmp_path / "trong"
    empty.mkdir()
    third = merge.run(master, empty, Q1, as_of=AS_OF)
    subs = {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}
    assert subs[f"{Q1}_PTP.xlsx"]["Đúng hạn"] == "Trễ hạn"
    assert [(f.unit, f.on_time) for f in third.receipts_corrected] == [("PTP", False)]
    # nothing left to correct: a fourth merge leaves the master byte-identical
    before = master.read_bytes()
    assert merge.run(master, empty, Q1, as_of=AS_OF).receipts_corrected == []
    assert master.read_bytes() == before


def test_an_unreadable_receipt_time_is_a_warning_naming_the_cell(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV"])
    inbox = tmp_path / "hop_thu"
    fill_return(out / f"{Q1}_PNV.xlsx", inbox / f"{Q1}_PNV.xlsx",
                {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 12, 9, 0))
    merge.run(master, inbox, Q1, as_of=AS_OF)
    _clerk_types(master, L.SHEET_SUBMISSIONS, "Nhận lúc", 2, "sáng thứ Sáu")
    result = merge.run(master, inbox, Q1, as_of=AS_OF)
    [w] = [p for p in result.problems if p.code == "receipt-time-unreadable"]
    col = col_letter(L.column_index(L.SUBMISSION_COLUMNS, "received_at") + 1)
    assert w.sheet == L.SHEET_SUBMISSIONS and w.cell == f"{col}2" and "sáng thứ Sáu" in w.message
    assert table(master, L.SHEET_SUBMISSIONS)[0]["Đúng hạn"] == "Đúng hạn"  # left as it was


def test_review_rule_reads_day_first_text_and_keeps_later_rows() -> None:
    assert parse_receipt_time("16/03/2026  08:30") == dt.datetime(2026, 3, 16, 8, 30)
    assert parse_receipt_time("03/16/2026") is None  # never month first
    rows = [
        {"row": 2, "unit": "A", "period": Q1, "file": "a.xlsx", "received_at": dt.datetime(2026, 3, 17),
         "on_time": "Đúng hạn", "outcome": "Chấp nhận"},
        {"row": 3, "unit": "A", "period": Q1, "file": "a.xlsx", "received_at": "15/03/2026",
         "on_time": "Đúng hạn", "outcome": "Chấp nhận"},
    ]
    # the rows as `Nộp báo cáo` gives them: the receipt time read from the cell, text or date-time
    records = [submission_record(int(str(r.pop("row"))), r) for r in rows]
    review = review_receipts(records, lambda code: dt.date(2026, 3, 16))
    assert [(f.row, f.on_time) for f in review.fixes] == [(2, False)]
    assert review.accepted_times == {("A", Q1, "a.xlsx"): dt.datetime(2026, 3, 15)}


def test_submission_sheet_puts_the_sha256_last_narrow_and_grey(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    ws = load_workbook(master)[L.SHEET_SUBMISSIONS]
    headers = [c.value for c in ws[1]]
    assert headers == ["Kỳ", "Mã đơn vị", "Đơn vị", "Tệp", "Nhận lúc", "Đúng hạn", "Số dòng", "Số lỗi",
                       "Kết quả", "Ghi chú", "SHA-256"]
    last = col_letter(len(headers))
    assert ws.column_dimensions[last].width <= 10
    assert ws[f"{last}1"].font.color.rgb.endswith("808080") and ws[f"{last}2"].font.color.rgb.endswith("808080")
    assert ws[f"{last}2"].font.sz <= 8 and not ws[f"{last}2"].alignment.wrap_text


def _merged_office(tmp_path: Path) -> Path:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP"])
    inbox = tmp_path / "hop_thu"
    for unit, key in (("PNV", "1.1"), ("PTP", "1.2")):
        fill_return(out / f"{Q1}_{unit}.xlsx", inbox / f"{Q1}_{unit}.xlsx",
                    {key: {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 13, 9, 0))
    merge.run(master, inbox, Q1, as_of=AS_OF)
    return master


def test_the_sha256_never_runs_over_on_screen_or_on_paper(tmp_path: Path) -> None:
    """Issue 14 item 20: the 64-character SHA-256 is clipped at its 9-wide cell («Fill»
    alignment: it does not spill into the cells to its right) in every row a merge
    appends, and the print area stops before it: the printed list ends at «Ghi chú»."""
    master = _merged_office(tmp_path)
    ws = load_workbook(master)[L.SHEET_SUBMISSIONS]
    last = col_letter(ws.max_column)
    assert ws[f"{last}1"].value == "SHA-256" and ws.max_row == 3
    for r in (2, 3):
        cell = ws[f"{last}{r}"]
        assert len(str(cell.value)) == 64 and cell.alignment.horizontal == "fill" and not cell.alignment.wrap_text
    before = col_letter(ws.max_column - 1)
    assert ws[f"{before}1"].value == "Ghi chú"
    assert ws.print_area == f"'{L.SHEET_SUBMISSIONS}'!$A$1:${before}$1048576"


def test_libreoffice_prints_the_submissions_without_the_sha256(tmp_path: Path, soffice: str) -> None:
    """The page as LibreOffice prints it: every column up to «Ghi chú», on one page, no SHA-256."""
    import re

    from tests.jobs import render

    master = _merged_office(tmp_path)
    pdf = render.to_pdf(soffice, master, tmp_path)
    page = render.find_page(pdf, "Nhận lúc")
    text = render.page_text(pdf, page)
    assert "Ghi chú" in text and "Phòng Nội vụ huyện" in text and "Phòng Tư pháp huyện" in text
    assert "SHA-256" not in text
    # no page of the master shows a hash, whole or cut (nor one more page of it alone)
    assert not any(re.search(r"[0-9a-f]{12}", render.page_text(pdf, p)) for p in range(1, render.page_count(pdf) + 1))
