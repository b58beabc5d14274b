"""The master's big sheet streamed as text while openpyxl saves the rest.

Why: `Theo dõi` holds one row per task × lead unit (200,000 rows at 1,000 units × 200
tasks). As openpyxl cells those rows cost ≈90 % of a 160 s import and ≈1.9 GiB; written
as text into the zip entry, about a microsecond a cell and a few megabytes.

`create_master` lets openpyxl write the sheet's header and first row (the styles, widths,
filter, conditional formats, print setup — everything that is not a row) and
`save_with_rows` saves the workbook with openpyxl's own writer, except that the sheet's
part gets the other rows spliced in before `</sheetData>`, encoded as openpyxl encodes
them: inline strings (`xml:space="preserve"` when the text has outer spaces), numbers
as `%.16g`, dates as serials, empty cells `t="n"`, formula-like text as a string with
the quote-prefix style, the heights `fit_row_heights` gives. Style ids are registered
in openpyxl's table in the order openpyxl's writer would meet them (row by row, right
after the sheet's own cells), so `styles.xml` and every `s` are the same as a workbook
written cell by cell (`tests/io/test_master_stream.py` compares the two).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from copy import copy
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from parc_xl.domain.formulas import looks_like_formula
from parc_xl.io.master_layout import Column

_DIMENSION = re.compile(rb'(<dimension ref="[A-Z]+[0-9]+:[A-Z]+)([0-9]+)("/>)')
_CHUNK_PIECES = 50_000


def streamable(rows: list[list[Any]]) -> bool:
    """True when every value is one the text writer encodes exactly as openpyxl does
    (text without the characters openpyxl refuses, numbers, naive dates, None); other
    rows are left to openpyxl (which then reports them as it always has)."""
    from parc_xl.io.master_writer import _cell_value

    distinct: set[Any] = set()
    for values in rows:
        distinct.update(values)  # a task's texts repeat in each of its units' rows
    if True in distinct or False in distinct:  # also 1 and 0: check each value's own type
        distinct = {(type(v), v) for values in rows for v in values}
        return all(_encodable(_cell_value(v)) for _, v in distinct)
    return all(_encodable(_cell_value(v)) for v in distinct)


def _encodable(v: Any) -> bool:
    if v is None or type(v) in (int, float, dt.date):
        return True
    if type(v) is str:
        return not ILLEGAL_CHARACTERS_RE.search(v)
    return type(v) is dt.datetime and v.tzinfo is None


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


class _RowsWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer with one sheet's rows streamed in (see module docstring)."""

    def __init__(self, wb: Workbook, archive: ZipFile, ws: Worksheet, rows: Iterator[bytes],
                 last_row: int) -> None:
        super().__init__(wb, archive)
        self._stream_ws, self._stream_rows, self._last_row = ws, rows, last_row

    def write_worksheet(self, ws: Worksheet) -> None:
        if ws is not self._stream_ws:
            super().write_worksheet(ws)
            return
        # ExcelWriter.write_worksheet (openpyxl 3.1), the part written in three pieces
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        with open(writer.out, "rb") as f:
            data = f.read()
        writer.cleanup()
        cut = data.rfind(b"</sheetData>")
        if cut < 0:
            raise RuntimeError("openpyxl wrote the tracking sheet without rows")
        head = _DIMENSION.sub(lambda m: m.group(1) + str(self._last_row).encode() + m.group(3), data[:cut], 1)
        with self._archive.open(ws.path[1:], "w", force_zip64=True) as out:
            out.write(head)
            for chunk in self._stream_rows:
                out.write(chunk)
            out.write(data[cut:])
        self.manifest.append(ws)


def _rows_text(wb: Workbook, columns: list[Column], styles: list[Any], rows: list[list[Any]],
               first_row: int) -> Iterator[bytes]:
    """The rows as openpyxl's worksheet writer serialises them, registering each cell's
    style in the workbook's table when the writer would (first use, row by row)."""
    from parc_xl.io.master_writer import _cell_value
    from parc_xl.io.row_heights import cell_lines, lines_height

    ncols = len(columns)
    style_ids: dict[tuple[int, bool], str] = {}

    def style_id(i: int, quote: bool) -> str:
        sid = style_ids.get((i, quote))
        if sid is None:
            arr = copy(styles[i])
            if quote:
                arr.quotePrefix = 1
            sid = style_ids[(i, quote)] = str(wb._cell_styles.add(arr))
        return sid

    def tail(i: int, raw: Any) -> tuple[str, int]:
        """The cell after `<c r="A12` (attributes and content) and its lines of text."""
        v = _cell_value(raw)
        lines = cell_lines(v, columns[i])
        if v is None:
            return f'" s="{style_id(i, False)}" t="n"/>', lines
        if type(v) is str:
            s = style_id(i, looks_like_formula(v))
            if v == "":
                return f'" s="{s}" t="inlineStr"/>', lines
            space = ' xml:space="preserve"' if v != v.strip() else ""
            return f'" s="{s}" t="inlineStr"><is><t{space}>{_escape(v)}</t></is></c>', lines
        if isinstance(v, dt.date):
            v = to_excel(v, wb.epoch)
        return f'" s="{style_id(i, False)}" t="n"><v>{safe_string(v)}</v></c>', lines

    # The texts of one task repeat in each of its units' rows: each distinct (column,
    # value) is encoded, escaped and measured once; its first use also registers the
    # style at the point openpyxl's writer would.
    tails: dict[tuple[int, type, Any], tuple[str, int]] = {}
    starts = [f'<c r="{get_column_letter(i)}' for i in range(1, ncols + 1)]
    heights: dict[int, str] = {}
    out: list[str] = []
    r = first_row - 1
    for raw in rows:
        r += 1
        rs = str(r)
        lines = 1
        cells: list[str] = []
        for i in range(ncols):
            v = raw[i] if i < len(raw) else None
            key = (i, type(v), v)
            hit = tails.get(key)
            if hit is None:
                hit = tail(i, v)
                if len(tails) < 200_000:
                    tails[key] = hit
            if hit[1] > lines:
                lines = hit[1]
            cells.append(starts[i] + rs + hit[0])
        if lines == 1:
            out.append(f'<row r="{rs}">')
        else:
            ht = heights.get(lines)
            if ht is None:
                ht = heights[lines] = safe_string(lines_height(lines))
            out.append(f'<row r="{rs}" ht="{ht}" customHeight="1">')
        out += cells
        out.append("</row>")
        if len(out) > _CHUNK_PIECES:
            yield "".join(out).encode("utf-8")
            out.clear()
    yield "".join(out).encode("utf-8")


def save_with_rows(wb: Workbook, path: Path, ws: Worksheet, columns: list[Column], styles: list[Any],
                   rows: list[list[Any]], *, first_row: int) -> None:
    """`wb.save(path)` with `rows` appended to sheet `ws` from `first_row` as text."""
    last = first_row + len(rows) - 1
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
        writer = _RowsWriter(wb, archive, ws, _rows_text(wb, columns, styles, rows, first_row), last)
        writer.write_data()
