"""A short, stable identity of a plan's task list.

The unit workbook stores it so the office can tell, when a file comes back, whether it
was generated from the plan now in the master (same tasks, same wording, same units,
same deadline text) or from another version (last year's plan, a plan edited since).
"""

from __future__ import annotations

import hashlib
import json

from parc_xl.domain.models import Plan

# The task fields that define "the same plan". Order matters (canonical JSON).
FINGERPRINT_FIELDS = ("key", "stt", "task", "product", "lead", "coord", "deadline_text")


def canonical_json(value: object) -> str:
    """JSON with sorted keys, no spaces, non-ASCII kept: the input of every digest."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_fingerprint(plan: Plan) -> str:
    """SHA-256 (hex) over the year and, per task in order, the `FINGERPRINT_FIELDS`."""
    rows = [[getattr(t, f) for f in FINGERPRINT_FIELDS] for t in plan.tasks]
    return sha256_text(canonical_json({"year": plan.year, "tasks": rows}))
