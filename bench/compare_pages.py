"""Compare the page times of two demo sizes from ``bench_pages.py --json`` files: is every list page flat?

Run ``bench_pages.py`` several times against each database, alternating between them so that the VM's drift falls on
both sides alike (see bench/README.md, section 7), then:

    python bench/compare_pages.py --small s1.json s2.json s3.json --large l1.json l2.json l3.json [--top 10]

For each (page, user) pair it keeps the best median of the runs at each size — the run least disturbed by the
machine — and prints the median ratio large / small over all pairs, how many are within ``--flat`` (1.5×), the
pairs above it, the ``--top`` slowest pairs at the larger size, and the pairs over ``--bound`` ms (50) at each size.
It needs no Django and no database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

Pair = tuple[str, str]  # (page, user)


def best_medians(paths: list[str]) -> dict[Pair, dict[str, Any]]:
    """Per (page, user), the figures of the run with the lowest median (``bench_pages.py``'s default mode)."""
    best: dict[Pair, dict[str, Any]] = {}
    for path in paths:
        for row in json.loads(Path(path).read_text()):
            figures = row["default"]
            pair = (row["page"], row["user"])
            if pair not in best or figures["median"] < best[pair]["median"]:
                best[pair] = figures
    return best


def table(rows: list[tuple[Pair, dict[str, Any], dict[str, Any]]]) -> list[str]:
    lines = ["| page | user | small ms | large ms | queries | × |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for (page, user), small, large in rows:
        lines.append(f"| `{page}` | {user} | {small['median']:.0f} | {large['median']:.0f} | {large['queries']} | "
                     f"{large['median'] / small['median']:.2f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", nargs="+", required=True, help="bench_pages.py JSON files of the smaller demo")
    parser.add_argument("--large", nargs="+", required=True, help="bench_pages.py JSON files of the larger demo")
    parser.add_argument("--flat", type=float, default=1.5, help="the ratio a flat page stays within (%(default)s)")
    parser.add_argument("--bound", type=float, default=50.0, help="the single-request bound, ms (%(default)s)")
    parser.add_argument("--top", type=int, default=10, help="how many of the slowest large pairs to list")
    args = parser.parse_args()

    small, large = best_medians(args.small), best_medians(args.large)
    pairs = [(pair, small[pair], large[pair]) for pair in small if pair in large]
    if not pairs:
        print("no (page, user) pair is in both sets of files", file=sys.stderr)
        return 1
    ratio = {pair: b["median"] / a["median"] for pair, a, b in pairs}
    flat = sum(1 for r in ratio.values() if r <= args.flat)
    print(f"{len(pairs)} pairs; median ratio large / small {statistics.median(ratio.values()):.2f}; "
          f"{flat} within {args.flat}×\n")
    above = sorted((p for p in pairs if ratio[p[0]] > args.flat), key=lambda p: -ratio[p[0]])
    if above:
        print(f"Above {args.flat}×:\n" + "\n".join(table(above)) + "\n")
    slowest = sorted(pairs, key=lambda p: -p[2]["median"])[: args.top]
    print(f"The {len(slowest)} slowest at the larger size:\n" + "\n".join(table(slowest)) + "\n")
    for name, figures in (("small", small), ("large", large)):
        over = sorted((pair for pair, _a, _b in pairs if figures[pair]["median"] > args.bound),
                      key=lambda pair: -figures[pair]["median"])
        listed = ", ".join(f"{page} ({user}) {figures[(page, user)]['median']:.0f}" for page, user in over) or "none"
        print(f"Over {args.bound:.0f} ms at the {name} size: {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
