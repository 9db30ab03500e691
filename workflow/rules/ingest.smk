# Ingest: validate each sample sheet, read its raw files (read-only), write tidy interim tables
# and a SHA-256 manifest of the raw files. One rule per sheet present in the dataset.

#: Interim outputs of each sheet (the ingest module llzo.pipeline.ingest_<sheet> writes them).
INGEST_OUTPUTS = {
    "sweeps": ["sweeps_meta.parquet", "sweeps.parquet", "manifest_sweeps.tsv"],
    # "maps": [...],   (issue 5: must include "manifest_maps.tsv")
    # "echem": [...],  (issue 7: must include "manifest_echem.tsv")
}


def ingest_rule(sheet, outputs):
    rule:
        name: f"ingest_{sheet}"
        input:
            raw_inputs(sheet),
        output:
            [f"{INTERIM}/{o}" for o in outputs],
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
