"""The chat page's "Tambah dokumen" panel (``qa serve --allow-upload``): pick a file, see it built in, ask about it.

The handler checks and saves the file (:mod:`qa.page.upload`), hands it to the background build
(:mod:`qa.page.upload_build`) and reports the build's progress on the page until the new index is live;
then the article list is refreshed. A refused or broken file gets one line naming it. Uploads run
in their own queue, so questions keep being answered while a document is built.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Callable, Iterator

import gradio as gr

from qa.errors import FATAL, UploadError
from qa.page.render import esc
from qa.page.upload import ACCEPTED, UploadPolicy, accept, shown
from qa.page.upload_build import Builder, Outcome, Progress

logger = logging.getLogger(__name__)

POLL_S = 0.3
WRONG_PASSWORD_DELAY_S = 1.0  # a guesser gets one try a second per queue slot
CSS = """
#upload-status .upload-line{margin:.3rem 0;overflow-wrap:anywhere}#upload-status .upload-fail{color:var(--error-text-color)}
#upload-status progress{width:100%;height:.6rem}
"""


def help_html(policy: UploadPolicy) -> str:
    return (f'<p class="upload-help">PDF, DOCX, HTML atau TXT, paling besar {policy.max_bytes >> 20} MB. Berkas '
            f"disimpan di folder korpus <code>{esc(policy.folder.name)}</code> lalu ditambahkan ke indeks; pertanyaan "
            f"tetap dijawab selama itu.</p>")


def progress_html(progress: Progress) -> str:
    bar = (f'<progress value="{progress.done}" max="{progress.total}"></progress>' if progress.total
           else '<progress></progress>')
    return f'<div class="upload-line" data-state="building">{esc(progress.stage or "Menyiapkan…")}</div>{bar}'


def outcome_html(outcome: Outcome) -> str:
    state = "done" if outcome.ok else "failed"
    css = "upload-line" if outcome.ok else "upload-line upload-fail"
    return f'<div class="{css}" data-state="{state}">{esc(outcome.message)}</div>'


class UploadPanel:
    """The panel's behaviour: ``articles()`` gives the live index's articles for the refreshed list."""

    def __init__(self, policy: UploadPolicy, builder: Builder, taken: Callable[[], object],
                 listing: Callable[[], tuple]) -> None:
        self.policy, self.builder = policy, builder
        self._taken, self._listing = taken, listing

    def handle(self, file: str | None, password: str | None = None) -> Iterator[tuple]:
        """Save the upload, then report the build's progress until its outcome (and the new article list)."""
        if not file:
            return
        name = shown(Path(file).name)
        try:
            self.policy.check_password(password)
        except UploadError as exc:
            time.sleep(WRONG_PASSWORD_DELAY_S)
            logger.warning("upload of %r refused: wrong password", name)
            yield (outcome_html(Outcome(False, str(exc))),) + (gr.skip(), gr.skip())
            return
        try:
            saved = accept(Path(file), Path(file).name, self.policy, taken=set(self._taken()))
        except UploadError as exc:
            logger.warning("upload refused: %s", exc)
            yield (outcome_html(Outcome(False, str(exc))),) + (gr.skip(), gr.skip())
            return
        except FATAL:
            raise
        except BaseException:
            logger.exception("upload of %r failed", name)
            yield (outcome_html(Outcome(False, f"{name} tidak bisa disimpan; lihat log server.")),) + (gr.skip(), gr.skip())
            return
        ticket = self.builder.submit(saved)
        while (outcome := self.builder.outcome(ticket)) is None:
            yield (progress_html(self.builder.progress),) + (gr.skip(), gr.skip())
            time.sleep(POLL_S)
        yield (outcome_html(outcome),) + self._listing()

    def build(self) -> tuple[list, gr.UploadButton, gr.HTML]:
        """Lay the panel out (inside the caller's Blocks); its inputs, the upload button and the status line."""
        with gr.Accordion("Tambah dokumen", open=False, elem_id="upload-box"):
            gr.HTML(help_html(self.policy))
            inputs = []
            if self.policy.password is not None:
                inputs.append(gr.Textbox(label="Kata sandi unggah", type="password", elem_id="upload-password",
                                         max_lines=1))
            button = gr.UploadButton("Pilih berkas untuk ditambahkan", file_types=list(ACCEPTED), file_count="single",
                                     type="filepath", size="sm", elem_id="upload")
            status = gr.HTML("", elem_id="upload-status")
        return [button] + inputs, button, status

    def wire(self, inputs: list, button: gr.UploadButton, status: gr.HTML, listing: list) -> None:
        """The upload event, in its own queue (not the model's), updating the status and then the article list."""
        button.upload(self.handle, inputs, [status] + listing, show_progress="hidden", api_visibility="private",
                      concurrency_id="upload", concurrency_limit=1)


def panel_for(root: Path, sources: list[str], password: str | None, current: Callable, swap: Callable,
              listing: Callable[[], tuple]) -> UploadPanel:
    """The panel for the index at ``root`` built from ``sources`` (its manifest's, relative to ``root``)."""
    from qa.page.upload import corpus_folder

    paths = [Path(os.path.normpath(root / s)) for s in sources]
    policy = UploadPolicy(folder=corpus_folder(paths, root), password=password)
    builder = Builder(root, paths, current, swap)
    return UploadPanel(policy, builder, taken=lambda: current().index.articles, listing=listing)
