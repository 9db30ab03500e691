"""The robustness figure (claims x parameters) drawn from a summary table, without I/O."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.figures.robustness import FRAGILE_COLOR, change_matrix, plot_robustness

SUMMARY = pd.DataFrame([
    {"claim_id": "a_V", "analysis": "s1", "parameter": "p", "max_rel_change_pct": 5.0, "n_not_computed": 0,
     "verdict": "robust"},
    {"claim_id": "b_V", "analysis": "s1", "parameter": "p", "max_rel_change_pct": math.inf, "n_not_computed": 1,
     "verdict": "fragile"},
    {"claim_id": "b_V", "analysis": "s2", "parameter": "q", "max_rel_change_pct": 0.0, "n_not_computed": 0,
     "verdict": ""},
])
CLAIMS = ["a_V", "b_V"]
PARAMS = [("s1", "p"), ("s2", "q")]


def test_change_matrix_places_each_cell():
    change, fragile, not_computed = change_matrix(SUMMARY, CLAIMS, PARAMS)
    assert change[0, 0] == 5.0 and math.isinf(change[1, 0]) and change[1, 1] == 0.0
    assert np.isnan(change[0, 1])  # q does not act on a_V
    assert fragile.tolist() == [[False, False], [True, False]]
    assert not_computed.tolist() == [[False, False], [True, False]]


def test_plot_marks_fragile_cells_and_labels_the_axes():
    fig, ax = plt.subplots()
    plot_robustness(ax, SUMMARY, CLAIMS, PARAMS)
    assert ax.images
    frames = [p for p in ax.patches if p.get_edgecolor()[:3] == plt.matplotlib.colors.to_rgb(FRAGILE_COLOR)]
    assert len(frames) == 1 and frames[0].get_xy() == (-0.5, 0.5)
    texts = {t.get_text() for t in ax.texts}
    assert {"5", "n/a"} <= texts
    assert [t.get_text() for t in ax.get_xticklabels()] == ["s1: p", "s2: q"]
    assert [t.get_text() for t in ax.get_yticklabels()] == CLAIMS
    plt.close(fig)
