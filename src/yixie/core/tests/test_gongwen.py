"""公文 in Word and PDF (core/gongwen.py, docs/decisions/0022). The PDF tests need fonts-noto-cjk, which
scripts/ensure-browser.sh installs before the suite runs."""

from __future__ import annotations

import io
from datetime import date

import pypdfium2
import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from yixie.core.errors import DomainError
from yixie.core.gongwen import (
    FONT_BODY,
    FONT_HEI,
    FONT_TITLE,
    Gongwen,
    GongwenFontMissing,
    GongwenTable,
    _em,
    _signature_indents,
    break_lines,
    render_docx,
    render_pdf,
    title_lines,
)

COLUMNS = ["序号", "机构名称", "牵头部门", "调整方式", "说明"]
DEPARTMENTS = ["市发展和改革委员会", "市农业农村局", "市应急管理局", "市教育局", "市卫生健康委员会"]


def _rows(count: int, first: int) -> list[list[str]]:
    return [
        [str(i + 1), f"潍坊市第{first + i}项重点工作推进领导小组", DEPARTMENTS[i % 5], ("保留", "撤销")[i % 2],
         "职责并入市安全生产委员会，不再保留。" if i % 4 == 0 else ""]
        for i in range(count)
    ]


TITLE = "关于公布市级议事协调机构调整规范结果的通知"
DOC = Gongwen(
    issuer="中共潍坊市委办公室　潍坊市人民政府办公室",
    number="潍办发〔2019〕12号",
    title=TITLE,
    recipients="各县市区委、县市区人民政府，市委各部委，市政府各部门：",
    paragraphs=[
        "经市委、市政府同意，现将市级议事协调机构调整规范结果公布如下。",
        "一、总体情况",
        "此次共清理规范市级议事协调机构292个，保留133个，撤销159个。",
    ],
    tables=[
        GongwenTable("二、保留的议事协调机构（133个）", COLUMNS, _rows(133, 1)),
        GongwenTable("三、撤销的议事协调机构（17个）", COLUMNS, _rows(17, 501), widths=[1, 5, 4, 2, 4]),
    ],
    signature="中共潍坊市委办公室　潍坊市人民政府办公室",
    issued_on=date(2019, 6, 28),
    copy_to="市人大常委会办公室，市政协办公室，市法院，市检察院",
    printed_by="中共潍坊市委办公室",
    classification="内部",
)


@pytest.fixture(scope="module")
def word():
    return Document(io.BytesIO(render_docx(DOC)))


@pytest.fixture(scope="module")
def pdf_bytes():
    return render_pdf(DOC)


def _page_texts(pdf: bytes) -> list[str]:
    """Each page's text without white space, as PDFium (Chromium's reader) extracts it. (pypdf misreads
    the embedded CID encoding CMap that fpdf2 writes for CFF fonts; poppler and PDFium read it.)"""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return ["".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def _east_asia(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def _paragraph(word, text: str):
    return next(p for p in word.paragraphs if p.text.replace("\n", "") == text)


# --- Word ---------------------------------------------------------------------------------------------


def test_docx_has_the_head_title_recipients_and_signature(word):
    texts = [p.text.replace("\n", "") for p in word.paragraphs]
    assert "中共潍坊市委办公室" in texts and "潍坊市人民政府办公室" in texts  # joint issuers, one a line
    assert DOC.number in texts
    assert TITLE in texts
    assert DOC.recipients in texts
    assert "2019年6月28日" in texts
    assert texts.index(DOC.number) < texts.index(TITLE) < texts.index(DOC.recipients)


def test_docx_names_the_official_fonts(word):
    title = [r for r in _paragraph(word, TITLE).runs if r.text.strip()]  # lines, between them a break
    assert len(title) == 2 and {_east_asia(r) for r in title} == {FONT_TITLE}
    assert title[0]._r.rPr.rFonts.get(qn("w:ascii")) == FONT_TITLE
    assert title[0].font.size.pt == 22  # 2号
    issuer = _paragraph(word, "中共潍坊市委办公室")
    assert _east_asia(issuer.runs[0]) == FONT_TITLE
    assert str(issuer.runs[0].font.color.rgb) == "E60012"  # the red 发文机关标志
    body = _paragraph(word, DOC.paragraphs[0])
    assert _east_asia(body.runs[0]) == FONT_BODY
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:ascii")) == FONT_BODY
    assert body.runs[0].font.size.pt == 16  # 3号
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    assert _east_asia(_paragraph(word, "一、总体情况").runs[0]) == FONT_HEI


def test_docx_red_separator_under_the_number(word):
    number = _paragraph(word, DOC.number)
    bottom = number._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    assert bottom is not None and bottom.get(qn("w:color")) == "E60012"


def test_docx_page_is_a4_with_the_standard_margins(word):
    section = word.sections[0]
    for value, mm in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                      (section.left_margin, 28), (section.right_margin, 26), (section.bottom_margin, 35)):
        assert abs(value.mm - mm) < 0.1


def test_docx_tables_repeat_their_header_row(word):
    kept, abolished = word.tables[0], word.tables[1]
    assert [c.text for c in kept.rows[0].cells] == COLUMNS
    assert len(kept.rows) == 134 and len(abolished.rows) == 18
    assert kept.rows[1].cells[1].text == "潍坊市第1项重点工作推进领导小组"
    assert abolished.rows[17].cells[1].text == "潍坊市第517项重点工作推进领导小组"
    assert kept.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert kept.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert _east_asia(kept.rows[0].cells[0].paragraphs[0].runs[0]) == FONT_HEI
    assert _east_asia(kept.rows[5].cells[1].paragraphs[0].runs[0]) == FONT_BODY
    assert kept.rows[5].cells[1].paragraphs[0].runs[0].font.size.pt == 12  # 小4号
    widths = [c.width.mm for c in abolished.rows[3].cells]
    assert abs(sum(widths) - 156) < 0.5 and abs(widths[1] / widths[0] - 5) < 0.1  # the given widths


def test_docx_banji_and_page_numbers(word):
    banji = word.tables[2]
    assert banji.rows[0].cells[0].text == "抄送：市人大常委会办公室，市政协办公室，市法院，市检察院。"
    assert banji.rows[1].cells[0].text == "中共潍坊市委办公室\t2019年6月28日印发"
    footer = word.sections[0].footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ")
    assert word.settings.odd_and_even_pages_header_footer


# --- PDF ----------------------------------------------------------------------------------------------


def test_pdf_embeds_its_fonts_and_has_the_text(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) > 1
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descendant.get_object()["/BaseFont"]))
    assert any("NotoSerifCJK" in name for name in embedded), embedded
    text = "".join(_page_texts(pdf_bytes))
    assert TITLE in text
    assert DOC.number in text
    assert "潍坊市第77项重点工作推进领导小组" in text
    assert "潍坊市第517项重点工作推进领导小组" in text
    assert "2019年6月28日印发" in text
    assert "—1—" in text


def test_pdf_repeats_the_table_header_on_each_page(pdf_bytes):
    pages = _page_texts(pdf_bytes)
    continued = [p for p in pages[1:-1] if "重点工作推进领导小组" in p]
    assert continued and all("机构名称" in p and "牵头部门" in p for p in continued)


def test_pdf_first_page_has_the_red_head(pdf_bytes):
    document = pypdfium2.PdfDocument(pdf_bytes)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()
    w, h = image.size
    head = image.crop((0, int(h * 0.2), w, int(h * 0.4)))
    red = sum(1 for r, g, b in head.get_flattened_data() if r > 180 and g < 80 and b < 80)
    assert red > 3000  # the 发文机关标志 and the separator line, in red
    body = image.crop((0, int(h * 0.6), w, int(h * 0.85)))
    dark = sum(1 for r, g, b in body.get_flattened_data() if r < 128 and g < 128 and b < 128)
    assert dark > 3000  # glyphs were drawn


def test_pdf_without_fonts_says_what_to_install(settings, tmp_path):
    settings.YIXIE_GONGWEN_FONT_DIRS = [str(tmp_path)]
    with pytest.raises(GongwenFontMissing) as raised:
        render_pdf(DOC)
    assert isinstance(raised.value, DomainError)
    assert "fonts-noto-cjk" in raised.value.message and "字体" in raised.value.message


# --- layout rules ---------------------------------------------------------------------------------------


def test_lines_never_start_with_a_closing_mark():
    text = "为进一步规范议事协调机构设置，经市委、市政府同意，现将调整规范结果公布如下。" * 3
    for width in range(5, 20):
        lines = break_lines(text, width, _em)
        assert "".join(lines) == text
        assert all(_em(line) <= width for line in lines[:-1])
        assert not any(line[0] in "，。、" for line in lines[1:]), lines


def test_title_is_broken_between_words_in_lines_of_like_length():
    assert title_lines(TITLE, 18, _em) == ["关于公布市级议事协调机构", "调整规范结果的通知"]
    assert title_lines("关于印发方案的通知", 18, _em) == ["关于印发方案的通知"]
    assert title_lines("关于印发\n方案的通知", 18, _em) == ["关于印发", "方案的通知"]


def test_date_starts_two_characters_right_of_the_signature():
    # right indents, in characters; a line's first character stands at indent + width from the right edge
    signature, dated = "潍坊市人民政府办公室", "2019年6月28日"
    (sig,), date_indent = _signature_indents([signature], dated, _em)
    assert sig == 2  # 署名 two characters from the right
    assert date_indent + _em(dated) == sig + _em(signature) - 2
    # a date longer than the 署名 stays two from the right and pushes the 署名 left
    signature, dated = "市委编办", "2019年12月28日"
    (sig,), date_indent = _signature_indents([signature], dated, _em)
    assert date_indent == 2
    assert sig + _em(signature) == date_indent + _em(dated) + 2
