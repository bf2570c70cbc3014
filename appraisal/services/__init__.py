"""Writes of the appraisal app, one module per area: keyword-only, typed, ``<noun>_<verb>``. The reads and checks they
share with the pages are in ``appraisal.selectors``."""
