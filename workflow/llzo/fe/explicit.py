"""Reference: a bicrystal whose grain boundary is meshed explicitly (scikit-fem, graded P1 mesh).

Used to verify the thin-interface treatment of :mod:`llzo.fe.assembly`. The boundary is a step:
horizontal at ``y1`` for x < ``xs``, vertical at x = ``xs`` from ``y1`` to ``y2``, horizontal at
``y2`` for x > ``xs``; grain A lies below it, grain B above. The boundary is a layer of thickness
``delta`` and conductivity ``sigma_gb`` resolved by a tensor-product mesh graded geometrically
towards it (right triangles only, so the thin elements satisfy the maximum-angle condition).
Electrodes: y = 0 at ``bias_V``, y = T at 0 V, either ideal (Dirichlet) or through an interface
of area resistance R_int (Robin: sigma dphi/dn = (phi_e - phi) / R_int, assembled as a boundary
mass term); insulating sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skfem import (
    Basis,
    BilinearForm,
    ElementTriP0,
    ElementTriP1,
    FacetBasis,
    LinearForm,
    MeshTri,
    asm,
    condense,
    solve,
)
from skfem.helpers import dot, grad

from llzo.fe.geometry import Microstructure


@dataclass(frozen=True)
class StepBicrystal:
    """Geometry (m) and conductivities (S/m) of the step bicrystal."""

    width_m: float
    thickness_m: float
    xs_m: float
    y1_m: float
    y2_m: float
    delta_m: float
    sigma_a_S_m: float
    sigma_b_S_m: float
    sigma_gb_S_m: float
    bias_V: float = 0.1

    def in_grain_a(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return True below the (zero-thickness) boundary line."""
        return np.where(x < self.xs_m, y < self.y1_m, y < self.y2_m)

    def in_layer(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return True inside the boundary layer of thickness delta."""
        d = self.delta_m / 2
        hor1 = (np.abs(y - self.y1_m) < d) & (x < self.xs_m + d)
        hor2 = (np.abs(y - self.y2_m) < d) & (x > self.xs_m - d)
        ver = (np.abs(x - self.xs_m) < d) & (y > self.y1_m - d) & (y < self.y2_m + d)
        return hor1 | hor2 | ver


def _graded(a: float, b: float, h0: float, hmax: float, ratio: float) -> np.ndarray:
    """Nodes from a to b, element sizes growing from h0 at both ends to at most hmax."""
    sizes = [h0]
    while sizes[-1] * ratio < hmax and 2 * sum(sizes) < (b - a):
        sizes.append(sizes[-1] * ratio)
    half = np.cumsum(sizes)
    if 2 * half[-1] >= b - a:  # short gap: grade from both ends up to the midpoint
        m = 0.5 * (a + b)
        left = a + np.concatenate([[0.0], half])
        left = left[left < m - 0.25 * sizes[0]]
        return np.concatenate([left, [m], (a + b - left)[::-1]])
    mid = (b - a) - 2 * half[-1]
    n_mid = max(1, int(np.ceil(mid / hmax)))
    left = a + np.concatenate([[0.0], half])
    right = b - half[::-1]
    centre = np.linspace(left[-1], right[0], n_mid + 1)[1:-1]
    return np.concatenate([left, centre, right, [b]])


def _axis_nodes(a: float, b: float, layers: list[float], delta: float, hmax: float, ratio: float = 1.25,
                n_layer: int = 4) -> np.ndarray:
    """Graded nodes on [a, b] that resolve layers of thickness delta centred on ``layers``."""
    h0 = delta / n_layer
    pts = [a]
    for c in sorted(layers):
        lo, hi = c - delta / 2, c + delta / 2
        pts_gap = _graded(pts[-1], lo, h0, hmax, ratio)
        pts.extend(pts_gap[1:])
        pts.extend(np.linspace(lo, hi, n_layer + 1)[1:])
    pts.extend(_graded(pts[-1], b, h0, hmax, ratio)[1:])
    return np.asarray(pts)


def solve_explicit(g: StepBicrystal, hmax_m: float, r_int_ohm_m2: float = 0.0) -> tuple[float, int]:
    """Total current per unit depth (A/m) through the explicitly meshed bicrystal, and the node count.

    Coordinates are scaled to um internally: the 2D stiffness matrix is scale invariant, a
    boundary integral ds is not (ds_m = ds_um / s, so the Robin coefficient is 1 / (R_int s)).
    ``r_int_ohm_m2`` > 0 puts that interface resistance on both electrodes (else Dirichlet).
    """
    s = 1e6
    x = _axis_nodes(0.0, g.width_m * s, [g.xs_m * s], g.delta_m * s, hmax_m * s)
    y = _axis_nodes(0.0, g.thickness_m * s, [g.y1_m * s, g.y2_m * s], g.delta_m * s, hmax_m * s)
    mesh = MeshTri.init_tensor(x, y)
    basis = Basis(mesh, ElementTriP1())
    cx, cy = mesh.p[:, mesh.t].mean(axis=1) / s
    sig = np.where(g.in_layer(cx, cy), g.sigma_gb_S_m, np.where(g.in_grain_a(cx, cy), g.sigma_a_S_m, g.sigma_b_S_m))
    sigma = basis.with_element(ElementTriP0()).interpolate(sig)

    @BilinearForm
    def conduction(u, v, w):
        return w.sigma * dot(grad(u), grad(v))

    K = asm(conduction, basis, sigma=sigma)
    if r_int_ohm_m2 > 0:
        @BilinearForm
        def mass(u, v, w):
            return u * v

        @LinearForm
        def one(v, w):
            return v

        k = 1.0 / (r_int_ohm_m2 * s)
        faces = {name: FacetBasis(mesh, ElementTriP1(), facets=mesh.facets_satisfying(
            lambda p, yv=yv: np.isclose(p[1], yv))) for name, yv in (("bottom", 0.0), ("top", g.thickness_m * s))}
        M = {name: asm(mass, fb) for name, fb in faces.items()}
        m1 = {name: asm(one, fb) for name, fb in faces.items()}
        A = K + k * (M["bottom"] + M["top"])
        phi = solve(A, k * g.bias_V * m1["bottom"])
        i_in = k * (g.bias_V * m1["bottom"].sum() - m1["bottom"] @ phi)
        i_out = k * (m1["top"] @ phi)
        return 0.5 * float(i_in + i_out), basis.N
    bottom = basis.get_dofs(lambda p: np.isclose(p[1], 0.0)).all()
    top = basis.get_dofs(lambda p: np.isclose(p[1], g.thickness_m * s)).all()
    phi = np.zeros(basis.N)
    phi[bottom] = g.bias_V
    D = np.concatenate([bottom, top])
    phi = solve(*condense(K, x=phi, D=D))
    r = K @ phi
    i_in, i_out = float(r[bottom].sum()), float(-r[top].sum())
    return 0.5 * (i_in + i_out), basis.N


def step_microstructure(g: StepBicrystal, cell_m: float) -> Microstructure:
    """Label the step bicrystal on a finite-volume grid (boundary lines must lie on cell faces)."""
    for name in ("width_m", "thickness_m", "xs_m", "y1_m", "y2_m"):
        n = getattr(g, name) / cell_m
        if abs(n - round(n)) > 1e-6:
            raise ValueError(f"{name} is not a multiple of cell_m")
    nx, ny = round(g.width_m / cell_m), round(g.thickness_m / cell_m)
    xc = (np.arange(nx) + 0.5) * cell_m
    yc = (np.arange(ny) + 0.5) * cell_m
    X, Y = np.meshgrid(xc, yc)
    labels = np.where(g.in_grain_a(X, Y), 0, 1).astype(np.int32)
    seeds = np.array([[g.width_m / 2, 0.0], [g.width_m / 2, g.thickness_m]])
    return Microstructure(labels=labels, seeds_m=seeds, cell_m=cell_m, hl_thickness_m=0.0)
