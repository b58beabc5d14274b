"""`read_tracking`: the `Theo dõi` rows read positionally, whatever the column order, a
missing column or an empty column A (calamine's row iterator then starts further right).
`first_row`: a sheet's header read from the start of its part, as calamine reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sys

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from python_calamine import CalamineWorkbook

from parc_xl.io import master_layout as L
from parc_xl.io.master import TrackingRow, read_master, read_tracking
from parc_xl.io.workbook_values import first_row

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from office import make_office  # noqa: E402

HEADER = {c.id: c.header for c in L.TRACKING_COLUMNS}


def _book(tmp_path: Path, columns: list[str | None], rows: list[list[object]]) -> CalamineWorkbook:
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_TRACKING
    for c, cid in enumerate(columns, start=1):
        if cid is not None:
            ws.cell(1, c, HEADER[cid])
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    return CalamineWorkbook.from_path(str(path))


def test_rows_follow_the_headers_and_missing_columns_take_defaults(tmp_path: Path) -> None:
    columns: list[str | None] = ["key", "unit", "due", "figure", "task", "received_at", "days_overdue", "stt"]
    book = _book(tmp_path, columns, [
        ["1.1", "U1", dt.datetime(2026, 6, 30), 95.5, " Số hóa  hồ sơ ", dt.datetime(2026, 3, 12, 9, 30), 3, 1.0],
        [None, "U1", None, None, "ghi chú của chuyên viên"],  # no key: not a tracking row
        ["1.2", "U2", "15/3/2026", "x", "Số hóa  hồ sơ", None, None, "1.2", "cột thêm"],
        ["1.3", "U2"],  # a short row
    ])
    headers: dict[str, dict[str, int]] = {}
    rows = read_tracking(book, headers)
    assert headers[L.SHEET_TRACKING] == {cid: i for i, cid in enumerate(columns) if cid is not None}
    assert rows == [
        TrackingRow(row=2, key="1.1", unit="U1", due=dt.date(2026, 6, 30), figure=95.5, task="Số hóa hồ sơ",
                    received_at=dt.datetime(2026, 3, 12, 9, 30), days_overdue=3, stt="1"),
        TrackingRow(row=4, key="1.2", unit="U2", due=dt.date(2026, 3, 15), figure=None, task="Số hóa hồ sơ",
                    stt="1.2"),
        TrackingRow(row=5, key="1.3", unit="U2"),
    ]


def test_only_the_fields_asked_for_are_read_and_agree_with_a_full_read(tmp_path: Path) -> None:
    columns: list[str | None] = ["key", "unit", "due", "progress", "task", "received_at", "status", "figure"]
    values: list[list[object]] = [
        ["1.1", "U1", dt.datetime(2026, 6, 30), "Đang thực hiện", "Số hóa  hồ sơ", dt.datetime(2026, 3, 12, 9, 30),
         "Quá hạn", 99.0],
        ["1.2", "U2", None, None, "Số hóa hồ sơ", None, None, None]]
    full = read_tracking(_book(tmp_path, columns, values), {})
    wanted = ("unit", "progress", "received_at", "figure", "source_file")
    narrow = read_tracking(_book(tmp_path, columns, values), {}, wanted)
    assert [(r.row, r.key, *(getattr(r, f) for f in wanted)) for r in narrow] == [
        (r.row, r.key, *(getattr(r, f) for f in wanted)) for r in full]
    assert [(r.task, r.due, r.status) for r in narrow] == [("", None, "")] * 2  # not read: defaults
    assert full[0].task == "Số hóa hồ sơ" and full[0].status == "Quá hạn"


def test_an_empty_column_a_does_not_shift_the_cells(tmp_path: Path) -> None:
    book = _book(tmp_path, [None, "key", "unit", "progress"], [
        [None, "1.1", "U1", "Đang thực hiện"], [None, "1.2", "U2", None]])
    rows = read_tracking(book, {})
    assert [(r.row, r.key, r.unit, r.progress) for r in rows] == [
        (2, "1.1", "U1", "Đang thực hiện"), (3, "1.2", "U2", "")]


def _calamine_first_rows(path: Path) -> dict[str, list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    out: dict[str, list[object]] = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(nrows=1)
        out[name] = list(rows[0]) if rows else []
    return out


def _agrees(path: Path) -> int:
    """Every sheet's `first_row` is calamine's first row (padding aside) or None; how many were read."""
    read = 0
    for name, expected in _calamine_first_rows(path).items():
        got = first_row(path, name)
        if got is None:
            continue
        read += 1
        assert got == expected[:len(got)] and all(v == "" for v in expected[len(got):]), name
    return read


def test_first_row_reads_each_header_as_calamine_does_inline_or_shared(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    assert _agrees(master) == len(_calamine_first_rows(master))  # our own writer: inline strings
    wb = load_workbook(master)  # saved again by another program: shared strings
    history = wb[L.SHEET_HISTORY]
    old, new = (next(c.column for c in history[1] if c.value == h) for h in ("Giá trị cũ", "Giá trị mới"))
    history.cell(1, old).value, history.cell(1, new).value = "Giá trị mới", CellRichText(
        [TextBlock(InlineFont(b=True), "Giá trị"), " cũ"])
    resaved = tmp_path / "resaved.xlsx"
    wb.save(resaved)
    assert _agrees(resaved) >= 10
    assert first_row(resaved, L.SHEET_HISTORY)[old - 1: new] == ["Giá trị mới", "Giá trị cũ"]  # type: ignore[index]
    positions = read_master(resaved, tracking=False).headers[L.SHEET_HISTORY]
    assert (positions["old"], positions["new"]) == (new - 1, old - 1)


def test_first_row_leaves_to_calamine_what_it_cannot_be_sure_of(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "A1 trống"
    wb.active["B1"] = "Tiêu đề"
    wb.create_sheet("Không có dòng 1")["A2"] = "Tiêu đề"
    wb.create_sheet("Trống")
    path = tmp_path / "x.xlsx"
    wb.save(path)
    assert first_row(path, "A1 trống") is None
    assert first_row(path, "Không có dòng 1") is None
    assert first_row(path, "Trống") is None
    assert first_row(path, "Không có sheet này") is None
    (tmp_path / "hong.xlsx").write_bytes(b"PK not a zip")
    assert first_row(tmp_path / "hong.xlsx", "A1 trống") is None


def test_first_row_leaves_numbers_dates_booleans_and_escapes_to_calamine(tmp_path: Path) -> None:
    # calamine turns a date-styled number into a date and unescapes _xHHHH_; a header row is text,
    # so anything else in row 1 is left to it (Excel-saved corpus files: poi/48923, exceljs escapes)
    wb = Workbook()
    ws = wb.active
    ws.title = "Ngày"
    ws.append(["Mã", dt.date(2026, 3, 31)])
    wb.create_sheet("Số").append(["Mã", 2026])
    wb.create_sheet("Đúng sai").append(["Mã", True])
    wb.create_sheet("Thoát").append(["Mã_x000D_"])
    wb.create_sheet("Chữ").append(["Mã", "Tên"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    for sheet in ("Ngày", "Số", "Đúng sai", "Thoát"):
        assert first_row(path, sheet) is None, sheet
    assert first_row(path, "Chữ") == ["Mã", "Tên"]
    assert _agrees(path) == 1
