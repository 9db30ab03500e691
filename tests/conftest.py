"""Shared pytest fixtures: project paths, the real instrument fixtures, lab datasets."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
REAL_FIXTURES = REPO.parent / "shared" / "fixtures" / "real"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project root."""
    return REPO


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    """``../shared/fixtures/real`` (public instrument files; see its SOURCES.md)."""
    if not REAL_FIXTURES.is_dir():
        pytest.skip(f"real instrument fixtures not found at {REAL_FIXTURES}")
    return REAL_FIXTURES


@pytest.fixture(scope="session")
def config() -> dict:
    """The project's config.yaml as a dict (do not mutate: use ``copy.deepcopy``)."""
    return yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))


@pytest.fixture()
def lab_config(config) -> dict:
    """A mutable copy of the ``lab`` section."""
    return copy.deepcopy(config["lab"])
