"""Reads of the training app, one module per topic, each scoped to what the asking user may see (DESIGN §5):
``sessions`` (sessions, audiences, attendance and the attendance grid), ``plans``, ``external`` (external
training and its review queue), ``criticism`` (public criticism flags), ``progress`` (hours against the annual
target), ``ledger`` (the training ledger's rows) and ``facts`` (what the appraisal derives its entries from)."""
