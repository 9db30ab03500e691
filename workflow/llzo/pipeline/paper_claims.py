"""The paper's claims (``workflow/config/paper_claims.yaml``): loaded, checked, and rendered.

Each claim names where its paper value comes from (``source``: ``text`` with the quoted sentence,
``figure`` with the panel and reading uncertainty, or ``not stated``) and what the reproduced
number rests on (``basis``: ``measured``, ``input`` or ``model``). The fields are described in the
header of the yaml file and in ``docs/claims.md`` ("The scorecard").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from llzo.claims import BASES, RELATIONS, evaluate

#: Kinds of ``source``.
SOURCES = ("text", "figure", "not stated")
#: What the ``relation`` column holds for ``not stated`` rows: nothing (they have no relation); the
#: empty ``paper_value`` and the status ``context`` mark such a row.
CONTEXT_RELATION = ""

#: The typographic characters of the paper's text file and what quotes write instead.
TYPOGRAPHIC = str.maketrans({"≈": "~", "–": "-", "—": "-", "−": "-", "‐": "-", "‘": "'", "’": "'",
                             "“": '"', "”": '"', "μ": "µ", "\u00a0": " "})


@dataclass(frozen=True)
class PaperClaim:
    """One entry of ``paper_claims.yaml``.

    Attributes
    ----------
    claim_id, figure, quantity, unit
        Identity of the claim; ``unit`` is the unit of ``paper_value``, ``tolerance`` and the
        reproduced value.
    source
        ``text``, ``figure`` or ``not stated``.
    quotes
        ``text``: the sentence(s) of the paper the value comes from, verbatim.
    panel, reading_uncertainty
        ``figure``: the panel and the +- range (in ``unit``) a reader can read off it.
    reading
        How the quoted words become ``paper_value`` and ``relation`` where the sentence gives no
        plain number for this quantity; for ``not stated``, what the paper shows instead.
    paper_value, relation, tolerance
        The comparison (``None`` for ``not stated``).
    basis, basis_note
        Default basis, and which sheet or config value an ``input`` claim restates.
    basis_when_bound, basis_note_when_bound
        The same when the reproduced value is only a bound (censored data).
    """

    claim_id: str
    figure: str
    quantity: str
    unit: str
    source: str
    basis: str
    quotes: tuple[str, ...] = ()
    panel: str = ""
    reading_uncertainty: float | None = None
    reading: str = ""
    paper_value: float | None = None
    relation: str | None = None
    tolerance: float | None = None
    basis_note: str = ""
    basis_when_bound: str | None = None
    basis_note_when_bound: str = ""

    @property
    def stated(self) -> bool:
        """Whether the paper states a value (``text`` or ``figure``)."""
        return self.source != "not stated"

    def source_text(self) -> str:
        """Return the ``source`` column: kind plus the quote(s), or the panel and reading uncertainty."""
        if self.source == "text":
            text = "text: " + " / ".join(f'"{q}"' for q in self.quotes)
        elif self.source == "figure":
            text = f"figure: Fig. {self.panel}, read to +-{self.reading_uncertainty:g} {self.unit}"
        else:
            text = "not stated"
        return f"{text} [{self.reading}]" if self.reading else text

    def basis_for(self, bound: str | None, override: str | None = None) -> tuple[str, str]:
        """Basis of a reproduced value and its note.

        The claim JSON's ``override`` first (without a note), else ``basis_when_bound`` when the
        value is a bound and the yaml gives one, else the default ``basis``.
        """
        if override:
            return override, ""
        if bound and self.basis_when_bound:
            return self.basis_when_bound, self.basis_note_when_bound
        return self.basis, self.basis_note

    def status(self, reproduced: float | None, bound: str | None) -> str:
        """``pass``/``fail``/``missing`` (:func:`llzo.claims.evaluate`), or ``context`` when not stated."""
        if not self.stated:
            missing = reproduced is None or (isinstance(reproduced, float) and math.isnan(reproduced))
            return "missing" if missing else "context"
        return evaluate(float(self.paper_value), self.relation, float(self.tolerance), reproduced, bound)


def _problems(cid: str, p: dict) -> list[str]:
    """Every problem of one yaml entry (empty when it is valid)."""
    out = []
    if not isinstance(p, dict):
        return [f"{cid}: not a mapping"]
    for key in ("figure", "quantity", "unit", "source", "basis"):
        if not str(p.get(key, "")).strip():
            out.append(f"{cid}: `{key}` missing")
    src = p.get("source")
    if src is not None and src not in SOURCES:
        out.append(f"{cid}: source {src!r} is not one of {SOURCES}")
    for key in ("basis", "basis_when_bound"):
        if p.get(key) is not None and p[key] not in BASES:
            out.append(f"{cid}: {key} {p[key]!r} is not one of {BASES}")
    compare = ("paper_value", "relation", "tolerance")
    if src in ("text", "figure"):
        out += [f"{cid}: `{k}` missing (source {src})" for k in compare if p.get(k) is None]
        if p.get("relation") is not None and p["relation"] not in RELATIONS:
            out.append(f"{cid}: relation {p['relation']!r} is not one of {RELATIONS}")
    elif src == "not stated":
        out += [f"{cid}: `{k}` given but the source is 'not stated'" for k in compare if p.get(k) is not None]
    if src == "text":
        quotes = p.get("quote")
        if not quotes or not all(isinstance(q, str) and q.strip() for q in _as_list(quotes)):
            out.append(f"{cid}: source text needs `quote:` (the sentence from the paper)")
    elif p.get("quote"):
        out.append(f"{cid}: `quote` given but the source is {src!r}")
    if src == "figure":
        if not str(p.get("panel", "")).strip():
            out.append(f"{cid}: source figure needs `panel:`")
        if not isinstance(p.get("reading_uncertainty"), int | float) or p["reading_uncertainty"] < 0:
            out.append(f"{cid}: source figure needs `reading_uncertainty:` (>= 0, in {p.get('unit')})")
    known = {"figure", "quantity", "unit", "source", "quote", "panel", "reading_uncertainty", "reading",
             "paper_value", "relation", "tolerance", "basis", "basis_note", "basis_when_bound",
             "basis_note_when_bound"}
    out += [f"{cid}: unknown key `{k}`" for k in sorted(set(p) - known)]
    return out


def _as_list(v) -> list:
    return list(v) if isinstance(v, list | tuple) else [v]


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def load_paper_claims(path: str | Path) -> dict[str, PaperClaim]:
    """Read and check ``paper_claims.yaml``.

    Parameters
    ----------
    path
        The yaml file.

    Returns
    -------
    dict
        ``{claim_id: PaperClaim}`` in the file's order.

    Raises
    ------
    ValueError
        Listing every problem of the file at once (claim id and key).
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    problems = [q for cid, p in raw.items() for q in _problems(cid, p)]
    if problems:
        raise ValueError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    out = {}
    for cid, p in raw.items():
        num = {k: (None if p.get(k) is None else float(p[k])) for k in ("paper_value", "tolerance",
                                                                         "reading_uncertainty")}
        out[cid] = PaperClaim(
            claim_id=cid, figure=str(p["figure"]), quantity=_clean(p["quantity"]), unit=str(p["unit"]),
            source=p["source"], basis=p["basis"], quotes=tuple(_clean(q) for q in _as_list(p.get("quote") or [])),
            panel=str(p.get("panel", "")), reading=_clean(p.get("reading")), relation=p.get("relation"),
            basis_note=_clean(p.get("basis_note")), basis_when_bound=p.get("basis_when_bound"),
            basis_note_when_bound=_clean(p.get("basis_note_when_bound")), **num,
        )
    return out


def normalise_text(text: str) -> str:
    """Text as quotes are compared: typographic characters replaced, whitespace collapsed.

    Words hyphenated at a line end of the paper's text file are joined (``penetra-`` newline
    ``tion`` -> ``penetration``); :func:`quote_in_text` also tries keeping the hyphen, for
    hyphenated compounds that happen to break at a line end.
    """
    return " ".join(text.translate(TYPOGRAPHIC).split())


def quote_in_text(quote: str, paper_text: str) -> bool:
    """Whether ``quote`` occurs in ``paper_text`` (both normalised by :func:`normalise_text`)."""
    q = normalise_text(quote)
    text = paper_text.translate(TYPOGRAPHIC)
    joined = re.sub(r"(\w)-[ \t]*\r?\n\s*(\w)", r"\1\2", text)
    kept = re.sub(r"(\w)-[ \t]*\r?\n\s*(\w)", r"\1-\2", text)
    return any(q in normalise_text(t) for t in (joined, kept))
