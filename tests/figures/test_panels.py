"""Panel functions (llzo.figures.contact, trigger, maps, memristor) draw from analysis results, without I/O.

Small synthetic datasets, analysed by the library, drawn by every panel function; each panel
must put data on its axes (lines, collections or images) and set paper-unit labels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from llzo.analysis.contact import ContactParams, contact_area
from llzo.analysis.maps import BumpParams, MapsParams, bump_analysis, maps_analysis
from llzo.analysis.memristor import MemristorParams, memristor_analysis
from llzo.analysis.trigger import TriggerParams, hl_trigger_analysis, trigger_analysis, typical_sweep
from llzo.figures import contact as cf
from llzo.figures import maps as mapf
from llzo.figures import memristor as mf
from llzo.figures import trigger as tf
from llzo.lab import sweeps as lab
from llzo.lab.instrument import Instrument

PARAMS = TriggerParams(2.0, 15, 5, 3, 20, 4, (0, 50, 5000))


def _drawn(ax) -> bool:
    return bool(ax.lines or ax.collections or ax.images or ax.patches)


@pytest.fixture(scope="module")
def sweeps():
    rng = np.random.default_rng(3)
    instrument = Instrument(compliance_A=1e-3, noise_floor_A=2e-13, noise_rel=0.0, offset_max_A=0.0,
                            spike_fraction=0.0, max_spikes=0, spike_min_A=1e-9, spike_max_A=1e-5)
    bias = lab.bias_program_V(-10.0, 1e-3, 200)
    rows, frames = [], []
    plan = [("GB", "tip", 0.0, -0.12), ("GB", "tip", 0.0, -0.13), ("GI", "tip", 500.0, -9.0),
            ("GI", "tip", 800.0, -50.0), ("HL", "tip", np.nan, -2.0), ("HL", "tip", np.nan, -2.1),
            ("GB", "pad", 0.0, -0.15)]
    for k, (site, electrode, d, v_t) in enumerate(plan):
        cur, _ = lab.simulate_sweep(bias, v_t, 300.0, 3e15, instrument, rng, relative_noise=0.01)
        sid = f"s{k}"
        rows.append({"sweep_id": sid, "protocol": "trigger", "site": site, "electrode": electrode,
                     "distance_to_gb_nm": d, "tip_radius_nm": 20.0 if electrode == "tip" else np.nan,
                     "tip_force_nN": 400.0 if electrode == "tip" else np.nan,
                     "pad_side_um": 20.0 if electrode == "pad" else np.nan, "compliance_A": 1e-3})
        frames.append(pd.DataFrame({"sweep_id": sid, "cycle": 1, "time_s": np.arange(bias.size) * 0.05,
                                    "bias_V": bias, "current_A": cur}))
    return pd.DataFrame(rows), pd.concat(frames, ignore_index=True)


def test_contact_panel(sweeps):
    meta, _ = sweeps
    res = contact_area(meta, ContactParams(145.0), None)
    fig, ax = plt.subplots()
    cf.plot_contact_area(ax, res, [10.0, 40.0], 800.0)
    assert len(ax.lines) == 4 and ax.get_xlabel() == "Tip force P (nN)"
    plt.close(fig)


def test_trigger_panels(sweeps):
    meta, data = sweeps
    res = trigger_analysis(meta, data, PARAMS, contact_area(meta, ContactParams(145.0), None).table)
    table = res.table
    assert table.censored.sum() == 1  # the -50 V sweep never triggers in the -10 V window
    fig, axs = plt.subplots(2, 4)
    examples = {s: typical_sweep(table, s) for s in ("GB", "GI")}
    tf.plot_reductive_scans(axs[0, 0], data, table, examples)
    rows = table.set_index("sweep_id")
    tf.plot_cyclic_sweep(axs[0, 1], data[data.sweep_id == examples["GB"]], rows.loc[examples["GB"]], "GB")
    tf.plot_cyclic_sweep(axs[0, 2], None, None, "GI")
    tf.plot_bias_vs_distance(axs[0, 3], table, res.bins)
    tf.plot_bias_vs_pad_side(axs[1, 0], table)
    groups = tf.sweep_groups(table, ("GB", "GI", "HL")) + tf.sweep_groups(table, ("GB", "GI"), "pad")
    assert [g[0] for g in groups] == ["tip GB", "tip GI", "tip HL", "pad GB"]
    tf.plot_not_triggered(axs[1, 1], groups)
    tf.plot_group_biases(axs[1, 2], groups, {f"tip {s}": m for s, m in res.medians.items()})
    tf.plot_bias_histogram(axs[1, 3], groups, {"tip GB": 5.0})
    for ax in axs.flat:
        if ax is not axs[0, 2]:
            assert _drawn(ax), ax.get_title()
    assert axs[0, 0].get_xlabel() == "Bias (V vs Li/Li$^+$)" and axs[1, 0].get_xlabel() == "Au pad side (µm)"
    assert "no GI tip sweeps" in axs[0, 2].texts[0].get_text()
    hl = hl_trigger_analysis(meta, data, PARAMS)
    assert hl.claims[0].claim_id == "trigger_bias_hl_V"
    plt.close(fig)


def _map(kind, seed, n=96, px=2e-9):
    rng = np.random.default_rng(seed)
    x = (np.arange(n) + 0.5) * px
    d_nm = np.abs(x - x[n // 2])[None, :].repeat(n, 0) * 1e9  # one vertical boundary
    height = -4e-9 * np.exp(-0.5 * (d_nm / 6.0) ** 2) + rng.normal(0, 1e-10, (n, n))
    prop = {"modulus": ("modulus_Pa", 145e9 - 40e9 * np.exp(-0.5 * (d_nm / 15) ** 2)),
            "kpfm": ("potential_V", 0.25 - 0.01 * np.exp(-0.5 * (d_nm / 30) ** 2))}[kind]
    mask = (d_nm < px * 1e9 / 2 + 1e-9).astype(np.uint8)
    ds = xr.Dataset({"height_m": (("y_m", "x_m"), height), prop[0]: (("y_m", "x_m"), prop[1]),
                     "boundary_mask": (("y_m", "x_m"), mask)}, coords={"y_m": x, "x_m": x})
    ds.attrs = {"map_id": f"{kind}{seed}", "kind": kind, "stage": "pristine", "bias_V": np.nan,
                "pixel_size_x_m": px, "pixel_size_y_m": px}
    return ds


def test_map_panels():
    params = MapsParams(gb_band_nm=10.0, gi_min_distance_nm=40.0, groove_sd_nm=4.0, min_grain_area_nm2=100.0,
                        profile_max_nm=40.0, profile_lines=2)
    res = maps_analysis([_map("modulus", 1), _map("modulus", 2)], [_map("kpfm", 3)], params)
    claims = {c.claim_id: c.reproduced for c in res.claims}
    assert claims["modulus_gi_GPa"] == pytest.approx(145.0, abs=0.5)
    assert claims["kpfm_gb_minus_gi_mV"] < -5
    for summary in (res.modulus, res.kpfm):
        fig, axs = plt.subplots(1, 5)
        mapf.plot_property_maps(axs, summary, params, bar_nm=20.0, full_bar_nm=50.0, zoom_nm=60.0)
        assert all(_drawn(ax) for ax in axs)
        assert axs[4].get_xlabel() == "Distance to GB (nm)"
        plt.close(fig)


def test_current_map_panels():
    n, px = 64, 4e-9
    yy, xx = np.mgrid[0:n, 0:n]
    bump = np.exp(-0.5 * (((xx - 30) ** 2 + (yy - 20) ** 2) / 4.0**2))
    ds = xr.Dataset({"height_m": (("y_m", "x_m"), 15e-9 * bump), "current_A": (("y_m", "x_m"), 2e-9 * bump + 1e-13)},
                    coords={"y_m": (np.arange(n) + 0.5) * px, "x_m": (np.arange(n) + 0.5) * px})
    ds.attrs = {"map_id": "c1", "kind": "current", "stage": "after_penetration", "bias_V": 0.1,
                "pixel_size_x_m": px, "pixel_size_y_m": px}
    res = bump_analysis([ds], BumpParams(bump_min_height_nm=5.0, bump_min_area_nm2=100.0))
    assert len(res.table) == 1
    for channel in ("height_m", "current_A"):
        fig, axs = plt.subplots(1, 1, squeeze=False)
        mapf.plot_current_maps(axs[:, 0], res.maps, res.table, channel)
        assert _drawn(axs[0, 0]) and axs[0, 0].get_title().startswith("after penetration")
        plt.close(fig)


def test_memristor_panels():
    v = np.concatenate([np.linspace(0, -0.4, 40, endpoint=False), np.linspace(-0.4, 0, 40, endpoint=False),
                        np.linspace(0, 1.0, 40, endpoint=False), np.linspace(1.0, 0, 40)])
    frames = []
    for sid, n in (("tip", 15), ("pad", 4)):
        for c in range(1, n + 1):
            on = np.r_[np.zeros(25), np.ones(55), np.zeros(80)] if sid == "tip" or c == 1 else np.zeros(160)
            i = v * np.where(on > 0, 1e-5, 1e-10)
            frames.append(pd.DataFrame({"sweep_id": sid, "cycle": c, "time_s": c * 200 + np.arange(v.size),
                                        "bias_V": v, "current_A": i}))
    data = pd.concat(frames, ignore_index=True)
    meta = pd.DataFrame({"sweep_id": ["tip", "pad"], "protocol": "memristor", "electrode": ["tip", "pad"],
                         "pad_side_um": [np.nan, 500.0]})
    params = MemristorParams(forming_cycles=2)
    res = memristor_analysis(meta, data, params)
    assert {c.claim_id for c in res.claims} >= {"memristor_tip_on_off", "memristor_pad_on_off"}
    fig, axs = plt.subplots(1, 4)
    mf.plot_iv_cycles(axs[0], data[data.sweep_id == "tip"], [1, 2, 3])
    mf.plot_iv_cycles(axs[1], data[data.sweep_id == "tip"], [1, 2, 3], log=True)
    mf.plot_switching_biases(axs[2], res.cycles[res.cycles.sweep_id == "tip"], params.forming_cycles)
    mf.plot_on_off(axs[3], res.cycles, res.devices, params)
    assert all(_drawn(ax) for ax in axs[:4])
    assert axs[1].get_yscale() == "log" and "(endurance" in axs[3].get_legend().get_texts()[0].get_text()
    plt.close(fig)
