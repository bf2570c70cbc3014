"""Forms of the org app, one module per topic; ``fields`` holds the unit and official pickers every app uses."""
