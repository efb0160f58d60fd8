"""The widget in headless Chromium, embedded by a page on another origin (the two-line snippet)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browser import DEEP_FOCUS, TIMEOUT, ask, open_chat, shadow, tab_until, wait_count
from .conftest import Server, Site

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("browser")]  # browser first: skip fast


class TestAnswers:
    def test_quote_source_and_disclaimer(self, page: Page, embed: Site, artifacts: Path) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, "Does ECT affect your memory?")
        quote = answer.locator("figure > blockquote").first
        assert quote.inner_text().strip()
        source = answer.locator("figure > figcaption").first.inner_text()
        assert source.startswith("— ") and " — " in source
        greeting = chat.locator(".msg.bot").first
        assert "not medical advice" in greeting.locator(".disclaimer").inner_text()
        assert answer.locator(".disclaimer").count() == 0  # once per conversation
        assert answer.locator("mark").count() >= 1
        # The host page's CSS stays out: nothing is hidden or turned red.
        assert quote.is_visible()
        color = quote.evaluate("(node) => getComputedStyle(node).color")
        assert color != "rgb(255, 0, 0)"
        chat.screenshot(path=artifacts / "widget-answer.png")
        print(f"screenshot: {artifacts / 'widget-answer.png'}")

    def test_follow_up_keeps_the_conversation(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        ask(chat, "What is rTMS?")
        answer = ask(chat, "How often is it given?")
        assert "5 days/week" in answer.text_content()  # type: ignore[operator]

    def test_corroborating_sources_can_be_opened(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, "What does treatment-resistant depression mean?")
        summary = answer.locator("details > summary", has_text="sources").first
        assert summary.inner_text().endswith("sources")
        summary.click()
        assert answer.locator("details figure blockquote").first.is_visible()

    def test_no_match_offers_topic_buttons(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, "What is the capital of France?")
        assert answer.locator(".notice").inner_text()
        assert chat.locator(".suggestions .chip").count() >= 1


class TestCrisis:
    def test_crisis_panel_comes_first_with_links(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        answer = ask(chat, "I want to end my life")
        first = answer.locator(":scope > *").first
        assert first.get_attribute("class") == "crisis"
        assert chat.locator("[role=alert]").inner_text() == first.locator(".lead").inner_text()
        assert answer.locator("blockquote").count() == 0
        tel = first.locator('a[href^="tel:"]')
        assert tel.count() >= 1 and first.locator('a[href^="sms:"]').count() >= 1
        assert first.locator("p").first.inner_text().strip()

    def test_get_help_now_stays_available(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        help_button = chat.locator("header .help")
        assert help_button.inner_text() == "In crisis?"
        ask(chat, "I want to end my life")
        ask(chat, "What is ketamine?")
        assert help_button.is_visible() and help_button.inner_text() == "Get help now"
        help_button.click()
        assert chat.locator(".helpbox").is_visible()
        assert chat.locator('.helpbox a[href^="tel:"]').count() >= 1
        help_button.click()
        assert not chat.locator(".helpbox").is_visible()


class TestSafety:
    def test_html_in_a_question_is_shown_as_text(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        payload = "<img src=x onerror=alert(1)>"
        ask(chat, payload)
        assert chat.locator(".msg.user").last.inner_text().endswith(payload)
        page.wait_for_timeout(300)  # time for an injected handler to fire, if there were one
        assert shadow(chat, "root.querySelectorAll('img').length") == 0
        assert page.locator("img").count() == 0
        assert page.dialogs == []  # type: ignore[attr-defined]

    def test_an_origin_not_allowed_gets_no_answers(self, page: Page, embed: Site) -> None:
        page.goto(f"{embed.other_origin}/embed.html")
        status = page.locator("trdfaq-chat .status")
        from playwright.sync_api import expect

        expect(status).to_contain_text("Couldn't reach", timeout=TIMEOUT)


class TestErrors:
    def test_network_error_then_retry(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        page.route("**/api/ask", lambda route: route.abort())
        chat.locator("input").fill("What is ECT?")
        chat.locator("input").press("Enter")
        status = chat.locator(".status")
        status.get_by_role("button").wait_for()
        assert "Couldn't reach" in status.inner_text()
        assert chat.locator("input").input_value() == "What is ECT?"
        page.unroute("**/api/ask")
        status.get_by_role("button").click()
        wait_count(chat.locator("article.bot"), 1)

    def test_too_many_questions(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        page.route(
            "**/api/ask",
            lambda route: route.fulfill(
                status=429,
                headers={"Retry-After": "20", "Access-Control-Allow-Origin": embed.origin},
                content_type="application/json",
                body='{"error": "too many questions"}',
            ),
        )
        chat.locator("input").fill("What is ECT?")
        chat.locator("input").press("Enter")
        from playwright.sync_api import expect

        expect(chat.locator(".status")).to_contain_text("Too many questions", timeout=TIMEOUT)


class TestWording:
    def test_words_come_from_api_info(self, page: Page, embed: Site) -> None:
        from playwright.sync_api import expect

        def relabel(route: Route) -> None:
            response = route.fetch()
            info = response.json()
            info["labels"] = {key: f"«{value}»" for key, value in info["labels"].items()}
            info["empty_question"] = "«empty»"
            route.fulfill(response=response, json=info)

        page.route("**/api/info", relabel)
        chat = open_chat(page, f"{embed.origin}/embed.html")
        assert chat.get_by_role("button", name="«Ask»").is_visible()
        assert chat.get_by_label("«Your question»").count() == 1
        assert chat.locator(".suggestions p").inner_text() == "«Try asking»"
        chat.locator("input").press("Enter")
        expect(chat.locator(".status")).to_have_text("«empty»")
        answer = ask(chat, "What does treatment-resistant depression mean?")
        assert answer.get_attribute("aria-label") == "«Answer»"
        assert chat.locator(".suggestions p").inner_text() == "«You could also ask»"
        summary = answer.locator("details > summary", has_text="sources").first
        assert re.fullmatch(r"«\d+ sources»", summary.inner_text())
        summary.click()
        also = answer.locator("details p.source").first.inner_text()
        assert also == "«Other sources saying the same:»"
        page.route(
            "**/api/ask",
            lambda route: route.fulfill(
                status=429,
                headers={"Access-Control-Allow-Origin": embed.origin},
                json={"error": "too many"},
            ),
        )
        chat.locator("input").fill("What is ECT?")
        chat.locator("input").press("Enter")
        expect(chat.locator(".status")).to_have_text(
            "«Too many questions: wait a moment, then try again.»"
        )

    def test_a_question_waits_for_api_info(self, page: Page, embed: Site) -> None:
        from playwright.sync_api import expect

        page.route("**/api/info", lambda route: route.abort())
        page.goto(f"{embed.origin}/embed.html")
        chat = page.locator("trdfaq-chat")
        expect(chat.locator(".status")).to_contain_text("Couldn't reach")  # the fallback
        assert chat.get_by_role("button", name="Ask").is_visible()  # no unnamed controls
        chat.locator("input").fill("What is ECT?")
        with page.expect_event("requestfailed"):  # asking loads /api/info first
            chat.locator("input").press("Enter")
        expect(chat.locator(".status").get_by_role("button", name="Try again")).to_be_visible()
        assert chat.locator(".msg").count() == 0
        assert chat.locator("input").input_value() == "What is ECT?"
        page.unroute("**/api/info")
        chat.locator("input").press("Enter")
        wait_count(chat.locator("article.bot"), 1)
        assert chat.locator(".msg.user").inner_text().endswith("What is ECT?")
        assert chat.locator(".status").inner_text() == ""


class TestAccess:
    def test_keyboard_only(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        focus = tab_until(page, lambda f: f["tag"] == "input")
        assert focus["outline"] != "none"
        page.keyboard.type("What is ketamine?")
        page.keyboard.press("Enter")
        wait_count(chat.locator("article.bot"), 1)
        focus = tab_until(page, lambda f: "chip" in f["cls"])
        assert focus["outline"] != "none" and focus["outlineWidth"] != "0px"
        page.keyboard.press("Enter")
        wait_count(chat.locator("article.bot"), 2)
        assert chat.locator(".msg.user").last.inner_text().endswith(focus["text"])

    def test_live_region_and_labels(self, page: Page, embed: Site) -> None:
        chat = open_chat(page, f"{embed.origin}/embed.html")
        assert chat.locator(".log").get_attribute("role") == "log"
        assert chat.get_by_label("Your question").count() == 1
        assert chat.get_by_role("button", name="Ask").is_visible()

    def test_phone_width(self, page: Page, embed: Site, artifacts: Path) -> None:
        page.set_viewport_size({"width": 320, "height": 640})
        chat = open_chat(page, f"{embed.origin}/embed.html")
        ask(chat, "Does ECT affect your memory?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        right = shadow(chat, "root.querySelector('.panel').getBoundingClientRect().right")
        assert right <= 320
        send = chat.get_by_role("button", name="Ask").bounding_box()
        assert send is not None and send["x"] + send["width"] <= 320
        chat.screenshot(path=artifacts / "widget-320px.png")

    def test_launcher_opens_and_closes(self, page: Page, embed: Site) -> None:
        page.goto(f"{embed.origin}/launcher.html")
        launcher = page.locator("trdfaq-chat .launcher")
        launcher.wait_for()
        assert not page.locator("trdfaq-chat .panel").is_visible()
        colour = launcher.evaluate("(node) => getComputedStyle(node).backgroundColor")
        assert colour == "rgb(0, 110, 60)"  # --trdfaq-accent from the host page
        launcher.click()
        assert page.locator("trdfaq-chat .panel").is_visible()
        assert page.evaluate(DEEP_FOCUS)["tag"] == "input"
        page.keyboard.press("Escape")
        assert not page.locator("trdfaq-chat .panel").is_visible()
        assert "launcher" in page.evaluate(DEEP_FOCUS)["cls"]


class TestDemoPage:
    def test_demo_page_under_its_csp(self, page: Page, server: Server, artifacts: Path) -> None:
        page.add_init_script("""window.__violations = [];
          document.addEventListener('securitypolicyviolation',
            (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
        chat = open_chat(page, f"{server.url}/")
        answer = ask(chat, "How fast does ketamine work for depression?")
        assert answer.locator("blockquote").count() >= 1
        send = chat.get_by_role("button", name="Ask")
        assert send.evaluate("(n) => getComputedStyle(n).backgroundColor") == "rgb(26, 86, 184)"
        assert page.evaluate("window.__violations") == []
        assert "<trdfaq-chat" in page.locator("pre").first.inner_text()
        page.screenshot(path=artifacts / "demo-page.png", full_page=True)
