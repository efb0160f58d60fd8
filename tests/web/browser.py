"""Driving the widget in headless Chromium: the pages that embed it and helpers for tests."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM = os.environ.get("TRDFAQ_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT = 15_000  # ms

# The page's own CSS tries hard to break the widget; the shadow DOM must keep it out.
HOSTILE_CSS = """<style>
  * { color: rgb(255, 0, 0) !important; font-family: serif !important; }
  blockquote, button, input, mark { display: none !important; }
  body { font-size: 30px; line-height: 3; letter-spacing: 4px; margin: 0; }
</style>"""

# The page that embeds the widget uses exactly the two lines from the README.
PAGES = {
    "/embed.html": lambda api: (
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>
{HOSTILE_CSS}</head><body><h1>A clinic's page</h1>
<script src="{api}/widget.js" defer></script>
<trdfaq-chat api="{api}" open></trdfaq-chat>
</body></html>"""
    ),
    "/launcher.html": lambda api: (
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Host page</title><style>trdfaq-chat {{ --trdfaq-accent: rgb(0, 110, 60); }}</style>
</head><body><h1>A page with a launcher</h1>
<script src="{api}/widget.js" defer></script>
<trdfaq-chat api="{api}" region="UK"></trdfaq-chat>
</body></html>"""
    ),
    "/impatient.html": lambda api: (
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Host page</title></head><body><h1>A widget that waits one second for an answer</h1>
<script src="{api}/widget.js" defer></script>
<trdfaq-chat api="{api}" open timeout="1"></trdfaq-chat>
</body></html>"""
    ),
}

DEEP_FOCUS = """() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) {
    node = node.shadowRoot.activeElement;
  }
  if (!node) return null;
  const style = getComputedStyle(node);
  return {tag: node.tagName.toLowerCase(), cls: node.className, text: node.textContent,
          outline: style.outlineStyle, outlineWidth: style.outlineWidth};
}"""


def open_chat(page: Page, url: str) -> Locator:
    page.goto(url)
    chat = page.locator("trdfaq-chat")
    chat.locator(".msg.bot").first.wait_for()  # the greeting, from /api/info
    return chat


def ask(chat: Locator, question: str) -> Locator:
    """Type a question, press Enter, and return the new answer."""
    answers = chat.locator("article.bot")
    before = answers.count()
    chat.locator("input").fill(question)
    chat.locator("input").press("Enter")
    wait_count(answers, before + 1)
    return answers.nth(before)


def wait_count(locator: Locator, n: int) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_count(n, timeout=TIMEOUT)


def shadow(chat: Locator, script: str) -> Any:
    return chat.evaluate(f"(host) => {{ const root = host.shadowRoot; return {script}; }}")


def tab_until(page: Page, wanted: Any, limit: int = 25) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(DEEP_FOCUS)
        if focus and wanted(focus):
            return dict(focus)
    raise AssertionError("Tab never reached the wanted control")
