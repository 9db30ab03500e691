"""Golden results: the demo's expected claims, and a check that a run still gives them.

``tests/golden/demo_claims.yaml`` holds every claim the demo produces (value and bound) and, per
claim, a tolerance *tier* whose reason says what may legitimately move the value without a change
of the science (floating-point summation order, an iterative solver's convergence). A run whose
claims move beyond that, or that gains or loses a claim, fails :func:`compare_golden` (the test
``tests/e2e/test_pipeline.py::test_demo_claims_match_golden``). Updating the file is a deliberate
commit: ``workflow/scripts/update_golden.py`` rewrites the values from a results folder and keeps
the tiers and reasons (:func:`updated_golden_text`); ``tests/golden/README.md`` says when and how.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Tier:
    """A tolerance class: ``abs`` (claim unit) and/or ``rel`` (fraction); the larger applies."""

    name: str
    reason: str
    abs: float = 0.0
    rel: float = 0.0

    def width(self, value: float) -> float:
        """Tolerance around ``value``, in the claim's unit."""
        return max(self.abs, self.rel * abs(value))


@dataclass(frozen=True)
class GoldenClaim:
    """Expected ``value`` (None: the claim is produced without a value) and ``bound`` of one claim."""

    claim_id: str
    value: float | None
    bound: str | None
    tier: str
    why: str = ""


def load_golden(path: str | Path) -> tuple[dict[str, Tier], dict[str, GoldenClaim]]:
    """Read a golden file: ``tiers`` and ``claims`` (see ``tests/golden/README.md``).

    Raises
    ------
    ValueError
        Listing every problem at once (unknown tier, tier without a reason, malformed entry).
    """
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    problems, tiers, claims = [], {}, {}
    for name, t in (doc.get("tiers") or {}).items():
        if not isinstance(t, dict) or not str(t.get("reason", "")).strip():
            problems.append(f"tier {name}: needs a reason")
            continue
        tiers[name] = Tier(name, " ".join(str(t["reason"]).split()), float(t.get("abs", 0.0)),
                           float(t.get("rel", 0.0)))
    for cid, c in (doc.get("claims") or {}).items():
        if not isinstance(c, dict) or "value" not in c:
            problems.append(f"claim {cid}: needs value, bound and tier")
            continue
        if c.get("tier") not in tiers:
            problems.append(f"claim {cid}: tier {c.get('tier')!r} is not one of {sorted(tiers)}")
        if c.get("bound") not in (None, "lt", "gt"):
            problems.append(f"claim {cid}: bound {c.get('bound')!r} is not null, 'lt' or 'gt'")
        value = None if c["value"] is None else float(c["value"])
        why = " ".join(str(c.get("why") or "").split())
        claims[cid] = GoldenClaim(cid, value, c.get("bound"), str(c.get("tier")), why)
    if problems:
        raise ValueError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return tiers, claims


def read_run_claims(results_dir: str | Path) -> dict[str, tuple[float | None, str | None]]:
    """``{claim_id: (value, bound)}`` from ``<results_dir>/claims/*.json`` (full precision)."""
    out = {}
    for f in sorted(Path(results_dir, "claims").glob("*.json")):
        for c in json.loads(f.read_text(encoding="utf-8")).get("claims", []):
            v = c.get("reproduced")
            out[c["claim_id"]] = (None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v),
                                  c.get("bound"))
    return out


def compare_golden(golden_path: str | Path, results_dir: str | Path) -> list[str]:
    """Every difference between a run's claims and the golden file (empty: the run matches).

    A claim differs when its value moved beyond its tier's tolerance, its bound changed, it lost
    or gained a value, or it appeared or disappeared.
    """
    tiers, golden = load_golden(golden_path)
    run = read_run_claims(results_dir)
    problems = [f"{cid}: produced by the run but not in {Path(golden_path).name} (a new claim: update the golden file)"
                for cid in sorted(set(run) - set(golden))]
    problems += [f"{cid}: in {Path(golden_path).name} but not produced by the run (a claim disappeared)"
                 for cid in sorted(set(golden) - set(run))]
    for cid in [c for c in golden if c in run]:
        g, (v, b) = golden[cid], run[cid]
        if b != g.bound:
            problems.append(f"{cid}: bound {b!r}, golden {g.bound!r}")
        if (v is None) != (g.value is None):
            problems.append(f"{cid}: value {v!r}, golden {g.value!r}")
            continue
        if v is None:
            continue
        tier = tiers[g.tier]
        tol = tier.width(g.value)
        if abs(v - g.value) > tol:
            problems.append(f"{cid}: {v!r} moved from the golden {g.value!r} by {v - g.value:+.3g} "
                            f"(tolerance {tol:.3g}, tier {tier.name}: {tier.reason})")
    return problems


def _yaml_scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "null"
    return json.dumps(v, ensure_ascii=False)


def updated_golden_text(golden_path: str | Path, results_dir: str | Path,
                        new_tier: str | None = None) -> tuple[str, list[str]]:
    """Return the golden file with every value and bound taken from a run; tiers and reasons kept.

    Parameters
    ----------
    golden_path
        The current golden file: everything before its ``claims:`` line (header comments and
        ``tiers``) is kept verbatim, and each claim keeps its ``tier`` and ``why``.
    results_dir
        ``results/<dataset>`` of the run to take the values from.
    new_tier
        Tier of claims the golden file does not list yet; without it, a new claim is an error
        (choose its tier deliberately).

    Returns
    -------
    (str, list of str)
        The new file text, and what changed (one line per claim), for the commit message.
    """
    text = Path(golden_path).read_text(encoding="utf-8")
    head, sep, _ = text.partition("\nclaims:\n")
    if not sep:
        raise ValueError(f"{golden_path}: no 'claims:' line")
    tiers, golden = load_golden(golden_path)
    run = read_run_claims(results_dir)
    new = sorted(set(run) - set(golden))
    if new and new_tier is None:
        raise ValueError(f"new claim(s) {new}: pass --new-tier with one of {sorted(tiers)} (and add a `why` if needed)")
    if new_tier is not None and new_tier not in tiers:
        raise ValueError(f"--new-tier {new_tier!r} is not one of {sorted(tiers)}")
    changes = [f"{cid}: removed (no longer produced)" for cid in sorted(set(golden) - set(run))]
    lines = [head.rstrip("\n"), "", "claims:"]
    order = [c for c in golden if c in run] + new
    for cid in order:
        v, b = run[cid]
        g = golden.get(cid)
        if g is None:
            changes.append(f"{cid}: added, {v!r} (tier {new_tier})")
        elif g.value != v or g.bound != b:
            changes.append(f"{cid}: {g.value!r} -> {v!r}" + (f", bound {g.bound!r} -> {b!r}" if g.bound != b else ""))
        lines += [f"  {cid}:", f"    value: {_yaml_scalar(v)}", f"    bound: {_yaml_scalar(b)}",
                  f"    tier: {g.tier if g else new_tier}"]
        if g and g.why:
            lines.append(f"    why: {_yaml_scalar(g.why)}")
    return "\n".join(lines) + "\n", changes
