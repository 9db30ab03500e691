"""Censored statistics of trigger biases: Kaplan-Meier median and bootstrap intervals.

The "time" of the survival analysis is the bias magnitude abs(V) reached before the filament
triggers; a sweep that never triggers inside its window is right-censored at abs(window_V).

References
----------
E. L. Kaplan, P. Meier, J. Am. Stat. Assoc. 53, 457 (1958). The median follows R's
``survival::survfit``: the smallest time where S(t) <= 0.5, the midpoint to the next event time
when S equals 0.5 exactly on an interval. B. Efron, R. Tibshirani, *An Introduction to the
Bootstrap* (1993): percentile intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llzo.claims import Claim


@dataclass(frozen=True)
class CensoredMedian:
    """Kaplan-Meier median of a group of sweeps (signed, V vs Li/Li+).

    Attributes
    ----------
    median_V
        KM median trigger bias (negative); when more than half of the group is censored, the
        bound: the most negative bias reached in the group.
    bound
        ``"lt"`` when ``median_V`` is only an upper bound (the true median is more negative).
    ci_low_V, ci_high_V
        Bootstrap percentile 95 % interval (NaN when not computed); ``ci_low_V`` is the more
        negative end.
    n, n_censored
        Sweeps in the group and how many never triggered.
    """

    median_V: float
    bound: str | None
    ci_low_V: float
    ci_high_V: float
    n: int
    n_censored: int

    def to_claim(self, claim_id: str, note: str) -> Claim:
        """Return the median as a claim (value, interval, n and bound carried over)."""
        return Claim(claim_id, self.median_V, ci_low=self.ci_low_V, ci_high=self.ci_high_V, n=self.n,
                     bound=self.bound, note=note)


def km_curve(magnitude: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival curve.

    Parameters
    ----------
    magnitude
        abs(trigger bias) or abs(window limit) for censored sweeps (V).
    event
        True where the sweep triggered (False: censored).

    Returns
    -------
    times : numpy.ndarray
        Distinct event magnitudes, ascending.
    survival : numpy.ndarray
        S just after each of those magnitudes.
    """
    t = np.asarray(magnitude, dtype=float)
    e = np.asarray(event, dtype=bool)
    times = np.unique(t[e])
    if times.size == 0:
        return times, times.copy()
    # at risk: magnitude >= t (censoring at t counts as at risk at t, the usual convention);
    # counted on the sorted magnitudes (n log n: a lab's thousands of sweeps, resampled 1000 times)
    times, deaths = np.unique(t[e], return_counts=True)
    known = np.sort(t[~np.isnan(t)])  # a NaN magnitude is never at risk nor an event (as a comparison says)
    at_risk = known.size - np.searchsorted(known, times, side="left")
    deaths[np.isnan(times)] = 0
    return times, np.cumprod(1.0 - deaths / at_risk)


def km_median(magnitude: np.ndarray, event: np.ndarray) -> tuple[float, bool]:
    """Kaplan-Meier median magnitude.

    Returns
    -------
    median : float
        Median magnitude; when S never reaches 0.5, the largest magnitude in the data.
    is_bound : bool
        True when S stays above 0.5 (the median lies beyond the data: a lower bound on the
        magnitude).
    """
    t = np.asarray(magnitude, dtype=float)
    if t.size == 0:
        return float("nan"), False
    times, surv = km_curve(t, event)
    below = np.nonzero(surv <= 0.5 + 1e-12)[0]
    if below.size == 0:
        return float(t.max()), True
    j = int(below[0])
    if abs(surv[j] - 0.5) < 1e-12 and j + 1 < times.size:
        return float(0.5 * (times[j] + times[j + 1])), False
    return float(times[j]), False


def censored_median(
    bias_V: np.ndarray,
    censored: np.ndarray,
    *,
    n_boot: int = 0,
    seed: int = 0,
) -> CensoredMedian:
    """KM median trigger bias of a group, with a bootstrap 95 % interval.

    Parameters
    ----------
    bias_V
        Per sweep: detected trigger bias, or the window limit when censored (V, negative).
    censored
        True where the sweep never triggered.
    n_boot
        Bootstrap resamples (0: no interval).
    seed
        Seed of the bootstrap generator.

    Returns
    -------
    CensoredMedian
        If more than half of the group is censored (S stays above 0.5) ``bound="lt"`` and
        ``median_V`` is the most negative bias reached.
    """
    v = np.asarray(bias_V, dtype=float)
    c = np.asarray(censored, dtype=bool)
    mag, ev = np.abs(v), ~c
    med, is_bound = km_median(mag, ev)
    lo = hi = float("nan")
    if n_boot and v.size:
        boots = bootstrap_km_medians(mag, ev, n_boot, seed)
        lo, hi = -float(np.quantile(boots, 0.975)), -float(np.quantile(boots, 0.025))
    return CensoredMedian(-med, "lt" if is_bound else None, lo, hi, int(v.size), int(c.sum()))


def bootstrap_km_medians(magnitude: np.ndarray, event: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """KM median magnitudes of ``n_boot`` resamples (with replacement) of the sweeps.

    A resample whose KM curve stays above 0.5 contributes its largest magnitude (the bound).
    """
    rng = np.random.default_rng(seed)
    t = np.asarray(magnitude, dtype=float)
    e = np.asarray(event, dtype=bool)
    idx = rng.integers(0, t.size, size=(n_boot, t.size))
    return np.array([km_median(t[k], e[k])[0] for k in idx])


def ratio_with_ci(
    num: tuple[np.ndarray, np.ndarray],
    den: tuple[np.ndarray, np.ndarray],
    *,
    n_boot: int,
    seed: int,
) -> tuple[float, float, float]:
    """Ratio of two KM medians (e.g. GI / GB) with a bootstrap percentile 95 % interval.

    Parameters
    ----------
    num, den
        ``(bias_V, censored)`` of the numerator and denominator groups.
    n_boot
        Bootstrap resamples (each group resampled independently).
    seed
        Seed.

    Returns
    -------
    ratio, ci_low, ci_high : float
        Ratio of the signed medians (positive for two negative biases) and its interval.
    """
    (vn, cn), (vd, cd) = num, den
    mn, _ = km_median(np.abs(vn), ~np.asarray(cn, bool))
    md, _ = km_median(np.abs(vd), ~np.asarray(cd, bool))
    ratio = mn / md
    bn = bootstrap_km_medians(np.abs(vn), ~np.asarray(cn, bool), n_boot, seed)
    bd = bootstrap_km_medians(np.abs(vd), ~np.asarray(cd, bool), n_boot, seed + 1)
    r = bn / bd
    return float(ratio), float(np.quantile(r, 0.025)), float(np.quantile(r, 0.975))
