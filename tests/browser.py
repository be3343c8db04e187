"""Shared set-up for browser tests: Playwright driving the system's Chromium."""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium():
    if os.path.exists(CHROMIUM):
        return
    message = (
        f"Chromium not found at {CHROMIUM}: install Debian's chromium and fonts-noto-cjk "
        "(apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH to run browser tests."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser_page(live_server):
    require_chromium()
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # Nothing may leave loopback.
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(live_server.url)
                else route.abort()
            ),
        )
        errors = []

        def watch(page):
            page.on(
                "console",
                lambda message: (
                    errors.append(f"{page.url}: {message.text}")
                    if message.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

        context.on("page", watch)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.errors = errors
        yield page
        context.close()
        browser.close()
        # ORM calls made while Playwright's loop runs get their own context-local
        # connection; close it here or it outlives the test database.
        connections.close_all()
