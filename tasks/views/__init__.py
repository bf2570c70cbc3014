"""HTML pages of the tasks app, one module per area: tasks.py, reports.py, letters.py, notifications.py."""
