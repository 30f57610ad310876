"""Uploads are what they claim beyond their first bytes; no macros; no zip bombs."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yixie.core.files import UploadError, check_upload

LIMIT = 200_000
DOCX_MAIN = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _check(name: str, data: bytes):
    return check_upload(SimpleUploadedFile(name, data), allowed=(".pdf", ".ofd", ".docx", ".xlsx"),
                        max_bytes=LIMIT)


def test_good_files_pass():
    assert _check("a.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n").file_type == "PDF"
    assert _check("a.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": DOCX_MAIN})).ext == ".docx"
    assert _check("a.ofd", _zip({"OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'})).ext == ".ofd"


def test_a_truncated_pdf_is_refused():
    with pytest.raises(UploadError, match="不是完整的PDF"):
        _check("a.pdf", b"%PDF-1.7\n" + b"x" * 5000)


def test_a_docx_whose_body_is_not_a_document_is_refused():
    with pytest.raises(UploadError, match="正文无法读取"):
        _check("a.docx", _zip({"word/document.xml": b"this is not xml <"}))
    with pytest.raises(UploadError, match="正文无法读取"):
        _check("a.docx", _zip({"word/document.xml": b"<html/>"}))


@pytest.mark.parametrize("member", ["word/vbaProject.bin", "word/activeX/activeX1.xml"])
def test_office_files_with_macros_are_refused(member):
    data = _zip({"word/document.xml": DOCX_MAIN, member: b"\x00" * 100})
    with pytest.raises(UploadError, match="含有宏"):
        _check("a.docx", data)


def test_a_zip_bomb_is_refused_before_unpacking():
    bomb = _zip({"word/document.xml": DOCX_MAIN, "word/media/big.bin": b"\x00" * (30 * LIMIT)})
    assert len(bomb) < LIMIT
    with pytest.raises(UploadError, match="压缩炸弹"):
        _check("a.docx", bomb)


def test_a_damaged_zip_is_refused_with_a_message():
    with pytest.raises(UploadError):
        _check("a.xlsx", b"PK\x03\x04" + b"\x00" * 200)


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 60 + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _check_scan(name: str, data: bytes):
    return check_upload(SimpleUploadedFile(name, data), allowed=(".pdf", ".jpg", ".jpeg", ".png"), max_bytes=LIMIT)


def test_scanned_pages_pass_as_images_by_their_content():
    assert _check_scan("纪要扫描件.jpg", JPEG).file_type == "JPG"
    assert _check_scan("纪要扫描件.JPEG", JPEG).ext == ".jpeg"
    assert _check_scan("通知.png", PNG).file_type == "PNG"


@pytest.mark.parametrize("name, data, text", [
    ("纪要.jpg", PNG, "扩展名与实际内容不符"),
    ("纪要.png", b"<html>not an image</html>", "扩展名与实际内容不符"),
    ("纪要.jpg", JPEG[:-2] + b"\x00" * 3000, "不是完整的JPG图片"),
    ("纪要.png", PNG[:-12], "不是完整的PNG图片"),
    ("纪要.gif", b"GIF89a", "只接受 PDF、JPG、PNG 文件"),
])
def test_images_that_are_not_what_they_claim_are_refused(name, data, text):
    with pytest.raises(UploadError, match=text):
        _check_scan(name, data)
