"""Business actions (writes) of the tasks app, one module per area: tasks.py (create, edit, cancel), progress.py
(progress, closed loop, milestones, weekly updates), reports.py, letters.py, and periodic.py behind the jobs."""
