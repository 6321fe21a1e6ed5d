"""Confidence intervals of counts, rates and shares, by the Fingertips methods (PHStatsMethods)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import PHStatsMethods as ph

from vawg.foundations.levels import ALPHA
from vawg.foundations.methods_used import uses


Z_95 = 1.959963984540054  # two-sided 95%: the normal quantile at 0.975


@dataclass(frozen=True)
class Interval:
    """A confidence or prediction interval (scalars, or arrays for many rows at once)."""

    lower: float
    upper: float


@uses(test="byar_interval", metric="rate_confidence_interval")
def byar_interval(count, population=None, per: int = 1000, confidence: float = 0.95) -> Interval:
    """95% confidence interval of a Poisson count, or of a rate, as OHID's Fingertips computes it.

    PHStatsMethods (the Python port of the Fingertips methods): Byar's
    approximation for 10 or more events, the exact Poisson (chi-square)
    limits below 10, as the Public Health England *Technical guide:
    confidence intervals* recommends. A count of 0 has lower limit 0 and
    the exact upper limit. With ``population`` the limits are rates per
    ``per`` people. ``count`` and ``population`` may be arrays.

    Examples
    --------
    >>> interval = byar_interval(10)
    >>> round(interval.lower, 3), round(interval.upper, 3)
    (4.787, 18.391)
    """
    observed = np.asarray(count, dtype=float)
    lower = np.vectorize(lambda o: 0.0 if o == 0 else ph.byars_lower(o, confidence), otypes=[float])(observed)
    # PHStatsMethods' byars_upper refuses 0 (its exact branch is right for it, so call that directly).
    upper = np.vectorize(lambda o: ph.exact_upper(o, confidence) if o == 0 else ph.byars_upper(o, confidence),
                         otypes=[float])(observed)
    if population is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = per / np.asarray(population, dtype=float)
        lower, upper = lower * scale, upper * scale
    return Interval(_scalar(lower), _scalar(upper))


@uses(test="wilson_interval", metric="share_confidence_interval")
def wilson_interval(count, total, alpha: float = ALPHA) -> Interval:
    """95% Wilson score interval of a proportion ``count / total`` (as a fraction, 0 to 1).

    PHStatsMethods' ``wilson_lower`` and ``wilson_upper`` (the Fingertips
    method); the interval stays within 0 and 1 and behaves well for small
    counts. A zero ``total`` gives a missing interval.
    """
    count, total = np.asarray(count, dtype=float), np.asarray(total, dtype=float)
    confidence = 1 - alpha

    def limits(k, n):
        return (np.nan, np.nan) if n <= 0 else (ph.wilson_lower(k, n, confidence), ph.wilson_upper(k, n, confidence))

    lower, upper = np.vectorize(limits, otypes=[float, float])(count, total)
    return Interval(_scalar(lower), _scalar(upper))


def share_row(count: int, total: int) -> dict:
    """A share in percent with its 95% Wilson interval (missing when there is nothing to share)."""
    interval = wilson_interval(count, total)
    return {"share": count / total * 100 if total else float("nan"),
            "lower": interval.lower * 100, "upper": interval.upper * 100}


def rate_with_interval(count, population, per: int = 1000) -> tuple:
    """A crude rate per ``per`` people with its 95% interval (:func:`byar_interval`): ``(rate, Interval)``.

    The one place rates and their intervals are computed; ``count`` and
    ``population`` may be arrays. A zero population gives a missing rate.
    """
    count, population = np.asarray(count, dtype=float), np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(population > 0, count / np.where(population > 0, population, 1) * per, np.nan)
    return _scalar(rate), byar_interval(count, np.where(population > 0, population, np.nan), per)


def _scalar(values: np.ndarray):
    return float(values) if np.ndim(values) == 0 else values
