"""The virtual lab: physics models that WRITE raw instrument files and the ground truth.

Nothing in ``llzo.io``, ``llzo.analysis``, ``llzo.fe``, ``llzo.figures`` or the notebooks imports
this package (import-linter contract in ``pyproject.toml``); only tests read the truth.
"""
