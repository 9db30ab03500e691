"""Claims truth (llzo.lab.truth): definitions applied to the latent variables, independent of the analyses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from llzo.analysis.survival import km_median as analysis_km_median
from llzo.lab import truth as lt


def test_km_median_is_independent_but_agrees_with_the_analysis():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 30))
        t = np.round(rng.exponential(1.0, n), 2)
        e = rng.random(n) < 0.6
        assert lt.km_median(t, e) == analysis_km_median(t, e)


def test_truth_value_reads_grids():
    entry = {"parameters": {"a": [1.0, 2.0], "b": [10, 20, 30]}, "values": [[1, 2, 3], [4, 5, 6]], "bound": None}
    assert lt.truth_value(entry, a=2.0, b=20, unused=0) == 5
    with pytest.raises(KeyError, match="depends on 'b'"):
        lt.truth_value(entry, a=1.0)
    with pytest.raises(KeyError, match="not on the truth grid"):
        lt.truth_value(entry, a=1.5, b=10)
    assert lt.truth_value({"value": 3.0, "bound": None}) == 3.0


@pytest.fixture(scope="module")
def demo_truth(tmp_path_factory, config):
    from llzo.lab.demo import make_dataset

    tmp = tmp_path_factory.mktemp("truth")
    cfg = config["lab"]
    make_dataset(tmp / "raw" / "demo", tmp / "truth" / "demo", cfg, config["lab_seed"])
    return tmp, json.loads((tmp / "truth/demo/claims_truth.json").read_text())


def test_every_lab_claim_has_a_truth_with_how(demo_truth, repo_root):
    import yaml

    _, truth = demo_truth
    paper = yaml.safe_load((repo_root / "workflow/config/paper_claims.yaml").read_text())
    lab_claims = {c for c in paper if not c.startswith("fe_")}
    assert set(truth["claims"]) == lab_claims
    for cid, e in truth["claims"].items():
        assert e["how"] and e["bound"] in (None, "lt", "gt"), cid
        assert ("value" in e) != ("parameters" in e), cid
    assert truth["dataset"] == "demo"


def test_trigger_truth_follows_the_definition(demo_truth):
    """GI: more than half of the sweeps nucleate beyond the window: the KM median is the window, a bound."""
    tmp, truth = demo_truth
    import pandas as pd

    c = truth["claims"]
    t = pd.read_csv(tmp / "truth/demo/sweeps_truth.tsv", sep="\t")
    gi = t[(t.electrode == "tip") & (t.site_label == "GI")]
    assert (~gi.triggered).mean() > 0.5
    assert c["trigger_bias_gi_V"]["value"] == pytest.approx(gi.window_V.iloc[0])
    assert c["trigger_bias_gi_V"]["bound"] == "lt" and c["trigger_bias_gi_V"]["latent_median_V"] < -10
    assert c["trigger_ratio_gi_over_gb"]["bound"] == "gt"
    gb = t[(t.electrode == "tip") & (t.site_label == "GB")]
    assert c["trigger_bias_gb_V"]["value"] == pytest.approx(gb.nucleation_bias_V.median(), rel=0.05)


def test_memristor_truth_states_what_the_instrument_cannot_resolve(demo_truth):
    _, truth = demo_truth
    e = truth["claims"]["memristor_tip_on_off"]
    v = lt.truth_value(e, read_bias_V=-0.1, forming_cycles=10)
    lim = lt.truth_value(e["limit"], read_bias_V=-0.1, forming_cycles=10)
    assert e["measurable"] is False and v > 1e3 * lim


def test_claims_truth_is_deterministic(tmp_path, config):
    import copy

    from llzo.lab.demo import make_dataset

    cfg = copy.deepcopy(config["lab"])
    cfg["sweeps"]["plan"].update(tip_sweeps_per_distance=[3] * 8, hl_sweeps=3, pad_sweeps_per_side=1)
    cfg["maps"]["maps"] = [{"map_id": "m", "kind": "modulus", "stage": "pristine"},
                           {"map_id": "k", "kind": "kpfm", "stage": "pristine"}]
    for k in ("modulus", "kpfm"):
        cfg["maps"][k]["pixels"] = 96
    cfg["memristor"]["devices"] = [{**d, "cycles": 12} for d in cfg["memristor"]["devices"]]
    cfg["echem"].update(cells_per_group=1)
    cfg["echem"]["sym"]["duration_h"] = {"none": 2.0, "Au": 2.0, "HL": 20.0}
    for c in cfg["echem"]["full"].values():
        c["cycles"] = 4
    out = []
    for k in range(2):
        make_dataset(tmp_path / f"r{k}" / "x", tmp_path / f"t{k}" / "x", cfg, 99)
        out.append({p.relative_to(tmp_path / f"r{k}").as_posix(): p.read_bytes()
                    for p in sorted((tmp_path / f"r{k}").rglob("*")) if p.is_file()})
        out[-1]["claims_truth.json"] = (tmp_path / f"t{k}/x/claims_truth.json").read_bytes()
    assert out[0] == out[1]
