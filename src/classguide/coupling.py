"""Coupling coordination of Party building (U1) and business (U2), bands and lag type.

For two sub-systems with scores ``U1, U2`` in [0, 1] (DESIGN §3; methods.md §5.1):

* coupling ``C = 2·√(U1·U2) / (U1 + U2)``, and ``C = 0`` when ``U1 = U2 = 0``;
* development ``T = α·U1 + β·U2`` with ``α + β = 1`` (α = β = 0.5 by default);
* coordination ``D = √(C·T)``.

This is the normative form (Wang Shujia et al. 2021, 自然资源学报 36(3):793–810, which restates
it; implemented identically in ``stscl/coupling`` and ``zhjx19/mathmodels``). The widely
published "lost coefficient" variant ``√(U1·U2)/(U1+U2)`` is half of it and can never exceed
0.5; we do not compute it.

Coordination bands default to the ten 0.1-wide bands of 田深圳 et al. 2021 (地理学报 76(4),
Table 1), each ``(min, max]`` with the lowest band including 0. Lag type (徐维祥 et al. 2020,
自然资源学报 35(9)): ``U1 − U2 > δ`` → business lags (党建空转), ``U2 − U1 > δ`` → Party
building lags (重业务轻党建, the classic "two skins"), else balanced; δ = 0.1 by default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from classguide.errors import ClassguideError
from classguide.results import Coordination
from classguide.ruleset import CoordinationBand

__all__ = ["CoordinationInputError", "band_for", "coordination", "lag_type"]


class CoordinationInputError(ClassguideError, ValueError):
    """A sub-system score or weight given to :func:`coordination` is out of range."""


def _check_unit_interval(name: str, x: float) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise CoordinationInputError(f"{name} must be a number in [0, 1], got {x!r}")
    v = float(x)
    if not math.isfinite(v) or not 0.0 <= v <= 1.0:
        raise CoordinationInputError(f"{name} must be a finite number in [0, 1], got {x!r}")
    return v


def coordination(party: float, business: float, *, party_weight: float = 0.5) -> Coordination:
    """Coupling ``C``, development ``T`` and coordination degree ``D`` of two sub-systems.

    ``party`` (U1) and ``business`` (U2) are sub-system scores in [0, 1]; ``party_weight`` is α
    (β = 1 − α). Inputs outside [0, 1], NaN or infinite raise :class:`CoordinationInputError`
    (a ``ClassguideError`` and ``ValueError``).

    >>> round(coordination(0.101, 0.280).degree, 3)  # Hindawi MPE 2022, 2969206, Table 4 (2011)
    0.41
    """
    u1 = _check_unit_interval("party", party)
    u2 = _check_unit_interval("business", business)
    alpha = _check_unit_interval("party_weight", party_weight)
    total = u1 + u2
    c = 0.0 if total == 0.0 else min(1.0, 2.0 * math.sqrt(u1 * u2) / total)
    t = alpha * u1 + (1.0 - alpha) * u2
    return Coordination(party=u1, business=u2, coupling=c, development=t, degree=math.sqrt(c * t))


def band_for(degree: float, bands: Sequence[CoordinationBand]) -> str:
    """The id of the band ``min < D <= max`` holding ``degree`` (the lowest band includes min)."""
    ordered = sorted(bands, key=lambda b: b.min)
    if ordered and degree <= ordered[0].max and degree >= ordered[0].min:
        return ordered[0].id
    for band in ordered[1:]:
        if band.min < degree <= band.max:
            return band.id
    raise ClassguideError(f"coordination degree {degree!r} falls in no coordination band")


def lag_type(party: float, business: float, threshold: float = 0.1) -> str:
    """Which side lags: ``"party"``, ``"business"`` or ``"balanced"`` (``U`` in [0, 1])."""
    gap = party - business
    if gap > threshold:
        return "business"
    if -gap > threshold:
        return "party"
    return "balanced"
