"""A BERT-like torch model to ONNX with bounded memory: trace, fuse and quantise, each in its own child process.

Tracing a 118M-parameter model with torch's exporter, fusing it with ONNX Runtime's optimiser and quantising it
each held 2.5 to 4 GB; most of it is copies of the word embeddings (250k rows × 384, four fifths of
multilingual-e5-small's weights), which no stage but the last needs. So :func:`trace` writes the embeddings
aside (``words.npy``) and traces the model with :data:`PLACEHOLDER_ROWS` rows in their place; :func:`fuse`
fuses that small graph and then puts the real rows into it, and :func:`quantise` quantises the result. The file
written was the same, byte for byte, as fusing and quantising the whole traced model when this was written
(multilingual-e5-small, onnx-int8; bench/RESULTS.md, "First start"). Each stage runs in a fresh process
(:func:`qa.models.firstuse.run_child`), which hands its memory back when it ends.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Sequence

import numpy as np

logger = logging.getLogger(__name__)

PLACEHOLDER_ROWS = 1024  # more rows than the position embeddings (512), as the fusion expects of a vocabulary
TRACED, WORDS, SHAPE, FUSED = "fp32.onnx", "words.npy", "trace.json", "fused.onnx"


def trace(module, bert, inputs: tuple, out: Path, output_names: Sequence[str], dynamic_axes: dict) -> None:
    """Trace ``module`` (which runs ``bert``) into ``out/fp32.onnx`` with placeholder word embeddings; the real
    ones go to ``out/words.npy``, the attention shape to ``out/trace.json``."""
    import torch

    words = bert.get_input_embeddings()
    np.save(out / WORDS, words.weight.detach().float().numpy())
    words.weight = torch.nn.Parameter(words.weight.detach()[:PLACEHOLDER_ROWS].clone(), requires_grad=False)
    ids, *rest = inputs
    with torch.inference_mode():
        torch.onnx.export(module, (ids.clamp(max=PLACEHOLDER_ROWS - 1), *rest), str(out / TRACED), dynamo=False,
                          input_names=["input_ids", "attention_mask"], output_names=list(output_names),
                          opset_version=17, dynamic_axes=dynamic_axes)
    config = bert.config
    (out / SHAPE).write_text(json.dumps({"heads": int(config.num_attention_heads), "hidden": int(config.hidden_size)}))


def fuse(out: Path, final: bool) -> None:
    """Fuse the traced graph's BERT operators (ONNX Runtime's optimiser), then put the real word embeddings in:
    ``out/model.onnx`` when ``final``, else ``out/fused.onnx`` (to be quantised)."""
    import onnx
    from onnxruntime.transformers.optimizer import optimize_model

    for name in list(logging.root.manager.loggerDict):  # the optimiser logs every fusion at INFO
        if name.startswith(("fusion", "onnx_model", "onnxruntime")):
            logging.getLogger(name).setLevel(logging.WARNING)
    shape = json.loads((out / SHAPE).read_text())
    fused = optimize_model(str(out / TRACED), model_type="bert", num_heads=shape["heads"],
                           hidden_size=shape["hidden"], opt_level=1)
    words = np.load(out / WORDS, mmap_mode="r")
    placeholders = [t for t in fused.model.graph.initializer if list(t.dims) == [PLACEHOLDER_ROWS, words.shape[1]]]
    if len(placeholders) != 1:
        raise RuntimeError(f"found {len(placeholders)} placeholder word embeddings in the fused graph, expected 1")
    if words.dtype != np.float32 or placeholders[0].data_type != onnx.TensorProto.FLOAT:
        raise RuntimeError(f"the word embeddings are {words.dtype}, the placeholder type {placeholders[0].data_type}")
    placeholders[0].dims[:] = words.shape
    placeholders[0].raw_data = words.tobytes()  # straight from the mapped file: one copy, not three
    del words
    fused.save_model_to_file(str(out / ("model.onnx" if final else FUSED)))
    for name in (TRACED, WORDS, SHAPE):
        (out / name).unlink()


def quantise(out: Path, what: str) -> None:
    """``out/fused.onnx`` quantised into ``out/model.onnx``, dynamically: ``int8``, every weight, per channel;
    ``gather``, the word embeddings only (per row), fp32 elsewhere."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if what == "int8":
        quantize_dynamic(str(out / FUSED), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": 1})  # 1 = FLOAT, for outputs of fused operators
    elif what == "gather":
        quantize_dynamic(str(out / FUSED), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                         # fused, the word-embedding lookup is an EmbedLayerNormalization node: "Gather" alone quantised nothing
                         op_types_to_quantize=["EmbedLayerNormalization", "Gather"], extra_options={"DefaultTensorType": 1})
    else:
        raise ValueError(f"quantise {what!r}: expected int8 or gather")
    (out / FUSED).unlink()
