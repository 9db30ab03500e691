"""Linear solvers for the FE system: PyAMG-preconditioned CG, and SciPy's direct solver as reference."""

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
              kind: str = "rs") -> Solution:
    """Solve with CG preconditioned by one AMG V-cycle.

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

    Notes
    -----
    Ruge-Stuben settings, each measured at 1e6 unknowns (Voronoi polycrystal, 5000x conductance
    contrast between grain faces and grain-boundary faces; CPU times, CG to 1e-10, see
    ``workflow/scripts/bench_fe.py`` and the module notes of :mod:`llzo.fe.model`):

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
    if kind == "rs":
        smooth = {"presmoother": ("gauss_seidel", {"sweep": "forward"}),
                  "postsmoother": ("gauss_seidel", {"sweep": "backward"})}
        ml = pyamg.ruge_stuben_solver(A, strength=("classical", {"theta": 0.1}), CF=("RS", {"second_pass": True}),
                                      interpolation="direct", max_coarse=5000, coarse_solver="splu", **smooth)
    elif kind == "sa":
        ml = pyamg.smoothed_aggregation_solver(A, symmetry="symmetric", max_coarse=500, coarse_solver="splu")
    else:
        raise ValueError(f"unknown AMG kind {kind!r}")
    c1, t1 = time.process_time(), time.perf_counter()
    res: list[float] = []
    with _single_threaded_blas():
        phi = ml.solve(b, tol=tol, maxiter=maxiter, accel="cg", residuals=res)
    c2, t2 = time.process_time(), time.perf_counter()
    rel = _rel_res(A, phi, b)
    if rel > 100 * tol:
        raise RuntimeError(f"AMG-CG did not converge: relative residual {rel:.2e} after {len(res) - 1} iterations")
    return Solution(phi, f"amg-{kind}", len(res) - 1, rel, t1 - t0, t2 - t1, c1 - c0, c2 - c1)


def solve_direct(A: sp.csr_matrix, b: np.ndarray) -> Solution:
    """Solve with SciPy's sparse direct solver (SuperLU, COLAMD ordering): the reference."""
    c0, t0 = time.process_time(), time.perf_counter()
    phi = spla.spsolve(sp.csc_matrix(A), b)
    c1, t1 = time.process_time(), time.perf_counter()
    return Solution(phi, "direct", 0, _rel_res(A, phi, b), 0.0, t1 - t0, 0.0, c1 - c0)


def solve(A: sp.csr_matrix, b: np.ndarray, method: str = "amg", tol: float = 1e-10) -> Solution:
    """Solve with ``method`` in :data:`METHODS`."""
    if method == "amg":
        return solve_amg(A, b, tol=tol)
    if method == "direct":
        return solve_direct(A, b)
    raise ValueError(f"unknown method {method!r}; choose from {METHODS}")
