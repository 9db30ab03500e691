"""EC-Lab's fixed number layout parsed column-wise (llzo.io.eclab.fixed_layout): bit-for-bit float().

Every value must equal Python's ``float()`` of its text, bit for bit (also -0.0, values beyond
Clinger's fast path, decimal commas); rows that leave the layout must send the table to the
general parser (``None``); the real exports must be read by this path and agree with galvani and
yadg (tests/io/test_eclab.py compares the readers' values).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llzo.io.eclab import fast_mpt
from llzo.io.eclab import fixed_layout as fx
from llzo.io.eclab.fast_mpt import decimal_separator, read_mpt_fast, split_header

REAL_MPT = ["peis.mpt", "gcpl.issue_149.mpt", "gcpl.issue_226.CxN.mpt", "mb.issue_95.mpt", "exampleDataBioLogic.mpt",
            "peis.issue_225.with_ece.mpt"]


def ec_lab(fmt: str, v: float) -> str:
    """``fmt % v`` with EC-Lab's three exponent digits."""
    mant, exp = (fmt % v).split("E")
    return f"{mant}E{exp[0]}{int(exp[1:]):03d}"


def bits(a) -> np.ndarray:
    return np.asarray(a, np.float64).view(np.uint64)


def table(rows: list[list[str]], dec: str = ".", eol: str = "\r\n") -> bytes:
    text = eol.join("\t".join(r) for r in rows) + eol
    return (text.replace(".", ",") if dec == "," else text).encode()


finite = st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda v: abs(v) < 1e100)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.tuples(finite, finite, st.integers(-99999, 10**8)), min_size=1, max_size=40),
       dec=st.sampled_from([".", ","]), eol=st.sampled_from(["\r\n", "\n"]))
def test_equals_float_of_the_text(values, dec, eol):
    rows = [[ec_lab("%.7E", a), ec_lab("%.15E", b), str(i)] for a, b, i in values]
    out = fx.parse_table(table(rows, dec, eol), 0, ["E7", "E15", "INT"], dec)
    assert out is not None
    for j in range(3):
        want = [float(r[j]) for r in rows]  # the text with a point: float() of EC-Lab's number
        np.testing.assert_array_equal(bits(out[j]), bits(want))


def test_edge_values():
    vals = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e99, 9.007199254740993e15,
            9.999999999999999e15, 1e-22, 1e22, 1.23e-23, 123456789.0, -4.5e-7]
    rows = [[ec_lab("%.7E", v), ec_lab("%.15E", v)] for v in vals]
    out = fx.parse_table(table(rows), 0, ["E7", "E15"], ".")
    for j in range(2):
        np.testing.assert_array_equal(bits(out[j]), bits([float(r[j]) for r in rows]))
    assert np.signbit(out[0][1]) and np.signbit(out[1][1])  # -0.0 kept


@pytest.mark.parametrize("bad", [
    "1.0000000E+000\t1\tx",                  # text
    "1.0000000E+000\t1",                     # a value missing
    "1.0000000E+000\t1\t2\t3",               # one too many
    "1.0000000E+00\t1\t2",                   # two exponent digits
    "1.00000000E+000\t1\t2",                 # another precision
    "1.0000000e+000\t1\t2",                  # lower-case e
    "1.0000000E*000\t1\t2",                  # not a sign
    "1,0000000E+000\t1\t2",                  # the other decimal separator
    "",                                      # empty line
    "nan\t1\t2",
])
def test_rows_out_of_the_layout_go_to_the_general_parser(bad):
    good = "2.5000000E-001\t7\t-3"
    raw = "\r\n".join([good, bad, good]).encode() + b"\r\n"
    assert fx.parse_table(raw, 0, ["E7", "INT", "INT"], ".") is None


def test_many_layouts_and_trailing_tab():
    rows = [[ec_lab("%.7E", s * 1.5), str(k), ec_lab("%.15E", -s * k)] for k in range(300) for s in (1, -1)]
    raw = table(rows).replace(b"\r\n", b"\t\r\n")  # EC-Lab >= 11.6 ends rows with a tab
    out = fx.parse_table(raw, 0, ["E7", "INT", "E15"], ".")
    assert out is not None
    for j in range(3):
        np.testing.assert_array_equal(bits(out[j]), bits([float(r[j]) for r in rows]))


@pytest.mark.parametrize("name", REAL_MPT)
def test_real_exports_take_the_fixed_path(real_fixtures, name, monkeypatch):
    p = real_fixtures / "biologic" / name
    raw = p.read_bytes()
    _, names, _, start, _ = split_header(raw, p)
    first = raw[start: raw.find(b"\n", start)].rstrip(b"\r").rstrip(b"\t")
    formats = [fx.field_format(f) for f in first.split(b"\t")]
    values = fx.parse_table(raw, start, formats, decimal_separator(first))
    assert values is not None and len(values) == len(names)
    fixed = read_mpt_fast(p).data
    monkeypatch.setattr(fast_mpt, "parse_table", lambda *a: None)  # the general (pyarrow) path
    general = read_mpt_fast(p).data
    assert list(fixed.columns) == list(general.columns)
    for c in fixed.columns:
        assert fixed[c].dtype == general[c].dtype, c
        np.testing.assert_array_equal(bits(fixed[c]), bits(general[c]), err_msg=c)
