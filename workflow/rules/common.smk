# Shared paths, the checks made before any job, and the one generic way to run a figure notebook
# (`notebook()`). The logic is in llzo.pipeline (dataset, raw_changes, sources, shell, notebook)
# and llzo.interim (the interim file names), unit-tested there; this file only wires it up.
import os
import json
import shlex
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

_WF = str(Path(workflow.basedir, "workflow"))
if _WF not in sys.path:  # the llzo of this tree, also when another copy is installed
    sys.path.insert(0, _WF)
from llzo import interim  # noqa: E402
from llzo.pipeline import sources  # noqa: E402
from llzo.pipeline.dataset import DatasetError, dataset_paths, dataset_sheets, is_lab_dataset  # noqa: E402
from llzo.pipeline.dataset import raw_inputs as _raw_inputs  # noqa: E402
from llzo.pipeline.notebook import notebook_outputs  # noqa: E402
from llzo.pipeline.raw_changes import check_raw_manifests  # noqa: E402
from llzo.pipeline.shell import json_arg  # noqa: E402

PY = sys.executable
CONDA_ENV = "../../envs/llzo.yaml"  # for `--sdm conda`; relative to workflow/rules/
DATASET = config["dataset"]
_PATHS = dataset_paths(DATASET)
RAW, TRUTH, INTERIM, RESULTS = _PATHS["raw"], _PATHS["truth"], _PATHS["interim"], _PATHS["results"]
# a virtual-lab dataset: `demo` or a preset workflow/config/lab_presets/<name>.yaml (rule demo_data writes it)
IS_LAB = is_lab_dataset(DATASET)
REPORT_INTRO = f"{RESULTS}/report_intro.rst"  # scorecard summary: the report's landing text
LLZO_ROOT = "workflow/llzo"

try:
    SHEETS = dataset_sheets(DATASET, RAW)  # all three for the demo, those present in a user's folder
except DatasetError as _exc:
    raise WorkflowError(str(_exc)) from None

# raw data are immutable: a raw file changed since its ingest is named and its ingest reruns
if workflow.is_main_process:  # jobs re-parse the Snakefile: the main process has checked
    check_raw_manifests(INTERIM, RAW, SHEETS)


def raw_inputs(sheet):
    """Inputs of an ingest rule: the demo folder (made by the lab) or every file of the user's folder."""
    return _raw_inputs(DATASET, RAW)


# the tracer's parse of each source file is kept between runs (a no-op `snakemake -n` stays fast)
sources.use_disk_cache(".snakemake/llzo_imports.json")


def llzo_sources(pyfile):
    """Every llzo source file ``pyfile`` imports, transitively: editing one reruns the job."""
    return sources.llzo_sources(pyfile, LLZO_ROOT)


def module_code(module):
    """Source files of ``module`` and of every llzo module it imports (inputs of a rule running it)."""
    try:
        return sources.module_code(module, LLZO_ROOT)
    except ModuleNotFoundError as exc:
        raise WorkflowError(str(exc)) from None


# --- the notebook pattern ----------------------------------------------------------------------
NOTEBOOKS = []  # names of the notebooks registered for this dataset
PRODUCED = set()  # claims and tables that registered notebooks write
# the runner's first cell and the notebooks' start_notebook(): editing them reruns every notebook
NOTEBOOK_CODE = module_code("llzo.figures.notebook")


def notebook(name, *, params, sheets, category, tables=(), inputs=None, optional_inputs=None):
    """Define the job ``notebook_<name>`` that runs ``notebooks/<name>.py`` through papermill.

    Parameters
    ----------
    name
        Notebook file stem; figures go to ``results/<dataset>/figures/<name>/fig<panel>.png|pdf``.
    params
        Config values the notebook uses (``{name: value}``, a value may be a config block):
        a change reruns only this notebook. The notebook's parameters cell has the same defaults.
    sheets
        Sample sheets it reads; missing sheets skip the notebook with a message. Their interim
        data files (llzo.interim) are inputs; the notebook gets ``interim_dir`` and ``results_dir``
        (relative to notebooks/) and loads them with llzo.interim.load_*.
    inputs
        Other files ``{key: path}``; the notebook receives ``<key>_path`` (relative to notebooks/).
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
    manifests = [str(interim.manifest_path(INTERIM, s)) for s in sheets]
    out_tables = {f"table_{i}": f"{RESULTS}/tables/{t}" for i, t in enumerate(tables)}
    base = {**notebook_outputs(name, RESULTS), "manifests": manifests,
            "dirs": {"interim_dir": INTERIM, "results_dir": RESULTS}}
    NOTEBOOKS.append(name)
    PRODUCED.update([base["claims"], *out_tables.values()])

    def nb_inputs(wildcards):
        # optional inputs are used when another registered notebook produces them
        got = dict(inputs or {})
        got.update({k: p for k, p in (optional_inputs or {}).items() if p in PRODUCED})
        return got

    def nb_spec(wildcards):
        got = nb_inputs(wildcards)
        absent = {f"{k}_path": None for k in (optional_inputs or {}) if k not in got}
        return json_arg({**base, "inputs": got, "params": {**params, **absent}})

    rule:
        name: f"notebook_{name}"
        input:
            unpack(nb_inputs),
            notebook=base["notebook"],
            code=sorted({*llzo_sources(base["notebook"]), *NOTEBOOK_CODE}),
            interim=interim.data_paths(INTERIM, sheets),
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
            f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} run-notebook --spec {{params.spec}}"
