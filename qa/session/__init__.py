"""The training-session kit: a question bank answered ahead, its handout and the page's agenda panel.

:mod:`.bank` reads and checks question banks; :mod:`.prepare` answers a bank from the index
(prepared answers and ``qa session check``); :mod:`.handout` writes the session's handout;
:mod:`.panel` is the chat page's agenda panel and presenter view (``qa serve --session``); :mod:`.record` is
the question record (questions, outcomes and feedback in SQLite) that the page feeds and ``qa record`` reads.

What this package may import: every stage below it (:mod:`qa.config`, :mod:`qa.errors`,
:mod:`qa.corpus`, :mod:`qa.models`, :mod:`qa.index`, :mod:`qa.answering`) and the page's
rendering (:mod:`qa.page`); never :mod:`qa.app` or :mod:`qa.cli`.
"""
