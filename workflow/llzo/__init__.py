"""llzo: library behind the llzo-repro pipeline.

Subpackages
-----------
io        readers: raw instrument files -> pandas / xarray, units in names and attrs
lab       the virtual lab: physics models that write raw instrument files and the truth
analysis  trigger bias, contact mechanics, map profiles, EIS, CCD, cycling, memristor
fe        polycrystal geometry and the Li+ flux solver
figures   the figure style and shared plotting helpers
pipeline  glue used by the Snakemake rules (notebook runner, scorecard, report)
"""

__version__ = "0.1.0"
