"""Officials (干部), their posts and the record of each roster upload."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import ImportRecord, TimeStampedModel
from org.models.units import OrgUnit


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
            # The county's officials per rank level (home page, statistics), counted from the index alone.
            models.Index(fields=["is_active", "rank_level"], name="official_active_rank_idx"),
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
