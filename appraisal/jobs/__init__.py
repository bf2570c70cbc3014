"""Celery jobs of the appraisal app (autodiscovered as ``appraisal.jobs``), one module per area."""

from appraisal.jobs.annual import *  # noqa: F403
from appraisal.jobs.export import *  # noqa: F403
from appraisal.jobs.rollup import *  # noqa: F403
from appraisal.jobs.training import *  # noqa: F403
