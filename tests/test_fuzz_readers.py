"""Property-based tests of every reader: any input either parses or raises ``RawDataError``.

Inputs are random bytes, random truncations and byte mutations of valid files, and random
valid-but-odd files (odd numbers, encodings, line endings, header lengths, units, shapes). A
reader may never raise anything else, never hang and never modify its input.

Examples per reader: ``LLZO_FUZZ_EXAMPLES`` (default 2000, the CI run; ``make fuzz-long`` runs
20000). Hypothesis' database (``.hypothesis/``) replays earlier failures first.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from reader_limits import ReaderHang, deadline

from llzo.io.afm import read_afm, read_mask
from llzo.io.eclab import read_eclab
from llzo.io.errors import RawDataError
from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv

N_EXAMPLES = int(os.environ.get("LLZO_FUZZ_EXAMPLES", "2000"))
settings.register_profile(
    "llzo-fuzz",
    max_examples=N_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                           HealthCheck.filter_too_much],
)
FUZZ = settings(settings.get_profile("llzo-fuzz"))
#: Big real files (AFMReader formats: ~0.3 s each) get a fortieth of the examples.
FUZZ_SLOW = settings(FUZZ, max_examples=N_EXAMPLES)  # AFMReader formats: full count too (pre-scans keep them fast)
HANG_S = 20
REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
WORK = Path(tempfile.mkdtemp(prefix="llzo-fuzz-"))


class ReaderMemoryBomb(BaseException):
    """A reader tried to allocate gigabytes for a small file."""


#: Address space a reader may add to the test process (a corrupt size field must not eat the RAM).
MEMORY_CAP_BYTES = 4 << 30


@contextlib.contextmanager
def memory_cap(extra: int = MEMORY_CAP_BYTES):
    """Limit the address space to the current size plus ``extra`` bytes (RLIMIT_AS), then restore it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    vm = next(int(ln.split()[1]) * 1024 for ln in open("/proc/self/status") if ln.startswith("VmSize:"))
    cap = vm + extra if hard == resource.RLIM_INFINITY else min(vm + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))




HANGS = Path(__file__).resolve().parents[1] / ".hypothesis" / "llzo-hangs"


def parse_or_raw_data_error(reader, path: Path, *args, hang_s: int = HANG_S):
    """Call ``reader(path, *args)``; return its result, or None after a RawDataError.

    An input on which the reader hangs is kept in ``.hypothesis/llzo-hangs/`` for a bug report.
    """
    before = path.read_bytes() if path.is_file() else None
    try:
        with deadline(hang_s), memory_cap():
            return reader(path, *args)
    except MemoryError:
        raise ReaderMemoryBomb(f"reader ran out of a {MEMORY_CAP_BYTES >> 30} GB allowance on a "
                               f"{len(before or b'')}-byte file") from None
    except ReaderHang:
        if before is not None:
            HANGS.mkdir(parents=True, exist_ok=True)
            (HANGS / f"{hashlib.sha256(before).hexdigest()[:12]}{path.suffix}").write_bytes(before)
        raise
    except RawDataError as exc:
        if "MemoryError" in str(exc):
            raise ReaderMemoryBomb(f"{exc} (a {len(before or b'')}-byte file)") from None
        assert exc.file, "RawDataError without a file"
        assert str(exc).startswith(exc.file)
        return None
    finally:
        if before is not None:
            assert path.read_bytes() == before, "the reader modified its input"


def put(name: str, data: bytes) -> Path:
    """Write ``data`` to the scratch file ``name`` (one fixed path per reader)."""
    p = WORK / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


# --- shared strategies ------------------------------------------------------------------------
def mutated(seed: bytes, max_edits: int = 8) -> st.SearchStrategy[bytes]:
    """``seed`` with a few bytes replaced, inserted or deleted at random places."""
    @st.composite
    def build(draw):
        b = bytearray(seed)
        for _ in range(draw(st.integers(1, max_edits))):
            op = draw(st.sampled_from(("set", "ins", "del")))
            i = draw(st.integers(0, max(len(b) - 1, 0)))
            if op == "set" and b:
                b[i] = draw(st.integers(0, 255))
            elif op == "ins":
                b[i:i] = draw(st.binary(min_size=1, max_size=8))
            elif b:
                del b[i: i + draw(st.integers(1, 16))]
        return bytes(b)
    return build()


def truncated(seed: bytes) -> st.SearchStrategy[bytes]:
    """``seed`` cut at a random byte."""
    return st.integers(0, len(seed)).map(lambda n: seed[:n])


def corrupt(seed: bytes, max_random: int = 4096) -> st.SearchStrategy[bytes]:
    """Random bytes, truncations and mutations of ``seed``."""
    return st.one_of(st.binary(max_size=max_random), truncated(seed), mutated(seed))


ODD_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, -1e300, 5e-324, 1.7976931348623157e308]),
    st.floats(-10, 10),
)


def fmt_float(draw, x: float) -> str:
    style = draw(st.sampled_from(("repr", "e", "g", "f", "plus", "space", "E3")))
    if style == "repr":
        return repr(x)
    if style == "e":
        return f"{x:.6e}"
    if style == "g":
        return f"{x:g}"
    if style == "f":
        return f"{x:.3f}"
    if style == "plus":
        return f"{x:+g}"
    if style == "space":
        return f" {x:g} "
    return f"{x:.7E}".replace("E+", "E+0").replace("E-", "E-0")


# --- sweep CSVs -------------------------------------------------------------------------------
SWEEP_SEED = (b"# instrument: Keithley 2400 via c-AFM\ntime_s,bias_V,current_A\n0,0,9.3e-14\n"
              b"0.05,-0.025,-2.06e-13\n0.1,-0.05,-3.74e-13\n0.15,-0.075,-5.1e-13\n")


@st.composite
def odd_sweep(draw) -> bytes:
    """A sweep CSV that is valid or almost valid, with odd but legal details."""
    cols = ["time_s", "bias_V", "current_A"] + (["cycle"] if draw(st.booleans()) else [])
    if draw(st.booleans()):
        cols = draw(st.permutations(cols))
    n = draw(st.integers(0, 30))
    t = np.cumsum(draw(st.lists(st.floats(-0.01, 1.0), min_size=n, max_size=n))) if n else []
    lines = [f"# {draw(st.text(max_size=30))}".replace("\n", " ").replace("\r", " ")
             for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        lines.append("")
    lines.append(",".join(cols))
    for k in range(n):
        vals = {"time_s": fmt_float(draw, float(t[k])), "bias_V": fmt_float(draw, draw(ODD_FLOATS)),
                "current_A": fmt_float(draw, draw(ODD_FLOATS)),
                "cycle": str(draw(st.sampled_from([1, 1, 2, 0, -1, 1.5, 10**6])))}
        lines.append(",".join(vals[c] for c in cols))
    nl = draw(st.sampled_from(("\n", "\r\n", "\r")))
    text = nl.join(lines) + (nl if draw(st.booleans()) else "")
    enc = draw(st.sampled_from(("utf-8", "utf-8-sig", "latin-1", "utf-16", "ascii")))
    return text.encode(enc, errors="replace")


@FUZZ
@given(data=st.one_of(corrupt(SWEEP_SEED), odd_sweep()))
@example(data=SWEEP_SEED)
def test_fuzz_sweep_csv(data):
    df = parse_or_raw_data_error(read_sweep_csv, put("sweep.csv", data))
    if df is not None:  # what parses obeys the contract
        assert {"time_s", "bias_V", "current_A"} <= set(df.columns) and len(df) >= 1
        assert np.isfinite(df[["time_s", "bias_V", "current_A"]].to_numpy()).all()
        assert (np.diff(df["time_s"].to_numpy()) > 0).all()
        if "cycle" in df:
            assert df["cycle"].dtype == np.int64 and (df["cycle"] >= 1).all()


# --- EC-Lab .mpt ------------------------------------------------------------------------------
def _load_corpus_maker():
    """``tests/bad_inputs/make_corpus.py`` (its writers of valid files seed the fuzzing)."""
    spec = importlib.util.spec_from_file_location("llzo_make_corpus", Path(__file__).parent / "bad_inputs" /
                                                  "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


CORPUS = _load_corpus_maker()
MPT_SEED = CORPUS.mpt_bytes(CORPUS.mpt_lines())
MPT_NAMES = ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "time/s", "Ewe/V", "<I>/mA", "I/mA", "cycle number",
             "half cycle", "Q charge/discharge/mA.h", "control/V/mA", "mode", "ox/red", "error", "x", "Ns",
             "(Q-Qo)/mA.h", "Ecell/V", "P/W", "unknown/thing"]


@st.composite
def odd_mpt(draw) -> bytes:
    """An EC-Lab export with a random header length, random columns and odd numbers."""
    head = [draw(st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\r\n"), max_size=40))
            for _ in range(draw(st.integers(0, 12)))]
    names = draw(st.lists(st.sampled_from(MPT_NAMES), min_size=1, max_size=8))
    nb = len(head) + 3 + draw(st.sampled_from([0, 0, 0, -1, 1, -5]))
    dec = draw(st.sampled_from((".", ",")))
    rows = []
    for _ in range(draw(st.integers(0, 20))):
        cells = [fmt_float(draw, draw(ODD_FLOATS)) for _ in names]
        if draw(st.integers(0, 20)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))]
        rows.append("\t".join(c.replace(".", dec) for c in cells) + ("\t" if draw(st.booleans()) else ""))
    magic = draw(st.sampled_from(("EC-Lab ASCII FILE", "EC-Lab ASCII FILE", "BT-Lab ASCII FILE", "EC-Lab")))
    lines = [magic, f"Nb header lines : {nb}".ljust(46), *head, "\t".join(names) + "\t", *rows]
    nl = draw(st.sampled_from(("\r\n", "\n")))
    enc = draw(st.sampled_from(("cp1252", "latin-1", "utf-8")))
    return (nl.join(lines) + nl).encode(enc, errors="replace")


@FUZZ
@given(data=st.one_of(corrupt(MPT_SEED), odd_mpt()))
@example(data=MPT_SEED)
def test_fuzz_mpt(data):
    f = parse_or_raw_data_error(read_eclab, put("run.mpt", data))
    if f is not None:
        assert len(f.data.columns) >= 1


# --- EC-Lab .mpr ------------------------------------------------------------------------------
MPR_SEED = (REAL / "biologic" / "peis.mpr").read_bytes() if (REAL / "biologic").is_dir() else b""
MPR_MAGIC = MPR_SEED[:48] if MPR_SEED else b"BIO-LOGIC MODULAR FILE"


@pytest.mark.skipif(not MPR_SEED, reason="real .mpr fixture missing")
@FUZZ
@given(data=st.one_of(corrupt(MPR_SEED, 2048), st.binary(max_size=2048).map(lambda b: MPR_MAGIC + b)))
@example(data=MPR_SEED)
def test_fuzz_mpr(data):
    parse_or_raw_data_error(read_eclab, put("run.mpr", data))


# --- Gwyddion maps ----------------------------------------------------------------------------
def _gwy_bytes(channels: dict, xreal: float, yreal: float, xy_unit: str = "m") -> bytes:
    p = WORK / "seed.gwy"
    CORPUS.write_gwy(p, channels, xreal, yreal, xy_unit)
    return p.read_bytes()


_H = np.arange(16.0).reshape(4, 4) * 1e-9
GWY_SEED = _gwy_bytes({"Height": (_H, "m"), "DMT Modulus": (_H * 1e20, "Pa")}, 1e-6, 1e-6)
Z_UNITS = ["m", "nm", "V", "mV", "A", "pA", "Pa", "GPa", "", "furlong", "deg", "N/m", "m^2", "µm"]


@st.composite
def odd_gwy(draw) -> bytes:
    """A Gwyddion file with random channels, shapes, units and lateral sizes."""
    channels = {}
    for _ in range(draw(st.integers(0, 3))):
        title = draw(st.sampled_from(["Height", "DMT Modulus", "Potential", "Current", "Phase", "", "Z"]))
        ny, nx = draw(st.integers(1, 5)), draw(st.integers(1, 5))
        data = np.asarray(draw(st.lists(ODD_FLOATS, min_size=nx * ny, max_size=nx * ny))).reshape(ny, nx)
        channels[title] = (data, draw(st.sampled_from(Z_UNITS)))
    size = st.one_of(st.sampled_from([0.0, -1e-6, float("nan"), float("inf"), 1e-300]), st.floats(1e-9, 1e-3))
    return _gwy_bytes(channels, draw(size), draw(size), draw(st.sampled_from(["m", "m", "nm", "V", ""])))


def _check_gwy(data: bytes, hang_s: int = HANG_S) -> None:
    maps = parse_or_raw_data_error(read_afm, put("map.gwy", data), hang_s=hang_s)
    for da in (maps or {}).values():
        assert da.ndim == 2 and min(da.shape) >= 2
        assert da.attrs["pixel_size_x_m"] > 0 and da.attrs["pixel_size_y_m"] > 0


@FUZZ
@given(data=odd_gwy())
@example(data=GWY_SEED)
def test_fuzz_gwy_odd(data):
    _check_gwy(data)


@settings(FUZZ, phases=[Phase.explicit, Phase.generate])  # no shrinking of hangs
@given(data=corrupt(GWY_SEED, 1024))
@example(data=GWY_SEED[:514])  # truncated: gwyfile never returns
def test_fuzz_gwy_corrupt(data):
    _check_gwy(data, hang_s=3)


# --- AFMReader formats (real files: slower, fewer examples) -----------------------------------
def _real(rel: str) -> bytes:
    p = REAL / rel
    return p.read_bytes() if p.is_file() else b""


IBW_SEED = _real("ibw/AR_20211011.ibw")
JPK_SEED = _real("jpk/sample_0.jpk-qi-image")
SPM_SEED = _real("spm/old_bruker.002")
if SPM_SEED:  # pySPM takes seconds to import: do it once here, not inside the 3 s hang deadline
    importlib.import_module("AFMReader.spm")


@pytest.mark.skipif(not IBW_SEED, reason="real .ibw fixture missing")
@settings(FUZZ_SLOW, phases=[Phase.explicit, Phase.generate])  # no shrinking of hangs
@given(data=st.one_of(st.binary(max_size=2048), truncated(IBW_SEED), mutated(IBW_SEED)))
@example(data=IBW_SEED[:23] + b"O\xf9\xb2\xd1\xd9" + IBW_SEED[23:])  # found by this test
def test_fuzz_ibw(data):
    parse_or_raw_data_error(read_afm, put("map.ibw", data), hang_s=10)


@pytest.mark.skipif(not JPK_SEED, reason="real JPK fixture missing")
@FUZZ_SLOW
@given(data=st.one_of(st.binary(max_size=2048), truncated(JPK_SEED), mutated(JPK_SEED)))
def test_fuzz_jpk(data):
    parse_or_raw_data_error(read_afm, put("map.jpk-qi-image", data))


@pytest.mark.skipif(not SPM_SEED, reason="real NanoScope fixture missing")
@settings(FUZZ_SLOW, phases=[Phase.explicit, Phase.generate])  # no shrinking of hangs
@given(data=st.one_of(st.binary(max_size=2048), truncated(SPM_SEED), mutated(SPM_SEED)))
@example(data=SPM_SEED[:6000])
def test_fuzz_spm(data):
    parse_or_raw_data_error(read_afm, put("map.spm", data), hang_s=3)


# --- boundary masks ---------------------------------------------------------------------------
def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


NPY_SEED = _npy(np.eye(4, dtype=np.uint8))


@FUZZ
@given(data=st.one_of(corrupt(NPY_SEED, 512), st.binary(max_size=512).map(lambda b: b"\x89PNG\r\n\x1a\n" + b)),
       suffix=st.sampled_from([".npy", ".png"]))
def test_fuzz_mask(data, suffix):
    m = parse_or_raw_data_error(read_mask, put(f"mask{suffix}", data), (4, 4))
    if m is not None:
        assert m.shape == (4, 4) and m.dtype == bool


# --- sample sheets ----------------------------------------------------------------------------
SHEET_VALUES = {
    "sweeps": {"sweep_id": ["s1", "s2", "", "s1"], "file": ["sweeps/s1.csv", "sweeps/none.csv", "../x", "/etc/x", ""],
               "protocol": ["trigger", "memristor", "x"], "site": ["GB", "GI", "HL", "XX", ""],
               "distance_to_gb_nm": ["0", "12.5", "-1", "abc", "", "nan", "inf"], "electrode": ["tip", "pad", ""],
               "tip_radius_nm": ["20", "0", "", "1e400"], "tip_force_nN": ["400", "-1", ""],
               "pad_side_um": ["500", "", "x"], "compliance_A": ["0.001", "1e-3", "", "0", "true"]},
    "maps": {"map_id": ["m1", "m2", "m1", ""], "file": ["maps/m1.gwy", "maps/none.gwy", "..", ""],
             "kind": ["modulus", "kpfm", "current", "height"], "stage": ["pristine", "after_penetration", "x"],
             "bias_V": ["0.1", "", "x", "-inf"], "mask_file": ["", "maps/m1.gwy", "../m.npy", "/m.npy"]},
    "echem": {"run_id": ["r1", "r2", "r1"], "file": ["echem/r1.mpt", "none.mpr", "/r.mpt"],
              "technique": ["PEIS", "CCD", "SYM", "FULL", "GCPL"], "cell": ["c1", ""],
              "interlayer": ["none", "Au", "HL", "Cu"], "state": ["pristine", "cycled", "new"],
              "area_cm2": ["0.785", "0", "-1", "", "1,5"], "temperature_C": ["25", "", "warm"],
              "cathode": ["", "LFP", "NCM523", "NMC"], "active_mass_mg": ["", "5.1", "0"]},
}


@st.composite
def odd_sheet(draw) -> tuple[str, bytes]:
    """A sample sheet with columns (maybe missing, extra, reordered) and cells drawn from good and bad values."""
    name = draw(st.sampled_from(sorted(SHEET_VALUES)))
    values = SHEET_VALUES[name]
    cols = [c for c in values if draw(st.integers(0, 12))]  # now and then a column goes missing
    if draw(st.booleans()):
        cols = draw(st.permutations(cols))
    if draw(st.integers(0, 4)) == 0:
        cols = [*cols, draw(st.sampled_from(["note", "compliance_mA", "tip_radius_um", ""]))]
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        cells = [draw(st.sampled_from(values.get(c, ["x", "", "é"]))) for c in cols]
        if draw(st.integers(0, 10)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))] or [*cells, "extra"]
        rows.append("\t".join(cells))
    nl = draw(st.sampled_from(("\n", "\r\n")))
    text = nl.join(["\t".join(cols), *rows]) + nl
    return name, text.encode(draw(st.sampled_from(("utf-8", "utf-8", "latin-1", "utf-16"))), errors="replace")


def _sheet_dir() -> Path:
    d = WORK / "ds"
    for rel, data in {"sweeps/s1.csv": SWEEP_SEED, "maps/m1.gwy": GWY_SEED, "echem/r1.mpt": MPT_SEED}.items():
        if not (d / rel).is_file():
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            (d / rel).write_bytes(data)
    return d


@FUZZ
@given(sheet=st.one_of(odd_sheet(), st.tuples(st.sampled_from(["sweeps", "maps", "echem"]),
                                               st.binary(max_size=512))))
def test_fuzz_sheets(sheet):
    name, data = sheet
    d = _sheet_dir()
    (d / f"{name}.tsv").write_bytes(data)
    df = parse_or_raw_data_error(read_sheet, d, name)
    if df is not None:
        idcol = {"sweeps": "sweep_id", "maps": "map_id", "echem": "run_id"}[name]
        assert df[idcol].is_unique and len(df) >= 1
