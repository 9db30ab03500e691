"""The notebook guard (llzo.guard): a kernel that refuses the lab, the rule glue and the truth."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _in_fresh_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter (the audit hook of guard_imports cannot be removed)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)


def test_guard_refuses_lab_and_pipeline_and_truth(tmp_path):
    (tmp_path / "data" / "truth").mkdir(parents=True)
    (tmp_path / "data" / "truth" / "t.tsv").write_text("x")
    res = _in_fresh_python(f"""
        from llzo.guard import NotebookImportError, guard_imports
        import llzo.analysis.trigger  # allowed, also after the guard
        guard_imports()
        guard_imports()  # idempotent
        import llzo.interim, llzo.io.sweeps, llzo.claims
        for mod in ("llzo.lab", "llzo.lab.sweeps", "llzo.pipeline.notebook"):
            try:
                __import__(mod)
            except NotebookImportError as exc:
                print("refused", mod, "|", exc)
        try:
            open({str(tmp_path / "data" / "truth" / "t.tsv")!r})
        except PermissionError as exc:
            print("refused truth |", exc)
        open({str(tmp_path / "data" / "ok.txt")!r}, "w").close()
        print("done")
    """)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert [ln.split(" |")[0] for ln in lines] == ["refused llzo.lab", "refused llzo.lab.sweeps",
                                                  "refused llzo.pipeline.notebook", "refused truth", "done"]
    assert "the virtual lab writes the demo data" in lines[0] and "llzo.interim" in lines[0]
