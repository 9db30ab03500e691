"""Lab presets that extend another and scale its counts (labscale and its fractions)."""

from __future__ import annotations

import pytest

from llzo.lab import presets
from llzo.lab.maps import expand_map_specs


def test_labscale_sizes(config, repo_root):
    sizes = {}
    for name in ("labscale_1of16", "labscale_1of4", "labscale"):
        lab, seed = presets.resolve(config["lab"], config["lab_seed"], name, repo_root)
        p = lab["sweeps"]["plan"]
        pads = len(p["pad_sides_um"]) * p["pad_sweeps_per_side"]
        sweeps = sum(p["tip_sweeps_per_distance"]) + p["hl_sweeps"] + pads
        maps = expand_map_specs(lab["maps"]["maps"])
        e = lab["echem"]
        sizes[name] = (sweeps, len(maps), 4 * e["cells_per_group"] * e["eis_repeats"], seed)
        # every kind and stage of map is kept at every size
        assert {(m["kind"], m["stage"]) for m in maps} == {("modulus", "pristine"), ("kpfm", "pristine"),
                                                           ("current", "pristine"), ("current", "after_penetration")}
    assert sizes["labscale"][:3] == (10000, 64, 96)
    assert sizes["labscale_1of4"][0] == 2500 and sizes["labscale_1of16"][0] == 625
    assert len({s[3] for s in sizes.values()}) == 1  # one lab, one seed


def test_scale_counts_rounds_and_keeps_one():
    lab = {"sweeps": {"plan": {"tip_sweeps_per_distance": [10, 3, 1], "hl_sweeps": 4, "pad_sweeps_per_side": 0}},
           "echem": {"cells_per_group": 3, "ccd": {"cells_per_interlayer": 1}, "sym": {"cells_per_interlayer": 2}},
           "maps": {"maps": [{"map_id": "a", "kind": "modulus", "stage": "pristine", "count": 8},
                             {"map_id": "b", "kind": "modulus", "stage": "pristine", "count": 1},
                             {"map_id": "c", "kind": "current", "stage": "pristine"}]}}
    out = presets.scale_counts(lab, 0.25)
    assert out["sweeps"]["plan"] == {"tip_sweeps_per_distance": [3, 1, 1], "hl_sweeps": 1, "pad_sweeps_per_side": 0}
    assert out["echem"] == {"cells_per_group": 1, "ccd": {"cells_per_interlayer": 1},
                            "sym": {"cells_per_interlayer": 1}}
    assert [(m["map_id"], m["count"]) for m in out["maps"]["maps"]] == [("a", 2), ("c", 1)]
    assert lab["maps"]["maps"][0]["count"] == 8  # not modified
    with pytest.raises(ValueError, match="size_scale"):
        presets.scale_counts(lab, 0)


def test_expand_map_specs():
    specs = [{"map_id": "m", "kind": "modulus", "stage": "pristine", "count": 2, "pixels": 32},
             {"map_id": "k", "kind": "kpfm", "stage": "pristine"}]
    assert expand_map_specs(specs) == [{"map_id": "m_001", "kind": "modulus", "stage": "pristine", "pixels": 32},
                                       {"map_id": "m_002", "kind": "modulus", "stage": "pristine", "pixels": 32},
                                       {"map_id": "k", "kind": "kpfm", "stage": "pristine"}]


def test_extends_and_loops(tmp_path, config):
    d = tmp_path / presets.PRESET_DIR
    d.mkdir(parents=True)
    (d / "base.yaml").write_text("seed: 5\nlab: {sweeps: {plan: {hl_sweeps: 40}}}\n")
    (d / "half.yaml").write_text("extends: base\nsize_scale: 0.5\n")
    (d / "other.yaml").write_text("extends: half\nseed: 6\nlab: {tip: {radius_nm: 30.0}}\n")
    lab, seed = presets.resolve(config["lab"], 1, "half", tmp_path)
    assert seed == 5 and lab["sweeps"]["plan"]["hl_sweeps"] == 20
    lab, seed = presets.resolve(config["lab"], 1, "other", tmp_path)
    assert seed == 6 and lab["sweeps"]["plan"]["hl_sweeps"] == 20 and lab["tip"]["radius_nm"] == 30.0
    assert [p.name for p in presets.preset_files("other", tmp_path)] == ["other.yaml", "half.yaml", "base.yaml"]
    (d / "loop.yaml").write_text("extends: loop2\n")
    (d / "loop2.yaml").write_text("extends: loop\n")
    with pytest.raises(ValueError, match="loops"):
        presets.resolve(config["lab"], 1, "loop", tmp_path)
