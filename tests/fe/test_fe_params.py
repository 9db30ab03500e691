"""The `fe` config: invalid models stop with a clear message (library, CLI and schema)."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from llzo.fe.params import OHM_CM2, FEConfigError, FEParams, FEReadoutParams, fe_params
from llzo.pipeline.cli import main


@pytest.fixture()
def fe_cfg(config) -> dict:
    return copy.deepcopy(config["fe"])


def test_default_config_is_valid(fe_cfg):
    p = fe_params(fe_cfg)
    r_gb = fe_cfg["gb_thickness_nm"] * 1e-9 / (fe_cfg["sigma_gb_S_cm"] * 100)
    assert p.gb_area_resistance_ohm_m2 == pytest.approx(r_gb)


@pytest.mark.parametrize("key", ["sigma_grain_S_cm", "sigma_gb_S_cm", "sigma_hl_S_cm"])
def test_negative_conductivity_stops(fe_cfg, key):
    fe_cfg[key] = -1e-4
    with pytest.raises(FEConfigError, match=rf"{key} = -0.0001 S/cm; a conductivity must be > 0"):
        fe_params(fe_cfg)


def test_interface_resistance_and_readout(fe_cfg):
    assert FEParams.from_config(fe_cfg).r_int_ohm_m2 == fe_cfg["R_int_ohm_cm2"] * OHM_CM2
    fe_cfg["R_int_ohm_cm2"] = -5.0
    with pytest.raises(FEConfigError, match="R_int_ohm_cm2 = -5 ohm cm2 must be >= 0"):
        fe_params(fe_cfg)
    r = FEReadoutParams.from_config(fe_cfg)
    assert r.window_m == pytest.approx(fe_cfg["hotspot_window_um"] * 1e-6)
    assert r.min_contact_m == pytest.approx(fe_cfg["hotspot_min_contact_um"] * 1e-6)
    del fe_cfg["hotspot_min_contact_um"]
    with pytest.raises(FEConfigError, match="missing key 'hotspot_min_contact_um'"):
        FEReadoutParams.from_config(fe_cfg)


def test_grain_larger_than_domain_stops(fe_cfg):
    fe_cfg["grain_size_um"] = 2 * fe_cfg["width_um"]
    with pytest.raises(FEConfigError, match="larger than the domain"):
        fe_params(fe_cfg)


def test_grid_must_fit_the_geometry(fe_cfg):
    fe_cfg["cell_um"] = 0.3
    with pytest.raises(FEConfigError, match="not a multiple of cell_um"):
        fe_params(fe_cfg)


def test_cli_reports_bad_config_without_traceback(fe_cfg, tmp_path, caplog):
    fe_cfg["sigma_gb_S_cm"] = -1e-8
    status = main(["fe-solve", "--seed", "1", "--config", json.dumps(fe_cfg), "--out", str(tmp_path / "x.nc")])
    assert status == 1
    assert "sigma_gb_S_cm" in caplog.text and "must be > 0" in caplog.text
    assert not (tmp_path / "x.nc").exists()


def test_schema_rejects_negative_conductivity(config, repo_root):
    schema = yaml.safe_load((repo_root / "workflow/schemas/config.schema.yaml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(config)
    bad["fe"]["sigma_grain_S_cm"] = -1e-3
    with pytest.raises(jsonschema.ValidationError, match=r"-0\.001"):
        jsonschema.validate(bad, schema)
