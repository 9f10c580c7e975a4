"""What someone said about a topic ("Apa kata Era soal media sosial?", "What did she say about the campaign?"): the
topic a question asks about, whether a sentence quotes anyone, and who holds an office in an article (the speaker
of a quote is often named by office in one sentence and by name in the next). :mod:`qa.answering.verify` checks such
an answer with these. Pure functions over strings.
"""

from __future__ import annotations

import re

from qa.answering import lexicon
from qa.index.lexical import EXPAND, terms, tokenize


# "Apa kata X soal Y?", "Apa pesannya soal medsos?", "Dia bilang apa tentang kampanye?", "What did she say about the
# campaign?": what someone said about a topic. The speaker is among the constraints (a person, an office).
_SAID = (r"(?:kata|pesan|imbauan|himbauan|saran|harapan|pendapat|tanggapan|komentar|ujar|penjelasan|arahan|ajakan)(?:nya)?")
_SAID_ABOUT = re.compile(rf"(?:\bapa\s+(?:saja\s+|aja\s+)?{_SAID}\b|\b{_SAID}\s+(?:\S+\s+){{0,4}}apa\b|"
                         r"\b(?:bilang|ngomong|berkata|berpesan|mengatakan)\s+apa\b|"
                         r"\bwhat\s+(?:did|does|do|has|have)\b.+?\b(?:say|tell|warn|urge|ask)\b|"
                         r"\bwhat\s+(?:was|is)\b.+?\b(?:message|advice|view|opinion|warning)\b)"
                         r".*?\b(?:soal|tentang|mengenai|terkait|perihal|seputar|buat|untuk|bagi|kepada|ke|about|on|regarding|to|for)\s+"
                         r"(?P<topic>.+?)[\s?.!]*$",
                         re.IGNORECASE)


# "When did he say the election would be held?": what was said is the clause (the date or place asked checks it; not
# "What did he say neutrality covers?", where the clause alone is too weak a check: "Netralitas sebagai …" is no answer).
_SAID_THAT = re.compile(r"\b(?:when|where)\s+(?:did|does|has)\b.+?\b(?:say|said|tell|told)\s+(?:that\s+)?"
                        r"(?:the\s+)?(?P<topic>.+?)(?:\s+(?:is|are|was|were|means?|meant|covers?|includes?|would|will)\b.*)?"
                        r"[\s?.!]*$", re.IGNORECASE)


_TOPIC = re.compile(r"\b(?:soal|tentang|mengenai|terkait|perihal|seputar|about|regarding)\s+", re.IGNORECASE)


def topic_of(text: str) -> tuple[tuple[str, ...], ...]:
    """For a question about what someone said on a topic ("Apa kata Era soal media sosial?"): the topic's words as
    lexical forms, any one per entry (a short form's phrase words each with it: "medsos" is "media" + "sosial"); ()
    for any other question."""
    m = _SAID_ABOUT.search(text) or _SAID_THAT.search(text)
    if not m:
        return ()
    topic = m.group("topic")
    marked = _TOPIC.search(topic)  # "pesan Bupati untuk ASN *soal netralitas*": the topic, not the audience
    topic = topic[marked.end():] if marked else topic
    forms: list[tuple[str, ...]] = []
    for term in terms(topic):
        if term.stem in lexicon.SUBJECTS or set(term.alternatives) & lexicon.SUBJECTS:
            continue  # the civil servants every article is about say nothing of the topic ("ke ASN")
        own = (term.stem, *term.alternatives)
        forms += [(word, *own) for word in term.phrase] if term.phrase else [own]
    return tuple(forms)


# Words said: a quotation ("…", “…”, not a theme or title: "bertema “Bijak di Media Sosial”") or a verb of saying
# ("kata Anton", "tegasnya", "mengajak", "mengingatkan"); bare roots that are everyday words ("sampai", "jelas") do not
# count.
SPOKEN = re.compile(r"(?<!bertema )(?<!bertajuk )(?<!berjudul )(?<!tema )(?<!judul )[\"“][^\"“”]{12,}[\"”]|"
                    r"\b(?:kata|ujar|ujarnya|katanya|ungkapnya|tegasnya|jelasnya|terangnya|tuturnya|tandasnya|sambungnya|"
                    r"tambahnya|pintanya|imbaunya|pesannya|said|says|told|urged|warned)\b|"
                    r"\b(?:mengatakan|menegaskan|menjelaskan|menerangkan|menyampaikan|menambahkan|mengungkapkan|"
                    r"mengajak|mengingatkan|mengimbau|menghimbau|meminta|berharap|berpesan|menuturkan|menyebut(?:kan)?|"
                    r"menilai|menekankan|menurut(?:nya)?)\b", re.IGNORECASE)


# The verbs of saying a question turns on ("Siapa yang *ngomong* dari Kemenkumham?"), as lexical forms: any words said
# (SPOKEN) are what they ask about.
SAYING = frozenset(tokenize("ngomong bilang bicara berbicara berkata mengatakan menyampaikan mengucapkan menuturkan "
                            "said say spoke", expand=True))

NEAR = 40  # characters either side of an office where its holder's name stands ("Era Susanto selaku Wakil Bupati")


def holders(office: tuple[str, ...], body: tuple[str, ...], article: str) -> set[str]:
    """The lower-case words of the names that stand next to the ``office`` (normalised words: ("wakil", "bupati"),
    also written as its short form, "Wabup") of the organisation ``body`` (its words, or () for none: "Ketua" of
    ("badan", "pengawas", "pemilihan", "umum") is written "Ketua Bawaslu …") anywhere in ``article``."""
    written = [r"\W+".join(office)] + [short for short, full in EXPAND.items() if tuple(full.split()) == office]
    if body:
        named = [r"\W+".join(body)] + [short for short, full in EXPAND.items() if tuple(full.split()) == body] + [
            re.escape(lexicon.ORGS[body])] * (body in lexicon.ORGS)
        written = [rf"(?:{w})\W+(?:{'|'.join(named)})" for w in written]
    found: set[str] = set()
    for m in re.finditer(rf"(?<![\w-])(?:{'|'.join(written)})(?![\w-])", article, re.IGNORECASE):
        before = re.split(r"[.!?]\s", article[max(0, m.start() - NEAR):m.start()])[-1]  # this sentence only
        after = re.split(r"[.!?]\s", article[m.start():m.end() + NEAR])[0]
        near = re.sub(r"\w+$", "", before + after) if m.end() + NEAR < len(article) else before + after
        found |= {w.lower() for start, end in lexicon.names_in(near, sentence=False) for w in near[start:end].split()}
    return found
