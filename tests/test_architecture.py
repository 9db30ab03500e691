"""Architecture rules: analysis never sees the virtual lab or its truth; linters are clean.

The same rules are enforced at run time in every executed notebook (the runner's first cell,
``llzo.figures.notebook.guard_imports``: tests/pipeline/test_notebook.py).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GUARDED = [REPO / "workflow/llzo" / p for p in ("io", "analysis", "fe", "figures", "claims.py")] + [REPO / "notebooks"]


def _py_files():
    for root in GUARDED:
        yield from ([root] if root.suffix == ".py" else sorted(root.rglob("*.py")))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


@pytest.mark.parametrize("path", list(_py_files()), ids=lambda p: str(p.relative_to(REPO)))
def test_no_lab_import_and_no_truth(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("llzo.lab") for a in node.names), path
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("llzo.lab"), path
            assert not (node.module == "llzo" and any(a.name == "lab" for a in node.names)), path
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            assert "truth" not in node.value.lower(), f"{path}:{node.lineno} names the truth"
        if isinstance(node, ast.Name | ast.arg):
            name = node.id if isinstance(node, ast.Name) else node.arg
            assert "truth" not in name.lower(), f"{path}:{node.lineno} uses {name}"


#: What a notebook may import from llzo (never the virtual lab, never the rule glue).
NOTEBOOK_API = ("llzo.io", "llzo.interim", "llzo.analysis", "llzo.fe", "llzo.figures", "llzo.claims")


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("*.py")), ids=lambda p: p.name)
def test_notebooks_import_only_the_analysis_api(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{a.name}" if node.module == "llzo" else node.module for a in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "llzo":
                assert any(name == m or name.startswith(m + ".") for m in NOTEBOOK_API), (
                    f"{path.name}:{node.lineno} imports {name}; notebooks import only {', '.join(NOTEBOOK_API)}")


def test_import_linter_contracts():
    res = subprocess.run([str(BIN / "lint-imports")], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_snakemake_lint_clean():
    res = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=REPO, capture_output=True, text=True)
    out = res.stdout + res.stderr
    assert res.returncode == 0 and "Congratulations" in out, out[-4000:]


def test_ruff_clean():
    res = subprocess.run([str(BIN / "ruff"), "check", "workflow", "tests", "notebooks"], cwd=REPO,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-4000:]
