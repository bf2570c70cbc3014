"""What the training app announces to the apps above it, which it may not import (DESIGN §3).

``criticism_confirmed`` is sent inside the transaction of ``training.services.criticism.criticism_confirm``,
before the flag is marked confirmed, with ``by`` (the head), ``flag`` (locked) and ``today``. The appraisal
records the head's −2 in the ledger on it (``appraisal.services.derive_training.criticism_record``, connected in
``AppraisalConfig.ready``); a receiver that raises (the quarter is closed) leaves the flag undecided.
"""

from __future__ import annotations

from django.dispatch import Signal

criticism_confirmed = Signal()
