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


def read_html(path: Path) -> Document:
    """The main text of the web page saved at ``path`` and its title, site name, date and canonical URL.

    Raises DocumentError when the file is over ``MAX_BYTES`` or holds no main text.
    """
    import trafilatura  # imported when a web page is read: it takes a fifth of a second

    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"{path} has {size >> 20} MB; the limit for a web page is {MAX_BYTES >> 20} MB, "
                            f"save the page as \"HTML only\" (without images)")
    try:
        found = trafilatura.bare_extraction(path.read_bytes(), with_metadata=True, include_tables=True,
                                            include_comments=False, include_images=False, include_links=False,
                                            favor_precision=True)
    except (ValueError, TypeError, RecursionError) as exc:  # lxml's errors are ValueErrors
        raise DocumentError(f"{path} cannot be parsed as HTML ({type(exc).__name__}: {exc}); save the page again") from exc
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    if not text:
        raise DocumentError(f"{path} holds no article text trafilatura can find; save the article's own page, "
                            f"not a list or a home page")
    return Document(text=text.replace("\r\n", "\n").replace("\r", "\n"), title=found.title or "",
                    outlet=found.sitename or "", date=found.date or "", url=found.url or "")
