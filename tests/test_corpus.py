"""Articles load with honest metadata, boilerplate never becomes a passage, offsets are exact."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import SEEDS
from qa.corpus import articles as corpus
from qa.corpus.passages import split
from qa.errors import CorpusError


def _passages(article):
    return split(article.doc_id, article.text, article.blocks)


@pytest.fixture(scope="module")
def seeds():
    return {a.doc_id: a for a in corpus.load([SEEDS])}


def test_seed_files_are_the_shared_articles_byte_for_byte():
    shared = SEEDS.parent.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not present")
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(p.name for p in shared.glob("*.txt"))
    for path in shared.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def test_every_passage_is_an_exact_slice_of_its_article(seeds):
    assert len(seeds) == 5
    for article in seeds.values():
        passages = _passages(article)
        assert passages, article.doc_id
        for n, passage in enumerate(passages):
            assert passage.passage_id == f"{article.doc_id}#{n}"
            assert article.text[passage.start : passage.end] == passage.text
            for start, end in passage.sentences:
                assert passage.start <= start < end <= passage.end


def test_passages_stay_within_the_model_window(seeds):
    for article in seeds.values():
        for passage in _passages(article):
            assert 1 <= len(passage.text.split()) <= 200


@pytest.mark.parametrize("boilerplate", [
    "Pewarta", "Editor :", "Copyright", "Diskominfotik DKI dan Kementerian PPPA Sepakat",
    "Dukung Penuh Pengamanan Pilkada di Puncak", "Debat Kedua Pilwalkot Bandung", "D emi terwujudnya", "***",
])
def test_boilerplate_never_becomes_a_passage(seeds, boilerplate):
    for article in seeds.values():
        for passage in _passages(article):
            assert boilerplate not in passage.text


def test_content_survives_cleaning(seeds):
    text = " ".join(p.text for a in seeds.values() for p in _passages(a))
    for fact in ("Muhammad Amin", "Harun Sulianto", "Mukhlisin menambahkan", "Nana Sudjana", "MG Setos Hotel",
                 "bermedia sosial jelang Pilkada 2024.", "Penyuluh Hukum Kemenkumham Babel."):
        assert fact in text


def test_metadata_of_the_seeds(seeds):
    a000, a001, a002, a003, a004 = (seeds[k] for k in sorted(seeds))
    assert (a000.outlet, a000.place, a000.date) == ("ANTARA", "Semarang", "Kamis (26/9)")
    assert a000.title.startswith("Jajaran Kantor Wilayah Kementerian Hukum dan HAM Jawa Tengah")
    assert a001.title == "Lurah dan Camat di Jaksel Diingatkan Jaga Netralitas Saat Pemilu"
    assert a001.date == "Rabu (31/1)"
    assert a002.date == "Rabu (22/2/2023)" and a002.place == "Semarang"
    assert (a003.outlet, a003.place, a003.date) == ("AksaraNewsroom.ID", "Koba", "Selasa (23/01/2024)")
    assert a004.title == "Penjabat Gubernur Jateng Ingatkan ASN Bersikap Netral Saat Pilkada Serentak 2024"
    assert a004.date == "Kamis, 6 Juni 2024"
    assert a000.source == "seeds/000_5694f4041b0bfc12.txt"


def test_initials_and_abbreviations_do_not_end_sentences(seeds):
    article = seeds["000_5694f4041b0bfc12"]
    sentences = [article.text[s:e] for p in _passages(article) for s, e in p.sentences]
    assert any("Anton E. Wardhana memastikan" in s for s in sentences)
    assert not any(s.endswith("Anton E.") for s in sentences)


def test_glued_sentences_are_split():
    text = "Ia berbicara panjang,\" terangnya.Mukhlisin mengajak semua pihak. Dr. Amin setuju."
    article = corpus._article("x", text, "x.txt")
    sentences = [text[s:e] for p in _passages(article) for s, e in p.sentences]
    assert sentences == ["Ia berbicara panjang,\" terangnya.", "Mukhlisin mengajak semua pihak.", "Dr. Amin setuju."]


# Protects against: quadratic clean-up or splitting hanging a build on one huge article.
def test_a_10_mb_article_is_split_into_exact_passages():
    text = "Kalimat panjang tentang netralitas ASN di daerah, kata Bupati Contoh. " * 150_000
    article = corpus._article("huge", text, "huge.txt")
    passages = _passages(article)
    assert len(text) > 10_000_000 and len(passages) > 10_000
    for passage in passages[:: len(passages) // 50]:
        assert text[passage.start : passage.end] == passage.text and len(passage.text.split()) <= 200


def test_an_article_without_punctuation_is_cut_into_windows(tmp_path: Path):
    (tmp_path / "long.txt").write_text("kata " * 5000, encoding="utf-8")
    [article] = corpus.load([tmp_path])
    passages = _passages(article)
    assert len(passages) >= 5_000 // 200
    assert all(len(p.text.split()) <= 200 for p in passages)


def test_jsonl_records_load_with_their_metadata(tmp_path: Path):
    path = tmp_path / "news.jsonl"
    rows = [{"doc_id": "a", "title": "Judul A", "text": "Isi berita pertama. Kalimat kedua.", "url": "https://x.id/a",
             "date": "1 Mei 2024", "source": "kompas"},
            {"doc_id": "b", "title": "", "text": "Berita kedua tanpa judul."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    a, b = corpus.load([path])
    assert (a.title, a.source, a.date, a.outlet) == ("Judul A", "https://x.id/a", "1 Mei 2024", "kompas")
    assert b.title == "Berita kedua tanpa judul." and b.source == "news.jsonl"


@pytest.mark.parametrize("line, message", [
    ('{"doc_id": "a", "text": "ok"}\n{not json}\n', "line 2 is not valid JSON"),
    ('{"doc_id": "a", "title": "t"}\n', "line 1: field 'text' is missing"),
    ('["a", "b"]\n', "line 1 is not a JSON object"),
])
def test_malformed_jsonl_names_the_line(tmp_path: Path, line: str, message: str):
    path = tmp_path / "bad.jsonl"
    path.write_text(line, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        corpus.load([path])


def test_non_utf8_file_is_named_and_replace_is_explicit(tmp_path: Path):
    (tmp_path / "latin.txt").write_bytes("Berita tentang netralitas ASN di Semarang. Caf\xe9 ramai.".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin\.txt is not UTF-8"):
        corpus.load([tmp_path])
    [article] = corpus.load([tmp_path], decode_errors="replace")
    assert "\ufffd" in article.text


def test_empty_files_are_skipped_duplicates_kept_once_and_an_empty_corpus_fails(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Satu berita tentang ASN.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Satu berita tentang ASN.", encoding="utf-8")
    assert [a.doc_id for a in corpus.load([tmp_path])] == ["a"]
    only_empty = tmp_path / "only_empty"
    only_empty.mkdir()
    (only_empty / "x.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no articles found"):
        corpus.load([only_empty])


def test_missing_source_is_named(tmp_path: Path):
    with pytest.raises(CorpusError, match="does-not-exist"):
        corpus.load([tmp_path / "does-not-exist"])


@pytest.mark.parametrize("form", ["lf", "crlf", "cr", "bom", "bom+crlf"])
def test_offsets_point_into_the_article_as_the_readme_reads_it(tmp_path: Path, fake_embedder, form: str):
    """`open(path, encoding="utf-8-sig").read()[start:end]` gives back the passage and the quote, whatever the line endings."""
    from qa.answering.ask import answer_with
    from qa.index.build import build
    from qa.index.engine import open_engine

    source = next(iter(sorted(SEEDS.glob("*.txt")))).read_text(encoding="utf-8")
    text = source.replace("\r\n", "\n")
    data = text.replace("\n", {"lf": "\n", "crlf": "\r\n", "cr": "\r", "bom": "\n", "bom+crlf": "\r\n"}[form]).encode()
    if form.startswith("bom"):
        data = b"\xef\xbb\xbf" + data
    (tmp_path / "src").mkdir()
    path = tmp_path / "src" / "article.txt"
    path.write_bytes(data)
    build([tmp_path / "src"], tmp_path / "index", fake_embedder, progress=False)
    answer = answer_with(open_engine(tmp_path / "index", fake_embedder), "Siapa yang meminta ASN netral?", k=3)
    with open(path, encoding="utf-8-sig") as handle:  # the documented way to read an article (README)
        read = handle.read()
    assert read == text and answer.hits  # overlapping passages of the one article are one (widened) hit
    for hit in answer.hits:
        assert read[hit.start:hit.end] == hit.text and read[hit.quote_start:hit.quote_end] == hit.quote
        assert hit.start > 0 or hit.end > 200  # not only the first line: offsets after line breaks
    assert max(hit.end for hit in answer.hits) > text.index("\n") + 1


# Protects against: a JSONL field of the wrong type ending `qa build` in a traceback (or being indexed as
# "2024" or "['a']"): every field and JSON type is refused in one line naming the file, line and field,
# before anything is written; null in an optional field is the same as leaving it out.
FIELDS = {"doc_id": "j1", "title": "Bawaslu Boyolali", "url": "https://contoh.id/j1", "date": "10 Oktober 2024",
          "source": "Contoh", "text": "Ketua Bawaslu Boyolali, Hasan Basri, meminta ASN tidak hadir di kampanye."}


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("value, kind", [(2024, "a number"), (1.5, "a number"), (["a", "b"], "a list"),
                                         ({"nama": "x"}, "an object"), (True, "true/false"), (None, "null")])
def test_a_jsonl_field_of_the_wrong_type_is_one_line_before_anything_is_written(tmp_path: Path, fake_embedder,
                                                                                 field: str, value, kind: str):
    from qa.index.build import build

    first = {**FIELDS, "doc_id": "j0", "text": "Ketua Bawaslu Klaten meminta ASN netral."}
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps(first) + "\n" + json.dumps({**FIELDS, field: value}) + "\n", encoding="utf-8")
    root = tmp_path / "index"
    if value is None and field not in ("doc_id", "text"):
        build([path], root, fake_embedder, progress=False)
        article = corpus.load([path])[1]
        assert article.doc_id == "j1" and (field != "url" or article.source == "news.jsonl")
        return
    with pytest.raises(CorpusError) as caught:
        build([path], root, fake_embedder, progress=False)
    message = str(caught.value)
    assert "\n" not in message and f"{path} line 2: field '{field}' is {kind}" in message
    assert sorted(p.name for p in root.iterdir()) == [".lock"]  # only the build lock: no build folder, no manifest


@pytest.mark.parametrize("name, field", [("title_num.jsonl", "title"), ("date_num.jsonl", "date")])
def test_qa_build_names_the_file_line_and_field_of_a_number(tmp_path: Path, cli_env: dict, name: str, field: str):
    import subprocess
    import sys

    source = Path(__file__).parent / "data" / "issue18" / "jsonl" / name
    result = subprocess.run([sys.executable, "-m", "qa", "-q", "build", "--source", str(source), "--index",
                             str(tmp_path / "index")], env=cli_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"{name} line 1: field '{field}' is a number (20" in result.stderr


def _shapes() -> dict[str, str]:
    """Texts of every shape a window must overlap in: no punctuation, one giant paragraph, lists, long sentences."""
    words = "pengawasan netralitas aparatur sipil negara dilakukan berkala oleh panwascam bersama tokoh".split()
    run = " ".join(f"{w}{n}" for n in range(60) for w in words)  # 660 distinct words, no punctuation
    sentence = "Bawaslu {n} meminta ASN di kecamatan {n} menjaga netralitas selama tahapan Pilkada berlangsung."
    return {
        "wedi case (no punctuation)": (Path(__file__).parent / "data" / "issue18" / "corpus" / "wedi.txt").read_text(encoding="utf-8"),
        "no punctuation, distinct words": run,
        "one giant paragraph": " ".join(sentence.format(n=n) for n in range(80)),
        "list without periods": "Larangan bagi ASN:\n" + "\n".join(f"- ASN dilarang kegiatan nomor {n} yang mengarah pada keberpihakan calon" for n in range(40)),
        "numbered list": "\n".join(f"{n}. ASN dilarang kegiatan nomor {n} yang mengarah pada keberpihakan" for n in range(1, 41)),
        "sentences of 70 words": " ".join(" ".join(f"kata{n}x{i}" for i in range(69)) + " akhir." for n in range(8)),
        "lines of lower-case text": "\n".join(f"baris {n} tentang netralitas aparatur sipil negara di desa {n} tanpa tanda baca" for n in range(60)),
    }


# Protects against: text without sentence punctuation (or one long paragraph, or a list) cut into windows that
# do not overlap, so that a fact on a cut ("ketua panwascam wedi" | "bernama sulastri rahayu") is in no passage.
@pytest.mark.parametrize("shape", list(_shapes()))
def test_every_window_overlaps_the_next_whatever_the_text(shape: str):
    text = _shapes()[shape]
    passages = split("x", text, ((0, len(text)),))  # the splitting alone (cleaning is tested on its own)
    assert len(passages) >= 3, shape
    for before, after in zip(passages, passages[1:]):
        assert after.start < before.end < after.end, (shape, before.passage_id)  # overlap, and progress
        assert len(text[after.start:before.end].split()) >= 10  # a real overlap, not a shared character
    for passage in passages:
        assert len(passage.text.split()) <= 200 and text[passage.start:passage.end] == passage.text
    # any run of 20 consecutive words of the article is whole in some passage
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    for i in range(len(spans) - 19):
        first, last = spans[i][0], spans[i + 19][1]
        assert any(p.start <= first and last <= p.end for p in passages), (shape, text[first:last])


def test_the_fact_on_the_old_cut_of_the_wedi_case_is_whole_in_a_passage():
    text = _shapes()["wedi case (no punctuation)"]
    article = corpus._article("wedi", text, "wedi.txt")
    assert any("ketua panwascam wedi bernama sulastri rahayu" in p.text for p in _passages(article))


LISTS = [json.loads(line) for line in (Path(__file__).parent / "data" / "issue18" / "lists.jsonl").read_text(encoding="utf-8").splitlines()]


def _kept(text: str) -> list[str]:
    return [text[s:e] for s, e in corpus._article("x", text, "x.txt").blocks]


# Protects against: lists that are content (findings, casualties, rules) dropped as if they were related-article
# lists, and related-article headlines ("Baca juga:" and what follows, "[Baca Juga: ...]", "SIMAK JUGA-...")
# kept as content. Real news text from IndoSum, both ways.
@pytest.mark.parametrize("row", LISTS, ids=[row["doc_id"][:40] for row in LISTS])
def test_content_lists_are_kept_and_related_article_lists_dropped_in_real_news(row: dict):
    blocks = _kept(row["text"])
    for line in row["keep"]:
        assert any(line in block for block in blocks), line
    for line in row["drop"]:
        assert not any(line in block for block in blocks), line


def test_rules_written_as_a_list_are_content_and_a_list_only_file_is_indexed():
    folder = Path(__file__).parent / "data" / "issue18" / "corpus"
    articles = {a.doc_id: a for a in corpus.load([folder])}
    assert "hanya_daftar" in articles  # was skipped as "no text"
    for doc_id, items in (("larangan", ["ASN dilarang menjadi anggota tim kampanye pasangan calon.",
                                        "ASN dilarang memasang spanduk atau baliho calon kepala daerah.",
                                        "termasuk memberikan barang kepada warga."]),
                          ("hanya_daftar", ["Kepala desa dilarang menjadi anggota tim kampanye.",
                                            "Sanksi bagi kepala desa yang melanggar adalah pemberhentian sementara."])):
        article = articles[doc_id]
        passages = " ".join(p.text for p in _passages(article))
        for item in items:
            assert item in passages, (doc_id, item)
    assert articles["hanya_daftar"].title == "Kepala desa dilarang menjadi anggota tim kampanye."  # no "- " in titles
    assert articles["larangan"].title == "Larangan bagi ASN Selama Pilkada"


def test_a_trailing_list_of_other_headlines_is_dropped_but_not_one_introduced_by_a_colon():
    story = "Ketua Bawaslu Jateng Muhammad Amin meminta ASN netral selama Pilkada 2024.\n"
    headlines = ("- Dukung Penuh Pengamanan Pilkada di Puncak, Tim Asistensi Operasi Damai Cartenz 2024 Turun Gunung\n"
                 "- Putusan MK jadi Kekuatan Bawaslu Awasi ASN, TNI, Polri, hingga Kades yang Tak Netral\n")
    assert not any("Dukung Penuh" in block for block in _kept(story + headlines))
    assert any("Dukung Penuh" in block for block in _kept(story + "Ia menyebut dua agenda:\n" + headlines))
    short = "- Tertib Kampanye\n- Netral Saat Pilkada\n"  # short title-case items: a content list, not headlines
    assert any("Netral Saat Pilkada" in block for block in _kept(story + short))


@pytest.mark.parametrize("suffixes", [(".TXT", ".JSONL"), (".Txt", ".JsonL")])
def test_suffixes_are_read_in_any_case_and_a_folder_names_what_it_passes_over(tmp_path: Path, caplog, suffixes):
    import logging

    from documents_made import make_docx, make_pdf

    folder = tmp_path / "src"
    folder.mkdir()
    text_suffix, jsonl_suffix = suffixes
    (folder / f"PENGUMUMAN{text_suffix}").write_text("Sekda Sukamaju, Andi Wijaya, melarang ASN berkampanye.\n", encoding="utf-8")
    (folder / f"ARSIP{jsonl_suffix}").write_text(json.dumps({"doc_id": "arsip-1", "title": "Arsip", "text":
                                                             "Kepala BKPSDM menegur dua ASN."}) + "\n", encoding="utf-8")
    make_pdf(folder / "PEDOMAN.PDF")
    make_docx(folder / "Edaran.DocX")
    (folder / "catatan.md").write_text("# catatan rapat\n", encoding="utf-8")
    (folder / "foto.jpeg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    with caplog.at_level(logging.WARNING):
        loaded = corpus.load([folder])
    assert sorted(a.doc_id for a in loaded) == ["Edaran.DocX", "PEDOMAN.PDF", "PENGUMUMAN", "arsip-1"]
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("skipping")]
    assert len(skipped) == 2, skipped  # one line per file passed over, none for a hidden file
    for name, suffix in (("catatan.md", "'.md'"), ("foto.jpeg", "'.jpeg'")):
        (line,) = [m for m in skipped if name in m]
        assert line.startswith(f"skipping {folder / name}: its suffix {suffix} is none of .docx, .htm, .html, .jsonl")
        assert "\n" not in line
    for single in (f"PENGUMUMAN{text_suffix}", f"ARSIP{jsonl_suffix}", "PEDOMAN.PDF"):
        assert len(corpus.load([folder / single])) == 1  # a single upper-case --source is a source too
    with pytest.raises(CorpusError, match=r"catatan\.md' is not a .docx, .htm, .html, .jsonl, .pdf, .txt, .xhtml file"):
        corpus.load([folder / "catatan.md"])
