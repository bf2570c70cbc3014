"""External training (个人学习档案): submit with a certificate, approve or return by a head in scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError, from_validation_error
from common.notifications import notify
from common.uploads import check_upload
from org.facts import facts_changed, rest_of_year
from org.models import Official, User
from org.selectors import users_with_role_over
from training.models import ExternalStatus, ExternalTraining
from training.selectors.external import is_head_for

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def _certificate_max_bytes() -> int:
    return int(getattr(settings, "TRAINING_CERTIFICATE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _certificate_check(upload: UploadedFile) -> None:
    """Refuse a certificate that is too large, or not a PDF/PNG/JPEG by its name and its content."""
    check_upload(upload, max_bytes=_certificate_max_bytes(), kinds=("pdf", "png", "jpg", "jpeg"),
                 too_large=_("The certificate is too large (at most %(mb)s MB)."),
                 bad_kind=_("The certificate must be a PDF, PNG or JPEG file."))


@transaction.atomic
def external_submit(
    *, by: User, official: Official, title: str, provider: str, started_on: date, ended_on: date,
    hours: Decimal, certificate: UploadedFile | None = None,
) -> ExternalTraining:
    """Record training taken elsewhere: by the official's own user or a head in scope for them."""
    if official.user_id != by.pk and not is_head_for(by, official):
        raise ApplicationError(_("You may not record training for this official."), code="forbidden")
    if certificate:
        _certificate_check(certificate)
    record = ExternalTraining(official=official, title=title, provider=provider, started_on=started_on,
                              ended_on=ended_on, hours=hours)
    if certificate:
        record.certificate = certificate
    try:
        record.full_clean()
    except ValidationError as error:
        raise from_validation_error(record, error) from error
    record.save()
    heads = users_with_role_over(official.unit, "head").exclude(pk=official.user_id or 0)
    notify(users=heads, kind="training_external", url=reverse("training:external_review"),
           title=_("%(name)s recorded external training to review") % {"name": official.name},
           dedupe_key=f"external-submitted:{record.pk}")
    return record


def _review(*, by: User, record: ExternalTraining, status: str, reason: str = "") -> ExternalTraining:
    official = record.official
    if official.user_id == by.pk or not is_head_for(by, official):
        raise ApplicationError(_("You may not review this record."), code="forbidden")
    locked = ExternalTraining.objects.select_for_update().get(pk=record.pk)
    if locked.status != ExternalStatus.SUBMITTED:
        raise ApplicationError("该记录已被处理，请刷新后查看。", code="conflict")
    locked.status, locked.return_reason = status, reason
    locked.reviewed_by, locked.reviewed_at = by, timezone.now()
    locked.full_clean()
    locked.save()
    if status == ExternalStatus.APPROVED:  # approved hours count towards the year's target from then on
        facts_changed(facts={"training_hours": [rest_of_year(locked.started_on)]}, officials=[official.pk])
    record.status, record.return_reason = locked.status, locked.return_reason
    record.reviewed_by, record.reviewed_at = locked.reviewed_by, locked.reviewed_at
    if official.user is not None:
        title = (_("Your external training was approved") if status == ExternalStatus.APPROVED
                 else _("Your external training was returned"))
        notify(users=[official.user], kind="training_external", title=f"{title}: {record.title}",
               url=reverse("training:mine"), body=reason, dedupe_key=f"external-{status}:{record.pk}")
    return record


@transaction.atomic
def external_approve(*, by: User, record: ExternalTraining) -> ExternalTraining:
    """Approve a submitted record (a head in scope of the official's unit, never for oneself)."""
    return _review(by=by, record=record, status=ExternalStatus.APPROVED)


@transaction.atomic
def external_return(*, by: User, record: ExternalTraining, reason: str) -> ExternalTraining:
    """Return a submitted record with a reason (a head in scope, never for oneself)."""
    if not reason.strip():
        raise ApplicationError(_("Give a reason for the return."), code="invalid")
    return _review(by=by, record=record, status=ExternalStatus.RETURNED, reason=reason.strip())
