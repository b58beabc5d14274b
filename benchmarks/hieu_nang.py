"""Write the Vietnamese "Hiệu năng" paragraph (benchmarks/HIEU_NANG.md) from run.py JSON.

    python benchmarks/run.py --load reference --json > ref.json
    python benchmarks/run.py --load large --json > large.json
    python benchmarks/hieu_nang.py ref.json large.json > benchmarks/HIEU_NANG.md
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
}


TARGET_VI = {
    "reference_merge_seconds": "Tổng hợp 60 đơn vị × 150 dòng ≤ 3 s",
    "large_merge_seconds": "Tổng hợp 1.000 đơn vị × 200 dòng ≤ 60 s",
    "large_merge_vs_baseline": "Tổng hợp nhanh hơn cách làm thông thường ≥ 3 lần",
    "large_merge_peak_mib": "Bộ nhớ đỉnh khi tổng hợp 1.000 tệp ≤ 1,5 GiB",
    "validate_one_200_row_workbook_seconds": "Kiểm tra 1 tệp 200 dòng ≤ 0,2 s",
    "status_colours_200000_rows_seconds": "Trạng thái + màu trên 200.000 dòng ≤ 15 s",
}


LOAD_VI = {"reference": "tham chiếu", "large": "lớn", "tiny": "rất nhỏ"}


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
            out.append(f"| {name} | chưa xong (xem ghi chú) | | | |")
            continue
        fl = f"{vn(e['floor_seconds'], 2)} s" if e.get("floor_seconds") else ""
        bl = f"{vn(e['baseline_seconds'])} s" if e.get("baseline_seconds") else ""
        out.append(f"| {name} | {vn(e['seconds'], 2)} s | {fl} | {bl} | "
                   f"{vn(e.get('peak_mib'), 0)} MiB |")
    return out


def main(paths: list[str]) -> str:
    reports = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]
    m = reports[0]["machine"]
    lines = [
        "## Hiệu năng",
        "",
        f"Đo ngày {reports[0]['date']} bằng `python benchmarks/run.py --json` trên máy "
        f"{m['nproc']} nhân ({m['cpu']}), {vn(m['ram_gib'], 1)} GiB RAM, Python {m['python']}; "
        "mỗi con số là trung vị của các lần chạy, mỗi lần trên bản sao mới của tệp tổng hợp. "
        "«Sàn» là thời gian chỉ đọc giá trị các tệp đơn vị bằng python-calamine; "
        "«Cách làm thông thường» là một đoạn mã openpyxl + pandas gộp cùng các tệp đó "
        "(`benchmarks/baseline.py`). Bộ nhớ là đỉnh RSS của cả tiến trình.",
        "",
    ]
    for r in reports:
        lines += [
            f"**Tải {LOAD_VI.get(r['load'], r['load'])}**: {vn(r['units'], 0)} đơn vị × "
            f"{r['rows']} nhiệm vụ "
            f"({vn(r['tracking_rows'], 0)} dòng Theo dõi), {r['repeat']} lần chạy.",
            "",
            "| Việc | Thời gian | Sàn | Cách làm thông thường | Bộ nhớ đỉnh |",
            "|---|---|---|---|---|",
            *rows(r),
            "",
        ]
    met = []
    for r in reports:
        for name, t in r["targets"].items():
            if t.get("met") is not None:
                met.append(f"- {TARGET_VI.get(name, name)}: "
                           f"{'đạt' if t['met'] else 'chưa đạt'} (đo được {vn(t['measured'], 2)})")
    if met:
        lines += ["Mục tiêu:", "", *dict.fromkeys(met), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
