"""Retrieval quality: tokens, sentence scoring, fusion, duplicates, abstention fit, and the seed question file."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT
from qa.answering import abstain, quote
from qa.answering.ask import answer_with
from qa.answering.evaluate import gold_ids, judge, read_questions
from qa.config import DEFAULT_MODEL
from qa.corpus.articles import load
from qa.corpus.passages import split
from qa.index import lexical
from qa.index.build import build, context_line, indexed_text
from qa.index.engine import open_engine
from qa.index.store import read_manifest
from qa.models.calibration import calibration_for

SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
# Recorded with the default model and backend on the 70 answerable questions of the file (yes/no and "Siapa"
# questions added to the first 45), about 0.02 under what was measured; a drop below fails.
SEED_FLOORS = {  # retrieval alone (the default), and retrieval + the trained reader (measured 0.957 / 0.857 / 0.986 /
    # 0.786 / 0.843, and with the full-depth reader of issue 16 (run 3), off by default, 0.900 / 0.886 / 1.000 / 0.729 /
    # 0.743: re-recorded for that reader, which orders and decides worse than retrieval alone: bench/RESULTS.md
    # "reader-quality")
    # "right": answered and right, of the answerable questions; "wrong": answered and wrong, of all (a ceiling):
    # qa.answering.evaluate.judge, as bench/selective.py counts them (measured 0.614 / 0.099 and, with the reader
    # vetoing and filling in retrieval's answer (qa/answering/decide.py) and curly quotes dropped by holds(), 2026-12-03:
    # 0.943 / 0.914 / 1.000 / 0.800 / 0.657 / 0.079)
    False: {"article@1": 0.94, "passage@1": 0.84, "passage@5": 0.97, "quote": 0.77, "right": 0.58, "wrong": 0.11},
    True: {"article@1": 0.92, "passage@1": 0.89, "passage@5": 0.97, "quote": 0.78, "right": 0.63, "wrong": 0.10},
}


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


@pytest.mark.parametrize("text, standard", [
    ("yg gak netral", "tidak netral"),
    ("pns", "pns asn pegawai negeri sipil"),
    ("Sekda Jateng", "sekda sekretaris daerah jateng jawa tengah"),
    ("pilkda", "pilkada pemilihan kepala daerah"),
    ("ngarahin diadain", "mengarahkan diadakan"),
    ("Who opened the counseling?", "opened dibuka counseling penyuluhan"),
    ("ketidaknetralan", "ketidaknetralan netral"),
])
def test_tokens_normalise_informal_words_acronyms_and_english(text, standard):
    """Informal words, acronyms and English give the tokens of the standard Indonesian words (whatever their stems)."""
    assert lexical.tokenize(text) == lexical.tokenize(standard, expand=False)
    assert len(set(lexical.tokenize(standard, expand=False))) == len(standard.split())  # no two words stem alike


def test_root_words_the_stemmer_strips_meet_their_derived_forms():
    assert lexical.tokenize("media", expand=False) == lexical.tokenize("bermedia", expand=False) == ["media"]
    assert lexical.tokenize("menteri", expand=False) == lexical.tokenize("kementerian", expand=False)
    assert "media" in lexical.tokenize("medsos")  # the short form's phrase too
    assert lexical.tokenize("dia", expand=False) != lexical.tokenize("media", expand=False)


@pytest.mark.parametrize("typed, read", [
    ("kemenkumham jateng ngingetin soal medsos jelang pilkada gak?",
     "kemenkumham jateng mengingatkan soal medsos jelang pilkada tidak?"),
    ("pns boleh ga ngarahin warga buat milih parpol?", "pns boleh tidak mengarahkan warga buat memilih parpol?"),
    ("Berlangsung dimanakah SEA Games XXII?", "Berlangsung dimanakah SEA Games XXII?"),  # formal: as typed
    ("Siapa Ketua Bawaslu Jateng?", "Siapa Ketua Bawaslu Jateng?"),
])
def test_the_dense_query_reads_informal_spellings_in_their_standard_form(typed, read):
    assert lexical.standard(typed) == read


def test_words_that_only_look_informal_stay():
    assert [lexical.informal(w) for w in ("dingin", "pemimpin", "ingin", "ngarahin")] == ["dingin", "pemimpin", "ingin", "mengarahkan"]


def test_glossaries_never_map_a_word_to_itself():
    for table in (lexical.EXPAND, lexical.ENGLISH, lexical.NORMALISE):
        assert all(key not in value.split() for key, value in table.items())


@pytest.mark.parametrize("question, kind", [
    ("Siapa Sekda Jateng?", "person"), ("Who opened it?", "person"), ("kapan deklarasinya?", "date"),
    ("Di hotel mana rakor digelar?", "place"), ("Where was it held?", "place"), ("Berapa ASN yang hadir?", "number"),
    ("knp asn harus netral?", "reason"), ("Apa arti netralitas?", None),
])
def test_question_kinds(question, kind):
    assert quote.asks_for(question) == kind


def test_a_short_form_and_its_phrase_count_once():
    idf = {"sekda": 3.0, "sekretaris": 2.0, "daerah": 1.0, "jateng": 2.0, "jawa": 1.0, "tengah": 1.0}
    q = quote.Question("Siapa Sekda Jateng?", idf)
    assert q.coverage("Sekretaris Daerah Provinsi Jawa Tengah, Sumarno") == pytest.approx(1.0)
    assert q.coverage("ujar sekda di Jateng") == pytest.approx(1.0)
    assert q.coverage("di Jawa") == pytest.approx(0.5 * 2 / 5)


def test_the_quote_is_the_sentence_that_answers():
    text = ("Kegiatan digelar di Ruang Rapat VIP Kantor Bupati Bateng, Selasa (23/01/2024). "
            "Penyuluhan dibuka langsung oleh Kepala Kantor Perwakilan Kemenkumham Babel, Harun Sulianto. "
            "Wabup berharap penyuluhan ini memotivasi jajaran.")
    spans = ((0, 82), (83, 178), (179, len(text)))
    for question, needle in (("Who opened the legal counseling in Bangka Tengah?", "Harun Sulianto"),
                             ("Kapan penyuluhan di Bateng?", "(23/01/2024)"),
                             ("Siapa yang membuka penyuluhan?", "Harun Sulianto")):
        start, end = quote.best_sentence(quote.prepare(question, {}), text, spans)
        assert needle in text[start:end], question


def test_the_title_is_indexed_once(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Satu dua tiga empat lima enam tujuh. Delapan sembilan sepuluh.\n", encoding="utf-8")
    article = load([tmp_path])[0]
    passage = split(article.doc_id, article.text, article.blocks)[0]
    assert article.title.rstrip("…") in passage.text
    assert context_line(article, passage) == "" and indexed_text(article, passage) == passage.text
    assert context_line(article) == article.title


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    story = ("Bawaslu Jawa Tengah mengingatkan seluruh ASN agar menjaga netralitas selama tahapan Pilkada 2024 "
             "berlangsung di semua kabupaten dan kota.")
    (folder / "a.txt").write_text(f"Judul A Tentang Netralitas\nSemarang (ANTARA) - {story}\n", encoding="utf-8")
    (folder / "b.txt").write_text(f"Judul B Lain Sekali\n{story} Hal itu disampaikan Kamis (26/9).\n", encoding="utf-8")
    (folder / "c.txt").write_text("Judul C Lain\nHarga cabai di pasar naik tajam minggu ini.\n", encoding="utf-8")
    return folder


def test_one_story_in_two_articles_is_one_result_with_also_in(tmp_path: Path, fake_embedder):
    root = tmp_path / "index"
    build([_corpus(tmp_path / "src")], root, fake_embedder, progress=False)
    engine = open_engine(root, fake_embedder)
    answer = answer_with(engine, "Bawaslu mengingatkan ASN menjaga netralitas pilkada", k=3)
    top = answer.hits[0]
    assert "Bawaslu Jawa Tengah" in top.text
    assert [c.doc_id for c in top.also_in] == [({"a", "b"} - {top.doc_id}).pop()]
    assert len({(h.doc_id, h.text) for h in answer.hits}) == len(answer.hits)
    assert all("Bawaslu Jawa Tengah" not in h.text for h in answer.hits[1:])


@pytest.mark.parametrize("weight", [0.0, 1.0, None])
def test_every_mode_ranks_the_matching_passage_first(tmp_path: Path, fake_embedder, weight):
    root = tmp_path / "index"
    build([_corpus(tmp_path / "src")], root, fake_embedder, progress=False)
    answer = answer_with(open_engine(root, fake_embedder), "harga cabai di pasar", k=2, dense_weight=weight)
    assert answer.hits[0].doc_id == "c"


def test_a_tokens_change_rebuilds_bm25_and_reuses_embeddings(tmp_path: Path, fake_embedder, monkeypatch):
    root = tmp_path / "index"
    src = _corpus(tmp_path / "src")
    build([src], root, fake_embedder, progress=False)
    assert read_manifest(root)["spec"]["lexical_tokens"] == lexical.TOKENS_VERSION
    monkeypatch.setattr(sys.modules["qa.index.build"], "TOKENS_VERSION", lexical.TOKENS_VERSION + 1)
    result = build([src], root, fake_embedder, progress=False)
    assert not result.skipped and result.embedded == 0


def test_abstention_weights_cover_every_feature_and_the_score_rises_with_evidence():
    fitted = calibration_for(DEFAULT_MODEL, "onnx-int8")
    assert fitted.name == "intfloat_multilingual-e5-small__onnx-int8" and set(fitted.weights) == {"bias", *abstain.NAMES}
    weak = dict.fromkeys(abstain.NAMES, 0.0) | {"dense_top": 0.78}
    strong = weak | {"dense_top": 0.9, "quote_coverage": 1.0, "coverage": 1.0}
    assert abstain.score(strong, fitted) > fitted.threshold > abstain.score(weak, fitted)


def test_the_seed_question_file_is_well_formed():
    rows = read_questions(SEED_QUESTIONS)
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}
    kinds = Counter(r["kind"] for r in rows)
    assert len(rows) >= 90 and len({r["qid"] for r in rows}) == len(rows)
    assert {"factoid", "paraphrase", "english", "informal", "offtopic"} <= set(kinds)
    assert kinds["yesno"] >= 15 and kinds["unanswerable"] + kinds["falsepremise"] >= 15
    for row in rows:
        if row["answerable"]:
            assert row["answer"] in seeds[row["gold_doc_id"]] and row["answer"] == row["all_answers"][0], row["qid"]
            assert all(any(a in seeds[d] for d in gold_ids(row)) for a in row["all_answers"]), row["qid"]
        else:  # gold_doc_id, where given, is the closest article (as IDK-MRC names a near-miss paragraph)
            assert row["answer"] is None and not row["gold_doc_ids"] and row["gold_doc_id"] in {None, *seeds}


@pytest.mark.parametrize("reader", [True, False], ids=["reader", "retrieval-only"])
def test_seed_questions_meet_the_recorded_quality(real_engine, reader: bool):
    rows = read_questions(SEED_QUESTIONS)
    article1 = passage1 = passage5 = quoted = 0
    answerable = [r for r in rows if r["answerable"]]
    judged = Counter()
    for row in rows:
        answer = answer_with(real_engine, row["question"], k=5, reader=reader)
        judged[judge(row, answer)] += 1
        if row["kind"] == "offtopic":
            assert answer.outcome == "no_answer", row["question"]
        if not row["answerable"]:
            assert answer.outcome != "answered" or row["kind"] not in ("falsepremise",), row["question"]
            continue
        gold, wanted = gold_ids(row), _normal(row["answer"])
        holds = [h.doc_id in gold and wanted in _normal(h.text) for h in answer.hits]
        article1 += answer.hits[0].doc_id in gold
        passage1 += holds[0]
        passage5 += any(holds)
        quoted += answer.hits[0].doc_id in gold and wanted in _normal(answer.hits[0].quote)
    n = len(answerable)
    measured = {"article@1": article1 / n, "passage@1": passage1 / n, "passage@5": passage5 / n, "quote": quoted / n,
                "right": judged["right"] / n, "wrong": judged["wrong"] / len(rows)}
    floors = SEED_FLOORS[reader]
    assert all(measured[name] >= floor for name, floor in floors.items() if name != "wrong"), json.dumps(measured)
    assert measured["wrong"] <= floors["wrong"], json.dumps(measured)


@pytest.mark.parametrize("question, needle", [
    ("Siapa Sekda Jateng?", "Sumarno"),
    ("Who opened the legal counseling in Bangka Tengah?", "Penyuluhan dibuka langsung oleh"),
])
def test_the_quote_names_the_answer(real_engine, question, needle):
    assert needle in answer_with(real_engine, question, k=5).hits[0].quote


def test_lexical_retrieval_on_facqa_dev(benchmarks: Path, tmp_path: Path, fake_embedder):
    root = tmp_path / "facqa"
    build([benchmarks / "facqa" / "corpus.jsonl"], root, fake_embedder, progress=False)
    engine = open_engine(root, fake_embedder)
    rows = read_questions(benchmarks / "facqa" / "questions_dev.jsonl")
    first = sum(answer_with(engine, r["question"], k=1, dense_weight=0.0).hits[0].doc_id in gold_ids(r) for r in rows)
    assert first / len(rows) >= 0.78  # 0.785 recorded; plain word BM25 gets 0.775


ISSUE18 = ROOT / "tests" / "data" / "issue18" / "corpus"


# Protects against: articles written from one template (same wording, another town and chair) folded into one
# hit's "also in", hiding the other chairs. What differs where the words align decides, not the share of words.
def test_articles_that_differ_in_a_name_number_date_or_place_are_different_stories(tmp_path: Path, fake_embedder):
    from qa.answering.retrieve import same_particulars

    story = "Ketua Bawaslu Pati, Citra Dewi, meminta 12 ASN netral pada Kamis (26/9) di Pati."
    for changed in ("Citra Dewi", "12", "26/9", "Kamis"):
        other = story.replace(changed, {"Citra Dewi": "Agus Salim", "12": "15", "26/9": "27/9", "Kamis": "Jumat"}[changed])
        assert not same_particulars(story, other), changed
    assert same_particulars(story, "Semarang (ANTARA) - " + story + " Hal itu disampaikan di kantornya.")  # a reprint
    assert same_particulars(story, story.replace("meminta", "mengimbau"))  # other wording, same particulars
    root = tmp_path / "index"
    templates = [ISSUE18 / f"{town}.txt" for town in ("pati", "blora", "kudus", "rembang")]
    build(templates, root, fake_embedder, progress=False)
    answer = answer_with(open_engine(root, fake_embedder), "Siapa Ketua Bawaslu Pati?", k=4)
    assert sorted(h.doc_id for h in answer.hits) == ["blora", "kudus", "pati", "rembang"]
    assert all(not h.also_in for h in answer.hits)


# Protects against: two hits that show the reader the same thing (neighbouring passages of one article with one
# quote, or the same quote or answer from two articles): every answer's hits are distinct, whatever the question.
@pytest.mark.parametrize("k", [5, 10])
def test_no_two_hits_overlap_or_share_a_quote(tmp_path_factory, k: int):
    from fakes import HashEmbedder
    from qa.answering.results import same_hit

    root = tmp_path_factory.mktemp("distinct") / "index"
    build([ROOT / "seeds", ISSUE18], root, HashEmbedder(), progress=False)
    engine = open_engine(root, HashEmbedder())
    questions = [row["question"] for row in read_questions(SEED_QUESTIONS)]
    questions += ["Berapa ASN yang dipanggil Bawaslu Salatiga untuk klarifikasi?", "Siapa ketua panwascam Wedi?"]
    for question in questions:
        hits = answer_with(engine, question, k=k).hits
        assert len(hits) == k  # folded hits are replaced by the next distinct ones
        for i, a in enumerate(hits):
            for b in hits[i + 1:]:
                assert not same_hit(a, b), (question, a.passage_id, b.passage_id)


def test_a_passage_bridging_two_hits_of_one_article_makes_them_one():
    from qa.answering.results import Hit, add_distinct

    text = "".join(f"Kalimat nomor {n} tentang netralitas ASN. " for n in range(30))

    def hit(start: int, end: int, doc: str = "a") -> Hit:
        return Hit(rank=1, score=0.0, doc_id=doc, passage_id=f"{doc}#{start}", title="t", outlet="", date="",
                   source="s", text=text[start:end], start=start, end=end, quote=text[start:start + 20],
                   quote_start=start, quote_end=start + 20)

    hits = add_distinct(add_distinct([], hit(0, 300)), hit(500, 800))
    assert len(hits) == 2
    hits = add_distinct(hits, hit(250, 550))  # overlaps both: all three are one hit, none of the text lost
    assert len(hits) == 1 and (hits[0].start, hits[0].end) == (0, 800) and hits[0].text == text[0:800]
    hits = add_distinct(hits, hit(0, 200, doc="b"))  # another article with the same quote: "also in"
    assert len(hits) == 1 and [c.doc_id for c in hits[0].also_in] == ["b"]


INVISIBLE_CHARACTERS = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
_TWIN = ("Panwascam {place} Gelar Apel Netralitas\n\n{place} - Ketua Panwascam {place}, {name}, memimpin apel netralitas "
         "ASN di halaman kantor kecamatan pada Senin pagi. {first} meminta seluruh pegawai kecamatan tidak mengunggah "
         "dukungan untuk calon bupati.\n")


def _hidden(text: str, mark: str) -> str:
    """``text`` with ``mark`` inside its longer words, as hyphenation points copied from a web page are."""
    return re.sub(r"\b(\w{4})(\w{3,})", lambda m: m.group(1) + mark + m.group(2), text)


@pytest.mark.parametrize("mark", INVISIBLE_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_inside_words_split_no_token(mark: str):
    text = "Ketua Panwascam Cilingkar, Fitri Anggun Margaretha, memimpin apel netralitas ASN."
    assert lexical.tokenize(_hidden(text, mark)) == lexical.tokenize(text)
    assert lexical.tokenize(f"{mark}Panwascam{mark}") == lexical.tokenize("Panwascam")


@pytest.mark.parametrize("mark", INVISIBLE_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_an_article_with_invisible_characters_answers_and_keeps_its_text(tmp_path: Path, fake_embedder, mark: str):
    from qa.answering.ask import answer_with
    from qa.index.build import build
    from qa.index.engine import open_engine

    folder = tmp_path / "src"
    folder.mkdir()
    hidden = _hidden(_TWIN.format(place="Cilingkar", name="Fitri Anggun Margaretha", first="Fitri"), mark)
    assert hidden.count(mark) > 10
    (folder / "cilingkar.txt").write_text(hidden, encoding="utf-8")
    (folder / "cibodas.txt").write_text(_TWIN.format(place="Cibodas", name="Rudi Hartono Siregar", first="Rudi"),
                                        encoding="utf-8")
    build([folder], tmp_path / "index", fake_embedder, progress=False)
    engine = open_engine(tmp_path / "index", fake_embedder)
    hit = answer_with(engine, "Siapa Ketua Panwascam Cilingkar?", k=2, reader=False).hits[0]
    assert hit.doc_id == "cilingkar" and "Fitri Anggun Margaretha" in lexical.visible(hit.quote)
    article = engine.index.articles["cilingkar"]
    assert article.text == hidden  # stored exactly as read, invisible characters and all
    assert article.text[hit.quote_start:hit.quote_end] == hit.quote and article.text[hit.start:hit.end] == hit.text
