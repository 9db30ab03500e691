"""Shared plotting helpers (llzo.figures.style): paper-unit labels and the scale bar."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from llzo.figures.style import PAPER_UNITS, axis_label, scale_bar


def test_axis_labels_in_paper_units():
    assert axis_label("x", "um") == "x (µm)"
    assert axis_label("Contact area A", "nm2") == "Contact area A (nm$^2$)"
    assert axis_label("j", "mA_cm2") == "j (mA cm$^{-2}$)"
    assert axis_label("Time", "h") == "Time (h)"
    assert axis_label("Cycle") == "Cycle"
    assert PAPER_UNITS["bias"] == "Bias (V vs Li/Li$^+$)" and PAPER_UNITS["x_um"] == "x (µm)"


def test_scale_bar_length_in_pixels():
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((100, 200)))
    scale_bar(ax, 50.0, 2.5)  # 50 nm at 2.5 nm per pixel: 20 pixels
    (line,) = ax.lines
    x = line.get_xdata()
    assert x[1] - x[0] == 20.0
    assert ax.texts[0].get_text() == "50 nm"
    plt.close(fig)
