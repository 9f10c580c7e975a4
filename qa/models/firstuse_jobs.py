"""The jobs a first-use step runs in a child process (``python -m qa.models.firstuse_jobs JOB ARGS``): tracing the encoder
or the reader, fusing, quantising. Kept apart from :mod:`qa.models.firstuse` (which starts them) so that the exporters,
which use :mod:`qa.models.firstuse`, are imported only here, in the child."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Sequence


def _child(argv: Sequence[str]) -> int:
    """A child's job: ``trace-encoder NAME BACKEND OUT``, ``trace-reader FOLDER OUT``, ``fuse OUT final|to-quantise``
    or ``quantise OUT int8|gather``."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s", stream=sys.stdout)
    job, *args = argv
    if job == "trace-encoder":
        from qa.models.onnx_backend import trace

        trace(args[0], args[1], Path(args[2]))
    elif job == "trace-reader":
        from qa.models.reader import trace as trace_reader

        trace_reader(Path(args[0]), Path(args[1]))
    elif job == "fuse":
        from qa.models.onnx_export import fuse

        fuse(Path(args[0]), args[1] == "final")
    elif job == "quantise":
        from qa.models.onnx_export import quantise

        quantise(Path(args[0]), args[1])
    else:
        print(f"unknown job {job!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
