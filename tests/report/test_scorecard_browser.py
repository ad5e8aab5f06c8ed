"""The scorecard in a real browser: headless Chromium (Debian's package; .ci/run installs it) renders
the page from a file:// address with background networking off, to a PNG and to its DOM.

Skipped only when Chromium is absent outside CI; with CI=true a missing Chromium fails."""

from __future__ import annotations

import pytest
from browser import chromium_or_skip, run_chromium
from PIL import Image
from scorecard_page import Page, plan_goals


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def test_every_goal_section_renders_in_chromium(chromium, scorecard, bundled_refresh, tmp_path):
    goals, targets = plan_goals(bundled_refresh.path)
    done = run_chromium(chromium, tmp_path / "profile-dom", "--dump-dom", scorecard.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Page(done.stdout)
    assert dom.sections == goals  # the browser's DOM has one section per goal, in plan order
    assert dom.overview_rows == targets
    assert "svg" in dom.tags


def test_screenshot_is_not_blank(chromium, scorecard, tmp_path):
    shot = tmp_path / "scorecard.png"
    done = run_chromium(chromium, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1200,4000", scorecard.as_uri())
    assert shot.is_file() and shot.stat().st_size > 0, done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 4000)
    small = image.resize((300, 1000))
    raw = small.tobytes()
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
    colours = len(set(pixels))
    not_white = sum(1 for p in pixels if min(p) < 235) / len(pixels)
    assert colours > 200, colours  # text, badges and charts, not a blank or error page
    assert not_white > 0.05, not_white
    # the red "Ej uppfyllt" and green "Uppfyllt" badges are painted
    assert any(r > 150 and g < 80 and b < 80 for r, g, b in pixels)
    assert any(g > 100 and r < 60 and b < 90 for r, g, b in pixels)
