"""Corpus files written by `corpus draft`: a passages file, and an entry added to sources.yaml."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import CorpusError, ExistsError

if TYPE_CHECKING:
    from .plan import DraftPassage, LeftOut

_PLAIN = re.compile(r"[A-Za-z0-9(][^\n#:\"'{}\[\]|>&*!%@`]*")
_ITEM_LINE = re.compile(r"^([ \t]*)-[ \t]", re.MULTILINE)
QUOTE_CHARS = 100  # left-out lines are quoted up to this length in the passages file


def scalar(value: str | None) -> str:
    """A YAML scalar for a one-line string: plain where that reads back the same, else quoted."""
    if value is None:
        return "null"
    if _PLAIN.fullmatch(value) and value == value.strip() and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def passages_yaml(
    drafts: Sequence[DraftPassage],
    left_out: Sequence[LeftOut],
    source_id: str,
    source_file: str,
    check_dir: str,
) -> str:
    """The draft passages file: guidance and left-out lines as comments, then the passages."""
    out = [
        f"# Draft passages for source {source_id!r}, written by `trdfaq corpus draft`.",
        f"# Each `text` is the exact words of sources/{source_file}: split, merge or delete",
        "# passages as you see fit, but never reword them. Give each passage 2 to 6 `questions`",
        "# a patient or caregiver would type, in their own words. Then run:",
        f"#   trdfaq corpus check {check_dir}",
    ]
    if left_out:
        out += [
            "#",
            f"# Lines of sources/{source_file} that look like promotion or boilerplate",
            "# and were left out (add a passage for any that is medical information):",
        ]
    for item in left_out:
        quoted = item.text if len(item.text) <= QUOTE_CHARS else item.text[: QUOTE_CHARS - 1] + "…"
        out.append(
            f"# Left out (review): line {item.line}: {json.dumps(quoted, ensure_ascii=False)}"
            f" ({item.reason})"
        )
    out.append("passages:" if drafts else "passages: []")
    for i, draft in enumerate(drafts):
        if i:
            out.append("")
        out += [
            f"  - id: {draft.id}",
            f"    source: {source_id}",
            f"    section: {scalar(draft.section)}",
            "    text: |-",
            *(f"      {line}" for line in draft.text.split("\n")),
            "    questions: []",
        ]
    text = "\n".join(out) + "\n"
    _verify_passages(text, drafts)
    return text


def _verify_passages(text: str, drafts: Sequence[DraftPassage]) -> None:
    """Read the file back: every text and section must come back unchanged."""
    data = yaml.safe_load(text)
    back = [(p["id"], p["section"], p["text"]) for p in data["passages"] or []]
    if back != [(d.id, d.section, d.text) for d in drafts]:
        raise CorpusError("internal error: the drafted passages do not read back as written")


def source_entry(indent: str, fields: dict[str, str | None]) -> str:
    """One `- id: ...` entry of sources.yaml, as text."""
    lines = []
    for i, (key, value) in enumerate(fields.items()):
        lead = f"{indent}- " if i == 0 else f"{indent}  "
        lines.append(f"{lead}{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def add_source(path: Path, fields: dict[str, str | None], *, force: bool) -> str:
    """sources.yaml's text with an entry for `fields` appended (or, with force, replaced)."""
    from ..yamlfile import load_yaml  # noqa: PLC0415

    source_id = fields["id"]
    if not path.exists():
        return "sources:\n" + source_entry("  ", fields)
    data: Any = load_yaml(path, CorpusError)  # first: it reports unreadable files clearly
    old = path.read_text(encoding="utf-8")
    listed = data.get("sources") if isinstance(data, dict) else None
    if data is not None and not (isinstance(data, dict) and isinstance(listed, (list, type(None)))):
        raise CorpusError("expected a `sources:` list: add the entry by hand", path)
    items: list[Any] = listed or []
    starts: list[int] = getattr(items, "item_lines", [])
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    indents = _ITEM_LINE.findall(old)
    if items and not indents:
        raise CorpusError("`sources:` is not a block list (`- id: ...`): add it by hand", path)
    indent = indents[-1] if indents else "  "
    if source_id in ids:
        index = ids.index(source_id)
        if not force:
            raise ExistsError(f"source id {source_id!r} already exists", path, starts[index])
        new = _replace_entry(old, starts, index, source_entry(indent, fields))
    else:
        head = old if old.endswith("\n") or not old else old + "\n"
        if data is None:
            head += "sources:\n"
        blank = "\n" if re.search(r"\n[ \t]*\n[ \t]*- ", old) and not head.endswith("\n\n") else ""
        new = head + blank + source_entry(indent, fields)
    _verify_sources(new, path, source_id, len(ids) + (source_id not in ids))
    return new


def _replace_entry(old: str, starts: list[int], index: int, entry: str) -> str:
    """`old` with the lines of entry number `index` (trailing comments kept) replaced."""
    lines = old.splitlines(keepends=True)
    first = starts[index] - 1
    last = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
    while last > first + 1 and lines[last - 1].strip()[:1] in ("", "#"):
        last -= 1
    return "".join(lines[:first]) + entry + "".join(lines[last:])


def _verify_sources(text: str, path: Path, source_id: str | None, count: int) -> None:
    """The new sources.yaml must still parse, with the new entry in it."""
    try:
        data = yaml.safe_load(text)
        ids = [item["id"] for item in data["sources"]]
    except (yaml.YAMLError, KeyError, TypeError):
        ids = []
    if source_id not in ids or len(ids) != count:
        raise CorpusError("cannot add the source entry safely: add it by hand", path)
