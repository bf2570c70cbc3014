"""Keep ``YearHours`` right whatever saves or deletes one attendance or external-training row: the services, the
admin, the factories of the tests. The bulk services, which bypass these signals, refresh it themselves
(``training.services.year_hours``). Keep ``UnitYearHours`` right when an official moves to another unit (a saved
official, or ``org.signals.officials_moved`` from a roster import) or is deleted with their sums."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from org.models import Official
from org.signals import officials_moved
from training.models import Attendance, ExternalTraining, YearHours
from training.services.year_hours import unit_hours_follow, unit_hours_forget, year_hours_refresh

_YEAR_BEFORE = "_year_hours_year_before"  # kept on the instance from pre_save to post_save
_COUNTED = "_year_hours_counted"  # (unit, year) of a deleted official's sums, kept from pre_delete to post_delete


def _deleting_official(origin: Any) -> bool:
    """The row goes with its official (a cascade): the official's sums go too, nothing to recompute."""
    model = getattr(origin, "model", None) or type(origin)
    return isinstance(model, type) and issubclass(model, Official)


@receiver(post_save, sender=Attendance)
@receiver(post_delete, sender=Attendance)
def attendance_written(sender: type, instance: Attendance, raw: bool = False, origin: Any = None,
                       **kwargs: Any) -> None:
    if raw or _deleting_official(origin):
        return
    year = timezone.localtime(instance.session.starts_at).year
    year_hours_refresh(official_ids=[instance.official_id], years=[year])


@receiver(pre_save, sender=ExternalTraining)
def external_saving(sender: type, instance: ExternalTraining, raw: bool = False, **kwargs: Any) -> None:
    # An edit may move the record to another year: that year's sums are recomputed too.
    if not raw and instance.pk is not None:
        vars(instance)[_YEAR_BEFORE] = (ExternalTraining.objects.filter(pk=instance.pk)
                                        .values_list("started_on__year", flat=True).first())


@receiver(post_save, sender=ExternalTraining)
@receiver(post_delete, sender=ExternalTraining)
def external_written(sender: type, instance: ExternalTraining, raw: bool = False, origin: Any = None,
                     **kwargs: Any) -> None:
    if raw or _deleting_official(origin):
        return
    years = [instance.started_on.year, vars(instance).pop(_YEAR_BEFORE, None)]
    year_hours_refresh(official_ids=[instance.official_id], years=years)


@receiver(post_save, sender=Official)
def official_saved(sender: type, instance: Official, created: bool = False, raw: bool = False,
                   update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    # A new official has no sums yet; a save that does not write the unit cannot have moved them.
    if created or raw or (update_fields is not None and not {"unit", "unit_id"} & set(update_fields)):
        return
    unit_hours_follow(official_ids=[instance.pk])


@receiver(officials_moved)
def officials_moved_in_bulk(sender: object, *, official_ids: list[int], **kwargs: Any) -> None:
    unit_hours_follow(official_ids=official_ids)


@receiver(pre_delete, sender=Official)
def official_deleting(sender: type, instance: Official, **kwargs: Any) -> None:
    vars(instance)[_COUNTED] = list(YearHours.objects.filter(official=instance).values_list("unit_id", "year"))


@receiver(post_delete, sender=Official)
def official_deleted(sender: type, instance: Official, **kwargs: Any) -> None:
    unit_hours_forget(counted=vars(instance).pop(_COUNTED, []))
