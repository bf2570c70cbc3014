"""The organisation tree: units and the categories that group comparable units."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


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
