"""Write the bad-input corpus (``tests/bad_inputs/``) and its README table.

The corpus files are committed; this script records how each one was made and rewrites them
identically (deterministic: no clocks, no unseeded randomness). Run it from the project root::

    PYTHONPATH=workflow .venv/bin/python tests/bad_inputs/make_corpus.py

Each case is one file (read by one reader) or one dataset folder (a sample sheet and the files
it names, read by ``read_sheet`` or a whole ingest). README.md holds one table row per case:
the case path, the reader, what is wrong, the expected error type, a fragment of the expected
message, and the expected line and column (``-`` where they do not apply).
``tests/test_bad_inputs.py`` reads that table and checks every case.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REAL = HERE.parents[2] / "shared" / "fixtures" / "real"


@dataclass
class Case:
    """One corpus entry (see the module docstring)."""

    path: str
    reader: str
    wrong: str
    error: str
    message: str
    line: int | None = None
    column: str | None = None
    xfail: str = ""


CASES: list[Case] = []


def case(path: str, reader: str, wrong: str, error: str, message: str, line: int | None = None,
         column: str | None = None, xfail: str = "") -> Path:
    """Register a case and return its absolute path (parent folders created)."""
    CASES.append(Case(path, reader, wrong, error, message, line, column, xfail))
    p = HERE / path
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


# --- sweep CSVs ----------------------------------------------------------------------------
SWEEP_HEAD = "# instrument: Keithley 2400 via c-AFM, sweep s1\ntime_s,bias_V,current_A\n"
SWEEP_ROWS = ["0,0,9.3e-14", "0.05,-0.025,-2.06e-13", "0.1,-0.05,-3.74e-13", "0.15,-0.075,-5.1e-13",
              "0.2,-0.1,-6.6e-13"]


def sweep_text(rows: list[str] | None = None, head: str = SWEEP_HEAD, nl: str = "\n") -> str:
    """A small sweep CSV (comment line, header on line 2, data from line 3)."""
    text = head + "\n".join(rows if rows is not None else SWEEP_ROWS) + "\n"
    return text.replace("\n", nl)


def sweeps() -> None:
    """Bad sweep CSVs (reader ``sweep`` = ``llzo.io.sweeps.read_sweep_csv``)."""
    R = "sweep"
    case("sweeps/empty.csv", R, "empty file (0 bytes)", "RawDataError", "empty file", 1).write_bytes(b"")
    case("sweeps/only_comments.csv", R, "comment lines but no header", "RawDataError", "empty file",
         2).write_text("# instrument: Keithley 2400\n# operator: x\n")
    case("sweeps/truncated_mid_header.csv", R, "file ends inside the header line", "RawDataError",
         "lacks column 'bias_V'", 2, "bias_V").write_text("# instrument: Keithley 2400\ntime_s,bia")
    rows = [*SWEEP_ROWS[:3], "0.15,-0.07"]
    case("sweeps/truncated_mid_row.csv", R, "last row cut after 2 of 3 values", "RawDataError",
         "expected 3 comma-separated values, found 2", 6).write_text(sweep_text(rows).rstrip("\n"))
    case("sweeps/header_only.csv", R, "header but no data rows", "RawDataError", "no data rows", 3
         ).write_text(SWEEP_HEAD)
    case("sweeps/missing_header.csv", R, "data rows without the header line", "RawDataError",
         "lacks column 'time_s'", 1, "time_s").write_text("\n".join(SWEEP_ROWS) + "\n")
    case("sweeps/wrong_header.csv", R, "header t,V,I instead of time_s,bias_V,current_A", "RawDataError",
         "lacks column 'time_s'", 2, "time_s").write_text(sweep_text(head="# x\nt,V,I\n"))
    case("sweeps/wrong_unit_bias_mV.csv", R, "bias in mV (column bias_mV)", "RawDataError",
         "lacks column 'bias_V'", 2, "bias_V").write_text(sweep_text(head="# x\ntime_s,bias_mV,current_A\n"))
    case("sweeps/wrong_unit_current_nA.csv", R, "current in nA (column current_nA)", "RawDataError",
         "lacks column 'current_A'", 2, "current_A").write_text(
        sweep_text(head="# x\ntime_s,bias_V,current_nA\n"))
    case("sweeps/unknown_column.csv", R, "a 4th column temperature_K", "RawDataError",
         "unknown column 'temperature_K'", 2, "temperature_K").write_text(
        sweep_text([r + ",300" for r in SWEEP_ROWS], head="# x\ntime_s,bias_V,current_A,temperature_K\n"))
    case("sweeps/semicolon_separated.csv", R, "semicolon-separated (European Excel export)", "RawDataError",
         "lacks column 'time_s'", 2, "time_s").write_text(
        sweep_text([r.replace(",", ";") for r in SWEEP_ROWS], head="# x\ntime_s;bias_V;current_A\n"))
    case("sweeps/decimal_comma.csv", R, "decimal comma in a value", "RawDataError",
         "expected 3 comma-separated values, found 4", 5).write_text(
        sweep_text([*SWEEP_ROWS[:2], "0,1,-0.05,-3.74e-13", *SWEEP_ROWS[3:]]))
    rows = list(SWEEP_ROWS)
    rows[2] = "0.1,-0.05,nan"
    case("sweeps/nan_current.csv", R, "NaN current", "RawDataError", "non-finite value 'nan'", 5,
         "current_A").write_text(sweep_text(rows))
    rows = list(SWEEP_ROWS)
    rows[3] = "0.15,-inf,-5.1e-13"
    case("sweeps/inf_bias.csv", R, "-inf bias", "RawDataError", "non-finite value '-inf'", 6,
         "bias_V").write_text(sweep_text(rows))
    rows = list(SWEEP_ROWS)
    rows[1] = "0.05,-0.025,overload"
    case("sweeps/text_in_numeric.csv", R, "text 'overload' in current_A", "RawDataError",
         "'overload' is not a number", 4, "current_A").write_text(sweep_text(rows))
    rows = list(SWEEP_ROWS)
    rows[2] = "0.1,,-3.74e-13"
    case("sweeps/empty_cell.csv", R, "empty bias cell", "RawDataError", "'' is not a number", 5,
         "bias_V").write_text(sweep_text(rows))
    rows = list(SWEEP_ROWS)
    rows[3] = "0.08,-0.075,-5.1e-13"
    case("sweeps/non_monotonic_time.csv", R, "time goes back (0.1 -> 0.08 s)", "RawDataError",
         "time_s does not increase", 6, "time_s").write_text(sweep_text(rows))
    rows = list(SWEEP_ROWS)
    rows[2] = "0.05,-0.05,-3.74e-13"
    case("sweeps/repeated_time.csv", R, "two rows with the same time", "RawDataError",
         "time_s does not increase", 5, "time_s").write_text(sweep_text(rows))
    cyc = [r + ",1" for r in SWEEP_ROWS]
    cyc[4] = SWEEP_ROWS[4] + ",0"
    case("sweeps/cycle_zero.csv", R, "cycle 0 (cycles count from 1)", "RawDataError",
         "cycle must be an integer >= 1", 7, "cycle").write_text(
        sweep_text(cyc, head="# x\ntime_s,bias_V,current_A,cycle\n"))
    cyc = [r + ",1" for r in SWEEP_ROWS]
    cyc[3] = SWEEP_ROWS[3] + ",1.5"
    case("sweeps/cycle_fraction.csv", R, "cycle 1.5", "RawDataError", "cycle must be an integer >= 1", 6,
         "cycle").write_text(sweep_text(cyc, head="# x\ntime_s,bias_V,current_A,cycle\n"))
    case("sweeps/utf16.csv", R, "UTF-16 (Windows 'Unicode' export)", "RawDataError", "UTF-16", 1
         ).write_bytes(sweep_text().encode("utf-16"))
    case("sweeps/latin1_comment.csv", R, "latin-1 degree sign in a comment line", "RawDataError",
         "not UTF-8", 1).write_bytes(sweep_text(head="# T = 25 \xb0C\ntime_s,bias_V,current_A\n").encode("latin-1"))
    rows = list(SWEEP_ROWS)
    rows[4] = "0.2,-0.1,1e-13A"
    case("sweeps/crlf_text_in_numeric.csv", R, "CRLF line endings and a unit glued to a value",
         "RawDataError", "'1e-13A' is not a number", 7, "current_A").write_bytes(
        sweep_text(rows, nl="\r\n").encode())
    case("sweeps/binary_garbage.csv", R, "a PNG image saved as .csv", "RawDataError", "not UTF-8", 1
         ).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")


# --- EC-Lab .mpt ------------------------------------------------------------------------------
MPT_COLS = ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "time/s"]


def mpt_lines(n_rows: int = 5, extra_header: int = 0) -> list[str]:
    """A small PEIS export as EC-Lab writes it (lines without line endings)."""
    head = ["Potentio Electrochemical Impedance Spectroscopy", "", "Run on channel : 1 (SN 20211)",
            "User : ", "Electrode connection : standard", "Acquisition started on : 10/11/2021 09:00:00.000",
            "EC-Lab for windows v11.50 (software)", "Electrode material : Li", "Electrolyte : Ta-LLZO",
            "Electrode surface area : 0.785 cm\xb2", *([f"Comments : {k}" for k in range(extra_header)]), ""]
    nb = len(head) + 3
    rows = []
    for k in range(n_rows):
        f = 1e6 / 10 ** (k / 2)
        rows.append("\t".join(f"{v:.7E}".replace("E+", "E+0").replace("E-", "E-0")
                              for v in (f, 100.0 + 10 * k, 20.0 + k, 103.0 + 10 * k, 1.0 + k)))
    return ["EC-Lab ASCII FILE", f"Nb header lines : {nb}".ljust(46), *head, "\t".join(MPT_COLS) + "\t", *rows]


def mpt_bytes(lines: list[str], nl: str = "\r\n", enc: str = "cp1252", final_nl: bool = True) -> bytes:
    """Join lines with EC-Lab's CRLF (or ``nl``) and encode."""
    return (nl.join(lines) + (nl if final_nl else "")).encode(enc)


def mpt() -> None:
    """Bad EC-Lab text exports (reader ``eclab`` = ``llzo.io.eclab.read_eclab``)."""
    R = "eclab"
    good = mpt_lines()
    nb = int(good[1].split(":")[1])
    case("mpt/empty.mpt", R, "empty file", "RawDataError", "empty file", 1).write_bytes(b"")
    case("mpt/not_eclab.mpt", R, "a Gamry .DTA renamed to .mpt", "RawDataError", "not an EC-Lab text export",
         1).write_bytes(mpt_bytes(["EXPLAIN", "TAG\tEISPOT", "TITLE\tLABEL\tPotentiostatic EIS"]))
    # a count off by up to 10 lines is read (the column names are searched near it, as real exports
    # need); further off is refused
    lines = mpt_lines(n_rows=30)
    lines[1] = f"Nb header lines : {nb + 12}".ljust(46)
    case("mpt/nb_header_too_large.mpt", R, "'Nb header lines' 12 too large (a data row read as names)",
         "RawDataError", "header line count is wrong", nb + 12).write_bytes(mpt_bytes(lines))
    lines = mpt_lines(extra_header=6)
    nb_long = int(lines[1].split(":")[1])
    lines[1] = f"Nb header lines : {nb_long - 12}".ljust(46)
    case("mpt/nb_header_too_small.mpt", R, "'Nb header lines' 12 too small (lines added by hand)",
         "RawDataError", "header line count is wrong", nb_long - 12).write_bytes(mpt_bytes(lines))
    lines = list(good)
    lines[1] = "Number of header lines : 15"
    case("mpt/nb_header_missing.mpt", R, "second line is not 'Nb header lines : N'", "RawDataError",
         "Nb header lines", 2).write_bytes(mpt_bytes(lines))
    lines = list(good)
    lines[1] = "Nb header lines : 2"
    case("mpt/nb_header_two.mpt", R, "'Nb header lines : 2' (less than the minimum 3)", "RawDataError",
         "too small", 2).write_bytes(mpt_bytes(lines))
    case("mpt/truncated_mid_header.mpt", R, "file ends inside the header", "RawDataError",
         "ends inside the header", 8).write_bytes(mpt_bytes(good[:8], final_nl=False) + b"Electrode conn")
    cut = mpt_bytes(good)[:-30]
    case("mpt/truncated_mid_row.mpt", R, "last data row cut (copy interrupted)", "RawDataError",
         "truncated file", nb + 5).write_bytes(cut)
    lines = list(good)
    cells = lines[nb + 2].split("\t")
    cells[3] = "-------"
    lines[nb + 2] = "\t".join(cells)
    case("mpt/text_in_numeric.mpt", R, "'-------' in |Z|/Ohm", "RawDataError", "is not a number", nb + 3
         ).write_bytes(mpt_bytes(lines))
    case("mpt/header_only.mpt", R, "column names but no data rows", "RawDataError", "no data rows", nb + 1
         ).write_bytes(mpt_bytes(good[:nb]))
    case("mpt/utf16.mpt", R, "re-saved as UTF-16 in a text editor", "RawDataError",
         "not an EC-Lab text export", 1).write_bytes(mpt_bytes(good, enc="utf-16"))
    lines = list(good)
    lines[nb + 1] = lines[nb + 1] + "\t1.0E+000"
    case("mpt/latin1_extra_value.mpt", R, "cp1252 header (cm\xb2) and LF line endings, one row with an extra "
         "value", "RawDataError", "6 values where the header has 5 columns", nb + 2).write_bytes(
        mpt_bytes(lines, nl="\n", enc="latin-1"))
    case("mpt/wrong_extension.txt", R, "an EC-Lab export saved as .txt", "RawDataError",
         "expected an EC-Lab .mpt or .mpr", None).write_bytes(mpt_bytes(good))


# --- EC-Lab .mpr ------------------------------------------------------------------------------
def mpr() -> None:
    """Bad EC-Lab binaries (reader ``eclab``), derived from a real ``peis.mpr`` (galvani's test data)."""
    R = "eclab"
    src = REAL / "biologic" / "peis.mpr"
    raw = src.read_bytes()
    from galvani import BioLogic

    m = BioLogic.MPRfile(str(src))
    cols = np.asarray(m.cols, dtype="<u2").tobytes()
    i = raw.find(cols, raw.find(b"VMP data  "))
    assert i > 0
    # (an unknown column id is no longer a bad input: yadg reads on and the reader notes it,
    # tests/io/test_eclab.py::test_unknown_mpr_column)
    case("mpr/empty.mpr", R, "empty file", "RawDataError", "unreadable .mpr", None).write_bytes(b"")
    rng = np.random.default_rng(9)
    case("mpr/garbage.mpr", R, "random bytes", "RawDataError", "unreadable .mpr", None).write_bytes(
        rng.integers(0, 256, 2048, dtype=np.uint8).tobytes())
    case("mpr/magic_then_garbage.mpr", R, "valid magic, then random bytes", "RawDataError",
         "unreadable .mpr", None).write_bytes(raw[:len(BioLogic.MPR_MAGIC)]
                                              + rng.integers(0, 256, 2048, dtype=np.uint8).tobytes())
    case("mpr/truncated.mpr", R, "cut in the middle of the data module", "RawDataError", "unreadable .mpr",
         None).write_bytes(raw[: i + 600])
    case("mpr/text_export_renamed.mpr", R, "a text export renamed to .mpr", "RawDataError",
         "unreadable .mpr", None).write_bytes(mpt_bytes(mpt_lines()))


# --- AFM maps ---------------------------------------------------------------------------------
def write_gwy(path: Path, channels: dict[str, tuple[np.ndarray, str]], xreal: float = 1e-6,
              yreal: float = 1e-6, xy_unit: str = "m") -> None:
    """A Gwyddion file with one data field per channel (title -> (data, z unit))."""
    from gwyfile.objects import GwyContainer, GwyDataField

    obj = GwyContainer()
    for k, (title, (data, unit)) in enumerate(channels.items()):
        obj[f"/{k}/data"] = GwyDataField(np.ascontiguousarray(data, dtype=np.float64), xreal=xreal, yreal=yreal,
                                         si_unit_xy=xy_unit, si_unit_z=unit)
        obj[f"/{k}/data/title"] = title
    with open(path, "wb") as fh:
        obj.tofile(fh)


def small_map(n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """A tiny height (m) and modulus (Pa) image."""
    y, x = np.mgrid[0:n, 0:n]
    return 1e-9 * (x + 0.5 * y), 145e9 - 1e9 * (x == n // 2)


def gwy() -> None:
    """Bad Gwyddion files (reader ``afm`` = ``llzo.io.afm.read_afm``)."""
    R = "afm"
    h, e = small_map()
    good = HERE / "gwy" / "_good.gwy"
    good.parent.mkdir(parents=True, exist_ok=True)
    write_gwy(good, {"Height": (h, "m"), "DMT Modulus": (e, "Pa")})
    raw = good.read_bytes()
    good.unlink()
    case("gwy/empty.gwy", R, "empty file", "RawDataError", "not a readable Gwyddion", None).write_bytes(b"")
    case("gwy/garbage.gwy", R, "random bytes", "RawDataError", "not a readable Gwyddion", None).write_bytes(
        np.random.default_rng(5).integers(0, 256, 1024, dtype=np.uint8).tobytes())
    case("gwy/truncated.gwy", R, "cut in the middle of the second channel", "RawDataError",
         "not a readable Gwyddion", None).write_bytes(raw[: len(raw) * 3 // 4])
    case("gwy/truncated_in_component.gwy", R, "cut inside the first channel's header (gwyfile never returns)",
         "RawDataError", "not a readable Gwyddion", None).write_bytes(raw[:112])
    case("gwy/truncated_header.gwy", R, "cut inside the container header", "RawDataError",
         "not a readable Gwyddion", None).write_bytes(raw[:20])
    write_gwy(case("gwy/zero_pixel_size.gwy", R, "xreal = 0 (pixel size 0)", "RawDataError",
                   "invalid pixel size", None, "Height"), {"Height": (h, "m")}, xreal=0.0)
    write_gwy(case("gwy/negative_pixel_size.gwy", R, "yreal < 0", "RawDataError", "invalid pixel size", None,
                   "Height"), {"Height": (h, "m")}, yreal=-1e-6)
    write_gwy(case("gwy/unknown_z_unit.gwy", R, "z unit 'furlong'", "RawDataError",
                   "cannot be converted to SI", None, "Height"), {"Height": (h, "furlong")})
    write_gwy(case("gwy/lateral_unit_volt.gwy", R, "lateral unit V (not a length)", "RawDataError",
                   "is not a length", None, "Height"), {"Height": (h, "m")}, xy_unit="V")
    write_gwy(case("gwy/one_row.gwy", R, "a 1 x 8 image (a line scan, not a map)", "RawDataError",
                   "not a 2-D image", None, "Height"), {"Height": (h[:1], "m")})
    from gwyfile.objects import GwyContainer

    obj = GwyContainer()
    obj["/0/data/title"] = "Height"
    with open(case("gwy/title_without_datafield.gwy", R, "channel title '/0/data/title' but no '/0/data'",
                   "RawDataError", "not a readable Gwyddion", None), "wb") as fh:
        obj.tofile(fh)
    obj = GwyContainer()
    obj["/meta/comment"] = "scan aborted"
    with open(case("gwy/no_datafield.gwy", R, "a container with metadata only (no image channel)",
                   "RawDataError", "no data field", None), "wb") as fh:
        obj.tofile(fh)
    case("gwy/unknown_format.tif", R, "a TIFF export instead of the instrument file", "RawDataError",
         "unknown AFM map format", None).write_bytes(b"II*\x00\x08\x00\x00\x00")
    case("gwy/spm_truncated.spm", R, "a Bruker .spm cut after its text header", "RawDataError",
         "cannot read AFM map", None).write_bytes((REAL / "spm" / "old_bruker.002").read_bytes()[:6000])
    case("gwy/ibw_garbage.ibw", R, "an Igor .ibw of random bytes", "RawDataError", "cannot read AFM map",
         None).write_bytes(np.random.default_rng(7).integers(0, 256, 512, dtype=np.uint8).tobytes())


# --- sample sheets and datasets ------------------------------------------------------------
SWEEP_COLS = ["sweep_id", "file", "protocol", "site", "distance_to_gb_nm", "electrode", "tip_radius_nm",
              "tip_force_nN", "pad_side_um", "compliance_A"]


def sweep_row(k: int, **kw) -> list[str]:
    """One valid sweeps.tsv row (as strings) for ``sweeps/s<k>.csv``."""
    row = {"sweep_id": f"s{k}", "file": f"sweeps/s{k}.csv", "protocol": "trigger", "site": "GB",
           "distance_to_gb_nm": "0", "electrode": "tip", "tip_radius_nm": "20", "tip_force_nN": "400",
           "pad_side_um": "", "compliance_A": "0.001"}
    row.update(kw)
    return [row[c] for c in SWEEP_COLS]


def sweep_dataset(path: str, reader: str, wrong: str, error: str, message: str, line=None, column=None,
                  rows: list[list[str]] | None = None, cols: list[str] | None = None, files: int = 3,
                  raw: bytes | None = None, xfail: str = "") -> Path:
    """A dataset folder with sweeps.tsv (from ``rows``/``cols`` or ``raw`` bytes) and ``files`` CSVs."""
    folder = case(path + "/sweeps.tsv", reader, wrong, error, message, line, column, xfail).parent
    CASES[-1].path = path
    rows = rows if rows is not None else [sweep_row(k) for k in (1, 2, 3)]
    cols = cols or SWEEP_COLS
    text = "\n".join("\t".join(r) for r in [cols, *rows]) + "\n"
    (folder / "sweeps.tsv").write_bytes(raw if raw is not None else text.encode())
    for k in range(1, files + 1):
        f = folder / "sweeps" / f"s{k}.csv"
        f.parent.mkdir(exist_ok=True)
        f.write_text(sweep_text())
    return folder


def sweep_sheets() -> None:
    """Bad ``sweeps.tsv`` (reader ``sheet:sweeps`` = ``read_sheet(folder, "sweeps")``)."""
    R = "sheet:sweeps"
    sweep_dataset("sheets/sweeps_duplicate_id", R, "sweep_id s1 twice", "SheetError", "duplicate sweep_id 's1'",
                  3, "sweep_id", rows=[sweep_row(1), sweep_row(1, file="sweeps/s2.csv"), sweep_row(3)])
    sweep_dataset("sheets/sweeps_missing_file", R, "row 2 names sweeps/s9.csv, which does not exist",
                  "RawDataError", "'sweeps/s9.csv' named in the sheet does not exist", None, "file",
                  rows=[sweep_row(1), sweep_row(9), sweep_row(3)])
    sweep_dataset("sheets/sweeps_absolute_path", R, "an absolute path /etc/hostname", "UnsafePathError",
                  "absolute path '/etc/hostname' refused", None, "file",
                  rows=[sweep_row(1), sweep_row(2, file="/etc/hostname"), sweep_row(3)])
    sweep_dataset("sheets/sweeps_dotdot_path", R, "a path ../../../etc/hostname leaving the folder",
                  "UnsafePathError", "leaves the dataset folder", None, "file",
                  rows=[sweep_row(1), sweep_row(2), sweep_row(3, file="sweeps/../../../../etc/hostname")])
    sweep_dataset("sheets/sweeps_symlink_escape", R, "sweeps/s2.csv is a symlink to a file outside the folder "
                  "(the test makes the link)", "UnsafePathError", "leaves the dataset folder", None, "file",
                  files=1)
    sweep_dataset("sheets/sweeps_missing_column", R, "no compliance_A column", "SheetError",
                  "lacks required column(s) ['compliance_A']", 1, "compliance_A",
                  rows=[sweep_row(k)[:-1] for k in (1, 2, 3)], cols=SWEEP_COLS[:-1])
    cols = [c if c != "compliance_A" else "compliance_mA" for c in SWEEP_COLS]
    sweep_dataset("sheets/sweeps_wrong_unit_header", R, "compliance_mA instead of compliance_A", "SheetError",
                  "'compliance_mA'", 1, "compliance_A", cols=cols)
    cols = [c if c != "tip_radius_nm" else "tip_radius_um" for c in SWEEP_COLS]
    sweep_dataset("sheets/sweeps_wrong_unit_conditional", R, "tip_radius_um instead of tip_radius_nm (tip rows "
                  "need it)", "SheetError", "'tip_radius_um'", 2, "tip_radius_nm", cols=cols,
                  rows=[sweep_row(1, tip_radius_nm="0.02"), sweep_row(2, tip_radius_nm="0.02")], files=2)
    sweep_dataset("sheets/sweeps_bad_site", R, "site 'XX' (not GB, GI, HL)", "SheetError", "'XX'", 3, "site",
                  rows=[sweep_row(1), sweep_row(2, site="XX"), sweep_row(3)])
    sweep_dataset("sheets/sweeps_text_in_number", R, "tip_radius_nm 'twenty' in row 2", "SheetError",
                  "'twenty'", 3, "tip_radius_nm",
                  rows=[sweep_row(1), sweep_row(2, tip_radius_nm="twenty"), sweep_row(3)])
    sweep_dataset("sheets/sweeps_negative_distance", R, "distance_to_gb_nm = -5", "SheetError", "-5", 4,
                  "distance_to_gb_nm", rows=[sweep_row(1), sweep_row(2), sweep_row(3, distance_to_gb_nm="-5")])
    sweep_dataset("sheets/sweeps_pad_without_side", R, "a pad row without pad_side_um", "SheetError",
                  "'pad_side_um' is empty or missing", 2, "pad_side_um",
                  rows=[sweep_row(1, electrode="pad", tip_radius_nm="", tip_force_nN="")], files=1)
    sweep_dataset("sheets/sweeps_empty", R, "empty sheet (0 bytes)", "SheetError", "empty sheet", 1, raw=b"")
    sweep_dataset("sheets/sweeps_header_only", R, "header row only", "SheetError", "no data rows", 2, rows=[])
    sweep_dataset("sheets/sweeps_comma_separated", R, "comma-separated instead of tab-separated", "SheetError",
                  "tab-separated?", 1, "sweep_id",
                  raw=("\n".join(",".join(r) for r in [SWEEP_COLS, sweep_row(1)]) + "\n").encode())
    text = "\n".join("\t".join(r) for r in [[*SWEEP_COLS, "note"], *[[*sweep_row(k), "ok"] for k in (1, 2)],
                                             [*sweep_row(3), "Probe Pt/Ir, 25 °C"]]) + "\n"
    sweep_dataset("sheets/sweeps_latin1", R, "saved as latin-1 (degree sign in a note, row 3)", "SheetError",
                  "not UTF-8", 4, raw=text.encode("latin-1"))
    text = "\n".join("\t".join(r) for r in [SWEEP_COLS, *[sweep_row(k) for k in (1, 2, 3)]]) + "\n"
    sweep_dataset("sheets/sweeps_utf16", R, "saved as UTF-16 ('Unicode text' in Excel)", "SheetError",
                  "not UTF-8", 1, raw=text.encode("utf-16"))
    text = "\r\n".join("\t".join(r) for r in [SWEEP_COLS, sweep_row(1), sweep_row(2), sweep_row(2)]) + "\r\n"
    sweep_dataset("sheets/sweeps_crlf_duplicate", R, "CRLF line endings (accepted) and a duplicate id in row 3",
                  "SheetError", "duplicate sweep_id 's2'", 4, "sweep_id", raw=text.encode())
    text = "\n".join("\t".join(r) for r in [SWEEP_COLS, sweep_row(1), sweep_row(2)]) + "\ns3\tsweeps/s3.csv\ttrig"
    sweep_dataset("sheets/sweeps_truncated_mid_row", R, "last row cut after 3 fields", "SheetError",
                  "only 3 of 10 tab-separated fields", 4, "site", raw=text.encode())
    text = "\n".join("\t".join(r) for r in [SWEEP_COLS, sweep_row(1), [*sweep_row(2), "extra"], sweep_row(3)])
    sweep_dataset("sheets/sweeps_extra_field", R, "row 2 has 11 fields (a tab typed inside a value)",
                  "SheetError", "11 tab-separated fields where the header has 10", 3, None,
                  raw=(text + "\n").encode())


def sweep_ingest() -> None:
    """A sheet that is fine and a sweep file that is not (reader ``reject:sweeps``: the file is rejected)."""
    folder = sweep_dataset("sheets/sweeps_ingest_bad_csv", "reject:sweeps", "valid sheet, s2.csv has text in "
                           "bias_V (the reject list names the CSV; s1 and s3 are ingested)", "RawDataError",
                           "'x' is not a number", 4, "bias_V")
    rows = list(SWEEP_ROWS)
    rows[1] = "0.05,x,-2.06e-13"
    (folder / "sweeps" / "s2.csv").write_text(sweep_text(rows))


MAP_COLS = ["map_id", "file", "kind", "stage", "bias_V", "mask_file"]


def map_dataset(path: str, reader: str, wrong: str, error: str, message: str, line=None, column=None,
                rows: list[list[str]] | None = None, channels: dict | None = None, xfail: str = "") -> Path:
    """A dataset folder with maps.tsv and maps/m1.gwy."""
    folder = case(path + "/maps.tsv", reader, wrong, error, message, line, column, xfail).parent
    CASES[-1].path = path
    rows = rows if rows is not None else [["m1", "maps/m1.gwy", "modulus", "pristine", "", ""]]
    (folder / "maps.tsv").write_text("\n".join("\t".join(r) for r in [MAP_COLS, *rows]) + "\n")
    (folder / "maps").mkdir(exist_ok=True)
    h, e = small_map()
    write_gwy(folder / "maps" / "m1.gwy", channels or {"Height": (h, "m"), "DMT Modulus": (e, "Pa")})
    return folder


def map_sheets() -> None:
    """Bad ``maps.tsv`` (``sheet:maps``) and maps that do not fit their row (``reject:maps``)."""
    h, e = small_map()
    map_dataset("sheets/maps_missing_channel", "reject:maps", "kind kpfm but the .gwy has no 'Potential' channel",
                "RawDataError", "no channel titled 'Potential'", None, "Potential",
                rows=[["m1", "maps/m1.gwy", "kpfm", "pristine", "", ""]])
    map_dataset("sheets/maps_no_height", "reject:maps", "modulus map without a 'Height' channel", "RawDataError",
                "no channel titled 'Height'", None, "Height", channels={"DMT Modulus": (e, "Pa")})
    map_dataset("sheets/maps_height_in_volt", "reject:maps", "'Height' channel stored in V", "RawDataError",
                "is in 'V', expected 'm'", None, "Height",
                channels={"Height": (h, "V"), "DMT Modulus": (e, "Pa")})
    folder = map_dataset("sheets/maps_mask_wrong_shape", "reject:maps", "mask .npy 4x4 for an 8x8 map",
                         "RawDataError", "mask shape (4, 4) differs", None, None,
                         rows=[["m1", "maps/m1.gwy", "modulus", "pristine", "", "maps/m1_mask.npy"]])
    np.save(folder / "maps" / "m1_mask.npy", np.zeros((4, 4), dtype=np.uint8))
    map_dataset("sheets/maps_mask_leaves_folder", "sheet:maps", "mask_file ../m1_mask.npy outside the folder",
                "UnsafePathError", "leaves the dataset folder", None, "mask_file",
                rows=[["m1", "maps/m1.gwy", "modulus", "pristine", "", "../m1_mask.npy"]])
    map_dataset("sheets/maps_current_without_bias", "sheet:maps", "current map without bias_V", "SheetError",
                "'bias_V' is empty or missing", 2, "bias_V", rows=[["m1", "maps/m1.gwy", "current", "pristine", "",
                                                                   ""]])
    map_dataset("sheets/maps_bad_stage", "sheet:maps", "stage 'after' (not pristine/after_penetration)",
                "SheetError", "'after'", 2, "stage", rows=[["m1", "maps/m1.gwy", "modulus", "after", "", ""]])
    map_dataset("sheets/maps_duplicate_id", "sheet:maps", "map_id m1 twice", "SheetError", "duplicate map_id", 3,
                "map_id", rows=[["m1", "maps/m1.gwy", "modulus", "pristine", "", ""]] * 2)


ECHEM_COLS = ["run_id", "file", "technique", "cell", "interlayer", "state", "area_cm2", "temperature_C",
              "cathode", "active_mass_mg"]


def echem_dataset(path: str, reader: str, wrong: str, error: str, message: str, line=None, column=None,
                  rows: list[list[str]] | None = None, mpt: bytes | None = None, xfail: str = "") -> Path:
    """A dataset folder with echem.tsv and echem/r1.mpt (a PEIS export)."""
    folder = case(path + "/echem.tsv", reader, wrong, error, message, line, column, xfail).parent
    CASES[-1].path = path
    rows = rows if rows is not None else [["r1", "echem/r1.mpt", "PEIS", "c1", "none", "pristine", "0.785", "25",
                                           "", ""]]
    (folder / "echem.tsv").write_text("\n".join("\t".join(r) for r in [ECHEM_COLS, *rows]) + "\n")
    (folder / "echem").mkdir(exist_ok=True)
    (folder / "echem" / "r1.mpt").write_bytes(mpt if mpt is not None else mpt_bytes(mpt_lines()))
    return folder


def echem_sheets() -> None:
    """Bad ``echem.tsv`` and EC-Lab files that do not fit their row."""
    lines = mpt_lines()
    nb = int(lines[1].split(":")[1])
    lines[nb - 1] = lines[nb - 1].replace("-Im(Z)/Ohm", "Im(Z)/Ohm")
    echem_dataset("sheets/echem_peis_missing_column", "reject:echem", "PEIS export without '-Im(Z)/Ohm' "
                  "(exported Im(Z) instead)", "RawDataError", "needs column '-Im(Z)/Ohm'", None, "-Im(Z)/Ohm",
                  mpt=mpt_bytes(lines))
    row = ["r1", "echem/r1.mpt", "PEIS", "c1", "none", "pristine", "0", "25", "", ""]
    echem_dataset("sheets/echem_zero_area", "sheet:echem", "area_cm2 = 0", "SheetError", "area_cm2", 2,
                  "area_cm2", rows=[row])
    row = ["r1", "echem/r1.mpt", "FULL", "c1", "HL", "pristine", "0.785", "40", "", "5.1"]
    echem_dataset("sheets/echem_full_without_cathode", "sheet:echem", "FULL run without cathode", "SheetError",
                  "'cathode' is empty or missing", 2, "cathode", rows=[row])
    row = ["r1", "echem/r1.mpt", "EIS", "c1", "none", "pristine", "0.785", "25", "", ""]
    echem_dataset("sheets/echem_bad_technique", "sheet:echem", "technique 'EIS' (must be PEIS)", "SheetError",
                  "'EIS'", 2, "technique", rows=[row])
    row = ["r1", "echem/r1.mpt", "PEIS", "c1", "none", "pristine", "0.785", "25", "", ""]
    echem_dataset("sheets/echem_duplicate_id", "sheet:echem", "run_id r1 twice", "SheetError",
                  "duplicate run_id 'r1'", 3, "run_id", rows=[row, row])
    row2 = ["r2", "echem/r2.mpr", "PEIS", "c1", "none", "pristine", "0.785", "25", "", ""]
    echem_dataset("sheets/echem_missing_file", "sheet:echem", "names echem/r2.mpr, which does not exist",
                  "RawDataError", "'echem/r2.mpr' named in the sheet does not exist", None, "file",
                  rows=[row, row2])
    lines = mpt_lines(n_rows=30)
    lines[1] = f"Nb header lines : {nb + 12}".ljust(46)
    echem_dataset("sheets/echem_ingest_bad_mpt", "reject:echem", "valid sheet, r1.mpt with a wrong "
                  "'Nb header lines' (the reject list names the .mpt, and nothing of it is written)", "RawDataError",
                  "header line count is wrong", nb + 12, None, mpt=mpt_bytes(lines))


def readme() -> None:
    """Write README.md: one table row per case."""
    def cell(v) -> str:
        return "-" if v is None or v == "" else str(v).replace("|", "\\|")

    out = [
        "# Bad-input corpus",
        "",
        "Small raw files and dataset folders that break the raw-data contract, one case per row.",
        "`tests/test_bad_inputs.py` reads this table and checks, for every case, that the reader",
        "raises the expected error type (`llzo.io.errors`), that the message contains the fragment",
        "and names the file, and, where given, the 1-based line and the column.",
        "Readers: `sweep` = `read_sweep_csv`, `eclab` = `read_eclab` (.mpt/.mpr), `afm` = `read_afm`,",
        "`sheet:<name>` = `read_sheet(folder, name)`, `ingest:<name>` = the whole ingest of a folder",
        "(`llzo.pipeline.ingest_<name>.ingest`, which must write nothing on error), `reject:<name>` = the",
        "same ingest, which lists the bad file in `rejected_<name>.tsv` (message, line, column) and writes",
        "nothing of it.",
        "A folder case is copied to a temporary folder first; the symlink case gets its link there.",
        "Regenerate with `PYTHONPATH=workflow .venv/bin/python tests/bad_inputs/make_corpus.py`.",
        "",
        "| case | reader | what is wrong | error | message | line | column |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in CASES:
        out.append("| " + " | ".join(cell(v) for v in (c.path, c.reader, c.wrong, c.error, c.message, c.line,
                                                       c.column)) + " |")
    (HERE / "README.md").write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    """Rewrite every corpus file and README.md."""
    for sub in ("sweeps", "mpt", "mpr", "gwy", "sheets"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
    sweeps()
    mpt()
    mpr()
    gwy()
    sweep_sheets()
    sweep_ingest()
    map_sheets()
    echem_sheets()
    readme()
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()
