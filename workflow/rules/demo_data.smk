# The virtual lab writes the demo dataset (raw files in the instruments' formats + the truth).

# llzo.lab.demo imports its domain modules by name (importlib), so list the whole package
LAB_CODE = sources.package_code("llzo.lab", LLZO_ROOT)


rule demo_data:
    input:
        code=LAB_CODE,  # editing the virtual lab regenerates the demo
    output:
        raw=directory("data/raw/demo"),
        truth=directory("data/truth/demo"),
    params:
        lab=config["lab"],  # a change to any lab parameter regenerates the demo
        seed=config["lab_seed"],
        cfg=json_arg(config["lab"]),
    threads: 1
    resources:
        mem_mb=500,  # measured peak RSS ~125 MB
        runtime=5,
    log:
        "results/demo/logs/demo_data.log",
    conda:
        CONDA_ENV
    benchmark:
        "results/demo/benchmarks/demo_data.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} demo-data --raw {{output.raw}} --truth {{output.truth}} "
        "--seed {params.seed} --config {params.cfg}"
