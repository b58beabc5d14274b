"""Write the Vietnamese "Hiệu năng" paragraph (benchmarks/HIEU_NANG.md) from run.py JSON.

    python benchmarks/run.py --load reference --fresh --json > ref.json
    python benchmarks/run.py --load large --json > large.json
    python benchmarks/run.py --load status-200k --json > status.json
    python benchmarks/run.py --growth --json > growth.json
    python benchmarks/hieu_nang.py ref.json large.json status.json growth.json > benchmarks/HIEU_NANG.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

JOB_VI = {
    "import": "Nhập kế hoạch", "generate": "Tạo mẫu đơn vị", "validate": "Kiểm tra",
    "merge": "Tổng hợp", "status": "Cập nhật trạng thái", "report": "Báo cáo",
    "validate_one_workbook": "Kiểm tra 1 tệp 200 dòng",
    "status_colours_big": "Trạng thái + màu trên 200.000 dòng",
    "cold_start": "Khởi động khi bấm một nút (chậm nhất)",
}


TARGET_VI = {
    "reference_merge_vs_floor": "Tổng hợp 60 đơn vị ≤ 3 lần sàn",
    "reference_validate_vs_floor": "Kiểm tra 60 tệp ≤ 3 lần sàn",
    "reference_merge_vs_baseline": "Tổng hợp 60 đơn vị nhanh hơn cách làm thông thường ≥ 5 lần",
    "large_merge_vs_floor": "Tổng hợp 1.000 đơn vị ≤ 3 lần sàn",
    "large_merge_vs_baseline": "Tổng hợp 1.000 đơn vị nhanh hơn cách làm thông thường ≥ 5 lần",
    "large_merge_peak_mib": "Bộ nhớ đỉnh khi tổng hợp 1.000 tệp ≤ 1,2 GiB (1.228,8 MiB)",
    "large_generate_seconds": "Tạo 1.000 tệp mẫu đơn vị ≤ 60 s",
    "large_import_seconds": "Nhập kế hoạch 1.000 đơn vị × 200 nhiệm vụ ≤ 30 s",
    "cold_start_seconds": "Khởi động khi bấm một nút ≤ 0,4 s",
    "validate_one_200_row_workbook_seconds": "Kiểm tra 1 tệp 200 dòng ≤ 0,2 s",
    "status_colours_200000_rows_seconds": "Trạng thái + màu trên 200.000 dòng ≤ 15 s",
}


LOAD_VI = {"reference": "tham chiếu", "large": "lớn", "tiny": "rất nhỏ",
           "status-200k": "trạng thái 200.000 dòng"}


def vn(x: float | None, digits: int = 1) -> str:
    """Vietnamese number: decimal comma, dot for thousands."""
    if x is None:
        return "—"
    s = f"{x:,.{digits}f}"
    return s.replace(",", " ").replace(".", ",").replace(" ", ".")


def rows(report: dict[str, Any]) -> list[str]:
    out = []
    for job, e in report["jobs"].items():
        name = JOB_VI.get(job, job)
        if e.get("seconds") is None:
            out.append(f"| {name} | chưa xong (xem ghi chú) | | | | | |")
            continue
        fl = f"{vn(e['floor_seconds'], 2)} s" if e.get("floor_seconds") else ""
        rf = f"{vn(e['ratio_floor'], 1)}" if e.get("ratio_floor") else ""
        bl = f"{vn(e['baseline_seconds'])} s" if e.get("baseline_seconds") else ""
        rb = f"{vn(e['ratio_baseline'], 1)}" if e.get("ratio_baseline") else ""
        peak = f"{vn(e.get('peak_mib'), 0)} MiB" if e.get("peak_mib") else ""
        out.append(f"| {name} | {vn(e['seconds'], 2)} s | {fl} | {rf} | {bl} | {rb} | {peak} |")
    return out


def measured_on(report: dict[str, Any]) -> str:
    """", tải trung bình 0,1, mã abc1234": the machine's load as the run started and the code measured."""
    m = report.get("machine", {})
    load = f", tải trung bình {vn(m['load_average'], 1)}" if m.get("load_average") is not None else ""
    return load + (f", mã `{m['commit']}`" if m.get("commit") else "")


def growth(report: dict[str, Any]) -> list[str]:
    lines = [f"**Tăng số đơn vị** ({report['rows']} nhiệm vụ mỗi đơn vị, {report['repeat']} lần chạy"
             f"{measured_on(report)}): "
             "thời gian trên mỗi tệp đơn vị (trạng thái: trên mỗi đơn vị của sổ) và số lần so với sàn.", "",
             "| Đơn vị | Tệp | Kiểm tra | ms/tệp | × sàn | Tổng hợp | ms/tệp | × sàn | Trạng thái | ms/đơn vị |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["growth"]:
        v, m, st = r.get("validate", {}), r.get("merge", {}), r.get("status", {})
        lines.append(f"| {vn(r['units'], 0)} | {vn(r['files'], 0)} | {vn(v.get('seconds'), 2)} s | "
                     f"{vn(v.get('ms_per_unit'), 0)} | {vn(v.get('ratio_floor'), 1)} | {vn(m.get('seconds'), 2)} s | "
                     f"{vn(m.get('ms_per_unit'), 0)} | {vn(m.get('ratio_floor'), 1)} | {vn(st.get('seconds'), 2)} s | "
                     f"{vn(st.get('ms_per_unit'), 0)} |")
    return lines + [""]


def main(paths: list[str]) -> str:
    reports = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]
    m = reports[0]["machine"]
    lines = [
        "## Hiệu năng",
        "",
        f"Đo ngày {reports[0]['date']} bằng `python benchmarks/run.py … --json` trên máy "
        f"{m['nproc']} nhân ({m['cpu']}), {vn(m['ram_gib'], 1)} GiB RAM, Python {m['python']}, "
        "có lúc dùng chung với các phiên làm việc khác (khi đó thời gian tuyệt đối dao động ±50 %, nên "
        "mục tiêu được tính bằng tỷ lệ đo trong cùng một lần chạy; tải trung bình của máy lúc bắt đầu "
        "ghi ở từng bảng, 0 là máy rảnh); mỗi con số là trung vị của các lần chạy, "
        "mỗi lần trên bản sao mới của tệp tổng hợp. «Sàn» là thời gian chỉ đọc giá trị các tệp đơn vị "
        "bằng python-calamine; «Cách làm thông thường» là một đoạn mã openpyxl + pandas gộp cùng các "
        "tệp đó (`benchmarks/baseline.py`). Bộ nhớ là đỉnh RSS của cả tiến trình.",
        "",
    ]
    for r in reports:
        if r.get("mode") == "growth":
            lines += growth(r)
            continue
        lines += [
            f"**Tải {LOAD_VI.get(r['load'], r['load'])}**: {vn(r['units'], 0)} đơn vị × "
            f"{r['rows']} nhiệm vụ ({vn(r['tracking_rows'], 0)} dòng Theo dõi), "
            f"`--load {r['load']}`, {r['repeat']} lần chạy"
            + (f" (nhập, tạo mẫu, báo cáo, cách làm thông thường: {r['repeat_slow']} lần)"
               if r.get("repeat_slow") and r["repeat_slow"] != r["repeat"] else "")
            + (f", cả lần chạy {vn(r['wall_seconds'] / 60, 1)} phút" if r.get("wall_seconds") else "")
            + measured_on(r) + ".",
            "",
            "| Việc | Thời gian | Sàn | × sàn | Cách làm thông thường | Nhanh hơn (lần) | Bộ nhớ đỉnh |",
            "|---|---|---|---|---|---|---|",
            *rows(r),
            "",
        ]
    met = []
    for r in reports:
        where = LOAD_VI.get(r.get("load", ""), r.get("load", ""))
        for name, t in r.get("targets", {}).items():
            if t.get("met") is not None:
                met.append(f"- {TARGET_VI.get(name, name)}: "
                           f"{'đạt' if t['met'] else 'chưa đạt'} (đo được {vn(t['measured'], 2)}, tải {where})")
    if met:
        lines += ["Mục tiêu:", "", *dict.fromkeys(met), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
