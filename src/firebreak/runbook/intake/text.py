"""Text clean-up for import: mojibake repair, emoji removal, titles, slugs and word tokens."""

from __future__ import annotations

import re
import unicodedata

import ftfy

NUMBERING = re.compile(
    r"^(?:(?:scenario|case|issue|incident|problem|option|step|phase)\s+[0-9a-z]{1,3}\s*[:.)\-–—]\s*"
    r"|[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]\s+|[0-9]{1,3}\s*[:\-–—]\s+)",
    re.IGNORECASE,
)
CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
WORD = re.compile(r"[A-Za-z0-9]+")
STOPWORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "how", "in", "is", "it",
        "its", "of", "on", "or", "the", "to", "was", "what", "when", "with", "vs", "via", "into", "your",
        "you", "this", "that", "these", "those", "do", "does", "not", "no", "issue", "issues", "problem",
        "problems"
    ]
)
SYNONYMS = {
    "db": ("database",), "dbs": ("database",), "cert": ("certificate",), "certs": ("certificate",),
    "tls": ("ssl",), "oom": ("out", "memory"), "oomkilled": ("out", "memory", "killed"),
    "mem": ("memory",), "conn": ("connection",), "conns": ("connection",), "k8s": ("kube",),
    "kubernetes": ("kube",), "pg": ("postgres",), "postgresql": ("postgres",), "5xx": ("error",),
    "expiry": ("expiring",), "crashloop": ("crash", "loop"), "crashloopbackoff": ("crash", "loop", "back", "off"),
}
SUFFIXES = ("ingly", "ation", "ions", "ion", "ing", "ies", "ied", "ed", "es", "s", "y", "e")


def repair(text: str) -> str:
    """Undo mojibake (UTF-8 read as Windows-1252 and saved again) without moving any line."""
    fixed = ftfy.fix_encoding(text)
    if fixed.count("\n") == text.count("\n"):
        return fixed
    return "\n".join(ftfy.fix_encoding(line) for line in text.split("\n"))


def strip_symbols(text: str) -> str:
    """Drop emoji and other pictographs (and their variation selectors) from a heading."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("So", "Sk", "Cs", "Co") or char in "\ufe0f\ufe0e\u200d\u20e3":
            continue
        out.append(char)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def leading_symbol(text: str) -> str:
    """The pictograph a heading starts with (after repair), or ''."""
    stripped = text.strip()
    if stripped and unicodedata.category(stripped[0]) == "So":
        return stripped[0]
    return ""


def clean_heading(text: str) -> str:
    """A heading as plain text: no emoji, no Markdown emphasis, no trailing colon."""
    text = strip_symbols(text).replace("`", "")
    text = re.sub(r"^[*_]+|[*_]+$", "", text.strip())
    return text.strip().rstrip(":").strip()


def clean_title(text: str) -> str:
    """A scenario title: clean heading without list numbering or `Scenario 2:` prefixes."""
    title = clean_heading(text)
    stripped = NUMBERING.sub("", title, count=1).strip()
    return stripped or title


def slugify(text: str) -> str:
    """A lower-case, dash-separated identifier."""
    text = unicodedata.normalize("NFKD", strip_symbols(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "runbook"


def split_words(text: str) -> list[str]:
    """Words of a text, with CamelCase and snake_case names split (`KubePodCrashLooping`)."""
    words: list[str] = []
    for chunk in WORD.findall(text):
        parts = CAMEL.findall(chunk) if not chunk.islower() and not chunk.isupper() else [chunk]
        words.extend(p.lower() for p in parts if p)
    return words


def stem(word: str) -> str:
    """A crude suffix stripper: `exhausted`, `exhaustion` and `exhausts` all become `exhaust`."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Normalised matching terms of a text: split, lower-cased, synonyms expanded, stemmed."""
    out: list[str] = []
    for word in split_words(text):
        for expanded in SYNONYMS.get(word, (word,)):
            if expanded in STOPWORDS or len(expanded) < 2:
                continue
            out.append(stem(expanded))
    return out


def is_identifier_name(text: str) -> bool:
    """True for alert-like names: one word in CamelCase or camelCase (`KubePodCrashLooping`)."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text)) and any(c.isupper() for c in text[1:]) \
        and any(c.islower() for c in text)
