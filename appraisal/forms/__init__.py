"""Forms of the appraisal app, one module per topic."""
