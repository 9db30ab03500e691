"""Raw files changed after ingest are named and their manifest is made stale (llzo.pipeline.raw_changes)."""

from __future__ import annotations

import io
import os

import pytest

from llzo.io.manifest import build_manifest
from llzo.pipeline.raw_changes import STALE_MTIME, changed_raw_files, check_raw_manifests


@pytest.fixture()
def tree(tmp_path):
    raw, interim = tmp_path / "raw", tmp_path / "interim"
    (raw / "sweeps").mkdir(parents=True)
    interim.mkdir()
    (raw / "sweeps.tsv").write_text("sheet\n")
    for k in (1, 2, 3):
        (raw / "sweeps" / f"s{k}.csv").write_text(f"data {k}\n")
    build_manifest(raw, ["sweeps.tsv", "sweeps/s1.csv", "sweeps/s2.csv", "sweeps/s3.csv"]).to_csv(
        interim / "manifest_sweeps.tsv", sep="\t", index=False)
    later = (interim / "manifest_sweeps.tsv").stat().st_mtime + 10
    for p in raw.rglob("*"):  # raw files older than the manifest, as after an ingest
        os.utime(p, (later - 20, later - 20))
    return raw, interim


def test_unchanged_tree(tree):
    raw, interim = tree
    assert changed_raw_files(interim / "manifest_sweeps.tsv", raw) == []
    err = io.StringIO()
    assert check_raw_manifests(interim, raw, {"sweeps", "maps"}, stream=err) == {}
    assert err.getvalue() == ""


def test_each_kind_of_change_is_named(tree):
    raw, interim = tree
    (raw / "sweeps" / "s1.csv").unlink()
    (raw / "sweeps" / "s2.csv").write_text("data 22\n")
    (raw / "sweeps" / "s3.csv").write_text("data 9\n")  # same size, new content, newer mtime
    got = changed_raw_files(interim / "manifest_sweeps.tsv", raw)
    assert got == [f"{raw / 'sweeps/s1.csv'} (deleted)", f"{raw / 'sweeps/s2.csv'} (size 7 -> 8 bytes)",
                   f"{raw / 'sweeps/s3.csv'} (content changed, same size)"]
    err = io.StringIO()
    out = check_raw_manifests(interim, raw, ["sweeps"], stream=err)
    assert out == {"sweeps": got}
    assert "raw data changed since ingest" in err.getvalue() and "ingest_sweeps" in err.getvalue()
    assert (interim / "manifest_sweeps.tsv").stat().st_mtime == STALE_MTIME


def test_same_content_rewritten_is_not_a_change(tree):
    raw, interim = tree
    (raw / "sweeps" / "s2.csv").write_text("data 2\n")  # newer mtime, same bytes: hashed, equal
    assert changed_raw_files(interim / "manifest_sweeps.tsv", raw) == []


def test_old_style_manifest_is_ignored(tmp_path):
    m = tmp_path / "manifest_sweeps.tsv"
    m.write_text("file\thash\nx\ty\n")
    assert changed_raw_files(m, tmp_path) == []
