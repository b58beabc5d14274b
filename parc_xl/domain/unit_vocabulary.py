"""Unit vocabulary: how plans name units, titles and groups, as data.

Taken from the real plans in `../shared/seeds` (000: Sở Nội vụ TP.HCM 2024; 003: UBND
huyện Hóc Môn 2024; line numbers are cited at each table) and from the naming rules of
NĐ 30/2020/NĐ-CP (abbreviations of bodies, e.g. "UBND", "HĐND"), NĐ 37/2014/NĐ-CP and
NĐ 108/2020/NĐ-CP (the agencies of a district: Phòng …, Văn phòng HĐND và UBND, Thanh tra
huyện) and the Luật Tổ chức chính quyền địa phương 2015 (kinds of commune-level units).
How the words are used — splitting a cell, resolving it, bootstrapping a registry — is in
`domain/units.py`; commune names typed by the clerk in `domain/communes.py`.
"""

from __future__ import annotations

from typing import NamedTuple

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

# Multi-word phrases that give a short code part ("Văn phòng HĐND và UBND" → VPHDUB).
CODE_PHRASES: list[tuple[str, str]] = [
    ("hội đồng nhân dân", "HD"), ("ủy ban nhân dân", "UB"), ("cải cách hành chính", "CCHC"),
    ("mặt trận tổ quốc", "MT"), ("thủ tục hành chính", "TTHC"),
]
CODE_STOPWORDS = {"và", "các", "của", "thuộc", "trực", "với"}
CODE_MAX = 8  # letters of a generated code

# Kinds of commune-level units (Luật Tổ chức chính quyền địa phương 2015, Điều 2).
COMMUNE_KINDS: list[str] = ["thị trấn", "phường", "xã"]
