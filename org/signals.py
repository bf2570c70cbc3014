"""What ``org`` says about its own changes to the apps above it, where no model signal fires."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``official_ids`` (a list) after a bulk write moved these officials to another unit (a roster import),
# inside its transaction: what is kept per unit (``training.UnitYearHours``) follows them.
officials_moved = Signal()
