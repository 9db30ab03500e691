# Ingest: validate each sample sheet, read its raw files (read-only), write tidy interim tables
# and a SHA-256 manifest of the raw files. One rule per sheet present in the dataset.

#: Interim outputs of each sheet (llzo.interim.FILES; llzo.pipeline.ingest_<sheet> writes them).
INGEST_OUTPUTS = interim.FILES
#: Ingests that read their files in parallel processes (maps: seconds per 1024^2 map).
INGEST_THREADS = {"maps": 2}


def interim_output(name):
    """An interim output path; a name ending in a slash is a directory of per-file outputs."""
    path = f"{INTERIM}/{name.rstrip('/')}"
    return directory(path) if name.endswith("/") else path


def ingest_rule(sheet, outputs):
    rule:
        name: f"ingest_{sheet}"
        input:
            raw_inputs(sheet),
            code=module_code(f"llzo.pipeline.ingest_{sheet}"),  # editing a reader reruns its ingest
        output:
            [interim_output(o) for o in outputs],
        threads: INGEST_THREADS.get(sheet, 1)
        resources:
            mem_mb=500,  # measured peak RSS <= 200 MB
            runtime=5,
        log:
            f"{RESULTS}/logs/ingest_{sheet}.log",
        conda:
            CONDA_ENV
        benchmark:
            f"{RESULTS}/benchmarks/ingest_{sheet}.tsv"
        shell:
            f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} ingest {sheet} --raw {RAW} --out {INTERIM} "
            "--workers {threads}"


for _sheet, _outputs in INGEST_OUTPUTS.items():
    if _sheet in SHEETS:
        ingest_rule(_sheet, _outputs)
