"""Hertz contact mechanics of the c-AFM tip on LLZO (paper Eq. 1).

References
----------
K. L. Johnson, *Contact Mechanics*, Cambridge University Press (1985), ch. 4: the contact radius
of a sphere of radius r pressed with force P on a half-space is a = (3 P r / 4 E*)^(1/3), so the
contact area is A = pi a^2 = pi (3 P r / 4 E*)^(2/3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def hertz_contact_area_m2(radius_m: float | np.ndarray, force_N: float | np.ndarray,
                          modulus_Pa: float | np.ndarray) -> float | np.ndarray:
    """Hertz contact area of a sphere on a flat (paper Eq. 1).

    Parameters
    ----------
    radius_m
        Tip radius r in m.
    force_N
        Normal force P in N.
    modulus_Pa
        Effective modulus E* in Pa.

    Returns
    -------
    float or ndarray
        Contact area A = pi (3 P r / (4 E*))^(2/3) in m^2.
    """
    r, p, e = (np.asarray(x, dtype=float) for x in (radius_m, force_N, modulus_Pa))
    if np.any(r <= 0) or np.any(p < 0) or np.any(e <= 0):
        raise ValueError("radius and modulus must be > 0 and force >= 0")
    out = np.pi * (3.0 * p * r / (4.0 * e)) ** (2.0 / 3.0)
    return float(out) if out.ndim == 0 else out


def tip_contact_table(meta: pd.DataFrame, modulus_GPa: float) -> pd.DataFrame:
    """Contact area and the current density at compliance for every tip row of a sweep sheet.

    Parameters
    ----------
    meta
        ``sweeps.tsv`` rows (columns ``electrode``, ``tip_radius_nm``, ``tip_force_nN``,
        ``compliance_A``).
    modulus_GPa
        Effective modulus E* in GPa.

    Returns
    -------
    pandas.DataFrame
        ``sweep_id, tip_radius_nm, tip_force_nN, contact_area_nm2, compliance_A,
        j_compliance_A_cm2`` (current density at the compliance current).
    """
    tips = meta[meta["electrode"] == "tip"].copy()
    area_m2 = hertz_contact_area_m2(tips["tip_radius_nm"].to_numpy() * 1e-9,
                                    tips["tip_force_nN"].to_numpy() * 1e-9, modulus_GPa * 1e9)
    tips["contact_area_nm2"] = np.atleast_1d(area_m2) * 1e18
    tips["j_compliance_A_cm2"] = tips["compliance_A"] / (np.atleast_1d(area_m2) * 1e4)
    return tips[["sweep_id", "tip_radius_nm", "tip_force_nN", "contact_area_nm2", "compliance_A",
                 "j_compliance_A_cm2"]].reset_index(drop=True)
