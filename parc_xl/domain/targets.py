"""Numeric targets (chỉ tiêu) in task and product text, and judging a reported figure.

Pure logic. "đạt 99% trở lên" → Target(">=", 99); "dưới 2%" → Target("<", 2) (lower is
better); "tối thiểu 40% các cơ quan … và tối thiểu 20% xã" → two targets, each with its
group. A percentage we cannot read with certainty (a relative change "tăng 10% so với
năm trước", a range "từ 10% đến 20%") is returned as unparseable, for the clerk to
look at: never guessed.

Rules:
- The comparator comes from the words right before the number or right after the "%"
  (tables `_BEFORE`, `_AFTER`); the longest phrase wins.
- A bare "100%" is "== 100" (all of them). Any other bare percentage in a plan's task
  ("kiểm tra định kỳ 40% các tổ chức") is a coverage quota: at least that share, ">=".
- A percentage introduced by "riêng" or "trong đó" is a subsidiary target (an exception
  or a subset of the headline one); a single reported figure is judged against the
  headline target(s).
- The group is the noun phrase after the "%" up to the next separator (",", ";", " và ",
  "."), when there is one.

Phrases are those of the seed plans (Sở Nội vụ TP.HCM and huyện Hóc Môn 2024 CCHC plans)
and the usual wording of the Government's CCHC targets (Nghị quyết 76/NQ-CP).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from parc_xl.domain.text import clean

Comparator = Literal[">=", ">", "<=", "<", "=="]
Verdict = Literal["Đạt", "Không đạt"]
ACHIEVED: Verdict = "Đạt"
NOT_ACHIEVED: Verdict = "Không đạt"

# Words right before the number → comparator. Longest match wins, so "không dưới"
# beats "dưới". ("đạt", "là", "bảo đảm" carry no comparator and fall to the default.)
_BEFORE: dict[str, Comparator] = {
    "từ": ">=",  # "từ 99% trở lên"
    "tối thiểu": ">=",  # at least
    "ít nhất": ">=",
    "không thấp hơn": ">=",
    "không dưới": ">=",
    "không ít hơn": ">=",
    "trên": ">",  # above
    "hơn": ">",
    "cao hơn": ">",
    "vượt": ">",
    "tối đa": "<=",  # at most
    "không quá": "<=",
    "không vượt quá": "<=",
    "không cao hơn": "<=",
    "không trên": "<=",
    "dưới": "<",  # below (lower is better: "trễ hạn … xuống còn dưới 2%")
    "thấp hơn": "<",
    "ít hơn": "<",
}
# Words right after the "%" → comparator (they override a vaguer word before).
_AFTER: dict[str, Comparator] = {
    "trở lên": ">=",  # "đạt 95% trở lên"
    "trở xuống": "<=",
}
# Words right before the number that make it a change, not a level: unparseable.
_RELATIVE = ("tăng", "giảm", "tăng thêm", "giảm thêm", "tăng ít nhất", "giảm ít nhất")
# Words (in the clause before the number) that mark a subsidiary target.
_SUBSIDIARY = ("riêng", "trong đó")

_NUMBER = r"(\d{1,3}(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*%")
_RANGE = re.compile(_NUMBER + r"\s*%?\s*(?:-|–|đến|tới)\s*" + _NUMBER + r"\s*%")
_SEPARATORS = re.compile(r"[,;.:()]|\s+và\s+|\s+trở lên|\s+trở xuống|\n")
_MAX_GROUP_WORDS = 12


class Target(BaseModel):
    comparator: Comparator
    value: float
    unit: str = "%"
    group: str | None = None  # "các cơ quan chuyên môn trực thuộc huyện"
    text: str  # the phrase as written
    subsidiary: bool = False  # introduced by "riêng" / "trong đó"

    def label_vi(self) -> str:
        sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}[self.comparator]
        return f"{sign} {format_number_vi(self.value)}%" + (f" ({self.group})" if self.group else "")

    def met_by(self, figure: float) -> bool:
        v = self.value
        return {
            ">=": figure >= v - 1e-9,
            ">": figure > v + 1e-9,
            "<=": figure <= v + 1e-9,
            "<": figure < v - 1e-9,
            "==": abs(figure - v) <= 1e-9,
        }[self.comparator]


class TargetParse(BaseModel):
    targets: list[Target]
    unparseable: list[str]  # phrases with a % we could not read with certainty


def format_number_vi(value: float, digits: int = 1) -> str:
    """99.5 → "99,5"; 100.0 → "100" (Vietnamese decimal comma)."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def _to_float(number: str) -> float:
    return float(number.replace(",", "."))


def _words_before(text: str, end: int, n: int = 4) -> str:
    return " ".join(text[:end].split()[-n:]).lower()


def _comparator_before(text: str, start: int) -> Comparator | None:
    before = _words_before(text, start)
    best: tuple[int, Comparator] | None = None
    for phrase, comp in _BEFORE.items():
        if before == phrase or before.endswith(" " + phrase):
            if best is None or len(phrase) > best[0]:
                best = (len(phrase), comp)
    return best[1] if best else None


def _is_relative(text: str, start: int) -> bool:
    before = _words_before(text, start, 3)
    after = text[start : start + 80].lower()
    if "so với" in after.split(".")[0][:60]:
        return True
    return any(before == w or before.endswith(" " + w) for w in _RELATIVE)


def _group_after(text: str, end: int) -> str | None:
    rest = text[end:]
    cut = _SEPARATORS.search(rest)
    phrase = (rest[: cut.start()] if cut else rest).strip(" -–")
    words = phrase.split()
    if not words or len(words) > _MAX_GROUP_WORDS:
        return " ".join(words[:_MAX_GROUP_WORDS]) or None
    return phrase


def _is_subsidiary(text: str, previous_end: int | None, start: int) -> bool:
    """A "riêng …" / "trong đó …" between the previous percentage and this one."""
    if previous_end is None:
        return False
    between = text[previous_end:start].lower()
    return any(re.search(rf"(^|[\s,;.]){w}([\s,:]|$)", between) for w in _SUBSIDIARY)


def parse_targets(text: str) -> TargetParse:
    """Every percentage target in one text (task + product)."""
    s = clean(text)
    targets: list[Target] = []
    unparseable: list[str] = []
    ranges = [(m.start(), m.end()) for m in _RANGE.finditer(s)]
    previous_end: int | None = None
    for m in _PERCENT.finditer(s):
        start, end = m.start(), m.end()
        if any(a <= start < b for a, b in ranges):
            phrase = next(s[a:b] for a, b in ranges if a <= start < b)
            if phrase not in unparseable:
                unparseable.append(phrase)
            continue
        value = _to_float(m.group(1))
        context = " ".join(s[:start].split()[-3:] + [m.group(0)] + s[end:].split()[:3])
        if _is_relative(s, start) or value > 100:
            unparseable.append(context)
            continue
        after = s[end:].lstrip().lower()
        comp: Comparator | None = next((c for p, c in _AFTER.items() if after.startswith(p)), None)
        comp = comp or _comparator_before(s, start)
        if comp is None:
            comp = "==" if value == 100 else ">="
        phrase_start = start
        for p in sorted(_BEFORE, key=len, reverse=True):
            if _words_before(s, start, len(p.split())) == p:
                phrase_start = s.lower().rfind(p, 0, start)
                break
        phrase_end = end
        for p in _AFTER:
            if after.startswith(p):
                phrase_end = end + (len(s[end:]) - len(s[end:].lstrip())) + len(p)
        targets.append(
            Target(
                comparator=comp,
                value=value,
                group=_group_after(s, phrase_end),
                text=s[phrase_start:phrase_end],
                subsidiary=_is_subsidiary(s, previous_end, start),
            )
        )
        previous_end = end
    return TargetParse(targets=targets, unparseable=unparseable)


def parse_figure(value: object) -> list[float] | None:
    """A reported figure → percentages. None when empty or unreadable.

    Units write "99,5%" (decimal comma), "99.5", "1.234" (thousands dot), or an Excel
    percentage cell (0.995). A number cell between 0 and 1 is Excel's percentage
    (×100); so is a text "0,995" without "%". Several figures for several groups are
    separated by ";" ("45%; 25%"), in the order the targets are written.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        v = float(value)
        return [v * 100 if 0 < v <= 1 else v]
    text = clean(value)
    if not text:
        return None
    out: list[float] = []
    for part in re.split(r"[;\n]|\s+và\s+", text):
        part = part.strip()
        if not part:
            continue
        m = re.search(r"\d+(?:[.,]\d+)*", part)
        if m is None:
            return None
        raw = m.group(0)
        number: float | None
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):  # thousands dots: 1.234
            number = float(raw.replace(".", ""))
        else:
            number = _to_float(raw.replace(",", ".", 1)) if raw.count(",") <= 1 else None
        if number is None:
            return None
        if "%" not in part and 0 < number <= 1 and ("," in raw or "." in raw):
            number *= 100
        out.append(number)
    return out or None


def judge(targets: list[Target], figure: object) -> Verdict | None:
    """Đạt / Không đạt for a reported figure; None when it cannot be judged.

    One figure is judged against the headline target (or all headline targets when
    they agree); several figures ("45%; 25%") against the headline targets in order,
    or all targets in order. Anything else (one figure, two different thresholds for two
    groups) is not guessed: None.
    """
    if not targets:
        return None
    figures = parse_figure(figure)
    if not figures:
        return None
    headline = [t for t in targets if not t.subsidiary] or targets
    if len(figures) == 1:
        kinds = {(t.comparator, t.value) for t in headline}
        if len(kinds) != 1:
            return None
        pairs = [(headline[0], figures[0])]
    elif len(figures) == len(headline):
        pairs = list(zip(headline, figures, strict=True))
    elif len(figures) == len(targets):
        pairs = list(zip(targets, figures, strict=True))
    else:
        return None
    return ACHIEVED if all(t.met_by(f) for t, f in pairs) else NOT_ACHIEVED


def describe(targets: list[Target]) -> str:
    """Short text for the `Chỉ tiêu` columns: "≥ 40% (các cơ quan …); ≥ 20% (xã)"."""
    return "; ".join(t.label_vi() for t in targets)
