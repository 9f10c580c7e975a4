"""The reader's tokenizer: (question, passage) pairs cut into overlapping windows of the passage, and a long
question cut to its end so that every window still holds some of the passage.

Used by :mod:`qa.models.reader` at run time and by ``train/reader.py``; imports nothing of ``qa``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MAX_LENGTH = 256  # tokens of question + passage read at once; longer passages are read in overlapping windows
STRIDE = 96
QUESTION_TOKENS = 64  # a longer question is read by its last this many tokens (where a long question asks)


def pair_tokenizer(path: Path, max_length: int = MAX_LENGTH, stride: int = STRIDE):
    """The encoder's tokenizer set up for (question, passage) pairs: only the passage is cut, in overlapping windows."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=max_length, stride=stride, strategy="only_second")
    tokenizer.no_padding()
    return tokenizer


@contextmanager
def untruncated(tokenizer) -> Iterator:
    """``tokenizer`` (:func:`pair_tokenizer`) with truncation off inside the block, to count a question's tokens
    however long, and back as it was after. One tokenizer rather than an uncut copy: each holds the 250k-token
    vocabulary, about 285 MiB. The caller keeps other threads off the tokenizer meanwhile."""
    saved = tokenizer.truncation
    tokenizer.no_truncation()
    try:
        yield tokenizer
    finally:
        tokenizer.enable_truncation(**saved)


def question_limit(pair) -> int:
    """How many question tokens the pair tokenizer can take and still cut passages into windows: the passage's
    room must exceed the stride, or the tokenizer panics (a Rust panic, not an ``Exception``)."""
    truncation = pair.truncation
    room = truncation["max_length"] - truncation["stride"] - pair.num_special_tokens_to_add(True) - 1
    return max(1, min(QUESTION_TOKENS, room))


def fit_question(tokenizer, question: str, limit: int) -> str:
    """The question's end that holds at most ``limit`` tokens (``tokenizer``: one that cuts nothing, :func:`untruncated`);
    the whole question when it fits."""
    while True:
        offsets = tokenizer.encode(question, add_special_tokens=False).offsets
        if len(offsets) <= limit:
            return question
        question = question[max(1, offsets[len(offsets) - limit][0]):].lstrip()  # shorter every time
