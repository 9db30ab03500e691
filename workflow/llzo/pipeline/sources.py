"""Which llzo source files a notebook or a job's module runs: the rules list them as inputs.

A rule that runs a notebook or a library module lists every ``llzo`` file that code imports,
transitively (from the source's syntax tree, without importing anything), so that editing a
module reruns exactly the jobs that run it. Package ``__init__.py`` files count, as importing a
submodule runs them.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = "llzo"


def llzo_imports(path: str | Path) -> set[str]:
    """Names of the llzo modules a Python file imports (absolute imports only).

    ``from llzo.a import b`` yields ``llzo.a`` and ``llzo.a.b`` (``b`` may be a submodule); the
    caller keeps the names that are modules. Each file is parsed once per process (the rules ask
    for the same modules many times while Snakemake reads the workflow).
    """
    p = Path(path)
    st = p.stat()
    return set(_imports_of(str(p.resolve()), st.st_mtime_ns, st.st_size))


@functools.cache
def _imports_of(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """:func:`llzo_imports` of one version (modification time, size) of a file."""
    text = Path(path).read_text(encoding="utf-8")
    if "llzo" not in text:
        return frozenset()
    tree = ast.parse(text)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
              and node.module.split(".")[0] == PACKAGE):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return frozenset(names)


def module_file(name: str, root: str | Path) -> Path | None:
    """Source file of module ``name`` (e.g. ``"llzo.fe.store"``) under the package folder ``root``.

    Returns the module's ``.py`` file or its package's ``__init__.py``, ``None`` when ``name`` is
    not a module (e.g. a function imported with ``from``).
    """
    root = Path(root)
    parts = name.split(".")[1:]
    if not parts:
        return root / "__init__.py"
    rel = Path(*parts)
    for cand in (root / rel.with_suffix(".py"), root / rel / "__init__.py"):
        if cand.is_file():
            return cand
    return None


@functools.cache
def _sources(pyfile: str, root: str) -> tuple[str, ...]:
    seen: set[Path] = set()
    todo = list(llzo_imports(pyfile))
    while todo:
        parts = todo.pop().split(".")
        for k in range(1, len(parts) + 1):  # parent packages run their __init__
            f = module_file(".".join(parts[:k]), root)
            if f is not None and f not in seen:
                seen.add(f)
                todo.extend(llzo_imports(f))
    return tuple(sorted(str(f) for f in seen))


def llzo_sources(pyfile: str | Path, root: str | Path) -> list[str]:
    """Every llzo source file that ``pyfile`` imports, transitively, plus package ``__init__`` files.

    Parameters
    ----------
    pyfile
        A notebook (jupytext ``.py``) or module.
    root
        The package folder (``workflow/llzo``); paths are returned as ``root / ...``.

    Returns
    -------
    list of str
        Sorted file paths (``pyfile`` itself only if it imports itself).
    """
    return list(_sources(str(pyfile), str(root)))


def module_code(module: str, root: str | Path) -> list[str]:
    """Source files of ``module`` and of every llzo module it imports (what a job running it runs).

    Raises
    ------
    ModuleNotFoundError
        ``module`` has no source file under ``root``.
    """
    f = module_file(module, root)
    if f is None:
        raise ModuleNotFoundError(f"no llzo module {module!r} under {root}")
    return sorted({str(f), *llzo_sources(f, root)})


def package_code(package: str, root: str | Path) -> list[str]:
    """Source files of every module of ``package`` (e.g. ``"llzo.lab"``) and of what they import.

    For code that imports its modules by name at run time (``importlib``), which the syntax tree
    does not show.
    """
    init = module_file(package, root)
    if init is None or init.name != "__init__.py":
        raise ModuleNotFoundError(f"no llzo package {package!r} under {root}")
    files = sorted(init.parent.glob("*.py"))
    return sorted({c for f in files for c in (str(f), *llzo_sources(f, root))})
