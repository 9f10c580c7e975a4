"""A plain-HTTP driver for the chat page's upload panel (no browser): Gradio's upload route, the panel's events through
the queue, and /ask. Every wait is bounded; ``local`` picks the loopback address a request comes from (127.0.0.2…)."""

from __future__ import annotations

import json
import re
import time
import uuid
from urllib.parse import quote

import httpx

DEADLINE_S = 120


def client(local: str = "127.0.0.1", timeout: float = 60) -> httpx.Client:
    return httpx.Client(timeout=timeout, trust_env=False, transport=httpx.HTTPTransport(local_address=local))


def post_file(base: str, data: bytes, name: str, key: str | None = None, local: str = "127.0.0.1") -> httpx.Response:
    """POST one file to Gradio's upload route, with the page's password cookie when ``key`` is given."""
    with client(local) as c:
        if key is not None:
            c.cookies.set("qa_upload_key", quote(key))
        return c.post(f"{base}gradio_api/upload", files=[("files", (name, data, "application/octet-stream"))])


def file_data(path: str, name: str, size: int) -> dict:
    return {"path": path, "orig_name": name, "size": size, "meta": {"_type": "gradio.FileData"}}


def event(base: str, component: str, trigger: str) -> tuple[int, int]:
    """(fn index, trigger id) of the event ``trigger`` of the component with ``elem_id`` ``component``."""
    with client() as c:
        config = c.get(f"{base}config").json()
    ids = {x["id"] for x in config["components"] if x.get("props", {}).get("elem_id") == component}
    for i, dep in enumerate(config["dependencies"]):
        for target in dep.get("targets") or []:
            if target[0] in ids and target[1] == trigger:
                return dep.get("id", i), target[0]
    raise RuntimeError(f"no {trigger} event on #{component}")


def run(base: str, fn: tuple[int, int], data: list, local: str = "127.0.0.1", timeout: float = DEADLINE_S) -> list[str]:
    """Join the queue for one event; the status lines it showed (text only) until it completed."""
    deadline, session = time.monotonic() + timeout, uuid.uuid4().hex[:11]
    lines: list[str] = []
    with client(local, timeout) as c:
        c.post(f"{base}gradio_api/queue/join", json={"data": data, "event_data": None, "fn_index": fn[0],
                                                     "trigger_id": fn[1], "session_hash": session}).raise_for_status()
        with c.stream("GET", f"{base}gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                output = message.get("output") or {}
                first = (output.get("data") or [None])[0]
                if isinstance(first, list):  # a streamed diff
                    first = "".join(str(d[-1]) for d in first if d and d[0] in ("replace", "append") and isinstance(d[-1], str))
                if isinstance(first, str) and first:
                    lines.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", first)).strip())
                if message.get("msg") == "process_completed" or time.monotonic() > deadline:
                    break
    return lines


def ask(base: str, question: str, k: int = 3) -> dict:
    with client() as c:
        event_id = c.post(f"{base}gradio_api/call/ask", json={"data": [question, k]}).json()["event_id"]
        body = c.get(f"{base}gradio_api/call/ask/{event_id}").text
    return json.loads(body.split("data:")[-1])[0]
