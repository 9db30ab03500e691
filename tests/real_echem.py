"""A dataset folder made of every real electrochemistry fixture in ``../shared/fixtures/real``.

Each file is listed in ``echem.tsv`` as the technique it allows: impedance files (EC-Lab PEIS,
the PEIS/GEIS steps of a modulo-bat binary, Gamry, Autolab) as PEIS, galvanostatic cycling as
FULL or SYM, a modulo-bat current step as CCD. ``.mpr``/``.mpt`` twins are two runs of one cell.
Areas and masses are the files' own where their headers state them, else plausible values.
"""

from __future__ import annotations

import shutil
from pathlib import Path

COLUMNS = ["run_id", "file", "technique", "cell", "interlayer", "state", "area_cm2", "temperature_C", "cathode",
           "active_mass_mg"]
NAVANI = "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"
#: (file under fixtures/real, run_id, technique, cell, interlayer, state, area_cm2, T, cathode, mass_mg)
RUNS = [
    ("biologic/peis.mpr", "peis_mpr", "PEIS", "sp240_peis", "none", "pristine", 0.785, 25, "", ""),
    ("biologic/peis.mpt", "peis_mpt", "PEIS", "sp240_peis", "none", "pristine", 0.785, 25, "", ""),
    ("biologic/peis.issue_225.with_ece.mpt", "peis_ece", "PEIS", "vmp3_tcell", "Au", "pristine", 1.131, 25, "", ""),
    ("biologic/exampleDataBioLogic.mpt", "peis_sp150", "PEIS", "sp150_cell", "HL", "pristine", 0.785, 25, "", ""),
    ("biologic/mb.issue_223.mpr", "geis_mb", "PEIS", "mb_eis_cell", "HL", "cycled", 0.785, 25, "", ""),
    ("gamry/exampleDataGamry.DTA", "peis_gamry", "PEIS", "gamry_cell", "HL", "cycled", 0.785, 25, "", ""),
    ("autolab/exampleDataAutolab.txt", "peis_autolab", "PEIS", "autolab_cell", "Au", "pristine", 0.785, 25, "", ""),
    ("biologic/gcpl.issue_149.mpr", "gcpl149_mpr", "FULL", "sp300_gcpl", "HL", "pristine", 0.785, 40, "LFP", 1.0),
    ("biologic/gcpl.issue_149.mpt", "gcpl149_mpt", "FULL", "sp300_gcpl", "HL", "pristine", 0.785, 40, "LFP", 1.0),
    (f"biologic/{NAVANI}", "navani_gcpl", "FULL", "navani_c09", "HL", "pristine", 0.785, 30, "NCM523", 5.0),
    ("biologic/gcpl.issue_226.CxN.mpr", "cxn_mpr", "SYM", "vmp3_cxn", "none", "pristine", 1.131, 25, "", ""),
    ("biologic/gcpl.issue_226.CxN.mpt", "cxn_mpt", "SYM", "vmp3_cxn", "none", "pristine", 1.131, 25, "", ""),
    ("biologic/00_test_02_MB_C01.mpr", "mb_hold", "SYM", "mb_c01", "Au", "pristine", 0.785, 25, "", ""),
    ("biologic/mb.issue_95.mpr", "mb95_mpr", "CCD", "vsp_mb", "none", "pristine", 0.785, 25, "", ""),
    ("biologic/mb.issue_95.mpt", "mb95_mpt", "CCD", "vsp_mb", "none", "pristine", 0.785, 25, "", ""),
]


def make_real_dataset(real: Path, dest: Path, runs: list[tuple] | None = None) -> Path:
    """Copy the fixtures to ``dest/echem/`` and write ``dest/echem.tsv``; returns ``dest``."""
    (dest / "echem").mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(COLUMNS)]
    for src, run, *rest in runs or RUNS:
        name = Path(src).name
        shutil.copyfile(real / src, dest / "echem" / name)
        lines.append("\t".join(str(v) for v in [run, f"echem/{name}", *rest]))
    (dest / "echem.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest
