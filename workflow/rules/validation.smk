# The validation table: recovered claims vs the ground truth (results/<dataset>/validation.csv).
# Only for datasets with a ground truth: the demo (the virtual lab writes data/truth/demo/) or a
# dataset whose data/truth/<dataset>/claims_truth.json exists; absent, not failing, for a lab's
# own data. This is the only rule that reads data/truth.

HAS_TRUTH = IS_LAB or Path(TRUTH, "claims_truth.json").is_file()
VALIDATION = f"{RESULTS}/validation.csv" if HAS_TRUTH else None

if HAS_TRUTH:

    rule validation:
        input:
            paper="workflow/config/paper_claims.yaml",
            tolerances="workflow/config/validation.yaml",
            # the demo's truth folder is made by demo_data; another dataset's file must exist
            truth=TRUTH if IS_LAB else f"{TRUTH}/claims_truth.json",
            claims=[f"{RESULTS}/claims/{n}.json" for n in NOTEBOOKS],
        output:
            csv=report(VALIDATION, caption="../report/validation.rst", category="Scorecard"),
        threads: 1
        resources:
            mem_mb=500,
            runtime=5,
        log:
            f"{RESULTS}/logs/validation.log",
        benchmark:
            f"{RESULTS}/benchmarks/validation.tsv"
        conda:
            CONDA_ENV
        params:
            claims=lambda wc, input: " ".join(input.claims),
            # the truth of a definition with analysis parameters (band width, read bias, ...) is read
            # at the values of this run: a change of one reruns the validation
            analysis=json_arg(config["analysis"]),
        shell:
            f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} validation --paper-claims {{input.paper}} "
            f"--claims {{params.claims}} --truth {TRUTH} --tolerances {{input.tolerances}} "
            f"--analysis {{params.analysis}} --out {{output.csv}}"
