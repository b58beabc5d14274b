"""The appendix from the signed PDF (text-based), read with pdfplumber.

The plan's body comes first; the appendix is the first ruled table (found from the
page's ruling lines, pdfplumber's "lines" strategy) whose first rows hold the header
(`domain.appendix.find_header`). Ruled tables further down, on the same or later pages,
continue it when they repeat the header, or when they have no header, line up with the
appendix's columns and nothing but page furniture (a page number) stands between.

Each ruled table is rebuilt as a grid from its cell boxes, the way the .docx reader sees
Word's grid: a box spanning columns gives its text to its first column (an area row); a
box spanning rows gives its text to its first row, and the rows below are marked as a
vertical merge (filled down in the product/lead/coordination/deadline columns). Words
are placed in the box that holds their centre; a cell's lines are rebuilt into
paragraphs: a line break where the next line's first word would have fitted on the line
is a paragraph break (joined as Word paragraphs are, "- A - B"), any other is a wrap
(joined with a space). A row broken by a page starts the next page's table and is handed
on with `kind_hint="page_break"`, so `domain.appendix.assemble` joins it as it does for
the other formats.

Refused with a record (`InputError`): a scanned PDF (no text layer), an encrypted PDF,
a damaged one, and a PDF with no appendix table.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parc_xl.domain.appendix import (
    ColumnMap,
    RawRow,
    assemble,
    find_header,
    guess_issuer,
    guess_title,
    join_lines,
)
from parc_xl.domain.models import Plan
from parc_xl.domain.problems import Problem, error
from parc_xl.domain.text import ascii_fold
from parc_xl.errors import InputError

_HEADER_SEARCH_ROWS = 5
_FILL_DOWN = {"product", "lead", "coord", "deadline"}
_MOTTO = "cong hoa xa hoi chu nghia viet nam"
_SNAP = 1.5  # pt: box edges closer than this are the same grid line
_TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

Word = dict[str, Any]  # pdfplumber word: text, x0, x1, top, bottom, size


@dataclass
class _Grid:
    """One ruled table on one page: cell texts and vertical-merge flags by grid column."""

    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    x1: float
    xs: list[float]  # column boundaries
    rows: list[tuple[list[str], list[bool]]] = field(default_factory=list)

    def column_of(self, x: float) -> int | None:
        for i in range(len(self.xs) - 1):
            if self.xs[i] - _SNAP <= x < self.xs[i + 1] + _SNAP:
                return i
        return None


def _refuse(path: Path, code: str, message: str) -> InputError:
    problem = error(code, message, file=path.name)
    return InputError(f"{path.name}: {message}", [problem])


def _open(path: Path) -> Any:
    """The opened pdfplumber PDF; `InputError` for an encrypted or damaged file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs every damaged object it skips; the clerk gets one record instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(str(path))
        _ = pdf.pages  # parses the page tree: a damaged file fails here, not later
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted(path) from exc
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else None
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise _encrypted(path) from exc
        raise _damaged(path, exc) from exc
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        raise _damaged(path, exc) from exc
    if pdf.doc.encryption is not None and not _has_text(pdf, pages=3):
        pdf.close()
        raise _encrypted(path)
    return pdf


def _encrypted(path: Path) -> InputError:
    return _refuse(
        path,
        "plan-pdf-encrypted",
        "Tệp PDF được đặt mật khẩu hoặc mã hóa nên không đọc được nội dung. Hãy xin cơ quan ban hành "
        "bản PDF không đặt mật khẩu, hoặc bản Word (.docx) của kế hoạch, rồi nhập lại.",
    )


def _damaged(path: Path, exc: Exception) -> InputError:
    return _refuse(
        path,
        "plan-pdf-damaged",
        f"Tệp PDF bị hỏng, không đọc được ({type(exc).__name__}). Hãy tải hoặc chép lại tệp từ văn bản "
        "gốc, hoặc dùng bản Word (.docx) của kế hoạch.",
    )


def _has_text(pdf: Any, pages: int | None = None) -> bool:
    for page in pdf.pages[:pages]:
        if any(not c["text"].isspace() for c in page.chars):
            return True
    return False


def _lines_of(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into visual lines (top to bottom), each left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 0), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= max(2.0, 0.3 * w["size"]):
            lines[-1].append(w)
        else:
            lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _cell_text(words: Sequence[Word], x0: float, x1: float) -> str:
    """A cell's lines as its paragraphs joined like Word's (see the module docstring)."""
    lines = _lines_of(words)
    if not lines:
        return ""
    pad = max(1.0, min(line[0]["x0"] for line in lines) - x0)
    limit = x1 - pad
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        text = " ".join(w["text"] for w in line)
        if i == 0:
            current = text
            continue
        prev, first = lines[i - 1], line[0]
        space = 0.25 * first["size"]
        would_fit = prev[-1]["x1"] + space + (first["x1"] - first["x0"]) <= limit - 0.5
        if would_fit:
            paragraphs.append(current)
            current = text
        else:
            current = f"{current} {text}"
    paragraphs.append(current)
    return join_lines(paragraphs)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


def _grid(table: Any, words: list[Word], page_no: int) -> _Grid:
    boxes: list[tuple[float, float, float, float]] = list(table.cells)
    xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    texts = [[""] * n_cols for _ in range(n_rows)]
    cont = [[False] * n_cols for _ in range(n_rows)]
    inside: dict[int, list[Word]] = {i: [] for i in range(len(boxes))}
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
            if bx0 <= cx <= bx1 and btop <= cy <= bbottom:
                inside[i].append(w)
                break
    for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
        c0, c1 = _index(xs, bx0), _index(xs, bx1)
        r0, r1 = _index(ys, btop), _index(ys, bbottom)
        if c1 <= c0 or r1 <= r0:
            continue
        texts[r0][c0] = _cell_text(inside[i], bx0, bx1)
        for r in range(r0 + 1, r1):
            for c in range(c0, c1):
                cont[r][c] = True
    grid = _Grid(page=page_no, top=ys[0], bottom=ys[-1], x0=xs[0], x1=xs[-1], xs=xs)
    grid.rows = [(texts[r], cont[r]) for r in range(n_rows)]
    return grid


def _text_lines(words: Sequence[Word], page_width: float) -> list[str]:
    """Text outside tables as lines; side-by-side blocks (the issuer beside the national
    motto) are read left block first, as the .docx layout table is."""
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    mid = page_width / 2
    last_bottom: float | None = None

    def flush() -> None:
        if left or right:
            out.extend([*_join_motto(left), "", *_join_motto(right), ""])
            left.clear()
            right.clear()

    for line in _lines_of(words):
        segments: list[list[Word]] = [[line[0]]]
        for w in line[1:]:
            if w["x0"] - segments[-1][-1]["x1"] > 2.0 * w["size"]:
                segments.append([w])
            else:
                segments[-1].append(w)
        one_side = all(s[-1]["x1"] < mid or s[0]["x0"] > mid for s in segments)
        near = last_bottom is not None and line[0]["top"] - last_bottom <= 0.8 * line[0]["size"]
        last_bottom = max(w["bottom"] for w in line)
        if len(segments) > 1 and one_side or (len(segments) == 1 and one_side and near and (left or right)):
            for s in segments:
                (left if s[-1]["x1"] < mid else right).append(" ".join(w["text"] for w in s))
            continue
        flush()
        out.append(" ".join(w["text"] for s in segments for w in s))
    flush()
    return out


def _join_motto(lines: list[str]) -> list[str]:
    """The national motto wrapped in a narrow heading cell, back on one line."""
    out: list[str] = []
    for line in lines:
        if out and not ascii_fold(out[-1]).startswith(_MOTTO) and ascii_fold(f"{out[-1]} {line}").startswith(_MOTTO):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _is_furniture(line: str) -> bool:
    """A page number ("3", "- 3 -", "Trang 3") between two parts of the table."""
    s = line.strip().strip("-– ").lower().removeprefix("trang").strip()
    return not s or s.isdigit() or (s.count("/") == 1 and s.replace("/", "").isdigit())


def _scan(pdf: Any) -> list[tuple[str, Any]]:
    """The document in reading order: ("text", line) and ("table", _Grid) items."""
    items: list[tuple[str, Any]] = []
    for page_no, page in enumerate(pdf.pages, start=1):
        words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
        tables = sorted(page.find_tables(_TABLE_SETTINGS), key=lambda t: t.bbox[1])
        free = list(words)
        placed: list[tuple[float, str, Any]] = []
        for t in tables:
            x0, top, x1, bottom = t.bbox
            mine = [w for w in free if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
            ids = {id(w) for w in mine}
            free = [w for w in free if id(w) not in ids]
            placed.append((top, "table", _grid(t, mine, page_no)))
        # text lines between tables keep their place relative to the tables
        for line_words in _group_by_gaps(free, [t.bbox for t in tables]):
            placed.append((line_words[0]["top"], "lines", _text_lines(line_words, page.width)))
        placed.sort(key=lambda p: p[0])
        items.append(("page", page_no))
        for _top, kind, value in placed:
            if kind == "table":
                items.append(("table", value))
            else:
                items.extend(("text", line) for line in value)
    return items


def _group_by_gaps(words: list[Word], bboxes: list[tuple[float, float, float, float]]) -> list[list[Word]]:
    """Free words split into the bands above, between and below the tables."""
    cuts = sorted(b[1] for b in bboxes)
    bands: dict[int, list[Word]] = {}
    for w in words:
        band = sum(1 for c in cuts if w["top"] >= c)
        bands.setdefault(band, []).append(w)
    return [bands[k] for k in sorted(bands)]


def _columns_for(grid: _Grid, header: dict[str, float]) -> ColumnMap | None:
    """The appendix's columns (by header centre x) in a table without its own header."""
    index: dict[str, int] = {}
    for col, centre in header.items():
        c = grid.column_of(centre)
        if c is None:
            return None
        index[col] = c
    return ColumnMap(index=index)


def read_pdf(path: Path, year: int) -> tuple[Plan, list[Problem]]:
    """Read the appendix table of a text-based PDF; `InputError` when unusable."""
    pdf = _open(path)
    try:
        if not _has_text(pdf):
            raise _refuse(
                path,
                "plan-pdf-scanned",
                "Tệp PDF là bản scan (chỉ có hình ảnh, không có lớp chữ) nên parc-xl không đọc được bảng "
                "phụ lục. Hãy xin cơ quan ban hành bản PDF điện tử (bản ký số, chọn được chữ) hoặc bản "
                "Word (.docx) của kế hoạch, rồi nhập lại.",
            )
        items = _scan(pdf)
    finally:
        pdf.close()

    before: list[str] = []
    rows: list[RawRow] = []
    header_x: dict[str, float] = {}
    extent = (0.0, 0.0)
    table_no = 0
    gap_has_text = False
    page_turned = False
    done = False
    found = False
    for kind, value in items:
        if kind == "page":
            page_turned = True
            continue
        if kind == "text":
            if not found:
                before.append(value)
            elif not done and not _is_furniture(value):
                gap_has_text = True
                rows.append(RawRow(cells={"task": value}, source_row=0, kind_hint="note", where="ngoài bảng"))
            continue
        grid: _Grid = value
        table_no += 1
        head = next((i for i, (t, _c) in enumerate(grid.rows[:_HEADER_SEARCH_ROWS]) if find_header(t)), None)
        if not found:
            if head is None:
                before.extend(line for texts, _c in grid.rows for line in (*texts, ""))
                continue
            found = True
            columns = find_header(grid.rows[head][0])
            assert columns is not None
            header_x = {c: (grid.xs[i] + grid.xs[i + 1]) / 2 for c, i in columns.index.items()}
            extent = (grid.x0, grid.x1)
            _add_rows(rows, grid, head + 1, columns, table_no, first_break=False)
        elif done:
            continue
        elif head is not None:
            columns = find_header(grid.rows[head][0])
            assert columns is not None
            _add_rows(rows, grid, head + 1, columns, table_no, first_break=True)
        else:
            lined_up = abs(grid.x0 - extent[0]) <= 6 and abs(grid.x1 - extent[1]) <= 6
            mapped = _columns_for(grid, header_x) if lined_up else None
            if mapped is None or gap_has_text or not page_turned:
                done = True
                continue
            _add_rows(rows, grid, 0, mapped, table_no, first_break=True)
        gap_has_text = False
        page_turned = False
    if not found:
        raise _refuse(
            path,
            "plan-no-table",
            "Không tìm thấy bảng phụ lục trong tệp PDF: cần một bảng có kẻ ô, dòng tiêu đề gồm STT, "
            "Nhiệm vụ (Nội dung), Đơn vị chủ trì, Thời gian hoàn thành…",
        )
    plan, problems = assemble(rows, year, source=path.name)
    plan.issuer = guess_issuer(before)
    plan.title = guess_title(before, year)
    return plan, problems


def _add_rows(
    out: list[RawRow],
    grid: _Grid,
    start: int,
    columns: ColumnMap,
    table_no: int,
    *,
    first_break: bool,
) -> None:
    above: dict[str, str] = {}
    for n, (texts, cont) in enumerate(grid.rows[start:]):
        cells = columns.pick(texts)
        for col, i in columns.index.items():
            if i < len(cont) and cont[i] and col in _FILL_DOWN:
                cells[col] = above.get(col, "")
        above = cells
        out.append(
            RawRow(
                cells=cells,
                source_row=start + n + 1,
                kind_hint="page_break" if first_break and n == 0 else "row",
                where=f"trang {grid.page}, bảng {table_no}, hàng {start + n + 1}",
            )
        )
