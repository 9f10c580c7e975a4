"""Reading articles and splitting them: where the data comes in.

:mod:`.articles` loads ``.txt`` folders, ``.jsonl`` files and documents into articles (UTF-8
checked, empty and duplicate articles skipped); :mod:`.clean` finds boilerplate and metadata
without changing the text; :mod:`.passages` cuts an article into overlapping passages, exact slices
of its text; :mod:`.documents` reads PDF, HTML and DOCX.

What this package may import: the standard library, its format libraries, :mod:`qa.config` and
:mod:`qa.errors`; nothing else of :mod:`qa` (every later stage depends on it, not the other way round).
"""
