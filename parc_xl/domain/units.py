"""Unit registry: split lead/coordination cells, bootstrap a registry, resolve cells to codes.

Pure logic (no I/O). DOMAIN.md "Units" describes how plans name units; the vocabulary
below is taken from the real plans in `../shared/seeds` (000: Sở Nội vụ TP.HCM 2024;
003: UBND huyện Hóc Môn 2024) and from the naming rules of NĐ 30/2020/NĐ-CP (abbreviations
of bodies, e.g. "UBND", "HĐND") and NĐ 37/2014 / NĐ 108/2020 (agencies of a district:
Phòng …, Văn phòng HĐND và UBND, Thanh tra huyện).

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

from pydantic import BaseModel, Field

from parc_xl.domain.models import Plan, Registry, Unit, UnitGroup
from parc_xl.domain.problems import Problem, warning
from parc_xl.domain.text import ascii_fold, clean, match_key

# ---------------------------------------------------------------------------------------
# Vocabulary (data)
# ---------------------------------------------------------------------------------------

# Abbreviations seen in plans (NĐ 30/2020/NĐ-CP, Phụ lục II lists the usual ones for
# bodies) → full words, as `match_key` tokens. Used for comparison only.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "ủy ban nhân dân",  # Ủy ban nhân dân
    "hđnd": "hội đồng nhân dân",  # Hội đồng nhân dân
    "tp": "thành phố",  # Thành phố
    "vp": "văn phòng",  # Văn phòng
    "cchc": "cải cách hành chính",  # cải cách hành chính (seeds 000, 003)
    "bcđ": "ban chỉ đạo",  # Ban Chỉ đạo (seed 000)
    "tthc": "thủ tục hành chính",
    "mttq": "mặt trận tổ quốc",  # Ủy ban Mặt trận Tổ quốc
    "hcm": "hồ chí minh",
    "ubmttq": "ủy ban mặt trận tổ quốc",
}

# Words that open a unit's name (DOMAIN.md "Units"; seeds 000, 003). Match keys.
UNIT_TYPES: list[str] = [
    "sở", "phòng", "văn phòng", "ban", "ban chỉ đạo", "ban quản lý", "trung tâm",
    "ủy ban nhân dân", "ủy ban", "hội đồng nhân dân", "hội đồng", "thanh tra", "chi cục",
    "cục", "công an", "đài", "trường", "bệnh viện", "tổ", "đội", "thành đoàn", "huyện đoàn",
    "quận đoàn", "đoàn", "công đoàn", "liên đoàn", "hội", "mặt trận", "bảo hiểm xã hội",
    "kho bạc", "chi nhánh", "viện", "viện kiểm sát", "tòa án", "huyện ủy", "quận ủy",
    "thành ủy", "đảng ủy", "ngân hàng", "bưu điện", "quỹ", "báo", "thi hành án",
]

# Unit types whose units the office directs (its own agencies: NĐ 37/2014 and
# NĐ 108/2020 for a district; the Sở's phòng, văn phòng, thanh tra, trung tâm). A
# bootstrap puts these in the "all agencies" groups as a first guess the clerk reviews.
INTERNAL_TYPES: list[str] = ["phòng", "văn phòng", "thanh tra", "trung tâm", "chi cục", "ban quản lý"]
# … unless the name points at a higher level (then it is another body's agency).
EXTERNAL_MARKERS: list[str] = ["thành phố", "tỉnh", "trung ương"]

# Head titles ("Trưởng phòng X" means Phòng X). Match keys, longest first at use.
# Seeds: Trưởng phòng, Trưởng Phòng, "Trường Phòng" (typing slip, 003), Chánh Văn phòng,
# Chánh Thanh tra, Chủ tịch UBND, "Chủ tịch/Phó Chủ tịch", Thủ trưởng, "Thủ trưởng/cấp phó".
HEAD_TITLES: list[str] = [
    "thủ trưởng", "chủ tịch", "phó chủ tịch", "giám đốc", "phó giám đốc", "chánh",
    "phó chánh", "trưởng", "phó trưởng", "hiệu trưởng", "cục trưởng", "chi cục trưởng",
    "tổ trưởng", "đội trưởng", "cấp phó", "cấp trưởng", "phó", "lãnh đạo",
    "trường",  # typing slip for "trưởng" (seed 003: "Trường Phòng Tài chính - Kế hoạch")
]

# Capitalised words that start a new unit after a soft separator (see module docstring).
STARTERS: list[str] = sorted(
    {
        "Sở", "Phòng", "Văn phòng", "Ban", "Trung tâm", "UBND", "Ủy ban", "Uỷ ban", "HĐND",
        "Hội đồng", "Thanh tra", "Chi cục", "Cục", "Công an", "Đài", "Bệnh viện", "Tổ", "Đội",
        "Thành Đoàn", "Thành đoàn", "Huyện Đoàn", "Huyện đoàn", "Đoàn", "Công đoàn",
        "Liên đoàn", "Hội", "Mặt trận", "Bảo hiểm", "Kho bạc", "Chi nhánh", "Viện", "Tòa án",
        "Toà án", "Huyện ủy", "Huyện uỷ", "Đảng ủy", "Đảng uỷ", "Các", "Thủ trưởng",
        "Chủ tịch", "Phó Chủ tịch", "Trưởng", "Phó Trưởng", "Giám đốc", "Phó Giám đốc",
        "Chánh", "Hiệu trưởng", "Cục trưởng", "Chi cục trưởng", "Trường Phòng", "Trường phòng",
        "Ngân hàng", "Bưu điện", "Quỹ", "VP",
        # "Mời Ban Tuyên giáo …" opens an invitation to a Party body; seed 003 (task 1.11)
        # types it "Mối": both start a new fragment so the unit before it is not swallowed.
        "Mời", "Mối",
    },
    key=len,
    reverse=True,
)

# Lower-case verbs that end the unit part of a fragment. "phối hợp" introduces
# coordinating units; the others introduce a note (seeds 000 lines 436-437, 449, 452;
# 003 lines 443, 451, 454, 455, 549).
COORDINATION_MARKERS: list[str] = ["phối hợp với", "phối hợp"]
NOTE_MARKERS: list[str] = ["tham mưu", "triển khai", "kiểm tra", "được mời", "chủ trì thực hiện"]

# Level words that may trail a unit's name or not ("Phòng Nội vụ" / "Phòng Nội vụ huyện").
LEVEL_SUFFIXES: list[str] = ["thành phố", "thị xã", "huyện", "quận", "tỉnh", "sở"]


class GroupDef(NamedTuple):
    code: str
    name: str
    phrases: list[str]  # how plans name the group (head titles included)
    members: str  # "internal": the office's own agencies (guess); "": the clerk fills
    hint: str  # Vietnamese: what the clerk must do when the group has no members


# Group phrases (DOMAIN.md "Units"; seed 000 lines 429-588, seed 003 lines 435-578).
DEFAULT_GROUPS: list[GroupDef] = [
    GroupDef(
        "G_CQ", "Các cơ quan, đơn vị",
        ["Thủ trưởng các cơ quan, đơn vị", "Các cơ quan, đơn vị", "Thủ trưởng/cấp phó các cơ quan, đơn vị",
         "Thủ trưởng cơ quan, đơn vị", "Các cơ quan, đơn vị thuộc huyện",
         "Thủ trưởng các cơ quan chuyên môn", "Các cơ quan chuyên môn"],
        "internal", "ghi mã nhóm này vào cột Nhóm của từng cơ quan, đơn vị",
    ),
    GroupDef(
        "G_TTS", "Các tổ chức thuộc và trực thuộc Sở",
        ["Các tổ chức thuộc và trực thuộc Sở", "Các tổ chức thuộc, trực thuộc Sở",
         "Các tổ chức trực thuộc Sở", "Các đơn vị thuộc và trực thuộc Sở", "Các đơn vị trực thuộc Sở",
         "Thủ trưởng các tổ chức thuộc và trực thuộc Sở"],
        "internal", "ghi mã nhóm này vào cột Nhóm của từng phòng, đơn vị thuộc Sở",
    ),
    GroupDef(
        "G_LQ", "Các cơ quan, đơn vị liên quan",
        ["Các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị có liên quan", "Các đơn vị liên quan",
         "Các đơn vị có liên quan", "Các cơ quan liên quan", "Các cơ quan có liên quan"],
        "", "ghi mã nhóm này vào cột Nhóm của các đơn vị liên quan, hoặc để trống nếu chỉ dùng để phối hợp",
    ),
    GroupDef(
        "G_XA", "UBND các xã, thị trấn",
        ["Chủ tịch UBND xã - thị trấn", "Chủ tịch/Phó Chủ tịch UBND xã - thị trấn", "UBND xã - thị trấn",
         "UBND các xã, thị trấn", "UBND xã, thị trấn", "Chủ tịch UBND các xã, thị trấn",
         "UBND các xã - thị trấn", "UBND các phường, xã, thị trấn", "UBND phường, xã, thị trấn",
         "Chủ tịch UBND phường, xã, thị trấn", "UBND các phường, xã", "UBND phường, xã"],
        "", "kế hoạch không liệt kê từng xã, thị trấn; hãy thêm từng xã, thị trấn vào sheet Đơn vị "
            "và ghi mã nhóm này vào cột Nhóm",
    ),
    GroupDef(
        "G_SBN", "Các sở, ban, ngành",
        ["Thủ trưởng sở, ban, ngành", "Thủ trưởng các sở, ban, ngành", "Các sở, ban, ngành",
         "Sở, ban, ngành"],
        "", "thêm từng sở, ban, ngành vào sheet Đơn vị và ghi mã nhóm này vào cột Nhóm",
    ),
    GroupDef(
        "G_QH", "UBND quận, huyện, thành phố Thủ Đức",
        ["Chủ tịch UBND quận, huyện, thành phố Thủ Đức", "UBND quận, huyện, thành phố Thủ Đức",
         "Chủ tịch UBND các quận, huyện, thành phố Thủ Đức", "UBND các quận, huyện, thành phố Thủ Đức",
         "Chủ tịch UBND quận, huyện", "UBND quận, huyện", "UBND các quận, huyện"],
        "", "thêm từng quận, huyện vào sheet Đơn vị và ghi mã nhóm này vào cột Nhóm",
    ),
]

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

class ParsedCell(BaseModel):
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
# Codes
# ---------------------------------------------------------------------------------------

# Multi-word phrases that give a short code part ("Văn phòng HĐND và UBND" → VPHDUB).
_CODE_PHRASES: list[tuple[str, str]] = [
    ("hội đồng nhân dân", "HD"), ("ủy ban nhân dân", "UB"), ("cải cách hành chính", "CCHC"),
    ("mặt trận tổ quốc", "MT"), ("thủ tục hành chính", "TTHC"),
]
_CODE_STOPWORDS = {"và", "các", "của", "thuộc", "trực", "với"}
CODE_MAX = 8


def code_for(name: str, taken: set[str]) -> str:
    """Short ASCII code from a unit name's initials: "Phòng Nội vụ huyện" → "PNV",
    "Văn phòng Sở" → "VPS"; a suffix number keeps codes unique (case-insensitive)."""
    tokens: list[str] = []
    for tok in match_key(name).split():
        tokens.extend(ABBREVIATIONS.get(tok, tok).split())
    key = " ".join(tokens)
    for phrase, abbr in _CODE_PHRASES:
        key = re.sub(r"(?<!\w)" + phrase + r"(?!\w)", abbr.lower() + "§", key)
    parts: list[str] = []
    for tok in key.split():
        if tok.endswith("§"):
            parts.append(tok[:-1].upper())
        elif tok not in _CODE_STOPWORDS:
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

class Resolution(BaseModel):
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

    if problems is not None:
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
    return registry


def plan_cells(plan: Plan) -> list[str]:
    """The lead and coordination cells of a plan, in task order (bootstrap input)."""
    cells: list[str] = []
    for t in plan.tasks:
        cells += [t.lead, t.coord]
    return [c for c in cells if c]


__all__ = [
    "ABBREVIATIONS", "DEFAULT_GROUPS", "GroupDef", "HEAD_TITLES", "ParsedCell", "RegistryIndex",
    "Resolution", "UNIT_TYPES", "bootstrap_registry", "code_for", "parse_cell", "plan_cells",
    "resolve", "resolve_plan", "split_units", "unit_key", "unit_name_from_title",
]


# --- communes typed or pasted by the clerk (names only) -------------------------------

# Kinds of commune-level units (Luật Tổ chức chính quyền địa phương 2015, Điều 2).
COMMUNE_KINDS: list[str] = ["thị trấn", "phường", "xã"]
_LIST_MARK = re.compile(r"^\s*(?:[-–•*+]|\(?\d{1,3}[.)]|[a-zđ][.)])\s+", re.IGNORECASE)
_COMMUNE_PREFIX = re.compile(r"^(?:chủ tịch\s+)?(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+", re.IGNORECASE)


class NewCommune(NamedTuple):
    name: str  # "UBND xã Tân Hiệp"
    code: str  # "XTH"
    aliases: list[str]  # "Chủ tịch UBND xã Tân Hiệp", "Xã Tân Hiệp"


def split_commune_list(text: str) -> list[str]:
    """The names in a pasted or typed list: one per line, or separated by ";" or ","
    (a column copied from Excel or Word, a sentence "Tân Hiệp, Xuân Thới Sơn"); list
    marks ("1.", "-", "•") dropped."""
    out: list[str] = []
    for line in re.split(r"[\n;,\t]+", text):
        name = " ".join(_LIST_MARK.sub("", line).split()).strip(" .")
        if name:
            out.append(name)
    return out


def commune_units(names: list[str], taken: set[str], known_names: set[str]) -> tuple[list[NewCommune], list[tuple[str, str]]]:
    """Registry entries for commune names as people write them ("Tân Hiệp", "xã Tân
    Hiệp", "UBND thị trấn Hóc Môn", "Phường 1"): the kind defaults to xã; the name is
    "UBND <kind> <name>"; the code is the kind's and the name's initials ("XTH", "TTHM",
    "P1"), unique against `taken`. `known_names`: match keys of names and aliases already
    in the registry. Returns (new communes, [(name as given, Vietnamese reason skipped)])."""
    new: list[NewCommune] = []
    skipped: list[tuple[str, str]] = []
    taken = set(taken)
    seen = set(known_names)
    for given in names:
        rest = _COMMUNE_PREFIX.sub("", " ".join(given.split()))
        kind = next((k for k in COMMUNE_KINDS if match_key(rest).startswith(k + " ")), "")
        if kind:
            rest = rest[len(kind):].strip()
        kind = kind or "xã"
        if not rest or not any(ch.isalnum() for ch in rest):
            skipped.append((given, "không có tên xã"))
            continue
        rest = rest[0].upper() + rest[1:]
        name = f"UBND {kind} {rest}"
        if match_key(name) in seen or match_key(f"{kind} {rest}") in seen:
            skipped.append((given, "đã có trong danh mục"))
            continue
        code = code_for(f"{kind} {rest}", taken)
        taken.add(code)
        seen.update({match_key(name), match_key(f"{kind} {rest}")})
        new.append(NewCommune(name=name, code=code,
                              aliases=[f"Chủ tịch UBND {kind} {rest}", f"{kind[0].upper()}{kind[1:]} {rest}"]))
    return new, skipped


def commune_group(registry: Registry) -> str | None:
    """The registry's group of communes: G_XA, else the one group whose name or plan
    phrases speak of xã / phường / thị trấn."""
    codes = {g.code for g in registry.groups}
    if "G_XA" in codes:
        return "G_XA"
    hits = [g.code for g in registry.groups
            if any(re.search(r"(?<!\w)(?:xa|phuong|thi tran)(?!\w)", ascii_fold(t).lower())
                   for t in [g.name, *g.phrases])]
    return hits[0] if len(hits) == 1 else None


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
