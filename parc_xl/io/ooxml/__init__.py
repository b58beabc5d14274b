"""The package layer: safe, surgical writes to an .xlsx/.xlsm package the clerk has edited.

Why not openpyxl: loading and saving a workbook with openpyxl silently drops what it
cannot model (shapes, form controls, notes' drawings, Excel 2010+ conditional-format and
data-validation extensions, VBA unless told, chart formatting it does not know...).
PRODUCT.md "Never lose data" forbids that for the master. This package instead treats
the workbook as what it is, an OPC zip package, and patches only the XML parts it must:

* the worksheet parts whose cells it writes (``SheetPart``),
* ``xl/styles.xml`` (cloned cell formats for dates / quote prefix, merged styles of a
  transplanted sheet),
* ``xl/workbook.xml`` (+ its rels, ``[Content_Types].xml``) when sheets are transplanted
  or the calculation chain is dropped.

Every other zip entry is copied byte for byte (its compressed bytes, same method, same
order). Writes are atomic: temporary file in the same folder, fsync, ``os.replace``.

Decisions (see also tests/io/test_ooxml_*.py):

* **calcChain.** When any worksheet is modified, ``xl/calcChain.xml`` is removed (with its
  relationship and content-type override) and ``<calcPr fullCalcOnLoad="1"/>`` is set.
  A stale calc chain that lists a cell which no longer holds a formula makes Excel
  "repair" the file; a missing one is simply rebuilt. Full calculation on load also
  refreshes the cached results of the clerk's own formulas that read our new values.
* **Strings** are written as inline strings (``t="inlineStr"``); the shared string table
  is never rewritten, so untouched cells keep their indices and the part stays identical.
* **Styles.** Style indices are never renumbered; new cell formats are appended to
  ``cellXfs`` (clones are cached and deduplicated), so existing cells keep their look.
  A date/datetime gets ``dd/mm/yyyy`` / ``dd/mm/yyyy hh:mm`` only when the cell's
  current format does not already show a date (and a time, for datetimes). Text that
  Excel would take for a formula gets a clone of its format with ``quotePrefix="1"``.
* **Bulk rows.** ``append_rows``/``write_table`` beyond the last row keep the new rows as
  XML text until saved (or until a later edit needs them as elements): 200,000 rows x 3
  cells are written and saved in about a second or two instead of building a million
  lxml elements. Large ones (and rows spliced into a sheet not loaded as elements)
  are deflated as they are streamed (``zipio.StreamDeflater``), never joined into one
  more copy of the sheet: a 200 MB ``Lịch sử`` plus 200,000 rows peaked at 1 GB, now ½.
* **Bulk cells.** ``XlsxPackage.set_columns`` rewrites existing cells of a sheet that has
  not been loaded as elements directly in its serialised XML (one regex split, cached
  cell encodings): the status job's 800,000 cells of a 200,000-row ``Theo dõi`` take
  about 2 s instead of a 300 MB lxml tree and ≈40 s. Anything unusual (a formula, a
  missing cell, comments) falls back to the element path, which gives the same result.
  Parts over 16 MB are deflated in 8 MB chunks on all cores.

Modules:

* ``base``: namespaces, schema orders, cell references, part names, element helpers;
* ``zipio``: zip entries copied or deflated, atomic write, backups, lock files;
* ``package``: ``XlsxPackage`` (parts, relationships, content types, sheet map, save);
* ``transplant``: a sheet copied in from another workbook (the dashboard);
* ``styles``: ``xl/styles.xml`` (date formats, quote prefix, imported formats);
* ``cells``: the one cell encoder (value → type, text, style) and cell text read back;
* ``sheet``: the element path (``SheetPart``, an lxml tree of one worksheet);
* ``sheet_text``: the text paths (rows appended, cells rewritten in the serialised XML).

Typical use::

    pkg = XlsxPackage.open(master)
    sheet = pkg.sheet("Theo dõi")
    sheet.set_value("F12", "Đã hoàn thành")
    first = pkg.sheet("Lịch sử").append_rows(rows)
    pkg.replace_sheet_from(fresh_dashboard_xlsx, "Tổng hợp", position=1)
    backup = pkg.save(master, backup_dir=master.parent / "sao_luu")

Limits (known, deliberate):

* Only transitional OOXML (what Excel and LibreOffice write); Strict OOXML packages and
  zip64 packages (> 4 GB, > 65,535 entries) are refused. Directory entries and the zip
  comment are not carried over (they hold no content).
* Removing the value of a cell that is the master of a *shared* formula turns the cells
  that shared it into plain values (their cached results); other formulas are untouched.
* ``docProps/app.xml`` (sheet titles shown by Explorer's property page) is not updated when
  a sheet is added; Excel and LibreOffice do not read it.
* A transplanted sheet's tables (``tableParts``) are copied as they are: their names
  must not clash with tables already in the master. Rich text in its shared strings
  becomes plain inline text. Replacing an existing sheet keeps its tab position
  (``position`` only places a new sheet).
* Appended rows take column styles from one style row; a style row whose cell has the
  quote prefix passes it on (harmless: it only matters for text starting with "=").
* Timezone-aware datetimes are written as their wall-clock time (tzinfo dropped).
"""

from __future__ import annotations

from parc_xl.io.ooxml.base import CellValue, col_letter, col_number, split_ref
from parc_xl.io.ooxml.cells import excel_serial
from parc_xl.io.ooxml.package import XlsxPackage
from parc_xl.io.ooxml.sheet import SheetPart
from parc_xl.io.ooxml.styles import format_has_day, format_has_time, format_is_date
from parc_xl.io.ooxml.zipio import backup_copy, xlsx_lock_file

__all__ = [
    "CellValue",
    "SheetPart",
    "XlsxPackage",
    "backup_copy",
    "col_letter",
    "col_number",
    "excel_serial",
    "format_has_day",
    "format_has_time",
    "format_is_date",
    "split_ref",
    "xlsx_lock_file",
]
