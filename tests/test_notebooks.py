"""Every notebook: its defaults are what the pipeline gives it, and exploring never touches the results.

The defaults of a notebook's parameters cell are what a reader runs in Jupyter; the pipeline
injects the values of ``workflow/config/config.yaml``. They must agree, or Jupyter shows other
numbers than the report. The rule's arguments are taken from a dry run of the real workflow
(``snakemake -n -p``), so every registered notebook is covered, whoever wrote it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pandas as pd
import pytest

from llzo import interim
from llzo.claims import Claim, write_claims

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))


@pytest.fixture(scope="module")
def specs() -> dict[str, dict]:
    """``{notebook: spec}`` of every notebook job of the demo DAG (the JSON the rule passes to the runner)."""
    res = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-p", "--forceall", "--cores", "1"], cwd=REPO,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    out = {}
    for m in re.finditer(r"run-notebook --spec ('.*?')\s*$", res.stdout + res.stderr, flags=re.M):
        spec = json.loads(shlex.split(m.group(1))[0])
        out[Path(spec["notebook"]).stem] = spec
    return out


def parameters_cell(path: Path) -> dict:
    """Values assigned in the cell tagged ``parameters`` (literals only)."""
    nb = jupytext.read(path)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: expected one cell tagged parameters"
    values = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"{path.name}: not a plain assignment"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def test_every_notebook_is_registered(specs):
    assert sorted(specs) == sorted(p.stem for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_defaults_equal_what_the_pipeline_passes(specs, path):
    spec = specs[path.stem]
    defaults = parameters_cell(path)

    def rel(p: str) -> str:  # the runner passes paths relative to notebooks/
        return f"../{p}"

    expected = dict(spec["params"])
    expected.update({f"{k}_path": rel(v) for k, v in spec["inputs"].items()})
    expected.update({k: rel(v) for k, v in spec["dirs"].items()})
    missing = sorted(k for k in spec["params"] if k not in defaults)
    assert not missing, f"{path.name}: the pipeline passes {missing}, which the parameters cell lacks"
    differ = {k: (defaults[k], expected[k]) for k in defaults if k in expected and defaults[k] != expected[k]}
    assert not differ, f"{path.name}: default != pipeline value: {differ}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_go_through_start_notebook(path):
    """Every notebook takes the ``outputs`` parameter and calls start_notebook with its own name."""
    defaults = parameters_cell(path)
    assert defaults.get("outputs", "missing") is None, f"{path.name}: parameter `outputs = None` missing"
    assert set(defaults) & {"figures_dir", "claims_path", "tables_dir"} == set()
    text = path.read_text(encoding="utf-8")
    assert f'start_notebook("{path.stem}", outputs, results_dir)' in text
    assert "to_csv(" not in text and "write_claims(" not in text and "save_figure(" not in text


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_exploring_in_jupyter_leaves_the_results_alone(tmp_path):
    """Run the Eq. 1 notebook as Jupyter does (its defaults, no pipeline): only results/demo/explore/ changes."""
    from nbclient import NotebookClient

    from llzo.pipeline.notebook import ensure_kernel

    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(REPO / "notebooks" / "eq1_contact_area.py", nbdir)
    meta = pd.DataFrame({"sweep_id": ["s1", "s2", "p1"], "file": ["a", "b", "c"], "protocol": "trigger",
                         "site": ["GB", "GI", "GB"], "electrode": ["tip", "tip", "pad"],
                         "tip_radius_nm": [20.0, 20.0, None], "tip_force_nN": [400.0, 400.0, None],
                         "pad_side_um": [None, None, 5.0], "compliance_A": 1e-3})
    data = pd.DataFrame({"sweep_id": ["s1"], "cycle": [1], "time_s": [0.0], "bias_V": [0.0], "current_A": [0.0]})
    interim.write_sweeps(tmp_path / "data/interim/demo", meta, data,
                         pd.DataFrame({"path": ["sweeps.tsv"], "bytes": [1], "sha256": ["0" * 64]}))
    results = tmp_path / "results" / "demo"
    write_claims(results / "claims" / "fig3_maps.json", [Claim("modulus_gi_GPa", 150.0)])
    write_claims(results / "claims" / "eq1_contact_area.json", [Claim("contact_area_nm2", 1.0, note="pipeline")])
    (results / "figures" / "eq1_contact_area").mkdir(parents=True)
    (results / "figures" / "eq1_contact_area" / "figEq1.png").write_bytes(b"pipeline figure")
    (results / "tables").mkdir()
    (results / "tables" / "contact_area.csv").write_text("pipeline table\n")
    before = _digest(results)

    ensure_kernel()
    nb = jupytext.read(nbdir / "eq1_contact_area.py")
    NotebookClient(nb, kernel_name="llzo", timeout=300, resources={"metadata": {"path": str(nbdir)}}).execute()

    after = _digest(results)
    assert {k: v for k, v in after.items() if not k.startswith("explore/")} == before
    assert sorted(k for k in after if k.startswith("explore/")) == [
        "explore/eq1_contact_area/claims.json", "explore/eq1_contact_area/figures/figEq1.pdf",
        "explore/eq1_contact_area/figures/figEq1.png", "explore/eq1_contact_area/tables/contact_area.csv"]
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    first = outputs[0]
    assert first["output_type"] == "stream" and first["text"].startswith("Exploring: not run by the pipeline")
    assert "../results/demo/explore/eq1_contact_area" in first["text"]
    claims = json.loads((results / "explore/eq1_contact_area/claims.json").read_text())["claims"]
    assert claims[0]["claim_id"] == "contact_area_nm2" and "E*=150.0 GPa" in claims[0]["note"]
