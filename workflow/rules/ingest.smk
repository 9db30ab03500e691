# Ingest: validate each sample sheet, read its raw files (read-only), write tidy interim tables
# and a SHA-256 manifest of the raw files. One rule per sheet present in the dataset.

#: Interim outputs of each sheet (the ingest module llzo.pipeline.ingest_<sheet> writes them).
INGEST_OUTPUTS = {
    "sweeps": ["sweeps_meta.parquet", "sweeps.parquet", "manifest_sweeps.tsv"],
    "maps": ["maps_meta.parquet", "maps/", "manifest_maps.tsv"],  # "maps/": one NetCDF per map (directory)
    "echem": ["echem_meta.parquet", "echem_eis.parquet", "echem_cycling.parquet", "rejected_echem.tsv",
              "manifest_echem.tsv"],  # rejected_echem.tsv: runs whose file could not be used, and why
}


def interim_output(name):
    """An interim output path; a name ending in a slash is a directory of per-file outputs."""
    path = f"{INTERIM}/{name.rstrip(os.sep)}"
    return directory(path) if name.endswith(os.sep) else path


def ingest_rule(sheet, outputs):
    rule:
        name: f"ingest_{sheet}"
        input:
            raw_inputs(sheet),
            code=module_code(f"llzo.pipeline.ingest_{sheet}"),  # editing a reader reruns its ingest
        output:
            [interim_output(o) for o in outputs],
        threads: 1
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
            f"{shlex.quote(PY)} -m llzo.cli --log {{log}} ingest {sheet} --raw {RAW} --out {INTERIM}"


for _sheet, _outputs in INGEST_OUTPUTS.items():
    if _sheet in SHEETS:
        ingest_rule(_sheet, _outputs)
