"""`ita serve` in a real browser: Debian's headless Chromium loads a faceted results page,
a canned query and a Thai search, and the test reads what the page shows. Screenshots are
kept in tests/artifacts/ (gitignored) for a person to look at.

Needs `chromium` (``.ci/run`` installs it); skipped when it is missing outside CI.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
DOCS = ["002_110bbf2fb3d83a22", "36021", "61237", "35479", "64134", "41043"]
ITA = [sys.executable, "-m", "ita_extract"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "ita.db"
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    subprocess.run([*ITA, "extract", *(str(ROOT / "gold" / "docs" / f"{d}.txt") for d in DOCS), "--db", str(db)],
                   check=True, env=env, capture_output=True, timeout=300)
    port = free_port()
    server = subprocess.Popen([*ITA, "serve", str(db), "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/ita.json", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("ita serve did not start: " + server.stdout.read().decode(errors="replace"))
            time.sleep(0.5)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    yield base, db, tmp
    server.terminate()
    server.wait(timeout=20)
    # served immutable: nothing the browser did changed the file
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def browse(url: str, tmp: Path, name: str) -> str:
    """The DOM Chromium renders for ``url``; a screenshot of it goes to tests/artifacts/NAME.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp / 'chromium'}",
             "--window-size=1400,1600", "--hide-scrollbars"]
    subprocess.run([CHROMIUM, *flags, f"--screenshot={ARTIFACTS / (name + '.png')}", url],
                   check=True, capture_output=True, timeout=120)
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", url], check=True, capture_output=True, timeout=120)
    return dom.stdout.decode("utf-8")


def test_a_faceted_results_page_shows_thai_facet_counts_and_evidence_links(served):
    base, db, tmp = served
    with sqlite3.connect(db) as conn:
        tiers = dict(conn.execute("SELECT tier, count(*) FROM events WHERE tier IS NOT NULL GROUP BY tier"))
        baac_url = conn.execute("SELECT url FROM events WHERE agency = 'ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร'").fetchone()[0]
        aa_types = dict(conn.execute("SELECT agency_type, count(*) FROM events WHERE tier = 'AA' GROUP BY 1"))
    dom = browse(f"{base}/ita/events?tier=AA", tmp, "events_facet_tier_AA")  # facets from the metadata
    assert "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร" in dom
    assert "Results (one row per result)" in dom  # the metadata's title
    text = re.sub(r"<[^>]+>", " ", dom)
    text = re.sub(r"\s+", " ", text)
    # facet counts: the tier facet (a selected facet lists its value) and the agency types within AA
    assert re.search(rf"AA\W+{tiers['AA']}\b", text), text[:2000]
    for kind, n in aa_types.items():
        assert re.search(rf"{re.escape(kind)}\s+{n}\b", text), (kind, n)
    assert f'href="{baac_url}"' in dom  # the evidence's article is a link


def test_a_canned_query_and_a_thai_search(served):
    base, db, tmp = served
    dom = browse(f"{base}/ita/tier_counts", tmp, "canned_tier_counts")
    assert "Tier counts per fiscal year" in dom and "2563" in dom
    dom = browse(f"{base}/ita/agency_history?agency={quote('ธ.ก.ส.')}", tmp, "canned_agency_history_baac")
    assert "96.74" in dom and "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร" in dom
    dom = browse(f"{base}/ita/search?q={quote('ผล ITA ลำพูน')}", tmp, "search_lamphun")
    rows = re.findall(r"002_110bbf2fb3d83a22|\b(?:36021|61237|35479|64134|41043)\b", dom)
    assert rows and rows[0] == "002_110bbf2fb3d83a22"
    assert "[ลำพูน]" in dom


@pytest.mark.parametrize("hostile", ['NEAR("', "' OR 1=1 --", "*", "", "ผล" * 5000])
def test_hostile_searches_in_the_served_page_show_no_rows_and_no_error(served, hostile):
    base, _, _ = served
    with urllib.request.urlopen(f"{base}/ita/search.json?_shape=array&q={quote(hostile)}", timeout=30) as response:
        assert response.status == 200
        assert response.read() == b"[]"
