"""Virtual lab: AFM maps of a polycrystalline LLZO surface written as Gwyddion ``.gwy`` files.

Physics of the model
--------------------
* Surface: a 2-D Voronoi polycrystal (grain seeds uniform in the scan area). The distance of a
  point to the nearest grain boundary is the distance to the perpendicular bisector between its
  nearest seed and the closest competing seed. Thermal grooves at the boundaries give
  ``Height = h_grain - groove_depth * exp(-d^2 / 2 w^2)`` (Mullins-type grooves, w ~ 10-20 nm).
* DMT modulus: ``E(d) = E_gi - dE * exp(-d^2 / 2 s^2)``, the softer boundary region
  (Yu & Siegel, Chem. Mater. 2017: GB elastic softening over a few nm to tens of nm).
* Surface potential (KPFM): ``phi(d) = phi_gi + dphi * exp(-d^2 / 2 s^2)`` (space-charge region;
  ``dphi < 0``: the paper measures ~10 mV lower at boundaries).
* c-AFM current at the imaging bias: ionic/leakage noise only before penetration; after it,
  Li filaments surface as Gaussian bumps of tens of nm that conduct (nA at +0.1 V).

Artifacts that real maps have, on the channels where the instrument produces them: plane tilt,
per-line offsets and scars on ``Height``; per-line offsets on ``Potential`` (KPFM drift); white
noise everywhere. ``DMT Modulus`` and ``Current`` have no tilt or line offsets.

Truth (``truth_dir/maps/``): per map the boundary mask (``<map_id>_boundary.npy``, one pixel
wide, the rasterised Voronoi edges), the true distance to the boundary (``<map_id>_distance_nm.npy``)
and ``maps_truth.json`` with the profile parameters and the bump list.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from gwyfile.objects import GwyContainer, GwyDataField
from scipy.spatial import cKDTree

KINDS = ("modulus", "kpfm", "current")


def voronoi_distance_m(nx: int, ny: int, dx_m: float, grain_size_m: float,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance of every pixel centre to the nearest Voronoi edge.

    Parameters
    ----------
    nx, ny
        Pixels along x (columns) and y (rows).
    dx_m
        Pixel size (m), square pixels.
    grain_size_m
        Mean grain diameter (m); the seed density is 1 / grain_size^2.
    rng
        Random generator.

    Returns
    -------
    distance_m, grain_id, seeds_m
        ``(ny, nx)`` distance (m) and grain index, and the ``(n, 2)`` seed positions (x, y in m).
    """
    wx, wy = nx * dx_m, ny * dx_m
    margin = 2 * grain_size_m  # seeds beyond the frame so that edge grains are cut, not stretched
    area = (wx + 2 * margin) * (wy + 2 * margin)
    n = max(round(area / grain_size_m**2), 4)
    seeds = np.column_stack([rng.uniform(-margin, wx + margin, n), rng.uniform(-margin, wy + margin, n)])
    yy, xx = np.mgrid[0:ny, 0:nx]
    pts = np.column_stack([(xx.ravel() + 0.5) * dx_m, (yy.ravel() + 0.5) * dx_m])
    dist, idx = cKDTree(seeds).query(pts, k=4)
    s0 = seeds[idx[:, 0]]
    d_edge = np.full(len(pts), np.inf)
    for j in range(1, 4):
        sj = seeds[idx[:, j]]
        sep = np.linalg.norm(sj - s0, axis=1)
        d_edge = np.minimum(d_edge, (dist[:, j] ** 2 - dist[:, 0] ** 2) / (2 * sep))
    return d_edge.reshape(ny, nx), idx[:, 0].reshape(ny, nx), seeds


def boundary_mask(distance_m: np.ndarray, dx_m: float) -> np.ndarray:
    """One-pixel-wide rasterisation of the boundaries: pixels within half a pixel of an edge."""
    return distance_m <= 0.5 * dx_m


def height_map(distance_m: np.ndarray, grain_id: np.ndarray, c: dict, dx_m: float,
               rng: np.random.Generator) -> np.ndarray:
    """Raw ``Height`` (m): grains, grooves, tilt, line offsets, scars and noise."""
    ny, nx = distance_m.shape
    w = c["groove_width_nm"] * 1e-9
    grain_h = rng.normal(0.0, c["grain_height_sd_nm"] * 1e-9, grain_id.max() + 1)
    z = grain_h[grain_id] - c["groove_depth_nm"] * 1e-9 * np.exp(-0.5 * (distance_m / w) ** 2)
    yy, xx = np.mgrid[0:ny, 0:nx] * dx_m
    tilt = rng.uniform(-1, 1, 2) * c["tilt_max"]
    z = z + tilt[0] * xx + tilt[1] * yy + c["height_offset_nm"] * 1e-9
    z = z + rng.normal(0.0, c["line_offset_sd_nm"] * 1e-9, ny)[:, None]
    for _ in range(int(c["scars"])):  # feedback scars: short bright streaks along the fast axis
        r, x0 = rng.integers(0, ny), rng.integers(0, nx)
        z[r, x0:x0 + rng.integers(nx // 20, nx // 6)] += c["scar_height_nm"] * 1e-9
    return z + rng.normal(0.0, c["height_noise_nm"] * 1e-9, z.shape)


def write_gwy(path: Path, channels: dict[str, tuple[np.ndarray, str]], xreal_m: float, yreal_m: float) -> None:
    """Write a Gwyddion native file with one data field per channel (title, z unit, lateral size)."""
    obj = GwyContainer()
    for i, (title, (data, unit)) in enumerate(channels.items()):
        obj[f"/{i}/data"] = GwyDataField(np.ascontiguousarray(data, dtype=np.float64), xreal=xreal_m,
                                         yreal=yreal_m, si_unit_xy="m", si_unit_z=unit)
        obj[f"/{i}/data/title"] = title
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        obj.tofile(fh)


def _gauss_drop(d: np.ndarray, amplitude: float, sigma: float) -> np.ndarray:
    return amplitude * np.exp(-0.5 * (d / sigma) ** 2)


def _write_png_mask(path: Path, mask: np.ndarray) -> None:
    from PIL import Image

    Image.fromarray(mask.astype(np.uint8) * 255).save(path, format="PNG", optimize=False)


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator) -> dict[str, list[dict]]:
    """Write the AFM maps of ``cfg["maps"]`` and their truth; return the ``maps.tsv`` rows.

    Parameters
    ----------
    raw_dir, truth_dir
        Dataset and truth folders.
    cfg
        The whole ``lab`` config; this domain reads ``cfg["maps"]`` (see config.yaml).
    rng
        This domain's random stream.
    """
    c = cfg["maps"]
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    (raw_dir / "maps").mkdir(parents=True, exist_ok=True)
    tdir = truth_dir / "maps"
    tdir.mkdir(parents=True, exist_ok=True)
    surf = c["surface"]
    rows, truth = [], {"maps": {}}
    for spec in c["maps"]:
        map_id, kind = spec["map_id"], spec["kind"]
        k = c[kind]
        n = int(k["pixels"])
        dx = k["scan_size_um"] * 1e-6 / n
        dist, gid, _ = voronoi_distance_m(n, n, dx, k["grain_size_nm"] * 1e-9, rng)
        height = height_map(dist, gid, surf, dx, rng)
        d_nm = dist * 1e9
        entry: dict = {"kind": kind, "stage": spec["stage"], "pixel_size_nm": dx * 1e9, "pixels": n}
        if kind == "modulus":
            e = k["modulus_gi_GPa"] - _gauss_drop(d_nm, k["modulus_drop_GPa"], k["profile_sigma_nm"])
            second = ("DMT Modulus", (e * 1e9 + rng.normal(0, k["noise_GPa"] * 1e9, e.shape), "Pa"))
            entry.update(modulus_gi_GPa=k["modulus_gi_GPa"], modulus_drop_GPa=k["modulus_drop_GPa"],
                         profile_sigma_nm=k["profile_sigma_nm"])
        elif kind == "kpfm":
            phi = k["potential_gi_mV"] + _gauss_drop(d_nm, k["potential_gb_shift_mV"], k["profile_sigma_nm"])
            phi = phi + rng.normal(0, k["noise_mV"], phi.shape) + rng.normal(0, k["line_offset_sd_mV"], n)[:, None]
            second = ("Potential", (phi * 1e-3, "V"))
            entry.update(potential_gi_mV=k["potential_gi_mV"], potential_gb_shift_mV=k["potential_gb_shift_mV"],
                         profile_sigma_nm=k["profile_sigma_nm"])
        else:
            cur = rng.normal(0, k["noise_pA"] * 1e-12, dist.shape)
            bumps = []
            if spec["stage"] == "after_penetration":
                yy, xx = np.mgrid[0:n, 0:n]
                nb = int(k["bumps"])
                pos = []
                while len(pos) < nb:  # bump centres at boundaries (where filaments penetrate), apart
                    cand = np.argwhere(dist <= dx)
                    y0, x0 = cand[rng.integers(len(cand))]
                    edge = 3 * k["bump_radius_nm"] * 1e-9 / dx
                    if min(x0, y0, n - 1 - x0, n - 1 - y0) < edge:
                        continue
                    if all(np.hypot(x0 - a, y0 - b) > 4 * edge for a, b in pos):
                        pos.append((x0, y0))
                for x0, y0 in pos:
                    h_nm = float(rng.uniform(0.7, 1.3) * k["bump_height_nm"])
                    i_A = float(rng.uniform(0.5, 1.5) * k["bump_current_nA"] * 1e-9)
                    g = np.exp(-0.5 * ((xx - x0) ** 2 + (yy - y0) ** 2) / (k["bump_radius_nm"] * 1e-9 / dx) ** 2)
                    height += h_nm * 1e-9 * g
                    cur += i_A * g
                    bumps.append({"x_nm": float((x0 + 0.5) * dx * 1e9), "y_nm": float((y0 + 0.5) * dx * 1e9),
                                  "height_nm": h_nm, "current_A": i_A})
            second = ("Current", (cur, "A"))
            entry.update(bias_V=spec["bias_V"], bumps=bumps)
        rel = f"maps/{map_id}.gwy"
        write_gwy(raw_dir / rel, {"Height": (height, "m"), second[0]: second[1]}, n * dx, n * dx)
        mask = boundary_mask(dist, dx)
        np.save(tdir / f"{map_id}_boundary.npy", mask)
        np.save(tdir / f"{map_id}_distance_nm.npy", d_nm.astype(np.float32))
        row = {"map_id": map_id, "file": rel, "kind": kind, "stage": spec["stage"],
               "bias_V": spec.get("bias_V", np.nan), "mask_file": ""}
        if spec.get("mask", False):  # the experimenter traced the boundaries (Gwyddion mask -> PNG)
            row["mask_file"] = f"maps/{map_id}_mask.png"
            _write_png_mask(raw_dir / row["mask_file"], mask)
        rows.append(row)
        truth["maps"][map_id] = entry
    (truth_dir / "maps_truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return {"maps": rows}
