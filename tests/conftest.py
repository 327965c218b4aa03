"""Shared test setup. Keep it minimal: fixtures belong in the test modules that use them
until two modules need the same one."""

import os
from pathlib import Path

import pytest

# PyThaiNLP must never try to download a corpus during tests (there is no network in CI).
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

# CI runs the same examples every time (a failure there must be reproducible); locally
# hypothesis explores new ones.
try:
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")
except ImportError:  # hypothesis is a test extra
    pass


# Test tiers (markers declared in pyproject.toml, --strict-markers). A test's own tier
# marker wins; otherwise its file's tier below; doctests and unlisted files are unit.
TIERS = ("unit", "extract", "slow")
FILE_TIER = {
    "test_extract.py": "extract",
    "test_nlp.py": "extract",
    "test_cli.py": "slow",  # subprocesses
    "test_crawl.py": "slow",  # loopback servers, whole crawls
    "test_fetch.py": "slow",  # loopback servers with real rate limits and timeouts
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(t) for t in TIERS):
            continue
        item.add_marker(FILE_TIER.get(Path(str(item.fspath)).name, "unit"))
