"""AFM map analysis: levelling, grain-boundary detection, distance profiles, GB/GI statistics, bumps.

All functions take plain arrays (row = slow axis y, column = fast axis x) with pixel sizes in m,
and return arrays or tidy DataFrames with units in the column names.

Grain-boundary detection (choice and justification)
---------------------------------------------------
Boundaries of a polished, annealed ceramic show in ``Height`` as thermal grooves: narrow valleys.
We compute the valley strength as the largest eigenvalue of the scale-normalised Hessian of the
levelled height (Frangi et al. 1998; positive across a valley), threshold it with Otsu's method
to find groove pixels, take the connected regions between grooves that are larger than a minimum
grain area as *markers*, and run a marker-controlled watershed on the valley strength with
watershed lines (Beucher & Meyer 1993). This gives a closed network of one-pixel-wide boundaries
that follow the groove bottom. Thresholding plus skeletonisation (the other usual route) leaves
spurs at noise and breaks where a groove is shallow; the watershed lines have neither, and its
only parameters are physical (groove scale, smallest grain).

Claims (``docs/claims.md``), from :func:`maps_analysis`: ``modulus_gi_GPa``, ``modulus_gb_GPa``
(medians of the DMT modulus beyond ``gi_min_distance_nm`` and within ``gb_band_nm`` of the nearest
boundary, pooled over the modulus maps), ``modulus_drop_max_pct`` (from the pooled mean
modulus-vs-distance profile) and ``kpfm_gb_minus_gi_mV``. Only ``Height`` is levelled; ``DMT
Modulus`` and ``Current`` are used as measured, ``Potential`` is at most row-aligned. Conductive
bumps of Fig. 2a,b: :func:`bump_analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import ndimage as ndi

from llzo.analysis.parallel import map_ordered
from llzo.analysis.params import ConfigParams
from llzo.claims import Claim
from llzo.interim import load_map

if TYPE_CHECKING:
    import xarray as xr


@dataclass(frozen=True)
class MapsParams(ConfigParams):
    """Boundary detection, GB/GI statistics and profiles of Fig. 3 (config block ``analysis.maps``).

    Attributes
    ----------
    gb_band_nm
        GB pixels: within this distance of the nearest boundary (nm).
    gi_min_distance_nm
        GI pixels: farther than this from the nearest boundary (nm).
    groove_sd_nm
        Gaussian sd of the Hessian that finds the height grooves (nm).
    min_grain_area_nm2
        Groove-free regions smaller than this are not grains (nm2).
    profile_max_nm
        Distance range of the profiles and half length of the lines across boundaries (nm).
    profile_lines
        Lines across boundaries drawn per map.
    """

    gb_band_nm: float
    gi_min_distance_nm: float
    groove_sd_nm: float
    min_grain_area_nm2: float
    profile_max_nm: float
    profile_lines: int


@dataclass(frozen=True)
class BumpParams(ConfigParams):
    """Conductive bumps of Fig. 2a,b (keys of the config block ``analysis.maps``).

    Attributes
    ----------
    bump_min_height_nm
        A bump is higher than this above the map's median level (nm) ...
    bump_min_area_nm2
        ... and at least this large (nm2).
    """

    bump_min_height_nm: float
    bump_min_area_nm2: float


#: Property channel of each map kind in the interim NetCDF, its factor to the claim's unit, and the unit.
PROPERTY = {"modulus": ("modulus_Pa", 1e-9, "GPa"), "kpfm": ("potential_V", 1e3, "mV")}
#: Profile bins with fewer pixels than this are left out of the maximum modulus drop (too noisy).
MIN_PROFILE_PIXELS = 20


# --- levelling ----------------------------------------------------------------------------------
def plane_level(z: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """Subtract the least-squares plane ``a + b x + c y`` (Gwyddion "plane level").

    Parameters
    ----------
    z
        Image (any unit), shape ``(ny, nx)``.
    exclude
        Optional boolean mask of pixels left out of the fit.
    """
    ny, nx = z.shape
    y = np.arange(ny, dtype=np.float64) - (ny - 1) / 2
    x = np.arange(nx, dtype=np.float64) - (nx - 1) / 2
    w = np.ones(z.shape) if exclude is None else (~exclude).astype(np.float64)
    zw = np.where(w > 0, z, 0.0)
    # normal equations with separable sums (fast for large maps)
    sw, sx, sy = w.sum(), (w.sum(0) * x).sum(), (w.sum(1) * y).sum()
    sxx, syy = (w.sum(0) * x * x).sum(), (w.sum(1) * y * y).sum()
    sxy = (y[:, None] * (w * x[None, :])).sum()
    sz, szx, szy = zw.sum(), (zw.sum(0) * x).sum(), (zw.sum(1) * y).sum()
    a = np.array([[sw, sx, sy], [sx, sxx, sxy], [sy, sxy, syy]])
    c0, cx, cy = np.linalg.solve(a, np.array([sz, szx, szy]))
    return z - (c0 + cx * x[None, :] + cy * y[:, None])


def align_rows(z: np.ndarray, exclude: np.ndarray | None = None, min_fraction: float = 0.1) -> np.ndarray:
    """Subtract each scan line's median (Gwyddion "align rows", median method).

    Parameters
    ----------
    z
        Image, rows along the fast scan axis.
    exclude
        Optional mask of pixels not used to estimate a row's offset (e.g. the boundary band, so a
        line running along a boundary is not shifted by the boundary's own signal).
    min_fraction
        A row with fewer usable pixels than this fraction falls back to all its pixels.
    """
    if exclude is None:
        return z - np.median(z, axis=1, keepdims=True)
    zz = np.where(exclude, np.nan, z)
    ok = (~exclude).sum(1) >= max(1, int(min_fraction * z.shape[1]))
    med = np.where(ok, np.nanmedian(np.where(ok[:, None], zz, 0.0), axis=1), np.median(z, axis=1))
    return z - med[:, None]


def level_height(z: np.ndarray) -> np.ndarray:
    """Level a height map: plane fit, then median row alignment, then a final plane fit."""
    return plane_level(align_rows(plane_level(z)))


# --- boundaries ---------------------------------------------------------------------------------
def valley_strength(z: np.ndarray, sigma_px: float) -> np.ndarray:
    """Largest Hessian eigenvalue of the Gaussian-smoothed image, scale normalised (sigma^2 H).

    Positive and large along valleys (grooves) of width ~ ``sigma_px``; in the units of ``z``.
    """
    z = np.asarray(z, dtype=np.float32)
    hyy = ndi.gaussian_filter(z, sigma_px, order=(2, 0))
    hxx = ndi.gaussian_filter(z, sigma_px, order=(0, 2))
    hxy = ndi.gaussian_filter(z, sigma_px, order=(1, 1))
    half = 0.5 * (hxx + hyy)
    lam = half + np.sqrt(0.25 * (hxx - hyy) ** 2 + hxy**2)
    return (sigma_px**2) * lam


def _otsu(v: np.ndarray, nbins: int = 256) -> float:
    hist, edges = np.histogram(v, bins=nbins)
    centers = 0.5 * (edges[1:] + edges[:-1])
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * centers) / np.maximum(w0, 1)
    m1 = (np.sum(hist * centers) - np.cumsum(hist * centers)) / np.maximum(w1, 1)
    between = w0 * w1 * (m0 - m1) ** 2
    return float(centers[np.argmax(between)])


def detect_boundaries(height_m: np.ndarray, dx_m: float, dy_m: float, groove_sd_nm: float,
                      min_grain_area_nm2: float) -> np.ndarray:
    """Grain boundaries from a levelled height map (marker-controlled watershed on valley strength).

    Parameters
    ----------
    height_m
        Levelled height (m), ``(ny, nx)``.
    dx_m, dy_m
        Pixel size (m).
    groove_sd_nm
        Gaussian sd of the Hessian, the scale of the grooves (nm); in pixels ``max(groove_sd_nm / pixel, 1)``.
    min_grain_area_nm2
        Groove-free regions smaller than this are not grains (noise, scars) and get no marker.

    Returns
    -------
    numpy.ndarray of bool
        One-pixel-wide boundary lines.
    """
    from skimage.segmentation import watershed

    px_nm = 0.5 * (dx_m + dy_m) * 1e9
    sigma = max(groove_sd_nm / px_nm, 1.0)
    v = valley_strength(height_m, sigma)
    thr = _otsu(v[v > 0]) if np.any(v > 0) else 0.0
    groove = v > thr
    labels, n = ndi.label(~groove)
    if n == 0:
        return np.zeros(height_m.shape, bool)
    area = ndi.sum_labels(np.ones_like(labels), labels, index=np.arange(1, n + 1)) * (dx_m * dy_m * 1e18)
    keep = np.zeros(n + 1, bool)
    keep[1:] = area >= min_grain_area_nm2
    markers = np.where(keep[labels], labels, 0).astype(np.int32)
    if markers.max() == 0:
        return np.zeros(height_m.shape, bool)
    # flood only the groove band (plus one pixel of each neighbouring grain as seeds): the grain
    # interiors are already labelled, and this makes the watershed ~10x faster on large maps
    band = ndi.binary_dilation(groove, iterations=1)
    seg = watershed(v, np.where(band, markers, 0), mask=band, watershed_line=True)
    return band & (seg == 0)


def distance_nm(boundary: np.ndarray, dx_m: float, dy_m: float) -> np.ndarray:
    """Euclidean distance (nm) of every pixel centre to the nearest boundary pixel."""
    if not boundary.any():
        return np.full(boundary.shape, np.inf)
    return ndi.distance_transform_edt(~boundary, sampling=(dy_m * 1e9, dx_m * 1e9))


# --- statistics and profiles --------------------------------------------------------------------
def gb_gi_values(values: np.ndarray, dist_nm: np.ndarray, gb_band_nm: float,
                 gi_min_distance_nm: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixel values within ``gb_band_nm`` of a boundary (GB) and beyond ``gi_min_distance_nm`` (GI)."""
    ok = np.isfinite(values)
    return values[ok & (dist_nm <= gb_band_nm)], values[ok & (dist_nm > gi_min_distance_nm)]


def binned_profile(values: np.ndarray, dist_nm: np.ndarray, bin_nm: float, max_nm: float) -> pd.DataFrame:
    """Mean, sd and count of ``values`` in distance bins ``[k bin, (k+1) bin)`` up to ``max_nm``.

    Returns
    -------
    DataFrame
        ``distance_nm`` (bin centre), ``mean``, ``sd``, ``n``.
    """
    ok = np.isfinite(values) & (dist_nm < max_nm)
    k = np.floor(dist_nm[ok] / bin_nm).astype(np.int64)
    nb = int(np.ceil(max_nm / bin_nm))
    n = np.bincount(k, minlength=nb)[:nb]
    s = np.bincount(k, weights=values[ok], minlength=nb)[:nb]
    s2 = np.bincount(k, weights=values[ok] ** 2, minlength=nb)[:nb]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        sd = np.sqrt(np.maximum(s2 / n - mean**2, 0.0))
    return pd.DataFrame({"distance_nm": (np.arange(nb) + 0.5) * bin_nm, "mean": mean, "sd": sd, "n": n})


def profile_lines(boundary: np.ndarray, dist_nm: np.ndarray, dx_m: float, dy_m: float, n_lines: int,
                  half_length_nm: float) -> pd.DataFrame:
    """Choose ``n_lines`` straight lines crossing a boundary perpendicularly, as in the paper.

    A boundary pixel qualifies when the boundary around it is straight over ``half_length_nm``
    (principal-axis ratio of the nearby boundary pixels) and when, along the normal, the
    distance map rises as ``|t|`` on both sides (no other boundary within the line). Lines are
    picked greedily by straightness, at least ``2 half_length_nm`` apart. Deterministic.

    Returns
    -------
    DataFrame
        ``line``, ``x0_nm``, ``y0_nm`` (crossing point), ``nx``, ``ny`` (unit normal).
    """
    px = 0.5 * (dx_m + dy_m) * 1e9
    ys, xs = np.nonzero(boundary)
    if ys.size == 0:
        return pd.DataFrame(columns=["line", "x0_nm", "y0_nm", "nx", "ny"])
    ny_, nx_ = boundary.shape
    r_px = half_length_nm / px
    inside = (xs > r_px) & (xs < nx_ - 1 - r_px) & (ys > r_px) & (ys < ny_ - 1 - r_px)
    step = max(1, int(r_px / 4))
    cand = np.nonzero(inside)[0][::step]
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([xs, ys]))
    t = np.arange(-half_length_nm, half_length_nm + px / 2, px)
    rows = []
    for i in cand:
        nb = tree.query_ball_point([xs[i], ys[i]], r=0.5 * r_px)
        if len(nb) < 3:
            continue
        pts = np.column_stack([xs[nb], ys[nb]]).astype(float)
        pts -= pts.mean(0)
        evals, evecs = np.linalg.eigh(pts.T @ pts)
        straight = evals[0] / max(evals[1], 1e-12)
        if straight > 0.05:
            continue
        nvec = evecs[:, 0]  # normal = direction of least spread (x, y)
        xx = xs[i] + t / px * nvec[0]
        yy = ys[i] + t / px * nvec[1]
        d = ndi.map_coordinates(dist_nm, [yy, xx], order=1, mode="nearest")
        if np.any(d < 0.8 * np.abs(t) - 2 * px):
            continue
        rows.append((straight, xs[i], ys[i], nvec[0], nvec[1]))
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    chosen: list[tuple] = []
    for r in rows:
        if all(np.hypot(r[1] - c[1], r[2] - c[2]) * px > 2 * half_length_nm for c in chosen):
            chosen.append(r)
        if len(chosen) == n_lines:
            break
    return pd.DataFrame({"line": np.arange(len(chosen)),
                         "x0_nm": [(c[1] + 0.5) * dx_m * 1e9 for c in chosen],
                         "y0_nm": [(c[2] + 0.5) * dy_m * 1e9 for c in chosen],
                         "nx": [c[3] for c in chosen], "ny": [c[4] for c in chosen]})


def sample_lines(values: np.ndarray, lines: pd.DataFrame, dx_m: float, dy_m: float,
                 half_length_nm: float) -> pd.DataFrame:
    """Values along each line vs signed distance from the crossing point (bilinear sampling).

    Returns
    -------
    DataFrame
        ``line``, ``distance_nm`` (signed), ``value``.
    """
    px = 0.5 * (dx_m + dy_m) * 1e9
    t = np.arange(-half_length_nm, half_length_nm + px / 2, px)
    out = []
    for r in lines.itertuples(index=False):
        xx = r.x0_nm / (dx_m * 1e9) - 0.5 + t / (dx_m * 1e9) * r.nx
        yy = r.y0_nm / (dy_m * 1e9) - 0.5 + t / (dy_m * 1e9) * r.ny
        v = ndi.map_coordinates(values, [yy, xx], order=1, mode="nearest")
        out.append(pd.DataFrame({"line": r.line, "distance_nm": t, "value": v}))
    if not out:
        return pd.DataFrame(columns=["line", "distance_nm", "value"])
    return pd.concat(out, ignore_index=True)


def mean_line_profile(samples: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over lines at each signed distance: ``distance_nm, mean, sd, n_lines``."""
    g = samples.groupby("distance_nm")["value"]
    return pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n_lines": g.count()}).reset_index()


# --- conductive bumps ---------------------------------------------------------------------------
def detect_bumps(height_m: np.ndarray, current_A: np.ndarray, dx_m: float, dy_m: float,
                 min_height_nm: float, min_area_nm2: float) -> pd.DataFrame:
    """Bumps (protrusions) on a levelled height map and the current through them.

    A bump is a connected region higher than ``min_height_nm`` above the map's median level with
    an area of at least ``min_area_nm2`` spanning more than one scan line (single-line streaks are
    feedback scars). Its height is the maximum of the region above the median
    of a ring around it (local background); its current the maximum |current| in the region.

    Returns
    -------
    DataFrame
        ``bump``, ``x_nm``, ``y_nm`` (centroid), ``area_nm2``, ``height_nm``, ``current_A``,
        ``background_current_A`` (median |current| outside all bumps).
    """
    h_nm = (height_m - np.median(height_m)) * 1e9
    region = h_nm > min_height_nm
    lab, _n = ndi.label(region)
    pix_nm2 = dx_m * dy_m * 1e18
    bg_cur = float(np.median(np.abs(current_A[~region]))) if (~region).any() else float("nan")
    rows = []
    for k, sl in enumerate(ndi.find_objects(lab), start=1):
        m = lab[sl] == k
        area = m.sum() * pix_nm2
        if area < min_area_nm2 or (sl[0].stop - sl[0].start) < 2:  # one scan line high: a scar, not a bump
            continue
        pad = max(3, int(np.sqrt(m.sum())))
        y0, y1 = max(sl[0].start - pad, 0), min(sl[0].stop + pad, h_nm.shape[0])
        x0, x1 = max(sl[1].start - pad, 0), min(sl[1].stop + pad, h_nm.shape[1])
        win = h_nm[y0:y1, x0:x1]
        ring = ~region[y0:y1, x0:x1]
        base = float(np.median(win[ring])) if ring.any() else 0.0
        yy, xx = np.nonzero(lab == k)
        rows.append({"x_nm": (xx.mean() + 0.5) * dx_m * 1e9, "y_nm": (yy.mean() + 0.5) * dy_m * 1e9,
                     "area_nm2": area, "height_nm": float(h_nm[lab == k].max() - base),
                     "current_A": float(np.abs(current_A[lab == k]).max()), "background_current_A": bg_cur})
    df = pd.DataFrame(rows, columns=["x_nm", "y_nm", "area_nm2", "height_nm", "current_A", "background_current_A"])
    df.insert(0, "bump", np.arange(len(df)))
    return df


# --- one map, end to end ------------------------------------------------------------------------
def prepare_map(height_m: np.ndarray, dx_m: float, dy_m: float, *, groove_sd_nm: float,
                min_grain_area_nm2: float, mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Level ``Height``, find the boundaries (or take ``mask``) and the distance to them.

    Only ``Height`` is levelled here; property channels are used as measured.

    Returns
    -------
    dict
        ``height_m`` (levelled), ``boundary`` (bool), ``distance_nm``, ``boundary_source``
        (``"mask"`` or ``"height"``).
    """
    h = level_height(np.asarray(height_m, dtype=np.float64))
    if mask is not None:
        b, src = np.asarray(mask, bool), "mask"
    else:
        b, src = detect_boundaries(h, dx_m, dy_m, groove_sd_nm, min_grain_area_nm2), "height"
    return {"height_m": h, "boundary": b, "distance_nm": distance_nm(b, dx_m, dy_m), "boundary_source": src}


def gb_gi_summary(pairs: list[tuple[np.ndarray, np.ndarray]], gb_band_nm: float,
                  gi_min_distance_nm: float) -> dict[str, float]:
    """Pooled GB and GI medians over several maps of one kind.

    Parameters
    ----------
    pairs
        ``(values, distance_nm)`` per map, values in the claim's unit.

    Returns
    -------
    dict
        ``gb_median``, ``gi_median``, ``n_gb``, ``n_gi`` (pooled pixels) and per-map
        ``gb_min``/``gb_max``/``gi_min``/``gi_max``/``diff_min``/``diff_max`` of the medians (spread).
    """
    gbs, gis = [], []
    for v, d in pairs:
        gb, gi = gb_gi_values(v, d, gb_band_nm, gi_min_distance_nm)
        gbs.append(gb)
        gis.append(gi)
    gb_all, gi_all = np.concatenate(gbs), np.concatenate(gis)
    per_gb = np.array([np.median(g) if g.size else np.nan for g in gbs])
    per_gi = np.array([np.median(g) if g.size else np.nan for g in gis])
    diff = per_gb - per_gi
    return {"gb_median": float(np.median(gb_all)) if gb_all.size else float("nan"),
            "gi_median": float(np.median(gi_all)) if gi_all.size else float("nan"),
            "n_gb": int(gb_all.size), "n_gi": int(gi_all.size),
            "gb_min": float(np.nanmin(per_gb)), "gb_max": float(np.nanmax(per_gb)),
            "gi_min": float(np.nanmin(per_gi)), "gi_max": float(np.nanmax(per_gi)),
            "diff_min": float(np.nanmin(diff)), "diff_max": float(np.nanmax(diff))}


def pooled_profile(pairs: list[tuple[np.ndarray, np.ndarray]], bin_nm: float, max_nm: float) -> pd.DataFrame:
    """Mean value vs distance to the nearest boundary over all pixels of several maps.

    Only the pixels the profile uses (finite, closer than ``max_nm``) are pooled, in map order: the
    same sums as pooling every pixel, without a copy of all maps.
    """
    keep = [np.isfinite(a) & (b < max_nm) for a, b in pairs]
    v = np.concatenate([np.ravel(a[k]) for (a, _), k in zip(pairs, keep, strict=True)])
    d = np.concatenate([np.ravel(b[k]) for (_, b), k in zip(pairs, keep, strict=True)])
    return binned_profile(v, d, bin_nm, max_nm)


# --- Fig. 3: property maps, claims ---------------------------------------------------------------
@dataclass(frozen=True)
class PropertyMap:
    """One analysed modulus or KPFM map.

    Attributes
    ----------
    map_id, kind
        From the sheet.
    height_m
        Levelled height (m); ``None`` except for the first map of a kind (the one Fig. 3 draws: a
        lab's tens of maps would not fit in memory with all their images).
    boundary, distance_nm, boundary_source
        Boundary pixels (``None`` as ``height_m``), distance to the nearest one (nm), ``"mask"`` or
        ``"height"``.
    values
        Property channel in the claim's unit (GPa or mV; KPFM rows aligned on GI pixels).
    dx_m, dy_m
        Pixel size (m).
    lines
        Lines across boundaries (:func:`profile_lines`).
    samples
        ``line, distance_nm, value, map_id`` along them (:func:`sample_lines`).
    """

    map_id: str
    kind: str
    height_m: np.ndarray | None
    boundary: np.ndarray | None
    distance_nm: np.ndarray
    boundary_source: str
    values: np.ndarray
    dx_m: float
    dy_m: float
    lines: pd.DataFrame
    samples: pd.DataFrame


def analyse_property_map(ds: xr.Dataset, params: MapsParams) -> PropertyMap:
    """Level the height, find the boundaries (or use the sheet's mask) and sample the property channel.

    Parameters
    ----------
    ds
        One interim map (``llzo.interim.load_maps``) of kind ``modulus`` or ``kpfm``.
    params
        Boundary detection and profile parameters.
    """
    kind = str(ds.attrs["kind"])
    dx, dy = ds.attrs["pixel_size_x_m"], ds.attrs["pixel_size_y_m"]
    mask = ds["boundary_mask"].values.astype(bool) if "boundary_mask" in ds else None
    r = prepare_map(ds["height_m"].values, dx, dy, groove_sd_nm=params.groove_sd_nm,
                    min_grain_area_nm2=params.min_grain_area_nm2, mask=mask)
    var, scale, _ = PROPERTY[kind]
    v = ds[var].values * scale
    if kind == "kpfm":  # KPFM line drift: align rows on grain-interior pixels only
        v = align_rows(v, exclude=r["distance_nm"] <= params.gi_min_distance_nm)
    lines = profile_lines(r["boundary"], r["distance_nm"], dx, dy, params.profile_lines, params.profile_max_nm)
    samples = sample_lines(v, lines, dx, dy, params.profile_max_nm).assign(map_id=ds.attrs["map_id"])
    return PropertyMap(str(ds.attrs["map_id"]), kind, r["height_m"], r["boundary"], r["distance_nm"],
                       r["boundary_source"], v, dx, dy, lines, samples)


def _items(maps) -> list:
    """Map references for the workers: file paths of lazily loaded interim maps, else the Datasets."""
    paths = getattr(maps, "paths", None)
    return list(paths) if paths is not None else list(maps)


def _analyse_job(job: tuple, params: MapsParams) -> PropertyMap:
    _kind, index, item = job
    ds = load_map(item) if isinstance(item, (str, Path)) else item
    m = analyse_property_map(ds, params)
    return m if index == 0 else replace(m, height_m=None, boundary=None)


@dataclass(frozen=True)
class PropertySummary:
    """All maps of one kind, pooled.

    Attributes
    ----------
    kind
        ``modulus`` or ``kpfm``.
    maps
        The analysed maps.
    stats
        :func:`gb_gi_summary` of the maps (claim unit).
    profile
        Pooled mean vs distance to the nearest boundary (:func:`pooled_profile`; bins of the
        largest pixel size), with a ``kind`` column.
    samples
        The line samples of all maps.
    """

    kind: str
    maps: list[PropertyMap]
    stats: dict[str, float]
    profile: pd.DataFrame
    samples: pd.DataFrame


def summarize_property(maps: list[PropertyMap], params: MapsParams) -> PropertySummary:
    """Pool the maps of one kind: GB/GI medians, pooled profile and line samples."""
    pairs = [(m.values, m.distance_nm) for m in maps]
    stats = gb_gi_summary(pairs, params.gb_band_nm, params.gi_min_distance_nm)
    bin_nm = max(max(m.dx_m, m.dy_m) for m in maps) * 1e9
    prof = pooled_profile(pairs, bin_nm, params.profile_max_nm).assign(kind=maps[0].kind)
    samples = pd.concat([m.samples for m in maps], ignore_index=True)
    return PropertySummary(maps[0].kind, maps, stats, prof, samples)


@dataclass(frozen=True)
class MapsAnalysis:
    """Fig. 3: both kinds, the claims and the tables.

    Attributes
    ----------
    modulus, kpfm
        Per kind (``None`` when the dataset has no such map).
    claims
        ``modulus_gi_GPa``, ``modulus_gb_GPa``, ``modulus_drop_max_pct``, ``kpfm_gb_minus_gi_mV``
        (those the maps allow).
    profiles
        Pooled profiles of both kinds (``distance_nm, mean, sd, n, kind``).
    modulus_lines
        Line samples of the modulus maps (``line, distance_nm, value, map_id, kind``).
    """

    modulus: PropertySummary | None
    kpfm: PropertySummary | None
    claims: list[Claim]
    profiles: pd.DataFrame
    modulus_lines: pd.DataFrame


def modulus_drop_pct(summary: PropertySummary) -> tuple[float, float, int]:
    """Maximum relative modulus drop at the boundary (claim ``modulus_drop_max_pct``).

    100 x (1 - min of the pooled mean modulus-vs-distance profile / ``modulus_gi_GPa``), over the
    profile bins holding at least :data:`MIN_PROFILE_PIXELS` pixels.

    Returns
    -------
    drop_pct, at_nm, n
        The drop (%), the distance of the profile minimum (nm) and the pixels in the bins used.
    """
    ok = summary.profile[summary.profile["n"] >= MIN_PROFILE_PIXELS]
    drop = 100.0 * (1.0 - ok["mean"].min() / summary.stats["gi_median"])
    return float(drop), float(ok.loc[ok["mean"].idxmin(), "distance_nm"]), int(ok["n"].sum())


def maps_analysis(modulus_maps: list[xr.Dataset], kpfm_maps: list[xr.Dataset], params: MapsParams) -> MapsAnalysis:
    """Analyse the modulus and KPFM maps of a dataset and compute the Fig. 3 claims.

    Parameters
    ----------
    modulus_maps, kpfm_maps
        Interim maps of each kind (``llzo.interim.load_maps(dir, kind)``); either may be empty.
    params
        Boundary detection, GB/GI bands and profile parameters.

    Returns
    -------
    MapsAnalysis
        GB and GI medians pool the pixels of all maps of a kind; their spread (``ci_low``,
        ``ci_high``) is the range of the per-map medians.
    """
    # one worker per map (parallel.workers() cores); each map is loaded by its worker when it is a
    # lazily loaded interim map (llzo.interim.load_maps), and only the first map of a kind keeps its images
    jobs = [(k, i, item) for k, maps in (("modulus", modulus_maps), ("kpfm", kpfm_maps))
            for i, item in enumerate(_items(maps))]
    done = map_ordered(_analyse_job, jobs, None, params)
    summaries = {k: summarize_property([m for (kind, _, _), m in zip(jobs, done, strict=True) if kind == k], params)
                 if any(kind == k for kind, _, _ in jobs) else None for k in ("modulus", "kpfm")}
    claims, profiles = [], []
    mod, kp = summaries["modulus"], summaries["kpfm"]
    if mod is not None:
        st = mod.stats
        drop, _, n = modulus_drop_pct(mod)
        note = f"{len(mod.maps)} maps; spread = range of per-map medians"
        claims += [
            Claim("modulus_gi_GPa", st["gi_median"], st["gi_min"], st["gi_max"], n=st["n_gi"], note=note),
            Claim("modulus_gb_GPa", st["gb_median"], st["gb_min"], st["gb_max"], n=st["n_gb"], note=note),
            Claim("modulus_drop_max_pct", drop, n=n, note="min of the pooled mean modulus-vs-distance profile"),
        ]
        profiles.append(mod.profile)
        lines = mod.samples.assign(kind="modulus")
    else:
        lines = pd.DataFrame(columns=["line", "distance_nm", "value", "map_id", "kind"])
    if kp is not None:
        st = kp.stats
        claims.append(Claim("kpfm_gb_minus_gi_mV", st["gb_median"] - st["gi_median"], st["diff_min"], st["diff_max"],
                            n=st["n_gb"] + st["n_gi"],
                            note=f"{len(kp.maps)} maps; rows aligned on GI pixels; spread = per-map range"))
        profiles.append(kp.profile)
    table = (pd.concat(profiles, ignore_index=True) if profiles
             else pd.DataFrame(columns=["distance_nm", "mean", "sd", "n", "kind"]))
    return MapsAnalysis(mod, kp, claims, table, lines)


# --- Fig. 2a,b: conductive bumps -------------------------------------------------------------
@dataclass(frozen=True)
class CurrentMap:
    """One c-AFM current map: levelled height, the current as measured (never levelled)."""

    map_id: str
    stage: str
    bias_V: float
    dx_m: float
    dy_m: float
    height_m: np.ndarray
    current_A: np.ndarray


#: Columns of the bump table (Fig. 2a,b).
BUMP_COLUMNS = ["bump", "x_nm", "y_nm", "area_nm2", "height_nm", "current_A", "background_current_A", "map_id",
                "stage", "bias_V"]


@dataclass(frozen=True)
class BumpAnalysis:
    """Fig. 2a,b: the current maps and the conductive bumps found on them (no claim of the paper).

    Attributes
    ----------
    maps
        The current maps, pristine first.
    table
        One row per bump (:data:`BUMP_COLUMNS`).
    """

    maps: list[CurrentMap]
    table: pd.DataFrame


def bump_analysis(current_maps: list[xr.Dataset], params: BumpParams) -> BumpAnalysis:
    """Level the height of each current map and find its conductive bumps (:func:`detect_bumps`).

    Parameters
    ----------
    current_maps
        Interim maps of kind ``current`` (``llzo.interim.load_maps(dir, "current")``).
    params
        Minimum height and area of a bump.
    """
    maps, bumps = [], []
    for ds in current_maps:
        m = CurrentMap(str(ds.attrs["map_id"]), str(ds.attrs["stage"]), float(ds.attrs["bias_V"]),
                       ds.attrs["pixel_size_x_m"], ds.attrs["pixel_size_y_m"], level_height(ds["height_m"].values),
                       ds["current_A"].values)
        b = detect_bumps(m.height_m, m.current_A, m.dx_m, m.dy_m, params.bump_min_height_nm, params.bump_min_area_nm2)
        bumps.append(b.assign(map_id=m.map_id, stage=m.stage, bias_V=m.bias_V))
        maps.append(m)
    found = [b for b in bumps if len(b)]  # a map without bumps adds no rows (and no dtypes: pandas < 3 warns)
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=BUMP_COLUMNS)
    maps.sort(key=lambda m: (m.stage != "pristine", m.map_id))
    return BumpAnalysis(maps, table)
