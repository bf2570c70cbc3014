"""Checking uploaded files by size, by name and by content (the first bytes), before they are stored."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile

from common.errors import ApplicationError

# The first bytes of each accepted kind of file; Office documents are ZIP (docx, xlsx) or OLE (doc, xls).
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def check_upload(upload: UploadedFile, *, max_bytes: int, kinds: Iterable[str], too_large: str,
                 bad_kind: str) -> None:
    """Refuse a file larger than ``max_bytes`` (message ``too_large``, which may use ``%(mb)s``) or one whose
    name and first bytes are not one of ``kinds`` (message ``bad_kind``)."""
    if upload.size is not None and upload.size > max_bytes:
        raise ApplicationError(too_large % {"mb": round(max_bytes / 1024 / 1024, 1)}, code="too_large")
    ext = (upload.name or "").rsplit(".", 1)[-1].lower()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext not in set(kinds) or not head.startswith(MAGIC.get(ext, (b"\0" * 9,))):
        raise ApplicationError(bad_kind, code="bad_file")
