"""Lab presets (llzo.lab.presets): the merge rule, the shipped presets, errors."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from llzo.lab import presets

REPO = Path(__file__).resolve().parents[2]


def test_deep_merge():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 3}
    out = presets.deep_merge(base, {"a": {"c": [9]}, "e": {"f": 1}})
    assert out == {"a": {"b": 1, "c": [9]}, "d": 3, "e": {"f": 1}}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 3}  # not modified


def test_demo_is_the_config(config, repo_root):
    lab, seed = presets.resolve(config["lab"], config["lab_seed"], "demo", repo_root)
    assert lab == config["lab"] and seed == config["lab_seed"] and presets.is_lab_dataset("demo", repo_root)


@pytest.mark.parametrize("name", sorted(p.stem for p in (REPO / presets.PRESET_DIR).glob("*.yaml")))
def test_shipped_presets_validate_and_change_the_truth(name, config, repo_root):
    import jsonschema

    assert presets.is_lab_dataset(name, repo_root)
    lab, seed = presets.resolve(config["lab"], config["lab_seed"], name, repo_root)
    schema = yaml.safe_load((repo_root / "workflow/schemas/config.schema.yaml").read_text(encoding="utf-8"))
    jsonschema.validate({**config, "lab": lab, "seed": seed}, schema)
    assert seed != config["lab_seed"] and lab != config["lab"]


def test_demo_hard_has_other_true_values(config, repo_root):
    lab, _ = presets.resolve(config["lab"], config["lab_seed"], "demo_hard", repo_root)
    base = config["lab"]
    assert lab["material"]["modulus_gi_GPa"] != base["material"]["modulus_gi_GPa"]
    assert lab["sweeps"]["window_V"] > base["sweeps"]["window_V"]  # more censoring
    assert lab["maps"]["probe"]["apex_radius_nm"] > base["maps"]["probe"]["apex_radius_nm"]
    assert lab["echem"]["decimal_separator"] == ","


def test_bad_preset(tmp_path, config):
    d = tmp_path / presets.PRESET_DIR
    d.mkdir(parents=True)
    (d / "x.yaml").write_text("lab: {}\n")
    with pytest.raises(ValueError, match="seed"):
        presets.resolve(config["lab"], 1, "x", tmp_path)
    (d / "y.yaml").write_text("seed: 1\nlabb: {}\n")
    with pytest.raises(ValueError, match="labb"):
        presets.resolve(config["lab"], 1, "y", tmp_path)
    with pytest.raises(FileNotFoundError):
        presets.resolve(copy.deepcopy(config["lab"]), 1, "nosuch", tmp_path)
