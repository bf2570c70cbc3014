"""HTML pages of the training app, one module per area."""
