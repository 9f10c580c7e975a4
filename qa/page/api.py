"""``POST /api/ask``: plain JSON question answering beside Gradio's own API, outside Gradio's queue.

The body is ``{"question": str, "k": int (optional), "history": [str] (optional)}``; the answer is
``Answer.to_dict()`` as JSON. Errors are ``{"error": "<one line>"}``: 400 for bad input (malformed JSON, a body
that is not an object, wrong types, an empty or over-long question, k out of range), 413 for a body over
:data:`MAX_BODY`, 405 for another method, 503 while the index cannot be read, 500 otherwise.

:class:`AskRoute` is an ASGI middleware on Gradio's app (``launch(app_kwargs={"middleware": [...]})``), so it
answers before Gradio routes anything. It calls ``answer`` (the page's own, which reads the app's engine at call
time, so an upload's swap is seen) in a worker thread, at most ``workers`` at a time (:data:`WORKERS`, or
:data:`BATCH_WORKERS` when ``qa serve`` batches the model calls: more questions in flight make bigger batches), and
never through the Gradio queue. ``history`` (earlier questions, oldest first) resolves a follow-up ("Kalau X?", "Kapan itu?") as the
page does (:mod:`qa.answering.followup`).
"""

from __future__ import annotations

import json
import logging
from typing import Awaitable, Callable, MutableMapping

import anyio
from starlette.middleware import Middleware
from starlette.responses import Response

from qa import config
from qa.answering.ask import check_k, clean_question
from qa.answering.results import Answer
from qa.errors import FATAL, BadIndexError, IndexBusyError, InputError, QAError, describe

logger = logging.getLogger(__name__)

PATHS = ("/api/ask", "/api/ask/")
MAX_BODY = 256 << 10  # a question of 2,000 characters and a long history fit many times over
WORKERS = max(1, config.CORES)  # answers computed at once; more requests wait here without holding a thread
BATCH_WORKERS = 4 * WORKERS  # the same with the model calls batched (qa.models.batching): bench/RESULTS.md "load-reader"
UNAVAILABLE = (BadIndexError, IndexBusyError)  # the index cannot be read now: 503, try again later
FIELDS = ("question", "k", "history")

Scope = MutableMapping[str, object]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]
Answerer = Callable[..., Answer]  # answer(question, k, history=[earlier questions])


class ApiError(Exception):
    """A request refused with an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse(body: bytes, default_k: int) -> tuple[str, int, list[str]]:
    """The question (cleaned), k and history of a request body, or an :class:`ApiError` (400) naming what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, f"the body is not JSON ({describe(exc)}); send {{\"question\": \"...\"}}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, f"the body is a JSON {type(data).__name__}, not an object; send {{\"question\": \"...\"}}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r}; the fields are {', '.join(FIELDS)}")
    if "question" not in data:
        raise ApiError(400, "the field 'question' is missing; send {\"question\": \"...\"}")
    history = data.get("history", [])
    if not isinstance(history, list) or not all(isinstance(turn, str) for turn in history):
        raise ApiError(400, "history must be a list of strings (earlier questions); leave it out if there are none")
    try:
        return clean_question(data["question"]), check_k(data.get("k", default_k)), history
    except InputError as exc:
        raise ApiError(400, str(exc)) from exc


def answer_json(answer: Answerer, question: str, k: int, history: list[str] | None = None) -> dict:
    """``answer(question, k, history=...).to_dict()``, its failures as :class:`ApiError` with the status they deserve."""
    try:
        return answer(question, k, history=history or []).to_dict()
    except InputError as exc:
        raise ApiError(400, str(exc)) from exc
    except UNAVAILABLE as exc:
        raise ApiError(503, f"the index cannot be read now ({exc}); try again in a minute") from exc
    except QAError as exc:
        raise ApiError(500, str(exc)) from exc
    except FATAL:
        raise
    except BaseException as exc:  # a Rust panic is no Exception: the caller gets a line, the log the traceback
        logger.exception("/api/ask: answering %r failed", question[:200])
        raise ApiError(500, f"answering failed ({describe(exc)}); see the server log") from exc


def reply(status: int, content: dict) -> Response:
    body = (json.dumps(content, ensure_ascii=False) + "\n").encode("utf-8")  # a line of its own under curl
    headers = {"Allow": "POST"} if status == 405 else None
    return Response(body, status_code=status, media_type="application/json", headers=headers)


class AskRoute:
    """Answers ``POST /api/ask`` itself; every other request goes on to Gradio."""

    def __init__(self, app: ASGIApp, answer: Answerer, default_k: int, workers: int = WORKERS) -> None:
        self.app, self.answer, self.default_k, self.workers = app, answer, default_k, workers
        self.limiter: anyio.CapacityLimiter | None = None  # made in the server's event loop, on the first request

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope.get("path") not in PATHS:
            await self.app(scope, receive, send)
            return
        try:
            if scope.get("method") != "POST":
                raise ApiError(405, f"{scope.get('method')} is not allowed here; POST a JSON body to /api/ask")
            question, k, history = parse(await read_body(receive), self.default_k)
            if self.limiter is None:
                self.limiter = anyio.CapacityLimiter(self.workers)
            response = reply(200, await anyio.to_thread.run_sync(answer_json, self.answer, question, k,
                                                                 history, limiter=self.limiter))
        except ApiError as exc:
            if exc.status >= 500:
                logger.warning("/api/ask answered %d: %s", exc.status, exc)
            response = reply(exc.status, {"error": str(exc)})
        await response(scope, receive, send)


async def read_body(receive: Callable) -> bytes:
    """The request body, refused (413) as soon as it passes :data:`MAX_BODY`."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiError(400, "the client went away before the body was sent; send it again")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, f"the body is over {MAX_BODY >> 10} KiB; send one question and a short history")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def ask_middleware(answer: Answerer, default_k: int, workers: int = WORKERS) -> Middleware:
    """The middleware for ``launch(app_kwargs={"middleware": [...]})``: ``answer`` is the page's (app.answer)."""
    return Middleware(AskRoute, answer=answer, default_k=default_k, workers=workers)
