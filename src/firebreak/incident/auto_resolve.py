"""Auto-resolve: whether an incident resolves itself when its last firing alert resolves.

Decided per source of the resolving alert and per service. A PagerDuty `resolve` event resolves
the incident, as PagerDuty does; an Alertmanager, Grafana or generic webhook "resolved" only marks
the incident's alerts as resolved and leaves the incident to a responder. The configuration's
`auto_resolve` (a boolean for every source, or a mapping per source) changes the defaults, and a
service's own `auto_resolve` wins over both. Pure: values in, a yes or no out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SOURCES = ("alertmanager", "grafana", "pagerduty", "webhook")
SOURCE_DEFAULTS: Mapping[str, bool] = {"alertmanager": False, "grafana": False, "pagerduty": True,
                                       "webhook": False}

AutoResolveSetting = bool | Mapping[str, bool]


def per_source(setting: AutoResolveSetting | None) -> dict[str, bool]:
    """A setting as a mapping per source (a boolean stands for every source; None for none)."""
    if setting is None:
        return {}
    if isinstance(setting, bool):
        return dict.fromkeys(SOURCES, setting)
    return dict(setting)


@dataclass(frozen=True, slots=True)
class AutoResolvePolicy:
    """Defaults per source, overridden by the configuration, overridden per service."""

    by_source: Mapping[str, bool] = field(default_factory=lambda: dict(SOURCE_DEFAULTS))
    by_service: Mapping[str, Mapping[str, bool]] = field(default_factory=dict)

    @classmethod
    def build(cls, setting: AutoResolveSetting | None,
              services: Mapping[str, AutoResolveSetting | None]) -> AutoResolvePolicy:
        """The policy from the top-level setting and each service's own."""
        return cls(by_source={**SOURCE_DEFAULTS, **per_source(setting)},
                   by_service={name: per_source(value) for name, value in services.items()
                               if value is not None})

    def applies(self, *, service: str | None, source: str) -> bool:
        """True when an alert of `source` resolving the last firing alert of an incident of
        `service` resolves the incident."""
        own = self.by_service.get(service or "", {})
        if source in own:
            return own[source]
        return self.by_source.get(source, False)
