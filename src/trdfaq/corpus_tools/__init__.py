"""Tools for editing a corpus: draft passages from an article, check a corpus, show statistics."""

from .check import Problem, check_corpus, cmd_check
from .draft import DraftReport, cmd_draft, draft_article
from .extract import Article, read_article
from .stats import cmd_stats

__all__ = [
    "Article",
    "DraftReport",
    "Problem",
    "check_corpus",
    "cmd_check",
    "cmd_draft",
    "cmd_stats",
    "draft_article",
    "read_article",
]
