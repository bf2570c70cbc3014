"""One-time ballot codes for the check-up's rater groups that have no login (民主测评: 服务对象, 群众, 基层干部).

The organization department issues a batch of codes in a round, for one rater group and a fixed set of officials
(chosen by unit and rank levels, and kept as they were at issue time). Each code is random, handed out on a paper
slip, and stored only as a keyed hash (``digest``): the clear codes exist in the issuing response alone, and no
row says who received which. A code casts one ``Ballot``: the code is marked used and the ballot is written in
the same transaction, but the ballot has no link to its code and neither row carries a time, so the two cannot be
paired afterwards. See ``appraisal.services.ballots``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.checkup import CheckupRound, RaterGroup
from common.history import AppHistoricalRecords
from org.models import Official, OrgUnit

__all__ = ["Ballot", "BallotBatch", "BallotChoice", "BallotCode", "BallotRating"]


class BallotChoice(models.TextChoices):
    """The one rating a ballot gives each official; the scores are ``APPRAISAL_BALLOT_SCORES``."""

    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (差)")


class BallotBatch(models.Model):
    """Codes issued in a round for one rater group and a set of officials."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Valid")
        REVOKED = "revoked", _("Void")

    round = models.ForeignKey(CheckupRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="ballot_batches")
    group = models.CharField(_("rater group"), max_length=16, choices=RaterGroup.choices)
    audience = models.CharField(_("who the slips are for"), max_length=100, blank=True,
                                help_text=_("For example: people served at the bureau's service window."))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("The unit whose officials are rated (with the units below it)."))
    rank_levels = models.JSONField(_("rank levels"), default=list)
    officials = models.ManyToManyField(Official, verbose_name=_("officials rated"), related_name="ballot_batches")
    size = models.PositiveIntegerField(_("codes issued"), validators=[MinValueValidator(1)])
    # The scores of the four ratings when the batch was issued, so a later change of the setting does not move
    # the results of a round already computed.
    scores = models.JSONField(_("scores of the ratings"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    history = AppHistoricalRecords()

    # Not stored: on the batches page, whether the codes used reach the minimum response rate
    # (``appraisal.selectors.ballots.attach_enough``).
    enough: bool

    class Meta:
        ordering = ["round", "-created_at", "-id"]
        verbose_name = _("ballot code batch")
        verbose_name_plural = _("ballot code batches")
        indexes = [models.Index(fields=["round", "status"], name="ballotbatch_round_idx")]

    def __str__(self) -> str:
        return f"{self.round} {self.group} ×{self.size}"


class BallotCode(models.Model):
    """A code of a batch, by its keyed hash only. No time and no person: only whether it has been used."""

    batch = models.ForeignKey(BallotBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    is_used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")
        indexes = [models.Index(fields=["batch", "is_used"], name="ballotcode_batch_used_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id} {'used' if self.is_used else 'unused'}"


class Ballot(models.Model):
    """An anonymous ballot: which batch it came from, nothing about its code, its voter or its time."""

    batch = models.ForeignKey(BallotBatch, verbose_name=_("batch"), on_delete=models.CASCADE,
                              related_name="ballots")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.batch_id} #{self.pk}"


class BallotRating(models.Model):
    """A ballot's rating of one official of its batch."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="ratings")
    official = models.ForeignKey(Official, verbose_name=_("official rated"), on_delete=models.CASCADE,
                                 related_name="+")
    value = models.CharField(_("rating"), max_length=12, choices=BallotChoice.choices)

    class Meta:
        verbose_name = _("ballot rating")
        verbose_name_plural = _("ballot ratings")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "official"], name="ballotrating_unique"),
            models.CheckConstraint(condition=Q(value__in=["good", "fairly_good", "average", "poor"]),
                                   name="ballotrating_value_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.official_id} {self.value}"
