"""Drafting: add an article to a corpus, with draft passages for an editor to review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..corpus import ID_PATTERN, PASSAGES_DIR, SOURCES_DIR, SOURCES_FILE
from ..errors import CorpusError, ExistsError
from .extract import collapse, read_article
from .plan import DraftPassage, LeftOut, plan
from .writer import add_source, passages_yaml


@dataclass(frozen=True)
class DraftReport:
    """What `draft_article` wrote."""

    source_text: Path
    sources_yaml: Path
    passages_file: Path
    passages: tuple[DraftPassage, ...]
    left_out: tuple[LeftOut, ...]
    created_corpus: bool


def draft_article(
    article_path: Path,
    corpus_dir: Path,
    source_id: str,
    *,
    title: str,
    publisher: str | None,
    kind: str = "article",
    force: bool = False,
) -> DraftReport:
    """Add an article to a corpus folder: its text, its source entry and draft passages."""
    if not ID_PATTERN.match(source_id):
        raise CorpusError(f"source id {source_id!r}: use lowercase letters, digits and hyphens")
    for name, value in (("title", title), ("kind", kind)):
        if not value.strip():
            raise CorpusError(f"the source's {name} must not be empty")
    _refuse_package_folder(corpus_dir)
    article = read_article(article_path)
    text_path = corpus_dir / SOURCES_DIR / f"{source_id}.txt"
    passages_path = corpus_dir / PASSAGES_DIR / f"{source_id}.yaml"
    sources_path = corpus_dir / SOURCES_FILE
    fields = {
        "id": source_id,
        "title": collapse(title),
        "publisher": collapse(publisher or "") or None,
        "kind": collapse(kind),
        "file": text_path.name,
    }
    sources_text = add_source(sources_path, fields, force=force)
    for path in (text_path, passages_path):
        if path.exists() and not force:
            raise ExistsError("already exists", path)
    drafts, left_out = plan(article, source_id, title)
    passages_text = passages_yaml(drafts, left_out, source_id, text_path.name, str(corpus_dir))
    created = not corpus_dir.exists()
    _write({text_path: article.text, passages_path: passages_text, sources_path: sources_text})
    return DraftReport(
        text_path, sources_path, passages_path, tuple(drafts), tuple(left_out), created
    )


def _write(files: dict[Path, str]) -> None:
    """Write each file (creating its folder), or fail with a one-line error."""
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CorpusError(f"cannot write: {exc.strerror}", path) from None


def _refuse_package_folder(corpus_dir: Path) -> None:
    """Editors' corpora live in their own folders, never inside the installed package."""
    package = Path(__file__).resolve().parents[1]
    target = corpus_dir.resolve()
    if target == package or package in target.parents:
        raise CorpusError(
            "is inside the installed trdfaq package: use a corpus folder of your own", corpus_dir
        )
