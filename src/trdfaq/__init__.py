"""trdfaq: answers about treatment-resistant depression, quoted verbatim from published articles.

>>> from trdfaq import Assistant
>>> assistant = Assistant.load()
>>> answer = assistant.ask("does ECT affect memory?")
>>> answer.to_dict()["answers"][0]["source"]["title"]
"""

from .answer import Answer, Crisis, CrisisResource, Quote, SourceRef
from .assistant import MAX_QUESTION_CHARS, Assistant, Conversation, validate_question
from .errors import CorpusError, EvalError, PromptError, QuestionError, TrdfaqError

__version__ = "0.1.0"

__all__ = [
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
    "SourceRef",
    "TrdfaqError",
    "validate_question",
]
