"""Glue used by the Snakemake rules: CLI, ingest, notebook runner, scorecard, report, and the rules' helpers."""
