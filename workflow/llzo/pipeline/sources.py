"""Which llzo source files a notebook or a job's module runs: the rules list them as inputs.

A rule that runs a notebook or a library module lists every ``llzo`` file that code imports,
transitively (from the source's syntax tree, without importing anything), so that editing a
module reruns exactly the jobs that run it. Package ``__init__.py`` files count, as importing a
submodule runs them.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import json
import os
import tempfile
from pathlib import Path

PACKAGE = "llzo"

#: Imports of each parsed file kept between runs (``use_disk_cache``): ``{path: [mtime_ns, size, names]}``.
_DISK: dict[str, list] = {}
_DISK_FILE: list[Path] = []  # the cache file, once enabled
_DISK_DIRTY: list[bool] = [False]


def use_disk_cache(path: str | Path) -> None:
    """Keep the imports of every parsed file in ``path`` (JSON) between processes.

    Snakemake reads the workflow, and with it this tracer, at every start (also for ``-n``);
    parsing the ~90 source files costs 0.3-0.5 s, looking them up in the cache a few ms. An entry
    is used only while its file's modification time and size are unchanged. The file is written
    (atomically) when the process exits, if anything was added.
    """
    path = Path(path)
    if _DISK_FILE:
        return
    _DISK_FILE.append(path)
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            _DISK.update(data)
    atexit.register(_save_disk_cache)


def _save_disk_cache() -> None:
    if not (_DISK_FILE and _DISK_DIRTY[0]):
        return
    path = _DISK_FILE[0]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(_DISK, fh)
        os.replace(tmp, path)
        _DISK_DIRTY[0] = False


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
    hit = _DISK.get(path)
    if hit is not None and hit[0] == mtime_ns and hit[1] == size:
        return frozenset(hit[2])
    names = _parse_imports(Path(path).read_text(encoding="utf-8"))
    if _DISK_FILE:
        _DISK[path] = [mtime_ns, size, sorted(names)]
        _DISK_DIRTY[0] = True
    return names


def _parse_imports(text: str) -> frozenset[str]:
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
