"""Shared set-up of the browser tests: Debian's chromium, headless, driven through Playwright."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# pytestmark of every browser test module: marked, and skipped with a reason where chromium is absent.
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"chromium not installed at {CHROMIUM} (apt-get install chromium)"
    ),
]


def launch(playwright):
    """A headless chromium with the flags this closed network needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def sign_in(page, base: str, username: str, next_url: str) -> None:
    """Sign in through the sign-in page with the factories' password, and land on ``next_url``."""
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-passphrase-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_url}")
