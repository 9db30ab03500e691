"""Run a jupytext percent notebook through papermill, the one way every figure is made.

The executed notebook, an HTML copy, the figures and the claims JSON are the outputs. A failing
notebook is kept as ``<name>.failed.ipynb`` (error visible in it), its partial outputs are
removed and the error is raised. The kernel is pinned (``llzo``, registered from the project
environment with ``--sys-prefix`` if missing). Timestamps are stripped and printed text merged
per cell so that two runs give the same executed notebook.

Before the notebook's first cell the runner inserts :data:`GUARD_CELL`
(:func:`llzo.guard.guard_imports`): importing the virtual lab or the rule glue, or
reading ``data/truth``, fails in the notebook with a message saying why. The parameter
``outputs`` tells the notebook where to write (:func:`llzo.figures.notebook.start_notebook`);
without it a notebook is *exploring* and writes only below ``results/<dataset>/explore/``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from llzo.atomic import atomic_path
from llzo.io.manifest import combined_sha256

log = logging.getLogger(__name__)
KERNEL = "llzo"
#: First cell of every executed notebook (tag ``llzo-guard``).
GUARD_CELL = """\
# Inserted by the pipeline's notebook runner: this kernel refuses imports of llzo.lab (the virtual
# lab) and llzo.pipeline (the rule glue) and reads of data/truth.
from llzo.guard import guard_imports

guard_imports()"""


def notebook_outputs(name: str, results_dir: str | Path) -> dict[str, str]:
    """Output paths of notebook ``name`` in the results folder of a dataset.

    Returns
    -------
    dict
        ``notebook`` (its source ``notebooks/<name>.py``), ``ipynb``, ``html`` (executed copies in
        ``notebooks/``), ``claims`` (``claims/<name>.json``), ``figures_dir``
        (``figures/<name>``) and ``tables_dir`` (``tables``), as strings.
    """
    r = str(results_dir)
    return {"notebook": f"notebooks/{name}.py", "ipynb": f"{r}/notebooks/{name}.ipynb",
            "html": f"{r}/notebooks/{name}.html", "claims": f"{r}/claims/{name}.json",
            "figures_dir": f"{r}/figures/{name}", "tables_dir": f"{r}/tables"}


def ensure_kernel(name: str = KERNEL) -> None:
    """Register the project's Python as Jupyter kernel ``name`` (inside this environment)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return
    except NoSuchKernel:
        pass
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", name,
         "--display-name", "llzo (project)"],
        check=True, capture_output=True,
    )
    log.info("registered Jupyter kernel %r for %s", name, sys.executable)


def git_commit(repo: Path) -> str:
    """Return the current commit of the project (``unknown`` outside git), ``-dirty`` if modified."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def merge_streams(outputs: list) -> list:
    """Join consecutive ``stream`` outputs of the same name (stdout/stderr) into one.

    How the kernel splits a cell's printed text into stream messages depends on timing (the
    output is flushed periodically), so two runs of the same cell can store the same text as one
    or as several outputs; joined, the stored notebook is byte-identical.
    """
    merged: list = []
    for o in outputs:
        if (merged and o.get("output_type") == "stream" and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == o.get("name")):
            merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(o["text"])
        else:
            merged.append(o)
    return merged


def strip_timestamps(nb) -> None:
    """Remove run-dependent metadata (times, durations, random cell ids, stream chunking) in place."""
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception"):
        pm.pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        if "outputs" in cell:
            cell["outputs"] = merge_streams(cell["outputs"])
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration", "exception", "status"):
            cpm.pop(key, None)


def coalesce_streams(nb) -> None:
    """Merge each cell's stream outputs of one name (stdout, stderr) into one, in place.

    The kernel sends printed text in chunks on a timer, so a cell that prints while it computes
    is split into a number of stream outputs that depends on the machine's load; merged (as
    nbclient's ``coalesce_streams`` does), two runs give the same executed notebook.
    """
    for cell in nb.cells:
        outputs, first = [], {}
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                if out["name"] in first:
                    first[out["name"]]["text"] += out["text"]
                    continue
                first[out["name"]] = out
            outputs.append(out)
        if "outputs" in cell:
            cell["outputs"] = outputs


def run_notebook(
    notebook: str | Path,
    ipynb: str | Path,
    html: str | Path,
    claims: str | Path,
    figures_dir: str | Path,
    inputs: dict[str, str],
    params: dict,
    manifests: list[str],
    tables_dir: str | Path | None = None,
    dirs: dict[str, str] | None = None,
    kernel: str = KERNEL,
) -> None:
    """Execute ``notebook`` with papermill and write its outputs.

    Parameters
    ----------
    notebook
        ``notebooks/<name>.py`` (jupytext percent format with a ``parameters`` cell).
    ipynb, html
        The executed notebook and its HTML copy.
    claims
        Claims JSON the notebook must write (parameter ``claims_path``).
    figures_dir
        Folder for the figures (parameter ``figures_dir``).
    inputs
        ``{name: path}``; passed as parameter ``<name>_path`` (relative to the notebook folder,
        so that executed notebooks do not depend on where the project lives).
    params
        Parameter values from the config, passed as they are.
    manifests
        Ingest manifests of the raw files used; their combined SHA-256 goes to the figures'
        metadata and to the claims.
    tables_dir
        Folder for result tables (parameter ``tables_dir``); default ``figures_dir/../../tables``.
    dirs
        ``{parameter: folder}`` passed relative to the notebook folder, e.g. ``interim_dir`` and
        ``results_dir``.

    The notebook also receives ``outputs = {"figures_dir", "claims_path", "tables_dir",
    "provenance"}``, what :func:`llzo.figures.notebook.start_notebook` takes (every notebook
    starts with it).
    """
    import jupytext
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    notebook, ipynb, html, claims, figures_dir = map(Path, (notebook, ipynb, html, claims, figures_dir))
    nb_dir = notebook.parent.resolve()
    repo = Path.cwd()

    def rel(p: str | Path) -> str:
        return os.path.relpath(Path(p).resolve(), nb_dir)

    raw_sha = combined_sha256(manifests) if manifests else ""
    provenance = {
        "notebook": os.path.relpath(notebook.resolve(), repo.resolve()),
        "git_commit": git_commit(repo),
        "parameters": params,
        "raw_sha256": raw_sha,
        "raw_manifests": [os.path.relpath(Path(m).resolve(), repo.resolve()) for m in manifests],
    }
    parameters = {f"{k}_path": rel(v) for k, v in inputs.items()}
    parameters.update({k: rel(v) for k, v in (dirs or {}).items()})
    parameters.update(params)
    if tables_dir is None:  # results/<dataset>/figures/<name> -> results/<dataset>/tables
        tables_dir = figures_dir.parent.parent / "tables"
    Path(tables_dir).mkdir(parents=True, exist_ok=True)
    parameters["outputs"] = {"figures_dir": rel(figures_dir), "claims_path": rel(claims),
                             "tables_dir": rel(tables_dir), "provenance": provenance}

    ensure_kernel(kernel)
    for p in (ipynb, html, claims):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.unlink(missing_ok=True)
    if figures_dir.exists():
        shutil.rmtree(figures_dir)
    failed = ipynb.with_suffix(".failed.ipynb")
    failed.unlink(missing_ok=True)
    for out in (ipynb, html, claims):  # temporaries left by a killed run
        for stale in out.parent.glob(f".{out.name}.*.tmp*"):
            stale.unlink(missing_ok=True)

    src = jupytext.read(notebook)
    src.cells.insert(0, nbformat.v4.new_code_cell(GUARD_CELL, metadata={"tags": ["llzo-guard"]}))
    src.metadata["kernelspec"] = {"name": kernel, "display_name": "llzo (project)", "language": "python"}
    with tempfile.TemporaryDirectory() as tmp_dir, atomic_path(ipynb) as tmp_out:
        tmp_src = Path(tmp_dir) / f"{notebook.stem}.ipynb"
        nbformat.write(src, tmp_src)
        try:
            pm.execute_notebook(
                str(tmp_src), str(tmp_out), parameters=parameters, kernel_name=kernel,
                cwd=str(nb_dir), progress_bar=False, log_output=False, language="python",
            )
        except pm.PapermillExecutionError as exc:
            shutil.copyfile(tmp_out, failed)
            shutil.rmtree(figures_dir, ignore_errors=True)
            claims.unlink(missing_ok=True)
            raise RuntimeError(
                f"notebook {notebook} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n"
                f"the executed notebook with the error is kept as {failed}"
            ) from None
        out = nbformat.read(tmp_out, as_version=4)
        strip_timestamps(out)
        coalesce_streams(out)
        out.metadata["papermill"]["input_path"] = str(notebook)
        out.metadata["papermill"]["output_path"] = str(ipynb)
        nbformat.write(out, tmp_out)
        if not claims.is_file():
            shutil.copyfile(tmp_out, failed)
            raise RuntimeError(f"notebook {notebook} ran but wrote no claims file {claims} "
                               f"(call llzo.claims.write_claims(claims_path, ...))")
        body, _ = HTMLExporter().from_notebook_node(out)
        with atomic_path(html) as tmp_html:
            tmp_html.write_text(body, encoding="utf-8")
    doc = json.loads(claims.read_text(encoding="utf-8"))
    doc.update(notebook=notebook.stem, raw_sha256=raw_sha)
    with atomic_path(claims) as tmp:
        tmp.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if not figures_dir.exists():
        figures_dir.mkdir(parents=True)
    log.info("executed %s -> %s", notebook, ipynb)
