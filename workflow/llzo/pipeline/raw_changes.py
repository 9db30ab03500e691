"""Raw data are immutable: compare the raw files with their ingest manifests at every run.

Each ingest writes ``manifest_<sheet>.tsv`` (``path, bytes, sha256`` per raw file, see
:mod:`llzo.interim`). Before Snakemake plans the jobs, the raw files are compared with it; a
changed or deleted file is named, and the manifest's time stamp is set back so that Snakemake
sees the ingest output as older than its inputs and reruns the ingest and everything after it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from llzo.interim import manifest_path
from llzo.io.manifest import sha256_file

#: Time stamp given to a manifest whose raw files changed: 1 s after the epoch, not 0 (Snakemake
#: skips its time stamp check for an output time of 0).
STALE_MTIME = 1


def changed_raw_files(manifest: str | Path, raw_dir: str | Path) -> list[str]:
    """Raw files listed in ``manifest`` that differ from what was ingested.

    Only a file whose size differs or whose modification time is newer than the manifest is
    hashed, so an unchanged tree costs no hashing.

    Parameters
    ----------
    manifest
        ``data/interim/<dataset>/manifest_<sheet>.tsv``.
    raw_dir
        ``data/raw/<dataset>`` (the manifest's paths are relative to it).

    Returns
    -------
    list of str
        ``"<raw path> (<what changed>)"`` per changed file: ``deleted``, ``size A -> B bytes`` or
        ``content changed, same size``; empty for an unreadable or old-style manifest.
    """
    manifest = Path(manifest)
    made = manifest.stat().st_mtime
    lines = manifest.read_text(encoding="utf-8").splitlines()
    cols = lines[0].split("\t") if lines else []
    if not {"path", "bytes", "sha256"} <= set(cols):
        return []
    changed = []
    for line in lines[1:]:
        rec = dict(zip(cols, line.split("\t"), strict=False))
        raw = Path(raw_dir, rec["path"])
        try:
            st = raw.stat()
        except FileNotFoundError:
            changed.append(f"{raw} (deleted)")
            continue
        if st.st_size != int(rec["bytes"]):
            changed.append(f"{raw} (size {rec['bytes']} -> {st.st_size} bytes)")
        elif st.st_mtime > made and sha256_file(raw) != rec["sha256"]:
            changed.append(f"{raw} (content changed, same size)")
    return changed


def check_raw_manifests(interim_dir: str | Path, raw_dir: str | Path, sheets: set[str] | list[str],
                        stream: TextIO | None = None) -> dict[str, list[str]]:
    """Report raw files that changed under finished results, and make their ingest rerun.

    For each sheet with a manifest, :func:`changed_raw_files`; when any changed, a message naming
    them goes to ``stream`` (stderr) and the manifest's mtime is set to :data:`STALE_MTIME`.

    Returns
    -------
    dict
        ``{sheet: changed files}`` for the sheets with changes.
    """
    stream = sys.stderr if stream is None else stream
    out = {}
    for sheet in sorted(sheets):
        manifest = manifest_path(interim_dir, sheet)
        if not manifest.is_file():
            continue
        changed = changed_raw_files(manifest, raw_dir)
        if changed:
            print(f"llzo: raw data changed since ingest (SHA-256 differs from {manifest}); raw files must not "
                  f"be edited in place. Rerunning ingest_{sheet} and everything that depends on it:\n  "
                  + "\n  ".join(changed), file=stream)
            os.utime(manifest, (STALE_MTIME, STALE_MTIME))
            out[sheet] = changed
    return out
