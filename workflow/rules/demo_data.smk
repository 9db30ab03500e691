# The virtual lab writes a lab dataset (raw files in the instruments' formats + the truth): `demo`
# from the config's `lab` section and `lab_seed`, or a preset, workflow/config/lab_presets/<name>.yaml
# (`seed` + overrides of `lab`; llzo.lab.presets), for --config dataset=<name>.
from llzo.lab.presets import preset_files, resolve  # noqa: E402

# llzo.lab.demo imports its domain modules by name (importlib), so list the whole package
LAB_CODE = sources.package_code("llzo.lab", LLZO_ROOT)

if IS_LAB:
    LAB_CFG, LAB_SEED = resolve(config["lab"], config["lab_seed"], DATASET)
    if DATASET != "demo":  # a preset's merged lab section (demo's is the config, validated by the Snakefile)
        validate({**config, "lab": LAB_CFG, "lab_seed": LAB_SEED}, "../schemas/config.schema.yaml")

    rule demo_data:
        input:
            code=LAB_CODE,  # editing the virtual lab regenerates the dataset
            preset=[str(p) for p in preset_files(DATASET)],  # the preset and those it extends
        output:
            raw=directory(RAW),
            truth=directory(TRUTH),
        params:
            lab=LAB_CFG,  # a change to any lab parameter regenerates the dataset
            seed=LAB_SEED,
            cfg=json_arg(LAB_CFG),
        threads: 4  # worker processes writing the files (llzo.lab.parallel; the bytes do not depend on it)
        resources:
            mem_mb=600,  # measured peak RSS ~290 MB (demo), ~200 MB (demo_hard)
            runtime=5,
        log:
            f"{RESULTS}/logs/demo_data.log",
        conda:
            CONDA_ENV
        benchmark:
            f"{RESULTS}/benchmarks/demo_data.tsv"
        shell:
            f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} demo-data --raw {{output.raw}} --truth {{output.truth}} "
            "--seed {params.seed} --config {params.cfg} --workers {threads}"
