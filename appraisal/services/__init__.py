"""Business actions of the appraisal app, one module per area."""
