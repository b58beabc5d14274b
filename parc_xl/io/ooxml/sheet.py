"""The element path: one worksheet part as an lxml tree, indexed by row and column for
fast, ordered edits (and rows appended in bulk held as text until needed)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from lxml import etree

from parc_xl.errors import InputError
from parc_xl.io.ooxml.base import (
    _M,
    _PARSER,
    _WS_ORDER,
    NS_MAIN,
    NS_XML,
    RT_TABLE,
    CellValue,
    _child,
    _children,
    _extend_ref,
    _insert_ordered,
    _local,
    _ref_col,
    _serialize,
    col_letter,
    split_ref,
)
from parc_xl.io.ooxml.cells import _encode_value, _rich_text
from parc_xl.io.ooxml.sheet_text import _rows_xml

if TYPE_CHECKING:
    from parc_xl.io.ooxml.package import XlsxPackage

# --- worksheets ----------------------------------------------------------------------
_VALUE_TAGS = frozenset(["f", "v", "is"])


def _cell_has_value(cell: etree._Element) -> bool:
    for child in cell:
        if _local(child) in _VALUE_TAGS:
            return True
    return False


class SheetPart:
    """One worksheet part, indexed by row and column for fast, ordered edits."""

    def __init__(self, pkg: XlsxPackage, name: str, part: str) -> None:
        self.pkg = pkg
        self.name = name
        self.part = part
        self.root = pkg._xml(part)
        if _local(self.root) != "worksheet":
            raise InputError(f"Trang “{name}” của sổ {pkg.path.name} không phải là trang tính dữ liệu.")
        data = _child(self.root, "sheetData")
        if data is None:
            data = etree.Element(_M + "sheetData")
            _insert_ordered(self.root, data, _WS_ORDER)
        self._data = data
        self._rows: dict[int, etree._Element] = {}
        self._row_nums: list[int] = []
        self._cells: dict[int, dict[int, etree._Element]] = {}
        previous = 0
        for row in data:
            if _local(row) != "row":
                continue
            r_text = row.get("r")
            r = int(r_text) if r_text else previous + 1
            if not r_text:
                row.set("r", str(r))
            self._rows[r] = row
            self._row_nums.append(r)
            previous = r
        if self._row_nums != sorted(self._row_nums):
            self._row_nums.sort()
        # Rows appended in bulk are kept as XML text until something needs them as
        # elements (see `_materialize`); most jobs only append and save.
        self._prefix = f"{data.prefix}:" if data.prefix else ""
        self._pending: list[bytes] = []  # UTF-8 row XML
        self._pending_first = 0  # first row number held as text
        self._pending_last = 0  # last row number held as text
        self._pending_cells: tuple[int, int, int, int] | None = None  # r1, c1, r2, c2
        self._pending_last_used = 0

    def _materialize(self) -> None:
        """Turn rows held as text into elements (parsed once, appended, indexed)."""
        if not self._pending:
            return
        p = self._prefix
        ns = f' xmlns:{p[:-1]}="{NS_MAIN}"' if p else f' xmlns="{NS_MAIN}"'
        text = f"<{p}sheetData{ns}>".encode() + b"".join(self._pending) + f"</{p}sheetData>".encode()
        fragment = etree.fromstring(text, _PARSER)
        new_rows = list(fragment)
        self._data.extend(new_rows)
        for row in new_rows:
            r = int(row.get("r", "0"))
            self._rows[r] = row
            self._row_nums.append(r)
        self._pending = []
        self._pending_cells = None
        self._pending_first = self._pending_last = self._pending_last_used = 0

    def _serialize(self) -> bytes:
        return b"".join(self._serialized_pieces())

    def _serialized_pieces(self) -> list[bytes]:
        """The part's XML as consecutive pieces: the tree's text around the rows held as
        text, those rows in between (saved without joining them: `XlsxPackage._prepare`)."""
        if not self._pending:
            return [_serialize(self.root)]
        marker = etree.Comment("parc-xl-pending-rows")
        self._data.append(marker)
        try:
            head, tail = _serialize(self.root).split(b"<!--parc-xl-pending-rows-->")
        finally:
            self._data.remove(marker)
        return [head, *self._pending, tail]

    def pending_bytes(self) -> int:
        """Size of the rows held as text (0 when none)."""
        return sum(len(chunk) for chunk in self._pending)

    # indexing --------------------------------------------------------------------
    def _touch(self) -> None:
        self.pkg._mark_dirty(self.part, cells=True)

    def _row(self, r: int, create: bool) -> etree._Element | None:
        if self._pending:
            self._materialize()
        row = self._rows.get(r)
        if row is not None or not create:
            return row
        row = etree.Element(_M + "row")
        row.set("r", str(r))
        nums = self._row_nums
        if not nums or r > nums[-1]:
            self._data.append(row)
            nums.append(r)
        else:
            i = bisect_left(nums, r)
            self._rows[nums[i]].addprevious(row)
            nums.insert(i, r)
        self._rows[r] = row
        self._cells.setdefault(r, {})
        return row

    def _row_cells(self, r: int) -> dict[int, etree._Element]:
        if self._pending:
            self._materialize()
        cells = self._cells.get(r)
        if cells is not None:
            return cells
        cells = {}
        row = self._rows.get(r)
        if row is not None:
            previous = 0
            for cell in row:
                if _local(cell) != "c":
                    continue
                ref = cell.get("r")
                c = _ref_col(ref) if ref else previous + 1
                if not ref:
                    cell.set("r", f"{col_letter(c)}{r}")
                cells[c] = cell
                previous = c
        self._cells[r] = cells
        return cells

    def _cell(self, r: int, c: int, create: bool) -> etree._Element | None:
        cells = self._row_cells(r)
        cell = cells.get(c)
        if cell is not None or not create:
            return cell
        row = self._row(r, create=True)
        assert row is not None
        row.attrib.pop("spans", None)
        cell = etree.Element(_M + "c")
        cell.set("r", f"{col_letter(c)}{r}")
        after = [k for k in cells if k > c]
        if after:
            cells[min(after)].addprevious(cell)
        else:
            last_cell = None
            for child in reversed(row):
                if _local(child) == "c":
                    last_cell = child
                    break
            if last_cell is not None:
                last_cell.addnext(cell)
            else:
                row.insert(0, cell)
        cells[c] = cell
        return cell

    @property
    def last_row(self) -> int:
        """Number of the last `<row>` element (0 when the sheet has none)."""
        if self._pending:
            return self._pending_last
        return self._row_nums[-1] if self._row_nums else 0

    def last_used_row(self) -> int:
        """Number of the last row holding a value or formula (0 when none)."""
        if self._pending_last_used:
            return self._pending_last_used
        for r in reversed(self._row_nums):
            for cell in self._row_cells(r).values():
                if _cell_has_value(cell):
                    return r
        return 0

    def style_of(self, ref: str) -> int:
        r, c = split_ref(ref)
        cell = self._cell(r, c, create=False)
        return int(cell.get("s", "0")) if cell is not None else 0

    def row_styles(self, r: int) -> dict[int, int]:
        """{column: style index} of the cells of row `r`."""
        return {c: int(cell.get("s", "0")) for c, cell in self._row_cells(r).items()}

    # reading ---------------------------------------------------------------------
    def _cell_value(self, cell: etree._Element) -> object:
        t = cell.get("t", "n")
        if t == "inlineStr":
            is_el = _child(cell, "is")
            return _rich_text(is_el) if is_el is not None else ""
        v = _child(cell, "v")
        if v is None or v.text is None:
            return None
        text = v.text
        if t == "s":
            return self.pkg._shared_strings()[int(text)]
        if t == "b":
            return text.strip() in ("1", "true")
        if t in ("str", "e"):
            return text
        if t == "d":
            return dt.datetime.fromisoformat(text)
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def value(self, ref: str) -> object:
        r, c = split_ref(ref)
        cell = self._cell(r, c, create=False)
        return None if cell is None else self._cell_value(cell)

    def read_values(self) -> list[list[object]]:
        """All values from A1 to the last used cell (dates stay Excel serial numbers)."""
        self._materialize()
        grid: dict[int, dict[int, object]] = {}
        max_col = 0
        for r in self._row_nums:
            values = {}
            for c, cell in self._row_cells(r).items():
                value = self._cell_value(cell)
                if value is not None:
                    values[c] = value
            if values:
                grid[r] = values
                max_col = max(max_col, max(values))
        if not grid:
            return []
        return [
            [grid.get(r, {}).get(c) for c in range(1, max_col + 1)]
            for r in range(1, max(grid) + 1)
        ]

    # writing ---------------------------------------------------------------------
    def set_value(self, ref: str, value: CellValue, *, quote_formula_like: bool = True) -> None:
        """Write one value; see the `parc_xl.io.ooxml` docstring for how each type is stored."""
        r, c = split_ref(ref)
        cell = self._cell(r, c, create=True)
        assert cell is not None
        self._write(cell, value, quote_formula_like)
        self._touch()

    def set_row(
        self,
        row_number: int,
        values: Sequence[CellValue],
        first_col: int = 1,
        *,
        style_row: int | None = None,
        quote_formula_like: bool = True,
    ) -> None:
        """Write `values` into row `row_number` from column `first_col`; cells created
        here take the style of the same column in `style_row` when given."""
        styles = self.row_styles(style_row) if style_row else {}
        for offset, value in enumerate(values):
            c = first_col + offset
            existed = c in self._row_cells(row_number)
            cell = self._cell(row_number, c, create=True)
            assert cell is not None
            if not existed and c in styles and styles[c]:
                cell.set("s", str(styles[c]))
            self._write(cell, value, quote_formula_like)
        self._touch()

    def append_rows(
        self,
        rows: Iterable[Sequence[CellValue]],
        style_row: int | None = None,
        *,
        header_row: int = 1,
        first_col: int = 1,
        quote_formula_like: bool = True,
        heights: Sequence[float | None] | None = None,
    ) -> int:
        """Append `rows` after the last row that holds a value; return the first row
        number written. Cells take the style of the same column in `style_row`
        (default: the last used row below `header_row`, else `header_row + 1`);
        `heights` (one per row, None: default) as `set_row_heights` gives them."""
        last = self.last_used_row()
        if style_row is None:
            style_row = last if last > header_row else header_row + 1
        start = max(last, header_row if last else 0) + 1
        self._write_rows(start, rows, first_col, self.row_styles(style_row), quote_formula_like, heights)
        return start

    def clear_rows(self, from_row: int) -> None:
        """Delete every row numbered `from_row` or more (values, styles, heights)."""
        self._materialize()
        nums = self._row_nums
        i = bisect_left(nums, from_row)
        if i == len(nums):
            return
        for r in nums[i:]:
            self._data.remove(self._rows.pop(r))
            self._cells.pop(r, None)
        del nums[i:]
        self._touch()

    def set_row_heights(self, heights: dict[int, float]) -> None:
        """Give rows {row: height in points} (Excel's `ht` with `customHeight`): neither
        Excel nor LibreOffice fits the height of wrapped rows in a file it did not write."""
        if not heights:
            return
        for r, h in sorted(heights.items()):
            row = self._row(r, create=True)
            assert row is not None
            row.set("ht", f"{h:g}")
            row.set("customHeight", "1")
        self._touch()

    def write_table(
        self,
        first_row: int,
        rows: Iterable[Sequence[CellValue]],
        style_row: int | None = None,
        *,
        first_col: int = 1,
        quote_formula_like: bool = True,
    ) -> None:
        """Replace everything from `first_row` down with `rows`. Cells take the style of
        the same column in `style_row` as it was before clearing (default `first_row`)."""
        styles = self.row_styles(style_row if style_row is not None else first_row)
        self.clear_rows(first_row)
        self._write_rows(first_row, rows, first_col, styles, quote_formula_like)

    # encoding --------------------------------------------------------------------
    def _drop_formula(self, cell: etree._Element, f: etree._Element) -> None:
        """Remove `f`; a shared formula's dependents keep their cached values."""
        if f.get("t") == "shared" and f.get("ref") and f.get("si") is not None:
            si = f.get("si")
            first, _, last = f.get("ref", "").partition(":")
            r1, c1 = split_ref(first)
            r2, c2 = split_ref(last or first)
            for r in range(r1, r2 + 1):
                for c, other in self._row_cells(r).items():
                    if c1 <= c <= c2 and other is not cell:
                        for g in _children(other, "f"):
                            if g.get("t") == "shared" and g.get("si") == si:
                                other.remove(g)
        cell.remove(f)

    def _write(self, cell: etree._Element, value: CellValue, quote: bool) -> None:
        for child in list(cell):
            name = _local(child)
            if name == "f":
                self._drop_formula(cell, child)
            elif name in ("v", "is"):
                cell.remove(child)
        for attr in ("t", "cm", "vm"):
            cell.attrib.pop(attr, None)
        if value is None:
            return
        kind, text, style = self._encode(value, int(cell.get("s", "0")), quote)
        if style is not None:
            cell.set("s", str(style))
        if kind == "inlineStr":
            cell.set("t", "inlineStr")
            is_el = etree.Element(_M + "is")
            t_el = etree.SubElement(is_el, _M + "t")
            t_el.set(f"{{{NS_XML}}}space", "preserve")
            t_el.text = text
            cell.insert(0, is_el)
        else:
            if kind == "b":
                cell.set("t", "b")
            v = etree.Element(_M + "v")
            v.text = text
            cell.insert(0, v)

    def _encode(self, value: CellValue, s: int, quote: bool) -> tuple[str, str, int | None]:
        """(cell type, text, new style index or None to keep) for `value`."""
        return _encode_value(self.pkg, value, s, quote)

    def _write_rows(
        self,
        first_row: int,
        rows: Iterable[Sequence[CellValue]],
        first_col: int,
        styles: dict[int, int],
        quote: bool,
        heights: Sequence[float | None] | None = None,
    ) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.last_row >= first_row:
            # Rows that already exist (e.g. the empty styled row 2 under a header) are
            # edited as elements; only those: the rest still takes the text path below,
            # else one template row would send 15,000 history rows through lxml.
            existing = min(len(rows), self.last_row - first_row + 1)
            if heights is not None:
                self.set_row_heights({first_row + k: h for k, h in enumerate(heights[:existing]) if h is not None})
                heights = heights[existing:]
            for offset, values in enumerate(rows[:existing]):
                r = first_row + offset
                for i, value in enumerate(values):
                    c = first_col + i
                    existed = c in self._row_cells(r)
                    cell = self._cell(r, c, create=True)
                    assert cell is not None
                    if not existed and styles.get(c):
                        cell.set("s", str(styles[c]))
                    if value is not None or existed:
                        self._write(cell, value, quote)
            self._touch()
            rows = rows[existing:]
            first_row += existing
            if not rows:
                return
        # Fast path: every row is new and goes at the end: keep it as XML text.
        chunks, r, last_used, box = _rows_xml(self.pkg, first_row, rows, first_col, styles, quote, self._prefix,
                                              heights)
        self._pending.extend(chunks)
        if not self._pending_first:
            self._pending_first = first_row
        self._pending_last = r
        if last_used:
            self._pending_last_used = last_used
        if box is not None:
            old = self._pending_cells
            if old is not None:
                box = (old[0], min(old[1], box[1]), box[2], max(old[3], box[3]))
            self._pending_cells = box
        self._touch()

    # bookkeeping at save ---------------------------------------------------------
    def _used_range(self) -> tuple[int, int, int, int] | None:
        """(first row, first col, last row, last col) over all `<c>` elements."""
        pending = self._pending_cells if self._pending else None
        min_c, max_c = 16385, 0
        rows_with_cells: list[int] = []
        for r in self._row_nums:
            row = self._rows[r]
            cells = self._cells.get(r)
            if cells is not None:
                if not cells:
                    continue
                lo, hi = min(cells), max(cells)
            else:
                first = last = None
                for child in row:
                    if _local(child) == "c":
                        if first is None:
                            first = child
                        last = child
                if first is None or last is None:
                    continue
                lo, hi = _ref_col(first.get("r", "A")), _ref_col(last.get("r", "A"))
            min_c, max_c = min(min_c, lo), max(max_c, hi)
            rows_with_cells.append(r)
        if pending is not None:
            if not rows_with_cells:
                return pending
            return rows_with_cells[0], min(min_c, pending[1]), pending[2], max(max_c, pending[3])
        if not rows_with_cells:
            return None
        return rows_with_cells[0], min_c, rows_with_cells[-1], max_c

    def _finalize(self) -> None:
        used = self._used_range()
        ref = "A1"
        if used is not None:
            r1, c1, r2, c2 = used
            ref = f"{col_letter(c1)}{r1}"
            if (r1, c1) != (r2, c2):
                ref += f":{col_letter(c2)}{r2}"
        dim = _child(self.root, "dimension")
        if dim is None:
            dim = etree.Element(_M + "dimension")
            _insert_ordered(self.root, dim, _WS_ORDER)
        dim.set("ref", ref)
        last = self.last_row
        auto = _child(self.root, "autoFilter")
        if auto is not None and auto.get("ref"):
            auto.set("ref", _extend_ref(auto.get("ref", ""), last))
            self.pkg._sync_filter_name(self.name, last)
        for table_part in self.pkg._related(self.part, RT_TABLE):
            table = self.pkg._xml(table_part)
            if table.get("ref"):
                table.set("ref", _extend_ref(table.get("ref", ""), last, min_rows=2))
                table_auto = _child(table, "autoFilter")
                if table_auto is not None:
                    table_auto.set("ref", table.get("ref"))
                self.pkg._mark_dirty(table_part)
