"""Polycrystal geometry and the Li+ flux solver."""
