"""Build the demo's ballot codes (民主测评 without accounts): in the current quarter's check-up round, a batch of
codes for the service recipients (服务对象) of the culture bureau to rate its 班子 and 中层, most of them used — one
batch per ballot of at most ``MAX_OFFICIALS`` officials, so several in a large county's bureau.

It goes through the services: the round is opened if the demo has none for the quarter, the batch is issued, and
the ballots are cast with the codes the issue returned. The clear codes exist only then, so the builder prints
three unused ones with their short links — a tester can open a ballot with them — and none can be shown later.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from appraisal.models import CheckupRound, RaterGroup
from appraisal.scoring.periods import QUARTER, period_key_for
from appraisal.selectors.ballots import ballot_officials, batch_officials, code_display
from appraisal.services.ballots import MAX_OFFICIALS, ballot_cast, batch_issue
from appraisal.services.checkup import round_open_for_key, round_recompute
from demo.org_data import HEAD_UNIT_CODE
from org.models import OrgUnit, RankLevel, User

CODES = 60
USED = 48  # 80 %: above the 2/3 minimum, so the group counts
PRINTED = 3
AUDIENCE = "县政务服务中心文旅窗口办事群众"
# Service recipients mostly rate the bureau well; a few are unhappy.
WEIGHTS = {"good": 55, "fairly_good": 30, "average": 11, "poor": 4}


class BallotsBuilder:
    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        # A copy of the seed's generator, so the ballots do not shift what a later builder draws.
        self.rng = random.Random()
        self.rng.setstate(rng.getstate())
        self.today, self.stdout, self.style = today, stdout, style
        self.orgadmin = User.objects.get(username="orgadmin")

    def build(self, base_url: str = "http://127.0.0.1:8000") -> list[str]:
        """Issue the batches, cast most ballots; print and return the unused codes kept for testers."""
        key = period_key_for(QUARTER, self.today)
        checkup = CheckupRound.objects.filter(period__key=key).first() or round_open_for_key(by=self.orgadmin, key=key)
        if checkup.status != "open":
            return []
        bureau = OrgUnit.objects.get(code=HEAD_UNIT_CODE)
        choices, weights = list(WEIGHTS), list(WEIGHTS.values())
        unused: list[str] = []
        rated = 0
        parts = ballot_parts(bureau, [RankLevel.LEADERSHIP, RankLevel.MIDDLE])
        for unit, levels in parts:
            issued = batch_issue(by=self.orgadmin, round=checkup, group=RaterGroup.RECIPIENTS, unit=unit,
                                 rank_levels=levels, size=CODES, audience=AUDIENCE)
            codes = list(issued.codes)
            self.rng.shuffle(codes)
            officials = [o.pk for o in ballot_officials(issued.batch)]
            rated += len(officials)
            for code in codes[:USED]:
                ballot_cast(code=code, ratings={oid: self.rng.choices(choices, weights)[0] for oid in officials})
            unused = unused or codes[USED:USED + PRINTED]
        round_recompute(by=self.orgadmin, round=checkup)
        split = f"（分 {len(parts)} 张选票）" if len(parts) > 1 else ""
        self.stdout.write(self.style.SUCCESS(
            f"民主测评评议码已生成：{key} 体检，{bureau.name}班子和中层 {rated} 人{split}，"
            f"服务对象评议码 {CODES * len(parts)} 个，已投 {USED * len(parts)} 个。"))
        self.stdout.write("未使用的评议码（可打开选票，仅此一次显示）：")
        for code in unused:
            self.stdout.write(f"  {code_display(code)}  {base_url}/b/{code}")
        return unused


def ballot_parts(unit: OrgUnit, levels: list[str]) -> list[tuple[OrgUnit, list[str]]]:
    """Split the officials of ``unit``'s subtree at ``levels`` into ballots of at most ``MAX_OFFICIALS``, as the
    organization department would (the service refuses a longer ballot): the whole choice when it fits, else one
    rank level at a time (the 班子 sit on the bureau, the 中层 in its sections), else section by section.

    An official placed directly on a unit that had to be split by sections is on no ballot: the demo puts its
    班子 on the bureau and its 中层 in the sections, so that only happens to one moved there by hand."""
    count = batch_officials(unit=unit, rank_levels=levels).count()
    if count == 0:
        return []
    if count <= MAX_OFFICIALS:
        return [(unit, levels)]
    if len(levels) > 1:
        return [part for level in levels for part in ballot_parts(unit, [level])]
    children = OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).order_by("path")
    return [part for child in children for part in ballot_parts(child, levels)]
