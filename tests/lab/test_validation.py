"""The analyses recover the lab's true values (claims_truth.json) on demo and demo_hard.

Each lab dataset is written to a temporary folder, ingested and analysed with the library functions
exactly as the figure notebooks do (``tests/lab_recovery.py``); every claim's recovered value must
match its truth within the tolerance ``lab_recovery.TOLERANCES`` states (and the bound must agree).
The table is printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import pandas as pd
import pytest
from lab_recovery import TOLERANCES, validate_dataset


@pytest.mark.parametrize("name", ["demo", "demo_hard"])
def test_recovers_every_claim_within_tolerance(name, tmp_path):
    table = validate_dataset(name, tmp_path)
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(f"\n{name}\n" + table.drop(columns="why").to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    assert set(table.claim_id) <= set(TOLERANCES)
    assert len(table) >= 27
    bad = table[~table.ok]
    assert bad.empty, bad.to_string()
