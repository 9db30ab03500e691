"""Claims: the numbers a notebook reproduces, and their comparison with the paper.

A notebook writes ``results/<dataset>/claims/<notebook>.json`` with :func:`write_claims`; the
scorecard rule compares each with ``workflow/config/paper_claims.yaml`` (:func:`evaluate`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

RELATIONS = ("approx", "lt", "gt")
#: What a reproduced number rests on (the scorecard's ``basis`` column): ``measured`` (computed from
#: raw data), ``input`` (it restates a sample-sheet or config value, e.g. the number of cycles a test
#: was programmed for, or a log's length as a lower bound), ``model`` (a simulation from config).
BASES = ("measured", "input", "model")


@dataclass(frozen=True)
class Claim:
    """One reproduced number.

    Parameters
    ----------
    claim_id
        Id as defined in ``docs/claims.md`` (unit in the name, e.g. ``trigger_bias_gb_V``).
    reproduced
        The value, in the unit of the claim id, with its sign.
    ci_low, ci_high
        95 % confidence interval (or spread) where the analysis gives one.
    n
        Number of sweeps / cells / seeds / pixels it comes from.
    bound
        ``"lt"`` or ``"gt"`` when ``reproduced`` is only a bound (censored data: e.g. more than
        half of the sweeps never triggered inside the window; a cell that never shorted).
    note
        Short free text shown in the scorecard.
    basis
        Optional override of the claim's default basis in ``paper_claims.yaml`` (one of
        :data:`BASES`), for a claim whose basis depends on the result: e.g. a time to short is
        ``measured`` when the cell shorted, but ``input`` when it never did and the value is the
        length of the log (``bound="gt"``). ``None`` (the default) keeps the yaml's basis and is
        not written to the claims JSON, so files of claims without it are unchanged.
    """

    claim_id: str
    reproduced: float
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    bound: str | None = None
    note: str = ""
    basis: str | None = None

    def __post_init__(self) -> None:
        if self.bound not in (None, "lt", "gt"):
            raise ValueError(f"bound must be None, 'lt' or 'gt', not {self.bound!r}")
        if self.basis not in (None, *BASES):
            raise ValueError(f"basis must be None or one of {BASES}, not {self.basis!r}")


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):  # numpy scalar
        return _clean(v.item())
    return v


def median_over_cells(claim_id: str, runs, value_column: str, note: Callable[[str | None], str]) -> Claim:
    """Claim the median over cells of one analysed quantity (spread min..max, ``n`` cells).

    Parameters
    ----------
    claim_id
        The claim.
    runs
        One row per run of the claim's group (a pandas DataFrame): ``cell``, ``error`` (empty when
        the run was analysed), ``bound`` and ``value_column``.
    value_column
        Column holding each run's value (in the claim's unit).
    note
        The claim's note, given its bound.

    Returns
    -------
    Claim
        NaN with the runs' errors when no run was analysed; otherwise the median, with ``bound``
        when every analysed run shares it.
    """
    ok = runs[runs["error"] == ""]
    if ok.empty:
        return Claim(claim_id, float("nan"), n=0, note="no usable run: " + "; ".join(
            f"{c}: {e}" for c, e in zip(runs["cell"], runs["error"], strict=True)))
    vals = ok[value_column].to_numpy(np.float64)
    bounds = set(ok["bound"])
    bound = bounds.pop() if len(bounds) == 1 else None
    return Claim(claim_id, float(np.median(vals)), ci_low=float(vals.min()), ci_high=float(vals.max()),
                 n=len(ok), bound=bound, note=note(bound))


def write_claims(path: str | Path, claims: list[Claim]) -> Path:
    """Write a notebook's claims JSON (sorted keys, stable float formatting); return its path.

    ``basis`` is written only when set (see :class:`Claim`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"claims": [{k: _clean(v) for k, v in asdict(c).items() if not (k == "basis" and v is None)}
                       for c in claims]}
    path.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_claims(path: str | Path) -> dict:
    """Read a claims JSON written by :func:`write_claims` (plus what the runner added)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def claim_value(path: str | Path | None, claim_id: str) -> float | None:
    """Return the reproduced value of one claim from another notebook's claims JSON.

    Parameters
    ----------
    path
        Claims JSON (``None`` or a missing file: the value is not available).
    claim_id
        The claim to look up.

    Returns
    -------
    float or None
        The value, or ``None`` when the file or the claim is absent or has no value.
    """
    if not path or not Path(path).is_file():
        return None
    for c in read_claims(path).get("claims", []):
        if c["claim_id"] == claim_id and c.get("reproduced") is not None:
            return float(c["reproduced"])
    return None


def evaluate(
    paper_value: float,
    relation: str,
    tolerance: float,
    reproduced: float | None,
    bound: str | None = None,
) -> str:
    """Compare a reproduced number with the paper's.

    Parameters
    ----------
    paper_value, relation, tolerance
        From ``paper_claims.yaml``: ``approx`` passes when ``|reproduced - paper_value| <=
        tolerance``; ``lt``/``gt`` pass when ``reproduced`` is below/above ``paper_value``.
    reproduced
        The reproduced value (``None`` or NaN: not produced).
    bound
        ``"lt"``/``"gt"`` when ``reproduced`` is only an upper/lower bound. A bound can pass an
        ``lt``/``gt`` claim in the same direction, never an ``approx`` one.

    Returns
    -------
    str
        ``pass``, ``fail`` or ``missing``.
    """
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}")
    if reproduced is None or (isinstance(reproduced, float) and math.isnan(reproduced)):
        return "missing"
    r = float(reproduced)
    if relation == "approx":
        ok = bound is None and abs(r - paper_value) <= tolerance
    elif relation == "lt":
        ok = r < paper_value or (bound == "lt" and r <= paper_value)
    else:
        ok = r > paper_value or (bound == "gt" and r >= paper_value)
    return "pass" if ok else "fail"
