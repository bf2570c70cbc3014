"""Forms of the training app, one module per topic."""
