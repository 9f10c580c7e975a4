"""Augmentations of the reader's training pairs: seeded, reproducible, generated from the train files and IndoSum.

    .venv/bin/python train/augment.py [--data ../shared/benchmarks] [--out ~/.cache/qa/train-reader/augment.jsonl]

Four kinds, each a :class:`train.reader_data.Pair` written as one JSONL record (``kind`` says which):

- ``informal``: a training question rewritten as people type it in a chat box: lower case, no
  question mark, informal spellings (``yang`` → ``yg``, ``tidak`` → ``gak``), a trailing ``sih`` /
  ``ya`` / ``gak``; same context and answer.
- ``yesno``: "Apakah/Bolehkah X boleh Y?", "X boleh Y gak?" built from a sentence of a news or training
  context that states the rule (``dilarang``, ``tidak boleh``, ``wajib``, ``harus``, ``boleh``, ``berhak``);
  the answer is the deciding clause as written (``dilarang menjadi relawan``).
- ``falsepremise``: an answerable question with its role, place or year swapped for one its context does
  not name (Wali Kota ↔ Wakil Wali Kota, Jawa Tengah → Jawa Barat, 2016 → 2019): no answer. IDK-MRC made
  its unanswerable questions this way.
- ``role``: "Siapa <jabatan>?" from an appositive in a news sentence ("Henry Tanoto, Wakil Presiden
  Direktur PT Toyota Astra Motor, …"): the answer is the name, never the role.

Only ``../shared/benchmarks/train/*.jsonl`` and ``indosum_news/corpus.jsonl`` are read: never the dev
files, the seeds or ``tests/data/seed_questions.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from train.reader_data import Pair, load_pairs  # noqa: E402

INFORMAL = {"yang": "yg", "tidak": ["gak", "ga", "nggak", "tdk"], "dengan": "dgn", "untuk": "utk", "sudah": "udah",
            "bagaimana": "gimana", "kenapa": "knp", "karena": "krn", "saja": "aja", "dari": "dr", "dalam": "dlm",
            "berapa": "brp", "apakah": "apa", "siapakah": "siapa", "kapankah": "kapan", "dimanakah": "dimana",
            "apa": "apaan", "kalau": "kalo", "juga": "jg", "belum": "blm", "harus": "hrs", "bisa": "bs", "orang": "org"}
TAILS = ["", "", " sih", " ya", " sih?", " kak", " gan"]
RULES = {"dilarang": "Tidak boleh", "tidak boleh": "Tidak boleh", "tak boleh": "Tidak boleh", "wajib": "Wajib",
         "harus": "Wajib", "boleh": "Boleh", "berhak": "Boleh", "diperbolehkan": "Boleh", "diizinkan": "Boleh"}
RULE = re.compile(r"(?<![\w-])(tidak boleh|tak boleh|dilarang|diperbolehkan|diizinkan|wajib|harus|boleh|berhak)(?![\w-])")
ROLES = [("Wakil Wali Kota", "Wali Kota"), ("Wakil Bupati", "Bupati"), ("Wakil Gubernur", "Gubernur"),
         ("Wakil Presiden", "Presiden"), ("Wakil Ketua", "Ketua"), ("Wakil Menteri", "Menteri"),
         ("Wakil Direktur", "Direktur"), ("Wakil Kepala", "Kepala"), ("Sekretaris Jenderal", "Ketua Umum"),
         ("Kapolres", "Dandim"), ("Kapolda", "Pangdam"), ("Sekretaris", "Bendahara"), ("pelatih", "kapten"),
         ("ayah", "ibu"), ("suami", "istri"), ("kakak", "adik")]
PLACES = ["Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu", "Lampung",
          "Bangka Belitung", "Banten", "Jawa Barat", "Jawa Tengah", "Jawa Timur", "Yogyakarta", "Bali",
          "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan",
          "Kalimantan Timur", "Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan", "Gorontalo", "Maluku", "Papua",
          "Jakarta", "Bandung", "Surabaya", "Semarang", "Medan", "Makassar", "Palembang", "Malang", "Solo",
          "Bogor", "Depok", "Bekasi", "Tangerang", "Padang", "Pekanbaru", "Pontianak", "Manado", "Denpasar",
          "Indonesia", "Malaysia", "Singapura", "Jepang", "Tiongkok", "Amerika Serikat", "Inggris", "Belanda",
          "Prancis", "Jerman", "Australia", "India", "Korea Selatan", "Thailand", "Filipina", "Arab Saudi"]
ROLE_WORDS = ("Ketua", "Wakil", "Kepala", "Direktur", "Menteri", "Gubernur", "Bupati", "Wali Kota", "Sekretaris",
              "Presiden", "Kapolres", "Kapolda", "Kapolri", "Komisioner", "Anggota", "Juru Bicara", "Manajer",
              "Pelatih", "Camat", "Kepala", "Plt", "Pj", "Koordinator", "Panglima", "Jaksa", "Hakim", "Rektor", "Dekan")
CAP = r"(?:[A-Z][a-z'\-]+|[A-Z]{2,}|RI|dan)"
# "kata Ketua Kadin Jawa Barat Agung Suryamal," : a role word, its office (capitalised words), then a two-word name
TITLED = re.compile(rf"\b((?:{'|'.join(ROLE_WORDS)})(?: {CAP}){{1,5}}) ([A-Z][a-z'\-]+ [A-Z][a-z'\-]+)(?=,| (?:mengatakan|menjelaskan|"
                    rf"menyatakan|mengungkapkan|menegaskan|menuturkan|saat|ketika|di|dalam|yang|pada|kepada)\b)")
NOT_NAMES = frozenset("Kabupaten Kota Provinsi Jawa Negeri Bidang Politik Hukum Dalam Luar Umum Besar Jenderal Daerah Negara "
                      "Republik Indonesia Pemerintahan Keamanan Perekonomian Kemaritiman Pembangunan Sosial Kesehatan "
                      "Pendidikan Agama Pertahanan Keuangan Utara Selatan Barat Timur Tengah Pusat Perdagangan".split())
YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")


def informal(pair: Pair, rng: random.Random) -> Pair | None:
    """The question as typed in a chat box; None when nothing could be made informal."""
    words = pair.question.rstrip("?").strip().lower().split()
    changed = 0
    for i, word in enumerate(words):
        swap = INFORMAL.get(word)
        if swap and rng.random() < 0.8:
            words[i] = rng.choice(swap) if isinstance(swap, list) else swap
            changed += 1
    question = " ".join(words) + rng.choice(TAILS)
    if question == pair.question:
        return None
    return Pair(pair.question_id + "~informal", question, pair.context, pair.answer, pair.answer_start, pair.answers)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences: cut after . ! ? followed by a space and a capital or a quote."""
    spans, start = [], 0
    for m in re.finditer(r"[.!?](?=\s+[\"'“A-Z])|\n+", text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans if text[s:e].strip()]


def context_around(text: str, start: int, end: int, rng: random.Random, width: int = 700) -> tuple[str, int]:
    """A slice of ``text`` of about ``width`` characters holding ``start..end``, cut at whitespace; and its offset."""
    before = rng.randint(0, max(0, width - (end - start)))
    lo, hi = max(0, start - before), min(len(text), end + width - before)
    lo = text.rfind(" ", 0, lo) + 1 if lo else 0
    hi = text.find(" ", hi) if text.find(" ", hi) >= 0 else len(text)
    return text[lo:hi], lo


def yesno(doc_id: str, text: str, rng: random.Random) -> list[Pair]:
    """Yes/no questions from the sentences of ``text`` that state a rule, answered by the deciding clause."""
    out = []
    for s, e in sentences(text):
        sentence = text[s:e]
        m = RULE.search(sentence)
        if not m:
            continue
        head = sentence[: m.start()].rstrip(" ,")
        head = re.split(r"[,;:]| bahwa | jika | agar | yang ", head)[-1].strip()
        subject = " ".join(head.split()[-5:])
        rest = re.split(r"[,;:.!?\"”]| karena | sebab | sehingga | namun ", sentence[m.end():])[0].strip()
        predicate = " ".join(rest.split()[:10])
        if not (1 <= len(subject.split()) <= 5 and 2 <= len(predicate.split())) or not re.search(r"[a-zA-Z]", subject):
            continue
        rule = m.group(1)
        if rule == "harus" and rng.random() < 0.7:
            continue  # "harus" is most of news text's rule words and often no rule at all
        if head.split() and head.split()[0].lower() in ("jadi", "pun", "bakal", "akan", "yang", "itu", "maka"):
            continue
        clause_start = s + m.start()
        clause = text[clause_start: s + m.end() + sentence[m.end():].find(predicate) + len(predicate)] \
            if predicate in sentence[m.end():] else ""
        if not clause:
            continue
        verb = "wajib" if RULES[rule] == "Wajib" else "boleh"
        subject_q = subject[0].lower() + subject[1:] if not subject[:2].isupper() else subject
        form = rng.randrange(4)
        question = [f"Apakah {subject_q} {verb} {predicate}?", f"Bolehkah {subject_q} {predicate}?",
                    f"{subject_q} {verb} {predicate} gak?", f"apa {subject_q.lower()} {verb} {predicate.lower()}"][form]
        if verb == "wajib" and form == 1:
            question = f"Apakah {subject_q} harus {predicate}?"
        context, offset = context_around(text, clause_start, clause_start + len(clause), rng)
        out.append(Pair(f"{doc_id}~yesno{s}", question, context, clause, clause_start - offset, (clause,)))
    return out


def _absent(phrase: str, context: str) -> bool:
    """``phrase`` does not stand in ``context`` as a word, nor after "Wakil" (so "Presiden" in "Wakil Presiden" counts)."""
    return re.search(rf"(?<![\w]){re.escape(phrase.lower())}(?![\w])", context.lower()) is None


def false_premise(pair: Pair, rng: random.Random) -> Pair | None:
    """The question with a role, place or year swapped for one its context does not name; no answer."""
    q = pair.question
    options = []
    for a, b in ROLES:
        for old, new in ((a, b), (b, a)):
            if re.search(rf"(?<![\w]){re.escape(old)}(?![\w])", q, re.IGNORECASE) and _absent(new, pair.context):
                if old == b and re.search(rf"wakil {re.escape(b)}", q, re.IGNORECASE):
                    continue  # "Wakil Ketua" holds "Ketua": swap the longer form only
                options.append((old, new))
    for place in PLACES:
        if re.search(rf"\b{re.escape(place)}\b", q):
            others = [p for p in PLACES if _absent(p, pair.context) and p != place]
            options += [(place, rng.choice(others))] if others else []
    for year in YEAR.findall(q):
        new = str(int(year) + rng.choice([-3, -2, 2, 3, 5]))
        if _absent(new, pair.context):
            options.append((year, new))
    if not options:
        return None
    old, new = rng.choice(options)
    question = re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", new, q, count=1, flags=re.IGNORECASE)
    return Pair(pair.question_id + "~premise", question, pair.context, "", -1, pair.answers)


def roles(doc_id: str, text: str, rng: random.Random) -> list[Pair]:
    """"Siapa <role>?" → the name an appositive gives for that role."""
    out = []
    for m in TITLED.finditer(text):
        role, name = m.group(1).strip(), m.group(2)
        if role.split()[-1] == "dan" or any(w in NOT_NAMES or w in ROLE_WORDS for w in name.split()):
            continue
        question = rng.choice([f"Siapa {role}?", f"Siapakah {role}?", f"siapa {role.lower()}", f"Siapa nama {role}?"])
        start = m.start(2)
        context, offset = context_around(text, m.start(1), m.end(2), rng)
        out.append(Pair(f"{doc_id}~role{start}", question, context, name, start - offset, (name,)))
    return out


def generate(train: list[Pair], news: list[tuple[str, str]], seed: int, informal_share: float = 0.15,
             premise_share: float = 0.5, per_kind: int = 2500) -> list[tuple[str, Pair]]:
    """(kind, pair) for every augmentation, in a seeded order; at most ``per_kind`` of the yes/no and role kinds."""
    rng = random.Random(seed)
    indonesian = [p for p in train if p.answer_start >= 0 and not re.search(r"\b(what|who|when|where|which|how)\b", p.question.lower())]
    out: list[tuple[str, Pair]] = []
    for pair in indonesian:
        if rng.random() < informal_share and (made := informal(pair, rng)):
            out.append(("informal", made))
        if rng.random() < premise_share and (made := false_premise(pair, rng)):
            out.append(("falsepremise", made))
    contexts = [(p.question_id, p.context) for p in {p.context: p for p in indonesian}.values()]
    made_yesno = [x for doc, text in news + contexts for x in yesno(doc, text, rng)]
    made_roles = [x for doc, text in news for x in roles(doc, text, rng)]
    rng.shuffle(made_yesno)
    rng.shuffle(made_roles)
    out += [("yesno", p) for p in made_yesno[:per_kind]] + [("role", p) for p in made_roles[:per_kind]]
    for _, p in out:  # every span is verbatim in its context
        assert p.answer_start < 0 or p.context[p.answer_start: p.answer_start + len(p.answer)] == p.answer, p
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    p.add_argument("--out", type=Path, default=Path.home() / ".cache" / "qa" / "train-reader" / "augment.jsonl")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    train = load_pairs(sorted((args.data / "train").glob("*.jsonl")))
    news = [(r["doc_id"], r["text"]) for r in map(json.loads, (args.data / "indosum_news" / "corpus.jsonl").open(encoding="utf-8"))]
    made = generate(train, news, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for kind, pair in made:
            f.write(json.dumps({"kind": kind, **asdict(pair)}, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for kind, _ in made:
        counts[kind] = counts.get(kind, 0) + 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
