"""A real `qa serve` under concurrent API clients: every client gets the answer the library gives, none is lost.

Throughput, latency and memory are measured by bench/load.py, never asserted here.
"""

from __future__ import annotations

import threading
from pathlib import Path

from serving import server

QUESTIONS = ["Siapa Ketua Bawaslu Jawa Tengah?", "Siapa Sekda Jateng?", "Who opened the legal counseling in Bangka Tengah?",
             "Di mana rapat koordinasi netralitas ASN Kemenkumham Jateng digelar?", "asn boleh ikut kampanye gak?",
             "Resep rendang daging sapi yang empuk"]


def _essence(answer: dict) -> tuple:
    return answer["answered"], [(h["passage_id"], h["quote_start"], h["quote_end"]) for h in answer["hits"]]


# Protects against: the server failing, mixing up or dropping answers under concurrent clients.
def test_concurrent_clients_each_get_the_answer_to_their_own_question(real_index: Path, real_engine, tmp_path: Path):
    from gradio_client import Client

    from qa.answering.ask import answer_with
    from qa.config import READER_DEFAULT

    # what the server answers: its default, the reader on or off as config.READER_DEFAULT says
    expected = {q: _essence(answer_with(real_engine, q, k=5, reader=READER_DEFAULT).to_dict()) for q in QUESTIONS}
    got: list[tuple[str, tuple]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int, url: str) -> None:
        api = Client(url, verbose=False)
        for i in range(10):  # 3 clients x 10 questions, interleaved
            question = QUESTIONS[(n * 10 + i) % len(QUESTIONS)]
            try:
                result = api.predict(question, 5, api_name="/ask")
            except Exception as exc:  # collected and asserted below
                with lock:
                    errors.append(f"{question}: {type(exc).__name__}: {exc}")
                continue
            with lock:
                got.append((question, _essence(result)))

    with server(real_index, tmp_path / "serve.log") as (url, _):
        threads = [threading.Thread(target=client, args=(n, url)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(got) == 30
    for question, essence in got:
        assert essence == expected[question], question
    assert {answered for _, (answered, _) in got} == {True, False}  # both kinds went through the server
