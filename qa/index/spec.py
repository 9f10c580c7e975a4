"""The index contract: what an index was built with, written by the build and compared on every load.

:class:`IndexSpec` is saved as the manifest's ``spec``. :func:`difference` compares a built spec
with the one the running code and model would write, field by field, in the order of
:data:`FIELDS`; :func:`check` turns the first difference into a one-line
:class:`~qa.errors.BadIndexError` naming the field and the fix. ``qa build`` (is the index
current?) and every open of an index (``ask``, ``--index``, ``QA_INDEX``, the chat page) use
this one comparison.

Two fields are identities of what reads the index rather than of the index itself: ``reader``
(the trained reader's weights) and ``calibration`` (which abstention weights were in use). Both
are recorded, never refused: retraining the reader or refitting the weights changes no vector.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from qa.errors import BadIndexError

RECORDED_ONLY = ("calibration", "reader")  # written for the record; never a reason to refuse an index
OPTIONAL: tuple[str, ...] = ("documents",)  # compared only when both sides have one (indexes older than the field load)


@dataclass(frozen=True)
class IndexSpec:
    """Everything that decides an index's vectors, tokens and passages (see the module doc)."""

    model: str  # the model setting: a sentence-transformers name or folder
    backend: str  # encoder backend: onnx-int8, onnx, torch
    fingerprint: str  # the weights (and for ONNX the export) the vectors came from
    dim: int
    runtime: str  # the library versions that computed the vectors (major.minor)
    query_prompt: str
    passage_prompt: str
    target_words: int  # passage settings
    overlap_words: int
    context: str  # what is embedded with each passage besides its text
    offsets: str  # how article text and offsets are defined (line endings, BOM)
    lexical_tokens: int  # qa.index.lexical.TOKENS_VERSION: the BM25 token recipe
    vector_index: dict = field(default_factory=dict)  # qa.index.vectors.recipe(): the FAISS choice
    passages: str = ""  # qa.corpus.passages.RECIPE: how articles are cleaned and cut into passages
    calibration: str = ""  # abstention weights in use when built (recorded only)
    reader: str | None = None  # the trained reader's identity, when there is one
    documents: str | None = None  # qa.corpus.documents.RECIPE: how PDF, HTML and DOCX text is extracted (None: before it)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "IndexSpec":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def embedding(self) -> tuple:
        """The fields the stored vectors depend on: equal means embeddings can be reused."""
        return (self.model, self.backend, self.fingerprint, self.dim, self.runtime, self.passage_prompt)


FIELDS = tuple(f.name for f in fields(IndexSpec))


def difference(built: IndexSpec, wanted: IndexSpec) -> str | None:
    """The first field (in :data:`FIELDS` order) where the index differs from what would be built now."""
    for name in FIELDS:
        have, want = getattr(built, name), getattr(wanted, name)
        if name in RECORDED_ONLY or (name in OPTIONAL and (have is None or want is None)):
            continue
        if have != want:
            return name
    return None


def same_embeddings(manifest: dict, wanted: IndexSpec) -> bool:
    """Whether an index's stored vectors are what ``wanted`` would embed, so a rebuild may reuse them.

    A format-1 manifest (before the spec) recorded its model as ``model``: name, backend, fingerprint,
    dim and prompts, but no runtime; its vectors are reused when those agree.
    """
    if "spec" in manifest:
        return IndexSpec.from_dict(manifest["spec"]).embedding() == wanted.embedding()
    model = manifest.get("model") or {}
    return (model.get("name"), model.get("backend", "torch"), model.get("fingerprint"), model.get("dim"),
            (model.get("prompts") or {}).get("document")) == (wanted.model, wanted.backend, wanted.fingerprint,
                                                               wanted.dim, wanted.passage_prompt)


def rebuild_command(root: Path, sources: list[str] | None = None, extra: str = "") -> str:
    """The ``qa build`` line that rebuilds this index from the sources it was built from."""
    where = "".join(f" --source {s}" for s in sources or [])
    return f"qa build --index {root}{where}{extra}"


def check(built: IndexSpec, wanted: IndexSpec, root: Path, sources: list[str] | None = None) -> None:
    """Raise a one-line BadIndexError naming the first differing field and the fix; return when compatible."""
    name = difference(built, wanted)
    if name is None:
        return
    have, want = getattr(built, name), getattr(wanted, name)
    if name == "model":
        fix = f"run `{rebuild_command(root, sources, f' --model {want}')}` or set --model / QA_MODEL={have}"
    elif name == "backend":
        fix = f"run `{rebuild_command(root, sources, f' --backend {want}')}` or set --backend / QA_BACKEND={have}"
    else:
        fix = f"run `{rebuild_command(root, sources)}`"
    if name in ("fingerprint", "dim"):
        raise BadIndexError(f"the weights of model {built.model!r} changed since {root} was built (spec field {name!r}: "
                            f"{have!r}, now {want!r}); {fix}")
    raise BadIndexError(f"{root} was built with {name} {have!r}, this setup has {want!r}; {fix}")
