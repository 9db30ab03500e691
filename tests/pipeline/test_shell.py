"""Shell-quoted JSON arguments of the rules (llzo.pipeline.shell)."""

from __future__ import annotations

import json
import shlex

from llzo.pipeline.shell import json_arg


def test_round_trip_through_the_shell():
    value = {"b": [1, 2.5], "a": "it's \"quoted\" $HOME", "c": {"z": None}}
    arg = json_arg(value)
    assert json.loads(shlex.split(arg)[0]) == value
    assert arg == json_arg(dict(reversed(list(value.items()))))  # sorted keys: stable command line
