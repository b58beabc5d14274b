"""`clean`'s shortcut for text already clean gives what the full path gives."""

from __future__ import annotations

import random
import unicodedata

import pytest

from parc_xl.domain import text
from parc_xl.domain.text import BIDI_CHARS, ZERO_WIDTH_CHARS, clean

# every kind of character the full path changes, and plain Vietnamese around them
_ALPHABET = ([" ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u2003", "\u202f", "\u3000", "\u1680", "\u2028",
              "\x85", "\x0b", "\x1f", "<", ">", "<b>", "</p>", "&", "&amp;", "&#7871;", "&nbsp;", "a\u0301",
              "e\u0302\u0301", "\u00c5", "A\u030a", "\ufb01", "\u212b"]
             + list(ZERO_WIDTH_CHARS) + list(BIDI_CHARS)
             + ["Hoàn thành", "Quyết định số 42/QĐ-UBND", "ngày 15/01/2024", "x", "đ", "Ủy ban", "99,5%", "(1)"])


def _samples() -> list[str]:
    rng = random.Random(18)
    out = ["", " ", "a", "Đã hoàn thành", " lề ", "hai  dấu cách", "Tổ chức\nthực hiện", "a\u200bb",
           unicodedata.normalize("NFD", "Phường Ba Đình"), "<i>nghiêng</i>", "A &amp; B"]
    for _ in range(3000):
        out.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 8))))
    return out


@pytest.mark.parametrize("keep_newlines", [False, True])
@pytest.mark.parametrize("keep_invisible", [False, True])
def test_shortcut_gives_the_full_path(keep_newlines: bool, keep_invisible: bool) -> None:
    for s in _samples():
        assert clean(s, keep_newlines=keep_newlines, keep_invisible=keep_invisible) == \
            text._clean(s, keep_newlines, keep_invisible), repr(s)


def test_shortcut_taken_only_for_text_the_full_path_keeps() -> None:
    for s in _samples():
        if text._already_clean(s):
            assert text._clean(s, False, False) == s == text._clean(s, True, False), repr(s)
    assert text._already_clean("Quyết định số 42/QĐ-UBND ngày 15/01/2024")
    for changed in (" a", "a ", "a  b", "a\tb", "a\u00a0b", "a\u200bb", "a&amp;b", "<b>a</b>",
                    unicodedata.normalize("NFD", "hoàn")):
        assert not text._already_clean(changed), repr(changed)


def test_non_text_values() -> None:
    assert clean(None) == ""
    assert clean(12) == "12"
    assert clean(1.5) == "1.5"
