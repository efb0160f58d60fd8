"""trdfaq: answers about treatment-resistant depression, quoted verbatim from published articles.

>>> from trdfaq import Assistant
>>> assistant = Assistant.load()
>>> answer = assistant.ask("does ECT affect memory?")
>>> answer.to_dict()["answers"][0]["source"]["title"]
"""

from .answer import Answer, Crisis, CrisisResource, Quote, Related, SourceRef
from .assistant import (
    MAX_MESSAGE_CHARS,
    MAX_QUESTION_CHARS,
    Assistant,
    Conversation,
    Topic,
    validate_question,
)
from .errors import CorpusError, EvalError, PromptError, QuestionError, TrdfaqError

__version__ = "0.1.0"

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_QUESTION_CHARS",
    "Answer",
    "Assistant",
    "Conversation",
    "CorpusError",
    "Crisis",
    "CrisisResource",
    "EvalError",
    "PromptError",
    "QuestionError",
    "Quote",
    "Related",
    "SourceRef",
    "Topic",
    "TrdfaqError",
    "validate_question",
]
