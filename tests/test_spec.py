"""One index contract: the spec a build writes is compared field by field on every way an index is opened."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fakes import HashEmbedder
from qa.config import DEFAULT_MODEL
from qa.errors import BadIndexError
from qa.index import spec, store
from qa.index.build import build, built_spec, expected_spec, is_current
from qa.index.engine import check, open_engine
from qa.models import calibration
from qa.models.calibration import NEUTRAL, calibration_for

# A value unlike the one written, for every field that decides the index.
CHANGED = {"model": "other/model", "backend": "onnx", "fingerprint": "other-weights", "dim": 65, "runtime": "numpy 0.1",
           "query_prompt": "query: ", "passage_prompt": "passage: ", "target_words": 121, "overlap_words": 51,
           "context": "title only", "offsets": "crlf kept", "lexical_tokens": -1, "vector_index": {"metric": "l2"},
           "documents": "documents v0", "passages": "cut every 120 words"}


def _rewrite_spec(root: Path, **changes) -> None:
    path = store.current_folder(root) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["spec"].update(changes)
    path.write_text(json.dumps(manifest))


def test_every_field_but_the_recorded_ones_has_a_changed_value_here():
    assert set(CHANGED) == set(spec.FIELDS) - set(spec.RECORDED_ONLY)


@pytest.mark.parametrize("field", sorted(CHANGED))
def test_a_changed_field_is_refused_on_every_load_path_and_rebuilt(field: str, seeds_copy: Path, tmp_path: Path):
    root = tmp_path / "index"
    embedder = HashEmbedder()
    build([seeds_copy], root, embedder, progress=False)
    _rewrite_spec(root, **{field: CHANGED[field]})
    assert not is_current(root, [seeds_copy], embedder)  # qa build and the default auto-build
    if field == "dim":  # the stored vectors disagree with the manifest before any spec is compared
        with pytest.raises(BadIndexError, match=f"dimension 64, the manifest says 65; run `qa build --index {root}`"):
            open_engine(root, embedder)
    else:
        with pytest.raises(BadIndexError, match=rf"spec field '{field}'|built with {field} ") as raised:
            open_engine(root, embedder)  # engine_for (--index, QA_INDEX, ask(), the chat page) opens through it
        assert "\n" not in str(raised.value) and f"qa build --index {root} --source " in str(raised.value)
    result = build([seeds_copy], root, embedder, progress=False)
    assert not result.skipped
    check(store.load(root), embedder, root)


def test_the_reader_and_the_calibration_are_only_recorded():
    """A retrained reader or refitted abstention weights change no vector: the index stays usable."""
    wanted = expected_spec(HashEmbedder())
    assert wanted.reader and wanted.reader.startswith("sha256:")
    assert spec.difference(replace(wanted, reader="sha256:another"), wanted) is None
    assert spec.difference(replace(wanted, reader=None), wanted) is None
    assert spec.difference(replace(wanted, calibration="refitted:1234"), wanted) is None


def test_an_index_from_before_the_document_readers_still_opens(seeds_copy: Path, tmp_path: Path):
    """Indexes built before PDF, HTML and DOCX were read have no ``documents`` field and no article pages."""
    root = tmp_path / "index"
    embedder = HashEmbedder()
    build([seeds_copy], root, embedder, progress=False)
    path = store.current_folder(root) / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["spec"]["documents"]
    path.write_text(json.dumps(manifest))
    assert is_current(root, [seeds_copy], embedder)
    index = open_engine(root, embedder).index
    article = next(iter(index.articles.values()))
    assert article.pages == () and article.page(0) is None


def test_a_tokens_change_is_refused_when_opening_by_folder(monkeypatch, seeds_copy: Path, tmp_path: Path):
    """Once the one path that missed it: an index opened with --index kept an old BM25 vocabulary."""
    import qa.index.build

    root = tmp_path / "index"
    build([seeds_copy], root, HashEmbedder(), progress=False)
    monkeypatch.setattr(qa.index.build, "TOKENS_VERSION", qa.index.build.TOKENS_VERSION + 1)
    with pytest.raises(BadIndexError, match="lexical_tokens"):
        open_engine(root, HashEmbedder())


def test_the_cli_names_the_field_and_the_fix(real_index: Path, tmp_path: Path, cli_env: dict):
    copy = tmp_path / "index"
    shutil.copytree(real_index, copy)
    _rewrite_spec(copy, lexical_tokens=-1)
    run = subprocess.run([sys.executable, "-m", "qa", "ask", "Siapa Sekda Jateng?", "--index", str(copy)],
                         env=cli_env, capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("qa: error: ") and "lexical_tokens" in last and f"qa build --index {copy}" in last
    assert "Traceback" not in run.stderr


def test_the_default_model_has_fitted_calibration_for_each_backend():
    fitted = calibration_for(DEFAULT_MODEL, "onnx-int8")
    assert fitted is not NEUTRAL and fitted.threshold > 0
    for backend in ("onnx", "torch"):  # the fp32 backends use the int8 fit (same_as)
        assert calibration_for(DEFAULT_MODEL, backend) == fitted
    assert "calibration/*.json" in (Path(calibration.__file__).parents[2] / "pyproject.toml").read_text()


def test_a_model_without_calibration_uses_the_neutral_rule_and_says_so_once(caplog):
    from qa.answering.abstain import NAMES, score

    calibration_for.cache_clear()
    with caplog.at_level(logging.WARNING, logger="qa.models.calibration"):
        first = calibration_for("someone/uncalibrated-model", "torch")
        again = calibration_for("someone/uncalibrated-model", "torch")
    assert first is NEUTRAL and again is NEUTRAL
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "neutral rule" in caplog.records[0].getMessage()
    base = dict.fromkeys(NAMES, 0.0) | {"dense_top": 0.2}  # a low cosine does not matter to the neutral rule
    assert score(base | {"coverage": 0.6, "quote_coverage": 0.5}, NEUTRAL) >= NEUTRAL.threshold
    assert score(base | {"coverage": 0.5, "quote_coverage": 0.3}, NEUTRAL) < NEUTRAL.threshold


def test_two_model_folders_with_one_base_name_get_their_own_onnx_export(tmp_path: Path, monkeypatch):
    from qa.models.onnx_backend import export_dir

    monkeypatch.setenv("QA_CACHE", str(tmp_path / "cache"))
    (tmp_path / "a" / "model").mkdir(parents=True)
    (tmp_path / "b" / "model").mkdir(parents=True)
    one, two = export_dir(str(tmp_path / "a" / "model"), "onnx"), export_dir(str(tmp_path / "b" / "model"), "onnx")
    assert one != two and one.name.startswith("model-onnx-v") and two.name.startswith("model-onnx-v")
    assert export_dir(str(tmp_path / "a" / "model"), "onnx") == one


def test_a_hub_model_is_fingerprinted_by_its_cached_files_when_it_has_them(tmp_path: Path, monkeypatch):
    from qa.models import model

    assert model.fingerprint("nobody/not-cached-model-xyz") == "hub:nobody/not-cached-model-xyz"
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    (snapshot / "config.json").write_text("{}")
    (snapshot / "model.safetensors").write_bytes(b"weights-1")
    monkeypatch.setattr(model, "_hub_snapshot", lambda name: snapshot)
    first = model.fingerprint("someone/cached-model")
    (snapshot / "model.safetensors").write_bytes(b"weights-2")  # a new revision of the same name
    assert first != model.fingerprint("someone/cached-model") and not first.startswith("hub:")


def test_the_built_spec_reads_back_equal(seeds_copy: Path, tmp_path: Path):
    embedder = HashEmbedder()
    build([seeds_copy], tmp_path / "index", embedder, progress=False)
    assert built_spec(store.read_manifest(tmp_path / "index")) == expected_spec(embedder)


def test_an_index_from_before_the_spec_is_rebuilt_reusing_its_embeddings(seeds_copy: Path, tmp_path: Path):
    root, embedder = tmp_path / "index", HashEmbedder()
    first = build([seeds_copy], root, embedder, progress=False)
    path = store.current_folder(root) / "manifest.json"
    manifest = json.loads(path.read_text())
    old = manifest.pop("spec")
    manifest.update(format=1, model={"name": old["model"], "backend": old["backend"], "fingerprint": old["fingerprint"],
                                     "dim": old["dim"], "prompts": {"query": "", "document": ""}})
    path.write_text(json.dumps(manifest))  # what qa wrote before the spec
    with pytest.raises(BadIndexError, match=f"format-{store.FORMAT}"):
        open_engine(root, embedder)
    assert not is_current(root, [seeds_copy], embedder)
    second = build([seeds_copy], root, embedder, progress=False)
    assert not second.skipped and second.embedded == 0 and second.reused == first.passages
    check(store.load(root), embedder, root)


# Protects against: upgrading to records with line offsets (format 3) re-embedding every passage.
def test_a_format_2_index_without_line_offsets_is_rebuilt_reusing_its_embeddings(seeds_copy: Path, tmp_path: Path):
    root, embedder = tmp_path / "index", HashEmbedder()
    first = build([seeds_copy], root, embedder, progress=False)
    folder = store.current_folder(root)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in [n for n in manifest["files"] if n.endswith((".offsets.npy", ".ids.json"))]:
        (folder / name).unlink()
        del manifest["files"][name]
    manifest["format"] = 2
    (folder / "manifest.json").write_text(json.dumps(manifest))  # what qa wrote before line offsets
    second = build([seeds_copy], root, embedder, progress=False)
    assert not second.skipped and second.embedded == 0 and second.reused == first.passages
    assert len(store.load(root).passages) == first.passages
