# Stage: FE Li+ flux in the polycrystal (Fig. 4a-g, S6, S7, S15). The model depends on the `fe`
# config only (no raw data): one job per Voronoi seed (wildcard), an index of the members, then
# the notebook that aggregates the ensemble and writes the claims fe_hotspot_ratio,
# fe_hotspot_max_over_mean and fe_hl_homogenized_um. fe_design (HL design map), fe_interface (the
# design map over interface resistance x HL conductivity, beyond the paper) and fe_sensitivity (how
# the hot-spot ratios move with inputs the paper does not state) fan out per seed the same way.
_WF = str(Path(workflow.basedir, "workflow"))
if _WF not in sys.path:
    sys.path.insert(0, _WF)
from llzo.fe.params import FEConfigError, fe_params  # noqa: E402

FE = config["fe"]
try:
    fe_params(FE)  # a negative conductivity or grains larger than the domain stop here, with the key
except FEConfigError as _exc:
    raise WorkflowError(f"{_exc}\n(edit the `fe` section of workflow/config/config.yaml or --config fe=...)")
FE_DIR = f"{RESULTS}/fe"
FE_SEEDS = list(range(FE["first_seed"], FE["first_seed"] + FE["n_seeds"]))
FE_DESIGN_SEEDS = list(range(FE["first_seed"], FE["first_seed"] + FE["design"]["n_seeds"]))
FE_SENS = FE.get("sensitivity", {"n_seeds": 0})
FE_SENS_SEEDS = list(range(FE["first_seed"], FE["first_seed"] + FE_SENS["n_seeds"]))
FE_IFACE = FE["interface_design"]
FE_IFACE_SEEDS = list(range(FE["first_seed"], FE["first_seed"] + FE_IFACE["n_seeds"]))
# what one job of each kind depends on (a change to anything else does not rerun it)
FE_MODEL = {k: v for k, v in FE.items()
            if k not in ("n_seeds", "first_seed", "design", "interface_design", "sensitivity")}
FE_DESIGN_MODEL = {**FE_MODEL, "design": {k: v for k, v in FE["design"].items() if k != "n_seeds"}}
FE_SENS_MODEL = {**FE_MODEL, "sensitivity": {k: v for k, v in FE_SENS.items() if k != "n_seeds"}}
# the interface resistances measured by impedance on this dataset (claims r_int_none_ohm_cm2 and
# r_int_hl_ohm_cm2 of the EIS notebook) join the R_int axis when the dataset has them
FE_EIS_CLAIMS = f"{RESULTS}/claims/fig5de_eis.json"
# evaluated at DAG time, once every rules file is read (the EIS notebook registers after this file)
fe_eis_claims = lambda: FE_EIS_CLAIMS if FE_IFACE["use_eis_claims"] and FE_EIS_CLAIMS in PRODUCED else None
FE_IFACE_DESIGN = {k: v for k, v in FE_IFACE.items() if k not in ("n_seeds", "use_eis_claims")}
fe_interface_model = lambda: {**FE_MODEL, "design": {**FE_IFACE_DESIGN, "eis_claims": fe_eis_claims()}}

FE_CODE = module_code("llzo.pipeline.fe_jobs")  # the solver code: editing it reruns the FE jobs


rule fe_member:
    input:
        code=FE_CODE,
    output:
        f"{FE_DIR}/member_seed{{seed}}.nc",
    wildcard_constraints:
        seed=r"\d+",
    params:
        fe=FE_MODEL,  # a change to any model parameter reruns the members
        cfg=json_arg(FE_MODEL),
    threads: 1
    resources:
        mem_mb=750,  # measured ~3 s CPU, peak RSS <= 220 MB at the demo resolution
        runtime=10,
    log:
        f"{RESULTS}/logs/fe/member_seed{{seed}}.log",
    conda:
        CONDA_ENV
    benchmark:
        f"{RESULTS}/benchmarks/fe_member_seed{{seed}}.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} fe-solve --seed {{wildcards.seed}} "
        "--config {params.cfg} --out {output}"


rule fe_design:
    input:
        code=FE_CODE,
    output:
        f"{FE_DIR}/design_seed{{seed}}.nc",
    wildcard_constraints:
        seed=r"\d+",
    params:
        fe=FE_DESIGN_MODEL,
        cfg=json_arg(FE_DESIGN_MODEL),
    threads: 1
    resources:
        mem_mb=1000,  # sized for scale_large.yaml (7 conductivities in a 40 um HL)
        runtime=20,
    log:
        f"{RESULTS}/logs/fe/design_seed{{seed}}.log",
    conda:
        CONDA_ENV
    benchmark:
        f"{RESULTS}/benchmarks/fe_design_seed{{seed}}.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} fe-solve --design --seed {{wildcards.seed}} "
        "--config {params.cfg} --out {output}"


rule fe_interface:
    """Beyond the paper: HL thickness needed and bare hot-spot ratios vs interface resistance x HL conductivity."""
    input:
        unpack(lambda wc: {"eis": fe_eis_claims()} if fe_eis_claims() else {}),
        code=FE_CODE,
    output:
        f"{FE_DIR}/interface_seed{{seed}}.nc",
    wildcard_constraints:
        seed=r"\d+",
    params:
        fe=lambda wc: fe_interface_model(),
        cfg=lambda wc: json_arg(fe_interface_model()),
    threads: 1
    resources:
        mem_mb=1000,  # as fe_design (same grid); ~30 solves of <= 120k unknowns in sequence
        runtime=20,
    log:
        f"{RESULTS}/logs/fe/interface_seed{{seed}}.log",
    conda:
        CONDA_ENV
    benchmark:
        f"{RESULTS}/benchmarks/fe_interface_seed{{seed}}.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} fe-solve --design --seed {{wildcards.seed}} "
        "--config {params.cfg} --out {output}"


rule fe_sensitivity:
    """Context for fe_hotspot_ratio: the bare model of one seed with width, cell and sigma_gb varied."""
    input:
        code=FE_CODE,
    output:
        f"{FE_DIR}/sensitivity_seed{{seed}}.nc",
    wildcard_constraints:
        seed=r"\d+",
    params:
        fe=FE_SENS_MODEL,
        cfg=json_arg(FE_SENS_MODEL),
    threads: 1
    resources:
        mem_mb=1000,  # the finest cell (0.25 um on 200 um x 100 um: 320k unknowns) dominates
        runtime=10,
    log:
        f"{RESULTS}/logs/fe/sensitivity_seed{{seed}}.log",
    conda:
        CONDA_ENV
    benchmark:
        f"{RESULTS}/benchmarks/fe_sensitivity_seed{{seed}}.tsv"
    shell:
        f"{shlex.quote(PY)} -m llzo.pipeline.cli --log {{log}} fe-solve --sensitivity --seed {{wildcards.seed}} "
        "--config {params.cfg} --out {output}"


rule fe_index:
    """List the ensemble members (file names, beside the index) for the notebook."""
    input:
        members=expand(f"{FE_DIR}/member_seed{{seed}}.nc", seed=FE_SEEDS),
        design=expand(f"{FE_DIR}/design_seed{{seed}}.nc", seed=FE_DESIGN_SEEDS),
        sensitivity=expand(f"{FE_DIR}/sensitivity_seed{{seed}}.nc", seed=FE_SENS_SEEDS),
        interface=expand(f"{FE_DIR}/interface_seed{{seed}}.nc", seed=FE_IFACE_SEEDS),
    output:
        members=f"{FE_DIR}/members.txt",
        design=f"{FE_DIR}/design.txt",
        sensitivity=f"{FE_DIR}/sensitivity.txt",
        interface=f"{FE_DIR}/interface.txt",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    log:
        f"{RESULTS}/logs/fe/index.log",
    conda:
        CONDA_ENV
    shell:
        "(for f in {input.members}; do basename $f; done > {output.members} && "
        "for f in {input.design}; do basename $f; done > {output.design} && "
        "for f in {input.sensitivity}; do basename $f; done > {output.sensitivity} && "
        "for f in {input.interface}; do basename $f; done > {output.interface}) 2> {log}"


notebook(
    "fig4_fe",
    inputs={"members": f"{FE_DIR}/members.txt", "design": f"{FE_DIR}/design.txt",
            "sensitivity": f"{FE_DIR}/sensitivity.txt", "interface": f"{FE_DIR}/interface.txt"},
    params={"homogenized_tolerance_pct": FE["homogenized_tolerance_pct"]},
    sheets=[],
    category="Fig. 4 FE Li+ flux",
    tables=["fe_ensemble.csv", "fe_grain_peaks.csv", "fe_design_map.csv", "fe_hotspot_sensitivity.csv",
            "fe_interface_map.csv", "fe_interface_hotspot.csv"],
)
