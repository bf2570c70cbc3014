"""HTML pages of the appraisal app, one module per area."""
