# llzo-repro: regenerate every figure and headline number of the LLZO filament paper.
#   snakemake --cores all                      # demo dataset (made by the virtual lab)
#   snakemake --cores all --config dataset=X   # your raw files in data/raw/X (see data/README.md)
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "workflow/config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"


# landing text of report.html: the scorecard summary once the report rule has written it
report: REPORT_INTRO if Path(REPORT_INTRO).is_file() else "workflow/report/workflow.rst"


include: "workflow/rules/demo_data.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/trigger.smk"
include: "workflow/rules/maps.smk"
include: "workflow/rules/fe.smk"
include: "workflow/rules/echem.smk"
include: "workflow/rules/memristor.smk"
include: "workflow/rules/robustness.smk"
include: "workflow/rules/validation.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        f"{RESULTS}/claims.csv",
        f"{RESULTS}/report.html",
