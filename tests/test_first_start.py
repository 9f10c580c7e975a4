"""A newcomer's first `qa serve`: an empty model cache and no index, in a fresh HOME (the one slow test of it).

Each step of first use prints one line with its time, and nothing else is printed (no warnings of the exporter,
the quantiser, torch's tracer or transformers' load report); the process tree stays under 3 GB.
"""

from __future__ import annotations

import re

from serving import first_start
from qa.config import READER_DEFAULT

STEPS = [r"model folder of intfloat/multilingual-e5-small written in \d+\.\d s: .+",
         r"encoder exported to ONNX \(onnx-int8\) in \d+\.\d s: .+",
         r"reader exported to ONNX \(onnx\) in \d+\.\d s: .+",
         r"index built from seeds \(5 articles, \d+ passages\) in \d+\.\d s: index",
         r"ready in \d+\.\d s: open http://127\.0\.0\.1:\d+/ \(index .+: 5 articles, \d+ passages\)"]


def test_a_first_start_prints_one_timed_line_per_step_and_stays_under_3_gb():
    result = first_start()
    printed = [line for _, line in result["lines"]]
    steps = [s for s in STEPS if READER_DEFAULT or "reader" not in s]  # the reader is exported when it is on
    assert len(printed) == len(steps), "\n".join(printed)
    for pattern, line in zip(steps, printed):
        assert re.fullmatch(pattern, line), line
    assert result["rss_peak_mib"] <= 3 * 1024, f"peak {result['rss_peak_mib']:.0f} MiB"
