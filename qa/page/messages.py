"""The chat page's messages in plain Indonesian for what goes wrong: bad input, a library error, anything else."""

from __future__ import annotations

from qa import config
from qa.errors import InputError, QAError

UNEXPECTED = "Maaf, terjadi kesalahan tak terduga. Coba lagi, atau lihat log server."


def friendly(exc: QAError, question: object) -> str:
    """A plain Indonesian message for an error, with the library's one-line reason when it helps."""
    text = question.strip() if isinstance(question, str) else ""
    if isinstance(exc, InputError):
        if not text:
            return "Pertanyaannya masih kosong. Ketik pertanyaan tentang artikel, lalu tekan Enter."
        if len(text) > config.MAX_QUESTION_CHARS:
            return (f"Pertanyaannya terlalu panjang ({len(text):_} karakter; paling banyak "  # Indonesian thousands: '.'
                    f"{config.MAX_QUESTION_CHARS:_}). Persingkat lalu coba lagi.").replace("_", ".")
        if not any(ch.isalnum() for ch in text):
            return "Pertanyaannya tidak berisi huruf atau angka. Tulis pertanyaan dengan kata-kata."
        return f"Pertanyaan ini belum bisa diproses ({exc})."
    return f"Maaf, jawaban tidak bisa dicari sekarang ({exc})."
