"""Reads of the appraisal app, one module per topic (writes are in ``services``)."""
