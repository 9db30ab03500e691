"""The notebook guard: in a notebook's kernel, the virtual lab, the rule glue and the truth are out of reach.

Notebooks import only ``llzo.io``, ``llzo.interim``, ``llzo.analysis``, ``llzo.fe``,
``llzo.figures`` and ``llzo.claims``, and never read the virtual lab's ground truth. The static
test checks their source; :func:`guard_imports` enforces it at run time, in the kernel: the
notebook runner (``llzo.pipeline.notebook``) calls it in a cell before the notebook's first, and
``llzo.figures.notebook.start_notebook`` calls it when a notebook is opened in Jupyter.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

#: Packages a notebook must not import, and why.
FORBIDDEN = {
    "llzo.lab": "the virtual lab writes the demo data and knows the truth; an analysis must not see it",
    "llzo.pipeline": "the rule glue (runner, ingest, scorecard) is not an analysis API",
}
#: Folder a notebook must not read (the virtual lab's ground truth).
TRUTH_DIR = "data/truth"


class NotebookImportError(ImportError):
    """A notebook imported a package it must not use (see :data:`FORBIDDEN`)."""


class _Forbid(importlib.abc.MetaPathFinder):
    """Refuse the imports of :data:`FORBIDDEN` (first on ``sys.meta_path``)."""

    def find_spec(self, fullname, path=None, target=None):
        for pkg, why in FORBIDDEN.items():
            if fullname == pkg or fullname.startswith(pkg + "."):
                raise NotebookImportError(
                    f"notebooks must not import {fullname}: {why}. Notebooks import only llzo.io, llzo.interim, "
                    f"llzo.analysis, llzo.fe, llzo.figures and llzo.claims.", name=fullname)
        return None


def _truth_audit(event: str, args: tuple) -> None:
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        p = os.fsdecode(args[0]).replace("\\", "/")
        if f"{TRUTH_DIR}/" in p + "/":
            raise PermissionError(f"notebooks must not read the virtual lab's ground truth ({p}); only the "
                                  f"tests and the validation table compare with it")


def guard_imports() -> None:
    """Make importing ``llzo.lab``/``llzo.pipeline`` or opening ``data/truth`` files fail in this process.

    Idempotent. Only imports after the call are checked: the runner calls it before the
    notebook's first cell. The truth check is a :func:`sys.addaudithook` hook on ``open``, which
    cannot be removed: call it only in a notebook kernel.
    """
    if any(isinstance(f, _Forbid) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Forbid())
    sys.addaudithook(_truth_audit)
