"""Render files with LibreOffice and sample pixel colours (no imaging library needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def to_pdf(soffice: str, path: Path, outdir: Path) -> Path:
    profile = outdir / "lo_profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = outdir / (path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not convert {path.name}"
    return pdf


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def find_page(pdf: Path, needle: str) -> int:
    for page in range(1, page_count(pdf) + 1):
        if needle in page_text(pdf, page):
            return page
    raise AssertionError(f"no page of {pdf.name} shows {needle!r}")


def render(pdf: Path, page: int, stem: Path, dpi: int = 60) -> tuple[Path, list[tuple[int, int, int]]]:
    """PNG of one page (for people) and its pixels (from the same renderer, as PPM)."""
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-png", "-r", str(dpi),
                    "-singlefile", str(pdf), str(stem)], check=True, timeout=60)
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi),
                    "-singlefile", str(pdf), str(stem)], check=True, timeout=60)
    ppm = stem.with_suffix(".ppm").read_bytes()
    # P6 header: magic, width, height, maxval separated by whitespace
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6"
    data = parts[4]
    pixels = [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data) - 2, 3)]
    return stem.with_suffix(".png"), pixels


def count_colour(pixels: list[tuple[int, int, int]], hex_rgb: str, tol: int = 4) -> int:
    r, g, b = (int(hex_rgb[i : i + 2], 16) for i in (0, 2, 4))
    return sum(1 for p in pixels if abs(p[0] - r) <= tol and abs(p[1] - g) <= tol and abs(p[2] - b) <= tol)
