"""Screenshots of the public pages at phone and desktop widths, in both languages.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]
(with `make run` serving http://127.0.0.1:8000). Uses Debian's Chromium via Playwright.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import ARGS, CHROMIUM  # one list of Chromium flags

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
PAGES = {
    "home": "/",
    "list": "/quotes/?country=RU&kind=direct",
    "statement": "/quotes/14/",
    "expert": "/experts/pavel-podvig/",
    "collection": "/collections/is-there-life-after-new-start/",
}

OUT.mkdir(parents=True, exist_ok=True)
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for prefix in ("", "/zh-hans"):
            for name, path in PAGES.items():
                page.goto(BASE + prefix + path)
                lang = "zh" if prefix else "en"
                page.screenshot(path=OUT / f"{name}-{lang}-{width}.png", full_page=True)
        page.close()
    browser.close()
print(f"screenshots in {OUT}/")
