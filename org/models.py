"""Org units, unit categories, officials, their posts, users, the roles granted to them and the working-day
calendar."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from common.models import ImportRecord, TimeStampedModel


class User(AbstractUser):
    """A person who signs in. Linked to at most one ``Official`` (not every official signs in)."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The name in Chinese order, family name first and no space (the demo and most accounts keep the whole
        name in ``first_name``)."""
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        """How the person is shown wherever people are named: by name, never by login — the login only for an
        account that has no name at all (a technical account made on the command line)."""
        return self.get_full_name() or self.username

    def __str__(self) -> str:
        return self.display_name


class UnitCategory(models.Model):
    """A group of comparable units for like-with-like ranking (同类同比)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit category")
        verbose_name_plural = _("unit categories")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    TOWN = "town", _("Town or street")
    PARK = "park", _("Park")
    SECTION = "section", _("Section")
    OTHER = "other", _("Other")


class OrgUnit(MP_Node):
    """A unit in the organisation tree.

    The tree is a materialized path (django-treebeard): a subtree is one indexed
    ``path LIKE 'prefix%'`` query. ``parent`` is kept beside the path for cheap joins and display.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="children_units",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, default=UnitKind.OTHER)
    category = models.ForeignKey(
        UnitCategory, verbose_name=_("category"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="units",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["sort_order", "code"]
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        indexes = [
            # PostgreSQL needs the pattern opclass for LIKE 'prefix%' to use the index.
            models.Index(fields=["path"], name="orgunit_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def subtree_q(self, prefix: str = "") -> Q:
        """Return a filter matching this unit and everything below it (``prefix`` is a relation)."""
        return Q(**{f"{prefix}path__startswith": self.path})

    def move(self, target: MP_Node, pos: str | None = None) -> None:
        super().move(target, pos)
        self.refresh_from_db()
        parent_path = self.path[: -self.steplen]
        self.parent = OrgUnit.objects.get(path=parent_path) if parent_path else None
        self.save(update_fields=["parent"])


class RankLevel(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership member")
    MIDDLE = "middle", _("Middle-level cadre")
    ORDINARY = "ordinary", _("Ordinary cadre")


class StaffingType(models.TextChoices):
    ESTABLISHED = "established", _("Established post")
    CONTRACT = "contract", _("Contract staff")


class PersonnelCategory(models.TextChoices):
    """The body of rules an official is appraised under, which also names the annual grades.

    公务员 and 参照公务员法管理 are graded 优秀/称职/基本称职/不称职 (公务员法 第38条); 事业单位 staff
    优秀/合格/基本合格/不合格 (事业单位人事管理条例 第21条). 编外 staff are outside both; whether they take part
    in the annual appraisal is the setting ``APPRAISAL_APPRAISED_CATEGORIES``."""

    CIVIL_SERVANT = "civil_servant", _("Civil servant (公务员)")
    MANAGED_AS_CIVIL_SERVANT = "managed_as_civil_servant", _("Managed as civil servant (参照公务员法管理)")
    INSTITUTION = "institution", _("Public institution staff (事业单位)")
    NON_ESTABLISHMENT = "non_establishment", _("Non-establishment staff (编外)")


# The categories graded 合格/基本合格/不合格 rather than 称职/基本称职/不称职: 事业单位 by the rules; 编外, whom no rule
# names, like them (称职 is the civil-service term of 公务员法) — a local choice, see the README.
QUALIFIED_GRADE_CATEGORIES = frozenset({PersonnelCategory.INSTITUTION, PersonnelCategory.NON_ESTABLISHMENT})


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Official(TimeStampedModel):
    """A cadre (干部). No national ID numbers are kept."""

    name = models.CharField(_("name"), max_length=50, db_index=True)
    staff_number = models.CharField(_("staff number"), max_length=32, unique=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officials")
    position_title = models.CharField(_("position"), max_length=100, blank=True)
    rank_level = models.CharField(_("rank level"), max_length=16, choices=RankLevel.choices)
    staffing_type = models.CharField(
        _("staffing type"), max_length=16, choices=StaffingType.choices, default=StaffingType.ESTABLISHED,
        help_text=_("The post: an established post (在编) or a contract (聘用). It does not change how the official "
                    "is appraised; the personnel category does."),
    )
    personnel_category = models.CharField(
        _("personnel category"), max_length=24, choices=PersonnelCategory.choices,
        default=PersonnelCategory.CIVIL_SERVANT,
        help_text=_("The rules the official is appraised under and the names of the annual grades: 公务员 and "
                    "参照公务员法管理 称职/基本称职/不称职, 事业单位 合格/基本合格/不合格; 编外 staff take part in "
                    "the annual appraisal only where the county's settings say so."),
    )
    is_party_member = models.BooleanField(_("party member"), default=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    joined_on = models.DateField(_("date joined"), null=True, blank=True)
    post_since = models.DateField(_("in current post since"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Unticked when the official has left."))
    left_on = models.DateField(_("date left"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("login account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="official",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__path", "name", "staff_number"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        indexes = [
            models.Index(fields=["unit", "rank_level"], name="official_unit_rank_idx"),
            models.Index(fields=["is_active", "post_since"], name="official_rotation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_number}）"

    def years_in_post(self, today: date | None = None) -> float | None:
        if self.post_since is None:
            return None
        today = today or timezone.localdate()
        return (today - self.post_since).days / 365.25

    @property
    def rotation_due(self) -> bool:
        """True when an active official has served ROTATION_DUE_YEARS or more in the current post."""
        return bool(self.is_active and self.post_since and self.post_since <= rotation_cutoff())


def rotation_cutoff(today: date | None = None) -> date:
    """Return the latest ``post_since`` that makes an official due for rotation today."""
    today = today or timezone.localdate()
    years = settings.ROTATION_DUE_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class PostKind(models.TextChoices):
    APPOINTMENT = "appointment", _("Appointment")
    INTERNAL_ROTATION = "internal_rotation", _("Internal rotation")
    LATERAL_EXCHANGE = "lateral_exchange", _("Lateral exchange")
    COMPETITIVE_EXCHANGE = "competitive_exchange", _("Competitive exchange")
    UP_DOWN_EXCHANGE = "up_down_exchange", _("Up-down exchange")
    SECONDMENT = "secondment", _("Secondment")


class PostAssignment(models.Model):
    """One post an official held: where, as what, from when to when, and how they came to it."""

    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(_("position"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=PostKind.choices, default=PostKind.APPOINTMENT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["official", "-start_date"]
        verbose_name = _("post assignment")
        verbose_name_plural = _("post assignments")
        indexes = [models.Index(fields=["official", "-start_date"], name="post_official_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_end_after_start",
            ),
            # At most one open post per official.
            models.UniqueConstraint(
                fields=["official"], condition=Q(end_date__isnull=True), name="post_one_open_per_official"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.position_title} {self.start_date}"


class Role(models.TextChoices):
    HEAD = "head", _("Head")
    ORG_DEPARTMENT = "org", _("Organization department")
    DISCIPLINE = "discipline", _("Discipline inspection")


class RoleGrant(models.Model):
    """A role held by a user on a unit, covering the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class RosterImport(ImportRecord):
    """A record of each roster upload, kept whether it was applied or refused."""

    units_created = models.PositiveIntegerField(_("units created"), default=0)
    units_updated = models.PositiveIntegerField(_("units updated"), default=0)
    officials_created = models.PositiveIntegerField(_("officials created"), default=0)
    officials_updated = models.PositiveIntegerField(_("officials updated"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return f"{self.filename} {self.created_at:%Y-%m-%d %H:%M}"

    def summary(self) -> str:
        return gettext("units +%(uc)s/~%(uu)s, officials +%(oc)s/~%(ou)s") % {
            "uc": self.units_created, "uu": self.units_updated, "oc": self.officials_created,
            "ou": self.officials_updated}


class CalendarDay(models.Model):
    """A day that breaks the weekly rhythm: a weekday off (法定节假日) or a weekend worked (调休上班).

    Weekends are days off unless a row marks them as working days; weekdays are working days unless a
    row marks them as holidays. Reads go through ``org.workdays``; writes through
    ``org.services.calendar``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), default=False,
        help_text=_("Ticked for a weekend day worked in exchange for a holiday (调休上班); unticked for a "
                    "weekday off."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    MATERNITY = "maternity", _("Maternity leave")
    MARRIAGE = "marriage", _("Marriage leave")
    BEREAVEMENT = "bereavement", _("Bereavement leave")
    ANNUAL = "annual", _("Annual leave")
    OTHER = "other", _("Other leave")


class LeaveRecord(TimeStampedModel):
    """A leave (请假) of an official, from ``start_date`` to ``end_date``, both days included.

    Kept by the head over the official or the organization department (``org.services.leave``), seen by the
    official; the appraisal counts the days of some kinds (病假、事假) toward "more than half the year away"
    (考核规定 2020 第27条). Two records of one official never overlap: the services refuse it.
    """

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="leave_records")
    kind = models.CharField(_("kind of leave"), max_length=16, choices=LeaveKind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["official", "-start_date"]
        verbose_name = _("leave record")
        verbose_name_plural = _("leave records")
        indexes = [
            models.Index(fields=["official", "start_date"], name="leave_official_start_idx"),
            models.Index(fields=["start_date", "end_date"], name="leave_dates_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.kind} {self.start_date}–{self.end_date}"

    def clean(self) -> None:
        """Refuse reversed dates and an overlap with another record of the official (for the admin; the services
        check the same under a lock, with their own messages)."""
        if self.start_date is None or self.end_date is None or self.official_id is None:
            return
        if self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day is before the first day.")})
        overlapping = LeaveRecord.objects.filter(official_id=self.official_id, start_date__lte=self.end_date,
                                                 end_date__gte=self.start_date).exclude(pk=self.pk or 0)
        if overlapping.exists():
            raise ValidationError(_("This leave overlaps another leave record of the official."))

    @property
    def days(self) -> int:
        """Calendar days of the leave, both ends included."""
        return (self.end_date - self.start_date).days + 1

    @property
    def recorded_by_name(self) -> str:
        """Who recorded it, by name (their official record's, else the account's full name), never by login."""
        user = self.recorded_by
        if user is None:
            return ""
        official = getattr(user, "official", None)
        return official.name if official is not None else user.get_full_name()
