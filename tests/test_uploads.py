"""Uploads are checked by their whole structure, not their first bytes (issue 14, item 9)."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from common.errors import ApplicationError
from common.uploads import check_upload
from tests.files import jpeg_bytes, pdf_bytes, png_bytes

KINDS = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "doc", "xls")
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"


def xlsx_bytes() -> bytes:
    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def zip_bytes(names: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def check(name: str, data: bytes) -> None:
    check_upload(SimpleUploadedFile(name, data), max_bytes=10_000_000, kinds=KINDS, too_large="%(mb)s",
                 bad_kind="bad")


@pytest.mark.parametrize(("name", "data"), [
    ("证书.pdf", pdf_bytes()), ("证书.png", png_bytes()), ("证书.jpg", jpeg_bytes()), ("表.xlsx", xlsx_bytes()),
    ("文.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})),
])
def test_sound_files_are_accepted(name, data):
    check(name, data)


@pytest.mark.parametrize(("name", "data"), [
    ("证书.pdf", b"%PDF-1.4\n" + EXECUTABLE),  # the reported case: a PDF header, then an executable
    ("证书.pdf", pdf_bytes()[: len(pdf_bytes()) // 2]),  # truncated
    ("证书.png", b"\x89PNG\r\n\x1a\n" + EXECUTABLE),
    ("证书.png", png_bytes()[:40]),  # the header and part of the image
    ("证书.jpg", png_bytes()),  # a PNG named .jpg
    ("证书.jpeg", b"\xff\xd8\xff\xe0" + EXECUTABLE),
    ("表.xlsx", zip_bytes({"evil.exe": EXECUTABLE})),  # a ZIP, but no workbook
    ("表.xlsx", b"PK\x03\x04" + EXECUTABLE),
    ("文.docx", zip_bytes({"[Content_Types].xml": b"<Types/>"})),
    ("文.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + EXECUTABLE),
    ("证书.exe", EXECUTABLE),
    ("证书.pdf", b""),
])
def test_anything_else_is_refused(name, data):
    with pytest.raises(ApplicationError) as refused:
        check(name, data)
    assert refused.value.code == "bad_file"
