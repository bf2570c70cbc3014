"""Business actions of the tasks app, one module per area: tasks.py, reports.py, letters.py."""
