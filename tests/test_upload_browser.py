"""Adding a document from the chat page, in Debian's chromium against a real `qa serve --allow-upload`.

The server serves a private copy of the seeds (uploads are saved into the uploads folder beside the index),
its index a copy of the real seeds index rebuilt over that copy, which re-embeds nothing.
A generated PDF holding a fact no seed holds is uploaded: the page shows the build's progress,
then the new document answers a question about that fact. A broken PDF gets one line naming it,
and the index keeps its articles. Without the flag the page has no upload control.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect

from conftest import SEEDS
from documents_made import make_pdf
from serving import server as server_process
from test_browser import ARTIFACTS, _close_pages, ask, browser, open_page  # noqa: F401  (fixtures)

FACT_PAGES = [
    ["Surat Edaran Bupati Wonosobo tentang netralitas aparatur sipil negara.",
     "Camat Kalikajar dilarang memakai mobil dinas untuk mengantar tim sukses calon bupati.",
     "Pelanggaran dilaporkan kepada Panwaslu Kecamatan Kalikajar paling lambat tiga hari."],
]
QUESTION = "Siapa yang dilarang memakai mobil dinas untuk mengantar tim sukses calon bupati?"
BUILD_TIMEOUT_MS = 300_000  # a build under a loaded 2-core machine: BM25 and the index rewritten, one PDF embedded
STATES = """() => {
  window.__uploadStates = [];
  const box = document.querySelector('#upload-status');
  new MutationObserver(() => {
    const line = box.querySelector('.upload-line');
    if (line) window.__uploadStates.push([line.dataset.state, line.textContent]);
  }).observe(box, {childList: true, subtree: true, characterData: true});
}"""


@contextmanager
def serving(index: Path, log_path: Path, args: tuple[str, ...] = ()) -> Iterator[str]:
    """`python -m qa serve` (plus ``args``) on a free port, without inherited QA_/GRADIO_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "GRADIO_"))}
    with server_process(index, log_path, env=env, args=args) as (url, _):
        yield url


@pytest.fixture(scope="module")
def corpus(real_index: Path, real_engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private seeds folder (less its last article) and its index, the real index's vectors reused: nothing is
    embedded again. The copy must differ from the seeds, or the copied index counts as current and keeps naming
    the project's seeds folder as its source, where uploads would then go."""
    from qa.index.build import build
    from qa.index.store import read_manifest

    root = tmp_path_factory.mktemp("upload")
    shutil.copytree(SEEDS, root / "seeds")
    max((root / "seeds").glob("*.txt")).unlink()
    shutil.copytree(real_index, root / "index")
    result = build([root / "seeds"], root / "index", real_engine.embedder, progress=False)
    assert result.embedded == 0 and read_manifest(root / "index")["corpus"]["sources"] == ["../seeds"]
    return root


@pytest.fixture(scope="module")
def upload_server(corpus: Path) -> Iterator[str]:
    with serving(corpus / "index", corpus / "serve-upload.log", args=("--allow-upload",)) as url:
        yield url


def upload(page, path: Path) -> None:
    """Open the panel and pick the file; the status lines it shows are recorded in window.__uploadStates."""
    page.locator("#upload-box").get_by_text("Tambah dokumen").first.click()
    expect(page.locator("#upload-box")).to_contain_text("paling besar 20 MB")
    page.evaluate(STATES)
    page.locator("#upload-box input[type=file]").set_input_files(str(path))


def test_an_uploaded_pdf_is_built_in_with_progress_and_answers(browser: Browser, upload_server: str, corpus: Path,
                                                               tmp_path: Path):
    page, dialogs = open_page(browser, upload_server)
    other, _ = open_page(browser, upload_server)  # another tab, open before the upload
    expect(page.locator("#articles-box")).to_contain_text("Daftar artikel di indeks (")
    before = page.locator("#articles-box").inner_text().split("(")[1].split(")")[0]
    pdf = make_pdf(tmp_path / "Edaran Bupati Wonosobo.pdf", pages=FACT_PAGES, header="PEMERINTAH KABUPATEN WONOSOBO")
    upload(page, pdf)
    done = page.locator("#upload-status [data-state=done]")
    expect(done).to_contain_text("edaran-bupati-wonosobo.pdf ditambahkan", timeout=BUILD_TIMEOUT_MS)
    states = page.evaluate("window.__uploadStates")
    assert any(state == "building" for state, _ in states), states  # the progress was on the page before the end
    assert (corpus / "uploads" / "edaran-bupati-wonosobo.pdf").read_bytes() == pdf.read_bytes()  # beside the index
    expect(page.locator("#articles-box")).to_contain_text(f"Daftar artikel di indeks ({int(before) + 1})")
    # every page loaded after it lists the live index (issue 23), and a tab opened before gets it when it opens the list
    fresh, _ = open_page(browser, upload_server)
    for tab in (fresh, other):
        tab.locator("#articles-box").get_by_text("Daftar artikel di indeks (").click()
        expect(tab.locator("#articles-box")).to_contain_text(f"Daftar artikel di indeks ({int(before) + 1})")
        expect(tab.locator("#articles tbody tr")).to_have_count(int(before) + 1)
    fresh.screenshot(path=str(ARTIFACTS / "fresh-page-after-upload.png"), full_page=True)
    _, turn = ask(page, QUESTION)
    expect(turn).to_contain_text("Kalikajar")
    cite = turn.locator(".cite summary").first
    cite.click()
    expect(turn.locator(".cite details[open] dl.meta")).to_contain_text("edaran-bupati-wonosobo.pdf")
    assert not dialogs


def test_a_broken_file_gets_one_line_naming_it_and_nothing_is_lost(browser: Browser, upload_server: str,
                                                                   corpus: Path, tmp_path: Path):
    page, _ = open_page(browser, upload_server)
    documents = sum(not p.name.startswith(".") for folder in ("seeds", "uploads") for p in (corpus / folder).iterdir())
    expect(page.locator("#articles-box")).to_contain_text(f"Daftar artikel di indeks ({documents})")  # the live index
    before = page.locator("#articles-box").inner_text()
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")  # truncated: no xref, no pages
    upload(page, broken)
    failed = page.locator("#upload-status [data-state=failed]")
    expect(failed).to_contain_text("rusak.pdf tidak bisa dibaca", timeout=60_000)
    assert "\n" not in failed.inner_text().strip()
    assert not list((corpus / "seeds").glob("rusak*")) and not list((corpus / "uploads").glob("rusak*"))
    _, turn = ask(page, "Siapa Ketua Bawaslu Jawa Tengah?")
    expect(turn.locator("blockquote.answer-quote")).to_contain_text("Muhammad Amin")
    assert page.locator("#articles-box").inner_text() == before


def test_without_the_flag_the_page_has_no_upload_control(browser: Browser, corpus: Path):
    with serving(corpus / "index", corpus / "serve-plain.log") as url:
        page, _ = open_page(browser, url)
        expect(page.locator("#articles-box")).to_be_attached()
        assert page.locator("#upload-box").count() == 0 and page.locator("input[type=file]").count() == 0
