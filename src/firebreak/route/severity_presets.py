"""The four ready-made severity scales, with the response times and update cadences teams use.

- `p0-p3`: P0 Critical 15 min, P1 High 1 h, P2 Medium 4 h, P3 Low 1 day; P0 pages, P1 pages
  during support hours and is low urgency outside them, P2 is low urgency (an e-mail to the
  team), P3 has urgency none (a ticket). No fixed update cadence.
- `sev1-sev4`: SEV1 immediate (within the 5-minute triage window), SEV2 15 min, SEV3 1 h,
  SEV4 4 h; updates every 15 min / 30 min / 1 h / as needed; SEV1 and SEV2 page, SEV3 and
  SEV4 are low urgency.
- `sev0-sev3`: every level is acknowledged within the first 5 minutes; SEV0 and SEV1 page
  and update every 15 min; SEV2 and SEV3 are low urgency with no fixed cadence.
- `critical-low`: Critical 15 min (pages the on-call), High 1 h (low urgency: the team lead
  hears of it), Medium 4 h and Low 1 day (urgency none: a ticket, a backlog item).

Closing an incident needs a completed post-incident review for the two most severe levels of
each preset; for the other two the review is optional.

Aliases put Alertmanager and PagerDuty hints on each scale: `critical` is the top level,
`error` (PagerDuty) the second, `warning` the third, `info` the fourth.
"""

from __future__ import annotations

from datetime import timedelta

from firebreak.route.severity import SeverityLevel, SeverityScale, normalise

_MIN = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)

P0_P3 = SeverityScale(
    name="p0-p3",
    levels=(
        SeverityLevel("P0", "Critical: complete outage, data breach or security incident, "
                      "financial impact over $10k/hour; page immediately",
                      15 * _MIN, None, True, ("critical", "p0-critical")),
        SeverityLevel("P1", "High: partial outage or degraded performance affecting users "
                      "(more than half of them); page during business hours",
                      _HOUR, None, True, ("high", "error", "p1-high"), "high", "low"),
        SeverityLevel("P2", "Medium: a single service or non-critical component failing, "
                      "under half of users affected; e-mail notification",
                      4 * _HOUR, None, False, ("medium", "warning", "p2-medium"), review="optional"),
        SeverityLevel("P3", "Low: minor or cosmetic issues, non-urgent improvements; ticket only",
                      _DAY, None, False, ("low", "info", "p3-low"), "none", review="optional"),
    ),
)

SEV1_SEV4 = SeverityScale(
    name="sev1-sev4",
    levels=(
        SeverityLevel("SEV1", "Critical: complete service outage, data breach or database corruption; "
                      "respond immediately, page the incident commander",
                      5 * _MIN, 15 * _MIN, True, ("critical",)),
        SeverityLevel("SEV2", "High: a major feature unavailable (API errors over 50%, payments or "
                      "authentication down)",
                      15 * _MIN, 30 * _MIN, True, ("high", "error")),
        SeverityLevel("SEV3", "Medium: degraded performance, high latency, intermittent errors "
                      "under 20%, a non-critical feature down",
                      _HOUR, _HOUR, False, ("medium", "warning"), review="optional"),
        SeverityLevel("SEV4", "Low: minor issue, UI glitches, single-user reports; updates as needed",
                      4 * _HOUR, None, False, ("low", "info"), review="optional"),
    ),
)

SEV0_SEV3 = SeverityScale(
    name="sev0-sev3",
    levels=(
        SeverityLevel("SEV0", "Critical: complete outage, data loss, security breach in progress, "
                      "revenue impact over $10,000/hour or over 90% of users affected",
                      5 * _MIN, 15 * _MIN, True, ("critical",)),
        SeverityLevel("SEV1", "High: major feature degradation, performance issues for over 50% of "
                      "users, database connectivity or load balancer failures",
                      5 * _MIN, 15 * _MIN, True, ("high", "error")),
        SeverityLevel("SEV2", "Medium: partial degradation, under 50% of users affected, "
                      "non-critical service failures, elevated error rates",
                      5 * _MIN, None, False, ("medium", "warning"), review="optional"),
        SeverityLevel("SEV3", "Low: minor or single-user problems, documentation or cosmetic issues",
                      5 * _MIN, None, False, ("low", "info"), review="optional"),
    ),
)

CRITICAL_LOW = SeverityScale(
    name="critical-low",
    levels=(
        SeverityLevel("Critical", "Revenue or availability at stake: page on-call, notify executives",
                      15 * _MIN, None, True, ("p0",)),
        SeverityLevel("High", "Notify the team lead and open an incident post",
                      _HOUR, None, False, ("error", "p1")),
        SeverityLevel("Medium", "Create a ticket and plan a fix",
                      4 * _HOUR, None, False, ("warning", "p2"), "none", review="optional"),
        SeverityLevel("Low", "Backlog item",
                      _DAY, None, False, ("info", "p3"), "none", review="optional"),
    ),
)

PRESETS: dict[str, SeverityScale] = {
    scale.name: scale for scale in (P0_P3, SEV1_SEV4, SEV0_SEV3, CRITICAL_LOW)
}

# Shorter spellings people write for the same presets.
_PRESET_ALIASES = {
    "p03": "p0-p3", "sev14": "sev1-sev4", "sev03": "sev0-sev3",
    "criticalhighmediumlow": "critical-low", "chml": "critical-low",
}


def preset(name: str) -> SeverityScale:
    """The preset scale called `name` (`p0-p3`, `sev1-sev4`, `sev0-sev3`, `critical-low`)."""
    key = normalise(name)
    for canonical, scale in PRESETS.items():
        if normalise(canonical) == key:
            return scale
    canonical = _PRESET_ALIASES.get(key)
    if canonical is None:
        raise KeyError(f"unknown severity scale preset {name!r}; presets: {', '.join(PRESETS)}")
    return PRESETS[canonical]
