"""The pipeline's command line (``llzo``): one sub-command per kind of Snakemake job.

See :data:`DESCRIPTION` (printed by ``llzo --help``). Errors in raw data
(:class:`llzo.io.errors.RawDataError`) are printed as one line naming the file, row/line and
column, without a traceback, and exit with status 2; other failures exit with status 1.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import logging
import sys
from pathlib import Path

from llzo.io.errors import RawDataError

log = logging.getLogger("llzo")

DESCRIPTION = """\
The pipeline's steps, one command per kind of Snakemake job. The rules call them as
`python -m llzo.pipeline.cli <command> ...`; after `make env` they are also on the path as
`llzo <command>` (.venv/bin/llzo). You rarely need them by hand: `snakemake` runs them with the
right arguments. They help to redo one step while debugging, e.g.

  llzo ingest sweeps --raw data/raw/mylab --out scratch/interim   # check a sheet and its files
  llzo demo-data --raw scratch/raw --truth scratch/truth --seed 1 --config @lab.json
  llzo fe-solve --seed 3 --config @fe.json --out scratch/member_seed3.nc
  llzo --log run.log run-notebook --spec @spec.json

--config and --spec take JSON text or @file.json. A raw file that breaks the data contract
(data/README.md) is reported in one line naming the file, row/line and column (exit status 2);
any other failure exits with status 1.
"""


def _setup_logging(logfile: str | None) -> None:
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    err = logging.StreamHandler(sys.stderr)
    err.setFormatter(fmt)
    root.addHandler(err)
    if logfile:
        Path(logfile).parent.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(logfile, mode="w", encoding="utf-8")
        fh.setFormatter(fmt)
        root.addHandler(fh)


def _json_arg(text: str):
    if text.startswith("@"):
        return json.loads(Path(text[1:]).read_text(encoding="utf-8"))
    return json.loads(text)


def cmd_demo_data(a: argparse.Namespace) -> None:
    """Write a virtual-lab dataset."""
    from llzo.lab.demo import make_dataset
    from llzo.lab.parallel import default_workers

    make_dataset(a.raw, a.truth, _json_arg(a.config), a.seed, workers=a.workers or default_workers())


def cmd_ingest(a: argparse.Namespace) -> None:
    """Ingest one sample sheet."""
    mod = importlib.import_module(f"llzo.pipeline.ingest_{a.sheet}")
    if a.workers > 1 and "workers" in inspect.signature(mod.ingest).parameters:
        mod.ingest(a.raw, a.out, workers=a.workers)
    else:
        mod.ingest(a.raw, a.out)


def cmd_run_notebook(a: argparse.Namespace) -> None:
    """Execute a notebook with papermill."""
    from llzo.pipeline.notebook import run_notebook

    spec = _json_arg(a.spec)
    run_notebook(**spec)


def cmd_scorecard(a: argparse.Namespace) -> None:
    """Write the scorecard."""
    from llzo.pipeline.scorecard import write_scorecard

    card = write_scorecard(a.paper_claims, a.panels, a.claims, a.figures_root, a.dataset, a.csv, a.html, a.coverage,
                           rejects=a.rejects, validation_csv=a.validation, robustness_csv=a.robustness)
    log.info("scorecard: %s", card.attrs["summary"])
    for _, r in card[card["status"] == "fail"].iterrows():
        log.warning("FAIL %s: reproduced %s vs paper %s %s", r.claim_id, r.reproduced, r.relation, r.paper_value)


def cmd_robustness_eis_fits(a: argparse.Namespace) -> None:
    """Write the EIS fit stage shared by the EIS jobs of the robustness study."""
    from llzo.pipeline.robustness import write_eis_fits

    write_eis_fits(a.interim, _json_arg(a.config), a.out)


def cmd_robustness_vary(a: argparse.Namespace) -> None:
    """Vary one analysis parameter over its plausible values and write the claims' table."""
    from llzo.pipeline.robustness import run_job

    table = run_job(**_json_arg(a.spec))
    flips = table.groupby("claim_id")["status"].nunique()
    log.info("robustness: %d rows; verdict changes for %s", len(table), sorted(flips[flips > 1].index) or "none")


def cmd_robustness(a: argparse.Namespace) -> None:
    """Collect the robustness tables, write the summary and draw the figure."""
    from llzo.pipeline.robustness import figure_provenance, write_robustness

    summary = write_robustness(a.tables, a.paper_claims, a.table, a.summary, a.figures_dir,
                               figure_provenance(a.manifests, a.tables))
    for r in summary[summary["verdict"] == "fragile"].itertuples(index=False):
        log.info("fragile: %s to %s.%s (at %s)", r.claim_id, r.analysis, r.parameter, r.flips_at)


def cmd_validation(a: argparse.Namespace) -> None:
    """Write the validation table (recovered claims vs the dataset's ground truth)."""
    from llzo.pipeline.validation import validation_summary, write_validation

    table = write_validation(a.paper_claims, a.claims, a.truth, a.tolerances, a.out,
                             analysis=_json_arg(a.analysis) if a.analysis else None)
    log.info("validation: %s", validation_summary(table))


def cmd_fe_solve(a: argparse.Namespace) -> None:
    """Solve one FE ensemble member (or its HL design map) and write it as NetCDF."""
    from llzo.pipeline.fe_jobs import design_to_file, sensitivity_to_file, solve_member_to_file

    fn = design_to_file if a.design else sensitivity_to_file if a.sensitivity else solve_member_to_file
    ds = fn(_json_arg(a.config), a.seed, a.out)
    log.info("fe seed %d: %s", a.seed, {k: v for k, v in ds.attrs.items() if not k.startswith("param_")})


def cmd_report(a: argparse.Namespace) -> None:
    """Write report.html."""
    from llzo.pipeline.report import make_report

    make_report(_json_arg(a.config), a.target, a.out, a.inner_log, a.intro, a.coverage, rejects=a.rejects)


def cmd_inspect(a: argparse.Namespace) -> int:
    """Describe instrument files and which analyses they can feed (llzo.pipeline.inspect)."""
    from llzo.pipeline.inspect import inspect_files

    text, bad = inspect_files(a.files)
    print(text)
    return 2 if bad else 0


def add_inspect(sub) -> None:
    """Add the self-contained ``inspect`` sub-command."""
    s = sub.add_parser("inspect", help="what instrument files hold and which analyses they can feed")
    s.add_argument("files", nargs="+", help="EC-Lab .mpr/.mpt, Gamry .DTA, Autolab .txt")
    s.set_defaults(func=cmd_inspect)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    p = argparse.ArgumentParser(
        prog="llzo", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run `llzo <command> --help` for the arguments of one command; data/README.md describes the raw "
               "data, README.md the workflow.")
    p.add_argument("--log", metavar="FILE", help="also write the log to FILE (the rules use results/<dataset>/logs/)")
    sub = p.add_subparsers(dest="command", required=True, metavar="<command>")

    s = sub.add_parser("demo-data", help="write the virtual lab's raw files and truth")
    s.add_argument("--raw", required=True, help="output folder for raw files (data/raw/<dataset>)")
    s.add_argument("--truth", required=True, help="output folder for the truth (data/truth/<dataset>)")
    s.add_argument("--config", required=True, help="lab config as JSON, or @file.json")
    s.add_argument("--seed", type=int, required=True, help="seed of the lab's random numbers (same seed: same bytes)")
    s.add_argument("--workers", type=int, default=1,
                   help="processes writing the files (0: every core this process may use); the bytes do not depend "
                        "on it")
    s.set_defaults(func=cmd_demo_data)

    s = sub.add_parser("ingest", help="validate a sample sheet, read its files, write interim tables")
    s.add_argument("sheet", choices=["sweeps", "maps", "echem"])
    s.add_argument("--raw", required=True, help="dataset folder data/raw/<dataset>")
    s.add_argument("--out", required=True, help="interim folder data/interim/<dataset>")
    s.add_argument("--workers", type=int, default=1,
                   help="processes reading files side by side (maps); the interim files do not depend on it")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("run-notebook", help="execute a jupytext notebook with papermill")
    s.add_argument("--spec", required=True,
                   help="JSON (or @file) with the arguments of llzo.pipeline.notebook.run_notebook")
    s.set_defaults(func=cmd_run_notebook)

    s = sub.add_parser("scorecard", help="write claims.csv, coverage.csv and scorecard.html")
    s.add_argument("--paper-claims", required=True, metavar="YAML", help="workflow/config/paper_claims.yaml")
    s.add_argument("--panels", required=True, metavar="YAML", help="workflow/config/panels.yaml")
    s.add_argument("--claims", nargs="*", default=[], metavar="JSON", help="the notebooks' claims files")
    s.add_argument("--figures-root", required=True, help="results/<dataset>/figures (for the panel coverage)")
    s.add_argument("--dataset", required=True, help="dataset name (shown in the scorecard)")
    s.add_argument("--csv", required=True, help="output claims.csv")
    s.add_argument("--html", required=True, help="output scorecard.html")
    s.add_argument("--coverage", required=True, help="output coverage.csv")
    s.add_argument("--rejects", nargs="*", default=[], metavar="TSV",
                   help="reject lists of the ingests (rejected_<sheet>.tsv)")
    s.add_argument("--validation", metavar="CSV", help="validation.csv of the dataset, when it has a ground truth")
    s.add_argument("--robustness", metavar="CSV", help="tables/robustness.csv (fills the robustness column)")
    s.set_defaults(func=cmd_scorecard)

    s = sub.add_parser("validation", help="write validation.csv: recovered claims vs the dataset's ground truth")
    s.add_argument("--paper-claims", required=True)
    s.add_argument("--claims", nargs="*", default=[])
    s.add_argument("--truth", required=True, help="truth folder data/truth/<dataset> (reads claims_truth.json)")
    s.add_argument("--tolerances", required=True, help="validation tolerances (workflow/config/validation.yaml)")
    s.add_argument("--analysis", help="the config's `analysis` section as JSON (or @file.json): the truth of "
                                      "parameter-dependent claims is read at these values")
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_validation)

    s = sub.add_parser("fe-solve", help="solve one Voronoi seed of the FE Li+ flux model (bare and HL)")
    s.add_argument("--seed", type=int, required=True, help="Voronoi seed of this ensemble member")
    s.add_argument("--config", required=True, help="the `fe` config section as JSON, or @file.json")
    what = s.add_mutually_exclusive_group()
    what.add_argument("--design", action="store_true", help="compute the HL design map instead")
    what.add_argument("--sensitivity", action="store_true",
                      help="compute the hot-spot ratio with width, cell and sigma_gb varied instead")
    s.add_argument("--out", required=True, help="output NetCDF file")
    s.set_defaults(func=cmd_fe_solve)

    s = sub.add_parser("robustness-eis-fits", help="fit every impedance spectrum once for the robustness study")
    s.add_argument("--interim", required=True, help="interim folder data/interim/<dataset>")
    s.add_argument("--config", required=True, help="the analysis.eis config block as JSON, or @file.json")
    s.add_argument("--out", required=True, help="output file (results/<dataset>/robustness/eis_fits.pkl)")
    s.set_defaults(func=cmd_robustness_eis_fits)

    s = sub.add_parser("robustness-vary", help="vary one analysis parameter over its plausible values")
    s.add_argument("--spec", required=True,
                   help="JSON (or @file) with the arguments of llzo.pipeline.robustness.run_job")
    s.set_defaults(func=cmd_robustness_vary)

    s = sub.add_parser("robustness", help="collect the robustness tables; summary and figure")
    s.add_argument("--tables", nargs="*", default=[], metavar="CSV", help="the robustness_vary tables")
    s.add_argument("--paper-claims", required=True, metavar="YAML", help="workflow/config/paper_claims.yaml")
    s.add_argument("--manifests", nargs="*", default=[], metavar="TSV", help="raw-file manifests (provenance)")
    s.add_argument("--table", required=True, help="output tables/robustness.csv")
    s.add_argument("--summary", required=True, help="output tables/robustness_summary.csv")
    s.add_argument("--figures-dir", required=True, help="output folder of figrobustness.png|pdf")
    s.set_defaults(func=cmd_robustness)

    s = sub.add_parser("report", help="make report.html with snakemake --report")
    s.add_argument("--config", required=True, help="workflow config as JSON or @file")
    s.add_argument("--target", required=True, help="file whose DAG the report covers")
    s.add_argument("--out", required=True, help="output report.html")
    s.add_argument("--inner-log", help="log of the inner snakemake --report run")
    s.add_argument("--intro", help="write the scorecard summary (reST) here first")
    s.add_argument("--coverage", help="coverage.csv (for the summary)")
    s.add_argument("--rejects", nargs="*", default=[], help="reject lists of the ingests (named in the summary)")
    s.set_defaults(func=cmd_report)

    add_inspect(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    _setup_logging(args.log)
    try:
        status = args.func(args)
    except RawDataError as exc:
        log.error("bad raw data: %s", exc)
        return 2
    except RuntimeError as exc:
        log.error("%s", exc)
        return 1
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
