"""Parameters of the FE Li+ flux model: the ``fe`` config section, checked with clear messages.

Lengths are in um and conductivities in S/cm in the config (the paper's units); the solver works
in SI (m, S/m). Use :func:`fe_params` to turn the config dict into a frozen :class:`FEParams`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

UM = 1e-6  # m per um
S_PER_CM = 100.0  # (S/m) per (S/cm)
OHM_CM2 = 1e-4  # ohm m2 per ohm cm2


class FEConfigError(ValueError, RuntimeError):
    """An ``fe`` config that cannot describe a physical model (message names the key)."""


@dataclass(frozen=True)
class FEParams:
    """Geometry, materials and numerics of one polycrystal model (SI units inside).

    Attributes
    ----------
    width_m, llzo_thickness_m
        LLZO cross-section: width along the Li electrodes, thickness between them.
    grain_size_m
        Mean grain size: the Voronoi seed density is one seed per ``grain_size_m**2``.
    lloyd_iterations
        Lloyd relaxation steps of the Voronoi seeds (0 = Poisson-Voronoi).
    gb_thickness_m
        Grain-boundary thickness delta (5 nm in the paper).
    sigma_grain_S_m, sigma_gb_S_m, sigma_hl_S_m
        Ionic conductivities of the grain interior, the boundary and the homogenizing layer.
    hl_thickness_m
        Thickness of each HL slab (one on each Li side) in the ``hl`` case.
    bias_high_V, bias_low_V
        Potentials of the two Li electrodes (y = 0 and y = top).
    cell_m
        Finite-volume cell size (square cells).
    r_int_ohm_m2
        Area resistance of each Li|electrolyte interface (the electrode faces at y = 0 and y =
        top; Li|HL in the ``hl`` case): a Robin condition j = (phi_electrode - phi) / R_int
        (:mod:`llzo.fe.assembly`). 0 is the paper's ideal contact (fixed potentials).
    """

    width_m: float
    llzo_thickness_m: float
    grain_size_m: float
    lloyd_iterations: int
    gb_thickness_m: float
    sigma_grain_S_m: float
    sigma_gb_S_m: float
    sigma_hl_S_m: float
    hl_thickness_m: float
    bias_high_V: float
    bias_low_V: float
    cell_m: float
    r_int_ohm_m2: float = 0.0

    @property
    def gb_area_resistance_ohm_m2(self) -> float:
        """Area resistance of a boundary, delta / sigma_gb (ohm m2)."""
        return self.gb_thickness_m / self.sigma_gb_S_m

    def with_cell(self, cell_m: float) -> FEParams:
        """Return the same model on another grid."""
        return check(replace(self, cell_m=cell_m))

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> FEParams:
        """Build the model of the ``fe`` config section (see :func:`fe_params`)."""
        return fe_params(block)


@dataclass(frozen=True)
class FEReadoutParams:
    """How the claims are read off a solved model (the ``fe`` config's read-out keys).

    Attributes
    ----------
    window_m
        Running-mean width for interface current densities (``hotspot_window_um``).
    min_contact_m
        A grain counts in the per-grain hot-spot ratio when it touches the Li over at least this
        length (``hotspot_min_contact_um``).
    homogenized_tolerance_pct
        The HL is homogenized where max/mean of the current density falls within this % (claim
        ``fe_hl_homogenized_um``).
    """

    window_m: float
    min_contact_m: float
    homogenized_tolerance_pct: float

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> FEReadoutParams:
        """Read ``hotspot_window_um``, ``hotspot_min_contact_um`` and ``homogenized_tolerance_pct``."""
        r = cls(window_m=_num(block, "hotspot_window_um") * UM,
                min_contact_m=_num(block, "hotspot_min_contact_um") * UM,
                homogenized_tolerance_pct=_num(block, "homogenized_tolerance_pct"))
        if not r.window_m > 0:
            raise FEConfigError(f"fe config: hotspot_window_um = {r.window_m / UM:g} um must be > 0")
        if not r.min_contact_m >= 0:
            raise FEConfigError(f"fe config: hotspot_min_contact_um = {r.min_contact_m / UM:g} um must be >= 0")
        if not r.homogenized_tolerance_pct > 0:
            raise FEConfigError("fe config: homogenized_tolerance_pct must be > 0")
        return r


def _num(cfg: Mapping[str, Any], key: str) -> float:
    if key not in cfg:
        raise FEConfigError(f"fe config: missing key {key!r}")
    v = cfg[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise FEConfigError(f"fe config: {key} must be a number, got {v!r}")
    return float(v)


def _is_multiple(length: float, cell: float) -> bool:
    n = length / cell
    return abs(n - round(n)) < 1e-6 * max(1.0, n)


def check(p: FEParams) -> FEParams:
    """Raise :class:`FEConfigError` with a clear message when ``p`` is not a valid model."""
    for name in ("sigma_grain_S_m", "sigma_gb_S_m", "sigma_hl_S_m"):
        v = getattr(p, name)
        if not v > 0:
            key = name.replace("_S_m", "_S_cm")
            raise FEConfigError(f"fe config: {key} = {v / S_PER_CM:g} S/cm; a conductivity must be > 0")
    for name in ("width_m", "llzo_thickness_m", "grain_size_m", "gb_thickness_m", "cell_m"):
        v = getattr(p, name)
        if not v > 0:
            raise FEConfigError(f"fe config: {name.replace('_m', '_um')} = {v / UM:g} um must be > 0")
    if p.hl_thickness_m < 0:
        raise FEConfigError(f"fe config: hl_thickness_um = {p.hl_thickness_m / UM:g} um must be >= 0")
    if p.grain_size_m > min(p.width_m, p.llzo_thickness_m):
        raise FEConfigError(
            f"fe config: grain_size_um = {p.grain_size_m / UM:g} um is larger than the domain "
            f"({p.width_m / UM:g} um x {p.llzo_thickness_m / UM:g} um); a polycrystal needs several "
            f"grains: make grain_size_um smaller than width_um and llzo_thickness_um"
        )
    if p.gb_thickness_m >= p.grain_size_m:
        raise FEConfigError("fe config: gb_thickness_nm must be much smaller than grain_size_um")
    if p.cell_m > p.grain_size_m / 4:
        raise FEConfigError(
            f"fe config: cell_um = {p.cell_m / UM:g} um does not resolve grains of {p.grain_size_m / UM:g} um "
            f"(use at most grain_size_um / 4)"
        )
    for name in ("width_m", "llzo_thickness_m", "hl_thickness_m"):
        if not _is_multiple(getattr(p, name), p.cell_m):
            raise FEConfigError(
                f"fe config: {name.replace('_m', '_um')} = {getattr(p, name) / UM:g} um is not a multiple "
                f"of cell_um = {p.cell_m / UM:g} um"
            )
    if not p.r_int_ohm_m2 >= 0:
        raise FEConfigError(f"fe config: R_int_ohm_cm2 = {p.r_int_ohm_m2 / OHM_CM2:g} ohm cm2 must be >= 0")
    if p.bias_high_V == p.bias_low_V:
        raise FEConfigError("fe config: bias_high_V and bias_low_V must differ")
    if p.lloyd_iterations < 0:
        raise FEConfigError("fe config: lloyd_iterations must be >= 0")
    return p


def fe_params(cfg: Mapping[str, Any], cell_um: float | None = None) -> FEParams:
    """Build and check :class:`FEParams` from the ``fe`` config section.

    Parameters
    ----------
    cfg
        The ``fe`` section of ``config.yaml`` (keys with units: ``width_um``, ``sigma_gb_S_cm``...).
    cell_um
        Override ``cell_um`` (mesh-convergence studies, benchmarks).
    """
    p = FEParams(
        width_m=_num(cfg, "width_um") * UM,
        llzo_thickness_m=_num(cfg, "llzo_thickness_um") * UM,
        grain_size_m=_num(cfg, "grain_size_um") * UM,
        lloyd_iterations=int(cfg.get("lloyd_iterations", 0)),
        gb_thickness_m=_num(cfg, "gb_thickness_nm") * 1e-9,
        sigma_grain_S_m=_num(cfg, "sigma_grain_S_cm") * S_PER_CM,
        sigma_gb_S_m=_num(cfg, "sigma_gb_S_cm") * S_PER_CM,
        sigma_hl_S_m=_num(cfg, "sigma_hl_S_cm") * S_PER_CM,
        hl_thickness_m=_num(cfg, "hl_thickness_um") * UM,
        bias_high_V=_num(cfg, "bias_high_V"),
        bias_low_V=_num(cfg, "bias_low_V"),
        cell_m=(cell_um if cell_um is not None else _num(cfg, "cell_um")) * UM,
        r_int_ohm_m2=_num(cfg, "R_int_ohm_cm2") * OHM_CM2,
    )
    return check(p)
