"""Shared test setup. Keep it minimal: fixtures belong in the test modules that use them
until two modules need the same one."""

import os

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
