"""Small real files for upload tests: the upload check opens each file, so content must be well formed."""

from __future__ import annotations

from functools import cache
from io import BytesIO

from PIL import Image
from pypdf import PdfWriter


@cache
def pdf_bytes() -> bytes:
    """A one-page blank PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@cache
def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@cache
def jpeg_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="JPEG")
    return buffer.getvalue()
