"""Verification of the finite-volume solver: analytic stack, conservation, symmetry, AMG vs direct,
thin-interface model vs an explicitly meshed boundary (scikit-fem), and the interface resistance of
the Li contacts (Robin condition) against analytic series/parallel cases and scikit-fem."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.fe.assembly import assemble, sigma_field
from llzo.fe.explicit import StepBicrystal, solve_explicit, step_microstructure
from llzo.fe.geometry import Microstructure, layered_microstructure, make_microstructure
from llzo.fe.params import FEParams
from llzo.fe.postprocess import currents
from llzo.fe.solve import solve_amg, solve_direct

UM = 1e-6


def small_params(**kw) -> FEParams:
    base = dict(width_m=40 * UM, llzo_thickness_m=30 * UM, grain_size_m=8 * UM, lloyd_iterations=0,
                gb_thickness_m=5e-9, sigma_grain_S_m=0.1, sigma_gb_S_m=1e-6, sigma_hl_S_m=0.01,
                hl_thickness_m=5 * UM, bias_high_V=0.1, bias_low_V=0.0, cell_m=0.5 * UM)
    base.update(kw)
    return FEParams(**base)


def run_solver(s, method: str):
    """``amg`` (full matrix), ``amg-rb`` (red-black reduced, as the pipeline solves) or ``direct``."""
    if method == "amg":
        return solve_amg(s.A, s.b)
    if method == "amg-rb":
        return solve_amg(s.A, s.b, red=s.red)
    return solve_direct(s.A, s.b)


def solved(m: Microstructure, p: FEParams, method="amg-rb", **kw):
    s = assemble(m, sigma_field(m, p.sigma_grain_S_m, p.sigma_hl_S_m), p.gb_area_resistance_ohm_m2,
                 kw.get("bottom", p.bias_high_V), kw.get("top", p.bias_low_V),
                 interface_resistance_ohm_m2=kw.get("r_int", 0.0))
    sol = run_solver(s, method)
    return s, sol, currents(s, sol.phi_V)


@pytest.mark.parametrize("method", ["amg", "amg-rb", "direct"])
def test_layered_stack_matches_series_resistance(method):
    h = 0.5 * UM
    cells = [10, 6, 14, 4]
    sig = np.array([0.1, 0.03, 0.25, 0.07])
    r_gb = 5e-9 / 1e-6  # delta / sigma_gb, ohm m2
    m = layered_microstructure(cells, nx=6, cell_m=h)
    s = assemble(m, sigma_field(m, sig, 1.0), r_gb, 0.1, 0.0)
    sol = run_solver(s, method)
    cur = currents(s, sol.phi_V)
    R = float(np.sum(np.array(cells) * h / sig)) + (len(cells) - 1) * r_gb  # ohm m2
    j_exact = 0.1 / R
    assert cur.jy_faces_A_m2 == pytest.approx(j_exact, rel=1e-9)


def test_layered_stack_with_hl_slabs():
    p = small_params()
    h = p.cell_m
    m0 = layered_microstructure([20, 20], nx=4, cell_m=h)
    nhl = 10
    labels = np.full((40 + 2 * nhl, 4), -1, dtype=np.int32)
    labels[nhl:-nhl] = m0.labels
    m = Microstructure(labels, m0.seeds_m + np.array([0.0, nhl * h]), h, nhl * h)
    _, _, cur = solved(m, p, method="direct")
    R = 40 * h / p.sigma_grain_S_m + p.gb_area_resistance_ohm_m2 + 2 * nhl * h / p.sigma_hl_S_m
    assert cur.jy_faces_A_m2 == pytest.approx(0.1 / R, rel=1e-9)


@pytest.mark.parametrize("method", ["amg", "amg-rb", "direct"])
def test_layered_stack_with_interface_resistance_matches_series_resistance(method):
    """1D stack: grains, boundaries and one interface resistance at each Li contact in series."""
    h = 0.5 * UM
    cells = [10, 6, 14, 4]
    sig = np.array([0.1, 0.03, 0.25, 0.07])
    r_gb = 5e-9 / 1e-6
    m = layered_microstructure(cells, nx=6, cell_m=h)
    for r_int in (1e-5, 2e-4, 1e-1):  # 0.1, 2 and 1000 ohm cm2
        s = assemble(m, sigma_field(m, sig, 1.0), r_gb, 0.1, 0.0, interface_resistance_ohm_m2=r_int)
        sol = run_solver(s, method)
        cur = currents(s, sol.phi_V)
        R = float(np.sum(np.array(cells) * h / sig)) + (len(cells) - 1) * r_gb + 2 * r_int
        assert cur.jy_faces_A_m2 == pytest.approx(0.1 / R, rel=1e-9)
        # the electrode face obeys the Robin condition j = (phi_electrode - phi_face) / R_int, with the
        # face potential from the first cell centre plus the drop over half a cell
        j0 = cur.jy_faces_A_m2[0]
        phi_face = sol.phi_V.reshape(m.shape)[0] + j0 * (h / 2) / sig[0]
        np.testing.assert_allclose(j0, (0.1 - phi_face) / r_int, rtol=1e-6)


def test_ideal_contact_is_the_zero_resistance_limit():
    p = small_params()
    m = make_microstructure(p, seed=4, with_hl=False)
    sig = sigma_field(m, p.sigma_grain_S_m, p.sigma_hl_S_m)
    ideal = assemble(m, sig, p.gb_area_resistance_ohm_m2, 0.1, 0.0)
    zero = assemble(m, sig, p.gb_area_resistance_ohm_m2, 0.1, 0.0, interface_resistance_ohm_m2=0.0)
    assert (ideal.A != zero.A).nnz == 0 and np.array_equal(ideal.b, zero.b)
    tiny = assemble(m, sig, p.gb_area_resistance_ohm_m2, 0.1, 0.0, interface_resistance_ohm_m2=1e-12)
    i_ideal = currents(ideal, solve_direct(ideal.A, ideal.b).phi_V).total_out_A_m
    i_tiny = currents(tiny, solve_direct(tiny.A, tiny.b).phi_V).total_out_A_m
    assert i_tiny == pytest.approx(i_ideal, rel=1e-6) and i_tiny < i_ideal
    with pytest.raises(ValueError, match="interface resistance must be >= 0"):
        assemble(m, sig, p.gb_area_resistance_ohm_m2, 0.1, 0.0, interface_resistance_ohm_m2=-1.0)


def test_side_by_side_bicrystal_with_interface_resistance():
    """Two columnar grains between the electrodes, an (almost) insulating boundary between them: two
    parallel 1D paths, j_k = V / (T / sigma_k + 2 R_int). The interface resistance evens them out:
    j_A / j_B -> 1 as R_int grows, the mechanism behind the design map's R_int axis."""
    h, nx, ny = 0.5 * UM, 16, 40
    T, W = ny * h, nx * h
    labels = np.zeros((ny, nx), np.int32)
    labels[:, nx // 2:] = 1
    m = Microstructure(labels, np.array([[W / 4, T / 2], [3 * W / 4, T / 2]]), h, 0.0)
    sig_a, sig_b = 0.25, 0.01
    sig = np.where(labels == 0, sig_a, sig_b)
    ratios = []
    for r_int in (0.0, 1e-4, 1e-2):  # 0, 1 and 100 ohm cm2
        s = assemble(m, sig, 1e12, 0.1, 0.0, interface_resistance_ohm_m2=r_int)
        j = currents(s, solve_direct(s.A, s.b).phi_V).jy_faces_A_m2
        j_a, j_b = 0.1 / (T / sig_a + 2 * r_int), 0.1 / (T / sig_b + 2 * r_int)
        np.testing.assert_allclose(j[:, : nx // 2], j_a, rtol=1e-9)
        np.testing.assert_allclose(j[:, nx // 2:], j_b, rtol=1e-9)
        ratios.append(j_a / j_b)
    assert ratios[0] == pytest.approx(25.0) and ratios[0] > ratios[1] > ratios[2] > 1.0 and ratios[2] < 1.1


@pytest.mark.parametrize("method", ["amg", "amg-rb"])
@pytest.mark.parametrize("with_hl", [False, True])
@pytest.mark.parametrize("r_int", [0.0, 1e-3])
def test_current_is_conserved(with_hl, method, r_int):
    p = small_params()
    m = make_microstructure(p, seed=3, with_hl=with_hl)
    _, _, cur = solved(m, p, method, r_int=r_int)
    assert abs(cur.total_in_A_m - cur.total_out_A_m) <= 1e-8 * abs(cur.total_out_A_m)
    # every cell: net current zero to the same precision
    ny, nx = m.shape
    ix = np.zeros((ny, nx + 1))
    ix[:, 1:-1] = cur.ix_A_m
    net = ix[:, :-1] - ix[:, 1:] + cur.iy_A_m[:-1] - cur.iy_A_m[1:]
    assert np.abs(net).max() <= 1e-8 * abs(cur.total_out_A_m)


@pytest.mark.parametrize("method", ["amg", "amg-rb"])
@pytest.mark.parametrize("with_hl", [False, True])
@pytest.mark.parametrize("r_int", [0.0, 1e-3])
def test_amg_agrees_with_direct_solver(method, with_hl, r_int):
    p = small_params()
    m = make_microstructure(p, seed=5, with_hl=with_hl)
    _, amg, c_amg = solved(m, p, method, r_int=r_int)
    _, direct, c_dir = solved(m, p, "direct", r_int=r_int)
    assert amg.iterations < 60
    np.testing.assert_allclose(amg.phi_V, direct.phi_V, rtol=0, atol=1e-9 * 0.1)
    assert c_amg.total_out_A_m == pytest.approx(c_dir.total_out_A_m, rel=1e-8)


def test_red_black_reduction_is_exact_and_refuses_other_systems():
    import scipy.sparse.linalg as spla

    from llzo.fe.solve import red_black_reduce

    p = small_params()
    m = make_microstructure(p, seed=1, with_hl=True)
    s = assemble(m, sigma_field(m, p.sigma_grain_S_m, p.sigma_hl_S_m), p.gb_area_resistance_ohm_m2, 0.1, 0.0)
    rb = red_black_reduce(s.A, s.b, s.red)
    n_black = rb.black_idx.size
    assert rb.S.shape == (n_black, n_black) and rb.red_idx.size + n_black == s.A.shape[0]
    assert abs(rb.S - rb.S.T).max() <= 1e-12 * abs(rb.S).max()
    # solving the Schur complement directly and back-substituting is the full direct solution
    phi = rb.expand(spla.spsolve(rb.S.tocsc(), rb.b))
    np.testing.assert_allclose(phi, solve_direct(s.A, s.b).phi_V, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="red unknowns couple"):
        red_black_reduce(s.A, s.b, np.ones(s.A.shape[0], bool))  # all red: red cells touch red cells
    with pytest.raises(ValueError, match="entries for a matrix"):
        red_black_reduce(s.A, s.b, s.red[:-1])


def test_mirror_symmetry():
    """Mirroring the microstructure in x mirrors the interface current density."""
    p = small_params()
    m = make_microstructure(p, seed=7, with_hl=True)
    W = m.shape[1] * m.cell_m
    mirrored = Microstructure(m.labels[:, ::-1].copy(), m.seeds_m * [-1, 1] + [W, 0], m.cell_m, m.hl_thickness_m)
    _, _, a = solved(m, p, "direct")
    _, _, b = solved(mirrored, p, "direct")
    np.testing.assert_allclose(b.jy_faces_A_m2, a.jy_faces_A_m2[:, ::-1], rtol=1e-9, atol=1e-12)


def test_electrode_swap_antisymmetry():
    """Flipping the microstructure in y and swapping the electrodes reverses the current exactly."""
    p = small_params()
    m = make_microstructure(p, seed=2, with_hl=False)
    T = m.shape[0] * m.cell_m
    flipped = Microstructure(m.labels[::-1].copy(), m.seeds_m * [1, -1] + [0, T], m.cell_m, 0.0)
    _, _, a = solved(m, p, "direct")
    _, _, b = solved(flipped, p, "direct", bottom=p.bias_low_V, top=p.bias_high_V)
    np.testing.assert_allclose(b.jy_faces_A_m2[::-1], -a.jy_faces_A_m2, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("sigma_gb_S_m", [1e-6, 5e-5])
def test_thin_interface_matches_explicit_boundary(sigma_gb_S_m):
    """Bicrystal with a 5 nm boundary meshed explicitly (graded P1 mesh): total current within 2 %."""
    g = StepBicrystal(width_m=40 * UM, thickness_m=20 * UM, xs_m=20 * UM, y1_m=8 * UM, y2_m=12 * UM,
                      delta_m=5e-9, sigma_a_S_m=0.1, sigma_b_S_m=0.3, sigma_gb_S_m=sigma_gb_S_m)
    I_ref, n_nodes = solve_explicit(g, hmax_m=0.5 * UM)
    m = step_microstructure(g, 0.5 * UM)
    sig = np.where(m.labels == 0, g.sigma_a_S_m, g.sigma_b_S_m)
    s = assemble(m, sig, g.delta_m / g.sigma_gb_S_m, g.bias_V, 0.0, correct_staircase=False)
    I_fv = currents(s, solve_amg(s.A, s.b).phi_V).total_out_A_m
    print(f"bicrystal sigma_gb={sigma_gb_S_m:g} S/m: FV {I_fv:.6e} vs explicit {I_ref:.6e} A/m "
          f"({n_nodes} nodes): {100 * (I_fv / I_ref - 1):+.3f} %")
    assert abs(I_fv / I_ref - 1) < 0.02


@pytest.mark.parametrize("r_int_ohm_m2", [2e-5, 2e-4])
def test_robin_contacts_match_explicit_bicrystal(r_int_ohm_m2):
    """Step bicrystal with interface resistance on both electrodes (0.2 and 2 ohm cm2, i.e. 0.1x and 1x
    the bulk resistance T / sigma): FV vs scikit-fem with a Robin boundary term, total current within 2 %;
    the interface resistance changes the current by far more than that."""
    g = StepBicrystal(width_m=40 * UM, thickness_m=20 * UM, xs_m=20 * UM, y1_m=8 * UM, y2_m=12 * UM,
                      delta_m=5e-9, sigma_a_S_m=0.1, sigma_b_S_m=0.3, sigma_gb_S_m=5e-5)
    I_ref, n_nodes = solve_explicit(g, hmax_m=0.5 * UM, r_int_ohm_m2=r_int_ohm_m2)
    I_ideal, _ = solve_explicit(g, hmax_m=0.5 * UM)
    m = step_microstructure(g, 0.5 * UM)
    sig = np.where(m.labels == 0, g.sigma_a_S_m, g.sigma_b_S_m)
    s = assemble(m, sig, g.delta_m / g.sigma_gb_S_m, g.bias_V, 0.0, correct_staircase=False,
                 interface_resistance_ohm_m2=r_int_ohm_m2)
    I_fv = currents(s, solve_amg(s.A, s.b, red=s.red).phi_V).total_out_A_m
    print(f"bicrystal R_int={r_int_ohm_m2:g} ohm m2: FV {I_fv:.6e} vs explicit {I_ref:.6e} A/m "
          f"({n_nodes} nodes): {100 * (I_fv / I_ref - 1):+.3f} %; ideal contacts {I_ideal:.6e} A/m")
    assert abs(I_fv / I_ref - 1) < 0.02
    assert I_ref < 0.95 * I_ideal
