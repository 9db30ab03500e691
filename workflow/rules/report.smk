# The scorecard (claims.csv: every claim of the paper vs reproduced) and report.html.
#: Reject lists of the ingests (files that could not be used; named beside the claims they fed).
REJECT_LISTS = [f"{INTERIM}/{name}" for sheet, name in interim.REJECTS.items() if sheet in SHEETS]
# With a ground truth, the scorecard's summary counts the claims within their validation tolerance
# (validation.smk).


rule scorecard:
    input:
        paper="workflow/config/paper_claims.yaml",
        panels="workflow/config/panels.yaml",
        claims=[f"{RESULTS}/claims/{n}.json" for n in NOTEBOOKS],
        rejects=REJECT_LISTS,
        validation=[VALIDATION] if VALIDATION else [],  # its count goes into the summary
        robustness=ROBUSTNESS,  # fills the robustness column (robustness.smk; [] when robustness.run is false)
    output:
        csv=report(f"{RESULTS}/claims.csv", caption="../report/scorecard.rst", category="Scorecard"),
        html=report(f"{RESULTS}/scorecard.html", caption="../report/scorecard.rst", category="Scorecard"),
        coverage=report(f"{RESULTS}/coverage.csv", caption="../report/coverage.rst", category="Scorecard"),
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    log:
        f"{RESULTS}/logs/scorecard.log",
    benchmark:
        f"{RESULTS}/benchmarks/scorecard.tsv"
    conda:
        CONDA_ENV
    params:
        claims=lambda wc, input: " ".join(input.claims),
        rejects=lambda wc, input: " ".join(input.rejects),
        validation=f"--validation {VALIDATION}" if VALIDATION else "",
        robustness=f"--robustness {ROBUSTNESS[0]}" if ROBUSTNESS else "",  # without: column "not run"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} scorecard --paper-claims {{input.paper}} "
        f"--panels {{input.panels}} --claims {{params.claims}} --figures-root {RESULTS}/figures "
        f"--dataset {DATASET} --csv {{output.csv}} --html {{output.html}} --coverage {{output.coverage}} "
        f"--rejects {{params.rejects}} "
        "{params.validation} {params.robustness}"


rule report:
    input:
        rules.scorecard.output,
        stylesheet="workflow/report/report.css",  # the report's layout (llzo.pipeline.report)
    output:
        html=f"{RESULTS}/report.html",
        intro=REPORT_INTRO,
    params:
        cfg=lambda wc: shlex.quote(json.dumps(config, sort_keys=True)),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        f"{RESULTS}/logs/report.log",
    benchmark:
        f"{RESULTS}/benchmarks/report.tsv"
    conda:
        CONDA_ENV
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} report --config {{params.cfg}} "
        f"--target {RESULTS}/claims.csv --coverage {RESULTS}/coverage.csv --out {{output.html}} "
        f"--intro {{output.intro}} --inner-log {RESULTS}/logs/report_inner.log --rejects {' '.join(REJECT_LISTS)}"
