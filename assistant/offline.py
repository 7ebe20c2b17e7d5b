"""The one place LISA's offline environment is defined.

Every entry point (CLI, web app, evals, benchmarks) calls
``apply_offline_environment`` before importing Hugging Face, Gradio or Chroma, so
nothing downloads a model or sends telemetry unless the user opted in.
"""

from __future__ import annotations

import os

# Set whatever the shell says: these keep the libraries quiet and off the network.
QUIET_ENV = {
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # no "Loading weights" bar on the terminal
    "TRANSFORMERS_VERBOSITY": "error",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}
# Set unless the user allowed network access (LISA_ALLOW_NETWORK).
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def apply_offline_environment(allow_network: bool = False) -> None:
    """Keep model hubs offline and every library's telemetry off."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # never call out, whatever the shell says
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    if not allow_network:
        os.environ.update(OFFLINE_ENV)
