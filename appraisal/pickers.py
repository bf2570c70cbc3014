"""Who may be picked on the appraisal forms: the official picker's scopes (org/pickers.py)."""

from __future__ import annotations

from appraisal.selectors.scores import officials_for_entries
from org.pickers import register_official_scope

SCORE_ENTRY_OFFICIALS = "score_entries"  # a manual bonus or deduction: officials in scope, never oneself

register_official_scope(SCORE_ENTRY_OFFICIALS, officials_for_entries)
