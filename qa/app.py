"""The chat page (``qa serve``): a Gradio app over one open index, Indonesian first.

The index and the model are opened once in :func:`serve`; every question then goes through
:func:`qa.answering.ask.answer_with`. The conversation, the citations and the source reader are ``gr.HTML``
built by :mod:`qa.page.render`, which escapes everything that comes from the corpus. A click on a citation sends
``doc_id`` / ``passage_id`` / quote offsets back; the article is looked up in ``engine.index.articles`` (never a
path). The same answering is Gradio's API endpoint ``/ask`` and plain JSON ``POST /api/ask`` (qa/page/api.py).
"""

from __future__ import annotations

import atexit
import json
import logging
import math
import re
import shutil
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Iterator

import gradio as gr

from qa import config
from qa.answering.ask import answer_with
from qa.answering.results import Answer
from qa.errors import FATAL, InputError, QAError
from qa.index.engine import Engine, engine_from_settings
from qa.models.batching import batched_engine
from qa.page import api, assets, feedback, handout, render, upload, upload_gate, upload_page, upload_route
from qa.page.messages import UNEXPECTED, friendly
from qa.session import handout as session_handout, panel as session_page
from qa.session.record import Record, record_path
from qa.session.bank import read_bank
from qa.session.prepare import PreparedSession, prepare_session

logger = logging.getLogger(__name__)

DEFAULT_K = 3
EXAMPLES = (
    "Siapa Ketua Bawaslu Jawa Tengah?",
    "Apa yang bisa membuat ASN tidak netral?",
    "What did Nana Sudjana ask the ASN in Central Java?",
    "siapa yg buka penyuluhan hukum di bateng?",
)
HANDOUT_NAME = "tanya-netralitas-handout"
SHOWN_CHARS = 600  # a question longer than this is refused anyway; the chat shows its start


def theme() -> gr.themes.Base:
    """Gradio's default look with its full Bold face: its bundled SemiBold file lacks most capitals."""
    font = (gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "ui-sans-serif", "system-ui", "sans-serif")
    return gr.themes.Default(primary_hue="teal", font=font)


def _whole(k: object) -> object:
    """Slider values arrive as floats; 3.0 becomes 3 and anything else is left for check_k to refuse."""
    return int(k) if isinstance(k, float) and k.is_integer() else k


def _offset(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else -1


def _session(request: gr.Request | None) -> str:
    session = getattr(request, "session_hash", None) or ""
    return session if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", session) else uuid.uuid4().hex


class ChatApp:
    """The page's behaviour over one open engine; :meth:`build` lays it out."""

    def __init__(self, engine: Engine, session: PreparedSession | None = None) -> None:
        self.engine = engine
        self.session = session  # a training session's bank with its prepared answers (qa serve --session)
        self.handouts = Path(tempfile.mkdtemp(prefix="qa-handouts-"))
        atexit.register(shutil.rmtree, self.handouts, True)
        self.uploads: upload_page.UploadPanel | None = None  # the "Tambah dokumen" panel (qa serve --allow-upload)
        self._swap_lock = threading.Lock()
        self.feedback = feedback.Feedback(None)  # the question record and the thumbs (qa serve --record, the default)

    def swap(self, engine: Engine) -> None:
        """Answer from ``engine`` from now on (a fully built and loaded index): one reference assignment."""
        with self._swap_lock:
            self.engine = engine

    def article_list(self) -> tuple:
        articles = self.engine.index.articles
        return render.articles_html(articles), gr.Accordion(label=f"Daftar artikel di indeks ({len(articles)})")

    def answer(self, question: str, k: object, turns: tuple | list[render.Turn] = (), history: list | None = None) -> Answer:
        """The answer; a follow-up resolves on the page's ``turns`` or, from /api/ask, the earlier questions ``history``."""
        prepared = self.session.lookup(question, _whole(k)) if self.session else None
        if history is None:
            history = [(t.answer.question, t.answer) for t in turns if t.answer is not None]
        return prepared or answer_with(self.engine, question, _whole(k), history=history)  # type: ignore[arg-type]

    def ask(self, question: str, k: int = 5) -> dict:
        """Answer a question from the articles: the passages with quotes and citations, and whether they answer it."""
        try:
            return self.answer(question, k).to_dict()
        except QAError as exc:
            raise gr.Error(friendly(exc, question), print_exception=False) from exc
        except FATAL:
            raise
        except BaseException as exc:  # not even a non-Exception (a Rust panic) may leave the caller waiting
            logger.exception("answering %r failed", str(question)[:200])
            raise gr.Error(UNEXPECTED, print_exception=False) from exc

    def respond(self, question: str, k: float, turns: list[render.Turn] | None,
                request: gr.Request | None = None) -> Iterator[tuple]:
        """Show the question at once, then its answer (or a friendly error); refresh the handouts, empty the reader."""
        turns = list(turns or [])
        shown = " ".join(question.split()) if isinstance(question, str) else ""
        shown = shown if len(shown) <= SHOWN_CHARS else shown[:SHOWN_CHARS] + "…"
        yield self.chat(turns + [render.Turn(shown, pending=True)]), gr.skip(), "", gr.skip(), gr.skip(), gr.skip()
        started = time.perf_counter()
        try:
            answer = self.answer(question, k, turns)
            turn = render.Turn(answer.asked or answer.question, answer=answer,
                               record_id=self.feedback.asked(question, answer, _session(request)))
        except QAError as exc:
            turn = render.Turn(shown, error=friendly(exc, question), record_id=self.feedback.asked(shown, None, ""))
        except FATAL:
            raise
        except BaseException:  # any other failure (a Rust panic is no Exception): a message, the log keeps the traceback
            logger.exception("answering %r failed", shown[:200])
            turn = render.Turn(shown, error=UNEXPECTED)
        turns.append(turn)
        logger.info("answered in %.0f ms: %r", 1000 * (time.perf_counter() - started), shown[:80])
        yield (self.chat(turns), turns, gr.skip()) + self.handout_buttons(turns, request) + (render.reader_empty(),)

    def example(self, text: str) -> Callable[..., Iterator[tuple]]:
        """The handler of an example button: :meth:`respond` with that question."""
        def run(k: float, turns: list[render.Turn] | None, request: gr.Request) -> Iterator[tuple]:
            yield from self.respond(text, k, turns, request)
        return run

    def chat(self, turns: list[render.Turn]) -> str:
        return render.conversation_html(turns, len(self.engine.index.articles))

    def handout_buttons(self, turns: list[render.Turn], request: gr.Request | None) -> tuple:
        files = self.handout_files(turns, request)
        return tuple(gr.DownloadButton(value=f and str(f), interactive=bool(f)) for f in files)

    def handout_files(self, turns: list[render.Turn], request: gr.Request | None) -> tuple[Path | None, Path | None]:
        """The conversation's handouts; with a session, the whole session (its bank first) from the start."""
        if self.session is None and not any(t.answer is not None for t in turns):
            return None, None
        folder = self.handouts / _session(request)
        folder.mkdir(parents=True, exist_ok=True)
        md, page = folder / f"{HANDOUT_NAME}.md", folder / f"{HANDOUT_NAME}.html"
        if self.session is not None:
            for path in (md, page):
                session_handout.write(path, self.session.bank, self.session.answers, turns)
        else:
            md.write_text(handout.as_markdown(turns), encoding="utf-8")
            page.write_text(handout.as_html(turns), encoding="utf-8")
        return md, page

    def clear(self) -> tuple:
        return (self.chat([]), [], "") + self.handout_buttons([], None) + (render.reader_empty(),)

    def open_source(self, evt: gr.EventData) -> str:
        """The source reader for a clicked citation: only articles in the index, found by doc_id."""
        data = getattr(evt, "_data", None)
        data = data if isinstance(data, dict) else {}
        index = self.engine.index  # once: an upload may swap the engine meanwhile
        article = index.articles.get(str(data.get("doc", "")))
        if article is None:
            logger.warning("source reader: %r is not an article in the index", str(data.get("doc", ""))[:100])
            return render.reader_empty("Artikel ini tidak ada di indeks.")
        passage = index.passage(str(data.get("passage", "")))
        if passage is None or passage.doc_id != article.doc_id:
            return render.reader_html(article)
        return render.reader_html(article, passage.start, passage.end, _offset(data.get("qs")), _offset(data.get("qe")),
                                  _offset(data.get("as")), _offset(data.get("ae")))

    def build(self) -> gr.Blocks:
        articles = self.engine.index.articles
        with gr.Blocks(title="Tanya Netralitas", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
            turns = gr.State([])
            with gr.Row(elem_id="top"):
                gr.HTML('<h1 class="app-title">Tanya Netralitas</h1><p class="app-sub">Tanya jawab tentang netralitas '
                        "ASN dari artikel berita, dengan kutipan dan sumber yang bisa diperiksa.</p>",
                        scale=4, min_width=300)
                large = gr.Checkbox(label="Teks besar (proyektor)", value=False, scale=0, min_width=220, elem_id="large")
                if self.session:
                    presenter = gr.Checkbox(label=session_page.PRESENTER, scale=0, min_width=220, elem_id="presenter")
            with gr.Row(equal_height=False):
                if self.session:
                    with gr.Column(scale=2, min_width=260, elem_id="agenda-col"):
                        panels = session_page.agenda_panel(self.session, self.feedback.record)
                with gr.Column(scale=3, min_width=320):
                    chat = gr.HTML(self.chat([]), elem_id="chat", js_on_load=assets.CHAT_JS + feedback.JS)
                    question = gr.Textbox(show_label=False, placeholder="Tulis pertanyaan, lalu tekan Enter…",
                                          submit_btn="Tanya", elem_id="question", autofocus=True, lines=1, max_lines=4)
                    gr.HTML('<div class="examples-label">Contoh pertanyaan (klik untuk bertanya):</div>')
                    with gr.Row(elem_id="examples"):
                        examples = [gr.Button(text, size="sm", min_width=120) for text in EXAMPLES]
                    with gr.Row(elem_id="actions"):
                        clear = gr.Button("Hapus percakapan", size="sm", elem_id="clear", min_width=120)
                        md, page = self.handout_files([], None)  # ready from the start when a session is prepared
                        handout_md = gr.DownloadButton("Unduh handout (Markdown)", md, size="sm", interactive=bool(md),
                                                       elem_id="handout-md", min_width=120)
                        handout_html = gr.DownloadButton("Unduh handout (HTML, siap cetak)", page, size="sm",
                                                         interactive=bool(page), elem_id="handout-html", min_width=120)
                    with gr.Accordion("Pengaturan", open=False, elem_id="settings"):
                        k = gr.Slider(1, 10, value=DEFAULT_K, step=1, label="Jumlah bagian artikel per jawaban")
                    with gr.Accordion(f"Daftar artikel di indeks ({len(articles)})", open=False,
                                      elem_id="articles-box") as articles_box:
                        listing = gr.HTML(render.articles_html(articles), elem_id="articles",
                                          js_on_load=assets.CLICK_JS)
                    if self.uploads:
                        upload_parts = self.uploads.build()
                with gr.Column(scale=2, min_width=300, elem_id="reader-col"):
                    gr.HTML('<h2 class="panel-title">Pembaca sumber</h2>')
                    reader = gr.HTML(render.reader_empty(), elem_id="reader", js_on_load=assets.READER_JS)
            outputs = [chat, turns, question, handout_md, handout_html, reader]
            common = dict(outputs=outputs, show_progress="hidden", api_visibility="private",
                          concurrency_id="model", concurrency_limit=1)
            question.submit(self.respond, [question, k, turns], **common)
            for button, text in zip(examples, EXAMPLES):
                button.click(self.example(text), [k, turns], **common)
            clear.click(self.clear, None, outputs, show_progress="hidden", api_visibility="private")
            fresh = [listing, articles_box, chat]  # a page loaded after an upload shows the live index, not start-up's
            demo.load(lambda: self.article_list() + (self.chat([]),), None, fresh, api_visibility="private",
                      show_progress="hidden")  # no "Loading" on the page: every page load shows the live index
            articles_box.expand(self.article_list, None, [listing, articles_box], api_visibility="private")
            for source in (chat, listing):
                source.click(self.open_source, None, reader, show_progress="hidden", api_visibility="private",
                             concurrency_limit=None)
            chat.click(self.feedback.click(self.chat), turns, [chat, turns], show_progress="hidden", api_visibility="private")
            large.change(None, large, None, js=assets.LARGE_JS)
            if self.session:
                session_page.wire(self.respond, self.session, panels, presenter, [k, turns], common, self.feedback.record)
            if self.uploads:
                self.uploads.wire(*upload_parts, [listing, articles_box])
            gr.api(self.ask, api_name="ask", concurrency_id="model", concurrency_limit=1)
            gr.HTML(assets.FOOTER, elem_id="footer")  # in place of Gradio's English footer (launch(footer_links=[]))
        return demo


def serve(settings: config.Settings, host: str = "127.0.0.1", port: int = 7860,
          session: str | Path | None = None, allow_upload: bool = False, upload_password: str | None = None,
          record: bool = True, batch: bool = False, workers: int | None = None) -> None:
    """Open the index once (building the default one from ./seeds if needed) and serve the chat page. With ``session``
    (a question bank) its answers are computed first; with ``allow_upload`` the page takes documents into the uploads
    folder beside the index (:mod:`qa.page.upload_page`), without it Gradio's upload route is closed (upload_route).
    ``batch``: questions answered at once share their model calls (:mod:`qa.models.batching`); ``workers``: how many
    /api/ask answers at once (default :data:`qa.page.api.WORKERS`, :data:`qa.page.api.BATCH_WORKERS` when batching)."""
    started = time.perf_counter()
    upload.check_host(host, allow_upload, upload_password)  # refused before the model loads
    bank = read_bank(session) if session is not None else None  # a malformed bank fails before the model loads
    engine = batched_engine(engine_from_settings(settings)) if batch else engine_from_settings(settings)
    answer_with(engine, "netralitas ASN", k=1)  # warm the model up so the first question is fast
    app = ChatApp(engine, prepare_session(engine, bank, DEFAULT_K) if bank else None)
    app.feedback = feedback.Feedback(Record(record_path(settings.index)) if record else None)
    gate = upload_gate.Gate(upload_password) if allow_upload else None  # None: Gradio's upload route is closed too
    if gate is not None:
        app.uploads = upload_page.panel_for(settings.index, engine.index.manifest["corpus"]["sources"], gate,
                                            lambda: app.engine, app.swap, app.article_list)
    demo = app.build()
    try:
        demo.launch(server_name=host, server_port=port, share=False, inbrowser=False, show_error=False,
                    ssr_mode=False, mcp_server=False, pwa=False, theme=theme(), prevent_thread_lock=True, quiet=True,
                    css=assets.PAGE_CSS + session_page.CSS + upload_page.CSS + feedback.CSS,  # one line below says where
                    footer_links=[],  # Gradio's footer is English ("Use via API · Built with Gradio · Settings"): ours
                    max_file_size=upload.MAX_BYTES if allow_upload else None, app_kwargs={"middleware": [
                        upload_route.route_middleware(gate, upload.MAX_BYTES), api.ask_middleware(
                        app.feedback.recording(app.answer), DEFAULT_K, workers if workers is not None else api.BATCH_WORKERS if batch else api.WORKERS)]})
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); pick another port with --port") from exc
    warm_up(demo.local_api_url)
    logger.info("ready in %.1f s: open %s (index %s: %d articles, %d passages)", time.perf_counter() - started,
                demo.local_url, engine.index.folder, len(engine.index.articles), len(engine.index.passages))
    demo.block_thread()


def warm_up(api_url: str) -> None:
    """One /ask call through Gradio's queue: its first event costs ~0.7 s, which the first user should not wait."""
    started = time.perf_counter()
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
    body = json.dumps({"data": ["netralitas ASN", 1]}).encode()
    try:
        with local.open(urllib.request.Request(f"{api_url}call/ask", data=body, method="POST",
                                               headers={"Content-Type": "application/json"}), timeout=30) as response:
            event = json.load(response)["event_id"]
        with local.open(f"{api_url}call/ask/{event}", timeout=30) as response:
            response.read()
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("warm-up call to %s failed (%s); the first question may take a second longer", api_url, exc)
        return
    logger.debug("warmed up in %.0f ms", 1000 * (time.perf_counter() - started))
