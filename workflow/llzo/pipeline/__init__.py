"""Glue used by the Snakemake rules: atomic writes, ingest, notebook runner, scorecard, report."""
