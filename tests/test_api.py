"""``POST /api/ask``: plain JSON answers with HTTP statuses, in process (the route alone) and on a real `qa serve`."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from conftest import ROOT
from serving import server

from qa.answering.results import Answer
from qa.errors import AnswerError, BadIndexError, IndexBusyError
from qa.page import api

QUESTION = "Siapa Ketua Bawaslu Jawa Tengah?"
KEYS = {"question", "asked", "answered", "outcome", "reason", "confidence", "reader", "hits"}
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def _client(answer) -> TestClient:
    """Gradio's app stands in as a Starlette app with one other route: the middleware in front of it."""
    inner = Starlette(routes=[Route("/other", lambda request: PlainTextResponse("gradio"), methods=["GET", "POST"])],
                      middleware=[api.ask_middleware(answer, 3)])
    return TestClient(inner, raise_server_exceptions=False)


def _answer(question: str, k: int, engine: str = "") -> Answer:
    return Answer(question=question, answered=True, hits=[], confidence=0.5, reader=engine)


# Protects against: a request refused without a reason, with the wrong status, or reaching the engine at all.
@pytest.mark.parametrize("body, status, says", [
    (b'{"question": "  "}', 400, "empty"),
    (b'{"question": "apa?", "k": 0}', 400, "k=0"),
    (b'{"question": "apa?", "k": "3"}', 400, "k='3'"),
    (b'{"question": "apa?", "k": true}', 400, "k=True"),
    (b'{"question": "apa?", "k": 2.5}', 400, "k=2.5"),
    (b'{"question": 7}', 400, "must be text"),
    (b'{"question": "' + b"a" * 2001 + b'"}', 400, "2001 characters"),
    (b'{"question": "apa?"', 400, "not JSON"),
    (b'\xff\xfe', 400, "not JSON"),
    (b'["apa?"]', 400, "not an object"),
    (b'"apa?"', 400, "not an object"),
    (b'{}', 400, "'question' is missing"),
    (b'{"question": "apa?", "K": 3}', 400, "unknown field 'K'"),
    (b'{"question": "apa?", "history": "siapa?"}', 400, "history must be a list of strings"),
    (b'{"question": "apa?", "history": ["siapa?", null]}', 400, "history must be a list of strings"),
    (b'{"question": "' + b"a" * (api.MAX_BODY + 1) + b'"}', 413, "over 256 KiB"),
])
def test_bad_requests_get_one_line_json_errors_and_never_reach_the_engine(body: bytes, status: int, says: str):
    asked = []
    response = _client(lambda q, k, history=(): asked.append(q) or _answer(q, k)).post("/api/ask", content=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert says in error and "\n" not in error
    assert asked == []


# Protects against: index and library failures reported as the user's fault, or as a hung or HTML response.
@pytest.mark.parametrize("failure, status", [
    (BadIndexError("index is missing; run `qa build`"), 503),
    (IndexBusyError("another build holds the lock"), 503),
    (AnswerError("answering failed inside the library"), 500),
    (RuntimeError("boom"), 500),
])
def test_failures_while_answering_get_their_status(failure: Exception, status: int):
    def answer(question: str, k: int, history: list | None = None) -> Answer:
        raise failure

    response = _client(answer).post("/api/ask", json={"question": QUESTION})
    assert response.status_code == status
    assert str(failure) in response.json()["error"]


# Protects against: the default k, the history or the cleaned question not being what the engine gets.
def test_the_route_answers_with_the_callable_given_defaults_and_other_paths_pass_through():
    asked = []
    client = _client(lambda q, k, history=(): asked.append((q, k)) or _answer(q, k))
    response = client.post("/api/ask", json={"question": "  Siapa\tKetua?  ", "history": ["sebelumnya?"]})
    assert response.status_code == 200 and response.json()["question"] == "Siapa Ketua?"
    assert client.post("/api/ask/", json={"question": "Siapa?", "k": 7}).status_code == 200
    assert asked == [("Siapa Ketua?", 3), ("Siapa?", 7)]
    refused = client.get("/api/ask")
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert client.get("/other").text == "gradio" and client.post("/other").text == "gradio"


# Protects against: the JSON route answering from the index the server started with after an upload swapped it.
def test_the_route_answers_from_the_engine_the_app_holds_now(monkeypatch: pytest.MonkeyPatch):
    import qa.app

    monkeypatch.setattr(qa.app, "answer_with", lambda engine, question, k, history=(): _answer(question, k, engine))
    app = qa.app.ChatApp("before")  # type: ignore[arg-type]  (an engine only passed on to answer_with here)
    client = _client(app.answer)
    assert client.post("/api/ask", json={"question": QUESTION}).json()["reader"] == "before"
    app.swap("after")  # type: ignore[arg-type]
    assert client.post("/api/ask", json={"question": QUESTION}).json()["reader"] == "after"


@pytest.fixture(scope="module")
def served(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with server(real_index, tmp_path_factory.mktemp("api") / "serve.log") as (url, _):
        yield url


def post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}api/ask", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with LOCAL.open(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


# Protects against: the route missing from the real server, answering otherwise than the library, or refusing
# bad input without a status and a line.
def test_a_real_server_answers_json_as_the_library_does_and_refuses_bad_input(served: str, real_engine):
    from qa.answering.ask import answer_with
    from qa.config import READER_DEFAULT

    status, answer = post(served, json.dumps({"question": QUESTION, "k": 2, "history": ["Siapa Sekda?"]}).encode())
    assert status == 200 and set(answer) == KEYS
    expected = answer_with(real_engine, QUESTION, k=2, reader=READER_DEFAULT).to_dict()
    assert answer == json.loads(json.dumps(expected))  # tuples as lists
    assert answer["answered"] is True and 1 <= len(answer["hits"]) <= 2
    assert {"passage_id", "doc_id", "quote", "quote_start", "quote_end", "title"} <= set(answer["hits"][0])
    status, default = post(served, json.dumps({"question": QUESTION}).encode())
    assert status == 200 and len(default["hits"]) <= 3  # the page's default k
    for body, says in [(b'{"question": ""}', "empty"), (b'{"question": "apa?", "k": 0}', "k=0"),
                       (b'{"question": ', "not JSON"), (b'[1, 2]', "not an object")]:
        status, error = post(served, body)
        assert status == 400 and says in error["error"], body


# Protects against: the README's curl example going stale.
def test_the_readme_curl_example_prints_what_the_readme_says(served: str):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Plain JSON: `POST /api/ask`", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    expected = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    run = subprocess.run(["bash", "-c", block.replace("http://127.0.0.1:7860/", served)], capture_output=True,
                         text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "NO_PROXY": "*"})
    first, rest = run.stdout.split("\n", 1)
    answer = json.loads(first)
    assert set(answer) == KEYS and answer["question"] == QUESTION and answer["answered"] is True
    assert 1 <= len(answer["hits"]) <= 3
    assert rest == expected
