"""`_TextPatcher`'s two ways through the rows give the same bytes: `_seek` (each written
cell looked for from the one before, the text between copied: the merge's sparse writes)
and `_split` (one split at every cell of the target columns: the status job's dense ones).

The sheet is hand-written with what Excel, openpyxl and this package write: inline and
shared strings, styled empty cells, `r` after other attributes on a row, `t` before `s`
on a cell, an empty row, a row number with a leading zero, rows with no change between
rows with changes, a change in the last row and in the header.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook

from parc_xl.io.ooxml import XlsxPackage
from parc_xl.io.ooxml.sheet_text import _TextPatcher

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LAST = 20


def _row(r: int) -> bytes:
    if r == 15:
        return b'<row r="15" ht="20" customHeight="1"/>'  # an empty row
    tag = b'<row r="%d">' % r
    if r % 5 == 2:  # `r` after other attributes, as Excel may write rows
        tag = b'<row spans="1:6" r="%d" x14ac:dyDescent="0.25">' % r
    num = b"011" if r == 11 else b"%d" % r  # one row number spelt with a leading zero
    c_cell = (b'<c r="C%s" t="n" s="2"><v>%d</v></c>' % (num, r) if r % 2
              else b'<c r="C%s" s="2"><v>%d.5</v></c>' % (num, r))
    return (tag
            + b'<c r="A%s" t="inlineStr"><is><t>T%d</t></is></c>' % (num, r)
            + b'<c r="B%s" s="1" t="s"><v>%d</v></c>' % (num, r % 3)  # shared string
            + c_cell
            + b'<c r="D%s" s="3"/>' % num  # styled, empty
            + b'<c r="E%s" s="1" t="inlineStr"><is><t xml:space="preserve"> c\xc5\xa9 %d </t></is></c>' % (num, r)
            + b'<c r="F%s" t="b"><v>%d</v></c>' % (num, r % 2)
            + b"</row>")


def _sheet() -> bytes:
    header = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Kh\xc3\xb3a</t></is></c>'
              + b"".join(b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (col, col) for col in (b"B", b"C", b"D", b"E", b"F"))
              + b"</row>")
    return (b'<worksheet xmlns="' + NS.encode() + b'" xmlns:x14ac="http://schemas.microsoft.com/'
            b'office/spreadsheetml/2009/9/ac"><dimension ref="A1:F20"/><sheetData>'
            + header + b"".join(_row(r) for r in range(2, LAST + 1))
            + b'</sheetData><autoFilter ref="A1:F20"/></worksheet>')


@pytest.fixture()
def pkg(tmp_path: Path) -> XlsxPackage:
    """A package for the styles and the date system (`patch` is given the sheet text)."""
    wb = Workbook()
    wb.active.title = "Theo dõi"
    wb.save(tmp_path / "book.xlsx")
    return XlsxPackage.open(tmp_path / "book.xlsx")


def _both(pkg: XlsxPackage, data: bytes, columns: dict[int, dict[int, object]],
          monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for way, share in (("split", 0.0), ("seek", math.inf)):
        monkeypatch.setattr(_TextPatcher, "dense_share", share)
        chosen: list[str] = []
        for name in ("_split", "_seek"):
            real = getattr(_TextPatcher, name)

            def spy(self: _TextPatcher, *args: object, _real: object = real, _name: str = name,
                    _chosen: list[str] = chosen) -> bool:
                _chosen.append(_name)
                return _real(self, *args)  # type: ignore[operator, no-any-return]

            monkeypatch.setattr(_TextPatcher, name, spy)
        result = _TextPatcher(pkg, True).patch(data, columns)  # type: ignore[arg-type]
        monkeypatch.undo()
        assert chosen == ["_" + way]
        out[way] = None if result is None else b"".join(result[0])
    return out


def _by_column(updates: dict[int, dict[int, object]]) -> dict[int, dict[int, object]]:
    columns: dict[int, dict[int, object]] = {}
    for r, cols in updates.items():
        for c, value in cols.items():
            columns.setdefault(c, {})[r] = value
    return columns


VALUES: list[object] = ["Quá hạn", "=1+1", None, dt.date(2026, 3, 31), dt.datetime(2026, 4, 1, 8, 30),
                        7, 2.25, True, "a < b & c > d\r\n", " khoảng trắng "]

CASES: dict[str, dict[int, dict[int, object]]] = {
    # rows 5-8 and 12-19 untouched; adjacent (C, D), apart (B, E), the last row, the header
    "sparse": {1: {6: "Ghi chú"}, 3: {3: 1, 4: "x"}, 4: {2: None, 5: "y"}, 9: {5: dt.date(2026, 1, 2)},
               10: {3: VALUES[4], 4: True}, 11: {4: "số 011"}, 20: {6: "cuối"}},
    "every-value": {r: {3: VALUES[r % len(VALUES)], 5: VALUES[(r + 3) % len(VALUES)]}
                    for r in range(2, LAST + 1) if r != 15},
    "dense": {r: {c: f"{r}-{c}" for c in (2, 3, 4, 5)} for r in range(2, LAST + 1) if r != 15},
    "only-the-last-row": {LAST: {1: "A", 6: False}},
}


@pytest.mark.parametrize("case", list(CASES))
def test_seek_and_split_write_the_same_bytes(pkg: XlsxPackage, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    data = _sheet()
    updates = CASES[case]
    out = _both(pkg, data, _by_column(updates), monkeypatch)
    assert out["seek"] is not None and out["seek"] == out["split"]
    # What was written is there, and the rest is the original text.
    root = etree.fromstring(out["seek"])
    cells = {c.get("r"): c for c in root.iter(f"{{{NS}}}c")}
    for r, cols in updates.items():
        for c, value in cols.items():
            cell = cells["ABCDEF"[c - 1] + ("011" if r == 11 else str(r))]
            if value is None:
                assert len(cell) == 0 and cell.get("t") is None
            elif isinstance(value, str):
                assert cell.get("t") == "inlineStr" and "".join(cell.itertext()) == value
    for r in range(2, LAST + 1):
        if r not in updates:
            assert _row(r) in out["seek"], r


@pytest.mark.parametrize("missing", ["cell", "row", "out-of-the-sheet"])
def test_a_target_that_is_not_there_gives_up_both_ways(pkg: XlsxPackage, monkeypatch: pytest.MonkeyPatch,
                                                       missing: str) -> None:
    columns = {"cell": {3: {4: "x"}, 7: {4: "y"}}, "row": {3: {4: "x", 15: "y"}},
               "out-of-the-sheet": {3: {4: "x", LAST + 1: "y"}}}[missing]
    assert _both(pkg, _sheet(), columns, monkeypatch) == {"split": None, "seek": None}


def test_a_formula_in_a_target_gives_up_both_ways(pkg: XlsxPackage, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _sheet().replace(b'<c r="C6" s="2"><v>6.5</v></c>', b'<c r="C6" s="2"><f>A1</f><v>6.5</v></c>')
    assert _both(pkg, data, {3: {6: 1}}, monkeypatch) == {"split": None, "seek": None}
    assert _both(pkg, data, {3: {5: 1, 7: 2}}, monkeypatch)["seek"] is not None  # not a target: kept
