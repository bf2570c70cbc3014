"""Score parameters: every setting and catalogue value a score or a proposed grade depends on besides the
facts and the schemes, frozen with a period when it closes.

A closed period must give the same numbers when it is recalculated, whatever was edited since: the weights,
rules and caps (the scheme snapshot, ``appraisal.selectors.schemes.scheme_snapshot``), and everything
registered here — the component constants, the training hour targets, the grade thresholds and the 优秀
quota shares. Each area registers a source that returns its live values as JSON-serialisable data; closing a
period stores them all under the snapshot's ``"parameters"``; ``parameters_for(period)`` returns the frozen
values of a closed period (and the live value of a parameter registered after it closed) or the live values
of an open one. Readers take their values from there, never from settings directly, so nothing a score
depends on escapes the freeze.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from appraisal.models import AppraisalPeriod

ParameterSource = Callable[["AppraisalPeriod"], Any]

_SOURCES: dict[str, ParameterSource] = {}


def score_parameter(name: str) -> Callable[[ParameterSource], ParameterSource]:
    """Register the live source of a parameter (one per name); it receives the period being frozen."""

    def register(function: ParameterSource) -> ParameterSource:
        _SOURCES[name] = function
        return function

    return register


def _load_sources() -> None:
    # The modules that register parameters; imported here so a snapshot never misses one.
    import appraisal.components.builtin
    import appraisal.components.checkup
    import appraisal.selectors.grades
    import appraisal.selectors.quarterly  # noqa: F401


def live_parameters(period: AppraisalPeriod) -> dict[str, Any]:
    """Return every registered parameter's live value for ``period`` (what a close freezes)."""
    _load_sources()
    return {name: source(period) for name, source in sorted(_SOURCES.items())}


def _frozen(period: AppraisalPeriod) -> dict[str, Any]:
    if period.is_frozen and isinstance(period.scheme_snapshot, dict):
        return period.scheme_snapshot.get("parameters") or {}
    return {}


def parameters_for(period: AppraisalPeriod) -> dict[str, Any]:
    """Return the parameters a score of ``period`` uses: frozen once closed, live while open."""
    _load_sources()
    frozen = _frozen(period)
    return {name: frozen[name] if name in frozen else source(period) for name, source in sorted(_SOURCES.items())}


def parameter_for(period: AppraisalPeriod, name: str) -> Any:
    """Return one parameter of ``period``: frozen once closed, live while open (or registered since)."""
    _load_sources()
    frozen = _frozen(period)
    return frozen[name] if name in frozen else _SOURCES[name](period)
