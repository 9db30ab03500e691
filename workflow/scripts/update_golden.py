"""Check or rewrite the golden demo claims (``tests/golden/demo_claims.yaml``) from a results folder.

    .venv/bin/python workflow/scripts/update_golden.py --check            # compare results/demo with the file
    .venv/bin/python workflow/scripts/update_golden.py                    # rewrite the values from results/demo
    .venv/bin/python workflow/scripts/update_golden.py results/demo --new-tier arithmetic   # a new claim

Rewriting keeps the header, the tolerance tiers with their reasons, and each claim's tier and
``why``; only ``value`` and ``bound`` change. A claim that is new to the file needs ``--new-tier``
(choose its tolerance deliberately). The script prints what changed: put that in the commit
message (see CONTRIBUTING.md, "Golden results").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow"))

from llzo.pipeline.golden import compare_golden, updated_golden_text  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (1: --check found differences)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="?", default="results/demo", help="results folder of a finished demo run")
    p.add_argument("--golden", default=str(ROOT / "tests/golden/demo_claims.yaml"), help="golden file")
    p.add_argument("--new-tier", help="tolerance tier for claims the golden file does not list yet")
    p.add_argument("--check", action="store_true", help="only compare; exit 1 when a claim moved")
    a = p.parse_args(argv)
    if not Path(a.results, "claims").is_dir():
        print(f"{a.results}/claims/ not found: run the demo first (make figures)", file=sys.stderr)
        return 2
    if a.check:
        problems = compare_golden(a.golden, a.results)
        print("\n".join(problems) if problems else f"{a.results}: every claim matches {a.golden}")
        return 1 if problems else 0
    try:
        text, changes = updated_golden_text(a.golden, a.results, a.new_tier)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    Path(a.golden).write_text(text, encoding="utf-8")
    print(f"{a.golden}: " + (f"{len(changes)} change(s)\n  " + "\n  ".join(changes) if changes else "unchanged"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
