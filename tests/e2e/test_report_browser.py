"""report.html and scorecard.html of a demo run, opened in headless Chromium.

Checks what a reviewer sees: the pages render without script errors; the report opens on the
summary with every scorecard row visible at full width (not a narrow column beside the workflow
graph); statuses are words on coloured labels (no emoji); the graph is one click away ("Workflow").
Screenshots and Chromium's own log are kept under ``results/test-artefacts/chromium/`` of the
clone (CI keeps the workspace). Needs the Debian package ``chromium`` (``.ci/run`` installs it when
root); skipped with a message without it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from headless_chromium import Chromium, find_chromium

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "results" / "test-artefacts" / "chromium"
WIDTH = 1600
EMOJI = ("\u2705", "\u274c", "\u2b1c", "\U0001f7e5", "\U0001f7e9")

#: Per row of a table: [first cell, last status label, box visible in the viewport, right edge].
ROWS_JS = """(sel => Array.from(document.querySelectorAll(sel)).map(tr => {
  const r = tr.getBoundingClientRect(), st = getComputedStyle(tr);
  const label = tr.querySelector('[class*="status"]');
  return [tr.cells[0].innerText.trim(), label ? label.innerText.trim() : '',
          r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight
            && st.visibility === 'visible' && st.display !== 'none', r.right];
}))"""


@pytest.fixture(scope="module")
def chromium_exe() -> str:
    exe = find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it when "
                    "root): report.html and scorecard.html were NOT checked in a browser")
    return exe


@pytest.fixture(scope="module")
def card(demo_run) -> pd.DataFrame:
    return pd.read_csv(demo_run / "results/demo/claims.csv", dtype=str, keep_default_na=False)


def _check_rows(rows: list, card: pd.DataFrame, width: float) -> None:
    assert [r[0] for r in rows] == list(card["claim_id"]), rows
    assert [r[1] for r in rows] == [s.upper() for s in card["status"]], rows
    hidden = [r[0] for r in rows if not r[2]]
    assert not hidden, f"scorecard rows not visible in the viewport: {hidden}"
    assert max(r[3] for r in rows) <= width + 1, "the scorecard runs off the right edge"


def test_report_opens_on_the_full_width_scorecard(demo_run, card, chromium_exe, tmp_path):
    url = (demo_run / "results/demo/report.html").as_uri()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with Chromium(chromium_exe, tmp_path / "profile", ARTEFACTS / "report_chromium.log", WIDTH, 1000) as b:
        b.goto(url, "getComputedStyle(document.querySelector('#loading-screen')).display === 'none'"
                    " && document.querySelector('.scorecard tbody tr') !== null")
        shot = b.screenshot(ARTEFACTS / "report_landing.png")
        b.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=2400, deviceScaleFactor=1, mobile=False)
        b.wait_for("window.innerHeight === 2400")
        rows = b.evaluate(ROWS_JS + "('.scorecard table tbody tr')")
        table_w = b.evaluate("document.querySelector('.scorecard table').getBoundingClientRect().width")
        content = "document.querySelector('#app div.h-screen.overflow-auto')"
        content_w = b.evaluate(f"{content}.getBoundingClientRect().width")
        pass_bg = b.evaluate("getComputedStyle(document.querySelector('.status-pass')).backgroundColor")
        text = b.evaluate("document.body.innerText")
        b.screenshot(ARTEFACTS / "report_landing_tall.png")
        # the workflow graph is one click away, without the table beside it
        b.evaluate("app.setView({content: 'rulegraph'}), true")
        b.wait_for("document.querySelector('#app canvas, #app svg.marks') !== null")
        table_in_graph_view = b.evaluate("getComputedStyle(document.querySelector('.scorecard')).display")
        b.screenshot(ARTEFACTS / "report_workflow.png")
        errors = b.errors.all()
    print(f"report screenshots: {shot.parent}")
    assert not errors, errors
    _check_rows(rows, card, WIDTH)
    # full width: the table fills the content area beside the menu (the old layout gave it ~500 px)
    assert content_w > 0.7 * WIDTH and table_w > 0.9 * content_w - 100, (table_w, content_w)
    assert pass_bg == "rgb(30, 123, 52)"
    assert not [c for c in EMOJI if c in text]
    assert "PASS" in text and "dataset demo" in text
    assert table_in_graph_view == "none"


def test_scorecard_html_is_readable_at_full_width(demo_run, card, chromium_exe, tmp_path):
    url = (demo_run / "results/demo/scorecard.html").as_uri()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with Chromium(chromium_exe, tmp_path / "profile", ARTEFACTS / "scorecard_chromium.log", WIDTH, 1000) as b:
        b.goto(url, "document.querySelector('#scorecard tbody tr') !== null")
        shot = b.screenshot(ARTEFACTS / "scorecard.png")
        b.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=4000, deviceScaleFactor=1, mobile=False)
        b.wait_for("window.innerHeight === 4000")
        rows = b.evaluate(ROWS_JS + "('#scorecard tbody tr')")
        text = b.evaluate("document.body.innerText")
        errors = b.errors.all()
    print(f"scorecard screenshot: {shot}")
    assert not errors, errors
    _check_rows(rows, card, WIDTH)
    assert not [c for c in EMOJI if c in text]
