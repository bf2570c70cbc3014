"""HTML pages of the tasks app, one module per area: tasks.py (lists, create/edit, Excel), task_detail.py (a
task's page and what is done on it), reports.py, letters.py."""
