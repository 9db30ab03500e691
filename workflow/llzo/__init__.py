"""llzo: library behind the llzo-repro pipeline.

Subpackages and modules, top layer first (docs/architecture.md)
--------------------------------------------------------------
pipeline  glue used by the Snakemake rules: CLI (``llzo``), ingest, notebook runner, scorecard, report
figures   the figure style, panel functions per topic, the notebook helper
analysis  trigger bias, contact mechanics, map profiles, EIS, CCD, cycling, memristor
fe        polycrystal geometry and the Li+ flux solver
io        readers: raw instrument files -> pandas / xarray, units in names and attrs
interim   the interim data: file names, writers (ingest), loaders (notebooks)
claims    the claim value type and its comparison with the paper
atomic    write-then-rename file helpers
guard     what a notebook's kernel refuses (the lab, the rule glue, the truth)
lab       the virtual lab, apart: physics models that write raw instrument files and the truth
"""

__version__ = "0.1.0"
