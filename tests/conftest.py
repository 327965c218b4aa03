"""Shared test setup. Keep it minimal: fixtures belong in the test modules that use them
until two modules need the same one."""

import os

# PyThaiNLP must never try to download a corpus during tests (there is no network in CI).
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
