"""The widget's states in headless Chromium: each answer status, long messages, time-outs,
server and network failures, crisis lines with no API, Escape layering, lost context."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from trdfaq import MAX_QUESTION_CHARS

from .browser import DEEP_FOCUS, TIMEOUT, ask, open_chat, shadow, wait_count
from .conftest import Server, Site, free_port, run_server

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Route

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("browser")]  # browser first: skip fast

SECRET = "a shared test secret, at least 32 bytes long"


def _expect(locator: Locator) -> Any:
    from playwright.sync_api import expect

    return expect(locator)


def _status_of(server: Server, question: str) -> str:
    """The status the API gives `question` (the widget's test rests on it)."""
    status: str = server.ask(question).json()["status"]
    return status


def _children(answer: Locator) -> list[str]:
    """The classes of an answer's top-level parts, in order."""
    classes: list[str] = answer.evaluate(
        "(node) => Array.from(node.children, (child) => child.className || child.tagName)"
    )
    return classes


class TestStatuses:
    def test_crisis_lines_first_and_the_headline_announced(
        self, page: Page, embed: Site, server: Server
    ) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, "I want to end my life")
        assert answer.get_attribute("data-status") == "crisis"
        assert _children(answer)[0] == "crisis"
        crisis = answer.locator(".crisis")
        headline = crisis.locator(".lead").inner_text()
        assert "988" in headline  # the line to call now, first, never behind a click
        assert crisis.locator('a[href="tel:988"]').is_visible()
        assert answer.locator("blockquote").count() == 0
        alert = chat.locator("[role=alert]")  # outside the log
        assert alert.inner_text() == headline
        assert shadow(chat, "root.querySelector('[role=alert]').closest('.log')") is None

    def test_check_in_asks_first_then_answers(
        self, page: Page, embed: Site, server: Server
    ) -> None:
        question = "I feel hopeless. What is rTMS?"
        assert _status_of(server, question) == "check_in"
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, question)
        parts = _children(answer)
        assert parts[0] == "crisis" and "FIGURE" in parts[1:]
        caring = answer.locator(".crisis .question")
        assert caring.is_visible() and caring.inner_text().endswith("?")
        assert answer.locator('.crisis a[href^="tel:"]').first.is_visible()
        assert answer.locator("figure > blockquote").first.is_visible()

    def test_not_covered_says_so_and_labels_what_the_articles_do_say(
        self, page: Page, embed: Site, server: Server
    ) -> None:
        question = "Does ketamine cause weight gain?"
        reply = server.ask(question).json()
        assert reply["status"] == "not_covered" and reply["related"]["quotes"]
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, question)
        parts = _children(answer)
        assert parts.index("notice") < parts.index("related")
        assert "FIGURE" not in parts  # the related quotes are never the answer
        assert answer.locator(".notice").inner_text() == reply["message"]
        related = answer.locator(".related")
        assert related.locator("h3").inner_text() == reply["related"]["label"]
        assert related.locator(":scope > figure").count() == len(reply["related"]["quotes"])

    def test_no_match_offers_topics(self, page: Page, embed: Site, server: Server) -> None:
        question = "What is the capital of France?"
        reply = server.ask(question).json()
        assert reply["status"] == "no_match"
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, question)
        assert answer.locator(".notice").inner_text() == reply["message"]
        assert answer.locator("blockquote").count() == 0
        chips = chat.locator(".suggestions .chip")
        assert chips.all_inner_texts() == reply["follow_ups"]

    def test_best_quote_in_full_further_ones_folded(
        self, page: Page, embed: Site, server: Server
    ) -> None:
        question = "What is rTMS?"
        reply = server.ask(question).json()
        folded = [q for q in reply["answers"][1:] if q["folded"]]
        assert folded, "pick a question whose answer has a folded quote"
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, question)
        best = answer.locator(":scope > figure > blockquote").first
        assert best.is_visible() and best.inner_text().strip() == reply["answers"][0]["quote"]
        more = answer.locator(":scope > details.more")
        assert more.locator(":scope > summary").inner_text() == f"More quotes ({len(folded)})"
        assert not more.locator("blockquote").first.is_visible()
        more.locator(":scope > summary").click()
        assert more.locator(":scope > figure").count() == len(folded)

    def test_disclaimer_once_and_a_footer_that_stays(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        ask(chat, "What is rTMS?")
        ask(chat, "What is ECT?")
        assert chat.locator(".disclaimer").count() == 1  # the greeting's
        assert "not medical advice" in chat.locator(".disclaimer").inner_text()
        foot = chat.locator(".foot")
        assert foot.is_visible() and "Not medical advice" in foot.inner_text()
        subtitle = chat.locator("header .subtitle").inner_text()
        assert "quoted from published articles" in subtitle and "not medical advice" in subtitle

    def test_a_lost_context_is_said(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        ask(chat, "What is rTMS?")
        chat.evaluate("(host) => { host.conversationId = 'c1.forged.signature'; }")
        answer = ask(chat, "How often is it given?")
        assert answer.locator(".notice.lost").is_visible()
        assert "5 days/week" not in (answer.text_content() or "")


class TestLongMessages:
    def test_the_limit_is_told_and_the_message_still_sent(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        text = ("Does ECT affect memory? " * 60)[: MAX_QUESTION_CHARS + 50]
        chat.locator("input").fill(text)
        status = chat.locator(".status")
        _expect(status).to_contain_text(f"up to {MAX_QUESTION_CHARS:,} characters")
        assert chat.locator("input").input_value() == text  # nothing cut off
        with page.expect_response("**/api/ask") as sent:
            chat.locator("input").press("Enter")
        assert sent.value.status == 422
        assert sent.value.request.post_data_json["question"] == text
        _expect(status).to_contain_text(f"keep it under {MAX_QUESTION_CHARS:,}")
        assert chat.locator("input").input_value() == text

    def test_a_long_crisis_message_gets_the_crisis_reply(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        text = "I have had a long week at work and home. " * 30 + "I want to end my life."
        assert len(text) > MAX_QUESTION_CHARS
        answer = ask(chat, text)
        assert answer.get_attribute("data-status") == "crisis"
        assert answer.locator(".crisis a[href^='tel:']").first.is_visible()


class TestFailures:
    def test_busy_then_time_out_then_retry(self, page: Page, embed: Site) -> None:
        held: list[Route] = []
        page.route("**/api/ask", lambda route: held.append(route))  # noqa: PLW0108 - never answered; Playwright
        # cannot wrap a bound built-in method
        chat = open_chat(page, f"{embed.origin}/impatient.html")
        send = chat.locator("button.send")
        chat.locator("input").fill("What is ECT?")
        chat.locator("input").press("Enter")
        _expect(send).to_have_text("Still working…")
        assert send.get_attribute("aria-disabled") == "true"
        chat.locator("input").fill("What is rTMS?")
        chat.locator("input").press("Enter")
        _expect(chat.locator(".status")).to_contain_text("Still working")
        status = chat.locator(".status")
        _expect(status).to_contain_text("took too long", timeout=TIMEOUT)
        assert len(held) == 1  # the question asked meanwhile was not sent behind its back
        _expect(send).to_have_text("Ask")
        assert chat.locator(".helpbox").is_visible()  # crisis lines, since nothing came back
        assert chat.locator('.helpbox a[href="tel:988"]').count() == 1
        page.unroute("**/api/ask")
        status.get_by_role("button", name="Try again").click()
        wait_count(chat.locator("article.bot"), 1)

    def test_a_server_error_is_not_a_network_error(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        page.route(
            "**/api/ask",
            lambda route: route.fulfill(
                status=500,
                headers={"Access-Control-Allow-Origin": embed.origin},
                json={"error": "internal error"},
            ),
        )
        chat.locator("input").fill("What is ECT?")
        chat.locator("input").press("Enter")
        status = chat.locator(".status")
        _expect(status).to_contain_text("had a problem answering")
        assert "connection" not in status.inner_text()
        assert status.get_by_role("button", name="Try again").is_visible()

    def test_network_error_shows_the_built_in_crisis_lines(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        page.route("**/api/**", lambda route: route.abort())
        chat.locator("input").fill("What is ECT?")
        chat.locator("input").press("Enter")
        _expect(chat.locator(".status")).to_contain_text("Couldn't reach")
        box = chat.locator(".helpbox")
        assert box.is_visible()
        assert "can't be reached" in box.locator(".intro").inner_text()
        assert box.locator('a[href="tel:988"]').count() == 1


class TestOffline:
    @pytest.mark.parametrize(
        ("locale", "first_call"),
        [
            ("en-US", "tel:988"),
            ("en-GB", "tel:116123"),
            ("de-DE", "tel:112"),
            ("ja-JP", None),  # no line of ours: findahelpline.com first
        ],
    )
    def test_crisis_lines_with_no_api_at_all(
        self,
        new_page: Callable[..., Page],
        embed: Site,
        locale: str,
        first_call: str | None,
    ) -> None:
        page = new_page(locale=locale)
        page.route("**/api/**", lambda route: route.abort())
        page.goto(f"{embed.origin}/embed.html")
        chat = page.locator("trdfaq-chat")
        _expect(chat.locator(".status")).to_contain_text("Couldn't reach")
        box = chat.locator(".helpbox")
        _expect(box).to_be_visible()
        assert chat.locator("header .help").inner_text() == "In crisis?"  # built-in words
        links = box.locator(".crisis a").evaluate_all("(nodes) => nodes.map((n) => n.href)")
        assert any("findahelpline.com" in href for href in links)
        if first_call is None:
            assert "findahelpline.com" in links[0]
        else:
            assert next(h for h in links if h.startswith("tel:")) == first_call
        emergency = {"en-US": "tel:911", "en-GB": "tel:999", "de-DE": "tel:112"}.get(locale)
        if emergency:
            assert emergency in links

    def test_in_crisis_is_there_from_the_start(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        help_button = chat.locator("header .help")
        assert help_button.is_visible() and help_button.inner_text() == "In crisis?"
        page.route("**/api/**", lambda route: route.abort())  # needs no server
        help_button.click()
        box = chat.locator(".helpbox")
        assert box.is_visible() and box.locator('a[href="tel:988"]').is_visible()
        assert page.evaluate(DEEP_FOCUS)["cls"] == "helpbox"


class TestKeyboard:
    def test_escape_closes_the_innermost_layer_only(self, page: Page, embed: Site) -> None:
        page.goto(f"{embed.origin}/launcher.html")
        chat = page.locator("trdfaq-chat")
        chat.locator(".launcher").click()
        panel = chat.locator(".panel")
        chat.locator(".msg.bot").first.wait_for()
        answer = ask(chat, "What is rTMS?")
        more = answer.locator("details.more")
        more.locator(":scope > summary").focus()
        page.keyboard.press("Enter")
        assert more.get_attribute("open") is not None
        chat.locator("header .help").click()
        assert chat.locator(".helpbox").is_visible()
        page.keyboard.press("Escape")  # the crisis box first
        assert not chat.locator(".helpbox").is_visible() and panel.is_visible()
        assert "help" in page.evaluate(DEEP_FOCUS)["cls"]
        more.locator(":scope > summary").focus()
        page.keyboard.press("Escape")  # then the fold
        assert more.get_attribute("open") is None and panel.is_visible()
        page.keyboard.press("Escape")  # then the panel
        assert not panel.is_visible()
        assert "launcher" in page.evaluate(DEEP_FOCUS)["cls"]

    def test_launcher_toggles(self, page: Page, embed: Site) -> None:
        page.goto(f"{embed.origin}/launcher.html")
        launcher = page.locator("trdfaq-chat .launcher")
        launcher.click()
        assert page.locator("trdfaq-chat .panel").is_visible()
        assert launcher.get_attribute("aria-expanded") == "true"
        launcher.click()
        assert not page.locator("trdfaq-chat .panel").is_visible()
        assert launcher.get_attribute("aria-expanded") == "false"

    def test_ask_follow_up_and_crisis_by_keyboard(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        chat.locator("input").focus()
        page.keyboard.type("What is rTMS?")
        page.keyboard.press("Enter")
        wait_count(chat.locator("article.bot"), 1)
        page.keyboard.type("How often is it given?")
        page.keyboard.press("Enter")
        wait_count(chat.locator("article.bot"), 2)
        assert "5 days/week" in (chat.locator("article.bot").last.text_content() or "")
        chat.locator("header .help").focus()
        page.keyboard.press("Enter")
        assert chat.locator(".helpbox").is_visible()
        page.keyboard.press("Escape")
        assert not chat.locator(".helpbox").is_visible()


class TestRestart:
    def test_a_follow_up_after_a_server_restart_keeps_its_context(
        self, page: Page, site: Site, server_dir: Path
    ) -> None:
        port = free_port()
        api = f"http://127.0.0.1:{port}"
        site.pages["/restart.html"] = lambda _: (
            f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
</head><body><script src="{api}/widget.js" defer></script>
<trdfaq-chat api="{api}" open></trdfaq-chat></body></html>"""
        )
        args = ("--allow-origin", site.origin)
        env = {"TRDFAQ_SECRET": SECRET}
        with run_server(server_dir, *args, env=env, port=port):
            chat = open_chat(page, f"{site.origin}/restart.html")
            ask(chat, "What is rTMS?")
        with run_server(server_dir, *args, env=env, port=port):
            answer = ask(chat, "How often is it given?")
        assert "5 days/week" in (answer.text_content() or "")
        assert answer.locator(".notice.lost").count() == 0
        assert re.search(r"\S", answer.locator("blockquote").first.inner_text())


ZOOMS = [  # a 1280 x 1024 window zoomed: CSS pixels per side shrink by the zoom factor
    pytest.param({"width": 640, "height": 512}, 2, id="200%"),
    pytest.param({"width": 320, "height": 256}, 4, id="400%"),
]


class TestZoom:
    @pytest.mark.parametrize(("viewport", "scale"), ZOOMS)
    @pytest.mark.parametrize("url", ["/launcher.html", "/embed.html"])
    def test_reflow(
        self,
        new_page: Callable[..., Page],
        embed: Site,
        viewport: dict[str, int],
        scale: int,
        url: str,
        artifacts: Path,
    ) -> None:
        page = new_page(viewport=viewport, device_scale_factor=scale, locale="en-US")
        page.goto(f"{embed.origin}{url}")
        chat = page.locator("trdfaq-chat")
        if url == "/launcher.html":
            chat.locator(".launcher").click()
        chat.locator(".msg.bot").first.wait_for()
        answer = ask(chat, "What is rTMS?")
        sizes = shadow(
            chat,
            """(() => {
              const box = (s) => root.querySelector(s).getBoundingClientRect();
              const input = root.querySelector('input');
              return {panel: box('.panel').height, log: box('.log').height,
                      panelRight: box('.panel').right, input: getComputedStyle(input).fontSize,
                      send: box('.send').right};
            })()""",
        )
        print(f"{url} {viewport}: {sizes}")
        name = f"zoom-{scale * 100}-{url.strip('/').removesuffix('.html')}.png"
        page.screenshot(path=artifacts / name)
        assert sizes["log"] >= sizes["panel"] / 2, sizes  # WCAG 1.4.10: the answers have room
        assert sizes["panelRight"] <= viewport["width"] and sizes["send"] <= viewport["width"]
        assert float(sizes["input"].removesuffix("px")) >= 16  # no zoom on focus in iOS
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert answer.locator("blockquote").first.is_visible()

    def test_sizes_follow_the_browsers_text_size(self, page: Page, embed: Site) -> None:
        embed.pages["/large-text.html"] = lambda api: (
            f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<style>html {{ font-size: 24px; }}</style></head><body>
<script src="{api}/widget.js" defer></script><trdfaq-chat api="{api}" open></trdfaq-chat>
</body></html>"""
        )
        chat = open_chat(page, f"{embed.origin}/large-text.html")
        sizes = shadow(
            chat,
            """(() => {
              const size = (s) => parseFloat(getComputedStyle(root.querySelector(s)).fontSize);
              return {root: size('.root'), heading: size('h2'), input: size('input'),
                      chip: size('.chip')};
            })()""",
        )
        assert sizes["root"] == 24 and sizes["input"] == 24
        assert sizes["heading"] > 24 and sizes["chip"] < 24


class TestScreenReaders:
    def test_a_short_announcement_per_answer_not_the_whole_answer(
        self, page: Page, embed: Site
    ) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        log = chat.locator(".log")
        assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "off"
        answer = ask(chat, "What is rTMS?")
        status = chat.locator("[role=status]")
        announced = status.inner_text()
        assert announced and len(announced) < 100
        assert len(answer.inner_text()) > 3 * len(announced)  # the answer is read in the log
        assert shadow(chat, "root.querySelector('[role=status]').closest('.log')") is None
        assert answer.get_attribute("aria-label") == "Answer"
