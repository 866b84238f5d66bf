"""Kernel: secret redaction for logs, timelines, exports and error messages (pure).

`redact(text)` masks credentials found in free text: Firebreak tokens, bearer and basic
authorization values, passwords in connection strings, `password=…`-style assignments and
command-line flags, private keys, and the well-known token formats of common services.
`redact_value(value)` does the same through dicts and lists and also masks every value held
under a key that names a secret (`password`, `api_key`, `routing_key`, …).
Both are idempotent: redacting redacted text changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

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


def redact(text: str, *, known: Iterable[str] = ()) -> str:
    """`text` with every credential it contains masked; `known` adds literal secrets to mask."""
    if not text:
        return text
    for secret in sorted({s for s in known if s and len(s) >= MIN_KNOWN_LENGTH}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def is_secret_key(key: str) -> bool:
    """True when a mapping key names a secret (its value is masked whatever it looks like)."""
    return bool(SECRET_KEY.match(key.strip()))


def redact_value(value: Any, *, known: Iterable[str] = ()) -> Any:
    """A copy of a JSON-like value with secrets masked in every string and under secret keys."""
    known = tuple(known)
    if isinstance(value, str):
        return redact(value, known=known)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and is_secret_key(key) and isinstance(item, str | int | float) \
                    and not isinstance(item, bool) and item != "":
                out[key] = MASK
            else:
                out[key] = redact_value(item, known=known)
        return out
    if isinstance(value, list | tuple):
        return [redact_value(item, known=known) for item in value]
    return value
