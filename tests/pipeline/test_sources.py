"""The import tracer (llzo.pipeline.sources): which llzo files a notebook or a job module runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from llzo.pipeline.sources import llzo_imports, llzo_sources, module_code, module_file, package_code

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def pkg(tmp_path):
    """A small package ``llzo`` with a submodule chain a -> b -> c, a sibling d, and a notebook."""
    root = tmp_path / "llzo"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text('"""root"""\n')
    (root / "sub" / "__init__.py").write_text("from llzo.sub import c\n")
    (root / "sub" / "a.py").write_text("import numpy\nfrom llzo.sub.b import thing\n")
    (root / "sub" / "b.py").write_text("import llzo.sub.c\nthing = 1\n")
    (root / "sub" / "c.py").write_text("from . import d  # relative: not followed\n")
    (root / "d.py").write_text("x = 1\n")
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nimport pandas as pd\nfrom llzo.sub.a import thing as t\n")
    return root, nb


def test_imports_from_the_syntax_tree(pkg):
    root, nb = pkg
    assert llzo_imports(nb) == {"llzo.sub.a", "llzo.sub.a.thing"}
    assert llzo_imports(root / "sub" / "c.py") == set()


def test_module_file(pkg):
    root, _ = pkg
    assert module_file("llzo", root) == root / "__init__.py"
    assert module_file("llzo.sub", root) == root / "sub" / "__init__.py"
    assert module_file("llzo.sub.a", root) == root / "sub" / "a.py"
    assert module_file("llzo.sub.a.thing", root) is None


def test_transitive_sources_with_package_inits(pkg):
    root, nb = pkg
    got = {Path(p).relative_to(root).as_posix() for p in llzo_sources(nb, root)}
    assert got == {"__init__.py", "sub/__init__.py", "sub/a.py", "sub/b.py", "sub/c.py"}
    assert module_code("llzo.sub.b", root) == sorted({str(root / "sub" / "b.py"), *llzo_sources(root / "sub/b.py",
                                                                                                   root)})
    with pytest.raises(ModuleNotFoundError, match=r"llzo\.nope"):
        module_code("llzo.nope", root)


def test_package_code_lists_every_module(pkg):
    root, _ = pkg
    got = {Path(p).relative_to(root).as_posix() for p in package_code("llzo.sub", root)}
    assert {"sub/a.py", "sub/b.py", "sub/c.py", "sub/__init__.py", "__init__.py"} == got


def test_real_notebook_depends_on_what_it_imports():
    src = llzo_sources(REPO / "notebooks/eq1_contact_area.py", REPO / "workflow/llzo")
    names = {Path(p).relative_to(REPO / "workflow/llzo").as_posix() for p in src}
    assert "analysis/contact.py" in names and "claims.py" in names
    assert not any(n.startswith(("lab/", "pipeline/")) for n in names)
    jobs = {Path(p).relative_to(REPO / "workflow/llzo").as_posix() for p in
            module_code("llzo.pipeline.fe_jobs", REPO / "workflow/llzo")}
    assert {"pipeline/fe_jobs.py", "fe/assembly.py", "fe/solve.py", "atomic.py"} <= jobs
    assert not any(n.startswith(("lab/", "figures/", "analysis/")) for n in jobs)
