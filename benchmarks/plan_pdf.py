"""Speed target (issue 16): a 20-page appendix PDF imports in well under 10 s.

Builds a long appendix from the bundled sample (its areas repeated with new numbers) in
Word, prints it to PDF with LibreOffice (a throw-away profile), then times
`read_appendix` on the PDF and prints the figure. Run: `python -m benchmarks.plan_pdf`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docx import Document

from parc_xl.io.plan_reader import read_appendix
from parc_xl.samples import build_samples

TARGET_PAGES = 20
LIMIT_S = 10.0


def build_long_docx(path: Path, copies: int) -> int:
    """The sample appendix repeated `copies` times (areas 1..8, 9..16, …); its task count."""
    rows: list[build_samples.Row] = []
    for k in range(copies):
        for stt, *cells in build_samples.ROWS:
            if stt:
                head, _, rest = stt.partition(".")
                stt = str(int(head) + 8 * k) + ("." + rest if rest else "")
            rows.append((stt, *cells))  # type: ignore[arg-type]
    doc = Document()
    build_samples._set_font(doc)
    build_samples._landscape(doc)
    build_samples._centered(doc, "PHỤ LỤC", bold=True)
    build_samples._centered(doc, build_samples.TITLE, bold=True)
    build_samples._appendix_table(doc, build_samples.HEADER, rows, build_samples.WIDTHS)
    doc.save(str(path))
    return build_samples.TOTAL_TASKS * copies


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="parc_pdf_bench_") as tmp:
        folder = Path(tmp)
        copies, pages, tasks = 2, 0, 0
        while True:
            src = folder / "phu_luc_dai.docx"
            tasks = build_long_docx(src, copies)
            subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                           check=True, capture_output=True, timeout=300)
            pdf = src.with_suffix(".pdf")
            out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            pages = int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
            if pages >= TARGET_PAGES:
                break
            copies += 1
        start = time.perf_counter()
        plan, _ = read_appendix(pdf, 2026)
        seconds = time.perf_counter() - start
    assert len(plan.tasks) == tasks, (len(plan.tasks), tasks)
    verdict = "OK" if seconds < LIMIT_S else "TOO SLOW"
    print(f"plan import PDF: {pages} pages, {len(plan.tasks)} tasks read in {seconds:.2f} s "
          f"({seconds / pages:.3f} s/page; target < {LIMIT_S:.0f} s) {verdict}")
    return 0 if seconds < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
