"""Vectorised cell-centred finite-volume assembly of div(sigma grad phi) = 0.

Cells are squares of side h (2D, per unit depth). The conductance of the face between cells a
and b is the series of the two half cells and, when a and b belong to different grains, of the
grain boundary treated as a thin resistive interface of area resistance r = delta / sigma_gb:

    1 / g_ab = 1 / (2 sigma_a) + 1 / (2 sigma_b) + r c / h,    c = |n_x| + |n_y|,

with n the boundary normal (the Voronoi bisector normal, from the two seeds). A staircase of
grid faces approximating a boundary of normal n has |n_x| + |n_y| times its true area; the
factor c restores the true interface conductance so that inclined boundaries converge under
refinement. The Li electrodes (y = 0 at ``bias_high_V``, y = top at ``bias_low_V``) are contacts
of area resistance R_int (ohm m2), a Robin condition on the electrode face,

    j_n = (phi_electrode - phi_face) / R_int,

which in the finite-volume balance is a series conductance from the cell centre to the electrode

    1 / g_e = 1 / (2 sigma) + R_int / h     (per unit depth; face length h).

R_int = 0 is the ideal (Dirichlet) contact of the paper's model, g_e = 2 sigma. An interface
resistance of this kind is what impedance spectroscopy measures as the interface arc of a
Li|LLZO|Li cell (area-specific resistance per interface; e.g. Sharafi et al., Chem. Mater. 29
(2017) 7961). The sides are insulating (no flux).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from llzo.fe.geometry import HL_LABEL, Microstructure


@dataclass(frozen=True)
class System:
    """The linear system A phi = b and the face conductances used to recover currents.

    Attributes
    ----------
    A
        (N, N) symmetric positive definite CSR matrix, N = ny * nx (row-major, row 0 at y = 0).
    b
        Right-hand side (A * V).
    gx
        (ny, nx - 1) conductances (S per unit depth) of the faces between x-neighbours.
    gy
        (ny - 1, nx) conductances of the faces between y-neighbours.
    g_bottom, g_top
        (nx,) conductances from the cell centres of the first and last row to the electrodes at
        y = 0 and y = top (half cell in series with the interface resistance).
    bias_bottom_V, bias_top_V
        Electrode potentials.
    cell_m
        Cell size (m).
    """

    A: sp.csr_matrix
    b: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    g_bottom: np.ndarray
    g_top: np.ndarray
    bias_bottom_V: float
    bias_top_V: float
    cell_m: float

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx) cells."""
        return self.gx.shape[0], self.gy.shape[1]

    @property
    def red(self) -> np.ndarray:
        """(N,) checkerboard mask: the cells with an even i + j.

        The 5-point stencil couples each cell only to cells of the other colour, so the system is
        red-black (see :func:`llzo.fe.solve.red_black_reduce`).
        """
        i, j = np.indices(self.shape)
        return ((i + j) % 2 == 0).ravel()


def sigma_field(m: Microstructure, sigma_grain_S_m: float | np.ndarray, sigma_hl_S_m: float) -> np.ndarray:
    """(ny, nx) conductivity: per-grain (scalar or array indexed by label) or HL."""
    grain = np.asarray(sigma_grain_S_m, dtype=float)
    lab = np.where(m.labels == HL_LABEL, 0, m.labels)
    sig = grain[lab] if grain.ndim else np.full(m.shape, float(grain))
    return np.where(m.labels == HL_LABEL, sigma_hl_S_m, sig)


def _gb_factor(seeds: np.ndarray, la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """|n_x| + |n_y| of the bisector between the seeds of grains la and lb."""
    d = seeds[lb] - seeds[la]
    nrm = np.hypot(d[:, 0], d[:, 1])
    nrm = np.where(nrm > 0, nrm, 1.0)
    return (np.abs(d[:, 0]) + np.abs(d[:, 1])) / nrm


def _face_conductance(sa, sb, la, lb, seeds, r_gb_ohm_m2, h, correct_staircase):
    g_inv = 0.5 / sa + 0.5 / sb
    gb = (la != lb) & (la != HL_LABEL) & (lb != HL_LABEL)
    if np.any(gb):
        c = _gb_factor(seeds, la[gb], lb[gb]) if correct_staircase else 1.0
        g_inv[gb] += r_gb_ohm_m2 * c / h
    return 1.0 / g_inv


def assemble(
    m: Microstructure,
    sigma_S_m: np.ndarray,
    gb_area_resistance_ohm_m2: float,
    bias_bottom_V: float,
    bias_top_V: float,
    correct_staircase: bool = True,
    interface_resistance_ohm_m2: float = 0.0,
) -> System:
    """Assemble the finite-volume system for the microstructure ``m``.

    Parameters
    ----------
    m
        Labelled grid.
    sigma_S_m
        (ny, nx) cell conductivities (S/m), see :func:`sigma_field`.
    gb_area_resistance_ohm_m2
        delta / sigma_gb of every grain boundary (ohm m2).
    bias_bottom_V, bias_top_V
        Potentials of the electrodes at y = 0 and y = top.
    correct_staircase
        Apply the |n_x| + |n_y| staircase correction (see module docstring).
    interface_resistance_ohm_m2
        Area resistance R_int of both electrode contacts (ohm m2; 0: ideal contacts).
    """
    ny, nx = m.shape
    h = m.cell_m
    lab, sig = m.labels, sigma_S_m
    seeds = m.seeds_m
    gx = _face_conductance(sig[:, :-1].ravel(), sig[:, 1:].ravel(), lab[:, :-1].ravel(), lab[:, 1:].ravel(),
                           seeds, gb_area_resistance_ohm_m2, h, correct_staircase).reshape(ny, nx - 1)
    gy = _face_conductance(sig[:-1].ravel(), sig[1:].ravel(), lab[:-1].ravel(), lab[1:].ravel(),
                           seeds, gb_area_resistance_ohm_m2, h, correct_staircase).reshape(ny - 1, nx)
    if not interface_resistance_ohm_m2 >= 0:
        raise ValueError(f"interface resistance must be >= 0, got {interface_resistance_ohm_m2!r} ohm m2")
    k = interface_resistance_ohm_m2 / h
    g_bottom = 2.0 * sig[0] / (1.0 + 2.0 * sig[0] * k)  # = 2 sigma exactly for an ideal contact
    g_top = 2.0 * sig[-1] / (1.0 + 2.0 * sig[-1] * k)

    idx = np.arange(ny * nx).reshape(ny, nx)
    ia = np.concatenate([idx[:, :-1].ravel(), idx[:-1].ravel()])
    ib = np.concatenate([idx[:, 1:].ravel(), idx[1:].ravel()])
    g = np.concatenate([gx.ravel(), gy.ravel()])
    diag = np.bincount(ia, weights=g, minlength=ny * nx) + np.bincount(ib, weights=g, minlength=ny * nx)
    diag[idx[0]] += g_bottom
    diag[idx[-1]] += g_top
    n = ny * nx
    rows = np.concatenate([ia, ib, np.arange(n)])
    cols = np.concatenate([ib, ia, np.arange(n)])
    vals = np.concatenate([-g, -g, diag])
    A = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    b = np.zeros(n)
    b[idx[0]] += g_bottom * bias_bottom_V
    b[idx[-1]] += g_top * bias_top_V
    return System(A=A, b=b, gx=gx, gy=gy, g_bottom=g_bottom, g_top=g_top,
                  bias_bottom_V=bias_bottom_V, bias_top_V=bias_top_V, cell_m=h)
