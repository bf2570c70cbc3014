"""Checking uploaded files by size, by name and by their whole structure, before they are stored.

The first bytes are not enough: a file that starts ``%PDF-1.4`` and goes on as an executable passed as a
certificate. Each accepted kind is opened by a well-kept parser and must be what its name says: a PDF must
parse and have pages (pypdf), an image must decode completely (Pillow), a .docx or .xlsx must be a sound ZIP
package with its main part (and an .xlsx must open in openpyxl), a .doc or .xls a sound OLE file with its
main stream (olefile). Anything else is refused with the caller's message.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from typing import IO

import olefile
from django.core.files.uploadedfile import UploadedFile
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from common.errors import ApplicationError

Image.MAX_IMAGE_PIXELS = 50_000_000  # a scanned certificate is far smaller; a "pixel bomb" is refused


def _pdf(file: IO[bytes]) -> bool:
    reader = PdfReader(file, strict=True)
    return len(reader.pages) > 0


def _image(expected: str) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        with Image.open(file) as image:
            if image.format != expected:
                return False
            image.verify()  # the structure and checksums
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # every pixel decodes
        return True

    return check


def _package(main_part: str) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names or archive.testzip() is not None:
                return False
        if main_part == "xl/workbook.xml":
            file.seek(0)
            load_workbook(file, read_only=True).close()
        return True

    return check


def _ole(*streams: str) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        data = file.read()
        if not olefile.isOleFile(data=data):
            return False
        with olefile.OleFileIO(data) as ole:
            return any(ole.exists(stream) for stream in streams)

    return check


CHECKS: dict[str, Callable[[IO[bytes]], bool]] = {
    "pdf": _pdf,
    "png": _image("PNG"),
    "jpg": _image("JPEG"),
    "jpeg": _image("JPEG"),
    "docx": _package("word/document.xml"),
    "xlsx": _package("xl/workbook.xml"),
    "doc": _ole("WordDocument"),
    "xls": _ole("Workbook", "Book"),
}


def is_sound(upload: IO[bytes], kind: str) -> bool:
    """Whether ``upload`` is a well-formed file of ``kind`` (its whole structure, not its first bytes)."""
    check = CHECKS.get(kind)
    if check is None:
        return False
    upload.seek(0)
    try:
        return bool(check(upload))
    except Exception:
        return False
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile, *, max_bytes: int, kinds: Iterable[str], too_large: str,
                 bad_kind: str) -> None:
    """Refuse a file larger than ``max_bytes`` (message ``too_large``, which may use ``%(mb)s``) or one whose
    name is not one of ``kinds`` or whose content is not a sound file of that kind (message ``bad_kind``)."""
    if upload.size is not None and upload.size > max_bytes:
        raise ApplicationError(too_large % {"mb": round(max_bytes / 1024 / 1024, 1)}, code="too_large")
    ext = (upload.name or "").rsplit(".", 1)[-1].lower()
    if ext not in set(kinds) or not is_sound(upload, ext):
        raise ApplicationError(bad_kind, code="bad_file")
