"""HTML pages of the org app, one module per topic. Thin by design: parse, call a selector or a service,
render."""
