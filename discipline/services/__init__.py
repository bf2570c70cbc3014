"""Business actions of the discipline app, one module per area: cases, decisions, tolerance, appeals, talks,
the catalogue. Every action is one transaction, checks the actor's role over the case's unit, and records
who did it (simple-history's actor, the case timeline)."""
