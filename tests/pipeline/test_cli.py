"""The command line (llzo.pipeline.cli, console script ``llzo``): help, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llzo.pipeline.cli import build_parser, main

COMMANDS = {"demo-data", "ingest", "run-notebook", "scorecard", "fe-solve", "report"}


def test_help_lists_every_command_with_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: llzo")
    for cmd in COMMANDS:
        assert cmd in out
    assert "llzo ingest sweeps --raw data/raw/mylab" in out and "@file.json" in out


def test_every_command_has_help_text():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) >= COMMANDS
    helps = {a.dest: a.help for a in sub._choices_actions}
    assert all(helps[c] for c in COMMANDS), helps


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("llzo")
    if not exe.is_file():
        pytest.skip(f"{exe} not installed (run make env)")
    res = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "usage: llzo" in res.stdout


def test_bad_raw_data_exits_2_with_one_line(tmp_path, caplog):
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "sweeps.tsv").write_text("sweep_id\tfile\n", encoding="utf-8")
    code = main(["ingest", "sweeps", "--raw", str(ds), "--out", str(tmp_path / "out")])
    assert code == 2
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and errors[0].startswith("bad raw data: ") and "sweeps.tsv" in errors[0]
    assert "\n" not in errors[0]
    assert not (tmp_path / "out").exists()
