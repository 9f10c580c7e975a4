"""The reader's network: multilingual-e5-small read as a cross-encoder, with two small heads.

A question and one passage go in together (``<s> question </s></s> passage </s>``). Out come,
for every token, a start and an end logit (the answer span, SQuAD 2.0 style: the span
``(0, 0)`` on ``<s>`` means "no answer here"), and one logit that the passage answers the
question at all (from the ``<s>`` token). Only the top ``trained_layers`` Transformer layers
and the heads are trained (:mod:`train.reader`); everything below is the shipped encoder's,
so the trained part is what the project stores (``qa/data/reader/reader.safetensors``).

Torch is imported only here and only when the reader runs on the torch backend, is exported
to ONNX, or is trained.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


class ReaderNet(nn.Module):
    """BERT encoder + span head + answer head. ``forward`` returns (start, end, answer) logits."""

    def __init__(self, bert: nn.Module) -> None:
        super().__init__()
        hidden = bert.config.hidden_size
        self.bert = bert
        self.span = nn.Linear(hidden, 2)
        self.answer = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def heads(self, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        start, end = self.span(hidden).unbind(-1)
        return start, end, self.answer(hidden[:, 0]).squeeze(-1)

    def lower(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, layers: int) -> torch.Tensor:
        """Hidden states after the embeddings and the first ``layers`` layers (the frozen part when training)."""
        hidden = self.bert.embeddings(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids))
        return self.upper(hidden, attention_mask, 0, layers)

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor, first: int, last: int | None = None) -> torch.Tensor:
        """Run layers ``first`` .. ``last`` (exclusive; None = all) on hidden states."""
        bias = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.bert.encoder.layer[first:last]:
            hidden = layer(hidden, attention_mask=bias)
            hidden = hidden[0] if isinstance(hidden, tuple) else hidden
        return hidden

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The whole network in one call (what is exported to ONNX); equal to ``heads(upper(lower(...)))``."""
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.heads(hidden)

    def trained_state(self, trained_layers: int) -> dict[str, torch.Tensor]:
        """The weights that differ from the base encoder: the top layers and the heads."""
        total = len(self.bert.encoder.layer)
        keep = tuple(f"bert.encoder.layer.{i}." for i in range(total - trained_layers, total))
        return {name: value.detach().contiguous() for name, value in self.state_dict().items()
                if name.startswith(keep) or name.startswith(("span.", "answer."))}


def load_net(base: Path, weights: dict[str, torch.Tensor] | None = None) -> ReaderNet:
    """The base encoder folder (a BERT sentence-transformers folder) with the trained weights applied on top."""
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(str(base), attn_implementation="eager", add_pooling_layer=False)
    net = ReaderNet(bert)
    if weights is not None:
        state = {name: value.float() for name, value in weights.items()}
        missing = set(state) - set(net.state_dict())
        if missing:
            raise KeyError(f"unknown reader weights: {sorted(missing)[:3]}")
        net.load_state_dict(state, strict=False)
    return net.eval()
