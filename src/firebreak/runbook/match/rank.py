"""Matching: rank scenario runbooks for an incident by runbook URL, alert name, labels and symptom text.

Scores add up from independent signals, each with a reason a responder can read:

    runbook_url names this runbook ............. 100 (the same document, other section: 60)
    alert name listed in the runbook ........... 80
    alert name equals the title (normalised) ... 70, or up to 50 for a partial, rarity-weighted overlap
    alert name and text cover title and symptoms up to 35 (rarity-weighted share of the alert's words)
    label values the runbook's commands use .... 8 each, at most 16

A runbook from another collection that only shares the alert's name never beats the one the
alert's `runbook_url` points to.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from firebreak.runbook.intake.text import terms
from firebreak.runbook.model import Runbook

ATTACH_THRESHOLD = 35.0
URL_EXACT = 100.0
URL_DOCUMENT = 60.0
NAME_LISTED = 80.0
NAME_TITLE = 70.0
NAME_PARTIAL = 50.0
TEXT_MAX = 35.0
TEXT_MIN = 0.3
LABEL_EACH = 8.0
LABEL_MAX = 16.0
PARTIAL_MIN = 0.34
GENERIC_LABELS = frozenset({"alertname", "severity", "prometheus", "job", "endpoint", "instance", "receiver",
                            "status", "priority", "team", "env", "environment", "region", "cluster"})
GENERIC_VALUES = frozenset({"critical", "warning", "info", "high", "low", "medium", "page", "firing", "true",
                            "false", "none", "default", "production", "prod", "staging", "monitoring"})


@dataclass(frozen=True)
class Match:
    """One candidate runbook with its score and why."""

    slug: str
    score: float
    reasons: list[str]


def normalise_url(url: str) -> tuple[str, str]:
    """Comparable form of a runbook URL: (document, fragment), ignoring case, scheme, `/` and `.md`."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    path = parts.path.lower().rstrip("/")
    path = re.sub(r"\.(md|markdown)$", "", path)
    return f"{host}{path}", parts.fragment.lower().strip("-")


@dataclass(frozen=True)
class Profile:
    """What a runbook is matched on, precomputed."""

    runbook: Runbook
    title_terms: tuple[str, ...]
    name_keys: frozenset[str]
    text_terms: frozenset[str]
    words: frozenset[str]
    url: tuple[str, str] | None


def profile(runbook: Runbook) -> Profile:
    title = re.sub(r"[(][^)]*[)]", " ", runbook.title)
    text = " ".join([title, *runbook.symptoms, *runbook.alert_names])
    words = set()
    for command in runbook.commands:
        words.update(w.lower() for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9_.-]*", command.text))
    for phase in runbook.phases:
        for step in phase.steps:
            words.update(w.lower() for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9_.-]*", step.text))
    return Profile(
        runbook=runbook, title_terms=tuple(terms(title) or terms(runbook.title)),
        name_keys=frozenset(name.lower() for name in runbook.alert_names),
        text_terms=frozenset(terms(text)), words=frozenset(words),
        url=normalise_url(runbook.url) if runbook.url else None)


def _idf(profiles: Sequence[Profile]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for item in profiles:
        counts.update(set(item.title_terms) | {t for name in item.runbook.alert_names for t in terms(name)})
    total = len(profiles) or 1
    return {term: math.log(1 + total / count) for term, count in counts.items()}


def _weight(idf: Mapping[str, float], term: str) -> float:
    return idf.get(term, math.log(1 + max(len(idf), 1)))


def _overlap(query: Iterable[str], target: Iterable[str], idf: Mapping[str, float]) -> float:
    """Rarity-weighted Jaccard overlap of two term sets."""
    a, b = set(query), set(target)
    if not a or not b:
        return 0.0
    union = sum(_weight(idf, t) for t in a | b)
    return sum(_weight(idf, t) for t in a & b) / union if union else 0.0


def _coverage(query: Iterable[str], target: Iterable[str], idf: Mapping[str, float]) -> float:
    """How much of the query (weighted by rarity) the target covers; words no runbook uses are ignored."""
    a = {t for t in query if t in idf}
    b = set(target)
    if len(a & b) < 2:
        return 0.0
    total = sum(idf[t] for t in a)
    return sum(idf[t] for t in a & b) / total if total else 0.0


def _text_idf(profiles: Sequence[Profile]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for item in profiles:
        counts.update(item.text_terms)
    total = len(profiles) or 1
    return {term: math.log(1 + total / count) for term, count in counts.items()}


def rank(runbooks: Sequence[Runbook], *, alert_names: Sequence[str] = (), runbook_urls: Sequence[str] = (),
         labels: Mapping[str, str] | None = None, text: str = "") -> list[Match]:
    """Scenario runbooks that fit the incident, best first; only those with some evidence."""
    profiles = [profile(r) for r in runbooks if r.kind == "scenario"]
    idf = _idf(profiles)
    text_idf = _text_idf(profiles)
    urls = [normalise_url(u) for u in runbook_urls if u]
    names = [n for n in alert_names if n]
    text_terms = set(terms(text)) | {t for name in names for t in terms(name)}
    label_items = [(k, v) for k, v in (labels or {}).items()
                   if k not in GENERIC_LABELS and v and len(v) >= 3 and v.lower() not in GENERIC_VALUES]
    matches = [m for m in (_score(p, urls, names, text_terms, label_items, idf, text_idf) for p in profiles) if m]
    return sorted(matches, key=lambda m: (-m.score, m.slug))


def _score(item: Profile, urls: list[tuple[str, str]], names: list[str], text_terms: set[str],
           label_items: list[tuple[str, str]], idf: Mapping[str, float],
           text_idf: Mapping[str, float]) -> Match | None:
    runbook = item.runbook
    score = 0.0
    reasons: list[str] = []
    if item.url is not None:
        for document, fragment in urls:
            if (document, fragment) == item.url or (document == item.url[0] and not item.url[1] and not fragment):
                score += URL_EXACT
                reasons.append(f"the alert's runbook_url points to this runbook ({runbook.url})")
                break
            if document == item.url[0]:
                score += URL_DOCUMENT
                reasons.append(f"the alert's runbook_url points to the document this runbook is in ({runbook.url})")
                break
    best_name = 0.0
    name_reason = ""
    for name in names:
        if name.lower() in item.name_keys:
            candidate, why = NAME_LISTED, f"alert {name} is named in the runbook"
        else:
            name_terms = terms(name)
            if name_terms and sorted(name_terms) == sorted(item.title_terms):
                candidate, why = NAME_TITLE, f"alert {name} matches the title {runbook.title!r}"
            else:
                similarity = _overlap(name_terms, item.title_terms, idf)
                if similarity < PARTIAL_MIN:
                    continue
                candidate = round(NAME_PARTIAL * similarity, 1)
                why = f"alert {name} resembles the title {runbook.title!r} ({similarity:.0%} of weighted words)"
        if candidate > best_name:
            best_name, name_reason = candidate, why
    if best_name:
        score += best_name
        reasons.append(name_reason)
    if text_terms:
        coverage = _coverage(text_terms, item.text_terms, text_idf)
        if coverage >= TEXT_MIN:
            gained = round(TEXT_MAX * coverage, 1)
            score += gained
            shared = sorted(text_terms & item.text_terms)[:5]
            reasons.append(f"the alert shares the words {', '.join(shared)} with the title and symptoms")
    label_score = 0.0
    for key, value in label_items:
        if value.lower() in item.words and label_score < LABEL_MAX:
            label_score += LABEL_EACH
            reasons.append(f"label {key}={value} appears in the runbook")
    score += min(label_score, LABEL_MAX)
    if score <= 0:
        return None
    return Match(slug=runbook.slug, score=round(score, 1), reasons=reasons)


def best_match(matches: Sequence[Match], threshold: float = ATTACH_THRESHOLD) -> Match | None:
    """The top match if it clears the threshold."""
    return matches[0] if matches and matches[0].score >= threshold else None
