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
