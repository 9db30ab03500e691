"""Lab presets: other virtual-lab datasets made from the same models with other parameters.

A preset is ``workflow/config/lab_presets/<name>.yaml`` holding ``seed`` and ``lab``: overrides
of the config's ``lab`` section. ``--config dataset=<name>`` makes the ``demo_data`` rule write
``data/raw/<name>/`` and ``data/truth/<name>/`` from the merged section; the rest of the workflow
treats it like any dataset. Merge rule: mappings merge key by key (recursively), anything else
(numbers, strings, lists such as ``maps.maps`` or ``memristor.devices``) replaces the base value.
The dataset ``demo`` is the config's ``lab`` section and ``seed`` unchanged.

Two more keys make a family of sizes out of one preset:

``extends: <preset>``
    Start from that preset (its merged ``lab`` section and its ``seed``) instead of the config's
    ``lab``; this preset's ``lab`` overrides merge on top and its ``seed``, when given, replaces
    the base's.
``size_scale: <factor>``
    Multiply every *count* of the lab (sweeps per distance, HL sweeps, pad sweeps per side, maps
    per map entry, PEIS cells per group, CCD and SYM cells per interlayer; :data:`COUNT_KEYS`)
    by the factor, rounded, at least 1. Sizes of one measurement (pixels, points, durations) are
    kept: a smaller dataset is fewer measurements of the same kind, as a shorter stay in the lab
    would give. ``labscale_1of16`` and ``labscale_1of4`` are ``labscale`` at 1/16 and 1/4.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

#: Folder of the preset files, relative to the project root.
PRESET_DIR = Path("workflow/config/lab_presets")

#: Keys a preset file may hold.
PRESET_KEYS = {"seed", "lab", "description", "extends", "size_scale"}

#: Count knobs of the ``lab`` section that ``size_scale`` multiplies: key paths to an integer or to a
#: list of integers (``maps.maps`` entries are scaled through their ``count``, see :func:`scale_counts`).
COUNT_KEYS = (
    ("sweeps", "plan", "tip_sweeps_per_distance"),
    ("sweeps", "plan", "hl_sweeps"),
    ("sweeps", "plan", "pad_sweeps_per_side"),
    ("echem", "cells_per_group"),
    ("echem", "ccd", "cells_per_interlayer"),
    ("echem", "sym", "cells_per_interlayer"),
)


def deep_merge(base: dict, overrides: dict) -> dict:
    """Apply ``overrides`` to ``base``: mappings merge recursively, other values replace."""
    out = copy.deepcopy(base)
    for k, v in overrides.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def _scaled(n: int, factor: float) -> int:
    """``n`` x ``factor`` rounded half up, at least 1 (0 stays 0)."""
    return 0 if int(n) == 0 else max(1, int(int(n) * factor + 0.5))


def scale_counts(lab: dict, factor: float) -> dict:
    """Return a copy of a ``lab`` section with every count of :data:`COUNT_KEYS` multiplied by ``factor``.

    Counts are rounded half up and never fall below 1, so every kind of measurement stays in the
    dataset. Map entries (``maps.maps``) get their ``count`` (default 1) multiplied; an entry may
    round to no map (it is dropped) unless no other entry of its kind and stage keeps one.
    """
    if factor <= 0:
        raise ValueError(f"size_scale must be > 0, not {factor}")
    out = copy.deepcopy(lab)
    for path in COUNT_KEYS:
        node = out
        for k in path[:-1]:
            node = node.get(k) if isinstance(node, dict) else None
        if not isinstance(node, dict) or path[-1] not in node:
            continue
        v = node[path[-1]]
        node[path[-1]] = [_scaled(x, factor) for x in v] if isinstance(v, list) else _scaled(v, factor)
    maps = out.get("maps")
    if isinstance(maps, dict) and maps.get("maps"):
        counts = [int(int(m.get("count", 1)) * factor + 0.5) for m in maps["maps"]]
        kept = {(m["kind"], m["stage"]) for m, n in zip(maps["maps"], counts, strict=True) if n > 0}
        for m, n in zip(maps["maps"], counts, strict=True):  # a kind and stage left without maps keeps one
            key = (m["kind"], m["stage"])
            m["count"] = n if n > 0 or key in kept else 1
            kept.add(key)
        maps["maps"] = [m for m in maps["maps"] if m["count"] > 0]
    return out


def preset_path(name: str, root: str | Path = ".") -> Path:
    """Return the preset file of dataset ``name`` (it may not exist)."""
    return Path(root) / PRESET_DIR / f"{name}.yaml"


def is_lab_dataset(name: str, root: str | Path = ".") -> bool:
    """Whether the virtual lab writes dataset ``name`` (``demo`` or a preset)."""
    return name == "demo" or preset_path(name, root).is_file()


def preset_files(name: str, root: str | Path = ".") -> list[Path]:
    """List the preset file of ``name`` and those it extends, the named one first (none for ``demo``)."""
    out: list[Path] = []
    while name != "demo":
        path = preset_path(name, root)
        if path in out:
            raise ValueError(f"{path}: `extends` loops back to {name!r}")
        out.append(path)
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        name = spec.get("extends", "demo")
    return out


def resolve(base_lab: dict, base_seed: int, name: str, root: str | Path = ".") -> tuple[dict, int]:
    """Return the ``lab`` section and seed of lab dataset ``name``.

    Parameters
    ----------
    base_lab, base_seed
        The config's ``lab`` section and ``seed`` (the ``demo`` dataset).
    name
        ``demo`` or the name of a preset file.
    root
        Project root.

    Raises
    ------
    FileNotFoundError
        When ``name`` is neither ``demo`` nor a preset (or a preset extends a missing one).
    ValueError
        When the preset file lacks ``seed`` (and extends no preset), has keys other than
        :data:`PRESET_KEYS`, a ``size_scale`` <= 0, or its ``extends`` chain loops.
    """
    if name == "demo":
        return copy.deepcopy(base_lab), int(base_seed)
    path = preset_path(name, root)
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    extra = set(spec) - PRESET_KEYS
    if ("seed" not in spec and "extends" not in spec) or extra:
        raise ValueError(f"{path}: a lab preset holds `seed`, `lab` (overrides of the config's lab section), an "
                         f"optional `description`, and optionally `extends` (a base preset) and `size_scale`; "
                         f"found {sorted(spec)}")
    if "extends" in spec:
        preset_files(name, root)  # refuse a loop before recursing
        lab, seed = resolve(base_lab, base_seed, str(spec["extends"]), root)
    else:
        lab, seed = copy.deepcopy(base_lab), int(base_seed)
    lab = deep_merge(lab, spec.get("lab") or {})
    if "size_scale" in spec:
        lab = scale_counts(lab, float(spec["size_scale"]))
    return lab, int(spec.get("seed", seed))
