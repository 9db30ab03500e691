"""Benchmark: level + boundaries + profiles of a 2048 x 2048 AFM map (goal < 5 s on 2 cores).

Prints the time of llzo.analysis.maps and its ratio to a reference implementation measured in
the same run (straightforward scikit-image route: per-row np.polyfit-free lstsq plane, Sato
filter, Otsu, skeletonisation, EDT, binned profile with a Python loop over bins).

    PYTHONPATH=workflow .venv/bin/python workflow/scripts/bench/bench_maps.py
"""

from __future__ import annotations

import time

import numpy as np
from scipy import ndimage as ndi

from llzo.analysis import maps as am
from llzo.lab.maps import height_map, voronoi_distance_m

N, DX = 2048, 2e-9
SURF = {"groove_depth_nm": 4.0, "groove_width_nm": 12.0, "grain_height_sd_nm": 0.8, "tilt_max": 0.01,
        "height_offset_nm": 150.0, "line_offset_sd_nm": 1.5, "height_noise_nm": 0.15, "scars": 3,
        "scar_height_nm": 6.0}


def ours(h, e):
    r = am.prepare_map(h, DX, DX, groove_sd_nm=10.0, min_grain_area_nm2=1000.0)
    am.binned_profile(e, r["distance_nm"], DX * 1e9, 120.0)
    _gb, _gi = am.gb_gi_values(e, r["distance_nm"], 30.0, 100.0)
    lines = am.profile_lines(r["boundary"], r["distance_nm"], DX, DX, 5, 120.0)
    am.sample_lines(e, lines, DX, DX, 120.0)
    return r["boundary"]


def reference(h, e):
    from skimage.filters import sato, threshold_otsu
    from skimage.morphology import skeletonize

    ny, nx = h.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    a = np.column_stack([np.ones(h.size), xx.ravel(), yy.ravel()])
    coef, *_ = np.linalg.lstsq(a, h.ravel(), rcond=None)
    z = h - (a @ coef).reshape(h.shape)
    z = z - np.array([np.median(r) for r in z])[:, None]
    v = sato(z, sigmas=[5], black_ridges=True)
    b = skeletonize(v > threshold_otsu(v))
    d = ndi.distance_transform_edt(~b) * DX * 1e9
    [e[(d >= k * 2) & (d < (k + 1) * 2)].mean() for k in range(60)]
    return b


def main() -> None:
    rng = np.random.default_rng(0)
    dist, gid, _ = voronoi_distance_m(N, N, DX, 450e-9, rng)
    h = height_map(dist, gid, SURF, DX, rng)
    e = 145 - 41 * np.exp(-0.5 * (dist * 1e9 / 15) ** 2) + rng.normal(0, 4, dist.shape)
    t0 = time.perf_counter()
    ours(h, e)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference(h, e)
    t_ref = time.perf_counter() - t0
    print(f"bench_maps {N}x{N}: llzo {t_ours:.2f} s (goal < 5 s: {'ok' if t_ours < 5 else 'SLOW'}), "
          f"reference {t_ref:.2f} s, ratio llzo/reference = {t_ours / t_ref:.2f}")


if __name__ == "__main__":
    main()
