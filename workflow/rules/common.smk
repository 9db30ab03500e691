# Shared paths and helpers, and the one generic way to run a figure notebook (`notebook()`).
import ast
import os
import json
import shlex
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

PY = sys.executable
CONDA_ENV = "../../envs/llzo.yaml"  # for `--sdm conda`; relative to workflow/rules/
DATASET = config["dataset"]
RAW = f"data/raw/{DATASET}"
TRUTH = f"data/truth/{DATASET}"
INTERIM = f"data/interim/{DATASET}"
RESULTS = f"results/{DATASET}"
# a virtual-lab dataset: `demo` or a preset workflow/config/lab_presets/<name>.yaml (rule demo_data writes it)
IS_DEMO = DATASET == "demo" or Path("workflow/config/lab_presets", f"{DATASET}.yaml").is_file()
REPORT_INTRO = f"{RESULTS}/report_intro.rst"  # scorecard summary: the report's landing text
SHEET_NAMES = ("sweeps", "maps", "echem")

if not IS_DEMO and not Path(RAW).is_dir():
    raise WorkflowError(
        f"dataset {DATASET!r}: folder {RAW}/ does not exist.\n"
        f"Create it with one or more sample sheets (sweeps.tsv, maps.tsv, echem.tsv) and the raw "
        f"files they name (I-V sweep CSVs, Gwyddion .gwy / Bruker .spm / JPK / .ibw maps, BioLogic "
        f".mpt/.mpr files); data/README.md describes every column. Or run the default dataset: "
        f"--config dataset=demo"
    )


def available_sheets():
    """Sheets of this dataset: all three for a lab dataset, those present for a user's folder."""
    if IS_DEMO:
        return set(SHEET_NAMES)
    return {s for s in SHEET_NAMES if Path(RAW, f"{s}.tsv").is_file()}


SHEETS = available_sheets()
if not SHEETS:
    raise WorkflowError(f"dataset {DATASET!r}: {RAW}/ holds none of sweeps.tsv, maps.tsv, echem.tsv (see data/README.md)")


# --- raw data are immutable: check the ingest manifests (SHA-256 per raw file) at every run ------
def _sha256(path):
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:  # read-only
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def check_raw_manifests():
    """Report raw files that changed under finished results, and make their ingest rerun.

    For each existing ``manifest_<sheet>.tsv`` the listed raw files are stat'ed; only a file whose
    size differs or whose mtime is newer than the manifest is hashed, so that an unchanged tree
    costs no hashing. A changed or missing file is named on stderr and the manifest's mtime is set
    to 1 s after the epoch (not 0: Snakemake skips its mtime check for an output time of 0), so that
    Snakemake sees the ingest output as older than its input and reruns the ingest and everything
    downstream.
    """
    if not workflow.is_main_process:  # jobs re-parse the Snakefile: the main process has checked
        return
    for sheet in sorted(SHEETS):
        manifest = Path(INTERIM, f"manifest_{sheet}.tsv")
        if not manifest.is_file():
            continue
        made = manifest.stat().st_mtime
        lines = manifest.read_text(encoding="utf-8").splitlines()
        cols = lines[0].split("\t") if lines else []
        if not {"path", "bytes", "sha256"} <= set(cols):
            continue
        changed = []
        for line in lines[1:]:
            rec = dict(zip(cols, line.split("\t")))
            raw = Path(RAW, rec["path"])
            try:
                st = raw.stat()
            except FileNotFoundError:
                changed.append(f"{raw} (deleted)")
                continue
            if st.st_size != int(rec["bytes"]):
                changed.append(f"{raw} (size {rec['bytes']} -> {st.st_size} bytes)")
            elif st.st_mtime > made and _sha256(raw) != rec["sha256"]:
                changed.append(f"{raw} (content changed, same size)")
        if changed:
            print(f"llzo: raw data changed since ingest (SHA-256 differs from {manifest}); raw files must not "
                  f"be edited in place. Rerunning ingest_{sheet} and everything that depends on it:\n  "
                  + "\n  ".join(changed), file=sys.stderr)
            os.utime(manifest, (1, 1))


check_raw_manifests()


def raw_inputs(sheet):
    """Inputs of an ingest rule: the lab dataset's folder (made by the lab) or every file of the user's folder."""
    if IS_DEMO:
        return RAW
    return sorted(str(p) for p in Path(RAW).rglob("*") if p.is_file())


# --- which llzo modules a notebook imports (so that editing one reruns the notebook) ---------
LLZO_ROOT = Path("workflow/llzo")
_IMPORT_CACHE = {}


def _llzo_imports(path):
    """llzo module names imported by a Python file (from its AST)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "llzo")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "llzo" and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _module_file(name):
    parts = name.split(".")[1:]
    if not parts:
        return LLZO_ROOT / "__init__.py"
    rel = Path(*parts)
    for cand in (LLZO_ROOT / rel.with_suffix(".py"), LLZO_ROOT / rel / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def llzo_sources(pyfile):
    """Every llzo source file that ``pyfile`` imports, transitively (plus package __init__s)."""
    if pyfile in _IMPORT_CACHE:
        return _IMPORT_CACHE[pyfile]
    seen, todo = set(), list(_llzo_imports(pyfile))
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # parent packages run their __init__
            f = _module_file(".".join(parts[:k]))
            if f is not None and f not in seen:
                seen.add(f)
                todo.extend(_llzo_imports(f))
    _IMPORT_CACHE[pyfile] = sorted(str(f) for f in seen)
    return _IMPORT_CACHE[pyfile]


def json_arg(d):
    """``d`` as sorted JSON, quoted for a shell command line."""
    return shlex.quote(json.dumps(d, sort_keys=True))


def module_code(module):
    """Source files of ``module`` (e.g. ``"llzo.fe.store"``) and of every llzo module it imports.

    A rule that runs the module lists them as inputs, so editing the library code it runs (a
    solver, a reader) reruns it, and only it, as notebooks do with :func:`llzo_sources`.
    """
    f = _module_file(module)
    if f is None:
        raise WorkflowError(f"no llzo module {module!r} under {LLZO_ROOT}")
    return sorted({str(f), *llzo_sources(f)})


# --- the notebook pattern ----------------------------------------------------------------------
NOTEBOOKS = []  # names of the notebooks registered for this dataset
PRODUCED = set()  # claims and tables that registered notebooks write


def notebook(name, *, inputs, params, sheets, category, tables=(), optional_inputs=None):
    """Define the job ``notebook_<name>`` that runs ``notebooks/<name>.py`` through papermill.

    Parameters
    ----------
    name
        Notebook file stem; figures go to ``results/<dataset>/figures/<name>/fig<panel>.png|pdf``.
    inputs
        ``{key: path}``; the notebook receives ``<key>_path`` (relative to notebooks/).
    params
        Config values the notebook uses (flat ``{name: value}``): a change reruns only this notebook.
    sheets
        Sample sheets it needs; missing sheets skip the notebook with a message.
    category
        Report category.
    tables
        File names the notebook writes to ``results/<dataset>/tables/`` (parameter ``tables_dir``).
    optional_inputs
        ``{key: path}`` of another notebook's claims or table, used when that notebook is registered
        for this dataset (else the notebook gets ``<key>_path = None``).
    """
    for needed in (f"notebooks/{name}.py", f"workflow/report/{name}.rst"):
        if not Path(needed).is_file():
            raise WorkflowError(f"notebook {name!r} is registered but {needed} does not exist")
    missing = [s for s in sheets if s not in SHEETS]
    if missing:
        print(f"llzo: skipping notebook {name}: dataset {DATASET!r} has no {', '.join(s + '.tsv' for s in missing)}",
              file=sys.stderr)
        return
    manifests = [f"{INTERIM}/manifest_{s}.tsv" for s in sheets]
    out_tables = {f"table_{i}": f"{RESULTS}/tables/{t}" for i, t in enumerate(tables)}
    base = {
        "notebook": f"notebooks/{name}.py",
        "ipynb": f"{RESULTS}/notebooks/{name}.ipynb",
        "html": f"{RESULTS}/notebooks/{name}.html",
        "claims": f"{RESULTS}/claims/{name}.json",
        "figures_dir": f"{RESULTS}/figures/{name}",
        "tables_dir": f"{RESULTS}/tables",
        "manifests": manifests,
    }
    NOTEBOOKS.append(name)
    PRODUCED.update([base["claims"], *out_tables.values()])

    def nb_inputs(wildcards):
        # optional inputs are used when another registered notebook produces them
        got = dict(inputs)
        got.update({k: p for k, p in (optional_inputs or {}).items() if p in PRODUCED})
        return got

    def nb_spec(wildcards):
        got = nb_inputs(wildcards)
        absent = {f"{k}_path": None for k in (optional_inputs or {}) if k not in got}
        spec = {**base, "inputs": got, "params": {**params, **absent}}
        return shlex.quote(json.dumps(spec, sort_keys=True))

    rule:
        name: f"notebook_{name}"
        input:
            unpack(nb_inputs),
            notebook=base["notebook"],
            code=llzo_sources(base["notebook"]),
            manifests=manifests,
        output:
            ipynb=base["ipynb"],
            html=report(base["html"], category=category, subcategory="notebooks", labels={"notebook": name}),
            claims=base["claims"],
            figures=report(
                directory(base["figures_dir"]),
                patterns=["{panel}.png"],
                caption=f"../report/{name}.rst",
                category=category,
                labels={"panel": "{panel}", "notebook": name},
            ),
            **out_tables,
        params:
            nb=params,  # the config values: a change here reruns this notebook only
            spec=nb_spec,
        threads: 1
        resources:
            mem_mb=1000,  # measured peak RSS <= 500 MB (benchmarks/notebook_*.tsv)
            runtime=10,  # minutes; measured 5-80 s
        log:
            f"{RESULTS}/logs/notebooks/{name}.log",
        conda:
            CONDA_ENV
        benchmark:
            f"{RESULTS}/benchmarks/notebook_{name}.tsv"
        shell:
            f"{shlex.quote(PY)} -m llzo.cli --log {{log}} run-notebook --spec {{params.spec}}"
