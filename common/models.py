from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text_limits import LONG, STORED_RESPONSE, LimitedTextField


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Notification(models.Model):
    """An in-app notification (the bell). ``dedupe_key`` makes repeated reminders harmless."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = LimitedTextField(_("body"), blank=True, max_length=LONG)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_dedupe"
            )
        ]

    def __str__(self) -> str:
        return self.title


class IdempotencyKey(models.Model):
    """A create that went through once: a page form's one-time token or an API ``Idempotency-Key``, with what the
    first submission answered (the page it led to; the API's status and body), so that a repeat gets that answer
    instead of making a second record. Claimed in the same transaction as the create (``common.idempotency``)."""

    class Kind(models.TextChoices):
        FORM = "form", _("form token")
        API = "api", _("API key")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=255)
    # API: the method, path and body of the first request, hashed; a repeat must match it.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    location = models.CharField(_("led to"), max_length=1000, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    # As rendered, so a repeat gets the same bytes.
    body = LimitedTextField(_("body"), blank=True, max_length=STORED_RESPONSE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="idempotency_key_once")]
        indexes = [models.Index(fields=["user", "created_at"], name="idempotency_key_age_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class ImportRecord(models.Model):
    """Abstract base of an import's history row (the roster, the task list, the sign-in sheet): who uploaded which
    file when, and whether it was applied or refused, with its problems — kept either way (``common.imports``)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The problems of a refused upload as {sheet, row, column, message}, the first MAX_RECORDED_ERRORS of them.
    errors = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def summary(self) -> str:
        """What an applied upload did, in a few words (each import says it its way)."""
        return ""
