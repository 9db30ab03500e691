"""Values on the shell command lines of the rules."""

from __future__ import annotations

import json
import shlex
from typing import Any


def json_arg(value: Any) -> str:
    """``value`` as JSON with sorted keys, quoted for a shell command line (read back by ``--config``)."""
    return shlex.quote(json.dumps(value, sort_keys=True))
