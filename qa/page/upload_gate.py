"""Who may add or remove a document from the chat page: the upload password, checked in constant time, and a
per-client lockout against guessing.

Every check names the client (its address as the server sees it, never a header it could forge). After
:data:`MAX_MISSES` wrong passwords from one address within :data:`WINDOW_S`, that address is refused for
:data:`LOCKOUT_S`, even with the right password, without the password being compared; the lockout then
expires. No password at all (an empty field) is refused without counting as a miss. A right password clears the address's misses. A check never sleeps: a wrong guess is answered at
once and holds nothing another client waits for. The same gate guards the page's upload event and Gradio's
upload route (:mod:`qa.page.upload_route`).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from qa.errors import UploadError

MAX_MISSES = 10  # wrong passwords from one address before it is locked out
WINDOW_S = 15 * 60.0  # misses older than this are forgotten
LOCKOUT_S = 15 * 60.0  # how long a locked-out address is refused
MAX_CLIENTS = 10_000  # addresses remembered at most (the oldest are forgotten first)
ASK = "Isi kata sandi unggah dulu (minta kepada penyelenggara), lalu pilih berkasnya lagi."
WRONG = "Kata sandi unggah salah; minta kata sandinya kepada penyelenggara lalu unggah lagi."


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()  # equal lengths: no length leaks


@dataclass
class _Client:
    misses: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class Gate:
    """The upload password (None: none asked) and the misses of each client address."""

    def __init__(self, password: str | None, clock: Callable[[], float] = time.monotonic,
                 max_misses: int = MAX_MISSES, window_s: float = WINDOW_S, lockout_s: float = LOCKOUT_S) -> None:
        self._digest = None if password is None else _digest(password)
        self._clock, self.max_misses, self.window_s, self.lockout_s = clock, max_misses, window_s, lockout_s
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    @property
    def asks(self) -> bool:
        """Whether a password is asked at all."""
        return self._digest is not None

    def check(self, given: object, client: str) -> None:
        """Nothing when no password is set or ``given`` is it and ``client`` is not locked out; else an UploadError."""
        if self._digest is None:
            return
        now = self._clock()
        with self._lock:
            state = self._clients.get(client)
            if state is not None and state.locked_until > now:
                raise UploadError(_locked_message(state.locked_until - now))
            if given is None or given == "":
                raise UploadError(ASK)  # nothing typed yet: not a guess
            right = isinstance(given, str) and hmac.compare_digest(_digest(given), self._digest)
            if right:
                self._clients.pop(client, None)
                return
            state = self._remember(client, now)
            state.misses = [t for t in state.misses if t > now - self.window_s] + [now]
            if len(state.misses) >= self.max_misses:
                state.misses, state.locked_until = [], now + self.lockout_s
                raise UploadError(_locked_message(self.lockout_s))
        raise UploadError(WRONG)

    def _remember(self, client: str, now: float) -> _Client:
        state = self._clients.pop(client, None) or _Client()
        self._clients[client] = state  # most recent last: the first ones are the oldest
        if len(self._clients) > MAX_CLIENTS:
            stale = [c for c, s in self._clients.items() if c != client and s.locked_until <= now
                     and (not s.misses or s.misses[-1] <= now - self.window_s)]
            for old in stale or list(self._clients)[: len(self._clients) - MAX_CLIENTS]:
                del self._clients[old]
        return state


def _locked_message(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return (f"Terlalu banyak kata sandi salah dari alamat ini; unggah ditolak selama {minutes} menit lagi. "
            f"Minta kata sandinya kepada penyelenggara.")
