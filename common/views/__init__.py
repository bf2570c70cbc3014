"""Pages that belong to no app: the notifications (``notifications``) and the operational endpoints
(``operations``: health check, favicon)."""
