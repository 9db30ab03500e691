"""The Snakemake profiles and the scale-large preset (no cluster needed: rendering and dry runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
import yte

REPO = Path(__file__).resolve().parents[2]
SLURM_PROFILE = REPO / "workflow/profiles/slurm/config.yaml"


def render_slurm_profile(monkeypatch: pytest.MonkeyPatch, cwd: Path, **env: str) -> dict:
    """The Slurm profile as Snakemake sees it (YTE template rendered in ``cwd`` with ``env``)."""
    for key in ("LLZO_SLURM_ACCOUNT", "LLZO_SLURM_PARTITION", "LLZO_SLURM_QOS", "LLZO_SLURM_GROUPING"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(cwd)
    with SLURM_PROFILE.open(encoding="utf-8") as fh:
        return yte.process_yaml(fh, require_use_yte=True)


def test_slurm_profile_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    prof = render_slurm_profile(monkeypatch, REPO)
    assert prof["executor"] == "slurm"
    # without slurmdbd the plugin's default (sacct) never sees a job finish
    assert prof["slurm-status-command"] == "squeue"
    assert 3 * prof["slurm-init-seconds-before-status-checks"] <= 120
    assert "slurm_account" not in prof["default-resources"]
    assert "slurm_partition" not in prof["default-resources"]
    assert prof["default-resources"]["runtime"] >= 5
    assert "set-resources" not in prof  # requests are declared in the rules (next test)
    assert prof["groups"]["ingest_sweeps"] == prof["groups"]["demo_data"] == "llzo_prepare"
    assert prof["groups"]["scorecard"] == prof["groups"]["report"] == "llzo_final"
    assert not {"fe_member", "fe_design", "fe_sensitivity"} & set(prof["groups"])  # one Slurm job per seed


def test_slurm_profile_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    prof = render_slurm_profile(
        monkeypatch, REPO, LLZO_SLURM_ACCOUNT="proj1", LLZO_SLURM_PARTITION="compute", LLZO_SLURM_QOS="normal"
    )
    assert prof["default-resources"]["slurm_account"] == "proj1"
    assert prof["default-resources"]["slurm_partition"] == "compute"
    assert prof["slurm-qos"] == "normal"


@pytest.mark.parametrize(("grouping", "groups"), [("one", {"llzo_short"}), ("none", set())])
def test_slurm_profile_grouping(monkeypatch: pytest.MonkeyPatch, grouping: str, groups: set[str]) -> None:
    prof = render_slurm_profile(monkeypatch, REPO, LLZO_SLURM_GROUPING=grouping)
    assert set(prof.get("groups", {}).values()) == groups


def test_default_profile_is_local() -> None:
    prof = yaml.safe_load((REPO / "workflow/profiles/default/config.yaml").read_text(encoding="utf-8"))
    assert "executor" not in prof
    assert prof["cores"] == "all"


def test_scale_large_plans_through_slurm_profile(tmp_path: Path) -> None:
    """``snakemake --profile workflow/profiles/slurm -n --configfile scale_large.yaml`` plans >= 64 seeds."""
    pytest.importorskip("snakemake_executor_plugin_slurm",
                        reason="the Slurm executor plugin is installed by `make env-cluster` (make test-profiles)")
    large = yaml.safe_load((REPO / "workflow/config/scale_large.yaml").read_text(encoding="utf-8"))
    assert large["fe"]["n_seeds"] >= 64
    assert len(large["fe"]["design"]["sigma_hl_S_cm"]) >= 3

    work = tmp_path / "repo"
    keep = {"Snakefile", "workflow", "notebooks", "envs", "pyproject.toml"}
    work.mkdir()
    for name in keep & {p.name for p in REPO.iterdir()}:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, work / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLZO_SLURM_")}
    env["PYTHONPATH"] = str(work / "workflow")
    cmd = [sys.executable, "-m", "snakemake", "--profile", "workflow/profiles/slurm", "-n", "--quiet", "rules"]
    cmd += ["--configfile", "workflow/config/scale_large.yaml"]
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    if "fe_member" in counts:  # the FE stage is registered
        assert counts["fe_member"] >= 64
        assert counts["fe_design"] >= 64


def test_every_rule_declares_threads_and_resources(tmp_path: pytest.TempPathFactory) -> None:
    """A dry run of every job (--forceall: also in a built tree) lists mem_mb and runtime for each."""
    import re
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--forceall", "--cores", "2"], cwd=REPO,
                         capture_output=True, text=True)
    out = res.stdout + res.stderr
    jobs = re.findall(r"^(?:local)?rule (\w+):\n(.*?)(?=^\S|\Z)", out, flags=re.M | re.S)
    assert jobs, out[-2000:]
    for name, body in jobs:
        if name == "all":
            continue
        line = next((x for x in body.splitlines() if x.strip().startswith("resources:")), "")
        assert "mem_mb=" in line and "runtime=" in line, (name, line)
