"""Build the demo county's units, officials, post histories and demo logins (see seed_demo)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from demo.org_data import (
    _SURNAME_LIST,
    _SURNAME_WEIGHTS,
    BATCH_SIZE,
    CATEGORIES,
    CONTRACT_TITLES,
    DEMO_PASSWORD,
    DEMO_USERS,
    FEMALE_CHARS,
    HEAD_UNIT_CODE,
    INACTIVE_SHARE,
    LEADERSHIP_SHARE,
    MALE_CHARS,
    MIDDLE_SHARE,
    ORDINARY_TITLES_JUNIOR,
    ORDINARY_TITLES_MID,
    ORDINARY_TITLES_SENIOR,
    PHONE_PREFIXES,
    ROOT_CODE,
    ROOT_NAME,
    _middle_titles,
    _years_before,
)
from demo.org_plan import Person, Planner, Slot, TopPlan, apportion
from org.models import (
    Gender,
    Official,
    OrgUnit,
    PostAssignment,
    PostKind,
    RankLevel,
    Role,
    StaffingType,
    UnitCategory,
    UnitKind,
    User,
    rotation_cutoff,
)
from org.services import role_grant, unit_create


class OrgBuilder:
    """Write the county in a few bulk statements; drawn from ``rng`` so a seed gives the same data."""

    def __init__(self, *, rng: random.Random, today: date, stdout: Any, style: Any) -> None:
        self.rng, self.today, self.stdout, self.style = rng, today, stdout, style

    def build(self, n: int) -> None:
        self._build(n)

    # -- building ----------------------------------------------------------------------------------
    def _build(self, n: int) -> None:
        categories = self._categories()
        tops = Planner(self.rng).plan(n)
        root = unit_create(name=ROOT_NAME, code=ROOT_CODE, kind=UnitKind.OTHER)
        self._create_units(root, tops, categories)

        slots = self._slots(tops, n)
        people = [self._person(slot) for slot in slots]
        head_person, staff_person = self._special_people(people)
        self._mark_departures(people, protected={id(head_person), id(staff_person)})
        for person in people:
            self._history(person, tops)

        users = self._users(root, head_person, staff_person)
        head_person.user, staff_person.user = users["head"], users["staff"]
        self._save_people(people)
        self._report(n, people, users, head_person, staff_person)

    def _categories(self) -> dict[str, UnitCategory]:
        found = {}
        for code, name, order in CATEGORIES:
            category, _created = UnitCategory.objects.get_or_create(
                code=code, defaults={"name": name, "sort_order": order})
            found[code] = category
        return found

    def _create_units(self, root: OrgUnit, tops: list[TopPlan], categories: dict[str, UnitCategory]) -> None:
        # Siblings are created in increasing sort order, so treebeard always appends and never
        # rewrites the paths of units already created (their in-memory copies stay correct).
        codes = [root.code, *(t.spec.code for t in tops), *(leaf.code for t in tops for leaf in t.leaves)]
        if len(codes) != len(set(codes)):
            raise RuntimeError("demo plan produced duplicate unit codes")
        for index, top in enumerate(tops, start=1):
            spec = top.spec
            top.unit = unit_create(name=spec.name, code=spec.code, parent=root, kind=spec.kind,
                                   category=categories[spec.category], sort_order=index * 10)
        for top in tops:
            assert top.unit is not None
            for index, leaf in enumerate(top.leaves, start=1):
                leaf.unit = unit_create(
                    name=leaf.name, code=leaf.code, parent=top.unit, kind=leaf.kind,
                    category=categories[leaf.category] if leaf.category else None, sort_order=index * 10,
                )

    def _slots(self, tops: list[TopPlan], n: int) -> list[Slot]:
        """Decide every official's unit, rank level and title before drawing the people."""
        leaves = [leaf for top in tops for leaf in top.leaves]
        leaf_top = {id(leaf): top for top in tops for leaf in top.leaves}
        n_lead = max(round(n * LEADERSHIP_SHARE), len(tops))
        n_mid = round(n * MIDDLE_SHARE)
        n_ord = n - n_lead - n_mid

        # Leadership: at least the principal of every unit; towns keep larger teams.
        # Teams grow slower than the units they lead.
        top_weights = [sum(leaf.weight for leaf in t.leaves) ** 0.6 * (1.4 if t.spec.kind == UnitKind.TOWN else 1.0)
                       for t in tops]
        leaders = apportion(n_lead, top_weights, [1] * len(tops))
        # Middle level: a chief for every section when there are enough, deputies by size.
        mid_min = [1 if n_mid >= len(leaves) else 0 for _ in leaves]
        middles = apportion(n_mid, [leaf.weight for leaf in leaves], mid_min)
        # Ordinary: by size; the head's bureau always has someone ordinary in its sections.
        ord_min = [1 if leaf_top[id(leaf)].spec.code == HEAD_UNIT_CODE else 0 for leaf in leaves]
        ordinaries = apportion(n_ord, [leaf.weight for leaf in leaves], ord_min)

        slots: list[Slot] = []
        for top, count in zip(tops, leaders, strict=True):
            assert top.unit is not None
            titles = top.spec.leaders
            principals = 2 if top.spec.kind in (UnitKind.TOWN, UnitKind.PARK) else 1
            overflow = (top.spec.deputy, "四级调研员", "三级调研员")
            for i in range(count):
                title = titles[i] if i < len(titles) else overflow[(i - len(titles)) % len(overflow)]
                slots.append(Slot(top.unit, top, RankLevel.LEADERSHIP, title, principal=i < principals))
        for leaf, n_m, n_o in zip(leaves, middles, ordinaries, strict=True):
            assert leaf.unit is not None
            top = leaf_top[id(leaf)]
            chief, deputy = _middle_titles(leaf.name)
            for i in range(n_m):
                title = chief if i == 0 else deputy if i <= 2 else "四级调研员"
                slots.append(Slot(leaf.unit, top, RankLevel.MIDDLE, title))
            for _ in range(n_o):
                slots.append(Slot(leaf.unit, top, RankLevel.ORDINARY, ""))  # title depends on age
        return slots

    def _name(self, gender: str) -> str:
        surname = self.rng.choices(_SURNAME_LIST, weights=_SURNAME_WEIGHTS)[0]
        pool = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        if self.rng.random() < 0.3 or len(surname) > 1:
            return surname + self.rng.choice(pool)
        first = self.rng.choice(pool)
        second = self.rng.choice(pool)
        if second == first and self.rng.random() < 0.7:  # doubled names (婷婷) now and then
            second = self.rng.choice(pool)
        return surname + first + second

    def _person(self, slot: Slot) -> Person:
        rng, today = self.rng, self.today
        if slot.rank == RankLevel.LEADERSHIP:
            age = rng.uniform(42, 58) if slot.principal else rng.uniform(35, 59)
            male = 0.8
        elif slot.rank == RankLevel.MIDDLE:
            age = rng.uniform(29, 59)
            male = 0.62
        else:
            age = min(59.9, max(23.0, rng.triangular(23, 60, 30)))
            male = 0.52
        gender = Gender.MALE if rng.random() < male else Gender.FEMALE
        birth = _years_before(today, age)
        join_age = rng.uniform(21.5, min(28.0, age - 0.3))
        joined = max(_years_before(today, age - join_age), birth + timedelta(days=365 * 21))
        service = (today - joined).days / 365.25

        # Years in the current post: about one in seven of those who could be is due for rotation.
        settled = slot.rank != RankLevel.ORDINARY  # leaders and middle cadres have held earlier posts
        room = service - (2.0 if settled else 0.0)
        if room >= 5 and rng.random() < 0.16:
            in_post = rng.uniform(5.0, min(room, 12.0))
        elif not settled and service < 5 and rng.random() < 0.5:
            in_post = service  # a young cadre still in the first post
        else:
            in_post = rng.uniform(0.1, max(0.1, min(4.9, room if room > 0.2 else service)))
        post_since = max(joined, _years_before(today, in_post))
        if post_since > today:
            post_since = today

        staffing = StaffingType.ESTABLISHED
        if slot.rank == RankLevel.ORDINARY and rng.random() < 0.23:
            staffing = StaffingType.CONTRACT
        party_share: dict[str, float] = {RankLevel.LEADERSHIP: 0.97, RankLevel.MIDDLE: 0.85}
        party = party_share.get(slot.rank, 0.68)
        if staffing == StaffingType.CONTRACT:
            party = 0.35
        if slot.rank == RankLevel.ORDINARY:
            slot.title = self._ordinary_title(staffing, today.year - birth.year, service)
        phone = f"{rng.choice(PHONE_PREFIXES)}-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
        return Person(slot=slot, name=self._name(gender), gender=gender, birth_date=birth, joined_on=joined,
                      post_since=post_since, staffing_type=staffing, is_party_member=rng.random() < party,
                      phone=phone)

    def _ordinary_title(self, staffing: str, age: int, service: float) -> str:
        if staffing == StaffingType.CONTRACT:
            return self.rng.choice(CONTRACT_TITLES)
        if service < 4 or age < 28:
            return self.rng.choice(ORDINARY_TITLES_JUNIOR)
        if service < 15:
            return self.rng.choice(ORDINARY_TITLES_MID)
        return self.rng.choice(ORDINARY_TITLES_SENIOR)

    def _special_people(self, people: list[Person]) -> tuple[Person, Person]:
        head = next(p for p in people if p.slot.top.spec.code == HEAD_UNIT_CODE
                    and p.slot.rank == RankLevel.LEADERSHIP and p.slot.principal)
        staff_candidates = [p for p in people if p.slot.top.spec.code == HEAD_UNIT_CODE
                            and p.slot.rank == RankLevel.ORDINARY and p.slot.unit.kind == UnitKind.SECTION]
        # Prefer an established cadre in a line section (not the office).
        preferred = [p for p in staff_candidates
                     if p.staffing_type == StaffingType.ESTABLISHED and "办公室" not in p.slot.unit.name]
        established = [p for p in staff_candidates if p.staffing_type == StaffingType.ESTABLISHED]
        staff = (preferred or established or staff_candidates)[0]
        return head, staff

    def _mark_departures(self, people: list[Person], protected: set[int]) -> None:
        cutoff = self.today - timedelta(days=90)
        eligible = [p for p in people if id(p) not in protected and not p.slot.principal and p.post_since <= cutoff]
        count = min(len(eligible), round(len(people) * INACTIVE_SHARE))
        for person in self.rng.sample(eligible, count):
            person.is_active = False
            span = (self.today - timedelta(days=1) - person.post_since).days
            person.left_on = person.post_since + timedelta(days=self.rng.randint(30, max(30, span)))

    def _history(self, person: Person, tops: list[TopPlan]) -> None:
        """Give the person 1–3 posts: earlier closed ones and the current one (open unless they left).

        Drawn backwards from the current post: how they came to a post (its kind) decides the
        level and the unit of the post before it (a promotion comes from the level below, an
        internal rotation from the same unit, an exchange from another one).
        """
        rng = self.rng
        slot = person.slot
        gap = (person.post_since - person.joined_on).days
        three_share: dict[str, float] = {RankLevel.LEADERSHIP: 0.85, RankLevel.MIDDLE: 0.5}
        three = three_share.get(slot.rank, 0.35)
        if gap < 180:
            person.post_since = person.joined_on
            starts = [person.joined_on]
        elif gap >= 3 * 365 and rng.random() < three:
            starts = [person.joined_on, person.joined_on + timedelta(days=rng.randint(180, gap - 180)),
                      person.post_since]
        else:
            starts = [person.joined_on, person.post_since]
        contract = person.staffing_type == StaffingType.CONTRACT

        level, top, unit, title = slot.rank, slot.top, slot.unit, slot.title
        kind: str
        posts: list[PostAssignment] = []
        for i in range(len(starts) - 1, -1, -1):
            end = person.left_on if i == len(starts) - 1 else starts[i + 1]
            if i == 0:
                kind = PostKind.APPOINTMENT
                note = "合同制聘用" if contract else "公务员录用" if level == RankLevel.ORDINARY else "任命"
                posts.append(PostAssignment(unit=unit, position_title=title, kind=kind, start_date=starts[i],
                                            end_date=end, note=note))
                break
            kind, note = self._arrival(level, contract, current=i == len(starts) - 1)
            posts.append(PostAssignment(unit=unit, position_title=title, kind=kind, start_date=starts[i],
                                        end_date=end, note=note))
            # The post before this one.
            promoted = kind in (PostKind.APPOINTMENT, PostKind.COMPETITIVE_EXCHANGE) and level != RankLevel.ORDINARY
            next_level = level
            level = RankLevel.MIDDLE if promoted and level == RankLevel.LEADERSHIP else (
                RankLevel.ORDINARY if promoted else level)
            same_top = kind == PostKind.INTERNAL_ROTATION or (
                kind in (PostKind.APPOINTMENT, PostKind.COMPETITIVE_EXCHANGE) and rng.random() < 0.6)
            others = [t for t in tops if t is not top] or tops
            top = top if same_top else rng.choice(others)
            leaves = [leaf.unit for leaf in top.leaves if leaf.unit is not None and leaf.unit != unit]
            assert top.unit is not None
            unit = top.unit if level == RankLevel.LEADERSHIP else rng.choice(leaves or [unit])
            title = self._title_before(level, next_level, unit, top, contract, first=i == 1)
        person.posts = posts[::-1]

    def _arrival(self, level: str, contract: bool, *, current: bool) -> tuple[str, str]:
        """How someone came to a post at ``level``: a post kind and a note."""
        if contract:
            return PostKind.INTERNAL_ROTATION, "岗位调整"
        choices: dict[str, list[tuple[str, str, int]]] = {
            RankLevel.LEADERSHIP: [
                (PostKind.APPOINTMENT, "提拔任职", 5), (PostKind.LATERAL_EXCHANGE, "跨部门交流任职", 3),
                (PostKind.UP_DOWN_EXCHANGE, "上下级机关交流", 1)],
            RankLevel.MIDDLE: [
                (PostKind.APPOINTMENT, "提拔任职", 5), (PostKind.COMPETITIVE_EXCHANGE, "竞争上岗", 3),
                (PostKind.INTERNAL_ROTATION, "单位内部轮岗", 2), (PostKind.LATERAL_EXCHANGE, "跨部门交流任职", 1)],
            RankLevel.ORDINARY: [
                (PostKind.INTERNAL_ROTATION, "单位内部轮岗", 4), (PostKind.LATERAL_EXCHANGE, "跨部门交流任职", 3),
                (PostKind.UP_DOWN_EXCHANGE, "上下级机关交流", 1), (PostKind.APPOINTMENT, "职级晋升", 2)],
        }
        options = choices[level]
        if not current and level == RankLevel.ORDINARY:  # a secondment is over by now
            options = [*options, (PostKind.SECONDMENT, "借调工作", 1)]
        kind, note, _weight = self.rng.choices(options, weights=[w for _k, _n, w in options])[0]
        return kind, note

    def _title_before(self, level: str, next_level: str, unit: OrgUnit, top: TopPlan, contract: bool,
                      *, first: bool) -> str:
        rng = self.rng
        if contract:
            return rng.choice(CONTRACT_TITLES)
        if level == RankLevel.LEADERSHIP:
            return top.spec.deputy
        if level == RankLevel.MIDDLE:
            chief, deputy = _middle_titles(unit.name)
            return chief if next_level == RankLevel.LEADERSHIP or rng.random() < 0.4 else deputy
        return rng.choice(ORDINARY_TITLES_JUNIOR if first else ("一级科员", "科员", "四级主任科员"))

    def _users(self, root: OrgUnit, head_person: Person, staff_person: Person) -> dict[str, User]:
        head_unit = head_person.slot.unit
        names = {"orgadmin": "组织部管理员", "head": head_person.name, "staff": staff_person.name,
                 "inspector": "纪检监察员"}
        users: dict[str, User] = {}
        for username in DEMO_USERS:
            user = User(username=username, first_name=names[username], is_staff=False, is_superuser=False)
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        role_grant(user=users["orgadmin"], unit=root, role=Role.ORG_DEPARTMENT)
        role_grant(user=users["head"], unit=head_unit, role=Role.HEAD)
        role_grant(user=users["inspector"], unit=root, role=Role.DISCIPLINE)
        return users

    def _save_people(self, people: list[Person]) -> None:
        # Staff numbers follow the date of joining, as a personnel office would have issued them.
        people = sorted(people, key=lambda p: p.joined_on)  # stable: ties keep the drawing order
        officials = [
            Official(
                name=p.name, staff_number=f"A{number:06d}", gender=p.gender, birth_date=p.birth_date,
                unit=p.slot.unit, position_title=p.slot.title, rank_level=p.slot.rank,
                staffing_type=p.staffing_type, is_party_member=p.is_party_member, phone=p.phone,
                joined_on=p.joined_on, post_since=p.post_since, is_active=p.is_active, left_on=p.left_on,
                user=p.user,
            )
            for number, p in enumerate(people, start=1)
        ]
        created = Official.objects.bulk_create(officials, batch_size=BATCH_SIZE)
        if not all(o.pk for o in created):  # backends that do not return keys from bulk inserts
            ids = dict(Official.objects.values_list("staff_number", "id"))
            for o in created:
                o.pk = ids[o.staff_number]
        posts = []
        for person, official in zip(people, created, strict=True):
            for post in person.posts:
                post.official_id = official.pk
                posts.append(post)
        PostAssignment.objects.bulk_create(posts, batch_size=BATCH_SIZE)
        self.created_posts = len(posts)

    def _report(self, n: int, people: list[Person], users: dict[str, User], head: Person, staff: Person) -> None:
        cutoff = rotation_cutoff(self.today)
        due = sum(1 for p in people if p.is_active and p.post_since <= cutoff)
        inactive = sum(1 for p in people if not p.is_active)
        by_rank = {r: sum(1 for p in people if p.slot.rank == r) for r in RankLevel.values}
        units = OrgUnit.objects.count()
        out = self.stdout
        out.write(self.style.SUCCESS(
            f"演示数据已生成：单位 {units} 个，干部 {n} 名（在职 {n - inactive}，已离开 {inactive}），"
            f"任职记录 {self.created_posts} 条。"
        ))
        out.write(f"  班子成员 {by_rank[RankLevel.LEADERSHIP]}，中层干部 {by_rank[RankLevel.MIDDLE]}，"
                  f"一般干部 {by_rank[RankLevel.ORDINARY]}；任现职满轮岗年限 {due} 名。")

