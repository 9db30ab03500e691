r"""EC-Lab's fixed number layout, parsed column by column on the file's bytes with numpy.

EC-Lab writes every value of a text export with one of three C formats: ``%.7E`` (single
precision quantities, ``-1.2345678E-003``), ``%.15E`` (double precision: time, charges, cycle
number) with three exponent digits, and ``%d`` (mode, sequence, current range, ...), separated by
tabs, one row per line, with the installation's decimal separator. A row's text is then fixed by
where its minus signs are and how many digits its integers have: rows of one *layout* (found
from one row, checked on all) are copied into a 2-D byte array and every field is parsed for
all of them at once:

* the 8 or 16 mantissa digits are read as one or two little-endian 8-byte words and turned
  into an integer M with the SWAR digit trick (Lemire, "Number parsing at a gigabyte per
  second", Software: Practice and Experience 51 (2021) 1700), every byte checked to be a digit;
* the exponent gives q = e - (digits after the point); when M < 2^53 and |q| <= 22, both M and
  10^|q| are exact doubles and one IEEE multiplication or division is the correctly rounded
  value of the decimal (Clinger, "How to read floating point numbers accurately", PLDI 1990):
  bit for bit what Python's ``float()`` returns for the text;
* values outside that range (M >= 2^53, |q| > 22; a few percent of ``%.15E`` values) are
  converted by numpy's string-to-double conversion, which is David Gay's correctly rounded
  ``strtod``, the one behind ``float()``;
* ``%d`` fields have a fixed width within a layout and are read digit by digit.

Every byte of every row is checked against its layout; a row in no layout of the first row's
formats (another number format, a missing or extra value, text, an empty line) makes
:func:`parse_table` return ``None``, and the caller uses its general parser, which reports the
line and value.

References
----------
W. D. Clinger, Proc. ACM SIGPLAN PLDI (1990) 92; D. Lemire, Softw. Pract. Exp. 51 (2021) 1700;
D. M. Gay, "Correctly rounded binary-decimal and decimal-binary conversions", AT&T Numerical
Analysis Manuscript 90-10 (1990).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np

TAB, LF, CR, MINUS, PLUS, E = 9, 10, 13, 45, 43, 69
#: Field formats: fraction digits of ``%.<f>E`` (7, 15) or 0 for ``%d``.
FORMATS = {"E7": 7, "E15": 15, "INT": 0}
_FIELD_RE = {name: re.compile(rb"-?[0-9][.,][0-9]{%d}E[+-][0-9]{3}" % f) for name, f in FORMATS.items() if f}
_INT_RE = re.compile(rb"-?[0-9]{1,9}")
#: Exact powers of ten as doubles (10^0 .. 10^22).
_POW10 = np.array([10.0**k for k in range(23)])
_TWO53 = np.uint64(2**53)


def field_format(field: bytes) -> str | None:
    """Format of one field (``"E7"``, ``"E15"``, ``"INT"``) or ``None`` when it is none of them."""
    for name, rx in _FIELD_RE.items():
        if rx.fullmatch(field):
            return name
    return "INT" if _INT_RE.fullmatch(field) else None


def _exact(text: np.ndarray, dec: int) -> np.ndarray:
    """Correctly rounded doubles of fields given as rows of bytes (zero-padded; numpy's strtod)."""
    text = np.array(text, dtype=np.uint8, order="C")
    if dec != ord("."):
        text[text == dec] = ord(".")
    return text.view(f"S{text.shape[1]}")[:, 0].astype(np.float64)


class _Mismatch(Exception):
    """A row is in none of the layouts of the first row's formats."""


class _Layout:
    """Where every byte of a row lies: made from one row, checked on every row of its length.

    Attributes
    ----------
    length
        Bytes of the row with its line end.
    digits, fixed
        Byte positions that must hold a digit; ``{position: byte}`` that must hold that byte (tabs,
        minus signs, decimal separators, ``E``, the line end).
    exp_signs
        Positions of the exponents' signs (``+`` or ``-``).
    floats
        ``{frac: [(column, digit start, negative)]}`` of the ``%.<frac>E`` fields.
    ints
        ``[(column, first digit, width, negative)]`` of the ``%d`` fields.
    """

    def __init__(self, row: bytes, formats: list[str], dec: int) -> None:
        body = row[:-2] if row.endswith(b"\r\n") else row[:-1]
        self.length = len(row)
        trailing_tab = body.endswith(b"\t") and body.count(b"\t") == len(formats)
        fields = (body[:-1] if trailing_tab else body).split(b"\t")
        if len(fields) != len(formats) or any(field_format(f) != fmt for f, fmt in zip(fields, formats, strict=True)):
            raise _Mismatch
        self.fixed: dict[int, int] = {len(body) + k: b for k, b in enumerate(row[len(body):])}  # line end
        self.digits: list[int] = []
        self.exp_signs: list[int] = []
        self.floats: dict[int, list[tuple[int, int, bool]]] = {7: [], 15: []}
        self.ints: list[tuple[int, int, int, bool]] = []
        at = 0
        for j, (f, fmt) in enumerate(zip(fields, formats, strict=True)):
            neg = f.startswith(b"-")
            if neg:
                self.fixed[at] = MINUS
            p = at + neg
            if fmt == "INT":
                self.ints.append((j, p, len(f) - neg, neg))
                self.digits += range(p, at + len(f))
            else:
                frac = FORMATS[fmt]
                self.floats[frac].append((j, p, neg))
                self.fixed[p + 1], self.fixed[p + frac + 2] = dec, E
                self.exp_signs.append(p + frac + 3)
                self.digits += [p, *range(p + 2, p + frac + 2), *range(p + frac + 4, p + frac + 7)]
            at += len(f)
            if j + 1 < len(fields) or trailing_tab:
                self.fixed[at] = TAB
                at += 1
        self.fixed_at = np.array(list(self.fixed))
        self.fixed_bytes = np.array(list(self.fixed.values()), np.uint8)[:, None]


def _number(text: np.ndarray) -> np.ndarray:
    """Integer value of ASCII digit planes (``... x digits x rows``, most significant first), as uint64.

    Digits are combined pairwise in the narrowest exact integer type (two digits in uint8, with
    the ASCII offsets taken off modulo 256, four in uint16, eight in uint32), all planes at once.
    The caller has checked that every byte is a digit.
    """
    n = text.shape[-2]
    if n > 8:  # 16 digits: two exact halves of 8
        return _number(text[..., : n - 8, :]) * np.uint64(100_000_000) + _number(text[..., n - 8:, :])
    if n % 8:  # leading zeros up to 8 digits
        zeros = np.full((*text.shape[:-2], 8 - n, text.shape[-1]), 48, np.uint8)
        text = np.concatenate([zeros, text], axis=-2)
    v = text[..., 0::2, :] * np.uint8(10) + text[..., 1::2, :] - np.uint8(16)  # 10 (a - 48) + (b - 48) mod 256
    v = v[..., 0::2, :].astype(np.uint16) * np.uint16(100) + v[..., 1::2, :]
    v = v[..., 0, :].astype(np.uint32) * np.uint32(10000) + v[..., 1, :]
    return v.astype(np.uint64)


def _floats(t: np.ndarray, cols: list[tuple[int, int, bool]], frac: int, dec: int, ok: np.ndarray) -> np.ndarray:
    """Values of ``%.<frac>E`` fields ``cols`` from the byte planes ``t`` (position x rows), fields x rows.

    Only the rows ``ok`` (those in the layout, checked by the caller) are valid.
    """
    p = np.array([c[1] for c in cols])
    digit_at = np.r_[0, 2: frac + 2]  # d0, then the digits after the point
    m = _number(t[p[:, None] + digit_at])  # fields x rows
    e = t[p[:, None] + np.arange(frac + 4, frac + 7)].astype(np.int16)  # exponent digits, ASCII
    ev = e[:, 0] * np.int16(100) + e[:, 1] * np.int16(10) + e[:, 2] - np.int16(5328)  # 5328 = 48 x 111
    q = np.where(t[p + frac + 3] == MINUS, -ev, ev) - np.int16(frac)
    fast = np.abs(q + np.int16(11)) <= 11  # -22 <= q <= 0
    if frac > 7:
        fast &= m < _TWO53
    val = m.astype(np.float64) / _POW10[np.clip(-q, 0, 22)]
    if not (fast | ~ok).all():  # beyond Clinger's fast path (or a positive power): Gay's correctly rounded strtod
        f_idx, rows = np.nonzero(~fast & ok)
        text = t[p[f_idx][:, None] + np.arange(frac + 7), rows[:, None]]
        val[f_idx, rows] = _exact(text, dec)
    neg = np.array([c[2] for c in cols])
    if neg.any():
        val[neg] *= -1.0
    return val


def _parse_rows(a: np.ndarray, lay: _Layout, dec: int, out: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Parse the rows ``a`` (2-D bytes, one row each) of layout ``lay`` into ``out[:, rows]``; return which matched."""
    t = np.ascontiguousarray(a.T)  # byte planes: position x rows
    ok = (t[lay.fixed_at] == lay.fixed_bytes).all(axis=0)
    ok &= ((t[lay.digits] - np.uint8(48)) < 10).all(axis=0)
    if lay.exp_signs:
        s = t[lay.exp_signs]
        ok &= ((s == PLUS) | (s == MINUS)).all(axis=0)
    if ok.all():
        where = slice(rows[0], rows[-1] + 1) if rows[-1] - rows[0] == rows.size - 1 else rows
        sel = slice(None)
    else:
        where, sel = rows[ok], ok
    for frac, cols in lay.floats.items():
        if cols:
            val = _floats(t, cols, frac, dec, ok)
            for (j, _, _), v in zip(cols, val, strict=True):
                out[j][where] = v[sel]
    for j, p, width, neg in lay.ints:
        v = _number(t[p: p + width]).astype(np.float64)
        out[j][where] = -v[sel] if neg else v[sel]
    return ok


def _line_ends(buf: np.ndarray, start: int, chunk: int = 1 << 20) -> np.ndarray:
    """Positions of every LF from ``start`` on (in chunks: no temporary as large as the file)."""
    tmp = np.empty(chunk, bool)
    out = []
    for a in range(start, buf.size, chunk):
        seg = buf[a: a + chunk]
        out.append(np.flatnonzero(np.equal(seg, LF, out=tmp[: seg.size])) + a)
    return np.concatenate(out) if out else np.zeros(0, np.int64)


#: Rows parsed per block (a block's bytes and temporaries stay in the processor's cache).
BLOCK_ROWS = 8192
#: Layouts tried before giving up (a table in EC-Lab's format has a few tens).
MAX_LAYOUTS = 1000
#: Threads parsing blocks (numpy releases the interpreter lock in its loops).
THREADS = 2


def parse_table(raw: bytes, start: int, formats: list[str], dec: str) -> list[np.ndarray] | None:
    """Parse a data table in EC-Lab's fixed layout, or return ``None`` if any row departs from it.

    Parameters
    ----------
    raw
        The whole file.
    start
        Byte offset of the first data row.
    formats
        Format of each column (:func:`field_format` of the first row's fields).
    dec
        Decimal separator, ``"."`` or ``","``.

    Returns
    -------
    list of numpy.ndarray or None
        One float64 array per column, the correctly rounded value of every field; ``None`` when
        the table is not entirely in the layout (the general parser then reads it and names the
        line of any problem).
    """
    if not formats or any(f not in FORMATS for f in formats):
        return None
    if not raw.endswith(b"\n"):  # EC-Lab ends the last row without a newline
        raw = bytes(raw) + b"\n"
    buf = np.frombuffer(raw, np.uint8)
    ends = _line_ends(buf, start)  # the LF of every row
    if ends.size == 0:
        return None
    row_start = np.r_[start, ends[:-1] + 1]
    length = ends + 1 - row_start
    out = [np.empty(ends.size) for _ in formats]
    todo = np.arange(ends.size)
    d = ord(dec)
    with ThreadPoolExecutor(THREADS) as pool:
        for _ in range(MAX_LAYOUTS):
            if todo.size == 0:
                return out
            first = int(todo[0])
            try:
                lay = _Layout(raw[row_start[first]: ends[first] + 1], formats, d)
            except _Mismatch:
                return None
            at = np.flatnonzero(length[todo] == lay.length)  # rows of this length: this layout or another
            cand = todo[at]
            rows = np.lib.stride_tricks.as_strided(buf, shape=(buf.size - lay.length + 1, lay.length),
                                                   strides=(1, 1), writeable=False)

            def block(b: int, lay=lay, cand=cand, rows=rows) -> np.ndarray:
                idx = cand[b: b + BLOCK_ROWS]
                return _parse_rows(rows[row_start[idx]], lay, d, out, idx)

            done = np.concatenate(list(pool.map(block, range(0, cand.size, BLOCK_ROWS))))
            if not done[0]:
                return None
            keep = np.ones(todo.size, bool)
            keep[at[done]] = False
            todo = todo[keep]
    return None
