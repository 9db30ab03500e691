"""Plotting: one style, paper units on axes, and one module of panel functions per topic.

Panel functions take an ``ax`` (or a figure) and data and draw; they read and write no files.
:func:`use_style` and :func:`save_figure` (provenance in the PNG/PDF metadata) are in
:mod:`llzo.figures.style`; :func:`llzo.figures.notebook.start_notebook` is the first call of every
notebook (where it writes, import guard). Topics: :mod:`~llzo.figures.contact` (Eq. 1),
:mod:`~llzo.figures.trigger` (Fig. 1e, 2c-f, 5c, S5, S11b), :mod:`~llzo.figures.maps` (Fig. 2a,b
and 3), :mod:`~llzo.figures.memristor` (Fig. 6e-i).
"""

from llzo.figures.style import PAPER_UNITS, axis_label, save_figure, scale_bar, use_style

__all__ = ["PAPER_UNITS", "axis_label", "save_figure", "scale_bar", "use_style"]
