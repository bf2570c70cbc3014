"""The printed slips of a batch of ballot codes: each code with its short link and a QR code as inline SVG.

Made once, in the response that issues the codes (they are not stored in clear). The QR codes are segno's (byte
mode, error correction M so a creased or smudged slip still scans, a fixed mask pattern) drawn as one compact
SVG path each. Encoding 5,000 of them one by one takes segno 1.5–8 ms a code (``bench/bench_ballots.py``), too slow
for the 10 s target on a busy server; three facts make it about 0.2 ms:

- the mask pattern is fixed. The standard lets an encoder use any of the eight and every reader accepts each;
  scoring all eight to pick the "best" (segno's default) is three quarters of segno's time, for payloads that
  are random letters anyway.
- With the version, mode, error level and mask fixed, a QR matrix is an affine function over GF(2) of the
  payload's bits: the Reed–Solomon code words are linear in the data, and placing and masking them is a fixed
  permutation and XOR. The links of a batch differ only in their last ``CODE_LENGTH`` bytes, so segno encodes
  one base link and one link per flipped bit of those bytes (80 calls per batch), and each code's matrix is the
  base XOR the differences its letters make — ten XORs of one big integer. ``QrFamily.matrix`` is checked
  against segno's own matrix in the tests.
- The SVG path is written from the module rows directly, one horizontal stroke per run of dark modules with
  relative moves, instead of through segno's general writer: a third of its time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import segno
from django.utils.safestring import SafeString, mark_safe

from appraisal.selectors.ballots import ALPHABET, CODE_LENGTH, code_display

BORDER = 2  # quiet zone in modules; the slip's white margin adds to it
MASK = 0
_RUN = re.compile(rb"\x01+")


def encode(data: bytes, version: int | None = None) -> segno.QRCode:
    """segno's QR code of ``data`` as the slips use it: byte mode, error correction M, the fixed mask."""
    return segno.make(data, error="m", micro=False, boost_error=False, mask=MASK, mode="byte", version=version)


def _flat(matrix: tuple[bytearray, ...]) -> int:
    """The modules (0/1 bytes), row by row, as one integer: XOR on it is XOR of the modules."""
    return int.from_bytes(b"".join(bytes(row) for row in matrix), "big")


def svg_of(modules: bytes, size: int) -> SafeString:
    """Return the inline SVG of a ``size``×``size`` module matrix given as 0/1 bytes, row by row."""
    parts: list[str] = []
    for y in range(size):
        x = 0  # the pen's x after the previous run of this row
        first = True
        for match in _RUN.finditer(modules, y * size, y * size + size):
            start, length = match.start() - y * size + BORDER, match.end() - match.start()
            parts.append(f"M{start} {y + BORDER}.5h{length}" if first else f"m{start - x} 0h{length}")
            first = False
            x = start + length
    full = size + 2 * BORDER
    # Built from integers only: nothing in it comes from a person, so it is safe to insert as it is.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {full}" shape-rendering="crispEdges" '
        f'role="img"><path stroke="#000" d="{"".join(parts)}"/></svg>')


def qr_svg(text: str) -> SafeString:
    """Return the QR code of any ``text`` as an inline SVG (segno, one code at a time)."""
    qr = encode(text.encode("utf-8"))
    return svg_of(b"".join(bytes(row) for row in qr.matrix), len(qr.matrix))


class QrFamily:
    """The QR codes of ``prefix + code`` for every code of ``CODE_LENGTH`` letters of ``ALPHABET``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.encode("utf-8")
        base_code = ALPHABET[0] * CODE_LENGTH
        base = self.prefix + base_code.encode("ascii")
        first = encode(base)
        self.version, self.size = int(first.version), len(first.matrix)  # a number: never a Micro QR here
        self.base = _flat(first.matrix)
        offset = len(self.prefix)
        # One matrix difference per bit of each letter's byte; then, per position, the difference each letter
        # of the alphabet makes (the XOR of the differences of the bits it flips).
        self.table: list[dict[str, int]] = []
        for position in range(CODE_LENGTH):
            bits = []
            for bit in range(8):
                flipped = bytearray(base)
                flipped[offset + position] ^= 1 << bit
                bits.append(_flat(encode(bytes(flipped), self.version).matrix) ^ self.base)
            letters = {}
            for letter in ALPHABET:
                change, difference = ord(letter) ^ ord(base_code[position]), 0
                for bit in range(8):
                    if change >> bit & 1:
                        difference ^= bits[bit]
                letters[letter] = difference
            self.table.append(letters)

    def matrix(self, code: str) -> bytes:
        """The modules of the code's QR code as 0/1 bytes, row by row (what segno makes for the same text)."""
        value = self.base
        for position, letter in enumerate(code):
            value ^= self.table[position][letter]
        return value.to_bytes(self.size * self.size, "big")

    def svg(self, code: str) -> SafeString:
        return svg_of(self.matrix(code), self.size)


@dataclass(frozen=True)
class Slip:
    code: str  # as printed, ABCDE-FGHJK
    url: str
    svg: SafeString


def slips(codes: list[str], base_url: str) -> list[Slip]:
    """Return a slip for each clear code; ``base_url`` is the site's address without a trailing slash."""
    family = QrFamily(f"{base_url}/b/")
    return [Slip(code=code_display(code), url=f"{base_url}/b/{code}", svg=family.svg(code)) for code in codes]
