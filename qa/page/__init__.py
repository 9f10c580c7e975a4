"""The chat page's parts, which :mod:`qa.app` assembles into the Gradio page.

:mod:`.render` turns answers and articles into escaped HTML (:mod:`.assets` holds the page's CSS,
scripts and footer); :mod:`.handout` turns the
conversation into a Markdown or printable HTML handout; :mod:`.upload`, :mod:`.upload_files`, :mod:`.upload_build` and
:mod:`.upload_page` take a document from the page into the index (or out of it); :mod:`.upload_gate` and
:mod:`.upload_route` decide who may, on the page and on Gradio's own upload route.

What this package may import: :mod:`qa.config`, :mod:`qa.errors`, :mod:`qa.corpus`,
:mod:`qa.models`, :mod:`qa.index` and :mod:`qa.answering`; never the session kit or :mod:`qa.app`.
"""
