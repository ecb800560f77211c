"""The assistant's models. Dependencies point one way: knowledge (passages built from published
items) and FAQ entries are read by answering; questions and feedback point at nothing else."""

from .questions import AskedQuestion

__all__ = ["AskedQuestion"]
