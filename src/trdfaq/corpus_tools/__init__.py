"""Tools for editing a corpus: start one, draft passages from an article, check it, count it.

Library code only: the command line (`trdfaq corpus ...`) is in trdfaq.cli.
"""

from .check import Problem, check_corpus, summary
from .draft import DraftReport, draft_article
from .extract import Article, read_article
from .init import init_corpus
from .stats import Stats, corpus_stats, format_stats

__all__ = [
    "Article",
    "DraftReport",
    "Problem",
    "Stats",
    "check_corpus",
    "corpus_stats",
    "draft_article",
    "format_stats",
    "init_corpus",
    "read_article",
    "summary",
]
