"""Currents from a solved potential: fields, interface current densities, hot spots, HL spreading.

Sign convention: current flows from the ``bias_high_V`` electrode (y = 0) to the ``bias_low_V``
electrode (y = top), where Li+ is reduced (Li plating). "Normal current density" at a face is
the y-component j_y (A/m2) through it. The interface the claims use is the plating one (y = top).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llzo.fe.assembly import System


@dataclass(frozen=True)
class Currents:
    """Face currents of a solution (per unit depth) and derived current densities.

    Attributes
    ----------
    ix_A_m
        (ny, nx - 1) current through x-faces, positive along +x (A per m of depth).
    iy_A_m
        (ny + 1, nx) current through every y-face (row 0: electrode at y = 0, row ny: electrode
        at y = top), positive along +y.
    cell_m
        Cell size (m).
    """

    ix_A_m: np.ndarray
    iy_A_m: np.ndarray
    cell_m: float

    @property
    def jy_faces_A_m2(self) -> np.ndarray:
        """(ny + 1, nx) normal current density at each y-face row (A/m2)."""
        return self.iy_A_m / self.cell_m

    @property
    def total_in_A_m(self) -> float:
        """Current entering at y = 0 (A per m of depth)."""
        return float(self.iy_A_m[0].sum())

    @property
    def total_out_A_m(self) -> float:
        """Current leaving at y = top (A per m of depth)."""
        return float(self.iy_A_m[-1].sum())

    def cell_fields(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centred (jx, jy) in A/m2: mean of the two opposite faces of each cell."""
        ny, nx = self.iy_A_m.shape[0] - 1, self.iy_A_m.shape[1]
        ix = np.zeros((ny, nx + 1))
        ix[:, 1:-1] = self.ix_A_m
        jx = 0.5 * (ix[:, :-1] + ix[:, 1:]) / self.cell_m
        jy = 0.5 * (self.iy_A_m[:-1] + self.iy_A_m[1:]) / self.cell_m
        return jx, jy


def currents(sys_: System, phi_V: np.ndarray) -> Currents:
    """Face currents from the potential ``phi_V`` of :func:`llzo.fe.assembly.assemble`'s system."""
    ny, nx = sys_.gx.shape[0], sys_.gy.shape[1]
    phi = phi_V.reshape(ny, nx)
    ix = sys_.gx * (phi[:, :-1] - phi[:, 1:])
    iy = np.empty((ny + 1, nx))
    iy[0] = sys_.g_bottom * (sys_.bias_bottom_V - phi[0])
    iy[1:-1] = sys_.gy * (phi[:-1] - phi[1:])
    iy[-1] = sys_.g_top * (phi[-1] - sys_.bias_top_V)
    return Currents(ix_A_m=ix, iy_A_m=iy, cell_m=sys_.cell_m)


def window_average(j_A_m2: np.ndarray, window_cells: int) -> np.ndarray:
    """Average over ``window_cells`` neighbouring faces along the last axis (running mean, "valid" part).

    The pointwise normal current density is singular where a boundary meets the Li at an obtuse
    grain corner (a mixed Dirichlet / insulating-type corner, j ~ r^(pi / (2 alpha) - 1) for a
    corner angle alpha > pi / 2), so its maximum grows without bound under mesh refinement.
    Averaging over a fixed physical width makes the hot-spot ratio a mesh-convergent quantity.
    """
    j = np.asarray(j_A_m2, dtype=float)
    w = int(window_cells)
    if w <= 1:
        return j
    c = np.cumsum(j, axis=-1)
    pad = np.zeros((*j.shape[:-1], 1))
    c = np.concatenate([pad, c], axis=-1)
    return (c[..., w:] - c[..., :-w]) / w


def max_over_mean(j_A_m2: np.ndarray) -> float:
    """Max of the normal current density along an interface over its mean (claim ``fe_hotspot_max_over_mean``).

    Parameters
    ----------
    j_A_m2
        Normal current density along the interface, one value per (equal-width) face.

    Returns
    -------
    float
        max(j) / mean(j); 1 for a uniform interface. Pass :func:`window_average` of the face
        values to compare at a fixed physical resolution. The paper states no value for it (its
        sentence compares grains with grains, see :func:`grain_peaks`).
    """
    j = np.asarray(j_A_m2, dtype=float)
    return float(j.max() / j.mean())


@dataclass(frozen=True)
class GrainPeaks:
    """Peak normal current density of every grain that touches an interface.

    Attributes
    ----------
    grain
        Grain labels (only grains that qualify, see :func:`grain_peaks`), ascending.
    contact_m
        Length of each grain's contact with the interface (m).
    peak_A_m2
        The grain's peak of the window-averaged normal current density (A/m2).
    peak_x_m
        Centre of the window where the peak sits (m from x = 0).
    """

    grain: np.ndarray
    contact_m: np.ndarray
    peak_A_m2: np.ndarray
    peak_x_m: np.ndarray

    @property
    def ratio(self) -> float:
        """Largest peak over the median peak (claim ``fe_hotspot_ratio``); NaN with fewer than 2 grains."""
        if self.peak_A_m2.size < 2:
            return float("nan")
        return float(self.peak_A_m2.max() / np.median(self.peak_A_m2))


def grain_peaks(j_A_m2: np.ndarray, labels: np.ndarray, cell_m: float, window_cells: int,
                min_contact_m: float) -> GrainPeaks:
    """Per grain touching an interface: its peak normal current density over running windows.

    The paper (Fig. 4f): "at the junction between Li and LLZO, the maximum current density within
    certain grains is over ten times larger than the others". Each grain's maximum is taken over
    the running means of ``window_cells`` faces that lie entirely on that grain's contact (a
    window straddling two grains belongs to neither), so it is a mesh-convergent quantity (see
    :func:`window_average`).

    Parameters
    ----------
    j_A_m2
        (nx,) normal current density on the interface faces (A/m2).
    labels
        (nx,) grain label of the cell behind each face.
    cell_m
        Face width (m).
    window_cells
        Running-mean width in faces (>= 1).
    min_contact_m
        A grain counts when it touches the interface over at least this length and holds at
        least one full window (so, in effect, over at least max(min_contact_m, window)).

    Returns
    -------
    GrainPeaks
        The qualifying grains, ascending by label.
    """
    j = np.asarray(j_A_m2, dtype=float)
    lab = np.asarray(labels)
    if j.shape != lab.shape or j.ndim != 1:
        raise ValueError(f"j and labels must be 1D of the same length, got {j.shape} and {lab.shape}")
    w = max(1, int(window_cells))
    if lab.size < w:
        empty = np.array([])
        return GrainPeaks(empty.astype(lab.dtype), empty, empty, empty)
    jw = window_average(j, w)
    win = np.lib.stride_tricks.sliding_window_view(lab, w)
    owner = win[:, 0]
    whole = np.all(win == owner[:, None], axis=1)
    grains, counts = np.unique(lab, return_counts=True)
    contact = counts * cell_m
    keep_g, keep_c, peak, where = [], [], [], []
    for g, c in zip(grains, contact, strict=True):
        sel = np.flatnonzero(whole & (owner == g))
        if c < min_contact_m * (1 - 1e-9) or sel.size == 0:
            continue
        k = sel[np.argmax(jw[sel])]
        keep_g.append(g)
        keep_c.append(c)
        peak.append(jw[k])
        where.append((k + w / 2) * cell_m)
    return GrainPeaks(np.asarray(keep_g, dtype=lab.dtype), np.asarray(keep_c, dtype=float),
                      np.asarray(peak, dtype=float), np.asarray(where, dtype=float))


def excess_profile_pct(jy_rows_A_m2: np.ndarray) -> np.ndarray:
    """Per face row: 100 (max / mean - 1) of the normal current density (%)."""
    j = np.asarray(jy_rows_A_m2, dtype=float)
    return 100.0 * (j.max(axis=1) / j.mean(axis=1) - 1.0)


def homogenized_distance(distance_m: np.ndarray, excess_pct: np.ndarray, tolerance_pct: float) -> float:
    """Distance at which the max current density first falls within ``tolerance_pct`` of the mean.

    Parameters
    ----------
    distance_m
        Increasing distances from the HL/LLZO interface of the face rows (0 = the interface).
    excess_pct
        :func:`excess_profile_pct` of those rows.
    tolerance_pct
        The ``homogenized_tolerance_pct`` of the config.

    Returns
    -------
    float
        The distance (m), linearly interpolated between the last row above and the first row
        within tolerance; 0 if already within at the interface; NaN if never within the HL.
    """
    d = np.asarray(distance_m, dtype=float)
    e = np.asarray(excess_pct, dtype=float)
    within = np.nonzero(e <= tolerance_pct)[0]
    if within.size == 0:
        return float("nan")
    k = int(within[0])
    if k == 0:
        return 0.0
    e0, e1 = e[k - 1], e[k]
    t = (e0 - tolerance_pct) / (e0 - e1)
    return float(d[k - 1] + t * (d[k] - d[k - 1]))
