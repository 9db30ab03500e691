"""One matplotlib style for every figure, and saving with provenance.

Use :func:`use_style` at the top of a notebook and :func:`save_figure` for each panel: it writes
``fig<panel>.png`` and ``fig<panel>.pdf`` whose metadata carry the notebook, the git commit,
the parameters and the SHA-256 of the raw inputs (``provenance`` from the notebook runner).
"""

from llzo.figures.style import PAPER_UNITS, save_figure, use_style

__all__ = ["PAPER_UNITS", "save_figure", "use_style"]
