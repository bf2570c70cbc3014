"""The QR codes of the ballot slips: the fast family (one segno encoding per flipped bit, XOR per code) gives
exactly segno's matrix for every code, and the compact SVG path draws exactly those modules."""

from __future__ import annotations

import re

import pytest
import segno

from appraisal.display.ballot_slips import BORDER, QrFamily, qr_svg, slips
from appraisal.services.ballots import code_new

PATH = re.compile(r'd="([^"]+)"')
STEP = re.compile(r"([Mm])(-?\d+(?:\.5)?) (-?\d+(?:\.5)?)h(\d+)")


def segno_modules(text: str) -> bytes:
    """segno's matrix, encoded on its own (byte mode, level M, the slips' fixed mask 0)."""
    qr = segno.make(text.encode("utf-8"), error="m", micro=False, boost_error=False, mask=0, mode="byte")
    return b"".join(bytes(row) for row in qr.matrix)


def drawn(svg: str, size: int) -> bytes:
    """Read an SVG path back into 0/1 modules."""
    modules = bytearray(size * size)
    x = y = 0.0
    for kind, dx, dy, length in STEP.findall(PATH.search(svg).group(1)):
        x, y = (float(dx), float(dy)) if kind == "M" else (x + float(dx), y + float(dy))
        row, col = int(y - 0.5) - BORDER, int(x) - BORDER
        for i in range(int(length)):
            modules[row * size + col + i] = 1
        x += int(length)
    return bytes(modules)


@pytest.mark.parametrize("base", ["http://testserver", "https://kaohe.example.gov.cn/gb", "http://127.0.0.1:8000"])
def test_the_family_gives_segno_s_matrix_for_every_code(base):
    family = QrFamily(f"{base}/b/")
    for _i in range(150):
        code = code_new()
        assert family.matrix(code) == segno_modules(f"{base}/b/{code}"), code


def test_the_svg_path_draws_exactly_the_modules():
    family = QrFamily("http://testserver/b/")
    for _i in range(20):
        code = code_new()
        assert drawn(family.svg(code), family.size) == family.matrix(code)
    text = "http://testserver/b/ABCDEFGHJK"
    assert drawn(qr_svg(text), family.size) == segno_modules(text)


def test_slips_carry_the_printed_code_and_the_short_link():
    [slip] = slips(["ABCDEFGHJK"], "http://testserver")
    assert slip.code == "ABCDE-FGHJK" and slip.url == "http://testserver/b/ABCDEFGHJK"
    assert slip.svg.startswith("<svg") and "viewBox" in slip.svg
