"""`parc-xl` command line: parse arguments, call one job, print its result.

No logic lives here. `--json` prints exactly one JSON object on stdout. Exit codes:
0 success; 1 the job found errors in the user's data; 2 unusable input or arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from pathlib import Path
from typing import Any

from parc_xl import __version__
from parc_xl.domain.calendar import parse_user_date
from parc_xl.errors import ParcError


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so errors follow our exit-code contract."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgumentError(message)


def _date(text: str) -> dt.date:
    try:
        return parse_user_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cmd_plan_import(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import plan_import

    return plan_import.run(Path(a.source), a.year, Path(a.output), Path(a.units) if a.units else None)


def _cmd_units_generate(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import units_generate

    return units_generate.run(Path(a.master), a.period, Path(a.output), a.unit or None)


def _cmd_validate(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import validate

    return validate.run([Path(f) for f in a.files], Path(a.master) if a.master else None, a.as_of,
                        Path(a.annotate) if a.annotate else None)


def _cmd_merge(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import merge

    return merge.run(Path(a.master), Path(a.inbox), a.period, as_of=a.as_of, partial=a.partial)


def _cmd_status(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import status

    return status.run(Path(a.master), a.as_of or dt.date.today(), due_soon=a.due_soon)


def _cmd_report(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import report

    return report.run(Path(a.master), a.period, Path(a.output), as_of=a.as_of)


def _cmd_deadline(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import deadline

    return deadline.run(a.text, a.year)


def _cmd_demo(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import demo

    return demo.run(Path(a.dir))


def _cmd_addin_build(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import addin

    return addin.build(Path(a.output))


def _cmd_addin_install(a: argparse.Namespace) -> Any:
    from parc_xl.jobs import addin

    return addin.install(Path(a.addin) if a.addin else None)


def build_parser() -> _Parser:
    p = _Parser(prog="parc-xl", description="Theo dõi Kế hoạch cải cách hành chính (CCHC) trong Excel.")
    p.add_argument("--version", action="version", version=f"parc-xl {__version__}")
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="in kết quả dạng một đối tượng JSON")
    common.add_argument("--debug", action="store_true", help="in chi tiết lỗi kỹ thuật (traceback)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    plan = sub.add_parser("plan", help="kế hoạch").add_subparsers(dest="action", required=True, parser_class=_Parser)
    s = plan.add_parser("import", parents=[common], help="nhập Phụ lục kế hoạch vào sổ theo dõi mới")
    s.add_argument("source")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--units", help="tệp Excel có sheet Đơn vị / Nhóm đơn vị")
    s.set_defaults(func=_cmd_plan_import)

    units = sub.add_parser("units", help="mẫu đơn vị").add_subparsers(dest="action", required=True, parser_class=_Parser)
    s = units.add_parser("generate", parents=[common], help="tạo mỗi đơn vị một tệp báo cáo")
    s.add_argument("master")
    s.add_argument("--period", required=True)
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--unit", action="extend", nargs="+", help="chỉ tạo cho các đơn vị có mã này")
    s.set_defaults(func=_cmd_units_generate)

    s = sub.add_parser("validate", parents=[common], help="kiểm tra tệp báo cáo của đơn vị")
    s.add_argument("files", nargs="+")
    s.add_argument("--master")
    s.add_argument("--as-of", type=_date)
    s.add_argument("--annotate", help="thư mục ghi bản sao có đánh dấu lỗi")
    s.set_defaults(func=_cmd_validate)

    s = sub.add_parser("merge", parents=[common], help="tổng hợp các tệp báo cáo vào sổ theo dõi")
    s.add_argument("master")
    s.add_argument("inbox")
    s.add_argument("--period", required=True)
    s.add_argument("--as-of", type=_date)
    s.add_argument("--partial", action="store_true", help="nhận các dòng hợp lệ của tệp có lỗi")
    s.set_defaults(func=_cmd_merge)

    s = sub.add_parser("status", parents=[common], help="cập nhật trạng thái, màu, bảng tổng hợp")
    s.add_argument("master")
    s.add_argument("--as-of", type=_date)
    s.add_argument("--due-soon", type=int, default=10)
    s.set_defaults(func=_cmd_status)

    s = sub.add_parser("report", parents=[common], help="lập báo cáo Word")
    s.add_argument("master")
    s.add_argument("--period", required=True)
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--as-of", type=_date, help="tính trạng thái đến ngày này (mặc định: ngày chốt số liệu của kỳ)")
    s.set_defaults(func=_cmd_report)

    s = sub.add_parser("deadline", parents=[common], help="đọc thử một ô Thời gian hoàn thành")
    s.add_argument("text")
    s.add_argument("--year", type=int, required=True)
    s.set_defaults(func=_cmd_deadline)

    s = sub.add_parser("demo", parents=[common], help="chạy thử toàn bộ quy trình trên dữ liệu mẫu")
    s.add_argument("dir", nargs="?", default="parc_xl_demo")
    s.set_defaults(func=_cmd_demo)

    addin = sub.add_parser("addin", help="add-in Excel").add_subparsers(dest="action", required=True, parser_class=_Parser)
    s = addin.add_parser("build", parents=[common], help="đóng gói add-in .xlam")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=_cmd_addin_build)
    s = addin.add_parser("install", parents=[common], help="cài add-in vào Excel (Windows)")
    s.add_argument("--addin")
    s.set_defaults(func=_cmd_addin_install)
    return p


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    want_json = "--json" in argv
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
    except _ArgumentError as exc:
        msg = f"Tham số không hợp lệ: {exc}"
        if want_json:
            _emit({"error": {"code": "usage", "message": msg}})
        else:
            sys.stderr.write(msg + "\nXem: parc-xl --help\n")
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
