"""Lab and analysis share no configuration: a key read by both fails here.

Three checks: (1) generating a lab dataset reads only keys of the ``lab`` section (recorded at run
time), and none of their names is a key name of the ``analysis`` section; (2) no key name appears
in both sections of config.yaml or of a lab preset; (3) statically, lab code never reads an
``analysis`` key and analysis-side code (analyses, readers, figures, pipeline, notebooks, rules
other than the lab's rule) never reads a ``lab`` key.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import pytest

from llzo.lab import presets
from llzo.lab.demo import make_dataset

REPO = Path(__file__).resolve().parents[2]


class Recorder(dict):
    """A dict that records the key path of every read (``[]``, ``get``, ``items``, ``values``)."""

    def __init__(self, data: dict, log: set, path: tuple = ()):
        super().__init__(data)
        self._log, self._path = log, path

    def _wrap(self, k, v):
        p = (*self._path, k)
        if isinstance(v, dict):
            return Recorder(v, self._log, p)
        if isinstance(v, list):
            if not (v and all(isinstance(x, dict) for x in v)):
                self._log.add(p)
            return [Recorder(x, self._log, (*p, i)) if isinstance(x, dict) else x for i, x in enumerate(v)]
        self._log.add(p)
        return v

    def __getitem__(self, k):
        return self._wrap(k, super().__getitem__(k))

    def get(self, k, default=None):
        return self._wrap(k, super().__getitem__(k)) if k in self else default

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def values(self):
        return [self[k] for k in self.keys()]

    def __iter__(self):
        return iter(list(self.keys()))


def leaves(d, path=()) -> set[tuple]:
    """Key paths of every leaf (list items of mappings are indexed)."""
    out = set()
    if isinstance(d, dict):
        for k, v in d.items():
            out |= leaves(v, (*path, k))
    elif isinstance(d, list) and d and all(isinstance(x, dict) for x in d):
        for i, x in enumerate(d):
            out |= leaves(x, (*path, i))
    else:
        out.add(path)
    return out


def names(paths: set[tuple]) -> set[str]:
    """Leaf key names: the last key of each path (list indices skipped); block names do not count."""
    return {next(p for p in reversed(path) if isinstance(p, str)) for path in paths if path}


@pytest.fixture(scope="module")
def lab_reads(tmp_path_factory, config):
    """Key paths the lab reads when it writes a (reduced) demo dataset."""
    cfg = copy.deepcopy(config["lab"])
    cfg["sweeps"]["plan"].update(tip_sweeps_per_distance=[2] * len(cfg["sweeps"]["plan"]["tip_distances_nm"]),
                                 hl_sweeps=2, pad_sweeps_per_side=2)
    for k in ("modulus", "kpfm", "current"):
        cfg["maps"][k]["pixels"] = 64
    cfg["memristor"]["devices"] = [{**d, "cycles": 5} for d in cfg["memristor"]["devices"]]
    cfg["echem"]["sym"]["duration_h"] = {"none": 2.0, "Au": 2.0, "HL": 10.0}
    for c in cfg["echem"]["full"].values():
        c["cycles"] = 3
    log: set = set()
    tmp = tmp_path_factory.mktemp("reads")
    make_dataset(tmp / "raw" / "x", tmp / "truth" / "x", Recorder(cfg, log), 1)
    return log


def test_lab_reads_only_lab_keys_and_none_named_like_an_analysis_key(lab_reads, config):
    lab_leaves = leaves(config["lab"])
    read = {p for p in lab_reads if p in lab_leaves or p[:-1] in lab_leaves}
    assert read == lab_reads  # every read is a key of the lab section
    shared = names(lab_reads) & names(leaves(config["analysis"]))
    assert not shared, f"lab reads keys also named in the analysis section: {sorted(shared)}"


def test_every_lab_key_is_used(lab_reads, config):
    unread = {p for p in leaves(config["lab"]) if p not in lab_reads}
    assert not unread, f"lab keys nobody reads: {sorted(unread)}"


@pytest.mark.parametrize("name", ["config.yaml", *sorted(p.name for p in (REPO / presets.PRESET_DIR).glob("*.yaml"))])
def test_no_key_name_in_both_sections(name, config):
    lab = config["lab"] if name == "config.yaml" else presets.resolve(config["lab"], 0, Path(name).stem, REPO)[0]
    shared = names(leaves(lab)) & names(leaves(config["analysis"]))
    assert not shared, f"{name}: key names in both lab and analysis: {sorted(shared)}"


def _subscripts(path: Path) -> set[str]:
    """String constants used as a subscript or as the first argument of .get() in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value,
                                                                                                     str):
            out.add(node.slice.value)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and node.args and isinstance(node.args[0], ast.Constant)):
            out.add(str(node.args[0].value))
    return out


def test_lab_code_never_reads_the_analysis_section():
    for f in sorted((REPO / "workflow/llzo/lab").glob("*.py")):
        assert "analysis" not in _subscripts(f), f"{f.name} reads an `analysis` key"
        assert "from llzo.analysis" not in f.read_text(encoding="utf-8"), f"{f.name} imports an analysis"


ANALYSIS_SIDE = [REPO / "workflow/llzo" / p for p in ("analysis", "io", "fe", "figures", "pipeline")] + [
    REPO / "notebooks"]


@pytest.mark.parametrize("path", [f for root in ANALYSIS_SIDE for f in sorted(root.rglob("*.py"))],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_analysis_code_never_reads_the_lab_section(path):
    assert "lab" not in _subscripts(path)


def test_rules_read_the_lab_section_only_in_the_lab_rule():
    pattern = re.compile(r"""\[\s*["']lab["']\s*\]|\.get\(\s*["']lab["']""")
    for f in [*sorted((REPO / "workflow/rules").glob("*.smk")), REPO / "Snakefile"]:
        hits = pattern.findall(f.read_text(encoding="utf-8"))
        if f.name == "demo_data.smk":
            assert hits
        else:
            assert not hits, f"{f.name} reads the lab section"
