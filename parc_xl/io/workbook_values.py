"""Opening a workbook for value reads (python-calamine), with one Vietnamese message per
way it can fail: absent, password-protected, not a readable .xlsx.

python-calamine raises its own error types for broken files (and new ones across
versions), so the broad `except` of every calamine reader lives here: opening a workbook
(`open_values`) and decoding one of its sheets (`sheet_values`) fail alike. A reader with
its own refusal record (the unit-workbook reader: `package-damaged`) passes `refuse`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parc_xl.errors import InputError

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

#: Makes the refusal of a workbook calamine could not open or decode, from its error.
Refuse = Callable[[Exception], InputError]


def open_values(path: Path, what: str = "", *, refuse: Refuse | None = None) -> CalamineWorkbook:
    """The workbook at `path`, opened for values; InputError when it is absent ("Không tìm
    thấy tệp <what>: …"), has a password, or is not an .xlsx calamine can read (the one
    `refuse` makes, when given)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {what + ': ' if what else ''}{path}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise _unreadable(path, exc, refuse) from exc


def sheet_values(book: CalamineWorkbook, sheet: str, path: Path, *, refuse: Refuse | None = None) -> list[list[Any]]:
    """Every row of `sheet` from A1, empty cells kept; a sheet calamine cannot decode (bad
    CRC, XML, encoding) is refused as `open_values` refuses the workbook."""
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken parts
        raise _unreadable(Path(path), exc, refuse) from exc


def _unreadable(path: Path, exc: Exception, refuse: Refuse | None) -> InputError:
    from python_calamine import PasswordError

    if refuse is not None:
        return refuse(exc)
    if isinstance(exc, PasswordError):
        return InputError(f"Tệp {path.name} có mật khẩu; hãy bỏ mật khẩu rồi chạy lại.")
    return InputError(f"Không đọc được tệp {path.name}: đây không phải sổ Excel (.xlsx) hoặc tệp đã bị hỏng.")


def cell_datetime(v: Any) -> dt.datetime | None:
    """A date-time cell as calamine gives it (datetime, date, an Excel serial when the cell
    lost its date format, or ISO text) → datetime to the nearest second; None otherwise."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 < v < 2958466:
        # 1900 date system (Excel's 1900 leap-year bug makes day 0 = 1899-12-30); rounded to the
        # second so 10:00 stored as 0.41666… is 10:00:00, not 09:59:59.999
        return dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(float(v) * 86400))
    if isinstance(v, str) and v.strip():
        try:
            return dt.datetime.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def first_row(path: Path, sheet: str) -> list[Any] | None:
    """Row 1 of `sheet` from column A as calamine gives it, when it is text (a header row),
    read from the start of the sheet's part only: calamine decodes a whole sheet to give
    one row, and `Lịch sử` grows by every field a merge changes (315,000 rows after one
    1,000-unit merge: 2.2 s to read its header). None when this cannot say for sure what
    calamine would: the part is not found or not plain XML, a cell of row 1 is not plain
    text, row 1 is absent or its A1
    empty (calamine's first row is then the first non-empty one, from the first used
    column of the whole sheet); the caller then asks calamine."""
    import zipfile

    from lxml import etree

    from parc_xl.io.ooxml.base import _rels_path, _resolve, sheet_parts

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if len({n.lower() for n in names}) != len(names):
                return None  # part names that differ only in case: which one a reader takes varies
            book = _resolve("", _target_of(_parse(zf, "_rels/.rels"), "/officeDocument"))
            rels = _parse(zf, _rels_path(book)) if _rels_path(book) in names else None
            part = sheet_parts(_parse(zf, book), rels, book).get(sheet)
            if part not in names:
                return None
            with zf.open(part) as fh:
                cells = _row_one(etree, fh)
            if not cells or cells[0][0] != 0 or cells[0][2] in ("", None):
                return None
            if any(t == "s" for _, t, _ in cells):
                strings_part = _resolve(book, _target_of(rels, "/sharedStrings")) if rels is not None else ""
                if strings_part not in names:
                    return None
                wanted = max(int(v) for _, t, v in cells if t == "s")
                with zf.open(strings_part) as fh:
                    strings = _shared_strings(etree, fh, wanted)
                cells = [(i, "str", strings[int(v)]) if t == "s" else (i, t, v) for i, t, v in cells]
    except (KeyError, IndexError, OSError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    # a header row is text; a number (a date by its style), a boolean, an error or an
    # _xHHHH_ escape is calamine's to convert
    if any(t != "str" or "_x" in v for _, t, v in cells):
        return None
    row: list[Any] = [""] * (cells[-1][0] + 1)
    for i, _, v in cells:
        row[i] = v
    return row


def _parse(zf: Any, part: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(zf.read(part), parser)


def _target_of(rels: Any, kind: str) -> str:
    """The target of the first relationship whose type ends with `kind` ("" when none)."""
    return next((r.get("Target") or "" for r in rels if (r.get("Type") or "").endswith(kind)), "")


def _row_one(etree: Any, fh: Any) -> list[tuple[int, str, Any]]:
    """(0-based column, cell type, stored value) of the cells of row 1, in column order;
    [] when the sheet's first row is not row 1. Parsing stops at the end of the first row."""
    from parc_xl.io.ooxml.base import _ref_col

    cells: list[tuple[int, str, Any]] = []
    events = etree.iterparse(fh, events=("end",), tag=f"{_MAIN}row", resolve_entities=False, no_network=True,
                             load_dtd=False)
    for _, row in events:
        if (row.get("r") or "1") != "1":
            return []
        col = -1
        for c in row.iter(f"{_MAIN}c"):
            ref = c.get("r")
            col = _ref_col(ref) - 1 if ref else col + 1
            t = c.get("t") or "n"
            if t == "inlineStr":
                is_ = c.find(f"{_MAIN}is")
                cells.append((col, "str", _text_of(is_) if is_ is not None else ""))
                continue
            v = c.find(f"{_MAIN}v")
            if v is not None and v.text is not None:
                cells.append((col, t, v.text))
        return sorted(cells)
    return []


def _shared_strings(etree: Any, fh: Any, last: int) -> list[str]:
    """The shared strings up to index `last`, parsing no further."""
    out: list[str] = []
    for _, si in etree.iterparse(fh, events=("end",), tag=f"{_MAIN}si", resolve_entities=False, no_network=True,
                                 load_dtd=False):
        out.append(_text_of(si))
        if len(out) > last:
            break
        si.clear()
    return out


def _text_of(element: Any) -> str:
    """The text of an <is> or <si>: its <t> runs, phonetic runs (<rPh>) left out."""
    return "".join(t.text or "" for t in element.iter(f"{_MAIN}t")
                   if t.getparent() is not None and t.getparent().tag != f"{_MAIN}rPh")
