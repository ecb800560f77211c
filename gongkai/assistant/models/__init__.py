"""The assistant's models. Dependencies point one way: knowledge (passages built from published
items) and FAQ entries are read by answering; questions and feedback point at nothing else."""

from .faq import FaqEntry, FaqPhrase
from .feedback import AnswerFeedback, QuestionTriage
from .knowledge import AssistantPassage
from .questions import AskedQuestion

__all__ = ["AnswerFeedback", "AskedQuestion", "AssistantPassage", "FaqEntry", "FaqPhrase", "QuestionTriage"]
