"""Virtual lab: AFM maps of a polycrystalline LLZO surface written as Gwyddion ``.gwy`` files.

The material (latent, what the analysis must recover)
-----------------------------------------------------
* Surface: a 2-D Voronoi polycrystal (grain seeds uniform around the scan area). The distance of
  a point to the nearest grain boundary is the distance to the perpendicular bisector between
  its nearest seed and the closest competing seed. Thermal grooves at the boundaries give
  ``h = h_grain - groove_depth * exp(-d^2 / 2 w^2)`` (Mullins-type grooves, w ~ 10-20 nm).
* DMT modulus: ``E(d) = E_gi - dE * exp(-d^2 / 2 s^2)``, the softer boundary region
  (Yu & Siegel, Chem. Mater. 29, 9639 (2017): GB elastic softening over nm to tens of nm).
* Surface potential (KPFM): ``phi(d) = phi_gi + dphi * exp(-d^2 / 2 s^2)`` (space-charge region;
  ``dphi < 0``: the paper measures ~10 mV lower at boundaries).
* c-AFM current at the imaging bias: leakage noise only before penetration; after it, Li
  filaments surface as Gaussian bumps of tens of nm that conduct (nA at +0.1 V).

The instrument (what real maps have, on the channels where the instrument produces them)
----------------------------------------------------------------------------------------
* **Thermal drift**: scan line r is recorded at the positions shifted by ``r * v`` (v per line,
  random per map): the image is a sheared view of the surface. All channels of a map are
  recorded together and drift together; the truth is evaluated at the drifted positions.
* **Tip convolution**: the recorded topography is the surface dilated by the tip apex, a
  paraboloid of radius ``apex_radius_nm`` (Villarrubia, J. Res. NIST 102, 425 (1997)): grooves
  narrower than the tip are recorded shallower and blunter, bumps wider.
* **Property blur**: DMT modulus is averaged over the contact (``contact_radius_nm``) and KPFM
  over the tip apex and cone (``kpfm_resolution_nm``), both as Gaussian kernels.
* **Topographic crosstalk**: on the groove walls the DMT fit underestimates the modulus by
  ``1 - modulus_slope_crosstalk * slope^2`` (tilted contact; the paper chose flat areas "to avoid
  the influence of the abrupt changes of surface morphology"), and the KPFM potential picks up
  ``kpfm_height_crosstalk_mV_per_nm`` times the recorded height (capacitive crosstalk: Barbet
  et al., J. Appl. Phys. 115, 144313 (2014)), which deepens the apparent dip in a groove.
* Scanner artefacts: plane tilt, per-line offsets and scars on ``Height``; per-line offsets on
  ``Potential`` (KPFM drift); white noise everywhere. ``DMT Modulus`` and ``Current`` have no
  tilt or line offsets.
* **Hand-traced masks** (maps with ``mask: true``): the experimenter traces the boundaries on the
  image; the traced line deviates from the true boundary by a smooth random displacement
  (``trace_sd_nm``, correlated over ``trace_correlation_nm``).

Parameters chosen to resemble the paper (``lab.maps``, ``lab.material``): grain-interior
modulus ~145 GPa with a boundary drop of ~28 % (Fig. 3e: ~145 -> ~120 GPa, up to ~30 %), a
~-11 mV space-charge dip (Fig. 3j: ~10 mV lower), nA-conducting bumps of ~15 nm after
penetration (Fig. 2a,b); scan sizes from the paper's scale bars. The SCM-PIT tip (20 nm,
Methods) sets the convolution.

Truth (``truth_dir/maps/``): per map the true boundary (``<map_id>_boundary.npy``, pixels
within half a pixel of a boundary at the drifted positions) and the true distance to it
(``<map_id>_distance_nm.npy``); ``maps_truth.json`` with the material profiles, the drift, the
artefact parameters and the bump list.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
from gwyfile.objects import GwyContainer, GwyDataField
from scipy import ndimage as ndi
from scipy.spatial import cKDTree

from llzo.lab.parallel import FileWriter, Progress

KINDS = ("modulus", "kpfm", "current")


def voronoi_seeds_m(wx_m: float, wy_m: float, grain_size_m: float, rng: np.random.Generator) -> np.ndarray:
    """Grain seeds uniform in the scan area plus a margin (so that edge grains are cut, not stretched)."""
    margin = 2 * grain_size_m
    area = (wx_m + 2 * margin) * (wy_m + 2 * margin)
    n = max(round(area / grain_size_m**2), 4)
    return np.column_stack([rng.uniform(-margin, wx_m + margin, n), rng.uniform(-margin, wy_m + margin, n)])


def voronoi_distance_at(points_m: np.ndarray, seeds_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) of each point to the nearest Voronoi edge, and the index of its grain."""
    dist, idx = cKDTree(seeds_m).query(points_m, k=4)
    s0 = seeds_m[idx[:, 0]]
    d_edge = np.full(len(points_m), np.inf)
    for j in range(1, 4):
        sep = np.linalg.norm(seeds_m[idx[:, j]] - s0, axis=1)
        d_edge = np.minimum(d_edge, (dist[:, j] ** 2 - dist[:, 0] ** 2) / (2 * sep))
    return d_edge, idx[:, 0]


def voronoi_distance_m(nx: int, ny: int, dx_m: float, grain_size_m: float,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance of every pixel centre to the nearest Voronoi edge (no drift).

    Returns
    -------
    distance_m, grain_id, seeds_m
        ``(ny, nx)`` distance (m) and grain index, and the ``(n, 2)`` seed positions (x, y in m).
    """
    seeds = voronoi_seeds_m(nx * dx_m, ny * dx_m, grain_size_m, rng)
    d, g = voronoi_distance_at(_pixel_positions_m(nx, ny, dx_m), seeds)
    return d.reshape(ny, nx), g.reshape(ny, nx), seeds


def _pixel_positions_m(nx: int, ny: int, dx_m: float, drift_m_per_line: tuple[float, float] = (0.0, 0.0),
                       displacement_m: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Surface positions (x, y in m) recorded at each pixel, with drift and an extra displacement."""
    yy, xx = np.mgrid[0:ny, 0:nx].astype(float)
    x = (xx + 0.5) * dx_m + yy * drift_m_per_line[0]
    y = (yy + 0.5) * dx_m + yy * drift_m_per_line[1]
    if displacement_m is not None:
        x, y = x + displacement_m[0], y + displacement_m[1]
    return np.column_stack([x.ravel(), y.ravel()])


def boundary_mask(distance_m: np.ndarray, dx_m: float) -> np.ndarray:
    """One-pixel-wide rasterisation of the boundaries: pixels within half a pixel of an edge."""
    return distance_m <= 0.5 * dx_m


def tip_dilation(z_m: np.ndarray, dx_m: float, apex_radius_m: float, depth_m: float) -> np.ndarray:
    """Topography recorded by a paraboloid tip: grey dilation of the surface (Villarrubia 1997).

    Parameters
    ----------
    z_m
        True surface height (m).
    dx_m
        Pixel size (m).
    apex_radius_m
        Tip apex radius R; the tip surface is ``-u^2 / (2 R)`` below its apex.
    depth_m
        Deepest feature that matters (sets the tip window: where the tip is within this of its apex).
    """
    r_px = int(np.ceil(np.sqrt(2 * apex_radius_m * depth_m) / dx_m))
    if r_px < 1:
        return z_m.copy()
    u = np.arange(-r_px, r_px + 1) * dx_m
    uu = u[None, :] ** 2 + u[:, None] ** 2
    tip = -uu / (2 * apex_radius_m)
    return ndi.grey_dilation(z_m, structure=tip, mode="nearest")


def smooth_field(shape: tuple[int, int], corr_px: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian random field with correlation length ``corr_px`` (pixels) and standard deviation ``sd``."""
    return smooth_white(rng.standard_normal(shape), corr_px, sd)


def smooth_white(white: np.ndarray, corr_px: float, sd: float) -> np.ndarray:
    """:func:`smooth_field` of drawn white noise ``white``."""
    f = ndi.gaussian_filter(white, max(corr_px, 0.5), mode="wrap")
    s = float(f.std())
    return f * (sd / s) if s > 0 else f


def scanner_draws(shape: tuple[int, int], surf: dict, rng: np.random.Generator) -> dict:
    """Draw the random part of the scanner's ``Height`` artefacts: tilt, line offsets, scars, noise."""
    ny, nx = shape
    tilt = rng.uniform(-1, 1, 2) * surf["tilt_max"]
    lines = rng.normal(0.0, surf["line_offset_sd_nm"] * 1e-9, ny)
    scars = []
    for _ in range(int(surf["scars"])):  # feedback scars: short bright streaks along the fast axis
        r, x0 = rng.integers(0, ny), rng.integers(0, nx)
        scars.append((r, x0, rng.integers(nx // 20, nx // 6)))
    return {"tilt": tilt, "lines": lines, "scars": scars,
            "noise": rng.normal(0.0, surf["height_noise_nm"] * 1e-9, shape)}


def apply_scanner(z_m: np.ndarray, surf: dict, dx_m: float, draws: dict) -> np.ndarray:
    """Record ``Height`` (m) from the topography and :func:`scanner_draws`."""
    ny, nx = z_m.shape
    yy, xx = np.mgrid[0:ny, 0:nx] * dx_m
    tilt = draws["tilt"]
    z = z_m + tilt[0] * xx + tilt[1] * yy + surf["height_offset_nm"] * 1e-9
    z = z + draws["lines"][:, None]
    for r, x0, length in draws["scars"]:
        z[r, x0:x0 + length] += surf["scar_height_nm"] * 1e-9
    return z + draws["noise"]


def scanner_height(z_m: np.ndarray, surf: dict, dx_m: float, rng: np.random.Generator) -> np.ndarray:
    """Record ``Height`` (m): the (tip-dilated) topography plus tilt, line offsets, scars and noise."""
    return apply_scanner(z_m, surf, dx_m, scanner_draws(z_m.shape, surf, rng))


def height_map(distance_m: np.ndarray, grain_id: np.ndarray, surf: dict, dx_m: float,
               rng: np.random.Generator) -> np.ndarray:
    """Raw ``Height`` (m) of a grooved polycrystal without tip convolution (grains, grooves, scanner)."""
    w = surf["groove_width_nm"] * 1e-9
    grain_h = rng.normal(0.0, surf["grain_height_sd_nm"] * 1e-9, int(grain_id.max()) + 1)
    z = grain_h[grain_id] - surf["groove_depth_nm"] * 1e-9 * np.exp(-0.5 * (distance_m / w) ** 2)
    return scanner_height(z, surf, dx_m, rng)


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


def gauss_profile(d: np.ndarray, amplitude: float, sd: float) -> np.ndarray:
    """``amplitude * exp(-d^2 / 2 sd^2)``: the boundary's profile in a material property."""
    return amplitude * np.exp(-0.5 * (np.asarray(d, float) / sd) ** 2)


def _write_png_mask(path: Path, mask: np.ndarray) -> None:
    from PIL import Image

    Image.fromarray(mask.astype(np.uint8) * 255).save(path, format="PNG", optimize=False)


def _bumps(dist_m: np.ndarray, k: dict, dx: float, rng: np.random.Generator) -> list[dict]:
    """Filament bumps at boundaries (where filaments penetrate), apart from each other and the edges."""
    n = dist_m.shape[0]
    cand = np.argwhere(dist_m <= dx)
    edge = 3 * k["bump_radius_nm"] * 1e-9 / dx
    pos: list[tuple[int, int]] = []
    for _ in range(100000):
        if len(pos) >= int(k["bumps"]) or not len(cand):
            break
        y0, x0 = cand[rng.integers(len(cand))]
        if min(x0, y0, n - 1 - x0, n - 1 - y0) < edge:
            continue
        if all(np.hypot(x0 - a, y0 - b) > 4 * edge for a, b in pos):
            pos.append((int(x0), int(y0)))
    return [{"x_px": x0, "y_px": y0, "height_nm": float(rng.uniform(0.7, 1.3) * k["bump_height_nm"]),
             "current_A": float(rng.uniform(0.5, 1.5) * k["bump_current_nA"] * 1e-9)} for x0, y0 in pos]


def expand_map_specs(specs: list[dict]) -> list[dict]:
    """One entry per map: an entry with ``count: n > 1`` stands for n maps ``<map_id>_001`` ... ``<map_id>_<n>``.

    An entry may also give its own ``pixels`` and ``scan_size_um`` (else the kind's).
    """
    out = []
    for spec in specs:
        n = int(spec.get("count", 1))
        base = {k: v for k, v in spec.items() if k != "count"}
        out += [base] if n == 1 else [{**base, "map_id": f"{spec['map_id']}_{i:03d}"} for i in range(1, n + 1)]
    return out


def _draw_map(spec: dict, c: dict, rng: np.random.Generator) -> dict:
    """Every random number of one map, drawn in the order the lab has always drawn them."""
    kind, surf, k = spec["kind"], c["surface"], c[spec["kind"]]
    n = int(spec.get("pixels", k["pixels"]))
    dx = spec.get("scan_size_um", k["scan_size_um"]) * 1e-6 / n
    seeds = voronoi_seeds_m(n * dx, n * dx, k["grain_size_nm"] * 1e-9, rng)
    drift = tuple(float(v) for v in rng.uniform(-1, 1, 2) * surf["drift_nm_per_line_max"] * 1e-9)
    job = {"spec": spec, "n": n, "dx": dx, "seeds": seeds, "drift": drift,
           "grain_h": rng.normal(0.0, surf["grain_height_sd_nm"] * 1e-9, len(seeds)), "bumps": []}
    if kind == "current" and spec["stage"] == "after_penetration":  # where the filaments surface: on boundaries
        dist = voronoi_distance_at(_pixel_positions_m(n, n, dx, drift), seeds)[0].reshape(n, n)
        job["bumps"] = _bumps(dist, k, dx, rng)
    job["scanner"] = scanner_draws((n, n), surf, rng)
    if kind == "modulus":
        job["noise"] = rng.normal(0, k["noise_GPa"], (n, n))
    elif kind == "kpfm":
        job["noise"] = rng.normal(0, k["noise_mV"], (n, n))
        job["line_offsets"] = rng.normal(0, k["line_offset_sd_mV"], n)
    else:
        job["noise"] = rng.normal(0, k["noise_pA"] * 1e-12, (n, n))
    if spec.get("mask", False):
        job["trace_white"] = [rng.standard_normal((n, n)) for _ in range(2)]
    return job


def _render_map(job: dict, c: dict, mat: dict, raw_dir: Path, tdir: Path) -> tuple[dict, dict]:
    """Compute one map from its draws, write its ``.gwy`` (and mask) and truth; return its sheet row and truth."""
    spec, n, dx, seeds, drift = job["spec"], job["n"], job["dx"], job["seeds"], job["drift"]
    map_id, kind = spec["map_id"], spec["kind"]
    surf, probe, trace, k = c["surface"], c["probe"], c["tracing"], c[kind]
    d_flat, gid_flat = voronoi_distance_at(_pixel_positions_m(n, n, dx, drift), seeds)
    dist, gid = d_flat.reshape(n, n), gid_flat.reshape(n, n)
    d_nm = dist * 1e9
    # the true surface at the recorded positions
    w = surf["groove_width_nm"] * 1e-9
    z = job["grain_h"][gid] - surf["groove_depth_nm"] * 1e-9 * np.exp(-0.5 * (dist / w) ** 2)
    entry: dict = {"kind": kind, "stage": spec["stage"], "pixel_size_nm": dx * 1e9, "pixels": n,
                   "drift_nm_per_line": [v * 1e9 for v in drift]}
    bumps = [dict(b) for b in job["bumps"]]
    if bumps:
        yy, xx = np.mgrid[0:n, 0:n]
        for b in bumps:
            b["g"] = np.exp(-0.5 * ((xx - b["x_px"]) ** 2 + (yy - b["y_px"]) ** 2)
                            / (k["bump_radius_nm"] * 1e-9 / dx) ** 2)
            z = z + b["height_nm"] * 1e-9 * b["g"]
    depth = (surf["groove_depth_nm"] + 3 * surf["grain_height_sd_nm"]) * 1e-9
    z_rec = tip_dilation(z, dx, probe["apex_radius_nm"] * 1e-9, depth)
    height = apply_scanner(z_rec, surf, dx, job["scanner"])
    if kind == "modulus":
        e_true = mat["modulus_gi_GPa"] - gauss_profile(d_nm, k["modulus_drop_GPa"], k["profile_sd_nm"])
        e = ndi.gaussian_filter(e_true, probe["contact_radius_nm"] * 1e-9 / dx, mode="nearest")
        gy, gx = np.gradient(z_rec, dx)
        e = e * (1.0 - probe["modulus_slope_crosstalk"] * (gx**2 + gy**2))
        second = ("DMT Modulus", ((e + job["noise"]) * 1e9, "Pa"))
        entry.update(modulus_gi_GPa=mat["modulus_gi_GPa"], modulus_drop_GPa=k["modulus_drop_GPa"],
                     profile_sd_nm=k["profile_sd_nm"])
    elif kind == "kpfm":
        phi_true = k["potential_gi_mV"] + gauss_profile(d_nm, k["potential_gb_shift_mV"], k["profile_sd_nm"])
        phi = ndi.gaussian_filter(phi_true, probe["kpfm_resolution_nm"] * 1e-9 / dx, mode="nearest")
        phi = phi + probe["kpfm_height_crosstalk_mV_per_nm"] * (z_rec - z_rec.mean()) * 1e9
        phi = phi + job["noise"] + job["line_offsets"][:, None]
        second = ("Potential", (phi * 1e-3, "V"))
        entry.update(potential_gi_mV=k["potential_gi_mV"], potential_gb_shift_mV=k["potential_gb_shift_mV"],
                     profile_sd_nm=k["profile_sd_nm"])
    else:
        cur = job["noise"]
        for b in bumps:
            cur += b["current_A"] * b.pop("g")
        second = ("Current", (cur, "A"))
        entry.update(bias_V=spec["bias_V"], bumps=[
            {"x_nm": float((b["x_px"] + 0.5) * dx * 1e9), "y_nm": float((b["y_px"] + 0.5) * dx * 1e9),
             "height_nm": b["height_nm"], "current_A": b["current_A"]} for b in bumps])
    rel = f"maps/{map_id}.gwy"
    write_gwy(raw_dir / rel, {"Height": (height, "m"), second[0]: second[1]}, n * dx, n * dx)
    np.save(tdir / f"{map_id}_boundary.npy", boundary_mask(dist, dx))
    np.save(tdir / f"{map_id}_distance_nm.npy", d_nm.astype(np.float32))
    row = {"map_id": map_id, "file": rel, "kind": kind, "stage": spec["stage"],
           "bias_V": spec.get("bias_V", np.nan), "mask_file": ""}
    if spec.get("mask", False):  # the experimenter traced the boundaries (Gwyddion mask -> PNG)
        corr = trace["trace_correlation_nm"] * 1e-9 / dx
        disp = tuple(smooth_white(wn, corr, trace["trace_sd_nm"] * 1e-9) for wn in job["trace_white"])
        d_traced, _ = voronoi_distance_at(_pixel_positions_m(n, n, dx, drift, disp), seeds)
        traced = boundary_mask(d_traced.reshape(n, n), dx)
        row["mask_file"] = f"maps/{map_id}_mask.png"
        _write_png_mask(raw_dir / row["mask_file"], traced)
        entry["mask_traced_sd_nm"] = trace["trace_sd_nm"]
    return row, entry


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator,
          writer: FileWriter | None = None) -> dict[str, list[dict]]:
    """Write the AFM maps of ``cfg["maps"]`` and their truth; return the ``maps.tsv`` rows.

    Parameters
    ----------
    raw_dir, truth_dir
        Dataset and truth folders.
    cfg
        The whole ``lab`` config; this domain reads ``maps`` and ``material`` (see config.yaml).
    rng
        This domain's random stream: every map's random numbers are drawn from it here, in order.
    writer
        Where the maps are computed from their draws and written
        (:class:`llzo.lab.parallel.FileWriter`); ``None``: in this process.
    """
    c, mat = cfg["maps"], cfg["material"]
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    (raw_dir / "maps").mkdir(parents=True, exist_ok=True)
    tdir = truth_dir / "maps"
    tdir.mkdir(parents=True, exist_ok=True)
    specs = expand_map_specs(c["maps"])
    progress = Progress("virtual lab: AFM maps", len(specs), "maps")
    with contextlib.ExitStack() as stack:
        writer = writer or stack.enter_context(FileWriter(1))
        for spec in specs:
            writer.submit(_render_map, _draw_map(spec, c, rng), c, mat, raw_dir, tdir, progress=progress)
        done = writer.results()
    rows, truth = [row for row, _ in done], {"maps": {row["map_id"]: entry for row, entry in done}}
    (truth_dir / "maps_truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return {"maps": rows}
