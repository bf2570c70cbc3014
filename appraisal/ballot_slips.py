"""The printed slips of a batch of ballot codes: each code with its short link and a QR code as inline SVG.

Made once, in the response that issues the codes (they are not stored in clear). The QR code is segno's
(error correction M, so a creased or smudged slip still scans) drawn as one compact SVG path; two choices keep
5,000 slips within a few seconds (``bench/bench_ballots.py``):

- the mask pattern is fixed: the standard lets the encoder pick any of the eight and every reader accepts each,
  and scoring all eight to pick the "best" — segno's default — takes three quarters of the encoding time, for
  payloads that are random letters anyway;
- the path is written from the module matrix directly, one horizontal run per stroke with relative moves,
  instead of through segno's general writer: about a third of its time and of its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import segno
from django.utils.safestring import SafeString, mark_safe

from appraisal.services.ballots import code_display

BORDER = 2  # quiet zone in modules; the slip's white margin adds to it
MASK = 0
_RUN = re.compile(rb"\x01+")


def qr_svg(text: str) -> SafeString:
    """Return the QR code of ``text`` as an inline SVG sized by CSS (one path, no XML declaration)."""
    qr = segno.make(text, error="m", micro=False, boost_error=False, mask=MASK)
    parts: list[str] = []
    for y, row in enumerate(qr.matrix):
        x = 0  # the pen's x after the previous run of this row
        first = True
        for match in _RUN.finditer(bytes(row)):
            start, length = match.start() + BORDER, match.end() - match.start()
            if first:
                parts.append(f"M{start} {y + BORDER}.5h{length}")
                first = False
            else:
                parts.append(f"m{start - x} 0h{length}")
            x = start + length
    size = len(qr.matrix) + 2 * BORDER
    # Built from integers only: nothing in it comes from a person, so it is safe to insert as it is.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" '
        f'role="img"><path stroke="#000" d="{"".join(parts)}"/></svg>')


@dataclass(frozen=True)
class Slip:
    code: str  # as printed, ABCDE-FGHJK
    url: str
    svg: SafeString


def slips(codes: list[str], base_url: str) -> list[Slip]:
    """Return a slip for each clear code; ``base_url`` is the site's address without a trailing slash."""
    return [Slip(code=code_display(code), url=f"{base_url}/b/{code}", svg=qr_svg(f"{base_url}/b/{code}"))
            for code in codes]
