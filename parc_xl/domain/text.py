"""Vietnamese text normalisation shared by every parser and matcher.

Three levels, each built on the one before:
- `clean`: what we store and show — NFC, no HTML debris, no non-breaking spaces, no
  invisible characters (zero-width spaces, BOM, soft hyphens and bidi controls are
  deleted, not turned into spaces: pasted from the web they sit *inside* words, and a
  space there splits a unit's name into a phantom unit), single spaces, trimmed.
- `match_key`: for comparing names — `clean`, lower case, the modern tone placement
  ("hoá" → "hóa", "thuỷ" → "thủy"), punctuation around words folded to spaces.
- `ascii_fold`: for tolerant matching of input typed without diacritics
  ("hoan thanh" ~ "hoàn thành"); "đ" becomes "d".

And `date_vi`, the one way a date is written for a clerk: day first, "dd/mm/yyyy".
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: Zero-width characters and the byte-order mark (U+FEFF, "ZWNBSP" inside text).
ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
#: Bidirectional controls (Unicode UAX #9: embeddings, overrides, isolates, marks).
BIDI_CHARS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH_CHARS}]")
_BIDI = re.compile(f"[{BIDI_CHARS}]")
_INVISIBLE = re.compile(f"[{ZERO_WIDTH_CHARS}{BIDI_CHARS}]")
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


def invisible_kinds(text: object) -> set[str]:
    """Which invisible characters `clean` would delete: {"zero-width", "bidi"} or a part."""
    if not isinstance(text, str) or _INVISIBLE.search(text) is None:
        return set()
    kinds = set()
    if _ZERO_WIDTH.search(text):
        kinds.add("zero-width")
    if _BIDI.search(text):
        kinds.add("bidi")
    return kinds


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def clean(text: object, *, keep_newlines: bool = False, keep_invisible: bool = False) -> str:
    """Stored/displayed form of a cell: NFC, HTML stripped, spaces collapsed.

    `keep_invisible` leaves zero-width and bidi characters in place, for a reader that
    hands the text on to a stage that reports them (`domain.appendix.assemble`)."""
    if text is None:
        return ""
    s = str(text)
    if _already_clean(s):
        return s
    return _clean(s, keep_newlines, keep_invisible)


def _already_clean(s: str) -> bool:
    """Whether `clean` would give `s` back unchanged, by checks made in C (most cells:
    plain text). `isprintable` is False for every character `clean` changes or deletes
    but "<", "&", spaces and the NFC form: tabs, newlines, CR, non-breaking and other
    Unicode spaces (Zs), zero-width and bidi characters (Cf); what is left is a tag or
    entity, a doubled or outer space, or text not in NFC (tests/domain/test_text.py
    holds this equal to the full path)."""
    return (s.isprintable() and "<" not in s and "&" not in s and "  " not in s
            and s[:1] != " " and s[-1:] != " " and unicodedata.is_normalized("NFC", s))


def _clean(s: str, keep_newlines: bool, keep_invisible: bool) -> str:
    """`clean` step by step."""
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    s = unicodedata.normalize("NFC", s)
    if not keep_invisible:
        s = _INVISIBLE.sub("", s)
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


def date_vi(d: dt.date) -> str:
    """"05/03/2026": how every message, cell and report writes a date (a datetime's time
    is left out)."""
    return f"{d:%d/%m/%Y}"
