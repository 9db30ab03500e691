# Stage: the robustness of every claim to its analysis choices (llzo.pipeline.robustness; docs/claims.md,
# "robustness"). One job per (study, parameter): the parameter alone over the plausible values the config
# schema documents for it (x-plausible), everything else as configured, through the library's claim
# functions; then one job collects the tables (tables/robustness.csv, robustness_summary.csv) and draws
# the figure (claims x parameters). The scorecard fills its `robustness` column from the table.
from llzo.pipeline import robustness as _rb  # noqa: E402

ROBUST_DIR = f"{RESULTS}/robustness"
# robustness.run false: the scorecard does not wait for the study and its column reads "not run"
# (the rules stay defined: `snakemake results/<dataset>/tables/robustness.csv` still runs it)
ROBUSTNESS_TABLE = f"{RESULTS}/tables/robustness.csv"
ROBUSTNESS = [ROBUSTNESS_TABLE] if _rb.enabled(config) else []
_RB_SCHEMA = _rb.load_schema("workflow/schemas/config.schema.yaml")
_RB_SHEETS = frozenset(SHEETS)
try:
    _RB_JOBS = _rb.jobs(config, _RB_SHEETS)
    _RB_VALUES = {(s, k): _rb.plausible(_RB_SCHEMA, _rb.STUDIES[s].block, k)["values"] for s, k in _RB_JOBS}
    _RB_CONFIG = {s: _rb.study_config(_rb.STUDIES[s], config) for s in {s for s, _ in _RB_JOBS}}
except KeyError as _exc:
    raise WorkflowError(f"robustness study: {_exc}") from None
# the code every job runs, plus per study the library modules it calls (editing one reruns only its jobs)
_RB_CODE_SELF = sorted({f"{LLZO_ROOT}/pipeline/robustness.py", *(f for m in _rb.COMMON_MODULES for f in module_code(m))})
_RB_CODE = {name: sorted({*_RB_CODE_SELF, *(f for m in s.modules for f in module_code(m))})
            for name, s in _rb.STUDIES.items()}
_RB_PAPER = "workflow/config/paper_claims.yaml"


if "echem" in SHEETS:
    from llzo.analysis.eis import FIT_PARAMETERS as _EIS_FIT_KEYS  # noqa: E402

    _RB_EIS_FIT = {k: config["analysis"]["eis"][k] for k in _EIS_FIT_KEYS}

    rule robustness_eis_fits:
        """The fit stage of every impedance spectrum, once, for the EIS jobs (whose parameters only interpret it)."""
        input:
            data=interim.data_paths(INTERIM, ["echem"]),
            code=module_code("llzo.analysis.eis"),
        output:
            f"{RESULTS}/{_rb.EIS_FITS}",
        params:
            eis=_RB_EIS_FIT,  # only the keys the fits read: an interpretation key does not refit
            cfg=json_arg(_RB_EIS_FIT),
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,  # minutes; ~15 s CPU on the demo's 24 spectra
        log:
            f"{RESULTS}/logs/robustness/eis_fits.log",
        conda:
            CONDA_ENV
        benchmark:
            f"{RESULTS}/benchmarks/robustness_eis_fits.tsv"
        shell:
            f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} robustness-eis-fits --interim {INTERIM} "
            "--config {params.cfg} --out {output}"


rule robustness_vary:
    """One analysis parameter over its plausible values: the claims it acts on, per value."""
    input:
        unpack(lambda wc: _rb.job_inputs(wc.study, SHEETS, config, INTERIM, RESULTS)),
        code=lambda wc: _RB_CODE[wc.study],  # the study's library code: editing it reruns its jobs
        paper=_RB_PAPER,
    output:
        f"{ROBUST_DIR}/{{study}}__{{parameter}}.csv",
    wildcard_constraints:
        study="|".join(_rb.STUDIES),
        parameter=r"[A-Za-z0-9_]+",
    params:
        cfg=lambda wc: _RB_CONFIG[wc.study],  # a change of a key the study reads reruns its jobs
        values=lambda wc: _RB_VALUES[(wc.study, wc.parameter)],  # ... and of the plausible values
        spec=lambda wc, output: json_arg(_rb.job_spec(wc.study, wc.parameter, _RB_VALUES[(wc.study, wc.parameter)],
                                                      config, SHEETS, INTERIM, RESULTS, _RB_PAPER, output[0])),
    threads: 1
    resources:
        mem_mb=1000,  # the maps study holds 5 maps of 384 x 384 pixels; ~300 MB
        runtime=10,
    log:
        f"{RESULTS}/logs/robustness/{{study}}__{{parameter}}.log",
    conda:
        CONDA_ENV
    benchmark:
        f"{RESULTS}/benchmarks/robustness_{{study}}__{{parameter}}.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} robustness-vary --spec {{params.spec}}"


rule robustness:
    """Collect the tables; the summary and the figure (claims x parameters)."""
    input:
        tables=[f"{ROBUST_DIR}/{s}__{k}.csv" for s, k in _RB_JOBS],
        paper=_RB_PAPER,
        manifests=[str(interim.manifest_path(INTERIM, s)) for s in sorted(SHEETS)],
        code=sorted({*_RB_CODE_SELF, *(f for m in ("llzo.figures.robustness", "llzo.figures.style", "llzo.io.manifest",
                                                     "llzo.pipeline.notebook") for f in module_code(m))}),
    output:
        table=report(ROBUSTNESS_TABLE, caption="../report/robustness.rst", category="Scorecard"),
        summary=f"{RESULTS}/tables/robustness_summary.csv",
        png=report(f"{RESULTS}/figures/robustness/figrobustness.png", caption="../report/robustness.rst",
                   category="Scorecard"),
        pdf=f"{RESULTS}/figures/robustness/figrobustness.pdf",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    log:
        f"{RESULTS}/logs/robustness/robustness.log",
    conda:
        CONDA_ENV
    benchmark:
        f"{RESULTS}/benchmarks/robustness.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} robustness --tables {{input.tables}} "
        "--paper-claims {input.paper} --manifests {input.manifests} --table {output.table} "
        f"--summary {{output.summary}} --figures-dir {RESULTS}/figures/robustness"
