"""`parc-xl` command line: parse arguments, call one job, print its result.

No logic lives here. `--json` prints exactly one JSON object on stdout. Exit codes:
0 success; 1 the job found errors in the user's data; 2 unusable input or arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import traceback
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from parc_xl import __version__
from parc_xl.domain.calendar import parse_user_date
from parc_xl.errors import InputError, ParcError


class _ArgumentError(Exception):
    pass


# argparse's own words (Python 3.11 gettext msgids) as a clerk should read them.
_ARGPARSE_VI = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số theo vị trí",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in phiên bản parc-xl rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không có; hãy chọn một trong: %(choices)s",
    "expected one argument": "cần ghi một giá trị ngay sau",
    "expected at least one argument": "cần ghi ít nhất một giá trị ngay sau",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s không rõ: có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
}


@contextlib.contextmanager
def _argparse_in_vietnamese() -> Iterator[None]:
    """argparse looks its messages up through its module-level `_` at the moment it
    formats them; swap it for the time of one parse only (other argparse users in the same
    process, pytest's included, keep theirs)."""
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_VI.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so errors follow our exit-code contract;
    help keeps the examples' line breaks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgumentError(message)


def _date(text: str) -> dt.date:
    try:
        return parse_user_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _year(text: str) -> int:
    if not text.strip().isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"năm «{text}» không hợp lệ; ghi năm của kế hoạch, ví dụ 2026")
    return int(text)


def _days(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"«{text}» không phải số ngày; ghi một số, ví dụ 10")
    return int(text)


def _examples(*lines: str) -> str:
    return "Ví dụ:\n" + "\n".join(f"  {line}" for line in lines)


PERIOD_HELP = ("kỳ báo cáo: NĂM-Q1 (Quý I), NĂM-H1 (6 tháng), NĂM-Q3 (9 tháng), NĂM-Y (cả năm), "
               "ví dụ 2026-Q1; phải thuộc năm của kế hoạch")
YEAR_HELP = "năm của kế hoạch (4 chữ số), ví dụ 2026: dùng để hiểu các thời hạn không ghi năm"
DATE_HELP = "ngày dạng ngày/tháng/năm, ví dụ 20/03/2026 (hoặc 2026-03-20)"


def _cmd_plan_import(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import plan_import

    return plan_import.run(Path(a.source), a.year, Path(a.output), Path(a.units) if a.units else None)


def _match_pairs(values: list[str] | None) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for v in values or []:
        key, sep, stt = v.partition("=")
        if not sep or not key.strip() or not stt.strip():
            raise InputError(f"--match cần dạng KHÓA=STT_MỚI (ví dụ --match 3.3=3.2), không phải «{v}».")
        pairs[key.strip()] = stt.strip()
    return pairs


def _cmd_plan_amend(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import plan_amend

    return plan_amend.run(Path(a.master), Path(a.source), year=a.year, dry_run=a.dry_run, reference=a.ref,
                          effective=a.date, accept=_match_pairs(a.match), separate=set(a.separate or []))


def _cmd_plan_carry_over(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import plan_carry_over

    return plan_carry_over.run(Path(a.old_master), Path(a.new_master), as_of=a.as_of)


def _cmd_units_generate(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import units_generate

    return units_generate.run(Path(a.master), a.period, Path(a.output), a.unit or None, mail=a.mail)


def _cmd_units_communes(a: argparse.Namespace) -> Any:
    import sys

    from parc_xl.jobs import units_registry

    if a.from_file:
        return units_registry.run(Path(a.registry), a.names, a.group, from_file=Path(a.from_file))
    # names after the command, else pasted (ended with Ctrl+Z Enter on Windows, Ctrl+D elsewhere)
    return units_registry.run(Path(a.registry), a.names or sys.stdin.read(), a.group)


def _cmd_validate(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import validate

    return validate.run([Path(f) for f in a.files], Path(a.master) if a.master else None, a.as_of,
                        Path(a.annotate) if a.annotate else None)


def _cmd_merge(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import merge

    return merge.run(Path(a.master), Path(a.inbox), a.period, as_of=a.as_of, partial=a.partial)


def _cmd_remind(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import remind

    return remind.run(Path(a.master), a.period, Path(a.output), as_of=a.as_of, due_soon=a.due_soon)


def _cmd_status(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import status

    return status.run(Path(a.master), a.as_of or dt.date.today(), due_soon=a.due_soon)


def _cmd_report(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import report

    from parc_xl.domain.report_content import split_recipients

    recipients = split_recipients(a.noi_nhan)
    return report.run(Path(a.master), a.period, Path(a.output), as_of=a.as_of, recipients=recipients)


def _cmd_deadline(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import deadline

    return deadline.run(a.text, a.year)


def _cmd_demo(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import demo

    return demo.run(Path(a.dir))


def _cmd_addin_build(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import addin

    return addin.build(Path(a.output), Path(a.macros) if a.macros else None, a.target)


def _cmd_addin_install(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import addin

    return addin.install(Path(a.addin) if a.addin else None, a.target)


def build_parser() -> _Parser:
    """Every command, one group per function below; each command has Vietnamese help and examples."""
    p = _Parser(prog="parc-xl", description="Theo dõi Kế hoạch cải cách hành chính (CCHC) trong Excel.",
                epilog=_examples("parc-xl demo demo_out          chạy thử toàn bộ quy trình trên dữ liệu mẫu",
                                 "parc-xl merge --help           hướng dẫn của một lệnh"))
    p.add_argument("--version", action="version", version=f"parc-xl {__version__}",
                   help="in phiên bản parc-xl rồi thoát")
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="in kết quả dạng một đối tượng JSON (cho máy đọc)")
    common.add_argument("--debug", action="store_true", help="in chi tiết lỗi kỹ thuật (cho người hỗ trợ)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, title="các lệnh",
                           metavar="LỆNH")
    _plan_commands(sub, common)
    _units_commands(sub, common)
    _return_commands(sub, common)
    _status_commands(sub, common)
    _tool_commands(sub, common)
    return p


def _plan_commands(sub: Any, common: _Parser) -> None:
    """Plan import / amend / carry-over."""
    plan = sub.add_parser("plan", help="kế hoạch: nhập, điều chỉnh, chuyển tiếp", description="Việc với kế hoạch.").add_subparsers(
        dest="action", required=True, parser_class=_Parser, title="các lệnh", metavar="VIỆC")
    s = plan.add_parser("import", parents=[common], help="nhập Phụ lục kế hoạch vào sổ theo dõi mới",
                        description="Đọc Phụ lục kế hoạch (.docx, .xlsx, .pdf hoặc văn bản) và tạo sổ theo dõi mới.",
                        epilog=_examples("parc-xl plan import KE_HOACH.docx --year 2026 -o so_theo_doi.xlsx",
                                         "parc-xl plan import KE_HOACH.docx --year 2026 -o so_theo_doi.xlsx "
                                         "--units DON_VI.xlsx"))
    s.add_argument("source", metavar="KE_HOACH", help="tệp Phụ lục kế hoạch")
    s.add_argument("--year", type=_year, required=True, metavar="NĂM", help=YEAR_HELP)
    s.add_argument("-o", "--output", required=True, metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi sẽ tạo (.xlsx)")
    s.add_argument("--units", metavar="DON_VI.xlsx", help="tệp Excel có sheet Đơn vị / Nhóm đơn vị (danh mục đơn vị)")
    s.set_defaults(func=_cmd_plan_import)
    s = plan.add_parser("amend", parents=[common], help="điều chỉnh kế hoạch giữa năm (giữ nguyên số liệu đã báo cáo)",
                        description="Đọc Phụ lục kế hoạch đã sửa đổi, bổ sung; so khớp từng nhiệm vụ với sổ theo nội "
                                    "dung (không theo số thứ tự); báo nhiệm vụ bổ sung, bãi bỏ, sửa đổi, đánh số lại. "
                                    "Số liệu đã báo cáo đi theo nhiệm vụ; dòng của nhiệm vụ bãi bỏ được giữ lại, tô xám, "
                                    "không tính vào tổng hợp. Bản cũ của sổ được lưu trong sao_luu/.",
                        epilog=_examples("parc-xl plan amend so_theo_doi.xlsx KE_HOACH_SUA_DOI.docx --dry-run",
                                         'parc-xl plan amend so_theo_doi.xlsx KE_HOACH_SUA_DOI.docx '
                                         '--ref "Quyết định số 123/QĐ-UBND ngày 15/6/2026" --date 15/06/2026',
                                         "parc-xl plan amend so_theo_doi.xlsx KE_HOACH_SUA_DOI.docx --match 3.3=3.2"))
    s.add_argument("master", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi đang dùng")
    s.add_argument("source", metavar="KE_HOACH_SUA_DOI", help="Phụ lục kế hoạch đã điều chỉnh (.docx, .xlsx, .pdf, .txt)")
    s.add_argument("--year", type=_year, metavar="NĂM", help="năm của kế hoạch (mặc định: năm của sổ)")
    s.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì vào sổ")
    s.add_argument("--ref", metavar="SỐ_HIỆU", help="số, ngày của văn bản điều chỉnh (mặc định: tìm trong tệp)")
    s.add_argument("--date", type=_date, metavar="NGÀY", help="ngày điều chỉnh có hiệu lực (mặc định hôm nay); "
                   + DATE_HELP)
    s.add_argument("--match", action="append", metavar="KHÓA=STT", help="xác nhận nhiệm vụ KHÓA của sổ là nhiệm vụ "
                   "STT của bản điều chỉnh (khi parc-xl chưa chắc)")
    s.add_argument("--separate", action="append", metavar="KHÓA", help="nhiệm vụ KHÓA của sổ không phải nhiệm vụ "
                   "parc-xl đoán là giống: coi là bãi bỏ, nhiệm vụ kia là bổ sung")
    s.set_defaults(func=_cmd_plan_amend)
    s = plan.add_parser("carry-over", parents=[common], help="cuối năm: chép nhiệm vụ chưa hoàn thành sang sổ năm mới",
                        description="Liệt kê các nhiệm vụ chưa hoàn thành của sổ năm cũ (tiến độ cuối, đơn vị) vào "
                                    "sheet «Chuyển tiếp» của sổ năm mới để văn phòng quyết định nhiệm vụ nào tiếp tục.",
                        epilog=_examples("parc-xl plan carry-over so_2026.xlsx so_2027.xlsx"))
    s.add_argument("old_master", metavar="SO_NAM_CU.xlsx", help="sổ theo dõi năm cũ")
    s.add_argument("new_master", metavar="SO_NAM_MOI.xlsx", help="sổ theo dõi năm mới (đã nhập kế hoạch năm mới)")
    s.add_argument("--as-of", type=_date, metavar="NGÀY", help="tính trạng thái năm cũ đến ngày (mặc định 31/12 "
                   "năm cũ); " + DATE_HELP)
    s.set_defaults(func=_cmd_plan_carry_over)


def _units_commands(sub: Any, common: _Parser) -> None:
    """Units generate / communes."""
    units = sub.add_parser("units", help="mẫu đơn vị: tạo tệp gửi đơn vị",
                           description="Việc với mẫu báo cáo của đơn vị.").add_subparsers(
        dest="action", required=True, parser_class=_Parser, title="các lệnh", metavar="VIỆC")
    s = units.add_parser("generate", parents=[common], help="tạo mỗi đơn vị một tệp báo cáo",
                         description="Tạo cho mỗi đơn vị một tệp báo cáo của kỳ (chỉ các nhiệm vụ của đơn vị).",
                         epilog=_examples("parc-xl units generate so_theo_doi.xlsx --period 2026-Q1 -o gui_don_vi/",
                                          "parc-xl units generate so_theo_doi.xlsx --period 2026-H1 -o gui_don_vi/ "
                                          "--unit PNV PTP",
                                          "parc-xl units generate so_theo_doi.xlsx --period 2026-Q1 -o gui_don_vi/ --mail"))
    s.add_argument("master", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi")
    s.add_argument("--period", required=True, metavar="KỲ", help=PERIOD_HELP)
    s.add_argument("-o", "--output", required=True, metavar="THU_MUC", help="thư mục ghi các tệp gửi đơn vị")
    s.add_argument("--unit", action="extend", nargs="+", metavar="MÃ", help="chỉ tạo cho các đơn vị có mã này")
    s.add_argument("--mail", action="store_true",
                   help="tạo thêm cho mỗi đơn vị một thư nháp .eml (gửi tới Thư điện tử trong danh mục, "
                        "đính kèm tệp mẫu) để mở bằng Outlook/Thunderbird và gửi")
    s.set_defaults(func=_cmd_units_generate)
    s = units.add_parser("communes", parents=[common], help="thêm các xã vào danh mục đơn vị từ danh sách tên",
                         description="Thêm các xã, phường, thị trấn vào danh mục đơn vị (sheet Đơn vị của sổ theo "
                                     "dõi hoặc của tệp danh mục) chỉ từ tên: mã được tạo tự động (xã Tân Hiệp → "
                                     "XTH, thị trấn Hóc Môn → TTHM), nhóm là nhóm các xã. Tên ghi sau lệnh, trong "
                                     "tệp --from (mỗi dòng một tên), hoặc dán vào khi lệnh chờ (kết thúc bằng "
                                     "Ctrl+Z rồi Enter trên Windows).",
                         epilog=_examples('parc-xl units communes so_theo_doi.xlsx "Tân Hiệp" "Xuân Thới Sơn" '
                                          '"thị trấn Hóc Môn"',
                                          "parc-xl units communes DON_VI.xlsx --from danh_sach_xa.txt --group G_XA"))
    s.add_argument("registry", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi (hoặc tệp danh mục DON_VI.xlsx)")
    s.add_argument("names", nargs="*", metavar="TÊN", help="tên các xã (không cần mã)")
    s.add_argument("--from", dest="from_file", metavar="TỆP.txt", help="tệp văn bản, mỗi dòng một tên xã")
    s.add_argument("--group", metavar="MÃ_NHÓM", help="mã nhóm các xã (mặc định: nhóm xã của danh mục, G_XA)")
    s.set_defaults(func=_cmd_units_communes)


def _return_commands(sub: Any, common: _Parser) -> None:
    """Validate, merge, remind: the unit returns."""
    s = sub.add_parser("validate", parents=[common], help="kiểm tra tệp báo cáo của đơn vị",
                       description="Kiểm tra tệp đơn vị gửi về: in từng lỗi (tệp, sheet!ô, nội dung), lỗi trước "
                                   "cảnh báo. Không ghi gì vào sổ theo dõi.",
                       epilog=_examples("parc-xl validate hop_thu/*.xlsx --master so_theo_doi.xlsx",
                                        "parc-xl validate 2026-Q1_PNV.xlsx --master so_theo_doi.xlsx "
                                        "--annotate danh_dau/"))
    s.add_argument("files", nargs="+", metavar="TEP.xlsx", help="một hoặc nhiều tệp đơn vị gửi về")
    s.add_argument("--master", metavar="SO_THEO_DOI.xlsx",
                   help="kiểm tra thêm theo kế hoạch và danh mục đơn vị của sổ này")
    s.add_argument("--as-of", type=_date, metavar="NGÀY", help="ngày kiểm tra (mặc định hôm nay); " + DATE_HELP)
    s.add_argument("--annotate", metavar="THU_MUC", help="thư mục ghi bản sao của mỗi tệp, tô màu và ghi chú từng ô lỗi")
    s.set_defaults(func=_cmd_validate)

    s = sub.add_parser("merge", parents=[common], help="tổng hợp các tệp báo cáo vào sổ theo dõi",
                       description="Kiểm tra và tổng hợp mọi tệp .xlsx trong thư mục hộp thư vào sổ theo dõi; ghi "
                                   "sheet Nộp báo cáo, Lịch sử, Chưa nộp. Bản cũ của sổ được lưu trong sao_luu/.",
                       epilog=_examples("parc-xl merge so_theo_doi.xlsx hop_thu/ --period 2026-Q1"))
    s.add_argument("master", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi")
    s.add_argument("inbox", metavar="HOP_THU", help="thư mục chứa các tệp đơn vị gửi về")
    s.add_argument("--period", required=True, metavar="KỲ", help=PERIOD_HELP)
    s.add_argument("--as-of", type=_date, metavar="NGÀY", help="ngày tổng hợp (mặc định hôm nay); " + DATE_HELP)
    s.add_argument("--partial", action="store_true", help="nhận các dòng hợp lệ của tệp có lỗi")
    s.set_defaults(func=_cmd_merge)

    s = sub.add_parser("remind", parents=[common], help="đôn đốc: văn bản và thư nháp cho đơn vị chậm, quá hạn",
                       description="Tạo cho mỗi đơn vị chưa gửi báo cáo của kỳ, có nhiệm vụ quá hạn hoặc sắp đến hạn "
                                   "một văn bản đôn đốc (Word .docx, thể thức Nghị định 30/2020/NĐ-CP: số văn bản để "
                                   "trống, tô vàng để điền) và một thư nháp .eml gửi tới Thư điện tử của đơn vị, đính "
                                   "kèm văn bản; thêm một bảng Excel liệt kê mọi văn bản. Chỉ đọc sổ theo dõi, không "
                                   "ghi gì vào sổ.",
                       epilog=_examples("parc-xl remind so_theo_doi.xlsx --period 2026-Q1 -o don_doc/",
                                        "parc-xl remind so_theo_doi.xlsx --period 2026-Q1 --as-of 20/03/2026 "
                                        "-o don_doc/"))
    s.add_argument("master", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi")
    s.add_argument("--period", required=True, metavar="KỲ", help=PERIOD_HELP)
    s.add_argument("--as-of", type=_date, metavar="NGÀY", help="tính đến ngày (mặc định hôm nay); " + DATE_HELP)
    s.add_argument("-o", "--output", required=True, metavar="THU_MUC", help="thư mục ghi văn bản và thư nháp")
    s.add_argument("--due-soon", type=_days, default=10, metavar="SỐ_NGÀY",
                   help="còn bao nhiêu ngày làm việc đến hạn thì là «Sắp đến hạn» (mặc định 10, như lệnh status)")
    s.set_defaults(func=_cmd_remind)


def _status_commands(sub: Any, common: _Parser) -> None:
    """Status and report."""
    s = sub.add_parser("status", parents=[common], help="cập nhật trạng thái, màu, bảng tổng hợp",
                       description="Tính trạng thái từng dòng Theo dõi đến một ngày, tô màu, lập lại sheet Tổng hợp "
                                   "và Quá hạn. Ngày này được ghi vào sổ và lệnh report dùng lại.",
                       epilog=_examples("parc-xl status so_theo_doi.xlsx --as-of 20/03/2026"))
    s.add_argument("master", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi")
    s.add_argument("--as-of", type=_date, metavar="NGÀY", help="tính đến ngày (mặc định hôm nay); " + DATE_HELP)
    s.add_argument("--due-soon", type=_days, default=10, metavar="SỐ_NGÀY",
                   help="còn bao nhiêu ngày đến hạn thì là «Sắp đến hạn» (mặc định 10)")
    s.set_defaults(func=_cmd_status)

    s = sub.add_parser("report", parents=[common], help="lập báo cáo Word",
                       description="Lập dự thảo báo cáo Word (.docx) của kỳ và cập nhật sheet Tổng hợp, Quá hạn.",
                       epilog=_examples("parc-xl report so_theo_doi.xlsx --period 2026-Q1 -o bao_cao.docx",
                                        "parc-xl report so_theo_doi.xlsx --period 2026-Q1 -o bao_cao.docx "
                                        "--noi-nhan \"UBND Thành phố; Sở Nội vụ\""))
    s.add_argument("master", metavar="SO_THEO_DOI.xlsx", help="sổ theo dõi")
    s.add_argument("--period", required=True, metavar="KỲ", help=PERIOD_HELP)
    s.add_argument("-o", "--output", required=True, metavar="BAO_CAO.docx", help="tệp báo cáo sẽ ghi (.docx)")
    s.add_argument("--as-of", type=_date, metavar="NGÀY",
                   help="tính trạng thái đến ngày này (mặc định: ngày cập nhật trạng thái gần nhất ghi trong sổ "
                        "nếu thuộc kỳ, nếu không thì ngày chốt số liệu của kỳ); " + DATE_HELP)
    s.add_argument("--noi-nhan", metavar="CƠ_QUAN", help="nơi nhận báo cáo, cách nhau bằng dấu «;», ví dụ "
                   "\"UBND Thành phố; Sở Nội vụ\" (không ghi: báo cáo để trống dòng này, tô vàng, để điền trong Word)")
    s.set_defaults(func=_cmd_report)


def _tool_commands(sub: Any, common: _Parser) -> None:
    """Deadline, demo, addin build / install."""
    s = sub.add_parser("deadline", parents=[common], help="đọc thử một ô Thời gian hoàn thành",
                       description="Cho biết parc-xl hiểu một nội dung «Thời gian hoàn thành» là hạn nào.",
                       epilog=_examples('parc-xl deadline "Quý I/2026" --year 2026',
                                        'parc-xl deadline "Trước ngày 30/6" --year 2026'))
    s.add_argument("text", metavar="NỘI_DUNG", help="nội dung ô Thời gian hoàn thành, trong dấu ngoặc kép")
    s.add_argument("--year", type=_year, required=True, metavar="NĂM", help=YEAR_HELP)
    s.set_defaults(func=_cmd_deadline)

    s = sub.add_parser("demo", parents=[common], help="chạy thử toàn bộ quy trình trên dữ liệu mẫu",
                       description="Chạy thử một quý trên dữ liệu mẫu vào một thư mục trống (hoặc thư mục của lần "
                                   "chạy thử trước); không bao giờ xóa tệp của bạn.",
                       epilog=_examples("parc-xl demo demo_out"))
    s.add_argument("dir", nargs="?", default="parc_xl_demo", metavar="THU_MUC",
                   help="thư mục ghi kết quả (mặc định parc_xl_demo)")
    s.set_defaults(func=_cmd_demo)

    addin = sub.add_parser("addin", help="phần bổ trợ Excel", description="Phần bổ trợ (add-in) Excel.").add_subparsers(
        dest="action", required=True, parser_class=_Parser, title="các lệnh", metavar="VIỆC")
    s = addin.add_parser("build", parents=[common], help="đóng gói phần bổ trợ .xlam",
                         epilog=_examples("parc-xl addin build -o workbooks/parc_xl.xlam"))
    s.add_argument("-o", "--output", required=True, metavar="TEP.xlam", help="tệp .xlam (hoặc .oxt) sẽ ghi")
    s.add_argument("--macros", metavar="THU_MUC", help="thư mục macros/ của mã nguồn (mặc định: tự tìm)")
    s.add_argument("--target", choices=["excel", "libreoffice"], default="excel",
                   help="excel: phần bổ trợ .xlam (mặc định); libreoffice: phần mở rộng .oxt cho Calc")
    s.set_defaults(func=_cmd_addin_build)
    s = addin.add_parser("install", parents=[common], help="cài phần bổ trợ vào Excel (Windows)",
                         epilog=_examples("parc-xl addin install"))
    s.add_argument("--addin", metavar="TEP.xlam", help="tệp .xlam/.oxt cần cài (mặc định: bản đi kèm parc-xl)")
    s.add_argument("--target", choices=["excel", "libreoffice"], default="excel",
                   help="excel (Windows, mặc định) hoặc libreoffice (cài bằng unopkg)")
    s.set_defaults(func=_cmd_addin_install)


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    want_json = "--json" in argv
    debug = "--debug" in argv
    try:
        with _argparse_in_vietnamese():
            args = build_parser().parse_args(argv)
    except _ArgumentError as exc:
        msg = f"Tham số không hợp lệ: {exc}"
        if want_json:
            _emit({"error": {"code": "usage", "message": msg}})
        else:
            words = [w for w in argv if not w.startswith("-")][:2]
            known = {"plan", "units", "validate", "merge", "remind", "status", "report", "deadline", "demo", "addin"}
            cmd = "" if not words or words[0] not in known else (
                " ".join(words) if words[0] in ("plan", "units", "addin") else words[0])
            sys.stderr.write(msg + f"\nXem hướng dẫn: parc-xl {cmd + ' ' if cmd else ''}--help\n")
        return 2
    try:
        result = args.func(args)
    except ParcError as exc:
        if debug:
            traceback.print_exc()
        if want_json:
            _emit({"error": {"code": type(exc).__name__, "message": str(exc)},
                   "issues": [p.model_dump(mode="json") for p in exc.problems]})
        else:
            sys.stderr.write(f"{exc}\n")
            for p in exc.problems[:30]:
                sys.stderr.write(f"  - {p}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng theo yêu cầu.\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - the last net: never a bare traceback for clerks
        if debug:
            traceback.print_exc()
        msg = (f"Lỗi ngoài dự kiến ({type(exc).__name__}: {exc}). Hãy gửi thông báo này cho bộ phận "
               "hỗ trợ; chạy lại với --debug để xem chi tiết.")
        if want_json:
            _emit({"error": {"code": "internal", "message": msg}})
        else:
            sys.stderr.write(msg + "\n")
        return 2
    if want_json:
        _emit(result.to_json())
    else:
        sys.stdout.write(result.summary_vi() + "\n")
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
