"""The chat app driven through Pilot, over the real bundled assistant."""

from __future__ import annotations

import dataclasses
import time

from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from trdfaq import Assistant, Quote
from trdfaq.tui import make_app
from trdfaq.tui.app import PLACED_WITHIN, ChatApp
from trdfaq.tui.crisis import CrisisPanel
from trdfaq.tui.quotes import QuoteBlock, SourceLink
from trdfaq.tui.screens import CrisisScreen, HelpScreen, SourceScreen
from trdfaq.tui.widgets import (
    AnswerView,
    DisclaimerBar,
    Greeting,
    History,
    QuestionInput,
    Suggestions,
    Turn,
    fit_sentences,
)

from .settle import shown

SIZE = (80, 24)


def text(widget: Static) -> str:
    """The plain text a Static shows."""
    return str(widget.content)


def texts(node: Widget) -> list[str]:
    """The plain text of every Static under a widget, in order."""
    return [text(w) for w in node.query(Static)]


async def settle(pilot: Pilot[None]) -> None:
    """Let the search worker finish and the answer be shown."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await shown(pilot)


async def type_text(pilot: Pilot[None], question: str) -> None:
    """Type into the focused widget key by key, as a person would."""
    await pilot.press(*("space" if ch == " " else ch for ch in question))


async def ask(pilot: Pilot[None], question: str) -> Turn:
    """Ask a question through the question box; return its turn once answered."""
    app = pilot.app
    assert isinstance(app, ChatApp)
    app.query_one(QuestionInput).focus()
    app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    await settle(pilot)
    return app.query(Turn).last()


async def test_start_shows_greeting_examples_and_disclaimer(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = assistant.prompts
        assert app.title == prompts.name and app.sub_title == prompts.tagline
        assert text(app.query_one(".greeting-text", Static)) == prompts.greeting
        assert app.query_one("#greeting Suggestions", Suggestions).questions == prompts.examples
        assert app.query_one(QuestionInput).placeholder == prompts.placeholder
        assert app.query_one(QuestionInput).has_focus
        bar = text(app.query_one(DisclaimerBar))
        assert bar and prompts.disclaimer.startswith(bar) and len(bar) <= 78


async def test_typed_question_shows_quote_source_and_disclaimer(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "does ECT affect memory?")
        await pilot.press("enter")
        await settle(pilot)
        turn = app.query(Turn).last()
        assert text(turn.query_one(".question", Static)) == "does ECT affect memory?"
        quote = turn.query(QuoteBlock).first()
        shown = texts(quote)
        assert "short-term memory loss" in shown[0]
        assert quote.quote.quote == shown[0]  # whole and verbatim
        assert shown[1].startswith("— Effective Treatments") and "PointHealth" in shown[1]
        assert texts(turn)[-1] == assistant.prompts.disclaimer
        assert app.query_one(QuestionInput).value == ""
        assert not turn.query(".searching")


async def test_highlights_are_emphasised_in_the_quote(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        block = turn.query(QuoteBlock).first()
        quote = block.quote
        assert isinstance(quote, Quote) and quote.highlights
        content = block.query_one(".quote-text", Static).visual
        assert isinstance(content, Content) and content.plain == quote.quote  # whole, verbatim
        assert set(quote.highlights) <= {(s.start, s.end) for s in content.spans}


async def test_corroborating_quotes_fold_open_by_key(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "what does treatment-resistant depression mean?")
        quote = next(q for q in turn.query(QuoteBlock) if q.query(".corroborations"))
        assert isinstance(quote.quote, Quote)
        others = quote.quote.corroborated_by
        folded = quote.query_one(".corroborations", Collapsible)
        label = assistant.prompts.labels["corroborated"].format(n=len(others) + 1)
        assert folded.title == label
        assert folded.collapsed
        folded.query_one("CollapsibleTitle").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not folded.collapsed
        shown = [texts(q)[0] for q in folded.query(QuoteBlock)]
        assert shown == [other.quote for other in others]
        assert all(q.region.height > 0 for q in folded.query(QuoteBlock))


async def test_no_match_says_so_and_offers_topics(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "how do I make pancakes?")
        answer = turn.query_one(AnswerView)
        assert answer.answer.status == "no_match"
        assert not turn.query(QuoteBlock)
        assert text(answer.query_one(".message", Static)) == assistant.prompts.no_match
        assert (
            text(answer.query_one(".suggestions-title", Static))
            == assistant.prompts.labels["topics"]
        )
        assert answer.query_one(Suggestions).questions == answer.answer.follow_ups


async def test_crisis_panel_comes_first_with_every_resource(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "I want to end my life")
        answer = turn.query_one(AnswerView)
        panel = answer.children[0]
        assert isinstance(panel, CrisisPanel)
        crisis = answer.answer.crisis
        assert crisis is not None
        shown = texts(panel)
        assert shown[0] == crisis.headline and "988" in shown[0]  # a line to call, first
        assert shown[1] == crisis.message
        assert shown[-2:] == [crisis.note, crisis.closing]
        for resource, block in zip(crisis.resources, shown[2:-2], strict=True):
            # Each way to reach it is said once (no "Call 911 / Call 911").
            assert resource.name in block and block.count(resource.contact) == 1
            assert all(block.count(link.label) <= 1 for link in resource.links)
        assert "(United Kingdom)" not in next(b for b in shown if b.startswith("Shout"))
        assert not turn.query(QuoteBlock) and not turn.query(Suggestions)
        assert panel.region is not None and panel.region.y >= 0  # on screen, not scrolled away
        bar = text(app.query_one(DisclaimerBar))
        assert bar == assistant.prompts.crisis.disclaimer  # not "quoted from published articles"


async def test_answer_is_in_view_when_the_chat_is_ready_again(assistant: Assistant) -> None:
    # The chat takes the next question (`ready`) only once the answered turn has been
    # scrolled to the top: a screenshot or a next question never sees it half way there.
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one("#transcript")
        seen: list[tuple[float, int]] = []
        ready = app.ready

        def record_then_ready() -> None:
            seen.append((transcript.scroll_y, app.query(Turn).last().virtual_region.y))
            ready()

        app.ready = record_then_ready  # type: ignore[method-assign]
        for question in ("does ECT affect memory?", "I want to end my life"):
            app.query_one(QuestionInput).value = question
            await pilot.press("enter")
            await settle(pilot)
        assert len(seen) == 2 and not app.busy
        assert all(y > 0 and scroll == y for scroll, y in seen), seen


async def test_selecting_a_follow_up_asks_it(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        follow_ups = turn.query_one(Suggestions)
        await pilot.press("shift+tab")  # from the question box to the latest follow-ups
        assert follow_ups.has_focus
        await pilot.press("down", "enter")
        await settle(pilot)
        turns = app.query(Turn)
        assert len(turns) == 2
        assert turns.last().question == follow_ups.questions[1]
        assert turns.last().query(AnswerView)


async def test_example_asked_with_tab_and_enter(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        examples = app.query_one("#greeting Suggestions", Suggestions)
        assert examples.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert app.query(Turn).last().question == assistant.prompts.examples[0]
        assert app.query_one(QuestionInput).has_focus


async def test_open_source_shows_article_with_passage_then_escape(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "How fast does ketamine work for depression?")
        quote = turn.query(QuoteBlock).first()
        quote.focus()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SourceScreen)
        passage = assistant.passage(quote.passage_id)
        assert screen.highlighted.split() == passage.text.split()
        title = text(screen.query_one("#source-title", Static))
        assert passage.source.title in title
        article = screen.query_one("#article")
        marked = screen.query(".passage").first()
        assert article.scroll_offset.y > 0  # scrolled down to the passage
        assert marked.region.y < article.region.bottom
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SourceScreen)
        assert app.query(Turn)


async def test_open_source_link_is_clickable(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        link = turn.query_one(SourceLink)
        link.scroll_visible(animate=False)
        await pilot.pause()
        assert text(link) == assistant.prompts.labels["open_source"]  # whole, no web arrow
        assert link.size.height == 1  # never wrapped apart
        assert await pilot.click(link, offset=(1, 0))
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        assert app.screen.passage.id == turn.query(QuoteBlock).first().passage_id


async def test_up_recalls_earlier_questions(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "What is rTMS?")
        await ask(pilot, "does ECT affect memory?")
        box = app.query_one(QuestionInput)
        await type_text(pilot, "draft")
        await pilot.press("up")
        assert box.value == "does ECT affect memory?"
        await pilot.press("up")
        assert box.value == "What is rTMS?"
        await pilot.press("up")
        assert box.value == "What is rTMS?"
        await pilot.press("down", "down")
        assert box.value == "draft"


def test_history_is_memory_only_and_skips_repeats() -> None:
    history = History()
    for question in ("a", "b", "b"):
        history.add(question)
    assert history.back("") == "b"
    assert history.back("") == "a"
    assert history.back("") is None
    assert history.forward() == "b"
    assert history.forward() == ""
    assert history.forward() is None


async def test_ctrl_l_clears_but_keeps_greeting(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "What is rTMS?")
        first = app.conversation
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not app.query(Turn)
        assert app.query_one(Greeting)
        assert app.conversation is not first
        assert not app.conversation.topic  # a follow-up has nothing to lean on


async def test_f1_shows_help_with_keys_and_about(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = text(app.screen.query_one("#help-keys", Static))
        for key in ("F1", "F2", "Ctrl+L", "Ctrl+Q", "Ctrl+P", "Tab", "Enter"):
            assert key in keys
        assert text(app.screen.query_one("#help-about", Static)) == assistant.prompts.about_text()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_f2_brings_back_crisis_resources(assistant: Assistant) -> None:
    app = make_app(assistant, region="UK")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "does ECT affect memory?")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        panel = app.screen.query_one(CrisisPanel)
        shown = texts(panel)
        assert "116 123" in shown[0]  # the region's line to call, first
        # The person only pressed a key: no words of care for a disclosure never made.
        assert shown[1] == assistant.prompts.crisis.message_resources
        assert assistant.prompts.crisis.message_self not in shown
        assert "Samaritans" in shown[2]  # the region's lines first
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CrisisScreen)


async def test_commands_are_in_the_palette(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Help", "Crisis lines", "Clear conversation", "Quit"} <= titles
        assert "Open source" not in titles
        turn = await ask(pilot, "does ECT affect memory?")
        turn.query(QuoteBlock).first().focus()
        await pilot.pause()
        chat = app.screen
        await pilot.press("ctrl+p")  # the palette has the focus, and asks about the chat screen
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(chat)}
        await pilot.press("escape")
        await pilot.pause()
        commands["Open source"].callback()
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)


async def test_follow_up_questions_lean_on_the_conversation(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        first = await ask(pilot, "What is rTMS?")
        assert "magnetic" in texts(first.query(QuoteBlock).first())[0]
        second = await ask(pilot, "How often is it given?")
        quotes = [texts(q)[0] for q in second.query(QuoteBlock)]
        assert any("5 days/week" in q for q in quotes)
        third = await ask(pilot, "Does it have side effects?")
        assert third.query_one(AnswerView).answer.status == "answered"
        assert any("side effects" in texts(q)[0].lower() for q in third.query(QuoteBlock))


async def test_core_error_is_a_notification_not_a_traceback(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(QuestionInput).value = "What is ECT? " * 80
        await pilot.press("enter")
        await settle(pilot)
        assert not app.query(Turn)
        notes = list(app._notifications)
        assert len(notes) == 1 and notes[0].severity == "error"
        assert "1,000" in notes[0].message


async def test_layout_adapts_to_resizing(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        await pilot.resize_terminal(170, 40)
        await pilot.pause()
        assert turn.query(QuoteBlock).first().size.width > 80
        bar = text(app.query_one(DisclaimerBar))
        assert bar == assistant.prompts.disclaimer  # all of it fits now


def test_fit_sentences_keeps_whole_sentences() -> None:
    assert fit_sentences("One two. Three four.", 12) == "One two."
    assert fit_sentences("One two. Three four.", 40) == "One two. Three four."
    assert fit_sentences("Longer than the width.", 5) == "Longer than the width."


async def test_wording_comes_from_the_prompts(assistant: Assistant) -> None:
    prompts = assistant.prompts
    labels = {key: f"«{value}»" for key, value in prompts.labels.items()}
    relabelled = dataclasses.replace(assistant, prompts=dataclasses.replace(prompts, labels=labels))
    app = make_app(relabelled)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        assert text(turn.query_one(SourceLink)) == "«Open source»"
        assert text(turn.query_one(".suggestions-title", Static)) == "«You could also ask»"
        turn.query(QuoteBlock).first().focus()
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["«Help»"] == f"«Key bindings and about {prompts.name}»"
        assert commands["«Crisis lines»"] == "«Show crisis resources now»"
        assert commands["«Clear conversation»"] == "«Start a new conversation»"
        assert commands["«Open source»"] == "«Read the article of the focused quote»"
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        box = help_screen.query_one(".dialog")
        assert (box.border_title, box.border_subtitle) == ("«Help»", "«Esc to close»")
        assert texts(help_screen)[::2] == ["«Keys»", "«About»"]
        keys = text(help_screen.query_one("#help-keys", Static))
        for label in ("key_enter", "key_arrows", "key_tab", "key_open", "key_copy", "key_escape"):
            assert labels[label] in keys
        assert "Ctrl+P  «Commands»" in keys
        await pilot.press("escape", "f2")
        await pilot.pause()
        crisis = app.screen.query_one(".dialog")
        assert (crisis.border_title, crisis.border_subtitle) == ("", "«Esc to close»")


async def test_searching_line_comes_from_the_prompts(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = Turn("does ECT affect memory?", assistant.prompts)
        await app.query_one("#transcript").mount(turn)
        await pilot.pause()
        assert texts(turn) == ["does ECT affect memory?", assistant.prompts.labels["searching"]]


async def test_not_covered_says_so_then_shows_what_the_articles_say_apart(
    assistant: Assistant,
) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "is ketamine addictive?")
        view = turn.query_one(AnswerView)
        answer = view.answer
        assert answer.status == "not_covered" and answer.related is not None
        parts = list(view.children)
        assert text(parts[0]) == answer.message  # type: ignore[arg-type]
        related = view.query_one(".related")
        assert parts.index(related) > 0
        assert text(related.query_one(".related-title", Static)) == answer.related.label
        blocks = list(related.query_children(QuoteBlock))
        assert [b.quote for b in blocks] == list(answer.related.quotes)
        # Never shown where an answer stands: no quote outside the related box.
        assert all(b.parent is related or related in b.ancestors for b in view.query(QuoteBlock))
        assert text(app.query_one(DisclaimerBar)) == fit_sentences(answer.disclaimer, 78)


async def test_folded_quotes_are_collapsed_under_the_best_ones(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "What is rTMS?")
        view = turn.query_one(AnswerView)
        folded = [q for q in view.answer.answers if q.folded]
        assert folded
        fold = view.query_one(".folded", Collapsible)
        assert fold.collapsed and fold.title == assistant.prompts.labels["folded"]
        inside = [b.quote for b in fold.query(QuoteBlock) if b.parent is not None]
        assert [q for q in inside if isinstance(q, Quote) and q in folded] == folded
        top = [b.quote for b in view.query(QuoteBlock) if fold not in b.ancestors]
        assert all(isinstance(q, Quote) and not q.folded for q in top if q in view.answer.answers)
        assert all(b.region.height == 0 for b in fold.query(QuoteBlock))


async def test_no_passage_is_quoted_twice_in_a_reply(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        for question in ("What is rTMS?", "what is treatment-resistant depression?"):
            turn = await ask(pilot, question)
            ids = [b.passage_id for b in turn.query(QuoteBlock)]
            assert len(ids) == len(set(ids)), ids


async def test_printable_keys_on_a_quote_go_to_the_question_box(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        turn.query(QuoteBlock).first().focus()
        await pilot.pause()
        await type_text(pilot, "how long does it last? o")
        box = app.query_one(QuestionInput)
        assert box.has_focus and box.value == "how long does it last? o"
        assert not isinstance(app.screen, SourceScreen)  # "o" opens nothing
        suggestions = turn.query_one(Suggestions)
        suggestions.focus()
        await pilot.pause()
        await type_text(pilot, "!")
        assert box.has_focus and box.value.endswith("o!")


async def test_enter_on_a_quote_opens_its_source(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        quote = turn.query(QuoteBlock).first()
        quote.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        assert app.screen.passage.id == quote.passage_id


async def test_copy_a_quote_with_its_source(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        block = turn.query(QuoteBlock).first()
        block.focus()
        await pilot.press("ctrl+c")
        await pilot.pause()
        quote = block.quote
        assert app.clipboard.startswith(quote.quote + "\n— ")  # verbatim, then the source
        assert quote.source.title in app.clipboard and "PointHealth" in app.clipboard
        notes = [n.message for n in app._notifications]
        assert assistant.prompts.labels["copied"] in notes
        assert app.query_one(QuestionInput).value == ""  # nothing typed by the copy key


async def test_focus_is_visible_on_a_quote(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        block = turn.query(QuoteBlock).first()
        before = (block.styles.background, block.styles.border_left)
        block.focus()
        await pilot.pause()
        after = (block.styles.background, block.styles.border_left)
        assert after[0] != before[0] and after[1] != before[1]


async def test_transcript_keeps_a_reading_width(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=(160, 48)) as pilot:
        turn = await ask(pilot, "does ECT affect memory?")
        assert turn.size.width <= 100
        block = turn.query(QuoteBlock).first()
        lines = block.query_one(".quote-text", Static).render_lines(Region(0, 0, *block.size))
        assert max(len(strip.text.rstrip()) for strip in lines) <= 100


async def test_scroll_place_is_kept_on_resize(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        for question in ("What is rTMS?", "does ECT affect memory?", "What is ketamine?"):
            await ask(pilot, question)
        read = app.query(Turn)[1]
        for question in ("What is ECT?", "What is TMS?"):
            await ask(pilot, question)  # enough below to scroll the turn read to the top
        transcript = app.query_one("#transcript")
        region = read.virtual_region_with_margin
        transcript.scroll_to(y=region.y + region.height // 2, animate=False, immediate=True)
        await pilot.pause()
        for size in ((160, 48), (60, 20), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            region = read.virtual_region_with_margin
            share = (transcript.scroll_y - region.y) / region.height
            assert 0.4 < share < 0.6, (size, share)  # still half way through the same turn


async def test_narrow_window_shows_the_short_disclaimer(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        bar = app.query_one(DisclaimerBar)
        assert text(bar) == assistant.prompts.labels["disclaimer_short"]
        assert len(text(bar)) <= bar.content_size.width
        assert bar.tooltip == assistant.prompts.disclaimer  # the whole text, on hover
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert assistant.prompts.disclaimer.startswith(text(bar))


async def test_check_in_shows_resources_and_question_first_then_the_answer(
    assistant: Assistant,
) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(pilot, "i feel hopeless, nothing helps. does ketamine work fast?")
        view = turn.query_one(AnswerView)
        answer = view.answer
        assert answer.status == "check_in" and answer.crisis is not None and answer.answers
        parts = list(view.children)
        panel = parts[0]
        assert isinstance(panel, CrisisPanel)
        shown = texts(panel)
        assert shown[0] == answer.crisis.headline and "988" in shown[0]
        assert shown[1] == answer.crisis.message and shown[2] == answer.crisis.question
        assert "glad you told me" not in " ".join(shown)  # nobody disclosed anything
        quotes = [p for p in parts if isinstance(p, QuoteBlock)]
        assert quotes and all(parts.index(q) > 0 for q in quotes)
        assert panel.region.y >= 0  # the panel, not the answer, is what shows first


async def test_the_question_box_never_stays_locked_if_the_answer_is_not_placed(
    assistant: Assistant, monkeypatch
) -> None:
    # The next question waits until the answer is laid out (AnswerView.Placed, from its first
    # resize); should that never be seen, the app takes the next question a second later.
    monkeypatch.setattr(AnswerView, "on_resize", lambda self, event: None)
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(QuestionInput).focus()
        app.query_one(QuestionInput).value = "What is rTMS?"
        await pilot.press("enter")
        deadline = time.monotonic() + 10
        while not app.query(AnswerView) and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert app.query(AnswerView), "no answer shown"
        assert app.busy  # shown, never placed
        await pilot.pause(PLACED_WITHIN + 0.5)
        assert not app.busy
        await ask(pilot, "Does ECT affect memory?")  # and the next question is taken
        assert app.query(Turn).last().question == "Does ECT affect memory?"
