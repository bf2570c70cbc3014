"""Reads for the discipline app, one module per topic, scoped by confidentiality (DESIGN §5, issue 8 item 7).

- Case files (facts, attachments, transitions, decisions with their text), tolerance requests, appeals and
  talks: discipline inspection and the organization department whose role covers the case's unit (for talks,
  the official's unit).
- The subject: the decisions about themself, their appeals and their tolerance requests — never the facts.
- Heads: the *effect* of decisions on officials in their scope (``decisions.effects_for``), without kind or facts.
Anyone else gets nothing, so a page or endpoint fetching through these answers 404.

``scope`` holds the roles and the scoping every module uses; ``cases``, ``decisions`` (with appeals and the
effects), ``tolerance``, ``talks`` and ``catalogue`` the reads of each.
"""
