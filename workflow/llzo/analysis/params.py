"""Parameter objects of the analyses, built from their config blocks.

Every analysis takes one frozen dataclass ``<Topic>Params`` whose field names are the keys of its
block in ``workflow/config/config.yaml`` (units in the names). :class:`ConfigParams` gives them
:meth:`~ConfigParams.from_config` and :meth:`~ConfigParams.config_keys`, so that a rule passes a
notebook exactly the keys its analysis reads (a change to another key does not rerun it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Self


class ConfigParams:
    """Mixin for frozen parameter dataclasses built from a config block."""

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        """Config keys this object reads (its field names), in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> Self:
        """Build from a config block; keys of other analyses in the same block are ignored.

        Lists become tuples (the object is frozen and hashable).

        Raises
        ------
        KeyError
            A key without a default is missing from ``block``; the message names every missing key.
        """
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        missing = [f.name for f in fields if f.name not in block
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise KeyError(f"{cls.__name__}: config block lacks {missing} (has {sorted(block)})")
        values = {f.name: block[f.name] for f in fields if f.name in block}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    def to_config(self) -> dict[str, Any]:
        """Return the parameters as a config block (tuples as lists), e.g. for a notebook's parameters cell."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}  # type: ignore[call-overload]
