"""Seeded Voronoi polycrystals on a structured grid, with optional homogenizing-layer slabs.

The cross-section is x in [0, width] (along the Li electrodes) and y in [0, thickness] (between
them); y = 0 is the electrode at ``bias_high_V``. Grains are the Voronoi cells of seeds drawn
uniformly (one per ``grain_size**2``), optionally Lloyd-relaxed, labelled on cell centres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from llzo.fe.params import FEParams

HL_LABEL = -1  # label of homogenizing-layer cells (no grains, no boundaries)


@dataclass(frozen=True)
class Microstructure:
    """A labelled grid.

    Attributes
    ----------
    labels
        (ny, nx) int32 grain id per cell (row 0 at y = 0); ``HL_LABEL`` in HL cells.
    seeds_m
        (n_grains, 2) Voronoi seeds (x, y) in m, in the coordinates of the full domain.
    cell_m
        Cell size (m).
    hl_thickness_m
        Thickness of each HL slab (0 without HL).
    """

    labels: np.ndarray
    seeds_m: np.ndarray
    cell_m: float
    hl_thickness_m: float

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx)."""
        return self.labels.shape

    @property
    def x_m(self) -> np.ndarray:
        """Cell-centre x (m)."""
        return (np.arange(self.shape[1]) + 0.5) * self.cell_m

    @property
    def y_m(self) -> np.ndarray:
        """Cell-centre y (m)."""
        return (np.arange(self.shape[0]) + 0.5) * self.cell_m

    @property
    def n_hl_rows(self) -> int:
        """Number of cell rows of each HL slab."""
        return round(self.hl_thickness_m / self.cell_m)


def voronoi_seeds(p: FEParams, seed: int) -> np.ndarray:
    """Voronoi seeds (x, y) in m inside the LLZO region, seeded and Lloyd-relaxed.

    The Lloyd step moves each seed to the centroid of its cells on a fixed 0.5 um-or-finer
    grid, so the seeds (and thus the geometry) do not depend on the solver's ``cell_m``.
    """
    rng = np.random.default_rng(seed)
    n = max(2, round(p.width_m * p.llzo_thickness_m / p.grain_size_m**2))
    seeds = rng.uniform((0.0, 0.0), (p.width_m, p.llzo_thickness_m), size=(n, 2))
    if p.lloyd_iterations:
        h = p.grain_size_m / 40
        xs = np.arange(0.5, round(p.width_m / h)) * h
        ys = np.arange(0.5, round(p.llzo_thickness_m / h)) * h
        X, Y = np.meshgrid(xs, ys)
        pts = np.column_stack([X.ravel(), Y.ravel()])
        for _ in range(p.lloyd_iterations):
            lab = cKDTree(seeds).query(pts)[1]
            cnt = np.bincount(lab, minlength=n)
            keep = cnt > 0
            cx = np.bincount(lab, weights=pts[:, 0], minlength=n)
            cy = np.bincount(lab, weights=pts[:, 1], minlength=n)
            seeds[keep, 0] = cx[keep] / cnt[keep]
            seeds[keep, 1] = cy[keep] / cnt[keep]
    return seeds


def label_grid(seeds_m: np.ndarray, nx: int, ny: int, cell_m: float, y0_m: float = 0.0) -> np.ndarray:
    """Nearest-seed label of each cell centre of an (ny, nx) grid starting at y = ``y0_m``."""
    xs = (np.arange(nx) + 0.5) * cell_m
    ys = y0_m + (np.arange(ny) + 0.5) * cell_m
    X, Y = np.meshgrid(xs, ys)
    lab = cKDTree(seeds_m).query(np.column_stack([X.ravel(), Y.ravel()]))[1]
    return lab.reshape(ny, nx).astype(np.int32)


def boundary_mask(labels: np.ndarray) -> np.ndarray:
    """Mask of the cells that have a 4-neighbour with another label (a grain boundary or the HL edge).

    Parameters
    ----------
    labels
        (ny, nx) labels, e.g. :attr:`Microstructure.labels`.

    Returns
    -------
    numpy.ndarray
        (ny, nx) bool; both cells on each side of a label change are marked.
    """
    lab = np.asarray(labels)
    b = np.zeros(lab.shape, bool)
    dx = lab[:, 1:] != lab[:, :-1]
    dy = lab[1:] != lab[:-1]
    b[:, 1:] |= dx
    b[:, :-1] |= dx
    b[1:] |= dy
    b[:-1] |= dy
    return b


def make_microstructure(p: FEParams, seed: int, with_hl: bool) -> Microstructure:
    """Build the polycrystal of ``seed``; with ``with_hl`` an HL slab of ``p.hl_thickness_m`` on each side.

    The LLZO grains are the same with and without HL (the HL is added outside the LLZO).
    """
    h = p.cell_m
    nx = round(p.width_m / h)
    ny = round(p.llzo_thickness_m / h)
    seeds = voronoi_seeds(p, seed)
    nhl = round(p.hl_thickness_m / h) if with_hl else 0
    t_hl = nhl * h
    labels = np.full((ny + 2 * nhl, nx), HL_LABEL, dtype=np.int32)
    labels[nhl:nhl + ny] = label_grid(seeds, nx, ny, h)
    shifted = seeds + np.array([0.0, t_hl])
    return Microstructure(labels=labels, seeds_m=shifted, cell_m=h, hl_thickness_m=t_hl)


def layered_microstructure(layer_cells: list[int], nx: int, cell_m: float) -> Microstructure:
    """Build a stack of flat grains (one label per layer, ``layer_cells`` rows each) for verification.

    Boundaries between layers are horizontal: the seeds are placed on the layer mid-lines so the
    Voronoi bisector normal is (0, 1).
    """
    rows = np.repeat(np.arange(len(layer_cells), dtype=np.int32), layer_cells)
    labels = np.repeat(rows[:, None], nx, axis=1)
    edges = np.concatenate([[0], np.cumsum(layer_cells)]) * cell_m
    seeds = np.column_stack([np.full(len(layer_cells), nx * cell_m / 2), (edges[:-1] + edges[1:]) / 2])
    return Microstructure(labels=labels, seeds_m=seeds, cell_m=cell_m, hl_thickness_m=0.0)
