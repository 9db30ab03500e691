# The scorecard (claims.csv: every claim of the paper vs reproduced) and report.html.
# With a ground truth, the scorecard's summary counts the claims within their validation tolerance
# (validation.smk).


rule scorecard:
    input:
        paper="workflow/config/paper_claims.yaml",
        panels="workflow/config/panels.yaml",
        claims=[f"{RESULTS}/claims/{n}.json" for n in NOTEBOOKS],
        validation=[VALIDATION] if VALIDATION else [],  # its count goes into the summary
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
        validation=f"--validation {VALIDATION}" if VALIDATION else "",
    shell:
        f"{shlex.quote(PY)} -m llzo.cli --log {{log}} scorecard --paper-claims {{input.paper}} "
        f"--panels {{input.panels}} --claims {{params.claims}} --figures-root {RESULTS}/figures "
        f"--dataset {DATASET} --csv {{output.csv}} --html {{output.html}} --coverage {{output.coverage}} "
        "{params.validation}"


rule report:
    input:
        rules.scorecard.output,
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
        f"{shlex.quote(PY)} -m llzo.cli --log {{log}} report --config {{params.cfg}} "
        f"--target {RESULTS}/claims.csv --coverage {RESULTS}/coverage.csv --out {{output.html}} "
        f"--intro {{output.intro}} --inner-log {RESULTS}/logs/report_inner.log"
