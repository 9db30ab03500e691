"""Mesh convergence of the interface current density and of the hot-spot ratio (observed order).

A staggered "brick" polycrystal whose boundaries lie on cell faces for every grid of the
sequence, so the geometry is the same on all grids and the discretisation error is measured
alone. The interface current density is compared on fixed 1 um bins.
"""

from __future__ import annotations

import itertools

import numpy as np

from llzo.fe.assembly import assemble, sigma_field
from llzo.fe.geometry import Microstructure, make_microstructure
from llzo.fe.params import FEParams
from llzo.fe.postprocess import currents, grain_peaks, max_over_mean, window_average
from llzo.fe.solve import solve_amg

UM = 1e-6


def brick(h: float, W: float = 32, T: float = 16, bw: float = 8, bh: float = 4) -> Microstructure:
    nx, ny = round(W * UM / h), round(T * UM / h)
    X, Y = np.meshgrid((np.arange(nx) + 0.5) * h / UM, (np.arange(ny) + 0.5) * h / UM)
    row = np.floor(Y / bh).astype(int)
    col = np.floor((X + (row % 2) * bw / 2) / bw).astype(int)
    lab = (row * 10 + col).astype(np.int32)
    return Microstructure(lab, np.zeros((lab.max() + 1, 2)), h, 0.0)


def interface_bins(h_um: float, sig_grain: np.ndarray) -> tuple[np.ndarray, float]:
    m = brick(h_um * UM)
    s = assemble(m, sig_grain[m.labels], 5e-9 / 1e-5, 0.1, 0.0, correct_staircase=False)
    c = currents(s, solve_amg(s.A, s.b).phi_V)
    j = c.jy_faces_A_m2[-1].reshape(-1, round(1 / h_um)).mean(axis=1)
    return j, max_over_mean(j)


def test_observed_order_of_interface_current_and_hotspot_ratio(record_property):
    sig = np.random.default_rng(0).uniform(0.02, 0.5, 100)
    hs = [1.0, 0.5, 0.25, 0.125]
    out = [interface_bins(h, sig) for h in hs]
    err_j = [np.abs(a[0] - b[0]).max() / b[0].mean() for a, b in itertools.pairwise(out)]
    err_r = [abs(a[1] - b[1]) for a, b in itertools.pairwise(out)]
    p_j = np.log2(err_j[-2] / err_j[-1])
    p_r = np.log2(err_r[-2] / err_r[-1])
    msg = (f"observed order: interface current density {p_j:.2f}, hot-spot ratio {p_r:.2f}; "
           f"finest changes {err_j[-1]:.1e} (rel.) and {err_r[-1]:.1e}")
    print(msg)
    record_property("fe_observed_order_j", float(p_j))
    record_property("fe_observed_order_hotspot", float(p_r))
    assert p_j > 1.5 and p_r > 1.5, msg
    assert err_j[-1] < 1e-3 and err_r[-1] < 1e-3, msg


def test_voronoi_staircase_correction_converges():
    """Voronoi grains on staircase grids: with the |n_x| + |n_y| correction the total current and
    the 1 um-window hot-spot ratios (max/mean, and largest/median per-grain peak) change little from
    0.5 to 0.25 um cells."""
    p = FEParams(width_m=60 * UM, llzo_thickness_m=30 * UM, grain_size_m=10 * UM, lloyd_iterations=0,
                 gb_thickness_m=5e-9, sigma_grain_S_m=0.1, sigma_gb_S_m=1e-6, sigma_hl_S_m=0.01,
                 hl_thickness_m=0.0, bias_high_V=0.1, bias_low_V=0.0, cell_m=0.5 * UM)
    res = []
    for h in (0.5, 0.25):
        q = p.with_cell(h * UM)
        m = make_microstructure(q, seed=11, with_hl=False)
        s = assemble(m, sigma_field(m, q.sigma_grain_S_m, q.sigma_hl_S_m), q.gb_area_resistance_ohm_m2, 0.1, 0.0)
        c = currents(s, solve_amg(s.A, s.b).phi_V)
        j = c.jy_faces_A_m2[-1]
        res.append((c.total_out_A_m, max_over_mean(window_average(j, round(1 / h))),
                    grain_peaks(j, m.labels[-1], q.cell_m, round(1 / h), 1 * UM).ratio))
    (i1, r1, g1), (i2, r2, g2) = res
    print(f"Voronoi: total current {i1:.5e} -> {i2:.5e}, max/mean {r1:.3f} -> {r2:.3f}, "
          f"grain-peak ratio {g1:.3f} -> {g2:.3f}")
    assert abs(i2 / i1 - 1) < 0.02
    assert abs(r2 / r1 - 1) < 0.10
    assert abs(g2 / g1 - 1) < 0.10
