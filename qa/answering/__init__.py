"""From an open index to an answer: retrieval, the quote, whether to answer, the citations.

:mod:`.retrieve` fuses dense and BM25 scores and reranks by sentence; :mod:`.quote` finds the
sentence that answers; :mod:`.question_type` tells what a question asks for; :mod:`.abstain`
decides whether the articles answer at all; :mod:`.cite` is the one citation format; :mod:`.ask`
is ``ask()``; :mod:`.results` holds ``Answer``, ``Hit`` and ``Citation`` and keeps hits distinct; :mod:`.evaluate` and :mod:`.squad` measure it.

What this package may import: :mod:`qa.config`, :mod:`qa.errors`, :mod:`qa.corpus`,
:mod:`qa.models` and :mod:`qa.index`; never the page or the session kit.
"""
