"""The one cell encoder: how a Python value is stored in a cell (type, text, style), and
how cell text is read back (rich text, Excel date serials)."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as _xml_escape

from lxml import etree

from parc_xl.domain.formulas import looks_like_formula
from parc_xl.io.ooxml.base import _ILLEGAL_XML, MAX_CELL_TEXT, CellValue, _local

if TYPE_CHECKING:
    from parc_xl.io.ooxml.package import XlsxPackage


def _clean_text(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        raise ValueError(f"text longer than Excel's {MAX_CELL_TEXT} characters per cell")
    return text


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"cannot store {value!r} in a cell")
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _encode_value(pkg: XlsxPackage, value: CellValue, s: int, quote: bool) -> tuple[str, str, int | None]:
    """(cell type, text, new style index or None to keep) for `value` in a cell of
    format `s`: see the `parc_xl.io.ooxml` docstring for how each type is stored."""
    if isinstance(value, str):
        text = _clean_text(value)
        if quote and looks_like_formula(text):
            return "inlineStr", text, pkg._styles().quote_style(s)
        return "inlineStr", text, None
    if isinstance(value, bool):
        return "b", "1" if value else "0", None
    if isinstance(value, (int, float)):
        return "n", _number_text(value), None
    if isinstance(value, dt.datetime):
        serial = excel_serial(value, pkg.date1904)
        new = pkg._styles().date_style(s, with_time=True)
        return "n", _number_text(serial), new if new != s else None
    if isinstance(value, dt.date):
        serial = excel_serial(value, pkg.date1904)
        new = pkg._styles().date_style(s, with_time=False)
        return "n", _number_text(serial), new if new != s else None
    raise TypeError(f"cannot write a {type(value).__name__} to a cell")


def _text_escape(text: str) -> str:
    """Element text as lxml serialises it (&, <, > and carriage returns escaped)."""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = _xml_escape(text, {"\r": "&#13;"})
    return text


def _cell_content(kind: str, text: str, p: str = "") -> str:
    """A cell's XML after its other attributes, for the encoder's (`_encode_value`) cell
    type and text: ` t="inlineStr"><is><t xml:space="preserve">…</t></is></c>`, ` t="b"><v>1</v></c>`
    or `><v>…</v></c>` (`p`: the main namespace's prefix with its colon, "" when default).
    Both text paths write cells with it; it is the XML the element path
    (`SheetPart._write`) builds as elements."""
    if kind == "inlineStr":
        return f' t="inlineStr"><{p}is><{p}t xml:space="preserve">{_text_escape(text)}</{p}t></{p}is></{p}c>'
    if kind == "b":
        return f' t="b"><{p}v>{text}</{p}v></{p}c>'
    return f"><{p}v>{text}</{p}v></{p}c>"


def _rich_text(el: etree._Element) -> str:
    """Text of a `<si>`/`<is>`: plain `<t>` or rich runs, without phonetic runs."""
    out: list[str] = []
    for child in el:
        name = _local(child)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            for t in child:
                if _local(t) == "t":
                    out.append(t.text or "")
    return "".join(out)


def excel_serial(value: dt.date, date1904: bool = False) -> int | float:
    """Excel's serial number of a date or datetime (naive wall-clock time)."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        delta = naive - base
        serial: int | float = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    else:
        base_date = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        serial = (value - base_date).days
    if not date1904 and serial < 61:
        serial -= 1  # Excel's phantom 29/02/1900: serials before March 1900 are shifted
    if serial < 0:
        raise ValueError(f"date before Excel's epoch: {value!r}")
    return serial
