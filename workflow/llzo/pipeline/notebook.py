"""Run a jupytext percent notebook through papermill, the one way every figure is made.

The executed notebook, an HTML copy, the figures and the claims JSON are the outputs. A failing
notebook is kept as ``<name>.failed.ipynb`` (error visible in it), its partial outputs are
removed and the error is raised. The kernel is pinned (``llzo``, registered from the project
environment with ``--sys-prefix`` if missing). Timestamps are stripped so that two runs give the
same executed notebook.
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

from llzo.io.manifest import combined_sha256
from llzo.pipeline.atomic import atomic_path

log = logging.getLogger(__name__)
KERNEL = "llzo"


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
        Folder for result tables (parameter ``tables_dir``).
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
    parameters.update(params)
    parameters.update(figures_dir=rel(figures_dir), claims_path=rel(claims), provenance=provenance)
    if tables_dir is not None:
        Path(tables_dir).mkdir(parents=True, exist_ok=True)
        parameters["tables_dir"] = rel(tables_dir)

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
