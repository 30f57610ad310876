"""Checks every uploaded file before it is kept: name, size and actual content must agree."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

FILE_TYPES = {".pdf": "PDF", ".ofd": "OFD", ".docx": "DOCX", ".xlsx": "XLSX", ".jpg": "JPG", ".jpeg": "JPG",
              ".png": "PNG"}
#: Scanned pages (a signed meeting minutes, a stamped notice): what a county office often has.
IMAGE_TYPES = (".jpg", ".jpeg", ".png")
_SAME_TYPE = {".jpeg": ".jpg"}


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


#: Zip members whose presence means the Office file carries macros (or other active content).
_MACRO_MEMBER = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/|embeddings/.*\.(bin|xlsm|docm))", re.I)
_MAX_MEMBERS = 5000
#: The root element of a document's main part, by type (the part must parse and have this root).
_MAIN_PART = {".docx": ("word/document.xml", "document"), ".xlsx": ("xl/workbook.xml", "workbook"),
              ".ofd": ("OFD.xml", "OFD")}


def unzipped_limit(max_bytes: int) -> int:
    """How large a zip-based file may become once unpacked: a multiple of the upload limit (a setting)."""
    return max_bytes * int(getattr(settings, "YIXIE_UNZIPPED_MAX_MULTIPLE", 20))


def check_zip_container(fileobj, *, max_bytes: int, name: str, what: str = "附件") -> set[str]:
    """Open a zip-based file (DOCX, XLSX, OFD) without unpacking it: refuse a damaged archive, one that
    would unpack to more than `unzipped_limit(max_bytes)` (a "zip bomb"), too many members, and Office
    files with macros. Returns the member names. Reading members is bounded by their declared sizes
    (Python's zipfile stops at them), so checking the declared total bounds the work."""
    try:
        with zipfile.ZipFile(fileobj) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(f"{what}“{name}”已损坏，无法打开（不是完整的压缩格式文件）。") from None
    finally:
        fileobj.seek(0)
    if len(infos) > _MAX_MEMBERS:
        raise UploadError(f"{what}“{name}”包含 {len(infos)} 个内部文件，超过上限 {_MAX_MEMBERS} 个，疑似异常文件，已拒绝。")
    total = sum(max(i.file_size, 0) for i in infos)
    limit = unzipped_limit(max_bytes)
    if total > limit:
        raise UploadError(f"{what}“{name}”解压后约 {total / 1048576:.0f} MB，超过上限 {limit / 1048576:.0f} MB"
                          "（疑似“压缩炸弹”），已拒绝。请检查文件后重新上传。")
    names = {i.filename for i in infos}
    macro = next((n for n in names if _MACRO_MEMBER.search(n)), None)
    if macro:
        raise UploadError(f"{what}“{name}”含有宏或可执行内容（{macro}），出于安全考虑不予接收。"
                          "请另存为不含宏的 .docx / .xlsx 文件后再上传。")
    return names


def _main_part_parses(fileobj, ext: str, names: set[str]) -> bool:
    part, root = _MAIN_PART[ext]
    member = part if part in names else next((n for n in names if n.lower() == part.lower()), None)
    if member is None:
        return False
    try:
        with zipfile.ZipFile(fileobj) as zf, zf.open(member) as fh:
            for _event, element in ElementTree.iterparse(fh, events=("start",)):
                return element.tag.rsplit("}", 1)[-1] == root
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, KeyError, RuntimeError):
        return False
    finally:
        fileobj.seek(0)
    return False


def _pdf_complete(fileobj, size: int) -> bool:
    """A PDF ends with %%EOF (within its last kilobytes, after any incremental updates)."""
    fileobj.seek(max(0, size - 2048))
    tail = fileobj.read(2048)
    fileobj.seek(0)
    return b"%%EOF" in tail


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
        finally:
            fileobj.seek(0)
        if "word/document.xml" in names:
            return ".docx"
        if "xl/workbook.xml" in names:
            return ".xlsx"
        if "OFD.xml" in names or "ofd.xml" in names:
            return ".ofd"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    return None


def _image_complete(fileobj, size: int, ext: str) -> bool:
    """A JPEG ends with its end-of-image marker, a PNG with its IEND chunk (within the last kilobytes)."""
    fileobj.seek(max(0, size - 2048))
    tail = fileobj.read(2048)
    fileobj.seek(0)
    return (b"\xff\xd9" in tail) if ext == ".jpg" else (b"IEND" in tail)


def check_upload(uploaded, *, allowed: tuple[str, ...], max_bytes: int, what: str = "附件") -> CheckedUpload:
    name = Path(uploaded.name or "").name
    ext = Path(name).suffix.lower()
    kinds = "、".join(dict.fromkeys(FILE_TYPES[e] for e in allowed))
    if ext not in allowed:
        raise UploadError(f"{what}“{name}”的类型不受支持：只接受 {kinds} 文件。")
    if uploaded.size > max_bytes:
        raise UploadError(f"{what}“{name}”大小为{uploaded.size / 1048576:.1f} MB，超过上限{max_bytes / 1048576:.0f} MB。")
    if uploaded.size == 0:
        raise UploadError(f"{what}“{name}”是空文件。")
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    names = check_zip_container(uploaded, max_bytes=max_bytes, name=name, what=what) \
        if head.startswith(b"PK\x03\x04") else set()
    real = sniff(head, uploaded)
    uploaded.seek(0)
    if real != _SAME_TYPE.get(ext, ext):
        raise UploadError(f"{what}“{name}”的内容不是有效的{FILE_TYPES[ext]}文件（扩展名与实际内容不符）。")
    if real in (".jpg", ".png") and not _image_complete(uploaded, uploaded.size, real):
        raise UploadError(f"{what}“{name}”不是完整的{FILE_TYPES[ext]}图片（缺少文件结尾，可能未传完整或已损坏）。")
    if ext == ".pdf" and not _pdf_complete(uploaded, uploaded.size):
        raise UploadError(f"{what}“{name}”不是完整的PDF文件（缺少文件结尾标记，可能未下载完整或已损坏）。")
    if ext in _MAIN_PART and not _main_part_parses(uploaded, ext, names):
        raise UploadError(f"{what}“{name}”的内容已损坏：其中的{FILE_TYPES[ext]}正文无法读取。")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(name=name[:255], ext=ext, file_type=FILE_TYPES[ext], size=uploaded.size,
                         sha256=digest.hexdigest())


def serve_stored(request, fieldfile, *, filename: str, content_type: str = "application/octet-stream",
                 about=None, body_id: int | None = None):
    """Send a stored file as a download, journaled as a sensitive read (who, which file, about what, from
    where); a file missing from storage gets a clear page, not a 500."""
    from django.http import FileResponse
    from django.shortcuts import render

    from . import audit

    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        return render(request, "errors/error.html", {
            "title": "附件文件缺失",
            "message": f"附件“{filename}”的登记信息还在，但文件未能在存储中找到（可能是共享存储未挂载）。"
                       "请联系系统管理员恢复文件。"}, status=404)
    audit.record(actor=request.user, action=audit.DOWNLOAD, target=about, target_type="file", target_id="",
                 target_label=f"{about}：{filename}" if about is not None else filename, after={"文件": filename},
                 body_id=body_id)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
