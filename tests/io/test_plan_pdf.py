"""The appendix read from the signed PDF gives exactly the plan its .docx gives.

The PDFs are printed here by LibreOffice (own throw-away profile) from the bundled
sample appendices and variants of them made with python-docx: portrait and landscape,
two header wordings, the header repeated on each page or not, rows split by a page
break, a row longer than a page (a page holding only its continuation), and tables that
are not the appendix before and after it. Bad PDFs (scanned, encrypted, damaged, a
non-PDF named .pdf) are refused with a record.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image

from parc_xl.cli import main
from parc_xl.domain.appendix import find_header
from parc_xl.domain.models import Plan
from parc_xl.errors import InputError
from parc_xl.io.plan_docx import read_docx
from parc_xl.io.plan_reader import read_appendix
from parc_xl.samples import build_samples

pytestmark = pytest.mark.libreoffice

SAMPLES = Path(build_samples.__file__).resolve().parent
OTHER_WORDS = ("TT", "Nội dung công việc", "Kết quả đầu ra", "Đơn vị chủ trì", "Đơn vị phối hợp",
               "Thời hạn hoàn thành")
LONG_PRODUCT = [f"- Báo cáo kết quả thực hiện tại đơn vị số {i:02d}" for i in range(1, 61)]


def plan_as_data(plan: Plan) -> dict:
    """The plan without where each row sat in its file (a table row vs a page row)."""
    data = plan.model_dump(exclude={"source"})
    for task in data["tasks"]:
        task.pop("source_row")
    return data


# --------------------------------------------------------------------------------------
# Variants of the sample appendix (python-docx), printed by LibreOffice


def _appendix_tables(doc) -> list:  # noqa: ANN001 - python-docx Document
    return [t for t in doc.tables if find_header([c.text for c in t.rows[0].cells])]


def _portrait(doc) -> None:  # noqa: ANN001
    """A4 portrait, the appendix's column widths scaled to the narrower page."""
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
    factor = 17.0 / sum(build_samples.WIDTHS)
    for table in doc.tables:
        for el in table._tbl.iter(qn("w:tcW"), qn("w:gridCol")):
            if el.get(qn("w:w")):
                el.set(qn("w:w"), str(int(int(el.get(qn("w:w"))) * factor)))


def _repeat_header(doc) -> None:  # noqa: ANN001
    for table in _appendix_tables(doc):
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))


def _header_words(doc, words: tuple[str, ...]) -> None:  # noqa: ANN001
    for table in _appendix_tables(doc):
        for cell, word in zip(table.rows[0].cells, words):
            runs = cell.paragraphs[0].runs
            for run in runs:
                run.text = ""
            runs[-1].text = word


def _long_row(doc) -> None:  # noqa: ANN001
    """Task 2.2's product becomes 60 paragraphs: its row runs over more than a page."""
    for table in _appendix_tables(doc):
        for row in table.rows:
            if row.cells[0].text == "2.2":
                cell = row.cells[2]
                cell.text = LONG_PRODUCT[0]
                for item in LONG_PRODUCT[1:]:
                    cell.add_paragraph(item)
                return
    raise AssertionError("task 2.2 not in the sample")


def _table_after(doc) -> None:  # noqa: ANN001
    """A second appendix that is not the task table (same six columns) on a new page."""
    doc.add_page_break()
    doc.add_paragraph("PHỤ LỤC 2")
    doc.add_paragraph("DANH SÁCH ĐẦU MỐI CẢI CÁCH HÀNH CHÍNH")
    t = doc.add_table(rows=1, cols=6)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Điện thoại", "Ghi chú")):
        cell.text = text
    for i in range(1, 6):
        r = t.add_row()
        for cell, text in zip(r.cells, (str(i), f"Nguyễn Văn {chr(64 + i)}", "Chuyên viên", "Phòng Nội vụ huyện",
                                       f"0270 382 00{i}", "")):
            cell.text = text


def _table_first(doc) -> None:  # noqa: ANN001
    """A ruled six-column table in the plan's body (not the appendix) before the appendix."""
    body = doc.element.body
    anchor = next(p for p in body.iterchildren(qn("w:p")) if "MỤC ĐÍCH" in "".join(p.itertext()))
    t = doc.add_table(rows=2, cols=6)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ("STT", "Chỉ số", "Năm 2024", "Năm 2025", "Mục tiêu", "Ghi chú")):
        cell.text = text
    for cell, text in zip(t.rows[1].cells, ("1", "Chỉ số CCHC", "85,1", "86,4", "88", "")):
        cell.text = text
    anchor.addnext(t._tbl)


VARIANTS = {
    "landscape": ("ke_hoach_mau.docx", []),
    "portrait": ("ke_hoach_mau.docx", [_portrait]),
    "landscape_repeated_header": ("ke_hoach_mau.docx", [_repeat_header]),
    "portrait_repeated_header": ("ke_hoach_mau.docx", [_portrait, _repeat_header]),
    "portrait_other_words": ("ke_hoach_mau.docx", [_portrait, lambda d: _header_words(d, OTHER_WORDS)]),
    "roman_landscape": ("ke_hoach_mau_la_ma.docx", []),
    "roman_portrait": ("ke_hoach_mau_la_ma.docx", [_portrait, _repeat_header]),
    "long_row_portrait": ("ke_hoach_mau.docx", [_portrait, _long_row]),
    "long_row_landscape_repeated_header": ("ke_hoach_mau.docx", [_long_row, _repeat_header]),
    "two_tables": ("ke_hoach_mau.docx", [_table_first, _table_after]),
}


def _lo_convert(soffice: str, profile: Path, outdir: Path, sources: list[Path], target: str = "pdf") -> None:
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(outdir), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lo_profile")


@pytest.fixture(scope="session")
def variants(tmp_path_factory: pytest.TempPathFactory, soffice: str, lo_profile: Path) -> dict[str, tuple[Path, Path]]:
    """name → (.docx, the .pdf LibreOffice printed from it)."""
    folder = tmp_path_factory.mktemp("pdf_variants")
    out: dict[str, tuple[Path, Path]] = {}
    for name, (sample, edits) in VARIANTS.items():
        doc = Document(str(SAMPLES / sample))
        for edit in edits:
            edit(doc)
        path = folder / f"{name}.docx"
        doc.save(str(path))
        out[name] = (path, path.with_suffix(".pdf"))
    _lo_convert(soffice, lo_profile, folder, [d for d, _ in out.values()])
    return out


def _pages(pdf_path: Path) -> list[list[list[str | None]]]:
    """The first ruled table of each page, as pdfplumber sees it (for checking the variants)."""
    with pdfplumber.open(str(pdf_path)) as pdf:
        return [next(iter(p.extract_tables()), []) for p in pdf.pages]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_pdf_gives_the_plan_its_docx_gives(variants: dict[str, tuple[Path, Path]], name: str) -> None:
    docx_path, pdf_path = variants[name]
    from_docx, docx_problems = read_docx(docx_path, 2026)
    from_pdf, pdf_problems = read_appendix(pdf_path, 2026)
    assert [p.code for p in pdf_problems] == [p.code for p in docx_problems]
    assert plan_as_data(from_pdf) == plan_as_data(from_docx)
    assert from_pdf.tasks and from_pdf.issuer and from_pdf.title
    assert from_pdf.source == pdf_path.name


def test_the_variants_cover_what_they_claim(variants: dict[str, tuple[Path, Path]]) -> None:
    def continued_pages(name: str) -> list[list[str | None]]:
        """First rows of pages whose table starts in the middle of a row (no STT, no header)."""
        return [t[0] for t in _pages(variants[name][1])[1:] if t and not t[0][0] and not find_header(t[0])]

    def orientation(name: str) -> set[str]:
        with pdfplumber.open(str(variants[name][1])) as pdf:
            return {"portrait" if p.height > p.width else "landscape" for p in pdf.pages}

    assert orientation("portrait") == {"portrait"} and orientation("landscape") == {"landscape"}
    portrait = _pages(variants["portrait"][1])
    assert continued_pages("landscape") and continued_pages("portrait"), "rows split over a page break"
    def header_rows(name: str) -> int:
        with pdfplumber.open(str(variants[name][1])) as pdf:
            return sum(1 for p in pdf.pages for t in p.extract_tables() if t and find_header(t[0]))

    assert header_rows("portrait_repeated_header") >= len(portrait) - 1, "the header repeats on each page"
    assert header_rows("portrait") == 2, "without the flag the header shows once per Word table"
    # a page whose whole table is the continuation of task 2.2's product list
    only = [t for t in _pages(variants["long_row_portrait"][1]) if len(t) == 1 and not t[0][0]]
    assert len(only) >= 2 and "Báo cáo kết" in (only[0][0][2] or "")
    plan, _ = read_appendix(variants["long_row_portrait"][1], 2026)
    assert plan.task("2.2").product == " ".join(LONG_PRODUCT)


def test_two_tables_the_appendix_is_picked(variants: dict[str, tuple[Path, Path]]) -> None:
    plan, _ = read_appendix(variants["two_tables"][1], 2026)
    assert len(plan.tasks) == build_samples.TOTAL_TASKS
    assert not any("Nguyễn Văn" in t.task or t.product in ("85,1", "Chuyên viên") for t in plan.tasks)
    with pdfplumber.open(str(variants["two_tables"][1])) as pdf:
        assert sum(len(p.find_tables()) for p in pdf.pages) >= 4, "the body and Phụ lục 2 tables are printed"


def test_plan_import_from_pdf_via_the_cli(variants: dict[str, tuple[Path, Path]], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    results = {}
    for src in variants["portrait"]:
        master = tmp_path / f"{src.suffix[1:]}.xlsx"
        code = main(["plan", "import", str(src), "--year", "2026", "-o", str(master), "--json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 0 and master.exists()
        results[src.suffix] = (data["tasks"], data["areas"], data["units"])
    assert results[".pdf"] == results[".docx"]


# --------------------------------------------------------------------------------------
# Refusals


def _expect_record(path: Path, code: str, *words: str) -> InputError:
    with pytest.raises(InputError) as info:
        read_appendix(path, 2026)
    message = str(info.value)
    for word in words:
        assert word in message, message
    assert unicodedata.is_normalized("NFC", message)
    assert [p.code for p in info.value.problems] == [code]
    return info.value


@pytest.fixture(scope="session")
def scanned_pdf(variants: dict[str, tuple[Path, Path]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The landscape PDF rasterised (poppler) and saved back as images only (Pillow)."""
    folder = tmp_path_factory.mktemp("scan")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(variants["landscape"][1]), str(folder / "p")],
                   check=True, capture_output=True, timeout=120)
    images = [Image.open(p).convert("RGB") for p in sorted(folder.glob("p*.png"))]
    path = folder / "ban_scan.pdf"
    images[0].save(path, save_all=True, append_images=images[1:])
    return path


def test_scanned_pdf_is_refused_with_advice(scanned_pdf: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _expect_record(scanned_pdf, "plan-pdf-scanned", "bản scan", "không có lớp chữ", ".docx")
    master = tmp_path / "so.xlsx"
    code = main(["plan", "import", str(scanned_pdf), "--year", "2026", "-o", str(master), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2 and not master.exists()
    assert "bản scan" in data["error"]["message"]


def test_encrypted_pdf_is_refused(variants: dict[str, tuple[Path, Path]], soffice: str, lo_profile: Path,
                                  tmp_path: Path) -> None:
    options = json.dumps({"EncryptFile": {"type": "boolean", "value": "true"},
                          "DocumentOpenPassword": {"type": "string", "value": "123"}})
    _lo_convert(soffice, lo_profile, tmp_path, [variants["landscape"][0]], f"pdf:writer_pdf_Export:{options}")
    path = tmp_path / "landscape.pdf"
    with pdfplumber.open(str(path), password="123") as pdf:
        assert pdf.doc.encryption is not None, "LibreOffice wrote an encrypted PDF"
    _expect_record(path, "plan-pdf-encrypted", "mật khẩu")


def test_damaged_pdf_is_refused(variants: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    _expect_record(path, "plan-pdf-damaged", "bị hỏng")


@pytest.mark.parametrize("content", ["docx", "png", "text"])
def test_non_pdf_named_pdf_is_refused(content: str, variants: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach.pdf"
    if content == "docx":
        path.write_bytes(variants["landscape"][0].read_bytes())
    elif content == "png":
        Image.new("RGB", (40, 40), "white").save(path, format="PNG")
    else:
        path.write_text("STT\tNhiệm vụ\n1\tViệc", encoding="utf-8")
    _expect_record(path, "plan-not-pdf", "không phải PDF")


def test_pdf_without_the_appendix_table(soffice: str, lo_profile: Path, tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Kế hoạch cải cách hành chính năm 2026 (bản không có phụ lục)")
    t = doc.add_table(rows=2, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text = "Nơi nhận"
    src = tmp_path / "khong_phu_luc.docx"
    doc.save(str(src))
    _lo_convert(soffice, lo_profile, tmp_path, [src])
    _expect_record(src.with_suffix(".pdf"), "plan-no-table", "Không tìm thấy bảng phụ lục")


def test_no_pdf_left_in_the_repository() -> None:
    """Generated PDFs are made by the tests, never committed."""
    repo = Path(__file__).resolve().parents[2]
    tracked = subprocess.run(["git", "-C", str(repo), "ls-files", "*.pdf"], capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert tracked.stdout.strip() == ""

