"""End to end: the whole DAG on the demo dataset, in temporary copies of the project.

Two cold runs in different folders must give byte-identical interim files, tables, claims,
executed notebooks and figures; every demo claim stays within its golden tolerance
(tests/golden/demo_claims.yaml) and the validation table lists every measured claim; a finished
tree has nothing to do; a config value used only by Eq. 1 reruns only that notebook (plus
validation, scorecard and report); editing library code reruns the jobs
that run it (a notebook's imports, the FE solver, a reader); bad input stops with a clear message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".tools", "results", ".snakemake", ".git", ".pytest_cache", ".ruff_cache", ".hypothesis",
        "__pycache__"}


def copy_project(dst: Path) -> Path:
    """Copy the project's sources (not generated data) to ``dst``."""
    def ignore(folder, names):
        rel = Path(folder).relative_to(REPO)
        out = {n for n in names if n in SKIP}
        if rel == Path("data"):
            out |= {"raw", "interim", "truth"}
        return out
    shutil.copytree(REPO, dst, ignore=ignore, symlinks=True)
    return dst


def smk(tree: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "workflow")}
    res = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=tree, env=env, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{res.stdout[-3000:]}\n{res.stderr[-6000:]}")
    return res


def planned_jobs(res: subprocess.CompletedProcess) -> set[str]:
    text = res.stdout + res.stderr
    return set(re.findall(r"^(?:local)?rule (\w+):", text, flags=re.M))


@pytest.fixture(scope="module")
def runs(demo_run, tmp_path_factory):
    """Two cold runs in different folders: the session's ``demo_run`` (read only) and one more (edited by tests)."""
    tree = copy_project(tmp_path_factory.mktemp("run2") / "llzo-repro")
    t0 = time.perf_counter()
    smk(tree, "--cores", "2")
    print(f"run 2: whole demo DAG in {time.perf_counter() - t0:.0f} s")
    return [demo_run, tree]


def test_demo_report_and_scorecard(runs):
    tree = runs[0]
    card = pd.read_csv(tree / "results/demo/claims.csv")
    paper = yaml.safe_load((tree / "workflow/config/paper_claims.yaml").read_text())
    assert list(card["claim_id"]) == list(paper)
    assert set(card["status"]) <= {"pass", "fail", "missing", "context"}
    # a claim whose value the paper does not state is shown as context, never as pass or fail
    assert card.set_index("claim_id").loc["fe_hotspot_max_over_mean", "status"] == "context"
    row = card.set_index("claim_id").loc["contact_area_nm2"]
    assert row.status == "pass", row
    assert len(row.raw_sha256) == 64
    for col in ("source", "basis", "basis_note", "robustness"):
        assert col in card.columns, col
    context = card[card["status"] == "context"]
    assert len(context) >= 4 and context["paper_value"].isna().all()
    assert context["source"].str.startswith("not stated").all()
    assert set(card["basis"]) <= {"measured", "input", "model"}
    assert card.set_index("claim_id").loc["sym_hl_hours_stable", "basis"] == "input"  # never shorts: log length
    page = (tree / "results/demo/scorecard.html").read_text(encoding="utf-8")
    assert "validation:" in page and "CONTEXT" in page
    html = (tree / "results/demo/report.html").read_text(encoding="utf-8", errors="replace")
    assert "figEq1.png" in html and "claims.csv" in html
    expected = ("data/raw/demo/sweeps.tsv", "data/truth/demo", "data/interim/demo/manifest_sweeps.tsv")
    for p in (tree / e for e in expected):
        assert p.exists(), p


def test_every_paper_claim_is_produced_by_the_demo(runs):
    from llzo.pipeline.golden import read_run_claims

    paper = yaml.safe_load((REPO / "workflow/config/paper_claims.yaml").read_text())
    produced = read_run_claims(runs[0] / "results/demo")
    assert set(produced) == set(paper), set(produced) ^ set(paper)


def test_demo_claims_match_golden(runs):
    """Every demo claim within its golden tolerance (tests/golden/README.md); none new, none lost."""
    from llzo.pipeline.golden import compare_golden

    problems = compare_golden(REPO / "tests/golden/demo_claims.yaml", runs[0] / "results/demo")
    assert not problems, ("demo claims differ from tests/golden/demo_claims.yaml (if intended, run "
                          "workflow/scripts/update_golden.py and commit):\n" + "\n".join(problems))


def test_demo_validation_table_lists_every_measured_claim(runs):
    card = pd.read_csv(runs[0] / "results/demo/claims.csv")
    val = pd.read_csv(runs[0] / "results/demo/validation.csv", keep_default_na=False)
    measured = set(card.loc[card["basis"] == "measured", "claim_id"])
    assert measured <= set(val["claim_id"])
    assert set(val.loc[val["basis"] == "measured", "claim_id"]) == measured


def test_validation_of_the_demo_claims_against_a_truth(runs, tmp_path):
    """The validation step on the demo's real claims with a made-up truth: error = recovered - true."""
    from llzo.pipeline.golden import read_run_claims

    res = runs[0] / "results/demo"
    recovered = {cid: v for cid, (v, _) in read_run_claims(res).items()}  # full precision (claims.csv has 6 digits)
    truth = {cid: {"value": recovered[cid] * f, "bound": None, "how": "made up"}
             for cid, f in (("modulus_gi_GPa", 1.01), ("r_int_none_ohm_cm2", 0.8))}
    truth["sym_hl_hours_stable"] = {"value": None, "bound": "gt", "how": "never shorts"}
    (tmp_path / "claims_truth.json").write_text(json.dumps({"claims": truth}))
    out = tmp_path / "validation.csv"
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow")}
    subprocess.run([sys.executable, "-m", "llzo.pipeline.cli", "validation", "--paper-claims",
                    str(REPO / "workflow/config/paper_claims.yaml"),
                    "--claims", *map(str, sorted(res.glob("claims/*.json"))),
                    "--truth", str(tmp_path), "--tolerances", str(REPO / "workflow/config/validation.yaml"),
                    "--out", str(out)], check=True, env=env, capture_output=True)
    val = pd.read_csv(out, keep_default_na=False).set_index("claim_id")
    gi = val.loc["modulus_gi_GPa"]
    rec = recovered["modulus_gi_GPa"]
    assert float(gi.error) == pytest.approx(rec - 1.01 * rec, rel=1e-5) and gi.within == "True"  # 1.45 < 3 GPa
    assert val.loc["r_int_none_ohm_cm2", "within"] == "False"  # 25 % off
    assert val.loc["sym_hl_hours_stable", "within"] == "True"


def test_nothing_to_do_after_a_run(runs):
    t0 = time.perf_counter()
    res = smk(runs[0], "-n")
    dt = time.perf_counter() - t0
    print(f"snakemake -n on a finished tree: {dt:.1f} s")
    assert "Nothing to be done" in res.stdout + res.stderr


def _compared_files(tree: Path) -> dict[str, bytes]:
    files = {}
    for sub in ("data/interim/demo", "results/demo/claims", "results/demo/tables", "results/demo/figures",
                "results/demo/notebooks"):
        for p in sorted((tree / sub).rglob("*")):
            if p.is_file() and not p.name.startswith(".") and p.suffix != ".html":
                files[str(p.relative_to(tree))] = p.read_bytes()
    files["results/demo/claims.csv"] = (tree / "results/demo/claims.csv").read_bytes()
    return files


def test_two_cold_runs_are_byte_identical(runs):
    a, b = (_compared_files(t) for t in runs)
    assert a.keys() == b.keys()
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, f"differ between two cold runs: {differ}"


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        n = int.from_bytes(data[pos: pos + 4], "big")
        chunks.append((data[pos + 4: pos + 8], data[pos + 8: pos + 8 + n]))
        pos += 12 + n
    return chunks


def test_figure_and_notebook_metadata_are_stable(runs):
    """Why the byte identity holds: provenance in the figures, no clock times, no absolute paths."""
    for tree in runs:
        where = str(tree).encode()
        pngs = sorted((tree / "results/demo/figures").rglob("*.png"))
        assert pngs
        for png in pngs:
            chunks = _png_chunks(png.read_bytes())
            assert b"tIME" not in {k for k, _ in chunks}, png
            text = b"".join(v for k, v in chunks if k in (b"tEXt", b"iTXt", b"zTXt"))
            assert b"raw_sha256" in text and where not in text, png
        for pdf in sorted((tree / "results/demo/figures").rglob("*.pdf")):
            data = pdf.read_bytes()
            assert b"/CreationDate" not in data and b"/ModDate" not in data and where not in data, pdf
            assert b"raw_sha256" in data, pdf
        for nb in sorted((tree / "results/demo/notebooks").glob("*.ipynb")):
            text = nb.read_text(encoding="utf-8")
            for stamp in ('"start_time"', '"end_time"', '"duration"', str(tree)):
                assert stamp not in text, (nb, stamp)


def test_eq1_parameter_reruns_only_eq1(runs):
    tree = runs[1]
    cfg = tree / "workflow/config/config.yaml"
    text = cfg.read_text()
    edited = text.replace("plot_force_max_nN: 1000.0", "plot_force_max_nN: 800.0")
    assert edited != text
    cfg.write_text(edited)
    try:
        res = smk(tree, "-n")
    finally:
        cfg.write_text(text)
    assert planned_jobs(res) == {"notebook_eq1_contact_area", "validation", "scorecard", "report", "all"}, \
        res.stdout[-3000:]
    assert "Params have changed" in res.stdout + res.stderr


def planned_after_editing(tree: Path, rel: str) -> set[str]:
    """Jobs ``snakemake -n`` plans after appending a comment to ``rel`` (restored after, mtime too)."""
    mod = tree / rel
    st = mod.stat()
    text = mod.read_text()
    mod.write_text(text + "\n# an edit\n")
    try:
        return planned_jobs(smk(tree, "-n"))
    finally:
        mod.write_text(text)
        os.utime(mod, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_editing_an_imported_module_reruns_its_notebook(runs):
    planned = planned_after_editing(runs[1], "workflow/llzo/analysis/contact.py")
    assert "notebook_eq1_contact_area" in planned
    assert "ingest_sweeps" not in planned


def test_editing_the_solver_reruns_the_fe_jobs_only(runs):
    planned = planned_after_editing(runs[1], "workflow/llzo/fe/assembly.py")
    assert planned == {"fe_member", "fe_design", "fe_interface", "fe_sensitivity", "fe_index", "notebook_fig4_fe",
                       "robustness_vary", "robustness", "validation", "scorecard", "report", "all"}, planned


def test_editing_a_reader_reruns_its_ingest(runs):
    planned = planned_after_editing(runs[1], "workflow/llzo/io/eclab/fast_mpt.py")
    assert "ingest_echem" in planned and "ingest_sweeps" not in planned and "fe_member" not in planned


def test_missing_dataset_stops_at_once(runs):
    res = smk(runs[1], "--cores", "2", "--config", "dataset=nosuch", check=False)
    assert res.returncode != 0
    out = res.stdout + res.stderr
    assert "data/raw/nosuch" in out and "sweeps.tsv" in out


def test_bad_sheet_stops_with_row_and_column(runs):
    tree = runs[1]
    ds = tree / "data/raw/badsheet"
    shutil.copytree(tree / "data/raw/demo", ds)
    for name in ("maps.tsv", "echem.tsv"):
        (ds / name).unlink(missing_ok=True)
    lines = (ds / "sweeps.tsv").read_text().splitlines(keepends=True)
    cols = lines[0].rstrip("\n").split("\t")
    row3 = lines[3].rstrip("\n").split("\t")
    row3[cols.index("site")] = "XX"
    lines[3] = "\t".join(row3) + "\n"
    (ds / "sweeps.tsv").write_text("".join(lines))
    res = smk(tree, "--cores", "2", "--config", "dataset=badsheet", check=False)
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert "sweeps.tsv, row 3" in out and "column 'site'" in out, out[-3000:]
    assert not (tree / "data/interim/badsheet").exists() or not any((tree / "data/interim/badsheet").iterdir())
    assert not (tree / "results/badsheet/claims").exists()

    lines[3] = lines[3].replace("\tXX\t", "\tGB\t")
    first = lines[1].split("\t")
    first[cols.index("file")] = "../../etc/passwd"
    lines[1] = "\t".join(first)
    (ds / "sweeps.tsv").write_text("".join(lines))
    res = smk(tree, "--cores", "2", "--config", "dataset=badsheet", check=False)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "leaves the dataset folder" in out and "row 1" in out, out[-3000:]
