"""The appendix (Phụ lục) table: from rows of cells to a `Plan`, whatever the file format.

Readers (`io/plan_text.py`, `io/plan_docx.py`, `io/plan_xlsx.py`) find the header with
`find_header`, map every later row to column ids and hand the rows, in document order,
to `assemble`, which does everything that does not depend on the format:

- drops repeated header rows, column-number rows ("(1) (2) (3)"), footnote lines and
  page furniture; reads a stated total ("TỔNG CỘNG: 46 NHIỆM VỤ");
- classifies rows: area rows, parent headings, numbered tasks, unnumbered sub-tasks and
  page-break continuations (rules below);
- cleans cells (NFC, HTML debris, non-breaking spaces; bullets "- A - B" kept);
- gives every task a stable key.

Row rules (from DOMAIN.md "The appendix table" and the seeds 000/003):

Area row
    STT is 1..20 or a Roman numeral, only the task cell is filled, and its number is
    higher than the previous area's. When any Roman area row exists the plan numbers its
    areas in Roman and Arabic single numbers are tasks/headings.
Continuation (joined cell by cell to the row above)
    STT empty and either (a) the task cell is empty, or (b) the row follows a page break
    (a repeated header, a blank line or a footnote line: `kind_hint="page_break"`) and
    is not *complete* or its task text starts in lower case, or (c) its task text starts
    in lower case and it is not complete.
    *Complete* = task and lead filled, plus at least one of product, coordination,
    deadline.
Unnumbered sub-task
    Every other row with an empty STT (or a letter/bullet marker "a)", "-", "+") and task
    text: e.g. 1.1's second lead row, 1.6's second row, 1.14's "1. …", "2. …" items.
    Key `<parent>#<n>`: parent = the key of the nearest numbered row above in the same
    area (the area code when there is none), n = 1-based among that parent's unnumbered
    rows.
Heading (not a task)
    A numbered row with a hierarchical child (1.4 before 1.4.1), or a numbered row with
    only the task cell filled that is followed by unnumbered sub-tasks (1.14).
Keys
    The printed STT (trailing dot dropped) when unique. When numbering restarts in each
    area (flat "1, 2, 3" under I, II, III) every key is prefixed with the area code
    ("II.3"). Any remaining duplicate gets "~2", "~3" in document order, with a warning.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from parc_xl.domain.models import Area, Plan, Task
from parc_xl.domain.problems import Problem, error, warning
from parc_xl.domain.text import ascii_fold, clean, invisible_kinds, strip_invisible

# --------------------------------------------------------------------------------------
# Vocabulary

#: Excel's limit for the text of one cell (Excel specifications and limits).
MAX_CELL_CHARS = 32_767

#: Column ids, in the usual printed order.
COLUMNS: tuple[str, ...] = ("stt", "task", "product", "lead", "coord", "deadline")

#: Header wording per column. Source: DOMAIN.md "The appendix table" (seen in real
#: plans: Sở Nội vụ TP.HCM 2024, UBND huyện Hóc Môn 2024 and other offices' appendices);
#: the last few of each list are common variants of the same words in other offices'
#: appendices. Matching is case- and diacritics-insensitive and accepts trailing words
#: ("Thời gian hoàn thành (dự kiến)").
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "Stt", "TT", "Số TT", "Số thứ tự"),
    "task": (
        "Nhiệm vụ cụ thể",
        "Nội dung hoạt động",
        "Nội dung công việc",
        "Nội dung",
        "Nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Tên nhiệm vụ",
    ),
    "product": ("Sản phẩm", "Sản phẩm đầu ra", "Kết quả", "Kết quả đầu ra", "Sản phẩm dự kiến"),
    "lead": (
        "Đơn vị chủ trì",
        "Cơ quan chủ trì",
        "Cơ quan/đơn vị chủ trì",
        "Cơ quan, đơn vị chủ trì",
        "Chủ trì",
        "Đơn vị thực hiện",
        "Cơ quan thực hiện",
    ),
    "coord": (
        "Đơn vị phối hợp",
        "Cơ quan phối hợp",
        "Cơ quan/đơn vị phối hợp",
        "Cơ quan, đơn vị phối hợp",
        "Phối hợp",
    ),
    "deadline": (
        "Thời gian hoàn thành",
        "Thời gian thực hiện",
        "Thời gian",
        "Thời hạn",
        "Thời hạn hoàn thành",
    ),
}

_FOLDED_SYNONYMS: list[tuple[str, str]] = sorted(
    ((ascii_fold(word), col) for col, words in HEADER_SYNONYMS.items() for word in words),
    key=lambda pair: -len(pair[0]),
)

#: A stated total: "TỔNG CỘNG: 46 NHIỆM VỤ", "Tổng số: 46 nhiệm vụ" (ascii-folded form).
_TOTAL_RE = re.compile(r"\btong (?:cong|so)(?: (?:nhiem vu|nv))?(?: (?:la|co|gom))? (\d{1,4})\b")

_ARABIC_STT = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")
_ROMAN_STT = re.compile(r"^(?=[IVX])X{0,2}(?:IX|IV|V?I{0,3})$")
_MARKER_STT = re.compile(r"^(?:[a-zđ]\)?|[-+*•–·])$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_BULLETS = re.compile(r"(^|\s)[•·▪◦●○■□➢➤►–—]\s*")
_LIST_ITEM = re.compile(r"^\d{1,2}[.)]\s")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


# --------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True)
class ColumnMap:
    """Which cell position holds which column (`index[column_id] = position`)."""

    index: dict[str, int]

    def pick(self, cells: Sequence[str]) -> dict[str, str]:
        """The row's cells by column id ("" for a missing position)."""
        return {col: (cells[i] if i < len(cells) and cells[i] is not None else "") for col, i in self.index.items()}


def header_column(cell: object) -> str | None:
    """The column id a header cell names, or None ("NHIỆM VỤ CỤ THỂ" → "task")."""
    folded = ascii_fold(cell)
    if not folded:
        return None
    for word, col in _FOLDED_SYNONYMS:
        if folded == word or (folded.startswith(word + " ") and len(folded) <= len(word) + 25):
            return col
    return None


def find_header(cells: Sequence[object]) -> ColumnMap | None:
    """A `ColumnMap` when these cells are the appendix header, else None.

    Needs STT and task columns plus at least one of lead, deadline, product; every
    non-empty cell must be a known header (so a prose line is never a header).
    """
    index: dict[str, int] = {}
    unknown = 0
    for i, cell in enumerate(cells):
        if not clean(cell):
            continue
        col = header_column(cell)
        if col is None:
            unknown += 1
        elif col not in index:
            index[col] = i
    if "stt" not in index or "task" not in index:
        return None
    if not {"lead", "deadline", "product"} & index.keys():
        return None
    if unknown > 2:  # tolerate "Ghi chú", "Kinh phí"; refuse prose
        return None
    return ColumnMap(index=index)


# --------------------------------------------------------------------------------------
# Rows


@dataclass
class RawRow:
    """One table row (or a line near the table) as a reader saw it.

    kind_hint: "row" (a table row), "page_break" (the first row after a repeated header,
    blank line or footnote: a continuation may follow), "note" (a line outside the grid:
    footnote, page furniture or the stated total, text in `cells["task"]`).
    where: the location shown to the user ("dòng 430", "bảng 2, hàng 5", "Sheet1!A12").
    """

    cells: dict[str, str]
    source_row: int
    kind_hint: str = "row"
    where: str = ""

    @property
    def location(self) -> str:
        return self.where or f"dòng {self.source_row}"


def join_lines(parts: Iterable[str]) -> str:
    """One cell's paragraphs / line breaks as the single line the PDF extract shows.

    A part starting with a bullet keeps it as "- "; a part starting in lower case
    continues the sentence; otherwise parts are separated by " - " unless the previous
    part ends with punctuation. So "- A", "- B" → "- A - B".
    """
    out = ""
    for raw in parts:
        # invisible characters are kept for `assemble`, which reports and deletes them
        part = clean(raw, keep_invisible=True)
        if not strip_invisible(part).strip():
            continue
        part = _normalise_bullets(part)
        seen, tail = strip_invisible(part), strip_invisible(out)
        if not out:
            out = part
        elif seen.startswith("- ") or seen[0].islower() or tail[-1:] in tuple(".:;,"):
            out = f"{out} {part}"
        else:
            out = f"{out} - {part}"
    return out


def clean_cell(value: object) -> str:
    """Stored form of a cell: `clean` plus bullet glyphs written as "- "."""
    return _normalise_bullets(clean(value))


def _normalise_bullets(text: str) -> str:
    if not text:
        return text
    text = _BULLETS.sub(lambda m: f"{m.group(1)}- ", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_stt(value: str) -> str:
    """"1.1." → "1.1", "I." → "I", "1 . 2" → "1.2", "a)" → "a)"."""
    s = clean(value).replace(" ", "")
    s = s.rstrip(".")
    if s.upper() != s and _ROMAN_STT.match(s.upper()):
        return s  # lower-case roman "i" is a marker, leave it
    return s


def _roman(s: str) -> int | None:
    if not _ROMAN_STT.match(s):
        return None
    total, prev = 0, 0
    for ch in reversed(s):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


@dataclass
class _Entry:
    kind: str  # "area" | "numbered" | "sub"
    cells: dict[str, str]
    stt: str
    source_row: int
    where: str
    area: str = ""
    parent: str | None = None  # index-free: set after
    parent_entry: int | None = None  # index of the numbered entry (or None: area)
    heading: bool = False
    key: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_DATA_COLUMNS = ("task", "product", "lead", "coord", "deadline")


def _only_task(cells: dict[str, str]) -> bool:
    return bool(cells.get("task")) and not any(cells.get(c) for c in ("product", "lead", "coord", "deadline"))


def _complete(cells: dict[str, str]) -> bool:
    return bool(cells.get("task") and cells.get("lead")) and any(
        cells.get(c) for c in ("product", "coord", "deadline")
    )


def _starts_lower(text: str) -> bool:
    first = next((ch for ch in text if ch.isalpha()), "")
    return bool(first) and first.islower() and not _LIST_ITEM.match(text)


def _is_header_row(cells: dict[str, str]) -> bool:
    values = [cells.get(c, "") for c in COLUMNS]
    return find_header(values) is not None


def _is_column_number_row(cells: dict[str, str]) -> bool:
    values = [v for v in (cells.get(c, "") for c in COLUMNS) if v]
    return len(values) >= 3 and all(_COLUMN_NUMBER.match(v) for v in values)


def stated_total(text: str) -> int | None:
    """46 for "TỔNG CỘNG: 46 NHIỆM VỤ", else None."""
    m = _TOTAL_RE.search(ascii_fold(text))
    return int(m.group(1)) if m else None


def _area_number(stt: str, roman_style: bool) -> int | None:
    if roman_style:
        return _roman(stt)
    if re.fullmatch(r"\d{1,2}", stt) and 1 <= int(stt) <= 20:
        return int(stt)
    return None


@dataclass
class _Rows:
    """Step 1's result: the table's task rows (raw row, cleaned cells, after a page break or
    a repeated header), the stated total and where it was written, invisible characters."""

    rows: list[tuple[RawRow, dict[str, str], bool]] = field(default_factory=list)
    total: int | None = None
    total_where: str = ""
    invisible: dict[str, list[str]] = field(default_factory=lambda: {"zero-width": [], "bidi": []})


def assemble(raw_rows: Sequence[RawRow], year: int, source: str = "") -> tuple[Plan, list[Problem]]:
    """Build the plan from the table's rows (document order, already mapped to column ids).

    Returns the plan and the problems found (Vietnamese messages, located by row).
    `Task.deadline`, `lead_units`, `coord_units` are left empty for later stages.
    The steps, in order: clean the rows, classify them into entries, mark headings,
    give keys, link parents, build the plan.
    """
    problems: list[Problem] = []
    table = _clean_rows(raw_rows, source, problems)
    entries = _classify(table.rows, source, problems)
    _mark_headings(entries)
    _assign_keys(entries, source, problems)
    _link_parents(entries)
    plan = _build_plan(entries, year, source, table.total)
    problems += _invisible_problems(table.invisible, source)
    problems += _plan_problems(plan, source, table.total, table.total_where)
    return plan, problems


def _clean_rows(raw_rows: Sequence[RawRow], source: str, problems: list[Problem]) -> _Rows:
    """1. Drop furniture, find the stated total, clean cells, remember page breaks."""
    out = _Rows()
    after_break = False
    for raw in raw_rows:
        for c in COLUMNS:
            for kind in invisible_kinds(raw.cells.get(c)):
                out.invisible[kind].append(_cell_where(raw, c))
        cells = {c: clean_cell(raw.cells.get(c, "")) for c in COLUMNS}
        for c in COLUMNS:
            if len(cells[c]) > MAX_CELL_CHARS:
                problems.append(warning(
                    "plan-cell-too-long",
                    f"Ô ở {_cell_where(raw, c)} dài {_vi_int(len(cells[c]))} ký tự, quá giới hạn {_vi_int(MAX_CELL_CHARS)} ký tự "
                    "của một ô Excel. Toàn bộ nội dung vẫn được giữ trong kế hoạch; trong sổ theo dõi, ô ở sheet "
                    "«Kế hoạch» chỉ chứa phần đầu, toàn văn nằm ở sheet «Văn bản dài». Nên rút gọn ô này "
                    "trong tệp kế hoạch.",
                    file=source, cell=_cell_where(raw, c), value=cells[c][:200]))
        if raw.kind_hint == "note":
            text = " ".join(v for v in cells.values() if v)
            n = stated_total(text)
            if n is not None:
                out.total, out.total_where = n, raw.location
            after_break = True
            continue
        if not any(cells.values()):
            continue
        if _is_header_row(cells):
            after_break = True
            continue
        if _is_column_number_row(cells):
            continue
        stt = normalise_stt(cells["stt"])
        if not stt or not (_ARABIC_STT.match(stt) or _ROMAN_STT.match(stt)):
            n = stated_total(" ".join(cells[c] for c in COLUMNS))
            if n is not None:
                out.total, out.total_where = n, raw.location
                continue
        out.rows.append((raw, cells, after_break or raw.kind_hint == "page_break"))
        after_break = False
    return out


def _classify(rows: list[tuple[RawRow, dict[str, str], bool]], source: str,
              problems: list[Problem]) -> list[_Entry]:
    """2. Classify rows into entries (area, numbered task, sub-task); join continuations."""
    roman_style = any(
        _roman(normalise_stt(cells["stt"])) is not None and _only_task(cells) for _, cells, _ in rows
    )
    entries: list[_Entry] = []
    area_code = ""
    area_no = 0
    last_numbered: int | None = None
    for raw, cells, broke in rows:
        stt = normalise_stt(cells["stt"])
        numbered = bool(stt) and bool(_ARABIC_STT.match(stt) or _ROMAN_STT.match(stt))
        if not numbered:
            _unnumbered_row(entries, raw, cells, broke, stt, area_code, last_numbered, source, problems)
            continue
        n = _area_number(stt, roman_style) if _only_task(cells) else None
        if n is not None and n > area_no:
            area_no = n
            area_code = stt
            last_numbered = None
            entries.append(_Entry("area", cells, stt, raw.source_row, raw.location, area=stt))
            continue
        entries.append(_Entry("numbered", cells, stt, raw.source_row, raw.location, area=area_code))
        last_numbered = len(entries) - 1
    return entries


def _unnumbered_row(entries: list[_Entry], raw: RawRow, cells: dict[str, str], broke: bool, stt: str,
                    area_code: str, last_numbered: int | None, source: str, problems: list[Problem]) -> None:
    """A row without a task number: the continuation of the entry above (joined into it)
    or a sub-task of the last numbered task."""
    task_text = cells["task"]
    if stt and not _MARKER_STT.match(stt.lower()):
        problems.append(
            warning(
                "plan-row-unrecognised",
                f"Không hiểu số thứ tự «{stt}»; dòng này được coi là nhiệm vụ con của dòng phía trên.",
                file=source,
                cell=raw.location,
                value=stt,
            )
        )
    continuation = (
        not task_text
        or (broke and (not _complete(cells) or _starts_lower(task_text)))
        or (_starts_lower(task_text) and not _complete(cells))
    )
    if not continuation:
        entries.append(
            _Entry(
                kind="sub",
                cells=cells,
                stt=stt,
                source_row=raw.source_row,
                where=raw.location,
                area=area_code,
                parent_entry=last_numbered,
            )
        )
        return
    if not entries:
        problems.append(
            warning(
                "plan-orphan-continuation",
                "Dòng không có số thứ tự ở đầu bảng, không rõ thuộc nhiệm vụ nào; đã bỏ qua.",
                file=source,
                cell=raw.location,
                value=task_text or None,
            )
        )
        return
    prev = entries[-1]
    for c in _DATA_COLUMNS:
        if cells[c]:
            prev.cells[c] = f"{prev.cells[c]} {cells[c]}".strip()


def _mark_headings(entries: list[_Entry]) -> None:
    """3. Headings: hierarchical children, or task-only rows followed by sub-tasks."""
    numbered_by_area: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.kind == "numbered":
            numbered_by_area[e.area].add(e.stt)
    subs_of: dict[int, int] = Counter(e.parent_entry for e in entries if e.kind == "sub" and e.parent_entry is not None)
    for i, e in enumerate(entries):
        if e.kind != "numbered":
            continue
        prefix = e.stt + "."
        has_child = any(s.startswith(prefix) for s in numbered_by_area[e.area])
        if has_child or (_only_task(e.cells) and subs_of.get(i, 0) > 0):
            e.heading = True


def _assign_keys(entries: list[_Entry], source: str, problems: list[Problem]) -> None:
    """4. Keys: the STT (prefixed by the area when STTs repeat across areas only), sub-tasks
    "<parent>#n", a repeated key "~n" with a warning."""
    stts = [e.stt for e in entries if e.kind == "numbered"]
    duplicated = {s for s, k in Counter(stts).items() if k > 1}
    per_area_unique = all(
        len(v) == len(set(v))
        for v in _group([(e.area, e.stt) for e in entries if e.kind == "numbered"]).values()
    )
    prefix_area = bool(duplicated) and per_area_unique and any(e.kind == "area" for e in entries)
    for e in entries:
        if e.kind == "numbered":
            e.key = f"{e.area}.{e.stt}" if prefix_area and e.area else e.stt
    sub_counter: Counter[str] = Counter()
    for e in entries:
        if e.kind != "sub":
            continue
        if e.parent_entry is not None:
            base = entries[e.parent_entry].key
            e.parent = base
        else:
            base = e.area or "0"
            e.parent = None
        sub_counter[base] += 1
        e.key = f"{base}#{sub_counter[base]}"
    seen: Counter[str] = Counter()
    for e in entries:
        if e.kind == "area":
            continue
        seen[e.key] += 1
        if seen[e.key] > 1:
            new_key = f"{e.key}~{seen[e.key]}"
            problems.append(
                warning(
                    "plan-duplicate-stt",
                    f"Số thứ tự «{e.stt or e.key}» xuất hiện nhiều lần trong bảng; "
                    f"nhiệm vụ ở {e.where} được gán mã «{new_key}». Hãy kiểm tra lại số thứ tự.",
                    file=source,
                    cell=e.where,
                    task_key=new_key,
                    value=e.stt,
                )
            )
            e.key = new_key
            seen[new_key] += 1


def _link_parents(entries: list[_Entry]) -> None:
    """5. Parents of numbered tasks: the nearest heading whose STT prefixes theirs."""
    headings = {(e.area, e.stt): e.key for e in entries if e.kind == "numbered" and e.heading}
    for e in entries:
        if e.kind == "numbered" and "." in e.stt:
            parts = e.stt.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                key = headings.get((e.area, ".".join(parts[:cut])))
                if key:
                    e.parent = key
                    break


def _build_plan(entries: list[_Entry], year: int, source: str, total: int | None) -> Plan:
    """6. The plan: areas, and every entry that is not a heading as a task."""
    areas: list[Area] = []
    tasks: list[Task] = []
    for e in entries:
        if e.kind == "area":
            areas.append(Area(code=e.stt, title=e.cells["task"], index=len(areas) + 1))
        elif e.kind == "numbered" and e.heading:
            continue
        else:
            tasks.append(
                Task(
                    key=e.key,
                    stt=e.stt if e.kind == "numbered" else ("" if not e.stt else e.stt),
                    area=e.area,
                    task=e.cells["task"],
                    product=e.cells["product"],
                    lead=e.cells["lead"],
                    coord=e.cells["coord"],
                    deadline_text=e.cells["deadline"],
                    parent=e.parent,
                    source_row=e.source_row,
                )
            )
    return Plan(year=year, source=source, areas=areas, tasks=tasks, stated_total=total)


def _plan_problems(plan: Plan, source: str, total: int | None, total_where: str) -> list[Problem]:
    """An empty plan (error) and a stated total the tasks do not reach (warning)."""
    problems: list[Problem] = []
    if not plan.tasks:
        problems.append(
            error(
                "plan-empty",
                "Bảng phụ lục không có nhiệm vụ nào (chỉ có dòng tiêu đề hoặc dòng trống). "
                "Hãy kiểm tra lại tệp kế hoạch.",
                file=source,
            )
        )
    if total is not None and total != len(plan.tasks):
        problems.append(
            warning(
                "plan-total-mismatch",
                f"Kế hoạch ghi tổng cộng {total} nhiệm vụ nhưng đọc được {len(plan.tasks)} nhiệm vụ. "
                "Hãy kiểm tra lại bảng (dòng bị thiếu, bị tách hoặc bị gộp).",
                file=source,
                cell=total_where,
                value=str(total),
            )
        )
    return problems


_COLUMN_NAMES = {"stt": "STT", "task": "Nhiệm vụ", "product": "Sản phẩm", "lead": "Đơn vị chủ trì",
                 "coord": "Đơn vị phối hợp", "deadline": "Thời gian hoàn thành"}


def _vi_int(n: int) -> str:
    """32767 → "32.767" (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def _cell_where(raw: RawRow, column: str) -> str:
    return f"{raw.location} (cột {_COLUMN_NAMES.get(column, column)})"


def _invisible_problems(found: dict[str, list[str]], source: str) -> list[Problem]:
    """One warning per kind of invisible character, naming every cell it was deleted from."""
    what = {
        "zero-width": ("plan-zero-width", "ký tự vô hình (khoảng trắng độ rộng 0, dấu BOM)"),
        "bidi": ("plan-bidi-control", "ký tự điều khiển hướng chữ (bidi)"),
    }
    out: list[Problem] = []
    for kind, cells in found.items():
        if not cells:
            continue
        code, label = what[kind]
        shown = "; ".join(cells[:10]) + (f"; và {len(cells) - 10} ô khác" if len(cells) > 10 else "")
        out.append(warning(
            code,
            f"Đã xóa {label} ở {len(cells)} ô của bảng phụ lục (thường do chép từ trang web hoặc PDF): "
            f"{shown}. Nội dung chữ không đổi; tên đơn vị được đọc như khi không có các ký tự này.",
            file=source, cell=cells[0], value="; ".join(cells)))
    return out


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for k, v in pairs:
        out[k].append(v)
    return out


# --------------------------------------------------------------------------------------
# Issuer and title from the text before the table (best effort)

#: Place types that follow "ỦY BAN NHÂN DÂN" in an issuer block (NĐ 30/2020, Phụ lục I:
#: "Tên cơ quan, tổ chức ban hành văn bản").
_PLACE_TYPES = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
_ORGAN_TYPES = ("ủy ban nhân dân", "văn phòng", "sở", "phòng", "ban", "bộ", "cục", "chi cục", "trung tâm")
_NATIONAL_MOTTO = "cong hoa xa hoi chu nghia viet nam"


def _title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def _organ_case(line: str) -> str:
    """"SỞ NỘI VỤ" → "Sở Nội vụ", "HUYỆN HÓC MÔN" → "huyện Hóc Môn" (after UBND)."""
    low = clean(line).lower().rstrip(".")
    for place in _PLACE_TYPES:
        if low.startswith(place + " "):
            return f"{place} {_title_words(low[len(place) + 1:])}"
    for organ in sorted(_ORGAN_TYPES, key=len, reverse=True):
        if low.startswith(organ + " ") or low == organ:
            name = low[len(organ):].strip()
            if organ == "ủy ban nhân dân":
                rest = _organ_case(name) if name else ""
                return ("Ủy ban nhân dân " + rest).strip()
            name = re.sub(r"\bvà (\w)", lambda m: "và " + m.group(1).upper(), name)
            return f"{organ[:1].upper()}{organ[1:]} {name[:1].upper()}{name[1:]}".strip()
    return low[:1].upper() + low[1:]


def guess_issuer(lines: Sequence[str]) -> str:
    """The issuing body from the heading block nearest the table, "" when not found."""
    folded = [ascii_fold(x) for x in lines]
    for i in range(len(lines) - 1, -1, -1):
        if folded[i].startswith(_NATIONAL_MOTTO):
            block: list[str] = []
            j = i - 1
            while j >= 0 and not clean(lines[j]):
                j -= 1
            while j >= 0 and clean(lines[j]) and len(block) < 4:
                block.insert(0, clean(lines[j]))
                j -= 1
            if not block:
                continue
            issuer = _issuer_from_block(block)
            if issuer and issuer != "Ủy ban nhân dân":
                return issuer
            break
    # Fallback (e.g. a spreadsheet title block, row by row): the organ lines at the top.
    block = []
    for line, fold in zip(lines, folded):
        if not fold or fold.startswith((_NATIONAL_MOTTO, "doc lap")):
            continue
        if fold.startswith(tuple(ascii_fold(w) for w in _ORGAN_TYPES + _PLACE_TYPES)):
            block.append(clean(line))
            continue
        if block:
            break
    return _issuer_from_block(block) if block else ""


def _issuer_from_block(block: Sequence[str]) -> str:
    last = block[-1]
    if len(block) > 1 and ascii_fold(last).startswith(tuple(ascii_fold(p) + " " for p in _PLACE_TYPES)):
        if ascii_fold(block[-2]) == "uy ban nhan dan":
            return "Ủy ban nhân dân " + _organ_case(last)
    return _organ_case(last)


_TITLE_RE = re.compile(r"(Kế hoạch\b[^.;]*?\bnăm (\d{4}))", re.IGNORECASE)


def guess_title(lines: Sequence[str], year: int | None = None) -> str:
    """"Kế hoạch … năm 2024" from the text before the table, "" when not found."""
    text = clean("\n".join(lines))
    paragraphs = [clean(p) for p in re.split(r"\n\s*\n", "\n".join(clean(x) for x in lines))]
    for p in paragraphs + [text]:
        for m in _TITLE_RE.finditer(p):
            if year is not None and int(m.group(2)) != year:
                continue
            title = m.group(1)
            rest = title[len("Kế hoạch") :]
            if rest.isupper():
                rest = rest.lower()
            elif len(rest) > 2 and rest[1].isupper() and rest[2].islower():
                rest = " " + rest[1].lower() + rest[2:]
            title = "Kế hoạch" + rest
            if len(title) <= 250 and "số" not in title.lower().split()[:3]:
                return title[:1].upper() + title[1:]
    return ""
