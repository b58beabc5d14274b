"""Communes typed or pasted by the clerk (names only): registry entries with generated codes.

"Tân Hiệp", "xã Tân Hiệp", "UBND thị trấn Hóc Môn", "Phường 1" become "UBND <kind> <name>"
with a code of initials (`parc-xl units communes`, issue 14 item 19). The kinds are in
`unit_vocabulary.COMMUNE_KINDS`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from parc_xl.domain.models import Registry
from parc_xl.domain.text import ascii_fold, match_key
from parc_xl.domain.unit_vocabulary import COMMUNE_KINDS
from parc_xl.domain.units import code_for

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


