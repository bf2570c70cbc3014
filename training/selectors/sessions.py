"""Sessions, their audience and attendance: what the calendar, a session's page and its attendance grid read,
and who may organise sessions and record attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from org.facts import frozen_periods
from org.models import Official, OrgUnit, User
from org.selectors import access_for, ancestor_paths, subtree_q
from training.models import Attendance, SignInImport, TrainingSession

HEAD = "head"
RECORDER_ROLES = (HEAD,)  # who records attendance
ORGANISER_ROLES = (HEAD, "org")  # who arranges sessions and study plans


def _sessions_for_audience_q(official_unit_path: str) -> Q:
    """Sessions whose audience units include this unit, or an ancestor with ``include_subunits``."""
    through = TrainingSession.audience_units.through
    direct = through.objects.filter(trainingsession_id=OuterRef("pk"), orgunit__path=official_unit_path)
    above = through.objects.filter(trainingsession_id=OuterRef("pk"),
                                   orgunit__path__in=ancestor_paths(official_unit_path))
    return Q(Exists(direct)) | (Q(include_subunits=True) & Q(Exists(above)))


def sessions_visible_to(user: User | AnonymousUser) -> QuerySet[TrainingSession]:
    """Sessions organised by units in the user's role subtrees, plus those whose audience includes them."""
    access = access_for(user)
    qs = TrainingSession.objects.select_related("organiser", "lecturer", "plan")
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(), relation="organiser__")
    if access.official_id is not None:
        own = Official.objects.filter(pk=access.official_id).select_related("unit").first()
        if own is not None:
            q |= _sessions_for_audience_q(own.unit.path)
    return qs.filter(q)


def session_for(user: User | AnonymousUser, pk: int) -> TrainingSession:
    """Return one visible session or raise ``TrainingSession.DoesNotExist`` (a 404 for the caller)."""
    return sessions_visible_to(user).get(pk=pk)


def session_audience(session: TrainingSession) -> QuerySet[Official]:
    """Active officials in the audience units (subtrees when ``include_subunits``), by rank level; ONE query."""
    through = TrainingSession.audience_units.through
    links = through.objects.filter(trainingsession_id=session.pk)
    if session.include_subunits:
        # The official's unit path starts with an audience unit's path (materialized paths).
        prefix = Substr(OuterRef("unit__path"), 1, Length("orgunit__path"))
        qs = Official.objects.filter(Exists(links.filter(orgunit__path=prefix)))
    else:
        qs = Official.objects.filter(Exists(links.filter(orgunit_id=OuterRef("unit_id"))))
    qs = qs.filter(is_active=True)
    if session.audience_rank_levels:
        qs = qs.filter(rank_level__in=session.audience_rank_levels)
    return qs.select_related("unit").order_by("unit__path", "name", "staff_number")


def audience_user_ids(session: TrainingSession) -> QuerySet[Official, int]:
    """The ids of the active user accounts of the session's audience (whom a reminder goes to)."""
    return session_audience(session).filter(user__isnull=False, user__is_active=True).values_list(
        "user_id", flat=True)


def required_sessions_on(day: date) -> QuerySet[TrainingSession]:
    """The required sessions starting on ``day``, by start."""
    return TrainingSession.objects.filter(is_required=True, starts_at__date=day).order_by("starts_at", "pk")


def audience_visible_to(user: User | AnonymousUser, session: TrainingSession) -> QuerySet[Official]:
    """The part of the session's audience the user sees on its attendance grid: all of it for those over the
    organising unit, otherwise the officials in their role subtrees and themself. Recording goes through this,
    so an official outside it is "not in the audience" — exactly like one who is not."""
    access = access_for(user)
    qs = session_audience(session)
    if access.is_superuser or access.covers(session.organiser.path):
        return qs
    q = subtree_q(access.paths(), relation="unit__")
    if access.official_id is not None:
        q |= Q(pk=access.official_id)
    return qs.filter(q)


def attendance_visible_to(user: User | AnonymousUser) -> QuerySet[Attendance]:
    """Attendance of sessions the user may see: all of it under their roles, their own otherwise."""
    access = access_for(user)
    qs = Attendance.objects.select_related("session", "official", "official__unit", "excuse_approved_by")
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(), relation="official__unit__") | subtree_q(
        access.paths(), relation="session__organiser__")
    if access.official_id is not None:
        q |= Q(official_id=access.official_id)
    return qs.filter(q)


def sessions_awaiting_attendance(user: User | AnonymousUser, *, now: datetime | None = None
                                 ) -> QuerySet[TrainingSession]:
    """Sessions organised in the subtrees the user heads that have ended with no attendance recorded at all.

    A session organised in one's role subtree is one the user sees (``sessions_visible_to``), so its audience
    test is not needed here."""
    access = access_for(user)
    qs = TrainingSession.objects.select_related("organiser", "lecturer", "plan").filter(
        ends_at__lt=now or timezone.now()).exclude(Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths(RECORDER_ROLES), relation="organiser__"))


def sign_in_imports_of(user: User, session: TrainingSession) -> QuerySet[SignInImport]:
    """Return the user's own sign-in sheet uploads for a session, newest first: a refused upload's problems name
    officials of its uploader's scope, and heads of several units record the same session."""
    return SignInImport.objects.filter(uploaded_by_id=user.pk, session=session).select_related(
        "uploaded_by__official").order_by("-created_at", "-id")


def can_organise(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    """Whether the user may arrange sessions organised by ``unit`` (a head or the organization department over it)."""
    return access_for(user).covers(unit.path, ORGANISER_ROLES)


def can_organise_any(user: User | AnonymousUser) -> bool:
    return access_for(user).has_role(*ORGANISER_ROLES)


def units_organisable_by(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """Active units the user may organise sessions for (head or organization department over them)."""
    access = access_for(user)
    qs = OrgUnit.objects.filter(is_active=True).order_by("path")
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths(ORGANISER_ROLES)))


def can_record(user: User | AnonymousUser, session: TrainingSession) -> bool:
    """Whether the user heads a unit over some of the audience (the grid shows buttons then)."""
    access = access_for(user)
    return access.has_role(*RECORDER_ROLES)


def can_record_for(user: User | AnonymousUser, official: Official) -> bool:
    """Whether the user heads the official's unit or one above it (their attendance row has buttons)."""
    return access_for(user).covers(official.unit.path, RECORDER_ROLES)


def session_is_frozen(session: TrainingSession, *, lock: bool = False) -> bool:
    """Whether an appraisal period containing the session's day (its month, quarter, year) is closed (asked
    through ``org.facts``: this app sits below the appraisal)."""
    day = timezone.localtime(session.starts_at).date()
    return bool(frozen_periods((day, day), lock=lock))


def check_open(session: TrainingSession, *, lock: bool = True) -> None:
    """Refuse (``period_closed``) when the session's appraisal month is closed; ``lock`` holds the periods."""
    if session_is_frozen(session, lock=lock):
        raise ApplicationError(_("The appraisal month of this session is closed; its attendance can no longer "
                                 "be changed."), code="period_closed")


# -- the calendar ---------------------------------------------------------------------------------------------

def month_bounds(month: date) -> tuple[datetime, datetime]:
    """Return the aware start of ``month`` (its first day) and of the next month."""
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (timezone.make_aware(datetime.combine(month, time.min)),
            timezone.make_aware(datetime.combine(following, time.min)))


def sessions_in_month(user: User | AnonymousUser, month: date) -> QuerySet[TrainingSession]:
    """The sessions visible to the user that start in ``month`` (its first day), by start."""
    start, end = month_bounds(month)
    return sessions_visible_to(user).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id")


# -- the attendance grid --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttendanceGrid:
    """A session's attendance grid as one user sees it."""

    rows: list[tuple[Official, Attendance | None, bool]]  # the official, their record, whether the user records it
    statuses: list[str]  # the status of every record of the session (the summary counts them)
    audience_size: int
    editable: bool  # the month is open and the user records attendance somewhere


def attendance_grid(user: User | AnonymousUser, session: TrainingSession, *, frozen: bool) -> AttendanceGrid:
    """One row per official of the audience the user sees — all of it for those over the organising unit,
    otherwise their role subtrees and themself — in two queries (the audience, its attendance), whatever the
    audience's size."""
    access = access_for(user)
    audience = list(session_audience(session))
    records = {a.official_id: a for a in session.attendance.select_related("excuse_approved_by__official")}
    editable = not frozen and access.has_role(*RECORDER_ROLES)
    visible_all = access.is_superuser or access.covers(session.organiser.path)
    rows = [(o, records.get(o.pk), editable and access.covers(o.unit.path, RECORDER_ROLES))
            for o in audience if visible_all or access.covers(o.unit.path) or o.pk == access.official_id]
    return AttendanceGrid(rows=rows, statuses=[record.status for record in records.values()],
                          audience_size=len(audience), editable=editable)


def attendance_of(session: TrainingSession, official: Official) -> Attendance | None:
    """The official's attendance record at the session, if any (a grid row shown again after a refusal)."""
    return session.attendance.filter(official=official).select_related("excuse_approved_by__official").first()


def attendance_statuses(session: TrainingSession) -> list[str]:
    """The status of every attendance record of the session (the grid's summary counts them)."""
    return list(session.attendance.values_list("status", flat=True))
