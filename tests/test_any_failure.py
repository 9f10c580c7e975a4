"""Whatever fails inside answering reaches the user as one line: in Python, on the CLI, in the chat and the API.

A tokenizer's Rust panic (pyo3's PanicException) derives from BaseException, not Exception: a handler that
catches Exception lets it through, and on the page the question then waits for ever.
"""

from __future__ import annotations

import dataclasses

import gradio as gr
import pytest

from conftest import SEEDS
from fakes import HashEmbedder
from qa import cli
from qa.answering.ask import answer_with
from qa.app import UNEXPECTED, ChatApp
from qa.errors import AnswerError
from qa.index.build import build
from qa.index.engine import open_engine


class PanicException(BaseException):
    """Stands in for pyo3_runtime.PanicException, which derives from BaseException."""


class PanickingReader:
    fingerprint = "panics"
    threshold = 0.5

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def read(self, question, passages):
        raise self.exc


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("panic") / "index"
    build([SEEDS], root, HashEmbedder(), progress=False)
    return open_engine(root, HashEmbedder())


def panicking(engine, exc: BaseException = None):
    return dataclasses.replace(engine, reader=PanickingReader(exc or PanicException("`stride` must be strictly less\nthread panicked")))


def test_a_panic_inside_answering_is_a_one_line_error_in_python(engine):
    with pytest.raises(AnswerError) as caught:
        answer_with(panicking(engine), "Siapa Ketua Bawaslu Jawa Tengah?", k=3)
    message = str(caught.value)
    assert "\n" not in message and "PanicException: `stride` must be strictly less" in message
    assert isinstance(caught.value.__cause__, PanicException)  # the traceback is kept for whoever debugs it
    assert answer_with(engine, "Siapa Ketua Bawaslu Jawa Tengah?", k=3).hits  # the same engine without it answers


@pytest.mark.parametrize("fatal", [KeyboardInterrupt, SystemExit])
def test_interrupts_still_end_the_process(engine, fatal):
    with pytest.raises(fatal):
        answer_with(panicking(engine, fatal()), "Siapa Ketua Bawaslu Jawa Tengah?", k=3)


def test_the_chat_shows_a_message_and_the_api_an_error_whatever_fails(engine):
    app = ChatApp(panicking(engine))
    *_, (chat, turns, *_) = app.respond("Siapa Ketua Bawaslu Jawa Tengah?", 3, [], None)
    assert turns[-1].error and "PanicException" in turns[-1].error and 'data-state="error"' in chat
    with pytest.raises(gr.Error, match="PanicException"):
        app.ask("Siapa Ketua Bawaslu Jawa Tengah?", 3)
    app.answer = lambda question, k: (_ for _ in ()).throw(PanicException("raw"))  # a failure outside answer_with
    *_, (chat, turns, *_) = app.respond("Siapa Ketua Bawaslu Jawa Tengah?", 3, [], None)
    assert turns[-1].error == UNEXPECTED
    with pytest.raises(gr.Error, match="kesalahan tak terduga"):
        app.ask("Siapa Ketua Bawaslu Jawa Tengah?", 3)


def test_the_cli_prints_one_line_and_exits_2_whatever_fails(engine, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_engine", lambda args: panicking(engine))
    assert cli.main(["-q", "ask", "Siapa Ketua Bawaslu Jawa Tengah?"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qa: error: answering failed") and "PanicException" in err
    monkeypatch.setattr(cli, "_engine", lambda args: (_ for _ in ()).throw(PanicException("outside answering")))
    assert cli.main(["-q", "ask", "Siapa Ketua Bawaslu Jawa Tengah?"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected failure (PanicException: outside answering)" in err
