"""Eq. 1 panel: Hertz contact area vs tip force for a few tip radii."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from llzo.analysis.contact import ContactResult, hertz_contact_area_m2
from llzo.figures.style import axis_label


def plot_contact_area(ax: plt.Axes, result: ContactResult, tip_radii_nm: Sequence[float], force_max_nN: float) -> None:
    """A(P) from Eq. 1 at the dataset's E* for ``tip_radii_nm`` and the dataset's median radius.

    Parameters
    ----------
    ax
        Target axes.
    result
        :func:`llzo.analysis.contact.contact_area` of the dataset (E*, median r and P, the claim).
    tip_radii_nm
        Radii drawn (nm).
    force_max_nN
        Upper end of the force axis (nN).
    """
    force = np.linspace(10, force_max_nN, 200)
    e_pa = result.modulus_GPa * 1e9
    for r in sorted({*tip_radii_nm, result.radius_nm}):
        ax.plot(force, hertz_contact_area_m2(r * 1e-9, force * 1e-9, e_pa) * 1e18, label=f"r = {r:g} nm")
    ax.plot([result.force_nN], [result.area_nm2], "o", color="k", label="this dataset")
    ax.set_xlabel(axis_label("Tip force P", "nN"))
    ax.set_ylabel(axis_label("Contact area A", "nm2"))
    ax.set_title(f"Eq. 1, E* = {result.modulus_GPa:.0f} GPa")
    ax.legend()
