"""Gradio's own upload route (``POST /gradio_api/upload``), which every file component posts to before its event
runs, closed unless the page takes documents.

Gradio keeps whatever is posted there on the server's disk and serves it back under ``/gradio_api/file=``,
to anyone, whether or not the page has a file control. :class:`UploadRoute` is an ASGI middleware on the app
(``launch(app_kwargs={"middleware": [route_middleware(...)]})``) that answers before a byte of the body is read:

- ``qa serve`` without ``--allow-upload``: 403, nothing kept;
- with it: a body without ``Content-Length`` gets 411, one over the size limit (plus the multipart framing) 413
  (Gradio's ``max_file_size`` caps each file as it streams in too);
- with an upload password: the request must carry it in the ``qa_upload_key`` cookie, which the page sets from
  its password field; it is checked by the same :class:`~qa.page.upload_gate.Gate` as the upload event, so
  guesses here count towards the same per-client lockout.
"""

from __future__ import annotations

import logging
import re
from typing import Awaitable, Callable, MutableMapping
from urllib.parse import unquote

from starlette.middleware import Middleware
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse

from qa.errors import UploadError
from qa.page.upload_gate import Gate

logger = logging.getLogger(__name__)

COOKIE = "qa_upload_key"
FRAMING = 64 << 10  # multipart boundaries and part headers around the one file
UPLOAD_PATH = re.compile(r"/upload/*$")  # /gradio_api/upload, with or without a slash, under any root path
OFF = "Halaman ini tidak menerima berkas (qa serve tanpa --allow-upload)."

Scope = MutableMapping[str, object]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


class UploadRoute:
    """Refuses ``POST …/upload`` when uploads are off (``gate`` None), too big, or without the password."""

    def __init__(self, app: ASGIApp, gate: Gate | None, max_bytes: int) -> None:
        self.app, self.gate, self.max_bytes = app, gate, max_bytes

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST" and UPLOAD_PATH.search(str(scope.get("path", ""))):
            refusal = self.refusal(HTTPConnection(scope))
            if refusal is not None:
                status, message = refusal
                logger.warning("upload route refused (%d) for %s: %s", status, _client(scope), message)
                await PlainTextResponse(message, status_code=status)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, request: HTTPConnection) -> tuple[int, str] | None:
        """(status, one line) when the upload must be refused before its body is read; None to let it through."""
        if self.gate is None:
            return 403, OFF
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return 411, "Unggahan tanpa Content-Length ditolak; kirim berkasnya dari halaman."
        if int(length) > self.max_bytes + FRAMING:
            return 413, (f"Berkas lebih besar dari batas {self.max_bytes >> 20} MB; pecah berkasnya atau perkecil, "
                         f"lalu unggah lagi.")
        try:
            key = request.cookies.get(COOKIE)  # the page writes it with encodeURIComponent
            self.gate.check(None if key is None else unquote(key), _client(request.scope))
        except UploadError as exc:
            return 403, str(exc)
        return None


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if isinstance(client, (tuple, list)) and client else "?"


def route_middleware(gate: Gate | None, max_bytes: int) -> Middleware:
    """The middleware for ``launch(app_kwargs={"middleware": [...]})``: ``gate`` None when the page takes no documents."""
    return Middleware(UploadRoute, gate=gate, max_bytes=max_bytes)
