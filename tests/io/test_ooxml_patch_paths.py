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
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook

from parc_xl.errors import InputError
from parc_xl.io.ooxml import XlsxPackage
from parc_xl.io.ooxml import package as package_module
from parc_xl.io.ooxml import zipio
from parc_xl.io.ooxml.sheet_text import _TextPatcher

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LAST = 20
SHEET = "Theo dõi"
PART = "xl/worksheets/sheet1.xml"


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
    wb.active.title = SHEET
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


@pytest.mark.parametrize("size", [1, 7, 333, 4096])
@pytest.mark.parametrize("case", ["sparse", "dense"])
def test_the_text_in_pieces_gives_the_same_bytes(pkg: XlsxPackage, monkeypatch: pytest.MonkeyPatch,
                                                 size: int, case: str) -> None:
    """The sheet as a part being inflated hands it over: pieces cut anywhere, in a tag,
    in `<sheetData>`, in `</sheetData>`; a target in the first piece after the header,
    rows with no change in pieces of their own, the last row."""
    data = _sheet()
    columns = _by_column(CASES[case])
    whole = _both(pkg, data, columns, monkeypatch)
    for share in (0.0, math.inf):
        monkeypatch.setattr(_TextPatcher, "dense_share", share)
        pieces = (data[i : i + size] for i in range(0, len(data), size))
        result = _TextPatcher(pkg, True).patch(pieces, columns)  # type: ignore[arg-type]
        assert result is not None and result[1] == LAST
        assert b"".join(result[0]) == whole["seek"]
        assert result[0][-1].startswith(b"</sheetData>")  # the tail comes last, whole


# --- set_columns on a large part: patched while it is inflated ----------------------------

def _book(path: Path, sheet: bytes) -> Path:
    wb = Workbook()
    wb.active.title = SHEET
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        items = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, sheet if name == PART else data)
    return path


@pytest.fixture()
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parts over 4 KB count as large (inflated in pieces of at most 512 bytes); the list gets
    the number of pieces each inflate handed over."""
    monkeypatch.setattr(package_module, "_DEFLATE_CHUNK", 2048)
    monkeypatch.setattr(zipio, "_DEFLATE_CHUNK", 512)
    counts: list[int] = []
    real = zipio.inflate_pieces

    def counting(raw: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
        counts.append(0)
        for piece in real(raw, info):
            counts[-1] += 1
            yield piece

    monkeypatch.setattr(package_module, "inflate_pieces", counting)
    return counts


def _inflating_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "inflate-part"]


@pytest.mark.parametrize("case", ["sparse-text", "dense"])
def test_a_large_part_patched_while_inflated_is_what_the_whole_text_gives(
        tmp_path: Path, streamed: list[int], case: str) -> None:
    updates = CASES["dense"] if case == "dense" else {3: {3: "x", 4: None}, 9: {5: "y"}, LAST: {6: "cuối"}}
    src = _book(tmp_path / "src.xlsx", _sheet())
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, _by_column(updates))
    assert len(streamed) == 1 and streamed[0] > 10 and not _inflating_threads()
    whole = XlsxPackage.open(src)
    whole.prefetch(SHEET)  # the part inflated beforehand: patched as one text
    whole.set_columns(SHEET, _by_column(updates))
    assert len(streamed) == 1
    assert pkg.read_part(PART) == whole.read_part(PART)
    assert SHEET not in pkg._sheets and SHEET not in whole._sheets  # both on the text path
    pkg.save(tmp_path / "out.xlsx")
    sheet = XlsxPackage.open(tmp_path / "out.xlsx").sheet(SHEET)
    assert sheet.value("E20") == "20-5" if case == "dense" else sheet.value("F20") == "cuối"


def test_a_target_missing_stops_the_inflating_thread_and_takes_the_element_path(
        tmp_path: Path, streamed: list[int]) -> None:
    src = _book(tmp_path / "src.xlsx", _sheet())
    pkg = XlsxPackage.open(src)
    pkg.set_columns(SHEET, {3: {3: "x"}, 9: {3: "cột I"}})  # I3 is not in the sheet
    assert len(streamed) == 1 and not _inflating_threads()
    assert SHEET in pkg._sheets  # the element path did it
    pkg.save(tmp_path / "out.xlsx")
    sheet = XlsxPackage.open(tmp_path / "out.xlsx").sheet(SHEET)
    assert sheet.value("C3") == "x" and sheet.value("I3") == "cột I"


def test_a_damaged_large_part_is_a_vietnamese_error(tmp_path: Path, streamed: list[int]) -> None:
    """A wrong CRC-32 is only known once the part has been inflated: the patch then
    fails as `read_part` would have failed before it, nothing changed."""
    src = _book(tmp_path / "src.xlsx", _sheet())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(PART)
    blob = bytearray(src.read_bytes())
    crc_at = blob.rfind(info.CRC.to_bytes(4, "little"))  # in the central directory, at the end
    assert crc_at > info.header_offset + info.compress_size
    blob[crc_at] ^= 0xFF  # the central directory's CRC-32, which zipfile checks
    src.write_bytes(bytes(blob))
    pkg = XlsxPackage.open(src)
    with pytest.raises(InputError, match=r"bị hỏng \(phần xl/worksheets/sheet1.xml"):
        pkg.set_columns(SHEET, {3: {3: "x"}})
    assert len(streamed) == 1 and not _inflating_threads()
    assert not pkg._entries[PART].replaced
