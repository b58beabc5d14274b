"""The text paths: rows appended and existing cells rewritten in the serialised worksheet
XML, without building lxml elements (the status job's 200,000-row sheets, the log
sheets' 10^5–10^6 rows). Each gives up (None) on what it does not recognise and the
caller takes the element path (`SheetPart`), which gives the same result."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from lxml import etree

from parc_xl.io.ooxml.base import (
    _PARSER,
    RT_TABLE,
    CellValue,
    _child,
    _extend_ref,
    _local,
    _ref_col,
    col_letter,
    split_ref,
)
from parc_xl.domain.formulas import looks_like_formula
from parc_xl.io.ooxml.cells import _cell_content, _clean_text, _encode_value

if TYPE_CHECKING:
    from parc_xl.io.ooxml.package import XlsxPackage

_PATCH_WINDOW = 8 * 1024 * 1024


def _rows_xml(pkg: XlsxPackage, first_row: int, rows: list[Sequence[CellValue]], first_col: int,
              styles: dict[int, int], quote: bool, p: str, heights: Sequence[float | None] | None = None
              ) -> tuple[list[bytes], int, int, tuple[int, int, int, int] | None]:
    """New rows as UTF-8 XML text, encoded as `SheetPart._write` would encode each
    value: (chunks, last row written, last row holding a value (0: none), the box
    (r1, c1, r2, c2) of the cells written or None). `heights` (one per row, None: the
    default) become `ht` with `customHeight`, as `SheetPart.set_row_heights` writes
    them. Why: 300,000 history rows as lxml elements cost seconds and gigabytes; as
    text, about a microsecond a cell."""

    def encode(value: CellValue, s: int, quote: bool) -> tuple[str, str, int | None]:
        return _encode_value(pkg, value, s, quote)

    chunks: list[bytes] = []
    width = max(len(v) for v in rows)
    letters = [col_letter(first_col + i) for i in range(width)]
    style_list = [styles.get(first_col + i, 0) for i in range(width)]
    style_attr = [f' s="{st}"' if st else "" for st in style_list]
    out: list[str] = []
    append = out.append
    first_cell_row = last_cell_row = last_used = 0
    min_i, max_i = width, -1
    tails: dict[tuple[int, type, Any], str] = {}

    def _cell_tail(value: CellValue, s: int, s_default: str) -> str:
        if type(value) is str and not (quote and looks_like_formula(value)):
            kind, text, new = "inlineStr", _clean_text(value), None
        else:
            kind, text, new = encode(value, s, quote)
        s_attr = s_default if new is None else f' s="{new}"' if new else ""
        return s_attr + _cell_content(kind, text, p)

    starts = [f'<{p}c r="{letter}' for letter in letters]
    r = first_row - 1
    for k, values in enumerate(rows):
        r += 1
        rs = str(r)
        height = heights[k] if heights is not None else None
        if height is None:
            append(f'<{p}row r="{rs}">')
        else:
            append(f'<{p}row r="{rs}" ht="{height:g}" customHeight="1">')
        row_min, row_max, used = width, -1, False
        for i, value in enumerate(values):
            if value is None:
                if style_list[i]:
                    append(f'{starts[i]}{rs}"{style_attr[i]}/>')
                    if row_max < 0:
                        row_min = i
                    row_max = i
                continue
            # Lists like `Quá hạn` repeat the same units, tasks, dates in 10^5 rows:
            # each distinct (column, value) is encoded and escaped once.
            tkey = (i, type(value), value)
            tail = tails.get(tkey)
            if tail is None:
                tail = '"' + _cell_tail(value, style_list[i], style_attr[i])
                if len(tails) < 200_000:
                    tails[tkey] = tail
            append(starts[i] + rs + tail)
            if row_max < 0:
                row_min = i
            row_max, used = i, True
        append(f"</{p}row>")
        if len(out) > 50_000:  # held as UTF-8 (1 byte a char, not 2 for Vietnamese str)
            chunks.append("".join(out).encode("utf-8"))
            out.clear()
        if row_max >= 0:
            first_cell_row = first_cell_row or r
            last_cell_row = r
            min_i, max_i = min(min_i, row_min), max(max_i, row_max)
        if used:
            last_used = r
    chunks.append("".join(out).encode("utf-8"))
    box = None
    if max_i >= 0:
        box = (first_cell_row, first_col + min_i, last_cell_row, first_col + max_i)
    return chunks, r, last_used, box



# --- patching existing cells in the serialised sheet (bulk fast path) ----------------
_ATTR_RE = re.compile(rb'\s+([A-Za-z_][\w:.-]*)="([^"<]*)"')
_XML_DECL_RE = re.compile(rb'^\s*<\?xml[^>]*encoding=["\']([A-Za-z0-9._-]+)["\']')
_DROPPED_ATTRS = frozenset([b"t", b"cm", b"vm"])


_TAG_ATTR_RE = re.compile(rb"""\s([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DIMENSION_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*>")
_AUTOFILTER_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?autoFilter\b[^>]*>")


def _sheet_data_span(data: bytes) -> tuple[int, int] | None:
    """(start of `<sheetData>`, start of `</sheetData>`) of a worksheet's XML when the
    text paths can work on it, else None (the element path then does the work): the
    part must be UTF-8 with an unprefixed `<sheetData>` (the main namespace as default,
    what Excel, LibreOffice and openpyxl write; `<x:sheetData>` goes to lxml), and the
    rows must hold no comment, CDATA, processing instruction or `mc:AlternateContent`
    (each could hide or fake cells)."""
    decl = _XML_DECL_RE.match(data[:200])
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        decl is not None and decl.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        return None
    start = data.find(b"<sheetData>")
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < start or data.find(b"<sheetData", start + 1, end) >= 0:
        return None
    if data.find(b"<!DOCTYPE", 0, start) >= 0:
        return None  # the element path refuses the file
    # A one-byte find is memchr (≈10 ms over 300 MB); the 2-byte marker is only looked
    # for when that byte occurs at all. "AlternateContent" costs ≈90 ms over 300 MB.
    for byte, marker in ((b"!", b"<!"), (b"?", b"<?")):
        if data.find(byte, start, end) >= 0 and data.find(marker, start, end) >= 0:
            return None
    if data.find(b"AlternateContent", start, end) >= 0:
        return None
    return start, end


def _tag_attrs(tag: bytes) -> dict[bytes, bytes]:
    """The attributes of one start tag, in either quote (values not unescaped)."""
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _TAG_ATTR_RE.finditer(tag)}


def _last_row_start(data: bytes, start: int, end: int) -> tuple[int, int] | None:
    """(offset, number) of the last `<row>` of sheetData `[start, end)`: (-1, 0) when
    there is none, None when its number is not written (`r` is optional) or not a number."""
    at = data.rfind(b"<row", start, end)
    while at >= 0 and data[at + 4 : at + 5] not in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
        at = data.rfind(b"<row", start, at)  # e.g. "<rowBreaks" cannot be in sheetData, but be sure
    if at < 0:
        return -1, 0
    close = data.find(b">", at, end)
    if close < 0:
        return None
    r = _tag_attrs(data[at + 4 : close]).get(b"r", b"")
    return (at, int(r)) if r.isdigit() else None


def _plain_value(content: bytes) -> bool:
    """True when a cell's children are only a `<v>` or an `<is>` (what `_write` drops)."""
    if content.startswith(b"<v>"):
        return content.endswith(b"</v>") and content.count(b"<") == 2
    if content.startswith(b"<is>"):
        return content.endswith(b"</is>") and b"<is>" not in content[4:] and b"<extLst" not in content
    return False


def _sheet_data_start(pieces: Iterator[bytes]) -> tuple[bytes, int] | None:
    """The text read from `pieces` up to and including the piece holding `<sheetData>`, and
    where that tag starts; None when it never comes."""
    buf = b""
    for piece in pieces:
        buf = buf + piece if buf else piece
        start = buf.find(b"<sheetData>")
        if start >= 0:
            return buf, start
    return None


class _TextPatcher:
    """Rewrites existing cells of one serialised worksheet without parsing it.

    Why: the status job rewrites four cells in each of 200,000 `Theo dõi` rows, the
    merge up to nine. As an lxml tree that sheet (≈300 MB of XML, 4 million cells)
    costs ≈10 s to parse, 4 GB of memory and ≈37 s of per-cell edits; located with
    `bytes.find` in the serialised part, each cell is rewritten in about a microsecond.
    It produces the bytes the element path (`SheetPart._write`) would: value children
    removed, `t`/`cm`/`vm` dropped, inline strings with xml:space="preserve", quote
    prefix and date formats through the same `_encode_value`. It gives up (returns
    None) on anything it does not recognise — a target cell missing, out of order or
    written differently (attributes before `r`, a `/` or `>` among them), a formula,
    other children, comments/CDATA, a non-UTF-8 part — and the caller then takes the
    element path."""

    # The share of the target columns' cells (last row × columns) written from which
    # `_split` is used rather than `_seek`.
    dense_share = 0.75

    def __init__(self, pkg: XlsxPackage, quote: bool, sink: Callable[[bytes], None] | None = None) -> None:
        self.pkg = pkg
        self.quote = quote
        # where `patch` sends the new text, piece by piece, instead of returning it (a
        # deflater: the 240 MB sheet of the large merge is then never held twice)
        self.sink = sink
        self._tag_cache: dict[bytes, tuple[list[tuple[bytes, bytes]], int, bytes] | None] = {}
        self._value_cache: dict[tuple[type, Any, int], tuple[str, str, int | None]] = {}
        self._cell_cache: dict[tuple[bytes, type, Any], bytes] = {}

    def _tag(self, rest: bytes) -> tuple[list[tuple[bytes, bytes]], int, bytes] | None:
        """Attributes after `r` of a cell's start tag (without t/cm/vm), its style, and
        those attributes as they are written back when the style stays."""
        cached = self._tag_cache.get(rest, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        attrs = _ATTR_RE.findall(rest)
        result: tuple[list[tuple[bytes, bytes]], int, bytes] | None = None
        if not _ATTR_RE.sub(b"", rest).strip() and not any(k == b"r" for k, _ in attrs):
            kept = [(k, v) for k, v in attrs if k not in _DROPPED_ATTRS]
            style = next((v for k, v in kept if k == b"s"), b"0")
            if style.isdigit():
                # decoded and encoded again: a name or value that is not UTF-8 raises
                # (UnicodeDecodeError, a ValueError: the element path then decides)
                same = "".join(f' {k.decode()}="{v.decode()}"' for k, v in kept).encode("utf-8")
                result = (kept, int(style), same)
        self._tag_cache[rest] = result
        return result

    def _cell_tail(self, rest: bytes, value: CellValue) -> bytes | None:
        """The bytes of the new cell after `<c r="A1` (from the quote closing `r`)."""
        key = (rest, type(value), value)
        cached = self._cell_cache.get(key)
        if cached is not None:
            return cached
        tag = self._tag(rest)
        if tag is None:
            return None
        attrs, s, same = tag
        tail: bytes | None = None
        if value is None:
            tail = b'"' + same + b"/>"
        elif type(value) is str:  # most cells: text that keeps the cell's style
            text = _clean_text(value)
            if not (self.quote and looks_like_formula(text)):
                tail = b'"' + same + _cell_content("inlineStr", text).encode("utf-8")
        if tail is None:
            vkey = (type(value), value, s)
            encoded = self._value_cache.get(vkey)
            if encoded is None:
                encoded = self._value_cache[vkey] = _encode_value(self.pkg, value, s, self.quote)
            kind, text, style = encoded
            parts: list[str] = []
            has_s = False
            for k, v in attrs:
                if k == b"s" and style is not None:
                    parts.append(f' s="{style}"')
                    has_s = True
                else:
                    parts.append(f' {k.decode()}="{v.decode()}"')
                    has_s = has_s or k == b"s"
            if style is not None and not has_s:
                parts.append(f' s="{style}"')
            parts.append(_cell_content(kind, text))
            tail = b'"' + "".join(parts).encode("utf-8")
        if len(self._cell_cache) < 100_000:
            self._cell_cache[key] = tail
        return tail

    def patch(self, data: bytes | Iterable[bytes], columns: dict[int, dict[int, CellValue]]
              ) -> tuple[list[bytes], int] | None:
        """`data` with the cells of `columns` ({column: {row: value}}) rewritten, as
        consecutive chunks (the caller drops `data` before joining them: one copy of a
        300 MB sheet less at the peak), and the number of the sheet's last row; None
        when the element path must do it. With a `sink` the chunks go there as they
        are made (the list returned is empty; after None, what the sink got is void);
        the last chunk is always the text from `</sheetData>` on.

        `data` may also be the sheet's text as consecutive pieces of any size: each run
        of whole rows is rewritten as soon as it has come, so the part can be inflated
        on another thread while its first rows are patched, and is never held whole
        (the 1,000-unit merge's `Theo dõi`: 240 MB)."""
        it = iter([data] if isinstance(data, bytes) else data)
        head = _sheet_data_start(it)
        if head is None or not _text_head_ok(*head):
            return None
        buf, start = head
        chunks: list[bytes] = []
        emit = self.sink or chunks.append
        # Two ways through the rows, the same bytes out. When most cells of the target
        # columns are written (the status job: four columns of every row) one C-level
        # split at every such cell is cheapest; when many are not (the merge writes
        # 780,000 of the 1.8 million cells of its nine columns at 200,000 rows) each
        # written cell is looked for from the one before and the text between is
        # copied without a Python step per cell (2 s of the split's 4 s were cells
        # left as they were).
        written = sum(len(rows) for rows in columns.values())
        top = max((max(rows) for rows in columns.values() if rows), default=0)
        dense = written >= self.dense_share * len(columns) * top
        rows = (self._split if dense else self._seek)(columns, emit)
        next(rows)
        emit(buf[:start])
        last: tuple[int, int] | None = (-1, 0)
        pos, check_from = start, start + 1  # (the `<sheetData>` at `start` is the one)
        while True:
            end = buf.find(b"</sheetData>", pos)
            if end >= 0:
                upto = end
            else:
                cut = buf.rfind(b"</row>", pos)
                upto = cut + 6 if cut >= 0 else pos
            # [pos, upto): whole rows, fed in windows of ≈8 MB ending at a `</row>`
            # (each window's output is joined at once: splitting 300 MB in one go held
            # ≈10 million small bytes objects besides the text itself)
            a = pos
            while a < upto:
                cut = buf.find(b"</row>", min(a + _PATCH_WINDOW, upto), upto)
                b = upto if cut < 0 else cut + 6
                if not _rows_text_ok(buf, max(a, check_from), b):
                    return None
                found = _last_row_start(buf, a, b)
                if found != (-1, 0):
                    last = found
                try:
                    rows.send((buf, a, b))
                except StopIteration:
                    return None  # a target not there, or spelt otherwise
                a = b
            if end >= 0:
                break
            more = next(it, None)
            if more is None:
                return None  # no `</sheetData>`
            buf = buf[upto:] + more
            pos, check_from = 0, max(0, check_from - upto)
        tail = buf[end:] + b"".join(it)
        del buf
        if tail.find(b"</sheetData>", 1) >= 0 or last is None:
            return None  # a second one, or the last row's number is implied (the element path counts)
        try:
            rows.send(None)
        except StopIteration as done:
            if not done.value:
                return None
        emit(tail)
        return chunks, last[1]

    def _seek(self, columns: dict[int, dict[int, CellValue]], emit: Callable[[bytes], None]
              ) -> Generator[None, tuple[bytes, int, int] | None, bool]:
        """Rewrites the rows sent to it ((text, a, b): `text[a:b]`, whole rows, in
        order; None at the end) and emits them: the targets taken in (row, column)
        order, each matched where the one before ended or else searched for after it
        (a cell of its column in an earlier row is passed over: a row without a
        change). Returns False, at once, when a target is not there (missing, out of
        order, spelt otherwise) — also when the rows end before it."""
        # Per column in order: how to match its cell, how to search for it, its values.
        # Each row written is asked every column: cheaper than gathering the cells by
        # row first (a tuple and a list append per cell: 0.4 s of the merge's 780,000).
        finders = []
        for c in sorted(columns):
            cell_re = re.compile(b'<c r="' + col_letter(c).encode() + _CELL_AFTER_LETTER, re.S)
            finders.append((cell_re.match, cell_re.search, columns[c].get))
        rows = sorted(set().union(*columns.values()))
        untouched: Any = _UNTOUCHED
        cache = self._cell_cache
        tail_of = self._cell_tail
        out: list[bytes] = []
        append = out.append
        window = yield
        if window is None:
            return not rows
        data, pos, end = window
        for r in rows:
            number = b"%d" % r
            for match, search, get in finders:
                value = get(r, untouched)
                if value is untouched:
                    continue
                while True:
                    m = match(data, pos, end) or search(data, pos, end)
                    while m is not None:
                        row_text, rest, content = m.groups()
                        if row_text == number:
                            break
                        found = int(row_text)
                        if found == r:
                            break  # the row number written with leading zeros
                        if found > r:
                            return False  # the target is not there, or not in order
                        m = search(data, m.end(), end)  # that row has no change in this column
                    if m is not None:
                        break
                    # not in these rows: they go out as they are, the target is looked for in the next
                    append(data[pos:end])
                    emit(b"".join(out))
                    out.clear()
                    window = yield
                    if window is None:
                        return False
                    data, pos, end = window
                if content and not _plain_value(content):
                    return False  # a formula or other children
                new_tail = cache.get((rest, type(value), value)) or tail_of(rest, value)
                if new_tail is None:
                    return False
                append(data[pos : m.end(1)])  # bytes slices: memoryviews cost more here
                append(new_tail)
                pos = m.end()
        append(data[pos:end])
        emit(b"".join(out))
        del out, data
        while (window := (yield)) is not None:  # every target written: the rest as it is
            data, pos, end = window
            emit(data[pos:end])
        return True

    def _split(self, columns: dict[int, dict[int, CellValue]], emit: Callable[[bytes], None]
               ) -> Generator[None, tuple[bytes, int, int] | None, bool]:
        """What `_seek` does, by one C-level split of the rows sent at every cell of
        the target columns (letter, row, attributes, "/" of an empty cell, content);
        Python then only swaps the cells that `columns` names. Cells must come in (row,
        column) order and every target must be met exactly once, else False."""
        colnums = {col_letter(c).encode(): c for c in columns}
        longest_first: list[bytes] = sorted(colnums, key=len, reverse=True)
        alternatives = b"|".join(longest_first)
        pattern = re.compile(
            # (attributes never hold "/" or ">": a cell where they do is not matched,
            # so not met, and the element path takes over)
            rb'<c r="(' + alternatives + rb')([0-9]+)"([^>/]*)(?:(/)>|>(.*?)</c>)', re.S
        )
        expected = sum(len(rows) for rows in columns.values())
        cache = self._cell_cache
        tail_of = self._cell_tail
        met = 0
        previous = 0
        untouched: Any = _UNTOUCHED
        refs = {letter: b'<c r="' + letter for letter in colnums}
        # Per letter: its column number and that column's {row: value}.
        targets = {letter: (c, columns[c]) for letter, c in colnums.items()}
        while (window := (yield)) is not None:
            data, a, b = window
            parts = pattern.split(memoryview(data)[a:b])
            out: list[bytes] = []
            append = out.append
            for text, letter, row_text, rest, slash, content in zip(*[iter(parts)] * 6):
                r = int(row_text)
                c, values = targets[letter]
                order = r * 16_384 + c
                if order <= previous:
                    return False
                previous = order
                value = values.get(r, untouched)
                if value is untouched:
                    append(text + refs[letter] + row_text + b'"' + rest
                           + (b"/>" if slash else b">" + content + b"</c>"))
                    continue
                if content and not _plain_value(content):
                    return False  # a formula or other children
                new_tail = cache.get((rest, type(value), value)) or tail_of(rest, value)
                if new_tail is None:
                    return False
                append(text)
                append(refs[letter] + row_text + new_tail)
                met += 1
            append(parts[-1])
            del parts, data
            emit(b"".join(out))
            del out
        return met == expected  # else a target cell (or its row) does not exist


def _text_head_ok(data: bytes, start: int) -> bool:
    """What `_sheet_data_span` asks of the text before `<sheetData>` (at `start`), for
    `patch` (given the text in pieces): UTF-8, no DTD."""
    decl = _XML_DECL_RE.match(data[:200])
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        decl is not None and decl.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        return False
    return data.find(b"<!DOCTYPE", 0, start) < 0  # (the element path refuses the file)


def _rows_text_ok(data: bytes, a: int, b: int) -> bool:
    """What `_sheet_data_span` asks of the rows, on `data[a:b]`: no other `<sheetData`,
    comment, CDATA, processing instruction or `mc:AlternateContent`. (The pieces are
    cut right after a `>`: none of these can straddle two of them.)"""
    if data.find(b"<sheetData", a, b) >= 0:
        return False
    for byte, marker in ((b"!", b"<!"), (b"?", b"<?")):  # a 1-byte find is memchr
        if data.find(byte, a, b) >= 0 and data.find(marker, a, b) >= 0:
            return False
    return data.find(b"AlternateContent", a, b) < 0


_UNTOUCHED: Any = object()  # a matched cell that the caller does not write
# A cell after `<c r="` and its column letter: row number, the other attributes, the
# content (attributes never hold "/" or ">": a cell where they do is not matched)
_CELL_AFTER_LETTER = rb'([0-9]+)"([^>/]*)(?:/>|>(.*?)</c>)'


_ROOT_TAG_RE = re.compile(rb"<(?![?!])[^>]*>")
_XMLNS_RE = re.compile(rb"""\s(xmlns(?::[A-Za-z_][\w.-]*)?)\s*=\s*("[^"]*"|'[^']*')""")


def _root_namespaces(data: bytes) -> bytes:
    """The namespace declarations of the root start tag of serialised XML `data`, as
    attribute text (` xmlns="…" xmlns:x14ac="…"`): what a fragment cut out of the part
    needs to parse as it does in place (Excel declares `x14ac`, `xr`, `mc`… on the root
    and uses them on every row)."""
    m = _ROOT_TAG_RE.search(data, 0, 65_536)
    if m is None:
        return b""
    return b"".join(b" " + name + b"=" + value for name, value in _XMLNS_RE.findall(m.group(0)))


def _parse_fragment(data: bytes, fragment: bytes) -> etree._Element:
    """`fragment` (e.g. a `<row>` cut out of the worksheet `data`) parsed inside a wrapper
    that carries the root's namespace declarations; XMLSyntaxError when it cannot be
    parsed alone (callers then take the element path)."""
    return etree.fromstring(b"<parc-xl-fragment" + _root_namespaces(data) + b">" + fragment
                            + b"</parc-xl-fragment>", _PARSER)



def _ref_value_span(data: bytes, tag: re.Match[bytes]) -> tuple[int, int] | None:
    """Where the value of the `ref` attribute of start tag `tag` (in `data`) lies."""
    m = _REF_ATTR_RE.search(data, tag.start(), tag.end())
    if m is None:
        return None
    group = 1 if m.group(1) is not None else 2
    return m.start(group), m.end(group)


_REF_ATTR_RE = re.compile(rb"""\sref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _append_text(pkg: XlsxPackage, part: str, rows: list[Sequence[CellValue]], header_row: int,
                 quote: bool, heights: Sequence[float | None] | None = None
                 ) -> tuple[list[bytes | memoryview], int, int] | None:
    """The text path of `append_rows`: (the part's new XML as consecutive pieces — views
    of the old text, the new rows, and last the text from `</sheetData>` on —, the first
    and the last row written), nothing changed yet; None when the sheet needs the
    element path (see `_sheet_data_span`; also when the last row is empty or the
    header, or it or one of its cells has no `r`). The pieces are not joined: the
    caller streams them into a deflater (a 200 MB `Lịch sử` is not copied)."""
    data = pkg.read_part(part)
    span = _sheet_data_span(data)
    if span is None:
        return None
    start, end = span
    found = _last_row_start(data, start, end)
    if found is None or found[0] < 0:
        return None
    at, last = found
    if last <= header_row:
        return None
    parsed = [el for el in _parse_fragment(data, data[at:end]) if isinstance(el.tag, str)]
    if len(parsed) != 1 or _local(parsed[0]) != "row":
        return None
    styles: dict[int, int] = {}
    has_value = False
    for cell in parsed[0]:
        if _local(cell) != "c":
            continue
        ref = cell.get("r")
        if not ref or split_ref(ref)[0] != last:
            return None
        styles[_ref_col(ref)] = int(cell.get("s", "0"))
        has_value = has_value or any(_local(child) in ("v", "is", "f") for child in cell)
    if not has_value:
        return None  # an empty styled row at the end: SheetPart fills it first
    chunks, r2, _, box = _rows_xml(pkg, last + 1, rows, 1, styles, quote, "", heights)
    view = memoryview(data)
    head: list[bytes | memoryview] = [view[:end]]
    dim = _DIMENSION_RE.search(data, 0, start)
    ref_at = _ref_value_span(data, dim) if dim is not None else None
    if box is not None and ref_at is not None:
        first_ref, _, last_ref = data[ref_at[0] : ref_at[1]].decode("ascii", "replace").partition(":")
        try:
            d_r1, d_c1 = split_ref(first_ref)
            _, d_c2 = split_ref(last_ref or first_ref)
        except ValueError:
            d_r1 = d_c1 = d_c2 = 0
        if d_r1:
            ref = f"{col_letter(min(d_c1, box[1]))}{d_r1}:{col_letter(max(d_c2, box[3]))}{box[2]}"
            head = [view[: ref_at[0]], ref.encode(), view[ref_at[1] : end]]
    return [*head, *chunks, data[end:]], last + 1, r2


def extend_autofilter_tail(tail: bytes, last_row: int) -> tuple[bytes | None, bool]:
    """The sheet's text from `</sheetData>` on with its `<autoFilter>` reaching
    `last_row`: (new text, or None when unchanged; whether the sheet has a filter)."""
    m = _AUTOFILTER_RE.search(tail)
    ref_at = _ref_value_span(tail, m) if m is not None else None
    if ref_at is None or not last_row:
        return None, False
    old = tail[ref_at[0] : ref_at[1]]
    ref = _extend_ref(old.decode("ascii", "replace"), last_row).encode()
    return (tail[: ref_at[0]] + ref + tail[ref_at[1] :] if ref != old else None), True


def extend_filter_names(pkg: XlsxPackage, name: str, part: str, last_row: int, has_filter: bool) -> None:
    """The filter's hidden name and the sheet's tables, after `extend_autofilter_tail`."""
    if has_filter:
        pkg._sync_filter_name(name, last_row)
    for table_part in pkg._related(part, RT_TABLE):
        table = pkg._xml(table_part)
        if table.get("ref"):
            table.set("ref", _extend_ref(table.get("ref", ""), last_row, min_rows=2))
            table_auto = _child(table, "autoFilter")
            if table_auto is not None:
                table_auto.set("ref", table.get("ref"))
            pkg._mark_dirty(table_part)
