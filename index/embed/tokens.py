"""The model's tokens: what an embedding costs is the number of tokens the model runs on (about
linear in it at these lengths), so indexing speed is measured and planned in tokens, not chunks.

The tokenizer is the packaged model's own (``tokenizer.json``) with sentence-transformers'
settings: truncated at the model's ``max_seq_length`` (256 for MiniLM), no padding. The file's
own settings (128, fixed padding) are not what the model is used with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from licensebot.errors import EmbeddingError


def max_tokens(model_path: Path) -> int:
    """The model's max sequence length: longer texts are cut there, by every backend."""
    try:
        config = json.loads((model_path / "sentence_bert_config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise EmbeddingError(f"cannot read {model_path / 'sentence_bert_config.json'}: {exc}") from exc
    return int(config.get("max_seq_length", 256))


def load_tokenizer(model_path: Path) -> Any:
    """The model's tokenizer, truncating where the model does (a ``tokenizers.Tokenizer``)."""
    try:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    except Exception as exc:  # ImportError, or a missing or unreadable file
        raise EmbeddingError(f"cannot load the tokenizer of {model_path}: {exc}") from exc
    tokenizer.enable_truncation(max_tokens(model_path))
    tokenizer.no_padding()
    return tokenizer


def token_counts(tokenizer: Any, texts: Sequence[str]) -> list[int]:
    """Tokens the model runs on for each text (with its [CLS] and [SEP], after truncation)."""
    return [len(e.ids) for e in tokenizer.encode_batch(list(texts))] if texts else []
