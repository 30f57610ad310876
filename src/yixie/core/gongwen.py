"""公文 (official documents) as Word and PDF files, laid out after GB/T 9704-2012 (docs/decisions/0022).

A capability builds a `Gongwen` from its own data (a notice publishing a review's results, a list of
bodies) and asks for bytes; this floor knows the layout only. The Word file names the official fonts
(方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) that offices have installed; the PDF embeds free substitutes
(Noto CJK) found in `settings.YIXIE_GONGWEN_FONT_DIRS`, since a PDF must look the same everywhere.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from yixie.core.errors import DomainError


@dataclass(frozen=True)
class GongwenTable:
    heading: str  # e.g. "一、保留的议事协调机构（133个）"
    columns: list[str]  # e.g. ["序号", "机构名称", "牵头部门", "调整方式", "说明"]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths; None: from the contents


@dataclass(frozen=True)
class Gongwen:
    issuer: str  # 发文机关标志; joint issuers separated by a (full-width) space go on separate lines
    number: str  # 发文字号
    title: str
    recipients: str  # 主送机关
    paragraphs: list[str]  # 正文 before the tables
    tables: list[GongwenTable]  # lists inside the 正文, each under its heading
    signature: str  # 发文机关署名
    issued_on: date  # 成文日期
    copy_to: str = ""  # 抄送 (版记)
    printed_by: str = ""  # 印发机关 (版记)
    printed_on: date | None = None  # 印发日期; the 成文日期 when not given
    classification: str = ""  # 密级 or "内部", top left


class GongwenFontMissing(DomainError):
    """No CJK font to embed in the PDF: the operator must install one (the Word file needs none)."""

    def __init__(self, searched: list[str]):
        super().__init__(
            "生成PDF需要思源/Noto CJK中文字体，但在以下目录中未找到："
            f"{'、'.join(searched) or '（未配置目录）'}。请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
            "或在 YIXIE_GONGWEN_FONT_DIRS 中指定字体所在目录。",
            code="gongwen_font_missing",
        )


# --- Measures of GB/T 9704-2012 -------------------------------------------------------------------------

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
TOP, LEFT = 37.0, 28.0  # 天头, 订口
TEXT_W, TEXT_H = 156.0, 225.0  # 版心
RIGHT = PAGE_W - LEFT - TEXT_W  # 26 mm
BOTTOM = PAGE_H - TOP - TEXT_H  # 35 mm
SIZE_3 = 16.0  # 3号 (正文, 主送, 署名)
SIZE_2 = 22.0  # 2号 (标题)
SIZE_4 = 14.0  # 4号 (版记, 页码)
SIZE_S4 = 12.0  # 小4号 (表格)
LINE = TEXT_H * MM / 22  # 22 lines of 3号 a page: 28.95 pt
ISSUER_MAX = 42.0  # 初号: the 发文机关标志 is never larger, and smaller when a line is long
ISSUER_TOP = 35.0  # mm from the 版心's top edge to the 发文机关标志's (下行文)
RULE_GAP = 4.0  # mm from the 发文字号 to the red separator
RED = (0xE6, 0x00, 0x12)
RED_HEX = "E60012"
_CELL_PAD_X = 1.5  # mm left and right inside a table cell

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"

_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
_LEVEL2 = re.compile(r"^（[一二三四五六七八九十]+）")
#: Punctuation that may not begin a line (避头) and that may not end one (避尾).
_NO_START = set("，。、；：？！）》〕」』”’…%％,.;:?!)]}·")
_NO_END = set("（《〔「『“‘([{")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/%]*|\s|.", re.S)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _issuer_lines(issuer: str) -> list[str]:
    return [part for part in re.split(r"[\s\u3000]+", issuer.strip()) if part]


def _em(text: str) -> float:
    """Width in characters of 3号 (a full-width character 1, a half-width one ½): for Word, which measures
    nothing for us."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—…" else 1.0 for ch in text)


def _issuer_size(lines: list[str]) -> float:
    longest = max((_em(line) for line in lines), default=1) or 1
    return min(ISSUER_MAX, TEXT_W * MM / longest / 1.02)


def _signature_indents(signature_lines: list[str], date_text: str, em: Callable[[str], float]):
    """Right indents (in characters) of the 署名 lines and the 成文日期, as GB/T 9704 7.3.5.3 puts them
    without a seal: the 署名 two characters from the right, the date one line below it starting two
    characters further right; a date longer than the 署名 stays two from the right and pushes the
    署名 left."""
    block = max((em(line) for line in signature_lines), default=0)
    d = em(date_text)
    if d + 2 <= block:
        start = block + 2  # the 署名's first character, counted from the right edge
    else:
        start = d + 4
    sig = [start - em(line) for line in signature_lines]  # lines start together
    return sig, start - 2 - d


def _column_widths(table: GongwenTable) -> list[float]:
    """Column widths in mm filling the 版心: the given relative widths, or else from the contents in 小4号:
    each heading on one line, short columns (序号, 调整方式) as wide as their longest cell, the rest of the
    width shared by the long columns after their length (between the mean and the 90th percentile, as a
    mostly empty 说明 column should not take the room of the names)."""
    if table.widths:
        total = sum(table.widths) or 1
        return [TEXT_W * w / total for w in table.widths]
    char = SIZE_S4 / MM
    pad = 2 * _CELL_PAD_X + 0.6
    short = _centered_columns(table)
    natural, minimum, kind = [], [], []
    for i, column in enumerate(table.columns):
        lengths = sorted(_em(row[i]) if i < len(row) else 0 for row in table.rows)
        longest = lengths[-1] if lengths else 0
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
        head = _em(column)
        if short[i]:
            kind.append("fixed")
            natural.append(max(head, longest) * char + pad)
        elif typical <= 10:  # 牵头部门: one line for most cells
            kind.append("fixed")
            natural.append(max(head, min(typical, 8)) * char + pad)
        else:
            kind.append("long")
            mean = sum(lengths) / len(lengths)
            natural.append(max(head, min((typical + mean) / 2, 16)) * char + pad)
        minimum.append(max(head, 2) * char + pad)
    fixed = sum(n for n, k in zip(natural, kind, strict=True) if k == "fixed")
    long_ = sum(n for n, k in zip(natural, kind, strict=True) if k == "long")
    long_min = sum(m for m, k in zip(minimum, kind, strict=True) if k == "long")
    if not long_ or TEXT_W - fixed < max(long_min, 0.4 * long_):
        total = sum(natural)  # no room to keep the short ones whole: everything in proportion
        return [TEXT_W * n / total for n in natural]
    share = (TEXT_W - fixed) / long_
    return [n * share if k == "long" else n for n, k in zip(natural, kind, strict=True)]


def _centered_columns(table: GongwenTable) -> list[bool]:
    return [all(_em(row[i] if i < len(row) else "") <= 5 for row in table.rows) for i in range(len(table.columns))]


#: Words after which a title line may well end (a title is broken between words: 梯形 or 菱形).
_TITLE_BREAKS = ("关于", "进一步", "机构", "工作", "结果", "意见", "方案", "规定", "办法", "实施", "的", "和", "及",
                 "领导小组", "委员会", "联席会议", "指挥部", "专班")


def title_lines(title: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """The title's lines: as many as its width needs, of about equal length (the upper not longer than
    the lower by much), broken preferably after a word that ends a phrase. A line break in the title is
    kept as given."""
    lines: list[str] = []
    for part in title.split("\n"):
        total = measure(part)
        if total <= max_width or len(part) < 4:
            lines.append(part)
            continue
        count = int(total // max_width) + 1
        rest = part
        for k in range(count, 1, -1):
            target = measure(rest) / k
            best, best_score = None, None
            for pos in range(1, len(rest)):
                head = rest[:pos]
                w = measure(head)
                if w > max_width:
                    break
                if rest[pos] in _NO_START or head[-1] in _NO_END:
                    continue
                if measure(rest[pos:]) > max_width * (k - 1):
                    continue
                score = abs(w - target) / (measure("字") or 1)
                if w > target:
                    score += 0.5  # 梯形: the upper line rather shorter
                if any(head.endswith(word) for word in _TITLE_BREAKS):
                    score -= 2.5
                if best_score is None or score < best_score:
                    best, best_score = pos, score
            if best is None:
                break
            lines.append(rest[:best])
            rest = rest[best:]
        lines.append(rest)
    return lines


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of at most `width`, broken between characters (Latin words and numbers kept whole), no line
    starting with a closing mark nor ending with an opening one (避头尾)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for token in _TOKEN.findall(para):
            w = measure(token)
            if line and used + w > width + 1e-6:
                carry: list[str] = []
                if token[0] in _NO_START and len(line) > 1:
                    carry.insert(0, line.pop())
                while len(line) > 1 and line[-1][-1] in _NO_END:
                    carry.insert(0, line.pop())
                lines.append("".join(line).rstrip())
                line = carry
                used = sum(measure(t) for t in line)
                if not line and token.isspace():
                    continue
            line.append(token)
            used += w
        lines.append("".join(line))
    return lines


# --- Word ------------------------------------------------------------------------------------------------


def render_docx(doc: Gongwen) -> bytes:
    """The 公文 as a .docx that names the official fonts (Word and WPS substitute the ones missing)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(BOTTOM - 7 - SIZE_4 / MM * 1.3)  # number's top 7 mm under the 版心

    def fonts(rpr_owner, name: str):
        rpr = rpr_owner.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), name)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)

    # the template's theme fonts (Calibri, 宋体) stand in docDefaults: name ours there too
    for rfonts in word.styles.element.iterfind(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/"
                                               f"{qn('w:rFonts')}"):
        rfonts.attrib.clear()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), FONT_BODY)
    normal = word.styles["Normal"]
    fonts(normal.element, FONT_BODY)
    normal.font.size = Pt(SIZE_3)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    npf = normal.paragraph_format
    npf.space_before = npf.space_after = Pt(0)
    npf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    npf.line_spacing = Pt(LINE)
    npf.widow_control = False
    ppr = normal.element.get_or_add_pPr()
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):  # no extra gap between ideographs and digits
        el = OxmlElement(name)
        el.set(qn("w:val"), "0")
        ppr.insert_element_before(el, *_PPR_AFTER_AUTOSPACE)

    def para(text: str = "", *, font: str = FONT_BODY, size: float = SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
             color: tuple | None = None, line: float = LINE, before: float = 0, indent_first: bool = False,
             right_chars: float = 0, left_chars: float = 0, keep_next: bool = False):
        p = word.add_paragraph()
        pf = p.paragraph_format
        pf.alignment = align
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
        if before:
            pf.space_before = Pt(before)
        if indent_first:
            pf.first_line_indent = Pt(2 * size)
            ind = p._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), "200")
        if right_chars:
            pf.right_indent = Pt(right_chars * size)
        if left_chars:
            pf.left_indent = Pt(left_chars * size)
        pf.keep_with_next = keep_next or None
        if text:
            run(p, text, font=font, size=size, color=color)
        return p

    def run(p, text: str, *, font: str = FONT_BODY, size: float = SIZE_3, color: tuple | None = None, bold=None):
        r = p.add_run(text)
        fonts(r._r, font)
        r.font.size = Pt(size)
        if color:
            r.font.color.rgb = RGBColor(*color)
        if bold is not None:
            r.font.bold = bold
        return r

    # 版头: 密级 top left on the second line; 发文机关标志 35 mm under the 版心's top; 发文字号 two lines
    # under it; the red separator 4 mm under the number.
    before = ISSUER_TOP * MM
    if doc.classification:
        para(doc.classification, font=FONT_HEI, align=WD_ALIGN_PARAGRAPH.LEFT, before=LINE)
        before -= 2 * LINE
    lines = _issuer_lines(doc.issuer)
    size = _issuer_size(lines)
    for i, text in enumerate(lines):
        para(text, font=FONT_TITLE, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED,
                 line=size * 1.25, before=max(before - size * 0.2, 0) if i == 0 else 0, keep_next=True)
    number = para(doc.number, align=WD_ALIGN_PARAGRAPH.CENTER, before=2 * LINE)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", str(round(RULE_GAP * MM))),
                 ("w:color", RED_HEX)):
        bottom.set(qn(k), v)
    border.append(bottom)
    number._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", *_PPR_AFTER_AUTOSPACE,
    )

    # 主体: title two lines under the separator, 主送 one line under the title, then the 正文.
    title = para(align=WD_ALIGN_PARAGRAPH.CENTER, line=SIZE_2 * 1.5, before=2 * LINE, keep_next=True)
    for i, text in enumerate(title_lines(doc.title, TEXT_W * MM / SIZE_2 - 2, _em)):
        r = run(title, text, font=FONT_TITLE, size=SIZE_2)
        if i:
            r._r.addprevious(_line_break())
    para(doc.recipients, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=LINE)

    def body(text: str, keep_next: bool = False):
        if _LEVEL1.match(text):
            return para(text, font=FONT_HEI, indent_first=True, keep_next=True)
        p = para(indent_first=True, keep_next=keep_next)
        m = _LEVEL2.match(text)
        if m:  # （一）… up to its first full stop in 楷体, the rest in 仿宋
            end = text.find("。")
            head = text[: end + 1] if end > 0 else text
            run(p, head, font=FONT_KAI)
            text = text[len(head):]
        if text:
            run(p, text)
        return p

    for text in doc.paragraphs:
        body(text)

    for table in doc.tables:
        if table.heading:
            body(table.heading, keep_next=True)
        _docx_table(word, table, para, run)

    # 署名 and 成文日期, one line under the 正文 (no seal: GB/T 9704 7.3.5.3).
    signature_lines = _issuer_lines(doc.signature)
    date_text = cn_date(doc.issued_on)
    sig_indents, date_indent = _signature_indents(signature_lines, date_text, _em)
    for i, (text, right) in enumerate(zip(signature_lines, sig_indents, strict=True)):
        para(text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=right, before=LINE if i == 0 else 0, keep_next=True)
    para(date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=date_indent)

    if doc.copy_to or doc.printed_by:
        _docx_banji(word, doc, para, run)

    _docx_page_numbers(word, section, run)
    word.core_properties.title = doc.title
    word.core_properties.author = doc.printed_by or doc.signature
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


_PPR_AFTER_AUTOSPACE = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription", "tblPrChange"]


def _line_break():
    from docx.oxml import OxmlElement

    r = OxmlElement("w:r")
    r.append(OxmlElement("w:br"))
    return r


def _tblpr_put(tbl_pr, element):
    """Put `element` into a w:tblPr in the schema's order (Word refuses a file whose order is wrong)."""
    from docx.oxml.ns import qn

    name = element.tag.split("}")[1]
    old = tbl_pr.find(qn(f"w:{name}"))
    if old is not None:
        tbl_pr.remove(old)
    later = _TBLPR_ORDER[_TBLPR_ORDER.index(name) + 1:]
    for i, child in enumerate(tbl_pr):
        if child.tag.split("}")[1] in later:
            tbl_pr.insert(i, element)
            return
    tbl_pr.append(element)


def _table_width(tbl_pr, width_mm: float):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblW")
    el.set(qn("w:w"), str(round(width_mm * MM * 20)))
    el.set(qn("w:type"), "dxa")
    _tblpr_put(tbl_pr, el)


def _set_cell_margins(tbl_pr, qn, OxmlElement, left_right_twips: int, top_bottom_twips: int):
    mar = OxmlElement("w:tblCellMar")
    for side, value in (("top", top_bottom_twips), ("left", left_right_twips), ("bottom", top_bottom_twips),
                        ("right", left_right_twips)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    _tblpr_put(tbl_pr, mar)


def _docx_table(word, table: GongwenTable, para, run):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    ncols = len(table.columns)
    widths = [Mm(w) for w in _column_widths(table)]
    centered = _centered_columns(table)
    t = word.add_table(rows=1, cols=ncols)
    t.style = word.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _tblpr_put(tbl_pr, layout)
    _set_cell_margins(tbl_pr, qn, OxmlElement, round(_CELL_PAD_X * MM * 20), 28)
    _table_width(tbl_pr, TEXT_W)
    for col, width in zip(t.columns, widths, strict=True):
        col.width = width
    line = SIZE_S4 * 1.5

    def fill(row, values, header: bool):
        tr_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        tr_pr.append(cant)
        if header:
            th = OxmlElement("w:tblHeader")
            tr_pr.append(th)
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            pf = p.paragraph_format
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if header or centered[i] else WD_ALIGN_PARAGRAPH.LEFT
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(line)
            text = values[i] if i < len(values) else ""
            run(p, text, font=FONT_HEI if header else FONT_BODY, size=SIZE_S4)

    fill(t.rows[0], table.columns, header=True)
    if table.rows:
        # One row built through python-docx, the others copied from it with their texts set: 10× faster.
        proto = t.add_row()
        fill(proto, [""] * ncols, header=False)
        proto_tr = proto._tr
        for values in table.rows:
            tr = copy.deepcopy(proto_tr)
            for i, tc in enumerate(tr.iterchildren(qn("w:tc"))):
                text = values[i] if i < len(values) else ""
                r = tc.find(f"{qn('w:p')}/{qn('w:r')}")
                if text:
                    r.text = text
                else:
                    r.getparent().remove(r)
            proto_tr.addprevious(tr)
        proto_tr.getparent().remove(proto_tr)
    # a table directly followed by another (or the 署名) needs a paragraph between them
    para("", line=LINE / 2)


def _docx_banji(word, doc: Gongwen, para, run):
    """版记: 抄送 and 印发 between rules (thick first and last, 0.35 mm; thin between, 0.25 mm), as a table
    floated to the bottom of the last page's 版心."""
    from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    rows = []
    if doc.copy_to:
        rows.append("copy")
    if doc.printed_by:
        rows.append("printed")
    t = word.add_table(rows=len(rows), cols=1)
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    pos = OxmlElement("w:tblpPr")
    for k, v in (("w:leftFromText", "0"), ("w:rightFromText", "0"), ("w:topFromText", "284"),
                 ("w:vertAnchor", "margin"), ("w:horzAnchor", "margin"), ("w:tblpXSpec", "center"),
                 ("w:tblpYSpec", "bottom")):
        pos.set(qn(k), v)
    _tblpr_put(tbl_pr, pos)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    _tblpr_put(tbl_pr, overlap)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _tblpr_put(tbl_pr, layout)
    _set_cell_margins(tbl_pr, qn, OxmlElement, 0, 57)
    _table_width(tbl_pr, TEXT_W)
    borders = OxmlElement("w:tblBorders")
    for side, size in (("top", 8), ("bottom", 8), ("insideH", 6), ("left", 0), ("right", 0), ("insideV", 0)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))  # eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm
            el.set(qn("w:color"), "000000")
        borders.append(el)
    _tblpr_put(tbl_pr, borders)
    t.columns[0].width = Mm(TEXT_W)
    one = SIZE_4
    for row, kind in zip(t.rows, rows, strict=True):
        cell = row.cells[0]
        cell.width = Mm(TEXT_W)
        p = cell.paragraphs[0]
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(SIZE_4 * 1.6)
        pf.left_indent = Pt(one)
        pf.right_indent = Pt(one)
        if kind == "copy":
            label = "抄送："
            text = doc.copy_to if doc.copy_to.endswith("。") else doc.copy_to + "。"
            pf.left_indent = Pt(one + 3 * SIZE_4)  # continuation lines align after the colon
            pf.first_line_indent = Pt(-3 * SIZE_4)
            run(p, label + text, size=SIZE_4)
        else:
            pf.tab_stops.add_tab_stop(Mm(TEXT_W) - Pt(2 * one), WD_TAB_ALIGNMENT.RIGHT)
            run(p, doc.printed_by, size=SIZE_4)
            run(p, "\t" + cn_date(doc.printed_on or doc.issued_on) + "印发", size=SIZE_4)
    para("", line=1)  # the floating table's anchor: a document ends with a paragraph


def _docx_page_numbers(word, section, run):
    """'— 1 —' in 4号宋体 under the 版心: odd pages one character from the right, even pages one from the
    left."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    word.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                      WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        pf = p.paragraph_format
        pf.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            pf.right_indent = Pt(SIZE_4)
        else:
            pf.left_indent = Pt(SIZE_4)
        run(p, "— ", font=FONT_SONG, size=SIZE_4)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            r = run(p, "", font=FONT_SONG, size=SIZE_4)
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                r._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                r._r.append(instr)
            else:
                r.text = text
        run(p, " —", font=FONT_SONG, size=SIZE_4)


# --- PDF -------------------------------------------------------------------------------------------------

#: Each role's candidate files: (file name, face to pick in a collection by its family name), then the
#: roles to fall back on.
_FONT_FILES = {
    "serif": [("NotoSerifCJK-Regular.ttc", "SC"), ("NotoSerifCJKsc-Regular.otf", ""),
              ("NotoSerifSC-Regular.otf", ""), ("SourceHanSerif-Regular.ttc", "SC"),
              ("SourceHanSerifSC-Regular.otf", "")],
    "serif-bold": [("NotoSerifCJK-Bold.ttc", "SC"), ("NotoSerifCJKsc-Bold.otf", ""), ("NotoSerifSC-Bold.otf", ""),
                   ("SourceHanSerif-Bold.ttc", "SC"), ("SourceHanSerifSC-Bold.otf", "")],
    "sans": [("NotoSansCJK-Regular.ttc", "SC"), ("NotoSansCJKsc-Regular.otf", ""), ("NotoSansSC-Regular.otf", ""),
             ("SourceHanSans-Regular.ttc", "SC"), ("SourceHanSansSC-Regular.otf", "")],
    "kai": [("ukai.ttc", "AR PL UKai CN")],
}
_FALLBACK = {"serif-bold": "serif", "sans": "serif-bold", "kai": "serif"}


def _face_index(path: Path, tag: str) -> int | None:
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(collection.fonts):
            name = font["name"].getDebugName(1) or ""
            if name.endswith(" " + tag) or name == tag:
                return i
    finally:
        collection.close()
    return None


@lru_cache(maxsize=8)
def _find_fonts(dirs: tuple[str, ...]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for role, candidates in _FONT_FILES.items():
        for name, tag in candidates:
            for folder in dirs:
                path = Path(folder) / name
                if path.is_file():
                    index = _face_index(path, tag) if tag else 0
                    if index is not None:
                        found[role] = (str(path), index)
                        break
            if role in found:
                break
    if "serif" not in found:
        raise GongwenFontMissing(list(dirs))
    for role in ("serif-bold", "sans", "kai"):
        if role not in found:
            found[role] = found[_FALLBACK[role]]
    return found


def pdf_fonts() -> dict[str, tuple[str, int]]:
    """The font file and face of each role (serif: 仿宋, serif-bold: 小标宋, sans: 黑体, kai: 楷体)."""
    return _find_fonts(tuple(settings.YIXIE_GONGWEN_FONT_DIRS))


def render_pdf(doc: Gongwen) -> bytes:
    """The 公文 as a PDF with its fonts embedded (subsets), A4, the same layout as the Word file."""
    return _PdfWriter(doc).render()


class _PdfWriter:
    def __init__(self, doc: Gongwen):
        from fpdf import FPDF

        self.doc = doc
        roles = pdf_fonts()
        writer = self

        class Pdf(FPDF):
            def footer(self):
                writer._page_number()

        pdf = Pdf(orientation="P", unit="mm", format="A4")
        pdf.set_margins(LEFT, TOP, RIGHT)
        pdf.set_auto_page_break(True, BOTTOM)
        pdf.set_title(doc.title)
        pdf.set_author(doc.printed_by or doc.signature)
        pdf.set_creator("议协")
        pdf.set_lang("zh-CN")
        loaded: dict[tuple[str, int], str] = {}
        self.family: dict[str, str] = {}
        for role, key in roles.items():
            if key not in loaded:
                loaded[key] = f"f{len(loaded)}"
                pdf.add_font(loaded[key], "", key[0], collection_font_number=key[1])
            self.family[role] = loaded[key]
        self.pdf = pdf
        self._widths: dict[tuple[str, float], dict[str, float]] = {}

    # measuring and writing lines

    def font(self, role: str, size: float):
        self.pdf.set_font(self.family[role], "", size)
        self._current = (self.family[role], size)

    def measure(self, text: str) -> float:
        cache = self._widths.setdefault(self._current, {})
        w = cache.get(text)
        if w is None:
            w = cache[text] = self.pdf.get_string_width(text)
        return w

    def ensure(self, height: float):
        if self.pdf.get_y() + height > PAGE_H - BOTTOM + 1e-6:
            self.pdf.add_page()

    def line(self, text: str, *, x: float, width: float, height: float, size: float, align: str = "L",
             justify: bool = False, color=(0, 0, 0)):
        """One line of text in a box `height` high starting at the cursor's y, its ideographs centred."""
        pdf = self.pdf
        self.ensure(height)
        y = pdf.get_y()
        used = self.measure(text)
        spacing = 0.0
        if justify and len(text) > 1 and used < width:
            spacing = (width - used) / (len(text) - 1)
        if align == "C":
            x += (width - used) / 2
        elif align == "R":
            x += width - used
        pdf.set_text_color(*color)
        pdf.set_char_spacing(spacing * MM)
        baseline = y + height / 2 + 0.36 * size / MM
        pdf.text(x, baseline, text)
        pdf.set_char_spacing(0)
        pdf.set_y(y + height)

    def paragraph(self, text: str, *, role: str = "serif", size: float = SIZE_3, height: float = LINE / MM,
                  indent_first: bool = True, left: float = 0, right: float = 0, align: str = "J",
                  keep_lines: int = 1, segments: list[tuple[str, str]] | None = None):
        """A paragraph broken into lines of the 版心's width (less `left`/`right` mm), the first indented
        two characters, justified but for its last line. `segments` splits the text between fonts (a 楷体
        head, a 仿宋 rest)."""
        width = TEXT_W - left - right
        parts = segments or [(role, text)]
        full = ("\u3000\u3000" if indent_first else "") + "".join(part for _, part in parts)
        roles = [parts[0][0]] * (2 if indent_first else 0)
        for part_role, part_text in parts:
            roles.extend([part_role] * len(part_text))
        lines = break_lines(full, width, self._measurer(size))
        self.ensure(height * min(keep_lines, len(lines)))
        pos = 0
        for i, text_line in enumerate(lines):
            found = full.find(text_line, pos) if text_line else pos
            pos = found if found >= 0 else pos
            self._mixed_line(text_line, roles[pos:pos + len(text_line)], x=LEFT + left, width=width,
                             height=height, size=size, align="L" if align == "J" else align,
                             justify=align == "J" and i < len(lines) - 1)
            pos += len(text_line)

    def _measurer(self, size: float):
        serif = self.family["serif"]

        def measure(token: str) -> float:
            cache = self._widths.setdefault((serif, size), {})
            w = cache.get(token)
            if w is None:
                self.pdf.set_font(serif, "", size)
                w = cache[token] = self.pdf.get_string_width(token)
            return w

        return measure

    def _mixed_line(self, text: str, roles: list[str], **kw):
        """A line whose characters may belong to segments in different fonts (the 楷体 head)."""
        if len(set(roles)) <= 1:
            self.font(roles[0] if roles else "serif", kw["size"])
            self.line(text, **kw)
            return
        # draw run by run at advancing x, justified across the whole line
        pdf = self.pdf
        size, height, x, width = kw["size"], kw["height"], kw["x"], kw["width"]
        self.ensure(height)
        y = pdf.get_y()
        runs: list[tuple[str, str]] = []
        for role, ch in zip(roles, text, strict=True):
            if runs and runs[-1][0] == role:
                runs[-1] = (role, runs[-1][1] + ch)
            else:
                runs.append((role, ch))
        widths = []
        for role, chunk in runs:
            self.font(role, size)
            widths.append(self.measure(chunk))
        spacing = (width - sum(widths)) / (len(text) - 1) if kw.get("justify") and len(text) > 1 else 0
        baseline = y + height / 2 + 0.36 * size / MM
        pdf.set_text_color(0, 0, 0)
        for (role, chunk), w in zip(runs, widths, strict=True):
            self.font(role, size)
            pdf.set_char_spacing(spacing * MM)
            pdf.text(x, baseline, chunk)
            x += w + spacing * len(chunk)
        pdf.set_char_spacing(0)
        pdf.set_y(y + height)

    # the parts of the document

    def render(self) -> bytes:
        doc, pdf = self.doc, self.pdf
        pdf.add_page()
        line_h = LINE / MM
        # 版头
        if doc.classification:
            pdf.set_y(TOP + line_h)
            self.font("sans", SIZE_3)
            self.line(doc.classification, x=LEFT, width=TEXT_W, height=line_h, size=SIZE_3)
        lines = _issuer_lines(doc.issuer)
        size = _issuer_size(lines)
        self.font("serif-bold", size)
        scale = 1.0
        longest = max(self.measure(text) for text in lines)
        if longest > TEXT_W:
            scale = TEXT_W / longest
            size *= scale
            self.font("serif-bold", size)
        y = TOP + ISSUER_TOP
        issuer_h = size * 1.25 / MM
        pdf.set_y(y - (issuer_h - size / MM) / 2)
        for text in lines:
            self.line(text, x=LEFT, width=TEXT_W, height=issuer_h, size=size, align="C", color=RED)
        pdf.set_y(pdf.get_y() + 2 * line_h - (issuer_h - size / MM) / 2 - (line_h - SIZE_3 / MM) / 2)
        self.font("serif", SIZE_3)
        self.line(doc.number, x=LEFT, width=TEXT_W, height=line_h, size=SIZE_3, align="C")
        rule_y = pdf.get_y() - (line_h - SIZE_3 / MM) / 2 + RULE_GAP
        pdf.set_draw_color(*RED)
        pdf.set_line_width(0.5)
        pdf.line(LEFT, rule_y, LEFT + TEXT_W, rule_y)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(rule_y + 2 * line_h)
        # 主体
        title_h = SIZE_2 * 1.5 / MM
        for text in title_lines(doc.title, TEXT_W - 2 * SIZE_2 / MM, self._measurer(SIZE_2)):
            self.font("serif-bold", SIZE_2)
            self.line(text, x=LEFT, width=TEXT_W, height=title_h, size=SIZE_2, align="C")
        pdf.set_y(pdf.get_y() + line_h)
        self.paragraph(doc.recipients, indent_first=False)
        for text in doc.paragraphs:
            self._body(text)
        for table in doc.tables:
            self.ensure(line_h + 3 * SIZE_S4 * 1.45 / MM + 4)  # the heading, the header row and a row
            if table.heading:
                self._body(table.heading)
            self._table(table)
        # 署名 and 成文日期
        self.font("serif", SIZE_3)
        signature_lines = _issuer_lines(doc.signature)
        date_text = cn_date(doc.issued_on)
        em = SIZE_3 / MM

        def in_chars(text: str) -> float:
            return self.measure(text) / em

        sig_indents, date_indent = _signature_indents(signature_lines, date_text, in_chars)
        self.ensure(line_h * (len(signature_lines) + 2))
        pdf.set_y(pdf.get_y() + line_h)
        for text, right in zip(signature_lines, sig_indents, strict=True):
            self.line(text, x=LEFT, width=TEXT_W - right * em, height=line_h, size=SIZE_3, align="R")
        self.line(date_text, x=LEFT, width=TEXT_W - date_indent * em, height=line_h, size=SIZE_3, align="R")
        if doc.copy_to or doc.printed_by:
            self._banji()
        return bytes(pdf.output())

    def _body(self, text: str):
        if _LEVEL1.match(text):
            self.ensure(2 * LINE / MM)  # a heading does not end a page
            self.paragraph(text, role="sans")
            return
        if _LEVEL2.match(text) and self.family["kai"] != self.family["serif"]:
            end = text.find("。")
            head = text[: end + 1] if end > 0 else text
            self.paragraph(text, segments=[("kai", head), ("serif", text[len(head):])])
            return
        self.paragraph(text)

    def _table(self, table: GongwenTable):
        from fpdf.enums import TableCellFillMode, VAlign, WrapMode
        from fpdf.fonts import FontFace

        pdf = self.pdf
        widths = _column_widths(table)
        centered = _centered_columns(table)
        pad_x, pad_y = _CELL_PAD_X, 1.0
        line_h = SIZE_S4 * 1.45 / MM
        measure = self._measurer(SIZE_S4)

        def wrapped(text: str, i: int) -> str:
            inner = widths[i] - 2 * pad_x - 0.2
            lines = break_lines(text, inner, measure)
            if len(lines) > 1:  # lines of about equal length, no lone character on the last
                balanced = break_lines(text, measure(text) / len(lines) + measure("字") * 0.99, measure)
                if len(balanced) == len(lines) and all(measure(line) <= inner for line in balanced):
                    lines = balanced
            return "\n".join(lines)

        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.2)
        pdf.set_text_color(0, 0, 0)
        self.font("serif", SIZE_S4)
        heading_style = FontFace(family=self.family["sans"], emphasis="", size_pt=SIZE_S4)
        with pdf.table(
            col_widths=widths, width=TEXT_W, align="L", line_height=line_h,
            text_align=tuple("C" if c else "L" for c in centered), v_align=VAlign.M,
            headings_style=heading_style, wrapmode=WrapMode.CHAR, padding=(pad_y, pad_x),
            cell_fill_mode=TableCellFillMode.NONE, first_row_as_headings=True, repeat_headings=1,
        ) as t:
            header = t.row()
            for i, name in enumerate(table.columns):
                header.cell(wrapped(name, i), align="C")
            header_lines = max(len(wrapped(name, i).split("\n")) for i, name in enumerate(table.columns))
            most = int((TEXT_H - 2 * pad_y * 2) / line_h) - header_lines - 1  # lines of a row on one page
            for values in table.rows:
                cells = [wrapped(values[i] if i < len(values) else "", i).split("\n")
                         for i in range(len(table.columns))]
                # a row taller than a page goes on in rows below it (fpdf2 never splits a row)
                for start in range(0, max(len(c) for c in cells), most):
                    row = t.row()
                    for lines in cells:
                        row.cell("\n".join(lines[start:start + most]))
        pdf.set_y(pdf.get_y() + LINE / MM / 2)

    def _banji(self):
        """版记 at the foot of the last page's 版心 (a new page if the last one has no room)."""
        doc, pdf = self.doc, self.pdf
        one = SIZE_4 / MM
        row_h = SIZE_4 * 1.6 / MM
        measure = self._measurer(SIZE_4)
        copy_lines: list[str] = []
        label = "抄送："
        if doc.copy_to:
            text = doc.copy_to if doc.copy_to.endswith("。") else doc.copy_to + "。"
            copy_lines = break_lines(text, TEXT_W - 2 * one - measure(label), measure)
        height = (len(copy_lines) + (1 if doc.printed_by else 0)) * row_h + 2 * 1.0
        bottom = PAGE_H - BOTTOM
        top = bottom - height
        if pdf.get_y() > top - 2:
            pdf.add_page()
        pdf.set_draw_color(0, 0, 0)
        y = top
        pdf.set_line_width(0.35)
        pdf.line(LEFT, y, LEFT + TEXT_W, y)
        y += 1.0
        self.font("serif", SIZE_4)
        pdf.set_auto_page_break(False)
        for i, text in enumerate(copy_lines):
            pdf.set_y(y)
            if i == 0:
                self.line(label + text, x=LEFT + one, width=TEXT_W - 2 * one, height=row_h, size=SIZE_4)
            else:
                self.line(text, x=LEFT + one + measure(label), width=TEXT_W - 2 * one, height=row_h,
                          size=SIZE_4)
            y += row_h
        if doc.printed_by:
            if copy_lines:
                pdf.set_line_width(0.25)
                pdf.line(LEFT, y, LEFT + TEXT_W, y)
            pdf.set_y(y)
            self.line(doc.printed_by, x=LEFT + one, width=TEXT_W - 2 * one, height=row_h, size=SIZE_4)
            pdf.set_y(y)
            self.line(cn_date(doc.printed_on or doc.issued_on) + "印发", x=LEFT + one, width=TEXT_W - 2 * one,
                      height=row_h, size=SIZE_4, align="R")
            y += row_h
        y += 1.0
        pdf.set_line_width(0.35)
        pdf.line(LEFT, y, LEFT + TEXT_W, y)
        pdf.set_auto_page_break(True, BOTTOM)

    def _page_number(self):
        """'— 1 —' in 4号宋体, its top 7 mm under the 版心: odd pages one character from the right, even
        pages one from the left."""
        pdf = self.pdf
        number = pdf.page_no()
        text = f"— {number} —"
        saved = getattr(self, "_current", None)
        self.font("serif", SIZE_4)
        w = self.measure(text)
        one = SIZE_4 / MM
        x = LEFT + TEXT_W - one - w if number % 2 else LEFT + one
        pdf.set_text_color(0, 0, 0)
        pdf.set_char_spacing(0)
        pdf.text(x, PAGE_H - BOTTOM + 7 + SIZE_4 / MM * 0.88, text)
        if saved:
            pdf.set_font(saved[0], "", saved[1])
