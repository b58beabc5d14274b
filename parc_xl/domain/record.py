"""The base of parc-xl's pydantic records.

A ribbon click starts a fresh Python, and every job imports dozens of models it may never
build in that process (the CLI and add-in import whole modules). Pydantic builds a model's
validator and serializer when the class is created unless told otherwise; `defer_build`
leaves that to the model's first use, so an import costs only the class itself
(benchmarks/cold_start.py). Validation, defaults and configuration are unchanged: a
subclass's own `model_config` merges with this one.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A pydantic model whose schema is built on first use, not at import."""

    model_config = ConfigDict(defer_build=True)
