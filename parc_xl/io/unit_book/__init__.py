"""The unit workbook `<period>_<unit code>.xlsx`: PRODUCT.md "Unit workbook".

- `layout.py`: sheet names, columns, rows, metadata keys; the plan values of a task row,
  the digests and the MAC recorded in `_parc_xl`;
- `write.py`: the openpyxl writer (`write_unit_book`), the one writer of the layout;
- `read.py`: the bounded, values-only reader of a returned workbook (`read_unit_book`).

Callers import from here (`from parc_xl.io import unit_book as ub`).
"""

from __future__ import annotations

from parc_xl.io.unit_book import layout
from parc_xl.io.unit_book.layout import (
    COLUMN_IDS,
    COLUMNS,
    FILL_COLS,
    FIRST_ROW,
    FORMAT_ID,
    HASHED_COLS,
    HEADER_ROW,
    HEADER_TO_ID,
    MAX_CELL_CHARS,
    MAX_COLS,
    MAX_FILE_BYTES,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    META_KEYS,
    PLAN_COLS,
    SHEET_CHECK,
    SHEET_GUIDE,
    SHEET_META,
    SHEET_REPORT,
    TECHNICAL_COLS,
    TEMPLATE_VERSION,
    Col,
    a1,
    canon,
    cell_hash,
    col_index,
    col_letter,
    due_in_period,
    keys_digest,
    mac_matches,
    meta_digest,
    meta_mac,
    meta_pairs,
    plan_digest,
    plan_values,
    row_hashes,
    unit_meta,
)
from parc_xl.io.unit_book.read import UnitReturn, WorkbookParts, read_unit_book, workbook_parts
from parc_xl.io.unit_book.write import (
    GUIDE_CHARS_PER_LINE,
    GUIDE_WIDTH,
    guide_row_height,
    guide_unit_line,
    row_height,
    set_value,
    write_unit_book,
)

__all__ = [
    "COLUMN_IDS", "COLUMNS", "FILL_COLS", "FIRST_ROW", "FORMAT_ID", "GUIDE_CHARS_PER_LINE", "GUIDE_WIDTH",
    "HASHED_COLS", "HEADER_ROW", "HEADER_TO_ID", "MAX_CELL_CHARS", "MAX_COLS", "MAX_FILE_BYTES", "MAX_RATIO",
    "MAX_ROWS", "MAX_UNCOMPRESSED_BYTES", "META_KEYS", "PLAN_COLS", "SHEET_CHECK", "SHEET_GUIDE", "SHEET_META",
    "SHEET_REPORT", "TECHNICAL_COLS", "TEMPLATE_VERSION", "Col", "UnitReturn", "WorkbookParts", "a1", "canon",
    "cell_hash", "col_index", "col_letter", "due_in_period", "guide_row_height", "guide_unit_line", "keys_digest",
    "layout", "mac_matches", "meta_digest", "meta_mac", "meta_pairs", "plan_digest", "plan_values",
    "read_unit_book", "row_hashes", "row_height", "set_value", "unit_meta", "workbook_parts", "write_unit_book",
]
