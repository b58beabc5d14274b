"""Unit registry: split lead/coordination cells, bootstrap a registry, resolve cells to codes.

Pure logic (no I/O). DOMAIN.md "Units" describes how plans name units; the words
(abbreviations, unit types, head titles, starters, markers, group phrases), each with the
seed plan or decree it comes from, are data in `domain/unit_vocabulary.py`. Communes typed
by the clerk are `domain/communes.py`.

Splitting rule (`split_units`)
------------------------------
1. Hard separators always split: line breaks, ";", a leading bullet ("- ", "+ ", "•").
2. Soft separators — " - ", ", ", " và " — split only when the text right after them starts
   with a *capitalised* unit starter (a unit-type word such as Sở/Phòng/Văn phòng/Ban/
   Trung tâm/UBND/Ủy ban/Thanh tra/Chi cục/Công an/Đài…, a head title such as Trưởng/
   Chánh/Giám đốc/Chủ tịch/Thủ trưởng, or "Các"). Commas additionally need the right
   part to have at least two words (so "Thủ trưởng Sở, Ban, Ngành" stays whole). Hence
   "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "Phòng Tài chính - Kế hoạch
   huyện", "Chủ tịch UBND xã - thị trấn" and "Thủ trưởng sở, ban, ngành" stay whole while
   "Sở Tài chính, Sở Tư pháp" splits. "HĐND và UBND" / "HĐND - UBND" never split (one
   office, "Văn phòng HĐND và UBND huyện"). Nothing splits inside parentheses.
3. Annotation markers (lower-case verbs after the units) cut a fragment:
   "X phối hợp (với) Y" → X is named by the cell, Y are *coordinating* units (the lead
   cell of seed 000 task 1.11: "Sở Nội vụ (Phòng Cải cách hành chính) phối hợp Thành Đoàn,
   Công đoàn Viên chức"); "X tham mưu …", "X triển khai …", "X kiểm tra …", "X được mời …"
   → the tail is a note, not a unit. `resolve_plan` counts units after "phối hợp" in a
   lead cell as coordinating units (and says so in a warning); notes are reported too.

Resolution (`resolve`)
----------------------
Each fragment is compared by `unit_key`: `match_key` (NFC, lower, "hoá"→"hóa",
punctuation folded), abbreviations expanded (UBND, HĐND, TP, VP, CCHC …), a leading head
title dropped ("Trưởng phòng X" ~ "Phòng X"), "các"/"và" dropped. Lookup tries the exact
key, then the key without a trailing level word ("huyện", "Sở" …), then the same without
diacritics (typing slips such as "Thẻ thao"). A fragment that does not match whole is
segmented at its soft separators, longest resolvable piece first. "Sở Nội vụ (Phòng Cải
cách hành chính)" resolves to the inner Phòng when registered, else to Sở Nội vụ. Every
fragment that does not resolve is returned in `Resolution.unresolved`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from pydantic import Field

from parc_xl.domain.models import Plan, Registry, Unit, UnitGroup
from parc_xl.domain.problems import Problem, warning
from parc_xl.domain.record import Record
from parc_xl.domain.text import ascii_fold, clean, match_key
from parc_xl.domain.unit_vocabulary import (
    ABBREVIATIONS,
    CODE_MAX,
    CODE_PHRASES,
    CODE_STOPWORDS,
    COORDINATION_MARKERS,
    DEFAULT_GROUPS,
    EXTERNAL_MARKERS,
    HEAD_TITLES,
    INTERNAL_TYPES,
    LEVEL_SUFFIXES,
    NOTE_MARKERS,
    STARTERS,
    UNIT_TYPES,
    GroupDef,
)

# Column labels for messages (PLAN_COLUMNS headers "Đơn vị chủ trì"/"Đơn vị phối hợp").
_CELL_LABEL = {"lead": "Đơn vị chủ trì", "coord": "Đơn vị phối hợp"}

# Pairs joined by a soft separator that name ONE office ("Văn phòng HĐND và UBND huyện").
_JOINED_LEFT = re.compile(r"(?:HĐND|Hội đồng nhân dân)$", re.IGNORECASE)
_JOINED_RIGHT = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)(?!\w)", re.IGNORECASE)

# ---------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------

_TITLE_KEYS = sorted(HEAD_TITLES, key=len, reverse=True)
_TYPE_KEYS = sorted(UNIT_TYPES, key=len, reverse=True)


def _starts_with_any(key: str, words: Iterable[str]) -> str | None:
    for w in words:
        if key == w or key.startswith(w + " "):
            return w
    return None


def _after_title(key: str) -> bool:
    """May a title be dropped in front of `key`? (a unit type or a group opener follows)"""
    return bool(_starts_with_any(key, _TYPE_KEYS) or key.startswith("các ") or key.startswith("sở ")
                or _starts_with_any(key, _TITLE_KEYS))


def _strip_title_key(key: str) -> str:
    while True:
        title = _starts_with_any(key, _TITLE_KEYS)
        if title is None:
            return key
        rest = key[len(title):].strip()
        if not rest or not _after_title(rest):
            return key
        if title == "trường" and not (rest.startswith("phòng") or rest.startswith("ban")):
            return key  # "Trường THCS …" is a school, not a typo
        key = rest


def unit_key(text: str) -> str:
    """Comparison key of a unit name, alias, title or group phrase."""
    tokens: list[str] = []
    for tok in match_key(text).split():
        tokens.extend(ABBREVIATIONS.get(tok, tok).split())
    key = _strip_title_key(" ".join(tokens))
    words = [w for w in key.split() if w != "và"]
    while words and words[0] == "các":
        words = words[1:]
    key = " ".join(words).replace("có liên quan", "liên quan")
    return key


def _strip_level(key: str) -> str:
    for suffix in LEVEL_SUFFIXES:
        if key.endswith(" " + suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix) - 1]
    return key


def _fold(key: str) -> str:
    return ascii_fold(key)


# ---------------------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------------------

class ParsedCell(Record):
    """A lead/coordination cell taken apart (see module docstring)."""

    main: list[str] = Field(default_factory=list)  # fragments naming units
    coordination: list[str] = Field(default_factory=list)  # fragments after "phối hợp"
    notes: list[str] = Field(default_factory=list)  # text that is not a unit


_BULLET = re.compile(r"^\s*(?:[-–—+•·*]\s+|[-–—•]\s*(?=[^\W\d_]))")
_SOFT_SEP = re.compile(r"\s+[-–—]\s+|\s*,\s+|\s+và\s+")


def _is_starter(text: str, *, need_two_words: bool) -> bool:
    for s in STARTERS:
        if text.startswith(s) and (len(text) == len(s) or not text[len(s)].isalnum()):
            if need_two_words and len(text.split()) < 2:
                return False
            return True
    return False


def _depth_split_points(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of `pattern` outside parentheses."""
    out = []
    for m in pattern.finditer(text):
        before = text[: m.start()]
        if before.count("(") <= before.count(")"):
            out.append(m)
    return out


def _soft_split(text: str) -> list[str]:
    """Split at soft separators followed by a capitalised unit starter."""
    pieces: list[str] = []
    start = 0
    for m in _depth_split_points(text, _SOFT_SEP):
        right = text[m.end():]
        left = text[start:m.start()]
        sep = m.group(0).strip()
        if not left.strip():
            continue
        # the right fragment, up to the next separator, decides the two-word rule
        nxt = _SOFT_SEP.split(right, maxsplit=1)[0]
        if not _is_starter(right, need_two_words=False):
            continue
        if sep == "," and len(nxt.split()) < 2:
            continue
        if _JOINED_LEFT.search(left.strip()) and _JOINED_RIGHT.match(right):
            continue
        pieces.append(left.strip())
        start = m.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _hard_split(cell: str) -> list[str]:
    text = clean(cell, keep_newlines=True)
    out: list[str] = []
    for line in text.split("\n"):
        for part in line.split(";"):
            part = part.strip()
            part = _BULLET.sub("", part).strip()
            if not part:
                continue
            # a bullet dash between units: " - " followed by a starter (handled softly),
            # so hard-split only leading bullets here
            out.append(part)
    return out


def _cut_marker(fragment: str, markers: list[str]) -> tuple[str, str, str] | None:
    """(head, marker, tail) at the first lower-case marker outside parentheses."""
    best: tuple[int, str] | None = None
    for marker in markers:
        for m in re.finditer(r"(?<!\w)" + re.escape(marker) + r"(?!\w)", fragment):
            before = fragment[: m.start()]
            if before.count("(") > before.count(")"):
                continue
            if best is None or m.start() < best[0] or (m.start() == best[0] and len(marker) > len(best[1])):
                best = (m.start(), marker)
            break
    if best is None:
        return None
    pos, marker = best
    return fragment[:pos].strip(" ,.-"), marker, fragment[pos + len(marker):].strip(" ,.;")


def _trim(fragment: str) -> str:
    return fragment.strip().strip(" ,.;:-–").strip()


def parse_cell(cell: str) -> ParsedCell:
    """Take a lead/coordination cell apart into unit fragments, coordination and notes."""
    parsed = ParsedCell()
    for piece in _hard_split(cell):
        target = parsed.main
        rest = piece
        while rest:
            cut = _cut_marker(rest, COORDINATION_MARKERS + NOTE_MARKERS)
            head, tail = (rest, "") if cut is None else (cut[0], cut[2])
            for frag in _soft_split(head):
                frag = _trim(_BULLET.sub("", frag))
                if frag:
                    target.append(frag)
            if cut is None:
                break
            marker = cut[1]
            if marker in COORDINATION_MARKERS:
                target = parsed.coordination
                rest = tail
            else:
                note = f"{marker} {tail}".strip()
                parsed.notes.append(_trim(note))
                rest = ""
    return parsed


def split_units(cell: str) -> list[str]:
    """The fragments of a cell that name units: those before and after "phối hợp";
    notes ("… triển khai theo hướng dẫn", "… được mời tham gia") are left out
    (`parse_cell` returns them)."""
    parsed = parse_cell(cell)
    return parsed.main + parsed.coordination


# ---------------------------------------------------------------------------------------
# Titles → unit names
# ---------------------------------------------------------------------------------------

_TITLE_RE = re.compile(
    r"^(?:(?:" + "|".join(re.escape(t) for t in _TITLE_KEYS) + r")\s*(?:/\s*)?)+\s*",
    re.IGNORECASE,
)


def unit_name_from_title(text: str) -> str:
    """"Trưởng phòng Tư pháp huyện" → "Phòng Tư pháp huyện"; names without a title are
    returned unchanged (cleaned)."""
    s = clean(text)
    m = _TITLE_RE.match(s)
    if m is None:
        return s
    rest = s[m.end():].strip()
    if not rest:
        return s
    if not _after_title(unit_key(rest)) and not _starts_with_any(match_key(rest), _TYPE_KEYS):
        return s
    first = rest.split()[0]
    if re.match(r"^(trường|trưởng)$", m.group(0).strip().lower()) and first.lower() not in ("phòng", "ban"):
        return s
    return rest[0].upper() + rest[1:]


def _unit_type(name: str) -> str | None:
    tokens: list[str] = []
    for tok in match_key(name).split():
        tokens.extend(ABBREVIATIONS.get(tok, tok).split())
    return _starts_with_any(" ".join(tokens), _TYPE_KEYS)


# ---------------------------------------------------------------------------------------
# Codes (the phrase table and stop words are in unit_vocabulary)
# ---------------------------------------------------------------------------------------


def code_for(name: str, taken: set[str]) -> str:
    """Short ASCII code from a unit name's initials: "Phòng Nội vụ huyện" → "PNV",
    "Văn phòng Sở" → "VPS"; a suffix number keeps codes unique (case-insensitive)."""
    tokens: list[str] = []
    for tok in match_key(name).split():
        tokens.extend(ABBREVIATIONS.get(tok, tok).split())
    key = " ".join(tokens)
    for phrase, abbr in CODE_PHRASES:
        key = re.sub(r"(?<!\w)" + phrase + r"(?!\w)", abbr.lower() + "§", key)
    parts: list[str] = []
    for tok in key.split():
        if tok.endswith("§"):
            parts.append(tok[:-1].upper())
        elif tok not in CODE_STOPWORDS:
            parts.append(ascii_fold(tok)[:1].upper())
    # drop a trailing level word when enough letters remain ("PNV", not "PNVH")
    words = key.split()
    if words and words[-1] in {"huyện", "quận", "xã"} and len("".join(parts[:-1])) >= 3:
        parts = parts[:-1]
    base = re.sub(r"[^A-Z0-9]", "", "".join(parts))[:CODE_MAX] or "DV"
    taken_upper = {t.upper() for t in taken}
    code, n = base, 2
    while code.upper() in taken_upper:
        suffix = str(n)
        code = base[: CODE_MAX - len(suffix)] + suffix
        n += 1
    return code


# ---------------------------------------------------------------------------------------
# Index and resolution
# ---------------------------------------------------------------------------------------

class Resolution(Record):
    codes: list[str] = Field(default_factory=list)  # unit/group codes named by the cell
    unresolved: list[str] = Field(default_factory=list)  # fragments not in the registry
    coordination: list[str] = Field(default_factory=list)  # codes named after "phối hợp"
    notes: list[str] = Field(default_factory=list)  # text that names no unit


class RegistryIndex:
    """Lookup tables of a registry: key variants → code. Build once per registry."""

    def __init__(self, registry: Registry) -> None:
        self.tables: list[dict[str, str]] = [{}, {}, {}, {}]
        ambiguous: list[set[str]] = [set(), set(), set(), set()]
        entries: list[tuple[str, str]] = []
        for g in registry.groups:
            entries += [(p, g.code) for p in [g.name, *g.phrases]]
        for u in registry.units:
            entries += [(p, u.code) for p in [u.name, *u.aliases]]
            entries.append((u.code, u.code))
        for g in registry.groups:
            entries.append((g.code, g.code))
        for text, code in entries:
            key = unit_key(text)
            if not key:
                continue
            variants = [key, _strip_level(key), _fold(key), _fold(_strip_level(key))]
            for i, variant in enumerate(variants):
                table = self.tables[i]
                if i in (1, 3) and variant == variants[i - 1]:
                    continue
                old = table.get(variant)
                if old is None and variant not in ambiguous[i]:
                    table[variant] = code
                elif old is not None and old != code:
                    if i == 0:
                        continue  # first exact entry wins (registry order)
                    ambiguous[i].add(variant)
                    del table[variant]

    def lookup(self, text: str) -> str | None:
        key = unit_key(text)
        if not key:
            return None
        stripped = _strip_level(key)
        probes = [(0, key), (0, stripped), (1, key), (1, stripped),
                  (2, _fold(key)), (2, _fold(stripped)), (3, _fold(key)), (3, _fold(stripped))]
        for i, probe in probes:
            code = self.tables[i].get(probe)
            if code is not None:
                return code
        return None

    def lookup_fragment(self, fragment: str) -> list[str] | None:
        """Codes for one fragment, parentheses handled; None when it does not resolve."""
        code = self.lookup(fragment)
        if code is not None:
            return [code]
        m = re.match(r"^(.*?)\((.*)\)\s*$", fragment)
        if m:
            head, inner = m.group(1).strip(), m.group(2).strip()
            inner_res = self.segment(inner)
            if inner_res and not inner_res[1]:
                return inner_res[0]
            code = self.lookup(head) if head else None
            if code is not None:
                return [code]
        return None

    def segment(self, fragment: str) -> tuple[list[str], list[str]]:
        """Split a fragment at its soft separators into registry names, longest first.
        Returns (codes, unresolved pieces). A cut between a resolved and an unresolved
        piece is trusted only when the right piece opens like a unit name (capitalised
        starter, as in `split_units`); otherwise both stay one unresolved piece, so that a
        registered "Phòng Khoa học" never swallows "Phòng Khoa học và Công nghệ"."""
        whole = self.lookup_fragment(fragment)
        if whole is not None:
            return whole, []
        return _segment(fragment, self.lookup_fragment)


def _segment(fragment: str, lookup: Callable[[str], list[str] | None]) -> tuple[list[str], list[str]]:
    seps = _depth_split_points(fragment, _SOFT_SEP)
    bounds = [0] + [x for m in seps for x in (m.start(), m.end())] + [len(fragment)]
    starts = [bounds[i] for i in range(0, len(bounds), 2)]
    ends = [bounds[i + 1] for i in range(0, len(bounds), 2)]
    # items: [first piece, last piece, codes or None]
    items: list[list[Any]] = []
    i = 0
    while i < len(starts):
        found = None
        for j in range(len(starts) - 1, i - 1, -1):
            res = lookup(fragment[starts[i]:ends[j]].strip())
            if res is not None:
                found = (j, res)
                break
        if found is None:
            items.append([i, i, None])
            i += 1
        else:
            items.append([i, found[0], found[1]])
            i = found[0] + 1
    merged = True
    while merged:
        merged = False
        for k in range(len(items) - 1):
            a, b = items[k], items[k + 1]
            if a[2] is not None and b[2] is not None:
                continue
            trusted = a[2] is not None and b[2] is not None or _is_starter(
                fragment[starts[b[0]]:].lstrip(), need_two_words=False)
            if a[2] is None and b[2] is None or not trusted:
                items[k:k + 2] = [[a[0], b[1], None]]
                merged = True
                break
    codes: list[str] = []
    unresolved: list[str] = []
    for first, last, res in items:
        if res is None:
            text = _trim(fragment[starts[first]:ends[last]])
            if text:
                unresolved.append(text)
        else:
            codes += res
    return codes, unresolved


def _has_unit_word(text: str) -> bool:
    tokens: list[str] = []
    for tok in match_key(text).split():
        tokens.extend(ABBREVIATIONS.get(tok, tok).split())
    key = " ".join(tokens)
    return any(re.search(r"(?<!\w)" + re.escape(t) + r"(?!\w)", key) for t in UNIT_TYPES) or bool(
        re.search(r"(?<!\w)(cơ quan|đơn vị|tổ chức)(?!\w)", key)
    )


def _add(codes: list[str], new: Iterable[str]) -> None:
    for c in new:
        if c not in codes:
            codes.append(c)


def _resolve(cell: str, index: RegistryIndex) -> Resolution:
    parsed = parse_cell(cell)
    res = Resolution(notes=list(parsed.notes))
    for frag in parsed.main:
        seg = index.segment(frag)
        _add(res.codes, seg[0])
        res.unresolved += seg[1]
    for frag in parsed.coordination:
        seg = index.segment(frag)
        _add(res.coordination, seg[0])
        for left in seg[1]:
            (res.unresolved if _has_unit_word(left) else res.notes).append(left)
    return res


def resolve(cell: str, registry: Registry) -> Resolution:
    """Codes named by a lead/coordination cell; fragments not in the registry are returned
    in `unresolved`, never dropped."""
    return _resolve(cell, RegistryIndex(registry))


def resolve_plan(plan: Plan, registry: Registry) -> list[Problem]:
    """Fill each task's `lead_units`/`coord_units` in place; one warning per fragment that
    did not resolve, per note that was left out, per unit moved from lead to coordination."""
    index = RegistryIndex(registry)
    problems: list[Problem] = []
    for task in plan.tasks:
        lead = _resolve(task.lead, index) if task.lead else Resolution()
        coord = _resolve(task.coord, index) if task.coord else Resolution()
        task.lead_units = list(lead.codes)
        coord_codes: list[str] = []
        _add(coord_codes, coord.codes)
        _add(coord_codes, coord.coordination)
        _add(coord_codes, [c for c in lead.coordination if c not in task.lead_units])
        task.coord_units = coord_codes
        for kind, r in (("lead", lead), ("coord", coord)):
            label = _CELL_LABEL[kind]
            for frag in r.unresolved:
                problems.append(warning(
                    "unit-unresolved",
                    f"Không nhận ra đơn vị «{frag}» trong ô {label} của nhiệm vụ {task.key}; "
                    "thêm vào sheet Đơn vị (cột Tên gọi khác) rồi nhập lại.",
                    task_key=task.key, value=frag,
                ))
            for note in r.notes:
                problems.append(warning(
                    "unit-note-ignored",
                    f"Phần «{note}» trong ô {label} của nhiệm vụ {task.key} không phải tên đơn vị "
                    "nên không được tính.",
                    task_key=task.key, value=note,
                ))
        if lead.coordination:
            names = ", ".join(lead.coordination)
            problems.append(warning(
                "unit-lead-coordination",
                f"Trong ô Đơn vị chủ trì của nhiệm vụ {task.key}, các đơn vị đứng sau «phối hợp» "
                f"({names}) được tính là đơn vị phối hợp.",
                task_key=task.key, value=names,
            ))
    return problems


# ---------------------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------------------

def _default_group_index() -> dict[str, GroupDef]:
    table: dict[str, GroupDef] = {}
    for g in DEFAULT_GROUPS:
        for p in [g.name, *g.phrases]:
            table.setdefault(unit_key(p), g)
    return table


def _carve_groups(fragment: str, groups: dict[str, GroupDef]) -> tuple[list[tuple[GroupDef, str]], list[str]]:
    """Group phrases inside a fragment (longest first) and what is left over."""
    key = unit_key(fragment)
    if key in groups:
        return [(groups[key], fragment)], []
    seps = _depth_split_points(fragment, _SOFT_SEP)
    bounds = [0] + [x for m in seps for x in (m.start(), m.end())] + [len(fragment)]
    starts = [bounds[i] for i in range(0, len(bounds), 2)]
    ends = [bounds[i + 1] for i in range(0, len(bounds), 2)]
    found: list[tuple[GroupDef, str]] = []
    rest: list[str] = []
    i, pending = 0, None
    while i < len(starts):
        hit = None
        for j in range(len(starts) - 1, i - 1, -1):
            text = fragment[starts[i]:ends[j]].strip()
            if unit_key(text) in groups:
                hit = (j, groups[unit_key(text)], text)
                break
        if hit is None:
            pending = i if pending is None else pending
            i += 1
            continue
        if pending is not None:
            rest.append(_trim(fragment[starts[pending]:ends[i - 1]]))
            pending = None
        found.append((hit[1], hit[2]))
        i = hit[0] + 1
    if pending is not None:
        rest.append(_trim(fragment[starts[pending]:ends[-1]]))
    return found, [r for r in rest if r]


def _unit_candidate(fragment: str) -> tuple[str, list[str]] | None:
    """(unit name, aliases) for a fragment that names a unit, else None."""
    m = re.match(r"^(.*?)\((.*)\)\s*$", fragment)
    if m:
        inner = _unit_candidate(m.group(2).strip())
        if inner is not None:
            return inner[0], [*inner[1], fragment]
        head = _unit_candidate(m.group(1).strip())
        if head is not None:
            return head[0], [*head[1], fragment]
        return None
    name = unit_name_from_title(fragment)
    if not name or not name[0].isupper() or _unit_type(name) is None:
        return None
    aliases = [fragment] if fragment != name else []
    return name, aliases


def _same_unit(name: str, known: dict[str, Counter[str]]) -> str:
    """The identity of a unit already seen under this name with or without a level word
    ("Phòng Nội vụ" = "Phòng Nội vụ huyện"; "Thanh tra Sở" ≠ "Thanh tra huyện")."""
    key = unit_key(name)
    ident, base = _fold(key), _fold(_strip_level(key))
    if ident in known:
        return ident
    matches = [
        k for k, names in known.items()
        if _fold(_strip_level(unit_key(next(iter(names))))) == base and (k == base or ident == base)
    ]
    return matches[0] if len(matches) == 1 else ident


def bootstrap_registry(lead_and_coord_cells: Iterable[str],
                       problems: list[Problem] | None = None) -> Registry:
    """A first registry from a plan's lead/coordination cells: one unit per distinct name
    (head titles and other spellings become aliases), one group per group phrase used.
    Warnings (groups without members, guessed members) are appended to `problems`."""
    seen = _seen_in_cells(lead_and_coord_cells)
    registry = _registry_from(seen)
    if problems is not None:
        problems += _group_warnings(registry)
    return registry


class _Seen(NamedTuple):
    """What the cells name: group spellings by code, unit spellings and aliases by identity."""

    groups: dict[str, list[str]]  # code → spellings seen
    spellings: dict[str, Counter[str]]  # identity key → name spellings
    aliases: dict[str, list[str]]
    order: list[str]  # identities in order of first appearance


def _seen_in_cells(lead_and_coord_cells: Iterable[str]) -> _Seen:
    groups_by_key = _default_group_index()
    used_groups: dict[str, list[str]] = {}  # code → spellings seen
    spellings: dict[str, Counter[str]] = {}  # identity key → name spellings
    aliases: dict[str, list[str]] = {}
    order: list[str] = []
    for cell in lead_and_coord_cells:
        if not cell:
            continue
        for frag in split_units(cell):
            found, rest = _carve_groups(frag, groups_by_key)
            for gdef, text in found:
                used_groups.setdefault(gdef.code, [])
                if text not in used_groups[gdef.code]:
                    used_groups[gdef.code].append(text)
            for piece in rest:
                cand = _unit_candidate(piece)
                if cand is None:
                    continue
                name, piece_aliases = cand
                ident = _same_unit(name, spellings)
                if ident not in spellings:
                    spellings[ident] = Counter()
                    aliases[ident] = []
                    order.append(ident)
                spellings[ident][name] += 1
                for a in piece_aliases:
                    if a not in aliases[ident]:
                        aliases[ident].append(a)
    return _Seen(used_groups, spellings, aliases, order)


def _registry_from(found: _Seen) -> Registry:
    """The groups the plan uses (table order, with the spellings seen), then one unit per
    identity under its most common spelling, with a code and, for the office's own
    agencies, the "internal" groups."""
    used_groups, spellings, aliases, order = found
    registry = Registry()
    taken: set[str] = {g.code for g in DEFAULT_GROUPS}
    group_defs = {g.code: g for g in DEFAULT_GROUPS}
    for gd in DEFAULT_GROUPS:  # table order, only those the plan uses
        if gd.code not in used_groups:
            continue
        phrases = list(gd.phrases)
        keys = {match_key(p) for p in phrases}
        for seen in used_groups[gd.code]:
            if match_key(seen) not in keys:
                phrases.append(seen)
                keys.add(match_key(seen))
        registry.groups.append(UnitGroup(code=gd.code, name=gd.name, phrases=phrases))
    for ident in order:
        ranked = spellings[ident].most_common()
        name = ranked[0][0]
        als: list[str] = []
        seen_keys = {match_key(name)}
        for text in [n for n, _ in ranked[1:]] + aliases[ident]:
            if match_key(text) not in seen_keys:
                als.append(text)
                seen_keys.add(match_key(text))
        code = code_for(name, taken)
        taken.add(code)
        member_of = []
        if _unit_type(name) in INTERNAL_TYPES and not any(
            re.search(r"(?<!\w)" + m + r"(?!\w)", match_key(name)) for m in EXTERNAL_MARKERS
        ):
            member_of = [g.code for g in registry.groups if group_defs[g.code].members == "internal"]
        registry.units.append(Unit(code=code, name=name, groups=member_of, aliases=als))
    return registry


def _group_warnings(registry: Registry) -> list[Problem]:
    """A group without members (what the clerk must do), or with members guessed."""
    group_defs = {g.code: g for g in DEFAULT_GROUPS}
    problems: list[Problem] = []
    for g in registry.groups:
        members = registry.members(g.code)
        if not members:
            problems.append(warning(
                "unit-group-empty",
                f"Nhóm «{g.name}» ({g.code}) chưa có đơn vị nào: {group_defs[g.code].hint}.",
                value=g.code,
            ))
        elif group_defs[g.code].members == "internal":
            problems.append(warning(
                "unit-group-guessed",
                f"Nhóm «{g.name}» ({g.code}) tạm gồm {len(members)} đơn vị suy ra từ kế hoạch "
                f"({', '.join(members)}); kiểm tra lại cột Nhóm trong sheet Đơn vị.",
                value=g.code,
            ))
    return problems


def plan_cells(plan: Plan) -> list[str]:
    """The lead and coordination cells of a plan, in task order (bootstrap input)."""
    cells: list[str] = []
    for t in plan.tasks:
        cells += [t.lead, t.coord]
    return [c for c in cells if c]


__all__ = [
    "ParsedCell", "RegistryIndex", "Resolution", "bootstrap_registry", "code_for", "empty_groups",
    "parse_cell", "plan_cells", "resolve", "resolve_plan", "split_units", "unit_key", "unit_name_from_title",
]


def empty_groups(plan: Plan, registry: Registry) -> list[tuple[UnitGroup, list[str], list[str]]]:
    """Groups named in some task that have no member unit: (group, STT of the tasks it
    leads, STT of those it coordinates), in plan order. Tasks led by such a group belong
    to no one until the clerk fills it."""
    out: list[tuple[UnitGroup, list[str], list[str]]] = []
    for g in registry.groups:
        if registry.members(g.code):
            continue
        lead = [t.stt or t.key for t in plan.tasks if g.code in t.lead_units]
        coord = [t.stt or t.key for t in plan.tasks if g.code in t.coord_units]
        if lead or coord:
            out.append((g, lead, coord))
    return out
