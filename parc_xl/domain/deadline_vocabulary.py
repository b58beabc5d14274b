"""Deadline vocabulary: the words plans use for periods, cycles and events, as data.

Every pattern is written in the folded form `deadline_scan.fold` matches against (lower
case, no diacritics, "đ" → "d"). Sources, cited at each table: the two seed plans (Sở Nội
vụ TP.HCM, seed 000; UBND huyện Hóc Môn, seed 003; 2024), NĐ 09/2019/NĐ-CP Điều 12 (the
reporting cycles: hằng tháng, hằng quý, 6 tháng, hằng năm), NĐ 30/2020/NĐ-CP (Roman
numbering of quarters in administrative documents, document number formats) and issue
19 (other offices' wording). How each reading resolves is in `domain/deadlines.py`.
"""

from __future__ import annotations

import re

from parc_xl.domain.models import Recurrence

# Quarter numbers as written in plans: Roman (Quý I…IV, the numbering of NĐ 30/2020/NĐ-CP
# documents and of both seeds), Arabic ("Quý 1", "01"), or spelled out ("quý hai", "quý tư").
ROMAN_QUARTERS: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
SPELLED_QUARTERS: dict[str, int] = {"mot": 1, "nhat": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4}
QNUM = r"(?:iv|iii|ii|i|0?[1-4]|mot|nhat|hai|ba|bon|tu)(?![a-z0-9])"
# "quý", the common misspelling "quí", and the abbreviation "Q" ("Q.I", "QI", "Q1").
QWORD = r"(?:quy|qui|q)"
MNUM = r"(?:1[0-2]|0?[1-9])(?!\d)"
MDIGITS = MNUM
# Months written out ("tháng mười hai", "tháng tư"). "năm" (5) only as "tháng năm năm 2024";
# words that fold to another word are read only with their diacritics (SPELLED_MONTH_EXACT).
SPELLED_MONTHS: dict[str, int] = {
    "muoi hai": 12, "muoi mot": 11, "muoi": 10, "chin": 9, "tam": 8, "bay": 7, "sau": 6, "nam": 5,
    "tu": 4, "bon": 4, "ba": 3, "hai": 2, "mot": 1,
}
SPELLED_MONTH_EXACT: dict[str, tuple[str, ...]] = {"sau": ("sáu",), "nam": ("năm",), "tu": ("tư",)}
MWORD = r"(?<![a-z])(?:muoi\s*hai|muoi\s*mot|muoi|chin|tam|bay|sau|nam(?=\s*nam)|tu|bon|ba|hai|mot)(?![a-z])"
MTOKEN = rf"(?:{MDIGITS}|{MWORD})"
YEAR_SUFFIX = r"(?:\s*(?:/|-|–|,|\.)?\s*(?:nam\s*)?(?P<y>\d{4})(?!\d))?"

# "quý" and not "quy định", "quy chế", "quy trình"… (the same letters without diacritics)
QUY = r"quy(?!\s*(?:dinh|che|trinh|hoach|mo|uoc|tac|chuan)(?![a-z]))"

# Reporting-cycle words (NĐ 09/2019/NĐ-CP, Điều 12: báo cáo định kỳ hằng tháng, hằng quý,
# 6 tháng, hằng năm); "hằng"/"hàng" fold to the same "hang". Seeds 000 and 003.
RECURRENCE_PHRASES: list[tuple[str, Recurrence]] = [
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*(?:0?6|sau)\s*thang", Recurrence.SEMIANNUAL),
    (r"dinh ky\s*(?:0?6|sau)\s*thang", Recurrence.SEMIANNUAL),
    (r"(?:0?6|sau)\s*thang\s*(?:mot|1)\s*lan", Recurrence.SEMIANNUAL),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*nua\s*nam|dinh ky\s*nua\s*nam", Recurrence.SEMIANNUAL),
    (r"dinh ky\s*(?:0?3|ba)\s*thang", Recurrence.QUARTERLY),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*" + QUY, Recurrence.QUARTERLY),
    (r"(?:dinh ky\s*)?theo\s*(?:tung\s*)?" + QUY, Recurrence.QUARTERLY),
    (r"dinh ky\s*" + QUY + r"|quy\s*(?:mot|1)\s*lan", Recurrence.QUARTERLY),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*thang|dinh ky\s*(?:0?1\s*)?thang|thang\s*(?:mot|1)\s*lan",
     Recurrence.MONTHLY),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*nam|dinh ky\s*(?:12\s*thang|nam)|nam\s*(?:mot|1)\s*lan",
     Recurrence.ANNUAL),
]
# Words that go with a recurrence and add nothing to it ("… và tổng kết năm", seed 000).
RECURRENCE_COMPANIONS = [r"(?:va\s*)?tong ket\s*(?:ca\s*)?nam"]

# Event triggers (DOMAIN.md; seeds: "Khi có phát sinh", "Khi có văn bản chỉ đạo của
# Trung ương", "Sau khi công bố Chỉ số CCHC", "Khi có phát sinh, thay đổi nhân sự").
EVENT_PHRASES = [
    r"(?:ngay\s*)?(?:sau\s*)?khi\s*(?:co\s*)?phat sinh",
    r"(?:ngay\s*|ngay sau\s*|sau\s*|ke tu\s*)?khi",
    r"dot xuat",
    r"(?:truoc|sau|tai)?\s*(?:cac\s*)?ky hop",  # "Trước kỳ họp HĐND tỉnh cuối năm": the session's date
    r"theo yeu cau",
    r"phat sinh",
]
# Work that simply goes on all year.
CONTINUOUS_PHRASES = [r"thuong xuyen", r"lien tuc", r"hang ngay", r"hang tuan"]
# Cells that defer to another document's schedule (read as continuous + warning).
DEFERRED_PHRASES = [
    r"theo\s*(?:cac\s*)?ke hoach(?:\s*duoc duyet)?",
    r"theo\s*huong dan",
    r"theo\s*(?:van ban\s*)?chi dao",
    r"theo\s*(?:thoi gian\s*)?quy dinh",
    r"theo\s*(?:tien do|lo trinh)",
    r"theo\s*(?:nghi dinh|thong tu|quyet dinh|chi thi|nghi quyet|cong van|van ban|kh|qd)",
]
# A time limit counted from an event: "không quá 10 ngày làm việc", "trong vòng 05 ngày".
RELATIVE_LIMIT = (
    r"(?:(?:khong qua|trong vong|trong thoi han|trong thoi gian|cham nhat|toi da|sau|trong)\s*)?"
    r"(?P<n>\d{1,3})\s*ngay(?P<wd>\s*lam viec)?(?!\s*(?:\d|/|thang))"
)
# Words that carry no meaning of their own next to a date ("… và các năm tiếp theo").
FILLER_PHRASES = [r"(?:va\s*)?cac\s*nam\s*tiep\s*theo", r"ke tu ngay"]

# Words around a date that are not a milestone label ("Hoàn thành trong tháng 10").
LABEL_EDGE_WORDS = [
    "hoan thanh trong", "hoan thanh", "thuc hien trong", "trong", "vao", "truoc", "cham nhat",
    "han", "den", "tu", "va", "thoi gian", "trong thoi gian", "thuc hien xong",
]
DEFAULT_MILESTONE_LABEL = "hoàn thành"

# Qualifiers before a period: how a clerk turns them into one date.
PERIOD_PREFIX = r"(?:(?P<pre>truoc|dau|giua|cuoi|het|trong|ca|vao|den)\s*)?"

TIMEISH = re.compile(r"\d|(?<![a-z])(?:quy|qui|thang|ngay|nam|q)(?![a-z])|(?<![a-z])(?:ii|iii|iv)(?![a-z])")

# The months at which each cycle's periods end (NĐ 09/2019/NĐ-CP, Điều 12: a period
# closes on the last day of its last month).
RECURRENCE_MONTHS: dict[Recurrence, tuple[int, ...]] = {
    Recurrence.MONTHLY: tuple(range(1, 13)),
    Recurrence.QUARTERLY: (3, 6, 9, 12),
    Recurrence.SEMIANNUAL: (6, 12),
    Recurrence.ANNUAL: (12,),
}
