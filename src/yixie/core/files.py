"""Checks every uploaded file before it is kept: name, size and actual content must agree."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

FILE_TYPES = {".pdf": "PDF", ".ofd": "OFD", ".docx": "DOCX", ".xlsx": "XLSX"}


class UploadError(ValueError):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    ext: str
    file_type: str
    size: int
    sha256: str


def sniff(head: bytes, fileobj) -> str | None:
    """The real type of a file from its content (not its name)."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return ".docx"
        if "xl/workbook.xml" in names:
            return ".xlsx"
        if "OFD.xml" in names or "ofd.xml" in names:
            return ".ofd"
    return None


def check_upload(uploaded, *, allowed: tuple[str, ...], max_bytes: int, what: str = "附件") -> CheckedUpload:
    name = Path(uploaded.name or "").name
    ext = Path(name).suffix.lower()
    kinds = "、".join(FILE_TYPES[e] for e in allowed)
    if ext not in allowed:
        raise UploadError(f"{what}“{name}”的类型不受支持：只接受 {kinds} 文件。")
    if uploaded.size > max_bytes:
        raise UploadError(f"{what}“{name}”大小为{uploaded.size / 1048576:.1f} MB，超过上限{max_bytes / 1048576:.0f} MB。")
    if uploaded.size == 0:
        raise UploadError(f"{what}“{name}”是空文件。")
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    real = sniff(head, uploaded)
    uploaded.seek(0)
    if real != ext:
        raise UploadError(f"{what}“{name}”的内容不是有效的{FILE_TYPES[ext]}文件（扩展名与实际内容不符）。")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(name=name[:255], ext=ext, file_type=FILE_TYPES[ext], size=uploaded.size,
                         sha256=digest.hexdigest())


def serve_stored(request, fieldfile, *, filename: str, content_type: str = "application/octet-stream"):
    """Send a stored file as a download; a file missing from storage gets a clear page, not a 500."""
    from django.http import FileResponse
    from django.shortcuts import render

    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        return render(request, "errors/error.html", {
            "title": "附件文件缺失",
            "message": f"附件“{filename}”的登记信息还在，但文件未能在存储中找到（可能是共享存储未挂载）。"
                       "请联系系统管理员恢复文件。"}, status=404)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
