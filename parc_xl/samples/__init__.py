"""Bundled sample data: a fictional office's CCHC appendix in three formats, and the
simulated unit returns the demo uses."""

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent
SAMPLE_APPENDIX = SAMPLES_DIR / "ke_hoach_mau.docx"
SAMPLE_YEAR = 2026
