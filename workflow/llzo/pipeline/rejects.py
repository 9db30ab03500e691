"""Reject lists: the raw files an ingest could not use, with where and why, all at once.

An ingest that meets a bad file records it here and goes on with the others; at the end it
writes ``data/interim/<dataset>/rejected_<sheet>.tsv`` (``file, <id column>, line, column,
reason``, plus the sheet columns that say which analyses the file was meant for) and logs one
message listing every rejected file. Nothing of a rejected file is written to the interim
tables, so its figures and claims are made from the other files only; the scorecard names the
rejected files beside each claim that lost all its inputs (:func:`explain_missing`).

Used by the ingests of all three sheets (``rejected_sweeps.tsv``, ``rejected_maps.tsv``, ``rejected_echem.tsv``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from llzo.atomic import write_tsv
from llzo.io.errors import RawDataError

log = logging.getLogger(__name__)

#: Figure panels (as in ``paper_claims.yaml``) fed by each technique of ``echem.tsv``.
PANELS_OF_TECHNIQUE = {"PEIS": ("5d", "5e"), "CCD": ("5f",), "SYM": ("5g",), "FULL": ("5h", "S12")}
BASE_COLUMNS = ["file", "line", "column", "reason"]


@dataclass
class RejectList:
    """Rejected files of one sheet.

    Parameters
    ----------
    sheet
        ``"echem"``, ``"sweeps"`` or ``"maps"``.
    id_column
        The sheet's id column (``run_id``, ``sweep_id``, ``map_id``).
    dataset_dir
        ``data/raw/<dataset>``: files are listed relative to it.
    keep
        Sheet columns copied into the list (e.g. ``technique``, ``cell``, ``interlayer``).
    """

    sheet: str
    id_column: str
    dataset_dir: Path
    keep: tuple[str, ...] = ()
    rows: list[dict] = field(default_factory=list)

    def add(self, err: RawDataError, item_id: str, sheet_row: dict | None = None) -> None:
        """Record one rejected file from the error its reader raised."""
        try:
            rel = str(Path(err.file).resolve().relative_to(Path(self.dataset_dir).resolve()))
        except ValueError:
            rel = str(err.file)
        rec = {"file": rel, self.id_column: item_id, "line": err.line, "column": err.column or "",
               "reason": err.message}
        rec.update({k: (sheet_row or {}).get(k, "") for k in self.keep})
        self.rows.append(rec)

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self) -> pd.DataFrame:
        """Return the list as a table (empty with its columns when nothing was rejected)."""
        cols = ["file", self.id_column, "line", "column", "reason", *self.keep]
        df = pd.DataFrame(self.rows, columns=cols)
        df["line"] = df["line"].astype("Int64")
        return df

    def message(self) -> str:
        """One message naming every rejected file (file, line, column, reason)."""
        lines = [f"{len(self)} of the files named in {self.sheet}.tsv rejected (their figures and claims are made "
                 f"without them; fix the files and rerun):"]
        for r in self.rows:
            where = [str(Path(self.dataset_dir) / r["file"])]
            if r["line"] is not None and not pd.isna(r["line"]):
                where.append(f"line {int(r['line'])}")
            if r["column"]:
                where.append(f"column '{r['column']}'")
            lines.append(f"  {r[self.id_column]}: {', '.join(where)}: {r['reason']}")
        return "\n".join(lines)

    def write(self, path: str | Path) -> Path:
        """Write the TSV (always, empty when nothing was rejected) and log the message."""
        write_tsv(self.frame(), path)
        if self.rows:
            log.warning("%s", self.message())
        return Path(path)


def read_rejects(paths: list[str | Path]) -> pd.DataFrame:
    """Concatenate reject lists (missing files are skipped); columns ``file, id, line, column, reason, ...``."""
    frames = []
    for p in paths:
        p = Path(p)
        if p.is_file():
            df = pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False)
            frames.append(df.assign(sheet=p.stem.removeprefix("rejected_")))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*BASE_COLUMNS, "sheet"])


def explain_missing(card: pd.DataFrame, rejects: pd.DataFrame) -> pd.DataFrame:
    """Add the rejected files to the note of every ``missing`` claim whose panel they were meant for.

    A rejected ``echem`` file is meant for the panels of its ``technique``
    (:data:`PANELS_OF_TECHNIQUE`); a claim's panel is its ``figure`` in ``paper_claims.yaml``.
    """
    if rejects.empty or "technique" not in rejects.columns:
        return card
    card = card.copy()
    for i, r in card.iterrows():
        if r["status"] != "missing":
            continue
        hit = rejects[[str(r["figure"]) in PANELS_OF_TECHNIQUE.get(t, ()) for t in rejects["technique"]]]
        if hit.empty:
            continue
        why = "; ".join(f"{f} rejected at ingest: {reason}" for f, reason in zip(hit["file"], hit["reason"],
                                                                                 strict=True))
        note = str(r.get("note") or "")
        card.at[i, "note"] = f"{note}; {why}" if note else f"input lost: {why}"
    return card


__all__ = ["PANELS_OF_TECHNIQUE", "RejectList", "explain_missing", "read_rejects"]
