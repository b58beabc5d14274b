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
- The group is what the target counts: the phrase after the "%" ("tối thiểu 40% các cơ
  quan chuyên môn trực thuộc huyện") up to the clause's end or the next target, or,
  when the number closes its clause ("… đúng hạn đạt 99% trở lên; tỷ lệ hồ sơ trễ hạn
  dưới 1%"), the clause before it. A group is a whole phrase (its noun phrase, or the
  whole clause when two noun phrases read alike) or nothing: never cut mid-phrase.
- The text shown (`describe`, `target_text`) is one line for every sheet, the unit
  workbook and the report: "≥ 95%" for one target, groups only to tell several apart.

Phrases are those of the seed plans (Sở Nội vụ TP.HCM and huyện Hóc Môn 2024 CCHC plans)
and the usual wording of the Government's CCHC targets (Nghị quyết 76/NQ-CP).
"""

from __future__ import annotations

import re
from typing import Literal

from parc_xl.domain.record import Record
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


class Target(Record):
    comparator: Comparator
    value: float
    unit: str = "%"
    group: str | None = None  # "các cơ quan chuyên môn trực thuộc huyện": a whole phrase or None
    group_full: str | None = None  # the whole clause the group was taken from
    text: str  # the phrase as written
    subsidiary: bool = False  # introduced by "riêng" / "trong đó"

    def label_vi(self, with_group: bool = True) -> str:
        sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}[self.comparator]
        shown = f"{sign} {format_number_vi(self.value)}%"
        return shown + (f" ({self.group})" if with_group and self.group else "")

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in ("<", "<=")

    def met_by(self, figure: float) -> bool:
        v = self.value
        return {
            ">=": figure >= v - 1e-9,
            ">": figure > v + 1e-9,
            "<=": figure <= v + 1e-9,
            "<": figure < v - 1e-9,
            "==": abs(figure - v) <= 1e-9,
        }[self.comparator]


class TargetParse(Record):
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


# Where a group phrase stops: the end of a clause. A comma does not end it ("70% cán bộ,
# công chức cấp xã"); the next target does ("40% các cơ quan …, tối thiểu 20% xã").
_HARD_STOP = re.compile(r"[;.:()\[\]\n]|\s-\s(?=[A-ZĐÀ-Ỹ])")
_MARKER = re.compile(r",?\s*\b(riêng|trong đó)\b", re.IGNORECASE)
# Words that end the noun phrase naming a group: the verb of the clause starts there
# ("100% văn bản đi | được ký số"; "100% Ủy ban nhân dân xã - thị trấn | thực hiện …").
_VERBS = ("được", "đều", "áp dụng", "bảo đảm", "đảm bảo", "thực hiện", "triển khai", "sử dụng", "ứng dụng", "ban hành", "xây dựng",
          "tham gia", "không phải", "phải", "khi", "đạt", "là", "có")
# Connectors between a group written before its number and the number ("tỷ lệ hồ sơ trễ
# hạn | dưới 1%", "cấp xã | đạt tỷ lệ | tối thiểu 55%").
_LEAD_IN = ("đạt tỷ lệ", "tỷ lệ đạt", "xuống còn", "ở mức", "đạt", "tỷ lệ", "là", "còn")
_MAX_GROUP_WORDS = 24  # a longer group is left out, never cut mid-phrase
# A phrase after the number that starts with one of these qualifies the target ("99% trở
# lên trong từng lĩnh vực"); what is counted is then named before the number.
_QUALIFIERS = ("trong", "tại", "ở", "của", "đối với", "trên", "theo", "so với")
# Capitalised words that start names, kept as written when a group starts a sentence.
_NAME_HEADS = ("Ủy", "Uỷ", "Sở", "Phòng", "Ban", "Văn", "Thành", "Hội", "Trung", "Chủ", "Cổng", "Nhà")


def _in_brackets(phrase: str) -> str:
    """A sentence's first word reads lower-case in brackets ("Mức độ hài lòng" → "mức độ
    hài lòng"), names and abbreviations stay ("Ủy ban nhân dân", "TTHC")."""
    first = phrase.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower() and first not in _NAME_HEADS:
        return phrase[0].lower() + phrase[1:]
    return phrase


def _tidy(phrase: str) -> str:
    return phrase.strip(" ,;-–\t").removesuffix(" và").removesuffix(" hoặc").strip(" ,;-–")


def _noun_phrase(phrase: str) -> str:
    """The phrase up to the clause's verb ("văn bản đi được ký số" → "văn bản đi")."""
    low = " " + phrase.lower() + " "
    cuts = [low.find(f" {v} ") for v in _VERBS]
    cut = min((c for c in cuts if c > 0), default=-1)
    return _tidy(phrase[:cut]) if cut > 0 else phrase


def _strip_lead_in(phrase: str) -> str:
    changed = True
    while changed:
        changed = False
        for w in _LEAD_IN:
            if phrase.lower().endswith(" " + w) or phrase.lower() == w:
                phrase, changed = _tidy(phrase[: len(phrase) - len(w)]), True
    return phrase


def _fits(phrase: str) -> str | None:
    words = phrase.split()
    return phrase if words and len(words) <= _MAX_GROUP_WORDS else None


def _assign_groups(s: str, spans: list[tuple[int, int]]) -> list[tuple[str | None, str | None]]:
    """(short group, full group) of each target, from the target phrase spans.

    The group follows the number ("tối thiểu 40% các cơ quan chuyên môn") unless the
    number closes its clause ("Giải quyết hồ sơ … đúng hạn đạt 99% trở lên; tỷ lệ hồ sơ
    trễ hạn dưới 1%"): then it is the clause before the number. A group is a whole
    phrase or nothing."""
    out: list[tuple[str | None, str | None]] = []
    claimed = 0  # text before this offset belongs to earlier targets
    for i, (start, end) in enumerate(spans):
        next_start = spans[i + 1][0] if i + 1 < len(spans) else len(s)
        after = s[end:next_start]
        stop = _HARD_STOP.search(after)
        marker = _MARKER.search(after)
        cut = min(m.start() for m in (stop, marker) if m) if (stop or marker) else len(after)
        after_group = _tidy(after[:cut])
        qualifier = any(after_group.lower().startswith(q + " ") for q in _QUALIFIERS)
        if after_group and not after.lstrip().startswith(",") and not qualifier:
            out.append((_fits(_noun_phrase(after_group)), _fits(after_group)))
            claimed = end + cut
            continue
        before = s[claimed:start]
        pieces = _HARD_STOP.split(before)
        clause = _strip_lead_in(_tidy(pieces[-1] if pieces else ""))
        if claimed and clause.startswith(","):
            clause = _tidy(clause)
        if _MARKER.match(clause):  # "Trong đó, mức độ hài lòng …" reads "trong đó, …" in brackets
            clause = clause[0].lower() + clause[1:]
        full = _fits(_in_brackets(clause))
        out.append((full, full))
        claimed = end + (cut if qualifier else 0)
    # Two groups that read the same once shortened keep their whole phrase.
    shorts = [g[0] for g in out]
    return [(full if short and shorts.count(short) > 1 else short, full) for short, full in out]


def _is_subsidiary(text: str, previous_end: int | None, start: int) -> bool:
    """A "riêng …" / "trong đó …" between the previous percentage and this one."""
    if previous_end is None:
        return False
    between = text[previous_end:start].lower()
    return any(re.search(rf"(^|[\s,;.]){w}([\s,:]|$)", between) for w in _SUBSIDIARY)


def parse_targets(text: str) -> TargetParse:
    """Every percentage target in one text (one cell: a task or a product)."""
    s = clean(text)
    found: list[dict[str, object]] = []
    spans: list[tuple[int, int]] = []
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
        found.append({"comparator": comp, "value": value, "text": s[phrase_start:phrase_end],
                      "subsidiary": _is_subsidiary(s, previous_end, start)})
        spans.append((phrase_start, phrase_end))
        previous_end = end
    groups = _assign_groups(s, spans)
    targets = [Target(**f, group=g[0], group_full=g[1]) for f, g in zip(found, groups, strict=True)]  # type: ignore[arg-type]
    return TargetParse(targets=targets, unparseable=unparseable)


def task_targets(task: str, product: str = "") -> TargetParse:
    """The targets of one plan task: its task cell, then its product cell, each read on
    its own (a group never runs from the task text into the product text: "đạt 95% trở
    lên" + "- Kế hoạch - Báo cáo" is "≥ 95%"). The one reading every sheet, the unit
    workbook and the report use (`target_text`)."""
    a, b = parse_targets(task), parse_targets(product)
    return TargetParse(targets=a.targets + b.targets, unparseable=a.unparseable + b.unparseable)


def target_text(task: str, product: str = "") -> str:
    """The `Chỉ tiêu` text of a plan task ("≥ 95%"; "≥ 40% (…); ≥ 20% (xã - thị trấn)")."""
    return describe(task_targets(task, product).targets)


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


def _complementary(a: Target, b: Target) -> bool:
    """Two sides of one measure: "đúng hạn ≥ 99%" and "trễ hạn < 1%" (99 + 1 = 100)."""
    return a.lower_is_better != b.lower_is_better and abs(a.value + b.value - 100) < 1e-9


def judge(targets: list[Target], figure: object) -> Verdict | None:
    """Đạt / Không đạt for a reported figure; None when it cannot be judged.

    Several figures ("45%; 25%") are judged against the headline targets in order, or all
    targets in order. One figure is judged against the headline target; when there are
    several headline thresholds:
    - they agree (all "= 100%"): against that threshold;
    - they are the two sides of one measure ("≥ 99%; < 1%": on time and late): against
      the first, as written (the figure a unit reports is the headline rate);
    - the figure fails every one of them: Không đạt — whichever part it measures, that
      part clearly failed (97,5% against "≥ 99%; < 1%", 15% against "≥ 40%; ≥ 20%");
    - otherwise it is not guessed (45% against "≥ 40% (cơ quan); ≥ 20% (xã)" says nothing
      about the other group): None.
    """
    if not targets:
        return None
    figures = parse_figure(figure)
    if not figures:
        return None
    headline = [t for t in targets if not t.subsidiary] or targets
    if len(figures) == 1:
        f = figures[0]
        kinds = {(t.comparator, t.value) for t in headline}
        if len(kinds) == 1 or (len(headline) == 2 and _complementary(*headline)):
            pairs = [(headline[0], f)]
        elif not any(t.met_by(f) for t in headline):
            return NOT_ACHIEVED
        else:
            return None
    elif len(figures) == len(headline):
        pairs = list(zip(headline, figures, strict=True))
    elif len(figures) == len(targets):
        pairs = list(zip(targets, figures, strict=True))
    else:
        return None
    return ACHIEVED if all(t.met_by(f) for t, f in pairs) else NOT_ACHIEVED


def describe(targets: list[Target]) -> str:
    """The `Chỉ tiêu` text: "≥ 95%" for one target; with several, each with its group when
    the plan names one: "≥ 40% (các cơ quan chuyên môn trực thuộc huyện); ≥ 20% (xã - thị
    trấn)". The task's own text says what a single target measures."""
    several = len(targets) > 1
    return "; ".join(t.label_vi(with_group=several) for t in targets)
