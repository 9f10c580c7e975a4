"""HTML: a saved web page's main text and metadata with trafilatura.

trafilatura (Apache-2.0) keeps the article body and drops menus, cookie banners, related and
popular lists, comments and footers; it also finds the title, the site name, the published date
(ISO, ``2024-06-06``) and the canonical URL. Lists in the body come out as ``- item`` lines and
tables as rows of cells. "Baca juga" lines left inside the body are dropped later by the news
clean-up (:mod:`qa.corpus.clean`) like in any article.

Limits: a file over ``MAX_BYTES`` is refused with one line (a page saved with its images inlined
can be larger: save it as "HTML only"); a page with no main text is refused with one line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from qa.corpus.documents.document import Document
from qa.errors import DocumentError

logger = logging.getLogger(__name__)

MAX_BYTES = 8 << 20


def _extract(trafilatura, page):
    return trafilatura.bare_extraction(page, with_metadata=True, include_tables=True, include_comments=False,
                                       include_images=False, include_links=False, favor_precision=True)


def _text(found) -> str:
    return (getattr(found, "text", None) or "").strip() if found is not None else ""


def read_html(path: Path) -> Document:
    """The main text of the web page saved at ``path`` and its title, site name, date and canonical URL.

    Raises DocumentError when the file is over ``MAX_BYTES`` or holds no main text.
    """
    import lxml.etree
    import lxml.html
    import trafilatura  # imported when a web page is read: it takes a fifth of a second
    from trafilatura.utils import decode_file

    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"{path} has {size >> 20} MB; the limit for a web page is {MAX_BYTES >> 20} MB, "
                            f"save the page as \"HTML only\" (without images)")
    data = path.read_bytes()
    try:
        found = _extract(trafilatura, data)
        if not _text(found):
            # trafilatura refuses markup that does not parse into a whole document (an HTML5 page without the optional
            # <html>, <head> and <body> whose first element libxml2 keeps in the head); lxml makes it one.
            found = _extract(trafilatura, lxml.html.document_fromstring(decode_file(data)))
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError) as exc:
        raise DocumentError(f"{path} cannot be parsed as HTML ({type(exc).__name__}: {exc}); save the page again") from exc
    text = _text(found)
    if not text:
        raise DocumentError(f"{path} holds no article text trafilatura can find; save the article's own page, "
                            f"not a list or a home page")
    return Document(text=text.replace("\r\n", "\n").replace("\r", "\n"), title=found.title or "",
                    outlet=found.sitename or "", date=found.date or "", url=found.url or "")
