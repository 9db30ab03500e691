"""The notebook runner: outputs on success; on failure a kept .failed.ipynb and no partial outputs."""

from __future__ import annotations

import json

import nbformat
import pytest

from llzo.pipeline.notebook import run_notebook

GOOD = '''# %% [markdown]
# # test notebook

# %% tags=["parameters"]
x_path = "nowhere"
scale_V = 1.0
results_dir = "r"
outputs = None

# %%
import matplotlib.pyplot as plt
from pathlib import Path
from llzo.claims import Claim
from llzo.figures.notebook import start_notebook
run = start_notebook("good", outputs, results_dir)
value = float(Path(x_path).read_text()) * scale_V
fig, ax = plt.subplots()
ax.plot([0, 1], [0, value])
run.save(fig, "Eq1")
run.claims([Claim("contact_area_nm2", value)])
print("value", value)
'''

BAD = GOOD.replace('print("value", value)', 'raise ValueError("deliberate failure in the notebook")')


def _run(tmp_path, source: str, name: str):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir(exist_ok=True)
    (nbdir / f"{name}.py").write_text(source)
    (tmp_path / "in.txt").write_text("2.5")
    (tmp_path / "manifest.tsv").write_text("path\tbytes\tsha256\nin.txt\t3\tabc\n")
    out = tmp_path / "results"
    kw = dict(
        notebook=nbdir / f"{name}.py", ipynb=out / f"{name}.ipynb", html=out / f"{name}.html",
        claims=out / f"{name}.json", figures_dir=out / "figures" / name,
        inputs={"x": tmp_path / "in.txt"}, params={"scale_V": 2.0}, manifests=[tmp_path / "manifest.tsv"],
    )
    run_notebook(**kw)
    return kw


def test_success_writes_all_outputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kw = _run(tmp_path, GOOD, "good")
    doc = json.loads(kw["claims"].read_text())
    assert doc["claims"][0]["reproduced"] == 5.0
    assert doc["notebook"] == "good" and len(doc["raw_sha256"]) == 64
    assert (kw["figures_dir"] / "figEq1.png").is_file() and (kw["figures_dir"] / "figEq1.pdf").is_file()
    nb = nbformat.read(kw["ipynb"], as_version=4)
    assert "start_time" not in nb.metadata["papermill"]
    assert any("value 5.0" in "".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []))
    # parameters were injected relative to the notebook folder (no absolute paths)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'x_path = "../in.txt"' in injected.source
    assert str(tmp_path) not in injected.source
    assert "<html" in kw["html"].read_text()[:2000].lower()


def test_failure_keeps_failed_notebook_and_no_outputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError, match="deliberate failure") as exc:
        _run(tmp_path, BAD, "bad")
    out = tmp_path / "results"
    failed = out / "bad.failed.ipynb"
    assert str(failed) in str(exc.value)
    assert failed.is_file()
    nb = nbformat.read(failed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0]["evalue"] == "deliberate failure in the notebook"
    assert not (out / "bad.ipynb").exists()
    assert not (out / "bad.json").exists()
    assert not (out / "figures" / "bad").exists()
    assert not list(out.glob(".*.tmp*"))


def test_runner_passes_outputs_and_dirs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = GOOD.replace('outputs = None\n', 'outputs = None\ninterim_dir = "x"\n').replace(
        'print("value", value)', 'print("outputs", sorted(outputs), outputs["claims_path"], interim_dir)')
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    (nbdir / "o.py").write_text(src)
    (tmp_path / "in.txt").write_text("1")
    (tmp_path / "data" / "interim" / "d").mkdir(parents=True)
    out = tmp_path / "results"
    run_notebook(notebook=nbdir / "o.py", ipynb=out / "o.ipynb", html=out / "o.html", claims=out / "o.json",
                 figures_dir=out / "figures" / "o", inputs={"x": tmp_path / "in.txt"}, params={"scale_V": 1.0},
                 manifests=[], dirs={"interim_dir": tmp_path / "data" / "interim" / "d"})
    nb = nbformat.read(out / "o.ipynb", as_version=4)
    assert "llzo-guard" in nb.cells[0].metadata["tags"]
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "outputs ['claims_path', 'figures_dir', 'provenance', 'tables_dir'] ../results/o.json ../data/interim/d" \
        in text
    assert (out.parent / "results" / "tables").is_dir()  # default tables folder beside figures/


@pytest.mark.parametrize(("line", "what"), [
    ("import llzo.lab.sweeps", "notebooks must not import llzo.lab"),
    ("from llzo.pipeline import notebook", "notebooks must not import llzo.pipeline"),
    ("open('../data/truth/demo/sweeps_truth.tsv')", "must not read the virtual lab's ground truth"),
])
def test_runner_refuses_lab_pipeline_and_truth(tmp_path, monkeypatch, line, what):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "truth" / "demo").mkdir(parents=True)
    (tmp_path / "data" / "truth" / "demo" / "sweeps_truth.tsv").write_text("x\n")
    with pytest.raises(RuntimeError, match=what):
        _run(tmp_path, GOOD.replace('print("value", value)', line), "forbidden")
    assert (tmp_path / "results" / "forbidden.failed.ipynb").is_file()


def test_stream_chunks_are_merged_whatever_the_timing():
    from llzo.pipeline.notebook import coalesce_streams

    def cell(*outs):
        return nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(**o) for o in outs])

    a = nbformat.v4.new_notebook(cells=[cell({"output_type": "stream", "name": "stdout", "text": "one\n"},
                                             {"output_type": "stream", "name": "stderr", "text": "warn\n"},
                                             {"output_type": "stream", "name": "stdout", "text": "two\n"},
                                             {"output_type": "execute_result", "data": {"text/plain": "1"},
                                              "execution_count": 1})])
    b = nbformat.v4.new_notebook(cells=[cell({"output_type": "stream", "name": "stdout", "text": "one\ntwo\n"},
                                             {"output_type": "stream", "name": "stderr", "text": "warn\n"},
                                             {"output_type": "execute_result", "data": {"text/plain": "1"},
                                              "execution_count": 1})])
    coalesce_streams(a)
    coalesce_streams(b)
    assert a.cells[0].outputs == b.cells[0].outputs  # (random cell ids aside)
    assert [o["output_type"] for o in a.cells[0].outputs] == ["stream", "stream", "execute_result"]
