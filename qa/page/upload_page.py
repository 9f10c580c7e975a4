"""The chat page's "Tambah dokumen" panel (``qa serve --allow-upload``): pick a file, see it built in, ask about it;
remove a document added earlier.

The handlers check who asks (:mod:`qa.page.upload_gate`: the password, per-client lockout), then save or take out
the file (:mod:`qa.page.upload`), hand the change to the background build (:mod:`qa.page.upload_build`) and
report its progress on the page until the new index is live; then the article list is refreshed. A refused or
broken file gets one line naming it. The events have no concurrency limit: a wrong password is answered at once
and never holds a queue slot another client's upload waits for; saving is serialised by a lock, building by
the builder's one worker. The password field also sets the ``qa_upload_key`` cookie that Gradio's upload route
asks for (:mod:`qa.page.upload_route`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, Mapping

import gradio as gr

from qa.corpus.articles import Article
from qa.errors import FATAL, UploadError
from qa.page.render import esc
from qa.page.upload import ACCEPTED, Saved, UploadPolicy, accept, removal, shown, sources_with_uploads, uploads_folder
from qa.page.upload_build import Builder, Outcome, Progress
from qa.page.upload_files import listed
from qa.page.upload_gate import Gate
from qa.page.upload_route import COOKIE

logger = logging.getLogger(__name__)

POLL_S = 0.3
COOKIE_JS = ("(key) => { document.cookie = '%s=' + encodeURIComponent(key || '') + '; path=/; SameSite=Strict'; }"
             % COOKIE)  # a session cookie: Gradio's upload route asks for it before it takes the file
CSS = """
#upload-status .upload-line{margin:.3rem 0;overflow-wrap:anywhere}#upload-status .upload-fail{color:var(--error-text-color)}
#upload-status progress{width:100%;height:.6rem}
"""


def help_html(policy: UploadPolicy, asks: bool) -> str:
    first = "Isi kata sandi unggah, lalu pilih berkas: " if asks else ""
    return (f'<p class="upload-help">{first}PDF, DOCX, HTML atau TXT, paling besar {policy.max_bytes >> 20} MB. Berkas '
            f"disimpan di folder <code>{esc(policy.folder.name)}</code> lalu ditambahkan ke indeks; berkas dengan nama "
            f"yang sama menggantikan versi lamanya. Pertanyaan tetap dijawab selama itu.</p>")


def progress_html(progress: Progress) -> str:
    bar = (f'<progress value="{progress.done}" max="{progress.total}"></progress>' if progress.total
           else '<progress></progress>')
    return f'<div class="upload-line" data-state="building">{esc(progress.stage or "Menyiapkan…")}</div>{bar}'


def outcome_html(outcome: Outcome) -> str:
    state = "done" if outcome.ok else "failed"
    css = "upload-line" if outcome.ok else "upload-line upload-fail"
    return f'<div class="{css}" data-state="{state}">{esc(outcome.message)}</div>'


def client_of(request: gr.Request | None) -> str:
    """The address the request came from, as the server saw it (no forwarded header: a client could forge it)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", None) or "?")


class UploadPanel:
    """The panel's behaviour; ``listing()`` gives the live index's article list (refreshed after a change)."""

    def __init__(self, policy: UploadPolicy, builder: Builder, indexed: Callable[[], Mapping[str, Article]],
                 listing: Callable[[], tuple], gate: Gate | None = None) -> None:
        self.policy, self.builder, self.gate = policy, builder, gate or Gate(None)
        self._indexed, self._listing = indexed, listing
        self._saving = threading.Lock()  # one change to the folder at a time; never held while a build runs

    def uploaded(self) -> list[str]:
        """The documents added from the page (files of the uploads folder), for the removal list."""
        return list(listed(self.policy.folder))

    def handle(self, file: str | None, password: str | None = None, client: str = "?") -> Iterator[tuple]:
        """Save the upload, then report the build's progress until its outcome (and the new lists)."""
        if not file:
            return
        name = shown(Path(file).name)
        yield from self._change(name, password, client, lambda: accept(Path(file), Path(file).name, self.policy,
                                                                       self._indexed()))

    def remove(self, name: str | None, password: str | None = None, client: str = "?") -> Iterator[tuple]:
        """Take an uploaded document out of the folder, then report the build until its passages are gone."""
        if not name:
            yield (outcome_html(Outcome(False, "Pilih dokumen unggahan yang akan dihapus.")), gr.skip(), gr.skip(),
                   gr.skip())
            return
        yield from self._change(shown(name), password, client, lambda: removal(self.policy.folder, name))

    def _change(self, name: str, password: str | None, client: str, make: Callable[[], Saved]) -> Iterator[tuple]:
        skip = (gr.skip(), gr.skip(), gr.skip())
        try:
            self.gate.check(password, client)
            with self._saving:
                ticket = self.builder.submit(make())
        except UploadError as exc:
            logger.warning("change of %r from %s refused: %s", name, client, exc)
            yield (outcome_html(Outcome(False, str(exc))),) + skip
            return
        except FATAL:
            raise
        except BaseException:
            logger.exception("change of %r failed", name)
            yield (outcome_html(Outcome(False, f"{name} tidak bisa disimpan; lihat log server.")),) + skip
            return
        while (outcome := self.builder.outcome(ticket)) is None:
            yield (progress_html(self.builder.progress),) + skip
            time.sleep(POLL_S)
        yield (outcome_html(outcome), gr.Dropdown(choices=self.uploaded(), value=None)) + self._listing()

    def build(self) -> tuple[gr.Textbox | None, gr.UploadButton, gr.Dropdown, gr.Button, gr.HTML]:
        """Lay the panel out (inside the caller's Blocks): the password field (or None), the upload button, the removal
        list and its button, the status line."""
        with gr.Accordion("Tambah dokumen", open=False, elem_id="upload-box") as box:
            gr.HTML(help_html(self.policy, self.gate.asks))
            password = None
            if self.gate.asks:
                password = gr.Textbox(label="Kata sandi unggah", type="password", elem_id="upload-password",
                                      max_lines=1)
            button = gr.UploadButton("Pilih berkas untuk ditambahkan", file_types=list(ACCEPTED), file_count="single",
                                     type="filepath", size="sm", elem_id="upload")
            with gr.Row(elem_id="upload-remove-row"):
                chosen = gr.Dropdown(self.uploaded(), value=None, label="Dokumen unggahan", elem_id="upload-chosen",
                                     scale=3, min_width=200, allow_custom_value=True)  # remove() checks the name
                remove = gr.Button("Hapus dari indeks", size="sm", elem_id="upload-remove", scale=1, min_width=120)
            status = gr.HTML("", elem_id="upload-status")
        box.expand(lambda: gr.Dropdown(choices=self.uploaded(), value=None), None, chosen, show_progress="hidden",
                   api_visibility="private", concurrency_limit=None)  # the list as it is now, not at start-up
        return password, button, chosen, remove, status

    def wire(self, password: gr.Textbox | None, button: gr.UploadButton, chosen: gr.Dropdown, remove: gr.Button,
             status: gr.HTML, listing: list) -> None:
        """The upload and removal events (no concurrency limit: see the module), updating the status and the lists."""
        outputs = [status, chosen] + listing
        common = dict(show_progress="hidden", api_visibility="private", concurrency_limit=None)
        if password is None:
            def add(file: str | None, request: gr.Request) -> Iterator[tuple]:
                yield from self.handle(file, None, client_of(request))

            def take(name: str | None, request: gr.Request) -> Iterator[tuple]:
                yield from self.remove(name, None, client_of(request))

            button.upload(add, [button], outputs, **common)
            remove.click(take, [chosen], outputs, **common)
            return

        def add_with(file: str | None, key: str | None, request: gr.Request) -> Iterator[tuple]:
            yield from self.handle(file, key, client_of(request))

        def take_with(name: str | None, key: str | None, request: gr.Request) -> Iterator[tuple]:
            yield from self.remove(name, key, client_of(request))

        button.upload(add_with, [button, password], outputs, **common)
        remove.click(take_with, [chosen, password], outputs, **common)
        password.input(None, password, None, js=COOKIE_JS)


def panel_for(root: Path, sources: list[str], gate: Gate, current: Callable, swap: Callable,
              listing: Callable[[], tuple]) -> UploadPanel:
    """The panel for the index at ``root`` built from ``sources`` (its manifest's, relative to ``root``): uploads go
    into the uploads folder beside the index, which the background build adds to the sources."""
    paths = sources_with_uploads([Path(os.path.normpath(root / s)) for s in sources], root)
    policy = UploadPolicy(folder=uploads_folder(root))
    builder = Builder(root, paths, current, swap)
    return UploadPanel(policy, builder, indexed=lambda: current().index.articles, listing=listing, gate=gate)
