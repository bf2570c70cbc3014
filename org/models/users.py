"""Users who sign in, and the roles granted to them on units."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models.units import OrgUnit


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
