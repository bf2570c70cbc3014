"""Forms of the tasks app, one module per topic."""
