"""Kernel: secret redaction for logs, timelines, exports and error messages (pure).

`redact(text)` masks credentials found in free text: Firebreak tokens, bearer and basic
authorization values, passwords in connection strings, `password=…`-style assignments and
command-line flags, private keys, and the well-known token formats of common services.
`redact_value(value)` does the same through dicts and lists and also masks every value held
under a key that names a secret (`password`, `api_key`, `routing_key`, …).
Both are idempotent: redacting redacted text changes nothing.

A process also tells redaction the secrets it holds (`remember_secrets`: its settings, the values
behind `env:`/`file:` references, notification addresses), so those are masked wherever they
appear even when no pattern recognises them; `mask_address` shows where an address points but
not its credentials, for configuration views.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

MASK = "[REDACTED]"
MIN_KNOWN_LENGTH = 6

# Words that name a secret (not secrets themselves).
_SECRET_WORDS = "|".join((
    "password", "passwd", "passphrase", "pwd", "secret", "token", "api[_-]?key", "apikey", "access[_-]?key",
    "private[_-]?key", "routing[_-]?key", "integration[_-]?key", "client[_-]?secret", "auth[_-]?token",
    "credentials?",
))
SECRET_KEY = re.compile(rf"^(?:.*[_.-])?(?:{_SECRET_WORDS}|authorization|cookie|set-cookie)$", re.IGNORECASE)
_NOT_MASKED = r"(?![\"']?\[REDACTED\])"

_VALUE = r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s&;,\"'<>)\]}]+)"


def _mask_keeping_quotes(match: re.Match[str]) -> str:
    """Replace the value group, keeping its quotes so redacted JSON or YAML stays well-formed."""
    value = match.group(2)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group(1)}{quote}{MASK}{quote}"


_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # PEM private key blocks, whole.
    (re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----", re.DOTALL),
     MASK),
    # Authorization / Proxy-Authorization headers: keep the scheme, mask the credentials.
    (re.compile(r"(?i)\b((?:proxy-)?authorization\s*[:=]\s*[\"']?\s*(?:(?:bearer|basic|token|digest|negotiate)\s+)?)"
                r"(?!\[REDACTED\])(?!(?:bearer|basic|token|digest|negotiate)\s)[^\s\"',;()<>]+"), rf"\1{MASK}"),
    (re.compile(r"(?i)\b(bearer\s+)(?!\[REDACTED\])[A-Za-z0-9._~+/-]{8,}=*"), rf"\1{MASK}"),
    # Credentials in URLs: scheme://user:password@host.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/:@\"'<>]*):(?!\[REDACTED\]@)[^\s@/\"'<>]+@"), rf"\1:{MASK}@"),
    # Notification URLs whose path is the credential (Apprise schemes, chat webhooks).
    (re.compile(r"(?i)\b(slack|discord|tgram|msteams|mmosts?|pover|pushover|gotifys?|ntfys?|opsgenie|pagerduty|"
                r"twilio|rockets?|matrixs?|signals?|zulip|workflows?|spush|pbul|join|gchat)://"
                r"(?!\[REDACTED\])[^\s\"'<>]+"), rf"\1://{MASK}"),
    (re.compile(r"(?i)\b(https://(?:hooks\.slack\.com/services|discord(?:app)?\.com/api/webhooks|"
                r"[a-z0-9.-]*\.webhook\.office\.com/webhookb2|outlook\.office\.com/webhook)/)"
                r"(?!\[REDACTED\])[^\s\"'<>]+"), rf"\1{MASK}"),
    # key=value, key: value, "key": "value", KEY_PASSWORD=value, libpq `password=…`.
    (re.compile(rf"(?i)([\"']?\b[a-z0-9_.-]*?(?:{_SECRET_WORDS})[\"']?\s*[=:]\s*){_NOT_MASKED}({_VALUE})"),
     _mask_keeping_quotes),
    # Command-line flags: --password X, --token=X, --api-key X.
    (re.compile(r"(?i)(--(?:password|passwd|token|secret|api-key|apikey|access-key|auth-token)(?:=|\s+))"
                rf"{_NOT_MASKED}({_VALUE})"), _mask_keeping_quotes),
    # Well-known token formats.
    (re.compile(r"\bfb[ksi]_[A-Za-z0-9_-]{16,}"), MASK),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), MASK),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), MASK),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),
    (re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"), MASK),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"), MASK),
)


_remembered: tuple[str, ...] = ()
_remember_lock = threading.Lock()


def distinctive(value: str) -> bool:
    """True for a secret that cannot be mistaken for ordinary text: long enough and not a plain word.

    A plain word (a database password `postgres`) is left to the patterns, which still mask it in
    URLs and `password=` assignments; masking every occurrence of the word would hide service names.
    """
    if len(value) < MIN_KNOWN_LENGTH or MASK in value or value.isdigit():
        return False
    return len(value) >= 16 or not value.isalpha()


def remember_secrets(values: Iterable[str]) -> None:
    """Add literal secrets this process holds; from now on every redaction masks them too."""
    global _remembered
    fresh = {v for v in values if isinstance(v, str) and distinctive(v)}
    with _remember_lock:
        if fresh - set(_remembered):
            _remembered = tuple(sorted(fresh | set(_remembered), key=len, reverse=True))
            _redact_known.cache_clear()


def remembered_secrets() -> tuple[str, ...]:
    """The literal secrets registered with `remember_secrets`, longest first."""
    return _remembered


# Something every pattern above needs; text without any of it is returned at once (most text).
_MAY_HOLD_SECRET = re.compile(rf"(?i)-----begin|authorization|bearer|://|--|{_SECRET_WORDS}|fb[ksi]_|gh[pousr]_|"
                              r"github_pat_|xox|akia|asia|[sr]k_(?:live|test)_|aiza|eyj")


def redact(text: str, *, known: Iterable[str] = ()) -> str:
    """`text` with every credential it contains masked; `known` adds literal secrets to mask."""
    if not text:
        return text
    extra = sorted({s for s in known if s and len(s) >= MIN_KNOWN_LENGTH}, key=len, reverse=True)
    for secret in extra:
        if secret in text:
            text = text.replace(secret, MASK)
    if len(text) > CACHED_LENGTH:
        return _redact_uncached(text)
    return _redact_known(text)


CACHED_LENGTH = 512  # short strings (names, statuses, URLs) repeat across answers: their results are kept


@functools.lru_cache(maxsize=16384)
def _redact_known(text: str) -> str:
    return _redact_uncached(text)


def _redact_uncached(text: str) -> str:
    for secret in _remembered:
        if secret in text:
            text = text.replace(secret, MASK)
    if not _MAY_HOLD_SECRET.search(text):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    """True when a mapping key names a secret (its value is masked whatever it looks like)."""
    return bool(SECRET_KEY.match(key.strip()))


def _masked_under(key: Any, item: Any) -> bool:
    """True when `item` is a scalar held under a key that names a secret."""
    return (isinstance(key, str) and is_secret_key(key) and isinstance(item, str | int | float)
            and not isinstance(item, bool) and item != "")


def redact_value(value: Any, *, known: Iterable[str] = ()) -> Any:
    """A copy of a JSON-like value with secrets masked in every string and under secret keys."""
    known = tuple(known)
    if isinstance(value, str):
        return redact(value, known=known)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if _masked_under(key, item):
                out[key] = MASK
            else:
                out[key] = redact_value(item, known=known)
        return out
    if isinstance(value, list | tuple):
        return [redact_value(item, known=known) for item in value]
    return value


_ADDRESS = re.compile(r"(?i)^([a-z][a-z0-9+.-]*)://\S*$")
# Addresses that carry no credential of their own (the server's log and standard output).
_PLAIN_SCHEMES = frozenset({"console", "log"})
# Schemes whose host part is a host name: it is shown, the rest (path, query, user) is not.
_HOST_SCHEMES = frozenset({"http", "https", "ws", "wss", "json", "jsons", "xml", "xmls", "form", "forms",
                           "postgres", "postgresql", "postgresql+psycopg", "mysql", "mariadb", "mongodb",
                           "redis", "rediss", "amqp", "amqps", "ssh", "ftp", "sftp", "smtp", "smtps",
                           "mailto", "mailtos", "ntfy", "ntfys"})


def mask_address(text: str) -> str:
    """A URL reduced to what it points at: `scheme://host:port/[REDACTED]` for host-based schemes,
    `scheme://[REDACTED]` where the host part itself is a token (most chat services); other text
    is redacted as usual."""
    match = _ADDRESS.match(text)
    if match is None:
        return redact(text)
    scheme = match.group(1).lower()
    if scheme in _PLAIN_SCHEMES:
        return redact(text)
    if scheme not in _HOST_SCHEMES:
        return f"{scheme}://{MASK}"
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        return f"{scheme}://{MASK}"
    shown = f"{scheme}://{host or ''}{f':{port}' if port else ''}"
    hidden = parts.username or parts.password or parts.path.strip("/") or parts.query or parts.fragment
    return f"{shown}/{MASK}" if hidden else shown


def mask_addresses(value: Any) -> Any:
    """`redact_value`, with every string that is a URL reduced by `mask_address`."""
    if isinstance(value, str):
        return mask_address(value) if "://" in value else redact(value)
    if isinstance(value, dict):
        return {key: MASK if _masked_under(key, item) else mask_addresses(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_addresses(item) for item in value]
    return value


def _token_like(part: str) -> bool:
    """A URL component that may be a credential: long, and not a plain word such as `services`."""
    return (len(part) >= 8 and not part.isdigit() and (any(c.isdigit() for c in part) or len(part) >= 20)
            and MASK not in part)


def address_secrets(address: str) -> set[str]:
    """The parts of a URL that may be credentials (password, token-like host, path and query parts),
    for `remember_secrets`: libraries that log an address rebuild it, so the whole string is not enough."""
    match = _ADDRESS.match(address)
    if match is None or match.group(1).lower() in _PLAIN_SCHEMES:
        return set()
    found: set[str] = set()
    parts = urlsplit(address)
    userinfo = parts.netloc.rpartition("@")[0]
    password = userinfo.partition(":")[2]
    if len(password) >= MIN_KNOWN_LENGTH:
        found.add(password)
    pieces = re.split(r"[/?&=#;,]", f"{parts.path}?{parts.query}")
    if match.group(1).lower() not in _HOST_SCHEMES:
        pieces += re.split(r"[:@]", parts.netloc)  # the "host" of most chat schemes is a token
    for piece in pieces:
        if _token_like(piece):
            found.add(piece)
    return found
