"""Read and lay out the unit registry sheets (`Đơn vị`, `Nhóm đơn vị`).

The registry lives in the master and in any workbook the clerk passes as `--units FILE`
(PRODUCT.md "The workbooks"): header row 1, column order free (headers compared by
`match_key`), lists separated by ";", codes short, unique and ASCII; unit and group codes
share one namespace. Values are read with python-calamine (fast, no styles needed).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from parc_xl.domain.mail_text import address_problems
from parc_xl.domain.models import Registry, Unit, UnitGroup
from parc_xl.domain.problems import Problem, Where, error, warning
from parc_xl.domain.text import clean, match_key
from parc_xl.errors import InputError
from parc_xl.io.master_layout import GROUP_COLUMNS, SHEET_GROUPS, SHEET_UNITS, UNIT_COLUMNS, Column
from parc_xl.io.ooxml import col_letter

CODE_MAX_LEN = 12  # "short": fits the narrow code columns of every sheet
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_LIST_SEP = re.compile(r"[;\n]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(value)


def _split_list(value: str) -> list[str]:
    return [p for p in (clean(x) for x in _LIST_SEP.split(value)) if p]


def _open_sheets(path: Path, book: Any = None) -> dict[str, list[list[Any]]]:
    from parc_xl.io.workbook_values import open_values

    if book is not None:  # the caller has the workbook open already (read_master)
        return _registry_sheets(book, path)
    return _registry_sheets(open_values(path, "danh mục đơn vị"), path)


def _registry_sheets(wb: Any, path: Path) -> dict[str, list[list[Any]]]:
    wanted = {match_key(SHEET_UNITS): SHEET_UNITS, match_key(SHEET_GROUPS): SHEET_GROUPS}
    found: dict[str, list[list[Any]]] = {}
    for name in wb.sheet_names:
        canonical = wanted.get(match_key(name))
        if canonical is not None and canonical not in found:
            found[canonical] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    missing = [s for s in (SHEET_UNITS, SHEET_GROUPS) if s not in found]
    if missing:
        names = " và ".join(f"«{s}»" for s in missing)
        raise InputError(
            f"Tệp {path.name} không có sheet {names}. Danh mục đơn vị cần hai sheet «{SHEET_UNITS}» "
            f"và «{SHEET_GROUPS}», dòng 1 là tiêu đề cột."
        )
    return found


def _header_map(rows: list[list[Any]], columns: list[Column], sheet: str, path: Path) -> dict[str, int]:
    header = [match_key(_text(v)) for v in rows[0]] if rows else []
    positions: dict[str, int] = {}
    for col in columns:
        key = match_key(col.header)
        if key in header:
            positions[col.id] = header.index(key)
    for required in ("code", "name"):
        if required not in positions:
            col = next(c for c in columns if c.id == required)
            raise InputError(
                f"Sheet «{sheet}» của tệp {path.name} thiếu cột «{col.header}» ở dòng 1 "
                f"(cần các cột: {', '.join(c.header for c in columns)})."
            )
    return positions


def _cell(rows: list[list[Any]], r: int, positions: dict[str, int], col_id: str) -> str:
    i = positions.get(col_id)
    if i is None or i >= len(rows[r]):
        return ""
    return _text(rows[r][i])


def _check_code(code: str, taken: dict[str, str], where: Where, what: str) -> Problem | None:
    if not code:
        return error("registry-code-missing", f"Dòng có {what} nhưng thiếu mã; hãy ghi mã (chữ không dấu, số).",
                     **where)
    if not _CODE_RE.match(code):
        return error(
            "registry-code-invalid",
            f"Mã «{code}» chỉ được gồm chữ cái không dấu, chữ số, dấu gạch dưới, gạch ngang hoặc chấm.",
            value=code, **where,
        )
    if len(code) > CODE_MAX_LEN:
        return error("registry-code-long", f"Mã «{code}» dài quá {CODE_MAX_LEN} ký tự; hãy dùng mã ngắn hơn.",
                     value=code, **where)
    if code.upper() in taken:
        return error("registry-code-duplicate",
                     f"Mã «{code}» bị trùng (đã dùng ở {taken[code.upper()]}); mỗi đơn vị, nhóm một mã riêng.",
                     value=code, **where)
    return None


def read_registry(path: Path, book: Any = None) -> tuple[Registry, list[Problem]]:
    """The registry in a workbook's `Đơn vị` and `Nhóm đơn vị` sheets, with one Problem per
    unusable row or cell. Rows with an error are left out; blank rows are skipped.
    `book`: the same file already open in python-calamine (saves a second open)."""
    path = Path(path)
    sheets = _open_sheets(path, book)
    problems: list[Problem] = []
    registry = Registry()
    taken: dict[str, str] = {}  # CODE → "sheet!cell"
    file = str(path)

    rows = sheets[SHEET_GROUPS]
    pos = _header_map(rows, GROUP_COLUMNS, SHEET_GROUPS, path)
    for r in range(1, len(rows)):
        code, name = _cell(rows, r, pos, "code"), _cell(rows, r, pos, "name")
        phrases = _split_list(_cell(rows, r, pos, "phrases"))
        if not (code or name or phrases):
            continue
        addr = f"{col_letter(pos['code'] + 1)}{r + 1}"
        where = Where(file=file, sheet=SHEET_GROUPS, cell=addr)
        problem = _check_code(code, taken, where, "nhóm")
        if problem is None and not name:
            problem = error("registry-name-missing", f"Nhóm «{code}» chưa có tên.",
                            file=file, sheet=SHEET_GROUPS, cell=f"{col_letter(pos['name'] + 1)}{r + 1}")
        if problem is not None:
            problems.append(problem)
            continue
        taken[code.upper()] = f"{SHEET_GROUPS}!{addr}"
        registry.groups.append(UnitGroup(code=code, name=name, phrases=phrases))

    group_codes = {g.code.upper(): g.code for g in registry.groups}
    emails: list[tuple[str, str, Where]] = []  # checked together: duplicates across units
    rows = sheets[SHEET_UNITS]
    pos = _header_map(rows, UNIT_COLUMNS, SHEET_UNITS, path)
    for r in range(1, len(rows)):
        code, name = _cell(rows, r, pos, "code"), _cell(rows, r, pos, "name")
        groups_text = _cell(rows, r, pos, "groups")
        aliases = _split_list(_cell(rows, r, pos, "aliases"))
        email = _cell(rows, r, pos, "email")
        if not (code or name or groups_text or aliases or email):
            continue
        addr = f"{col_letter(pos['code'] + 1)}{r + 1}"
        where = Where(file=file, sheet=SHEET_UNITS, cell=addr)
        problem = _check_code(code, taken, where, "đơn vị")
        if problem is None and not name:
            problem = error("registry-name-missing", f"Đơn vị «{code}» chưa có tên.",
                            file=file, sheet=SHEET_UNITS, cell=f"{col_letter(pos['name'] + 1)}{r + 1}")
        if problem is not None:
            problems.append(problem)
            continue
        taken[code.upper()] = f"{SHEET_UNITS}!{addr}"
        groups: list[str] = []
        for g in _split_list(groups_text):
            known = group_codes.get(g.upper())
            if known is None:
                problems.append(warning(
                    "registry-group-unknown",
                    f"Đơn vị «{code}» ghi nhóm «{g}» nhưng sheet «{SHEET_GROUPS}» không có mã nhóm này; "
                    "nhóm này bị bỏ qua.",
                    file=file, sheet=SHEET_UNITS, cell=f"{col_letter(pos['groups'] + 1)}{r + 1}", value=g,
                ))
            elif known not in groups:
                groups.append(known)
        registry.units.append(Unit(code=code, name=name, groups=groups, aliases=aliases, email=email))
        if email and "email" in pos:
            emails.append((code, email, Where(file=file, sheet=SHEET_UNITS, cell=f"{col_letter(pos['email'] + 1)}{r + 1}")))
    problems += address_problems(emails)
    return registry, problems


def registry_rows(registry: Registry) -> tuple[list[list[str]], list[list[str]]]:
    """Rows (without header) of the `Đơn vị` and `Nhóm đơn vị` sheets, in UNIT_COLUMNS and
    GROUP_COLUMNS order."""
    unit_values = {
        "code": lambda u: u.code, "name": lambda u: u.name, "groups": lambda u: "; ".join(u.groups),
        "aliases": lambda u: "; ".join(u.aliases), "email": lambda u: u.email,
    }
    group_values = {
        "code": lambda g: g.code, "name": lambda g: g.name, "phrases": lambda g: "; ".join(g.phrases),
    }
    units = [[unit_values[c.id](u) for c in UNIT_COLUMNS] for u in registry.units]
    groups = [[group_values[c.id](g) for c in GROUP_COLUMNS] for g in registry.groups]
    return units, groups


def unit_header_positions(path: Path) -> dict[str, int]:
    """0-based positions of the `Đơn vị` columns in a registry workbook (or the master)."""
    sheets = _open_sheets(Path(path))
    return _header_map(sheets[SHEET_UNITS], UNIT_COLUMNS, SHEET_UNITS, Path(path))


def append_units(pkg: Any, positions: dict[str, int], units: list[Unit]) -> None:
    """Append `units` as rows of the `Đơn vị` sheet of an open `XlsxPackage`, each value
    under its own header (the sheet's column order is the clerk's)."""
    values = {"code": lambda u: u.code, "name": lambda u: u.name, "groups": lambda u: "; ".join(u.groups),
              "aliases": lambda u: "; ".join(u.aliases), "email": lambda u: u.email}
    width = max(positions.values()) + 1
    rows = []
    for u in units:
        row: list[Any] = [None] * width
        for cid, i in positions.items():
            row[i] = values[cid](u) or None
        rows.append(row)
    pkg.append_rows(SHEET_UNITS, rows)
