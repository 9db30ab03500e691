"""Session fixture shared by the end-to-end tests: one cold run of the whole demo DAG in a temporary copy."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pipeline_helpers():
    """``copy_project``, ``smk``... of ``test_pipeline.py`` (loaded once as module ``llzo_e2e_pipeline``)."""
    if "llzo_e2e_pipeline" not in sys.modules:
        spec = importlib.util.spec_from_file_location("llzo_e2e_pipeline", HERE / "test_pipeline.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
    return sys.modules["llzo_e2e_pipeline"]


@pytest.fixture(scope="session")
def e2e_helpers():
    """The helpers of ``test_pipeline.py`` (``copy_project``, ``smk``, ``planned_jobs``) for other e2e modules."""
    return pipeline_helpers()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """A copy of the project in which ``snakemake --cores 2`` ran the demo DAG once (do not modify it)."""
    p = pipeline_helpers()
    tree = p.copy_project(tmp_path_factory.mktemp("run1") / "llzo-repro")
    t0 = time.perf_counter()
    p.smk(tree, "--cores", "2")
    print(f"demo DAG (session run) in {time.perf_counter() - t0:.0f} s: {tree}")
    return tree
