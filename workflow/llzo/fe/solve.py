"""Linear solvers for the FE system.

PyAMG-preconditioned CG, after an exact red-black reduction where the caller gives the colouring,
and SciPy's direct solver as the reference.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import numpy as np
import pyamg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

METHODS = ("amg", "direct")


def _single_threaded_blas():
    """Limit BLAS to one thread during CG.

    Its vector dots are memory bound, and BLAS threads competing with other jobs on a small
    machine cost more than they gain.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class Solution:
    """A solved potential.

    Attributes
    ----------
    phi_V
        Potential per unknown (V).
    method
        ``amg`` or ``direct``.
    iterations
        CG iterations (0 for the direct solver).
    relative_residual
        ||b - A phi|| / ||b||.
    setup_s, solve_s
        Wall time of the AMG hierarchy set-up (or factorisation) and of the solve.
    setup_cpu_s, solve_cpu_s
        CPU time (``time.process_time``) of the same two phases; on a shared machine these, not
        the wall times, measure the solver.
    """

    phi_V: np.ndarray
    method: str
    iterations: int
    relative_residual: float
    setup_s: float
    solve_s: float
    setup_cpu_s: float = float("nan")
    solve_cpu_s: float = float("nan")


def _rel_res(A: sp.csr_matrix, phi: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(b - A @ phi) / np.linalg.norm(b))


def solve_amg(A: sp.csr_matrix, b: np.ndarray, tol: float = 1e-10, maxiter: int = 500,
              kind: str = "rs", red: np.ndarray | None = None) -> Solution:
    """Solve with CG preconditioned by one AMG V-cycle, optionally after an exact red-black reduction.

    Parameters
    ----------
    A, b
        SPD system.
    tol
        Relative residual at which CG stops. Every row of ``A phi = b`` is the current balance of
        one cell, so the sum of the residual entries is exactly (current in) - (current out):
        1e-10 gives in = out to ~1e-9 relative at 1e6 unknowns (measured), inside the 1e-8 the
        conservation test asks; 1e-8 does not (~1e-6).
    maxiter
        CG iteration limit; not converging raises ``RuntimeError``.
    kind
        ``rs`` (classical Ruge-Stuben, robust to the large conductance jumps across grain
        boundaries; the default) or ``sa`` (smoothed aggregation: kept for comparison only; with
        its default symmetric strength it needs ~10x more CG iterations on these jumps, with
        ``evolution`` strength 14 iterations but a ~4x slower set-up than RS).
    red
        Red mask of a red-black (checkerboard) colouring of the unknowns, or None. Given, the red
        unknowns are eliminated exactly first (:func:`red_black_reduce`) and AMG-CG solves the
        half-size Schur complement: measured at 1e6 unknowns (min of 3, CPU), the same 9 CG
        iterations, ~30 % less set-up and ~45 % less solve time than AMG-CG on the full matrix
        (1.04 s instead of 1.72 s in all; RS spends its finest level on approximately the same
        reduction, plus smoothing there). Without it, the full matrix.

    Notes
    -----
    Ruge-Stuben settings, each measured at 1e6 unknowns (Voronoi polycrystal, 5000x conductance
    contrast between grain faces and grain-boundary faces; CPU times, CG to 1e-10, see
    ``workflow/scripts/bench/bench_fe.py`` and the module notes of :mod:`llzo.fe.model`):

    * strength ``classical`` with theta = 0.1 instead of 0.25: 11 instead of 14 CG iterations (one pass)
      (theta = 0.5: 71). Grain-boundary faces are ~5000x weaker than grain faces, so any theta
      in (1e-3, 0.5) separates them; the lower one keeps more intra-grain couplings.
    * the second pass of the RS splitting (``second_pass=True``, which turns F-points with strong
      F-F couplings but no common C-point into C-points): 9 instead of 11 CG iterations for the
      same set-up time, ~20 % less CPU in all (min of 3: 1.56 s instead of 1.92 s).
    * ``direct`` interpolation: the same iterations, ~25 % less set-up time than ``classical``
      (the matrix is an M-matrix, where direct interpolation is adequate).
    * ``max_coarse`` 5000 with sparse LU on the coarsest level: two levels fewer, no loss.
    * one forward Gauss-Seidel sweep before and one backward sweep after (a symmetric V-cycle as
      CG needs): symmetric sweeps on both sides cost ~40 % more per iteration for the same
      iterations. Weighted Jacobi: more iterations and a slower set-up.
    * PMIS coarsening (with direct or classical interpolation) does not converge in 300 CG
      iterations; Jacobi (diagonal) scaling of the matrix does not remove the contrast (it sits in
      the off-diagonals) and raises RS-CG from 11 to ~150 iterations.
    """
    c0, t0 = time.process_time(), time.perf_counter()
    A = sp.csr_matrix(A)
    rb = red_black_reduce(A, b, red) if red is not None else None
    if rb is not None:
        # the full residual equals the reduced one on black rows and vanishes on red rows, so the
        # reduced tolerance is scaled to give ||b - A phi|| <= tol ||b||
        S, b_s = rb.S, rb.b
        tol_s = tol * float(np.linalg.norm(b) / max(np.linalg.norm(b_s), 1e-300))
    else:
        S, b_s, tol_s = A, b, tol
    ml = _hierarchy(S, kind)
    c1, t1 = time.process_time(), time.perf_counter()
    res: list[float] = []
    with _single_threaded_blas():
        x = ml.solve(b_s, tol=tol_s, maxiter=maxiter, accel="cg", residuals=res)
    phi = rb.expand(x) if rb is not None else x
    c2, t2 = time.process_time(), time.perf_counter()
    rel = _rel_res(A, phi, b)
    if rel > 100 * tol:
        raise RuntimeError(f"AMG-CG did not converge: relative residual {rel:.2e} after {len(res) - 1} iterations")
    name = f"amg-{kind}" + ("-redblack" if red is not None else "")
    return Solution(phi, name, len(res) - 1, rel, t1 - t0, t2 - t1, c1 - c0, c2 - c1)


def _hierarchy(A: sp.csr_matrix, kind: str) -> pyamg.multilevel.MultilevelSolver:
    if kind == "rs":
        smooth = {"presmoother": ("gauss_seidel", {"sweep": "forward"}),
                  "postsmoother": ("gauss_seidel", {"sweep": "backward"})}
        return pyamg.ruge_stuben_solver(A, strength=("classical", {"theta": 0.1}), CF=("RS", {"second_pass": True}),
                                        interpolation="direct", max_coarse=5000, coarse_solver="splu", **smooth)
    if kind == "sa":
        return pyamg.smoothed_aggregation_solver(A, symmetry="symmetric", max_coarse=500, coarse_solver="splu")
    raise ValueError(f"unknown AMG kind {kind!r}")


@dataclass(frozen=True)
class RedBlackSystem:
    """A red-black system with its red unknowns eliminated (see :func:`red_black_reduce`).

    Attributes
    ----------
    red_idx, black_idx
        Indices of the red and black unknowns in the full system.
    d_red
        Diagonal of A_rr.
    A_rb
        Red-black block (red rows, black columns).
    b_red
        Right-hand side on the red rows.
    S, b
        The Schur complement (black unknowns) and its right-hand side.
    """

    red_idx: np.ndarray
    black_idx: np.ndarray
    d_red: np.ndarray
    A_rb: sp.csr_matrix
    b_red: np.ndarray
    S: sp.csr_matrix
    b: np.ndarray

    def expand(self, x_black: np.ndarray) -> np.ndarray:
        """Full solution from the black one: x_r = A_rr^-1 (b_r - A_rb x_b)."""
        phi = np.empty(self.red_idx.size + self.black_idx.size)
        phi[self.black_idx] = x_black
        phi[self.red_idx] = (self.b_red - self.A_rb @ x_black) / self.d_red
        return phi


def red_black_reduce(A: sp.csr_matrix, b: np.ndarray, red: np.ndarray) -> RedBlackSystem:
    """Eliminate the red unknowns of a red-black (bipartite) system exactly.

    With a 5-point stencil on a grid coloured like a checkerboard, every red unknown couples only
    to black ones, so A_rr is diagonal and the black unknowns solve the Schur complement

        S x_b = b_b - A_br A_rr^-1 b_r,    S = A_bb - A_br A_rr^-1 A_rb   (SPD, 9-point, N / 2),

    after which x_r = A_rr^-1 (b_r - A_rb x_b). This is the first coarsening Ruge-Stuben makes on
    such a matrix anyway (red F-points, direct interpolation from their black neighbours gives
    exactly S as the Galerkin operator), done once exactly, without smoothing on the fine grid.

    Parameters
    ----------
    A, b
        SPD system whose red-red block is diagonal.
    red
        (N,) bool mask of the red unknowns (e.g. :attr:`llzo.fe.assembly.System.red`).

    Returns
    -------
    RedBlackSystem
        S and its right-hand side, and what :meth:`RedBlackSystem.expand` needs for the reds.

    Raises
    ------
    ValueError
        If ``red`` does not match ``A``'s size or A_rr is not diagonal (not a red-black system).
    """
    red = np.asarray(red, dtype=bool).ravel()
    if red.size != A.shape[0]:
        raise ValueError(f"red mask has {red.size} entries for a matrix of size {A.shape[0]}")
    r = np.flatnonzero(red)
    k = np.flatnonzero(~red)
    A_r = A[r]
    A_rr = A_r[:, r]
    if A_rr.count_nonzero() != np.count_nonzero(A_rr.diagonal()) or np.any(A_rr.diagonal() <= 0):
        raise ValueError("not a red-black system: red unknowns couple to each other")
    d = A_rr.diagonal()
    A_rb = A_r[:, k].tocsr()
    A_k = A[k]
    A_br = A_k[:, r]
    S = (A_k[:, k] - A_br @ sp.diags(1.0 / d) @ A_rb).tocsr()
    S.sum_duplicates()
    S.sort_indices()
    b_s = b[k] - A_br @ (b[r] / d)
    return RedBlackSystem(r, k, d, A_rb, b[r], S, b_s)


def solve_direct(A: sp.csr_matrix, b: np.ndarray) -> Solution:
    """Solve with SciPy's sparse direct solver (SuperLU, COLAMD ordering): the reference."""
    c0, t0 = time.process_time(), time.perf_counter()
    phi = spla.spsolve(sp.csc_matrix(A), b)
    c1, t1 = time.process_time(), time.perf_counter()
    return Solution(phi, "direct", 0, _rel_res(A, phi, b), 0.0, t1 - t0, 0.0, c1 - c0)


def solve(A: sp.csr_matrix, b: np.ndarray, method: str = "amg", tol: float = 1e-10,
          red: np.ndarray | None = None) -> Solution:
    """Solve with ``method`` in :data:`METHODS` (``red``: see :func:`solve_amg`; unused by ``direct``)."""
    if method == "amg":
        return solve_amg(A, b, tol=tol, red=red)
    if method == "direct":
        return solve_direct(A, b)
    raise ValueError(f"unknown method {method!r}; choose from {METHODS}")
