"""Reads of the training app, each scoped to what the asking user may see (DESIGN §5)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone

from org.models import Official, OrgUnit, User
from org.selectors import access_for, ancestor_paths, subtree_q
from training.models import (
    Attendance,
    AttendanceStatus,
    CriticismFlag,
    SessionKind,
    SignInImport,
    StudyPlan,
    TrainingSession,
)

# Who records attendance (training.services.sessions.RECORDER_ROLES) and decides public criticisms.
HEAD = "head"


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


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[StudyPlan]:
    """Plans of units in the user's role subtrees, and of their own unit and its ancestors (whose study
    they attend)."""
    access = access_for(user)
    qs = StudyPlan.objects.select_related("unit")
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(), "unit__")
    if access.official_unit_id is not None:
        own = OrgUnit.objects.filter(pk=access.official_unit_id).values_list("path", flat=True).first()
        if own:
            q |= Q(unit__path__in=ancestor_paths(own))
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
    return qs.filter(subtree_q(access.paths((HEAD,)), relation="organiser__"))


def flags_for_head(user: User | AnonymousUser) -> QuerySet[CriticismFlag]:
    """Public criticism flags (通报批评) of officials in the subtrees the user heads."""
    access = access_for(user)
    qs = CriticismFlag.objects.select_related("official", "official__unit", "decided_by")
    if access.is_superuser:
        return qs
    return qs.filter(subtree_q(access.paths((HEAD,)), relation="official__unit__"))


def sign_in_imports_of(user: User, session: TrainingSession) -> QuerySet[SignInImport]:
    """Return the user's own sign-in sheet uploads for a session, newest first: a refused upload's problems name
    officials of its uploader's scope, and heads of several units record the same session."""
    return SignInImport.objects.filter(uploaded_by_id=user.pk, session=session).select_related(
        "uploaded_by__official").order_by("-created_at", "-id")


# -- facts the appraisal derives its entries from (``appraisal.services.derive_training``) -----------------------

def _held_between(start: date, end: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_at__date__gte": start, f"{prefix}starts_at__date__lte": end})


def required_absences(start: date, end: date) -> QuerySet[Attendance]:
    """Unexcused absences from required sessions (any kind) held between ``start`` and ``end``."""
    return Attendance.objects.filter(_held_between(start, end, "session__"), status=AttendanceStatus.ABSENT,
                                     session__is_required=True)


def study_absences(start: date, end: date) -> QuerySet[Attendance]:
    """Unexcused absences from required collective studies held between ``start`` and ``end`` (each one −1)."""
    return required_absences(start, end).filter(session__kind=SessionKind.COLLECTIVE_STUDY)


def lectures_given(start: date, end: date) -> QuerySet[TrainingSession]:
    """Sessions held between ``start`` and ``end`` given by an official lecturer (each one a bonus)."""
    return TrainingSession.objects.filter(_held_between(start, end), lecturer__isnull=False)
