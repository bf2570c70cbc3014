"""Celery job of the register export: thin, takes the job's id, calls the service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation

from appraisal.services.exports import export_run
from common.jobs import RETRY

__all__ = ["register_export_job"]


@shared_task(**RETRY)
def register_export_job(job_id: int) -> dict[str, int | str]:
    """Write the register of an ``ExportJob``; a job already claimed or finished is left alone."""
    with translation.override(settings.LANGUAGE_CODE):  # the workbook's headers are in the interface language
        job = export_run(job_id)
    return {"job": job_id, "status": job.status if job else "skipped", "rows": job.rows if job else 0}
