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
    """

    phi_V: np.ndarray
    method: str
    iterations: int
    relative_residual: float
    setup_s: float
    solve_s: float


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
        Relative residual at which CG stops.
    maxiter
        CG iteration limit; not converging raises ``RuntimeError``.
    kind
        ``rs`` (classical Ruge-Stuben, robust to the large conductance jumps across grain
        boundaries) or ``sa`` (smoothed aggregation).
    """
    t0 = time.perf_counter()
    A = sp.csr_matrix(A)
    if kind not in ("rs", "sa"):
        raise ValueError(f"unknown AMG kind {kind!r}")
    # one forward Gauss-Seidel sweep before and one backward after: a symmetric V-cycle (as CG
    # needs) at half the cost of the default symmetric sweeps; sparse LU on the coarsest level
    # (the default pseudo-inverse spends seconds in a dense SVD)
    smooth = {"presmoother": ("gauss_seidel", {"sweep": "forward"}),
              "postsmoother": ("gauss_seidel", {"sweep": "backward"})}
    if kind == "rs":
        ml = pyamg.ruge_stuben_solver(A, max_coarse=500, coarse_solver="splu", **smooth)
    elif kind == "sa":
        ml = pyamg.smoothed_aggregation_solver(A, symmetry="symmetric", max_coarse=500, coarse_solver="splu")
    else:
        raise ValueError(f"unknown AMG kind {kind!r}")
    t1 = time.perf_counter()
    res: list[float] = []
    with _single_threaded_blas():
        phi = ml.solve(b, tol=tol, maxiter=maxiter, accel="cg", residuals=res)
    t2 = time.perf_counter()
    rel = _rel_res(A, phi, b)
    if rel > 100 * tol:
        raise RuntimeError(f"AMG-CG did not converge: relative residual {rel:.2e} after {len(res) - 1} iterations")
    return Solution(phi, f"amg-{kind}", len(res) - 1, rel, t1 - t0, t2 - t1)


def solve_direct(A: sp.csr_matrix, b: np.ndarray) -> Solution:
    """Solve with SciPy's sparse direct solver (SuperLU, COLAMD ordering): the reference."""
    t0 = time.perf_counter()
    phi = spla.spsolve(sp.csc_matrix(A), b)
    t1 = time.perf_counter()
    return Solution(phi, "direct", 0, _rel_res(A, phi, b), 0.0, t1 - t0)


def solve(A: sp.csr_matrix, b: np.ndarray, method: str = "amg", tol: float = 1e-10) -> Solution:
    """Solve with ``method`` in :data:`METHODS`."""
    if method == "amg":
        return solve_amg(A, b, tol=tol)
    if method == "direct":
        return solve_direct(A, b)
    raise ValueError(f"unknown method {method!r}; choose from {METHODS}")
