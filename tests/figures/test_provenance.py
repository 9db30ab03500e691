"""Figures carry provenance in their metadata, and the bytes are reproducible."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from PIL import Image
from pypdf import PdfReader

from llzo.figures import save_figure, use_style


def _fig():
    use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    return fig


def test_png_and_pdf_metadata(tmp_path):
    prov = {"notebook": "notebooks/x.py", "git_commit": "abc", "parameters": {"a_V": 1}, "raw_sha256": "f00"}
    png, pdf = save_figure(_fig(), "2e", tmp_path, prov)
    assert png.name == "fig2e.png" and pdf.name == "fig2e.pdf"
    text = Image.open(png).text
    assert json.loads(text["Description"]) == prov
    info = PdfReader(pdf).metadata
    assert json.loads(info["/Subject"]) == prov


def test_bytes_are_deterministic(tmp_path):
    a = save_figure(_fig(), "x", tmp_path / "a", {"k": 1})
    b = save_figure(_fig(), "x", tmp_path / "b", {"k": 1})
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
