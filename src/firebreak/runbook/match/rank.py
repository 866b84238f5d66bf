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


@dataclass(frozen=True)
class Query:
    """What one incident is matched on, with the rarity sums that do not depend on the runbook."""

    urls: list[tuple[str, str]]
    names: list[tuple[str, frozenset[str], float]]  # name, its terms, their weight
    text_terms: frozenset[str]
    known_text: frozenset[str]  # the text terms some runbook uses
    known_text_weight: float
    label_items: list[tuple[str, str]]


def _overlap(query: frozenset[str], query_weight: float, target: frozenset[str], target_weight: float,
             idf: Mapping[str, float], default: float) -> float:
    """Rarity-weighted Jaccard overlap of two term sets, from their weight sums and the shared terms."""
    shared = query & target
    if not shared:
        return 0.0
    inter = sum(idf.get(term, default) for term in shared)
    union = query_weight + target_weight - inter
    return inter / union if union else 0.0


def _coverage(query: Query, target: frozenset[str], idf: Mapping[str, float]) -> float:
    """How much of the query (weighted by rarity) the target covers; words no runbook uses are ignored."""
    shared = query.known_text & target
    if len(shared) < 2 or not query.known_text_weight:
        return 0.0
    return sum(idf[term] for term in shared) / query.known_text_weight


def _text_idf(profiles: Sequence[Profile]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for item in profiles:
        counts.update(item.text_terms)
    total = len(profiles) or 1
    return {term: math.log(1 + total / count) for term, count in counts.items()}


@dataclass(frozen=True)
class RunbookIndex:
    """The scenario runbooks prepared for matching: profiles, word rarities and who holds each key.

    Built once per library state; a match then scores only the runbooks that share a URL, an
    alert name, a title or text term, or a command word with the incident — every other runbook
    would score nothing — so matching costs the same with 10 runbooks or 1,000.
    """

    profiles: tuple[Profile, ...]
    idf: Mapping[str, float]
    text_idf: Mapping[str, float]
    by_document: Mapping[str, frozenset[int]]
    by_name: Mapping[str, frozenset[int]]
    by_title_term: Mapping[str, frozenset[int]]
    by_text_term: Mapping[str, frozenset[int]]
    by_word: Mapping[str, frozenset[int]]
    title_sets: tuple[frozenset[str], ...]
    title_weights: tuple[float, ...]
    default_weight: float  # of a term no runbook's title or alert names use


def _inverted(pairs: Iterable[tuple[str, int]]) -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = {}
    for key, position in pairs:
        found.setdefault(key, set()).add(position)
    return {key: frozenset(positions) for key, positions in found.items()}


def build_index(runbooks: Sequence[Runbook]) -> RunbookIndex:
    """Profile every scenario runbook once and index them by what a match can share with them."""
    profiles = tuple(profile(r) for r in runbooks if r.kind == "scenario")
    numbered = list(enumerate(profiles))
    idf = _idf(profiles)
    default = math.log(1 + max(len(idf), 1))
    title_sets = tuple(frozenset(p.title_terms) for p in profiles)
    return RunbookIndex(
        profiles=profiles, idf=idf, text_idf=_text_idf(profiles), title_sets=title_sets,
        title_weights=tuple(sum(idf.get(term, default) for term in terms_) for terms_ in title_sets),
        default_weight=default,
        by_document=_inverted((p.url[0], i) for i, p in numbered if p.url is not None),
        by_name=_inverted((key, i) for i, p in numbered for key in p.name_keys),
        by_title_term=_inverted((term, i) for i, p in numbered for term in p.title_terms),
        by_text_term=_inverted((term, i) for i, p in numbered for term in p.text_terms),
        by_word=_inverted((word, i) for i, p in numbered for word in p.words))


def rank(runbooks: Sequence[Runbook] | RunbookIndex, *, alert_names: Sequence[str] = (),
         runbook_urls: Sequence[str] = (), labels: Mapping[str, str] | None = None, text: str = "") -> list[Match]:
    """Scenario runbooks that fit the incident, best first; only those with some evidence."""
    index = runbooks if isinstance(runbooks, RunbookIndex) else build_index(runbooks)
    query = make_query(index, alert_names=alert_names, runbook_urls=runbook_urls, labels=labels, text=text)
    scored = (score(index, i, query) for i in sorted(candidates(index, query)))
    return sorted((m for m in scored if m), key=lambda m: (-m.score, m.slug))


def make_query(index: RunbookIndex, *, alert_names: Sequence[str], runbook_urls: Sequence[str],
               labels: Mapping[str, str] | None, text: str) -> Query:
    """The incident's side of a match, prepared once for every runbook it is scored against."""
    names = [n for n in alert_names if n]
    text_terms = frozenset(terms(text)) | {t for name in names for t in terms(name)}
    known_text = frozenset(term for term in text_terms if term in index.text_idf)
    named = [(name, frozenset(terms(name))) for name in names]
    return Query(
        urls=[normalise_url(u) for u in runbook_urls if u], text_terms=text_terms, known_text=known_text,
        known_text_weight=sum(index.text_idf[term] for term in known_text),
        label_items=[(k, v) for k, v in (labels or {}).items()
                     if k not in GENERIC_LABELS and v and len(v) >= 3 and v.lower() not in GENERIC_VALUES],
        names=[(name, name_terms, sum(index.idf.get(term, index.default_weight) for term in name_terms))
               for name, name_terms in named])


def candidates(index: RunbookIndex, query: Query) -> set[int]:
    """The runbooks that can score anything for `query`: every other one shares no signal with it."""
    found: set[int] = set()
    for document, _ in query.urls:
        found |= index.by_document.get(document, frozenset())
    titled: set[int] = set()
    for name, name_terms, _ in query.names:
        found |= index.by_name.get(name.lower(), frozenset())
        for term in name_terms:
            titled |= index.by_title_term.get(term, frozenset())
    # Text alone counts only when it shares two terms with a runbook.
    shared = Counter(i for term in query.known_text for i in index.by_text_term.get(term, ()))
    found.update(i for i, count in shared.items() if count >= 2)
    for _, value in query.label_items:
        found |= index.by_word.get(value.lower(), frozenset())
    # A runbook found only by a shared title word counts when the overlap reaches the partial minimum.
    found.update(i for i in titled - found
                 if any(_overlap(name_terms, weight, index.title_sets[i], index.title_weights[i], index.idf,
                                 index.default_weight) >= PARTIAL_MIN for _, name_terms, weight in query.names))
    return found


def score(index: RunbookIndex, position: int, query: Query) -> Match | None:
    """The score of one runbook of the index for `query`, with its reasons (None: no evidence)."""
    item = index.profiles[position]
    runbook = item.runbook
    score = 0.0
    reasons: list[str] = []
    if item.url is not None:
        for document, fragment in query.urls:
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
    for name, name_terms, name_weight in query.names:
        if name.lower() in item.name_keys:
            candidate, why = NAME_LISTED, f"alert {name} is named in the runbook"
        else:
            if name_terms and name_terms == index.title_sets[position] and len(name_terms) == len(item.title_terms):
                candidate, why = NAME_TITLE, f"alert {name} matches the title {runbook.title!r}"
            else:
                similarity = _overlap(name_terms, name_weight, index.title_sets[position],
                                      index.title_weights[position], index.idf, index.default_weight)
                if similarity < PARTIAL_MIN:
                    continue
                candidate = round(NAME_PARTIAL * similarity, 1)
                why = f"alert {name} resembles the title {runbook.title!r} ({similarity:.0%} of weighted words)"
        if candidate > best_name:
            best_name, name_reason = candidate, why
    if best_name:
        score += best_name
        reasons.append(name_reason)
    if query.text_terms:
        coverage = _coverage(query, item.text_terms, index.text_idf)
        if coverage >= TEXT_MIN:
            gained = round(TEXT_MAX * coverage, 1)
            score += gained
            shared = sorted(query.text_terms & item.text_terms)[:5]
            reasons.append(f"the alert shares the words {', '.join(shared)} with the title and symptoms")
    label_score = 0.0
    for key, value in query.label_items:
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
