"""Fingerprints: the identity of an alert across repeats, per source."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import orjson


def label_fingerprint(labels: Mapping[str, str]) -> str:
    """A stable hash of a label set (order-independent), 16 hex characters like Alertmanager."""
    blob = orjson.dumps(dict(sorted(labels.items())))
    return hashlib.sha256(blob).hexdigest()[:16]


def scoped(source: str, key: str) -> str:
    """A fingerprint scoped to its source so two senders never collide."""
    return f"{source}:{key}"


def group_key(labels: Mapping[str, str], group_by: tuple[str, ...] | list[str]) -> str:
    """The key of the incident group an alert belongs to: the values of the group-by labels."""
    return "|".join(f"{name}={labels.get(name, '')}" for name in group_by)
