"""The reader's walk over calamine's values: text cells taken as they are, any other value
through the same canonical text as before."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from parc_xl.io.unit_book import read
from parc_xl.io.unit_book.layout import canon


class Text(str):
    """A str that is not exactly `str` (takes the general path)."""


def _empty() -> read.UnitReturn:
    return read.UnitReturn(path=Path("x.xlsx"), sheets=[], meta={}, meta_rows=[], meta_digest="", header_row=None,
                           header=[], rows=[])


def _reference_meta(rows: list[list[object]]) -> tuple[dict[str, str], list[tuple[str, str, str]], str, str]:
    """What `_read_meta` read before its text shortcut."""
    def text(v: object) -> str:
        return "" if v is None else (v if isinstance(v, str) else canon(v))
    meta, lines, digest, mac = {}, [], "", ""
    for r in rows:
        if len(r) >= 2 and text(r[0]):
            k = text(r[0])
            if k == "meta_digest":
                digest = text(r[1])
            elif k == "mac":
                mac = text(r[1])
            elif k in read.META_KEYS:
                meta[k] = text(r[1])
    for r in rows[1:]:
        if len(r) >= 6 and text(r[3]):
            lines.append((text(r[3]), text(r[4]), text(r[5])))
    return meta, lines, digest, mac


def test_the_metadata_sheet_reads_as_before_whatever_the_cell_types() -> None:
    rows: list[list[object]] = [
        ["format", "parc-xl/unit-workbook", "", "row_key", "role", "cell_hashes"],
        ["template_version", 1.0, "", "1.1", "Chủ trì", "ab cd"],
        [Text("unit"), Text("PNV"), "", 2.0, "Phối hợp", 12345678.0],
        ["plan_year", 2024, "", Text("3.1"), Text("Chủ trì"), Text("ef")],
        [None, None, "", None, "Chủ trì", "x"],
        ["", "", "", "", "", ""],
        ["meta_digest", "d" * 64, "", True, dt.date(2024, 1, 1), None],
        ["mac", "m" * 64],
        ["unknown_key", "v", "", "4.1", None, ""],
        [12.5, "ignored"],
    ]
    ret = _empty()
    read._read_meta(ret, rows)
    assert (ret.meta, ret.meta_rows, ret.meta_digest, ret.mac) == _reference_meta(rows)
    assert ret.meta["template_version"] == "1" and ("2", "Phối hợp", "12345678") in ret.meta_rows


def test_rows_of_only_empty_cells_are_skipped_and_any_value_keeps_a_row() -> None:
    header: list[object] = ["STT", "Nhiệm vụ", "Khóa", "Tiến độ"]
    values: list[list[object]] = [["Tiêu đề", "", "", ""], header, ["", None, "", ""], ["", "", 0, ""],
                                  [None, False, None, None], ["", "", "", math.nan], [None, None, None, None],
                                  ["", "", "", " "]]
    ret = _empty()
    read._locate_rows(ret, values)
    assert ret.header_row == 2
    assert [r for r, _ in ret.rows] == [4, 5, 6, 8]
