"""The crisis panel: a line to call now, a sentence of care, every resource once."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from ..answer import Crisis, CrisisResource
from ..render import region_label


def resource_content(resource: CrisisResource, region_names: Mapping[str, str]) -> Content:
    """One crisis resource, once: its name (and region, unless the name says it) and how to
    reach it. A chat or web address is a link; phone numbers are dialled, not clicked."""
    regions = ", ".join(region_names.get(code, code) for code in resource.region.split("/"))
    named = f" ({regions})" if region_label(resource) else ""
    web = next((link.href for link in resource.links if link.kind in {"chat", "web"}), None)
    contact = (
        Content.styled(resource.contact, Style(link=web)) if web else Content(resource.contact)
    )
    return Content.assemble((resource.name, "bold"), (named, "$text-muted"), ": ", contact)


class CrisisPanel(Vertical):
    """The crisis reply: the message first, then every resource, then the closing words."""

    def __init__(self, crisis: Crisis, region_names: Mapping[str, str]) -> None:
        super().__init__(classes="crisis")
        self.crisis = crisis
        self.region_names = region_names

    def compose(self) -> ComposeResult:
        """A line to call now, care, resources, closing: nothing hidden behind a click."""
        yield Static(Content(self.crisis.headline), classes="crisis-headline")
        yield Static(Content(self.crisis.message), classes="crisis-message")
        if self.crisis.question:
            yield Static(Content(self.crisis.question), classes="crisis-question")
        resources = self.crisis.resources
        for i, resource in enumerate(resources):
            classes = "resource emergency" if resource.emergency else "resource"
            classes += " last" if i == len(resources) - 1 else ""
            yield Static(resource_content(resource, self.region_names), classes=classes)
        for text in (self.crisis.note, self.crisis.closing):
            if text:
                yield Static(Content(text), classes="crisis-closing")
