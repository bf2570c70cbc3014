"""How often a long job (an export) records its progress for the page's progress bar."""

from __future__ import annotations

# Progress updates of a big job at the most, so its query count does not grow with the number of rows.
PROGRESS_STEPS = 50


def progress_every(total: int, least: int) -> int:
    """Return how many rows go between two progress updates of a job of ``total`` rows (at least ``least``)."""
    return max(least, -(-total // PROGRESS_STEPS))
