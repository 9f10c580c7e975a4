"""The index: passages made searchable, written to a folder, opened with their model.

:mod:`.lexical` and :mod:`.bm25` are the BM25 side, :mod:`.vectors` the FAISS side;
:mod:`.records` and :mod:`.store` are the folder on disk (checked, swapped atomically); :mod:`.spec`
is the index contract; :mod:`.build` builds it (:mod:`.ray_build` on Ray Data); :mod:`.engine` is
an open index with its model and reader, checked against each other.

What this package may import: :mod:`qa.config`, :mod:`qa.errors`, :mod:`qa.corpus` and
:mod:`qa.models`; never answering, the page or the session kit.
"""
