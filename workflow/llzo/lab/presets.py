"""Lab presets: other virtual-lab datasets made from the same models with other parameters.

A preset is ``workflow/config/lab_presets/<name>.yaml`` holding ``seed`` and ``lab``: overrides
of the config's ``lab`` section. ``--config dataset=<name>`` makes the ``demo_data`` rule write
``data/raw/<name>/`` and ``data/truth/<name>/`` from the merged section; the rest of the workflow
treats it like any dataset. Merge rule: mappings merge key by key (recursively), anything else
(numbers, strings, lists such as ``maps.maps`` or ``memristor.devices``) replaces the base value.
The dataset ``demo`` is the config's ``lab`` section and ``seed`` unchanged.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

#: Folder of the preset files, relative to the project root.
PRESET_DIR = Path("workflow/config/lab_presets")


def deep_merge(base: dict, overrides: dict) -> dict:
    """Apply ``overrides`` to ``base``: mappings merge recursively, other values replace."""
    out = copy.deepcopy(base)
    for k, v in overrides.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def preset_path(name: str, root: str | Path = ".") -> Path:
    """Return the preset file of dataset ``name`` (it may not exist)."""
    return Path(root) / PRESET_DIR / f"{name}.yaml"


def is_lab_dataset(name: str, root: str | Path = ".") -> bool:
    """Whether the virtual lab writes dataset ``name`` (``demo`` or a preset)."""
    return name == "demo" or preset_path(name, root).is_file()


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
        When ``name`` is neither ``demo`` nor a preset.
    ValueError
        When the preset file lacks ``seed`` or has keys other than ``seed``, ``lab`` and
        ``description``.
    """
    if name == "demo":
        return copy.deepcopy(base_lab), int(base_seed)
    path = preset_path(name, root)
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    extra = set(spec) - {"seed", "lab", "description"}
    if "seed" not in spec or extra:
        raise ValueError(f"{path}: a lab preset holds `seed`, `lab` (overrides of the config's lab section) and an "
                         f"optional `description`; found {sorted(spec)}")
    return deep_merge(base_lab, spec.get("lab") or {}), int(spec["seed"])
