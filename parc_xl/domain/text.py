"""Vietnamese text normalisation shared by every parser and matcher.

Three levels, each built on the one before:
- `clean`: what we store and show — NFC, no HTML debris, no non-breaking or
  zero-width spaces, single spaces, trimmed.
- `match_key`: for comparing names — `clean`, lower case, the modern tone placement
  ("hoá" → "hóa", "thuỷ" → "thủy"), punctuation around words folded to spaces.
- `ascii_fold`: for tolerant matching of input typed without diacritics
  ("hoan thanh" ~ "hoàn thành"); "đ" becomes "d".
"""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\u00ad]")
_BLANK_LINES = re.compile(r"\s*\n\s*")

# Old-style tone placement (on the second vowel of oa/oe/uy) → modern (NĐ 30/2020 usage
# and most current documents). Keys are the old spellings; both are correct Vietnamese.
_OLD_TONES = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("(?<![qQgG])(" + "|".join(_OLD_TONES) + ")(?![a-zđâăêôơư])", re.IGNORECASE)


def _modern_tone(match: re.Match[str]) -> str:
    old = match.group(0)
    new = _OLD_TONES[old.lower()]
    return new.upper() if old.isupper() else (new[0].upper() + new[1:] if old[0].isupper() else new)


def clean(text: object, *, keep_newlines: bool = False) -> str:
    """Stored/displayed form of a cell: NFC, HTML stripped, spaces collapsed."""
    if text is None:
        return ""
    s = str(text)
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    s = unicodedata.normalize("NFC", s)
    s = _ZERO_WIDTH.sub("", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    if keep_newlines:
        s = "\n".join(_SPACES.sub(" ", line).strip() for line in s.split("\n"))
        s = re.sub(r"\n{2,}", "\n", s).strip("\n")
        return s.strip()
    s = _BLANK_LINES.sub(" ", s)
    return _SPACES.sub(" ", s).strip()


def modern_tones(text: str) -> str:
    """"hoá" → "hóa", "Thuỷ" → "Thủy" (NFC input)."""
    return _OLD_TONE_RE.sub(_modern_tone, text)


_PUNCT = re.compile(r"[\s\-–—_.,;:/\\()\[\]{}\"'“”‘’`•·*+]+")


def match_key(text: object) -> str:
    """Comparison form: clean, lower, modern tone placement, punctuation → one space."""
    s = modern_tones(clean(text).lower())
    return _PUNCT.sub(" ", s).strip()


def ascii_fold(text: object) -> str:
    """`match_key` without diacritics: for input typed on a keyboard without Telex."""
    s = match_key(text).replace("đ", "d")
    s = unicodedata.normalize("NFD", s)
    return "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
