"""Reads of the tasks app, one module per topic (writes are in ``services``).

Scope: a role on a unit covers the unit's subtree (org.selectors); besides, an official always sees the
tasks they lead, are responsible for or work on, their own reports, the published reports of their own
unit (月度实绩公示), and the supervision letters addressed to them.
"""
