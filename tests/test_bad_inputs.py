"""Every case of the bad-input corpus (``tests/bad_inputs/README.md``) raises the right typed error.

For each table row: the reader raises exactly the expected :mod:`llzo.io.errors` type, the message
contains the expected fragment and names the offending file, and the error carries (and its
message shows) the expected 1-based line and column. Ingest cases must leave no output behind,
and no case may modify the files it reads.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from reader_limits import deadline

from llzo.io import errors
from llzo.io.afm import read_afm
from llzo.io.eclab import read_eclab
from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv

CORPUS = Path(__file__).resolve().parent / "bad_inputs"

#: Cases whose reader still raises the wrong thing: case -> "needs fix in <file>: ..." (strict xfail).
KNOWN_BAD: dict[str, str] = {}
#: Seconds a reader may take on one corpus file (a hang is a bug too).
DEADLINE_S = 10




def load_cases() -> list[dict]:
    """Rows of the README table as dicts (``line`` as int or None, ``-`` as None)."""
    rows = []
    lines = (CORPUS / "README.md").read_text(encoding="utf-8").splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("| case |"))
    keys = [k.strip() for k in lines[head].strip("|").split("|")]
    for ln in lines[head + 2:]:
        if not ln.startswith("|"):
            break
        cells = [c.strip().replace("\\|", "|") for c in ln.strip().strip("|").replace("\\|", "\0").split("|")]
        cells = [c.replace("\0", "|") for c in cells]
        row = {k: (None if v == "-" else v) for k, v in zip(keys, cells, strict=True)}
        row["line"] = int(row["line"]) if row["line"] else None
        rows.append(row)
    return rows


CASES = load_cases()


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _run(reader: str, target: Path, out: Path) -> None:
    if reader == "sweep":
        read_sweep_csv(target)
    elif reader == "eclab":
        read_eclab(target)
    elif reader == "afm":
        read_afm(target)
    elif reader.startswith("sheet:"):
        read_sheet(target, reader.split(":")[1])
    elif reader.startswith("ingest:"):
        import importlib

        importlib.import_module(f"llzo.pipeline.ingest_{reader.split(':')[1]}").ingest(target, out)
    else:
        raise AssertionError(f"unknown reader {reader!r} in the corpus README")


def _prepare(c: dict, tmp_path: Path) -> Path:
    """Copy the case to ``tmp_path`` (folders whole) and add what cannot be committed (symlinks)."""
    src = CORPUS / c["case"]
    if src.is_dir():
        dst = tmp_path / "ds" / src.name
        shutil.copytree(src, dst)
        if src.name == "sweeps_symlink_escape":
            outside = tmp_path / "outside.csv"
            shutil.copyfile(dst / "sweeps" / "s1.csv", outside)
            (dst / "sweeps" / "s2.csv").symlink_to(outside)
            (dst / "sweeps" / "s3.csv").write_text((dst / "sweeps" / "s1.csv").read_text())
        return dst
    dst = tmp_path / src.name
    shutil.copyfile(src, dst)
    return dst


def _check_reject(c: dict, target: Path, out: Path, before: dict) -> None:
    """The ingest goes on: the bad file is in the reject list with its message, line and column."""
    import importlib

    import pandas as pd

    sheet = c["reader"].split(":")[1]
    with deadline(DEADLINE_S):
        outs = importlib.import_module(f"llzo.pipeline.ingest_{sheet}").ingest(target, out)
    rej = pd.read_csv(outs["rejected"], sep="\t", dtype=str, keep_default_na=False)
    assert len(rej) == 1, rej
    r = rej.iloc[0]
    id_column = {"echem": "run_id", "sweeps": "sweep_id", "maps": "map_id"}[sheet]
    assert c["message"] in r["reason"], r["reason"]
    assert (target / r["file"]).is_file()
    if c["line"] is not None:
        assert r["line"] == str(c["line"]), r.to_dict()
    if c["column"] is not None:
        assert r["column"] == c["column"], r.to_dict()
    # nothing of the rejected file in the interim data, and its row left the interim sheet
    for key in {"echem": ("eis", "cycling", "meta"), "sweeps": ("data", "meta"), "maps": ("meta",)}[sheet]:
        assert r[id_column] not in set(pd.read_parquet(outs[key])[id_column])
    if sheet == "maps":
        assert not (outs["maps"] / f"{r[id_column]}.nc").exists()
    assert _digest(target) == before, "the ingest modified its input"


def test_corpus_is_big_enough():
    readers = {c["reader"].split(":")[0] for c in CASES}
    assert len(CASES) >= 40
    assert {"sweep", "eclab", "afm", "sheet", "reject"} <= readers
    sheets = {c["reader"].split(":")[1] for c in CASES if ":" in c["reader"]}
    assert sheets == {"sweeps", "maps", "echem"}
    for c in CASES:
        assert (CORPUS / c["case"]).exists(), c["case"]


@pytest.mark.parametrize(
    "c",
    [pytest.param(c, id=c["case"], marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BAD[c["case"]])]
                  if c["case"] in KNOWN_BAD else []) for c in CASES],
)
def test_bad_input(c, tmp_path):
    target = _prepare(c, tmp_path)
    out = tmp_path / "interim"
    before = _digest(target) if target.is_dir() else {"": hashlib.sha256(target.read_bytes()).hexdigest()}
    expected = getattr(errors, c["error"])
    if c["reader"].startswith("reject:"):
        _check_reject(c, target, out, before)
        return
    with pytest.raises(errors.RawDataError) as info, deadline(DEADLINE_S):
        _run(c["reader"], target, out)
    exc = info.value
    msg = str(exc)
    assert type(exc) is expected, f"{type(exc).__name__} instead of {c['error']}: {msg}"
    assert c["message"] in msg, msg
    # the message names the offending file (for a folder: the sheet or a file inside the folder)
    named = Path(exc.file)
    assert named.name in msg
    if target.is_dir():
        assert named.resolve().is_relative_to(target.resolve()) or named.parent.resolve() == target.resolve(), msg
    else:
        assert named.resolve() == target.resolve(), msg
    if c["line"] is not None:
        assert exc.line == c["line"], msg
        assert f"line {c['line']}" in msg
    if c["column"] is not None:
        assert exc.column == c["column"], msg
        assert f"column '{c['column']}'" in msg
    after = _digest(target) if target.is_dir() else {"": hashlib.sha256(target.read_bytes()).hexdigest()}
    assert after == before, "the reader modified its input"
    if c["reader"].startswith("ingest:"):
        left = [p for p in out.rglob("*")] if out.exists() else []
        assert not left, f"ingest left output behind after an error: {left}"
