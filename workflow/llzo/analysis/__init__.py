"""Analyses of ingested data (never imports :mod:`llzo.lab`, never reads the truth)."""
