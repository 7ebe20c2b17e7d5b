"""Export a sentence-transformers model folder to ONNX, once, for serving without torch.

The graph holds the whole sentence encoder — the transformer, mean pooling over the
attention mask and L2 normalisation — so serving only tokenises and runs it. The
weights are exported as they are (fp32): the vectors match the torch model's to about
1e-6 (cosine ≥ 0.999999 on the corpus), so answers and verdicts do not change.
Dynamic int8 quantisation of these weights was measured and rejected: cosine 0.96 to
0.99, below the 0.999 parity the project requires.

The export is written with a small JSON record (source weights' sha256, the export's
own sha256, torch and opset versions) into a staging folder that is renamed into place
whole, so two processes exporting at once cannot leave half an export. Importing this
module does nothing; torch and transformers are imported only by ``export_onnx``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from assistant.library.embeddings import file_sha256

OPSET = 17
MODEL_FILE = "model.onnx"
RECORD_FILE = "export.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def supports_onnx(model_dir: Path) -> str | None:
    """None when LISA can export this folder (a BERT-style encoder with mean pooling and
    normalisation, as all-MiniLM-L6-v2), else the reason it cannot."""
    if not (model_dir / "tokenizer.json").exists():
        return f"{model_dir} has no tokenizer.json"
    modules = model_dir / "modules.json"
    pooling = model_dir / "1_Pooling" / "config.json"
    if not modules.exists() or not pooling.exists():
        return f"{model_dir} is not a sentence-transformers folder (modules.json, 1_Pooling)"
    kinds = [str(m.get("type", "")) for m in json.loads(modules.read_text(encoding="utf-8"))]
    config = json.loads(pooling.read_text(encoding="utf-8"))
    if not config.get("pooling_mode_mean_tokens") or not any("Normalize" in k for k in kinds):
        return f"{model_dir} does not use mean pooling with normalisation"
    return None


def export_onnx(model_dir: Path, target_dir: Path, source_sha256: str) -> Path:
    """Write ``target_dir/model.onnx`` (and its record) from the weights in ``model_dir``."""
    import torch
    from transformers import AutoModel

    class SentenceEncoder(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    encoder = SentenceEncoder(AutoModel.from_pretrained(str(model_dir)).eval())
    example = tuple(torch.ones(2, 8, dtype=torch.long) for _ in INPUTS)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target_dir.parent, prefix=f".{target_dir.name}-"))
    try:
        # tracing warns about shapes it fixes in the graph; they are dynamic axes here
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                encoder,
                example,
                str(staging / MODEL_FILE),
                input_names=list(INPUTS),
                output_names=["sentence_embedding"],
                dynamic_axes={
                    **{name: {0: "batch", 1: "sequence"} for name in INPUTS},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,  # the TorchScript exporter: no onnxscript needed
            )
        record = {
            "source_sha256": source_sha256,
            "onnx_sha256": file_sha256(staging / MODEL_FILE),
            "torch": torch.__version__,
            "opset": OPSET,
            "pooling": "mean, L2-normalised",
        }
        (staging / RECORD_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
        try:
            os.rename(staging, target_dir)  # the whole folder at once
        except OSError:
            if not (target_dir / RECORD_FILE).exists():
                raise  # not another process's finished export: a real failure
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target_dir / MODEL_FILE
