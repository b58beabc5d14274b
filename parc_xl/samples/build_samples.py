"""Build the bundled sample appendices from one data table.

Writes, next to this file:
- `ke_hoach_mau.docx`: the plan as an office would hold it in Word: heading layout table,
  a targets table, body paragraphs, then the appendix table (merged area rows, cells with
  several paragraphs, a vertically merged STT), continued in a second Word table with a
  repeated header, and a merged total row;
- `ke_hoach_mau.xlsx`: the same appendix pasted into Excel: title block above the header,
  merged area rows, wrapped multi-line cells;
- `ke_hoach_mau.txt`: the same appendix as text extracted from the signed PDF:
  tab-separated, the header repeated at each page break, one row split by a page break,
  HTML debris, a footnote, page numbers and the stated total;
- `ke_hoach_mau_la_ma.docx`: a smaller plan with Roman-numbered areas, numbering that
  restarts in each area, other header words and a column-number row.

The office and its plan are fictional (written for parc-xl, in the style of real 2024
plans). Run `python -m parc_xl.samples.build_samples` after editing the data.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent

Cell = str | list[str]  # a list: one paragraph (Word) / line (Excel) per item
Row = tuple[str, Cell, Cell, Cell, Cell, Cell]  # stt, task, product, lead, coord, deadline

ISSUER_LINES = ("ỦY BAN NHÂN DÂN", "HUYỆN LONG THẠNH ĐÔNG")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLE = "KẾ HOẠCH THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026"
HEADER = ("STT", "NHIỆM VỤ CỤ THỂ", "SẢN PHẨM", "CƠ QUAN CHỦ TRÌ", "CƠ QUAN PHỐI HỢP", "THỜI GIAN HOÀN THÀNH")

HEADS = "Thủ trưởng các cơ quan, đơn vị"
COMMUNES = "Chủ tịch UBND xã - thị trấn"
BOTH = f"{HEADS}; {COMMUNES}"
NOI_VU = "Trưởng phòng Nội vụ huyện"
VP = "Chánh Văn phòng HĐND và UBND huyện"
TU_PHAP = "Trưởng phòng Tư pháp huyện"
TC_KH = "Trưởng phòng Tài chính - Kế hoạch huyện"
VH_TT = "Trưởng Phòng Văn hóa và Thông tin huyện"


def area(stt: str, title: str) -> Row:
    return (stt, title, "", "", "", "")


# The appendix: 8 areas, 42 tasks (1.4 and 3.4 are headings, not tasks).
ROWS: list[Row] = [
    area("1", "Công tác chỉ đạo, điều hành và truyền thông cải cách hành chính"),
    ("1.1", "Kiện toàn Ban Chỉ đạo cải cách hành chính huyện.", "Quyết định", NOI_VU, BOTH,
     "Khi có phát sinh (không quá 10 ngày làm việc kể từ ngày có thay đổi nhân sự)"),
    ("", "Kiện toàn Tổ giúp việc Ban Chỉ đạo cải cách hành chính huyện.", "Quyết định", VP,
     "Phòng Nội vụ huyện", "Trong vòng 05 ngày làm việc khi có thay đổi nhân sự"),
    ("1.2", "Ban hành Kế hoạch cải cách hành chính năm 2026 và các kế hoạch chuyên đề.",
     ["- Kế hoạch", "- Công văn triển khai"], NOI_VU, HEADS, "Quý I/2026"),
    ("1.3", "Thực hiện chế độ báo cáo cải cách hành chính định kỳ (quý, 6 tháng, 9 tháng, năm) "
     "và đột xuất theo yêu cầu.", "Báo cáo", ["- Phòng Nội vụ huyện", "- Văn phòng HĐND và UBND huyện"],
     BOTH, "Hàng quý"),
    ("1.4", "Công tác kiểm tra cải cách hành chính", "", "", "", ""),
    ("", "1. Kiểm tra định kỳ tối thiểu 40% các cơ quan chuyên môn thuộc Ủy ban nhân dân huyện và "
     "tối thiểu 20% xã - thị trấn.", ["- Kế hoạch kiểm tra", "- Báo cáo kết quả kiểm tra"], NOI_VU, BOTH,
     ["- Quý I: ban hành Kế hoạch kiểm tra", "- Quý II và quý III năm 2026: tổ chức kiểm tra"]),
    ("", "2. Kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính.",
     "Thông báo kết luận kiểm tra", VP, "Phòng Nội vụ huyện; Thanh tra huyện", "Thường xuyên"),
    ("", "3. Theo dõi, đôn đốc việc khắc phục tồn tại, hạn chế sau kiểm tra.", "Báo cáo", NOI_VU,
     HEADS, "Trong năm 2026"),
    ("1.5", "Tuyên truyền về cải cách hành chính trên Cổng thông tin điện tử huyện và hệ thống "
     "truyền thanh cơ sở.", ["- Kế hoạch tuyên truyền", "- Tin, bài"], VH_TT,
     ["- Trung tâm Văn hóa, Thể thao và Truyền thanh huyện", f"- {COMMUNES}"], "Thường xuyên"),
    ("1.6", "Mỗi quý gửi ít nhất 01 tin, bài về mô hình, cách làm hay trong cải cách hành chính.",
     "Tin, bài", BOTH, "Phòng Văn hóa và Thông tin huyện", "Hàng quý"),
    ("1.7", "Tổ chức Hội thi tìm hiểu về cải cách hành chính dành cho cán bộ, công chức, viên chức "
     "và Nhân dân.", ["- Kế hoạch tổ chức", "- Quyết định khen thưởng"], NOI_VU,
     "Huyện Đoàn; Phòng Văn hóa và Thông tin huyện",
     ["Ban hành kế hoạch: Quý II/2026.", "Tổ chức hội thi: Quý III/2026."]),
    area("2", "Cải cách thể chế"),
    ("2.1", "Xây dựng, ban hành văn bản quy phạm pháp luật của Ủy ban nhân dân huyện bảo đảm đúng "
     "thẩm quyền, trình tự, thủ tục.", "Quyết định", TU_PHAP, HEADS, "Theo Kế hoạch"),
    ("2.2", "Kiểm tra, rà soát, hệ thống hóa văn bản quy phạm pháp luật do Hội đồng nhân dân, Ủy ban "
     "nhân dân huyện ban hành.", ["- Kế hoạch", "- Báo cáo kết quả rà soát"], TU_PHAP, BOTH,
     "Trong quý III năm 2026"),
    ("2.3", "Theo dõi tình hình thi hành pháp luật trên địa bàn huyện.", "Báo cáo", "Phòng Tư pháp huyện",
     HEADS, "Định kỳ 06 tháng"),
    ("2.4", "Tuyên truyền, phổ biến, giáo dục pháp luật; 100% xã - thị trấn đạt chuẩn tiếp cận pháp luật.",
     "Kế hoạch", TU_PHAP, COMMUNES, "Trong năm 2026"),
    area("3", "Cải cách thủ tục hành chính (TTHC)"),
    ("3.1", "Công khai đầy đủ, kịp thời 100% thủ tục hành chính thuộc thẩm quyền giải quyết trên Cổng "
     "Dịch vụ công quốc gia.", "Danh mục TTHC được công khai", VP, BOTH, "Thường xuyên"),
    ("3.2", "Giải quyết hồ sơ thủ tục hành chính đúng hạn đạt 99% trở lên; tỷ lệ hồ sơ trễ hạn dưới 1%.",
     "Báo cáo", BOTH, "Văn phòng HĐND và UBND huyện", "Trong năm 2026"),
    ("3.3", "Rà soát, đánh giá, đề xuất cắt giảm, đơn giản hóa thủ tục hành chính.",
     ["- Kế hoạch rà soát", "- Báo cáo đề xuất"], VP, "Phòng Tư pháp huyện; Phòng Tài chính - Kế hoạch huyện",
     "Trước ngày 30/9/2026"),
    ("3.4", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "", "", "", ""),
    ("3.4.1", "Số hóa 100% kết quả giải quyết thủ tục hành chính còn hiệu lực thuộc thẩm quyền cấp huyện.",
     "Báo cáo", VP, "Phòng Tài nguyên và Môi trường huyện; Phòng Kinh tế và Hạ tầng huyện", "Quý II/2026"),
    ("3.4.2", "Số hóa tối thiểu 80% hồ sơ thủ tục hành chính tiếp nhận tại Bộ phận Một cửa cấp xã.",
     "Báo cáo", COMMUNES, "Văn phòng HĐND và UBND huyện", "Quý IV/2026"),
    ("3.5", "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân, doanh nghiệp về quy định hành chính.",
     "Báo cáo", VP, HEADS, "Khi có phát sinh (không quá 10 ngày làm việc kể từ ngày nhận phản ánh)"),
    ("3.6", "Kiện toàn nhân sự Bộ phận Một cửa huyện và Bộ phận Một cửa xã - thị trấn.", "Quyết định",
     [f"- {VP}", f"- {COMMUNES}"], "Phòng Nội vụ huyện", "Trong vòng 05 ngày làm việc khi có thay đổi nhân sự"),
    area("4", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    ("4.1", "Rà soát, sắp xếp tổ chức bộ máy các cơ quan chuyên môn thuộc Ủy ban nhân dân huyện.",
     "Đề án", NOI_VU, HEADS, "Theo hướng dẫn của Sở Nội vụ"),
    ("4.2", "Sắp xếp, kiện toàn các đơn vị sự nghiệp công lập; giảm tối thiểu 10% đầu mối so với năm 2021.",
     ["- Đề án", "- Tờ trình"], NOI_VU, "Phòng Tài chính - Kế hoạch huyện; Phòng Giáo dục và Đào tạo huyện",
     "Quý III năm 2026"),
    ("4.3", "Quản lý, sử dụng biên chế được giao; thực hiện tinh giản biên chế theo quy định.", "Báo cáo",
     HEADS, "Phòng Nội vụ huyện", "Định kỳ 06 tháng và cả năm"),
    ("4.4", "Kiểm tra việc thực hiện chức năng, nhiệm vụ của các cơ quan chuyên môn thuộc Ủy ban nhân "
     "dân huyện.", ["- Kế hoạch kiểm tra", "- Thông báo kết luận"], NOI_VU, "Thanh tra huyện",
     "Hoàn thành trong tháng 10 năm 2026"),
    area("5", "Cải cách chế độ công vụ"),
    ("5.1", "Rà soát, hoàn thiện danh mục vị trí việc làm và cơ cấu ngạch công chức.", "Quyết định",
     NOI_VU, HEADS, "Quý II/2026"),
    ("5.2", "Tuyển dụng công chức, viên chức công khai, minh bạch, đúng quy định.",
     ["- Kế hoạch tuyển dụng", "- Thông báo kết quả"], NOI_VU,
     "Phòng Giáo dục và Đào tạo huyện; Phòng Y tế huyện", "Theo Kế hoạch"),
    ("5.3", "Đào tạo, bồi dưỡng kiến thức, kỹ năng cho cán bộ, công chức cấp xã; tối thiểu 70% cán bộ, "
     "công chức cấp xã được bồi dưỡng trong năm.", "Báo cáo", NOI_VU, COMMUNES, "Trong năm 2026"),
    ("5.4", "Kiểm tra công vụ đột xuất việc thực hiện quy tắc ứng xử của cán bộ, công chức.",
     "Thông báo kiểm tra", "Ban Chỉ đạo cải cách hành chính huyện (Tổ Kiểm tra công vụ)", HEADS,
     "Thường xuyên"),
    ("5.5", "Đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức hằng quý.", "Báo cáo", HEADS,
     "Phòng Nội vụ huyện", "Theo từng Quý (Quý I, II, III) và tổng kết năm"),
    area("6", "Cải cách tài chính công"),
    ("6.1", "Giải ngân vốn đầu tư công đạt trên 95% kế hoạch vốn được giao.", "Báo cáo", TC_KH,
     "Ban Quản lý dự án đầu tư xây dựng huyện", "Tháng 12/2026"),
    ("6.2", "Ban hành, sửa đổi quy chế chi tiêu nội bộ, quy chế quản lý, sử dụng tài sản công.",
     "Quyết định", HEADS, "Phòng Tài chính - Kế hoạch huyện", "Trong Quý I năm 2026"),
    ("6.3", "Công khai dự toán, quyết toán ngân sách theo quy định.", "Báo cáo", TC_KH, COMMUNES,
     "Định kỳ 06 tháng"),
    ("6.4", "Thực hiện cơ chế tự chủ tài chính; tối thiểu 30% đơn vị sự nghiệp công lập tự bảo đảm "
     "một phần chi thường xuyên.", "Đề án tự chủ",
     "Giám đốc Trung tâm Văn hóa, Thể thao và Truyền thanh huyện", "Phòng Tài chính - Kế hoạch huyện",
     "Quý IV/2026"),
    area("7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số"),
    ("7.1", "100% văn bản trao đổi giữa các cơ quan hành chính được thực hiện dưới dạng điện tử "
     "(trừ văn bản mật).", "Báo cáo", VP, BOTH, "Thường xuyên"),
    ("7.2", "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến toàn trình đạt "
     "tối thiểu 60%.", "Báo cáo", BOTH, "Phòng Văn hóa và Thông tin huyện", "Hàng quý"),
    ("7.3", "Triển khai Kế hoạch chuyển đổi số năm 2026 tại các cơ quan chuyên môn.",
     ["- Kế hoạch", "- Báo cáo kết quả"], VH_TT, HEADS, "Quý I/2026"),
    ("", "Triển khai Kế hoạch chuyển đổi số năm 2026 tại xã - thị trấn.", "Báo cáo", COMMUNES,
     "Phòng Văn hóa và Thông tin huyện", "Quý II/2026"),
    ("7.4", "Duy trì, cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015.",
     "Báo cáo", VP, HEADS, "Khi có văn bản chỉ đạo của Trung ương"),
    area("8", "Khảo sát, đánh giá sự hài lòng của người dân, tổ chức"),
    ("8.1", "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính đạt "
     "90% trở lên.", "Báo cáo", NOI_VU, BOTH, "Trong năm 2026"),
    ("8.2", "Tổ chức khảo sát sự hài lòng của người dân tại Bộ phận Một cửa huyện và xã - thị trấn.",
     ["- Kế hoạch khảo sát", "- Báo cáo kết quả"], VP, "Phòng Nội vụ huyện", "Hàng quý"),
    ("8.3", "Triển khai giải pháp khắc phục hạn chế sau khi công bố Chỉ số CCHC, Chỉ số SIPAS năm 2025.",
     "Kế hoạch khắc phục", NOI_VU, HEADS, "Sau khi công bố Chỉ số CCHC"),
]
TOTAL_TASKS = 42
TOTAL_LINE = f"TỔNG CỘNG: {TOTAL_TASKS} NHIỆM VỤ"

# Text version only: page breaks before these STTs (header repeated), and the row split
# by a page break: (stt, {column: index of the space where the page ends}).
TEXT_PAGE_BREAKS = ("1.4", "2.1", "3.3", "4.2", "6.2", "7.3", "8.2")
TEXT_SPLIT = ("5.3", {"task": "cán bộ, công chức", "lead": "Nội vụ"})  # split after these words
TEXT_HTML = {"1.2": "product", "3.3": "product"}  # cells wrapped in PDF-extraction debris

# Word version only: the second Word table starts at this area (header repeated).
DOCX_SPLIT_AT = "5"

ROMAN_ROWS: list[Row] = [
    area("I", "Công tác chỉ đạo, điều hành"),
    ("1", "Ban hành Kế hoạch cải cách hành chính năm 2026 của xã.", "Kế hoạch", "Văn phòng - Thống kê xã",
     "Các ban, ngành, đoàn thể xã", "Quý I/2026"),
    ("2", "Báo cáo cải cách hành chính định kỳ.", "Báo cáo", "Văn phòng - Thống kê xã",
     "Các ban, ngành, đoàn thể xã", "Hàng quý"),
    area("II", "Cải cách thể chế"),
    ("1", "Rà soát văn bản quy phạm pháp luật do Hội đồng nhân dân, Ủy ban nhân dân xã ban hành.",
     "Báo cáo", "Công chức Tư pháp - Hộ tịch", "Văn phòng - Thống kê xã", "Quý III/2026"),
    area("III", "Cải cách thủ tục hành chính"),
    ("1", "Giải quyết hồ sơ thủ tục hành chính đúng hạn đạt 99% trở lên.", "Báo cáo",
     "Bộ phận Một cửa xã", "Các công chức chuyên môn", "Trong năm 2026"),
    ("2", "Công khai 100% thủ tục hành chính tại Bộ phận Một cửa.", "Danh mục TTHC",
     "Bộ phận Một cửa xã", "", "Thường xuyên"),
    area("IV", "Cải cách tổ chức bộ máy"),
    ("1", "Kiện toàn tổ chức, nhân sự các ban, ngành xã sau sắp xếp.", "Quyết định",
     "Chủ tịch Ủy ban nhân dân xã", "Văn phòng - Thống kê xã", "Khi có phát sinh"),
    area("V", "Cải cách chế độ công vụ"),
    ("1", "Đánh giá, xếp loại cán bộ, công chức xã.", "Báo cáo", "Chủ tịch Ủy ban nhân dân xã",
     "Văn phòng - Thống kê xã", "Tháng 12/2026"),
    area("VI", "Cải cách tài chính công"),
    ("1", "Công khai dự toán, quyết toán ngân sách xã.", "Báo cáo", "Công chức Tài chính - Kế toán",
     "Văn phòng - Thống kê xã", "Định kỳ 06 tháng"),
    area("VII", "Xây dựng chính quyền số"),
    ("1", "100% văn bản được ký số và gửi nhận trên môi trường điện tử.", "Báo cáo",
     "Văn phòng - Thống kê xã", "Các công chức chuyên môn", "Thường xuyên"),
    ("2", "Tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 50%.", "Báo cáo", "Bộ phận Một cửa xã",
     "Đoàn Thanh niên xã", "Hàng quý"),
    area("VIII", "Khảo sát sự hài lòng"),
    ("1", "Khảo sát sự hài lòng của người dân tại Bộ phận Một cửa.", ["- Phiếu khảo sát", "- Báo cáo"],
     "Văn phòng - Thống kê xã", "Đoàn Thanh niên xã", "Quý IV/2026"),
]
ROMAN_HEADER = ("TT", "Nội dung công việc", "Kết quả", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn")
ROMAN_ISSUER = ("ỦY BAN NHÂN DÂN", "XÃ HÒA BÌNH ĐÔNG")
ROMAN_TITLE = "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026"


def is_area(row: Row) -> bool:
    return not any(row[2:])


def one_line(cell: Cell) -> str:
    """A cell as the PDF text extract shows it: list items on one line."""
    return " ".join(cell) if isinstance(cell, list) else cell


# --------------------------------------------------------------------------------------
# Text (as extracted from the signed PDF)


def build_text(path: Path) -> None:
    lines: list[str] = [
        *ISSUER_LINES,
        "",
        *MOTTO,
        "",
        "Số: 25/KH-UBND",
        "Long Thạnh Đông, ngày 10 tháng 01 năm 2026",
        "",
        "KẾ HOẠCH",
        "Thực hiện công tác cải cách hành chính năm 2026",
        "",
        "Căn cứ Kế hoạch cải cách hành chính nhà nước giai đoạn 2021 - 2030 của Ủy ban nhân dân tỉnh;",
        "Ủy ban nhân dân huyện ban hành Kế hoạch thực hiện công tác cải cách hành chính năm 2026 với "
        "các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
        "",
        "PHỤ LỤC",
        "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026",
        "(Kèm theo Kế hoạch số 25/KH-UBND ngày 10 tháng 01 năm 2026 của Ủy ban nhân dân huyện)",
        "",
    ]
    header = "\t".join(HEADER)
    lines.append(header)
    page = 1
    for row in ROWS:
        stt = row[0]
        if stt in TEXT_PAGE_BREAKS:
            page += 1
            lines += ["", str(page), header]
        cells = [one_line(c) for c in row]
        if stt in TEXT_HTML:
            i = 2 if TEXT_HTML[stt] == "product" else 1
            cells[i] = f'<ul style="list-style-type: none"> {cells[i]} </ul>'
        if stt == TEXT_SPLIT[0]:
            first, rest = list(cells), [""] * 6
            for col, after in TEXT_SPLIT[1].items():
                i = {"task": 1, "lead": 3}[col]
                cut = cells[i].index(after) + len(after)
                first[i], rest[i] = cells[i][:cut], cells[i][cut + 1 :]
            page += 1
            lines += ["\t".join(first), "", str(page), header, "\t".join(rest)]
            continue
        if is_area(row):
            cells = [stt, cells[1], "", "", "", ""]
        lines.append("\t".join(cells))
        if stt == "3.5":
            lines.append("¹ Thời hạn tính theo Nghị định số 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị.")
    lines += [
        "",
        TOTAL_LINE,
        "",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------
# Word


def _set_font(doc: DocxDocument) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)


def _fill(cell, value: Cell, *, bold: bool = False) -> None:  # noqa: ANN001 - docx cell
    parts = value if isinstance(value, list) else [value]
    cell.text = ""
    first = cell.paragraphs[0]
    for i, part in enumerate(parts):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(part)
        run.bold = bold
        run.font.size = Pt(12)


def _appendix_table(doc, header: tuple[str, ...], rows: list[Row], widths: list[float]):  # noqa: ANN001, ANN202
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for i, text in enumerate(header):
        _fill(table.rows[0].cells[i], text, bold=True)
    previous: Row | None = None
    for row in rows:
        r = table.add_row()
        if is_area(row):
            _fill(r.cells[0], row[0], bold=True)
            merged = r.cells[1].merge(r.cells[5])
            _fill(merged, row[1], bold=True)
            previous = row
            continue
        for i, value in enumerate(row):
            if value:
                _fill(r.cells[i], value)
        if not row[0] and previous is not None and previous[3] and not one_line(row[1])[:1].isdigit():
            # a second lead row shares its parent's STT cell (vertical merge), as in Word originals
            table.rows[len(table.rows) - 2].cells[0].merge(r.cells[0])
        previous = row
    for row in table.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Cm(w)
    return table


def _heading_table(doc, left: tuple[str, ...], right: tuple[str, ...]) -> None:  # noqa: ANN001
    t = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(t.rows[0].cells, (left, right)):
        cell.text = ""
        for i, line in enumerate(lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(line).bold = True


def _landscape(doc) -> None:  # noqa: ANN001
    section = doc.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _centered(doc, text: str, *, bold: bool = False) -> None:  # noqa: ANN001
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(text).bold = bold


WIDTHS = [1.3, 9.0, 4.0, 4.5, 4.5, 3.4]


def build_docx(path: Path) -> None:
    doc = Document()
    _set_font(doc)
    _landscape(doc)
    _heading_table(doc, ISSUER_LINES, MOTTO)
    doc.add_paragraph("Số: 25/KH-UBND")
    _centered(doc, "KẾ HOẠCH", bold=True)
    _centered(doc, "Thực hiện công tác cải cách hành chính năm 2026", bold=True)
    doc.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    doc.add_paragraph(
        "Triển khai đồng bộ các nhiệm vụ cải cách hành chính; phấn đấu nâng cao Chỉ số cải cách hành "
        "chính và Chỉ số hài lòng của người dân (SIPAS) của huyện."
    )
    doc.add_paragraph("II. CHỈ TIÊU CHỦ YẾU")
    targets = doc.add_table(rows=1, cols=2)
    targets.style = "Table Grid"
    _fill(targets.rows[0].cells[0], "Chỉ tiêu", bold=True)
    _fill(targets.rows[0].cells[1], "Mục tiêu năm 2026", bold=True)
    for a, b in (
        ("Hồ sơ TTHC giải quyết đúng hạn", "99% trở lên"),
        ("Mức độ hài lòng của người dân", "90% trở lên"),
        ("Hồ sơ trực tuyến toàn trình", "tối thiểu 60%"),
    ):
        r = targets.add_row()
        _fill(r.cells[0], a)
        _fill(r.cells[1], b)
    doc.add_paragraph("III. NHIỆM VỤ CỤ THỂ: theo Phụ lục đính kèm.")
    doc.add_page_break()
    _centered(doc, "PHỤ LỤC", bold=True)
    _centered(doc, "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026", bold=True)
    _centered(doc, "(Kèm theo Kế hoạch số 25/KH-UBND ngày 10 tháng 01 năm 2026 của Ủy ban nhân dân huyện)")
    split = next(i for i, r in enumerate(ROWS) if r[0] == DOCX_SPLIT_AT and is_area(r))
    _appendix_table(doc, HEADER, ROWS[:split], WIDTHS)
    doc.add_paragraph()
    last = _appendix_table(doc, HEADER, ROWS[split:], WIDTHS)
    total = last.add_row()
    merged = total.cells[0].merge(total.cells[5])
    _fill(merged, TOTAL_LINE, bold=True)
    doc.add_paragraph()
    _centered(doc, "TM. ỦY BAN NHÂN DÂN", bold=True)
    _centered(doc, "KT. CHỦ TỊCH", bold=True)
    _centered(doc, "PHÓ CHỦ TỊCH", bold=True)
    _stable_save(doc, path)


def build_roman_docx(path: Path) -> None:
    doc = Document()
    _set_font(doc)
    _landscape(doc)
    _heading_table(doc, ROMAN_ISSUER, MOTTO)
    _centered(doc, ROMAN_TITLE, bold=True)
    doc.add_paragraph("Các nhiệm vụ cụ thể:")
    table = _appendix_table(doc, ROMAN_HEADER, [], WIDTHS)
    numbers = table.add_row()
    for i in range(6):
        _fill(numbers.cells[i], f"({i + 1})")
    for row in ROMAN_ROWS:
        r = table.add_row()
        if is_area(row):
            _fill(r.cells[0], row[0], bold=True)
            _fill(r.cells[1].merge(r.cells[5]), row[1], bold=True)
            continue
        for i, value in enumerate(row):
            if value:
                _fill(r.cells[i], value)
    _stable_save(doc, path)


def _stable_save(doc, path: Path) -> None:  # noqa: ANN001
    core = doc.core_properties
    core.author = "parc-xl"
    core.last_modified_by = "parc-xl"
    import datetime as dt

    fixed = dt.datetime(2026, 1, 10, 8, 0, 0)
    core.created = fixed
    core.modified = fixed
    core.revision = 1
    doc.save(str(path))


# --------------------------------------------------------------------------------------
# Excel


def build_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"], ws["A2"] = ISSUER_LINES
    ws["D1"], ws["D2"] = MOTTO
    ws.merge_cells("A1:B1")
    ws.merge_cells("A2:B2")
    ws.merge_cells("D1:F1")
    ws.merge_cells("D2:F2")
    ws["A4"] = TITLE
    ws.merge_cells("A4:F4")
    ws["A5"] = "(Kèm theo Kế hoạch số 25/KH-UBND ngày 10 tháng 01 năm 2026 của Ủy ban nhân dân huyện)"
    ws.merge_cells("A5:F5")
    for ref in ("A1", "A2", "D1", "D2", "A4", "A5"):
        ws[ref].font = bold
        ws[ref].alignment = center
    header_row = 7
    for i, text in enumerate(HEADER, start=1):
        c = ws.cell(row=header_row, column=i, value=text)
        c.font, c.alignment, c.border = bold, center, box
    r = header_row
    for row in ROWS:
        r += 1
        if is_area(row):
            ws.cell(row=r, column=1, value=row[0]).number_format = "@"
            ws.cell(row=r, column=2, value=row[1])
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
            for col in range(1, 7):
                ws.cell(row=r, column=col).font = bold
                ws.cell(row=r, column=col).border = box
            continue
        for col, value in enumerate(row, start=1):
            text = "\n".join(value) if isinstance(value, list) else value
            c = ws.cell(row=r, column=col, value=text or None)
            c.font, c.alignment, c.border = normal, wrap, box
            if col == 1:
                c.number_format = "@"
                c.alignment = Alignment(horizontal="center", vertical="top")
    r += 1
    ws.cell(row=r, column=1, value=TOTAL_LINE).font = bold
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    for letter, width in zip("ABCDEF", (6, 60, 24, 30, 30, 24)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    wb.properties.creator = "parc-xl"
    import datetime as dt

    wb.properties.created = dt.datetime(2026, 1, 10, 8, 0, 0)
    wb.properties.modified = dt.datetime(2026, 1, 10, 8, 0, 0)
    wb.save(str(path))


def build_all(folder: Path = HERE) -> list[Path]:
    out = [
        folder / "ke_hoach_mau.txt",
        folder / "ke_hoach_mau.docx",
        folder / "ke_hoach_mau.xlsx",
        folder / "ke_hoach_mau_la_ma.docx",
    ]
    build_text(out[0])
    build_docx(out[1])
    build_xlsx(out[2])
    build_roman_docx(out[3])
    return out


if __name__ == "__main__":
    for p in build_all():
        print(p)
