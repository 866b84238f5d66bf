"""The severity_scale section: presets by name or levels written out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firebreak.config import ConfigError, parse_config
from firebreak.config.scale import scale_as_dict
from firebreak.route.severity import resolve_hint
from firebreak.route.severity_presets import P0_P3, SEV0_SEV3

CUSTOM = """
severity_scale:
  name: house
  levels:
    - {name: Red, description: All hands, ack_deadline: 2m, update_cadence: 10m, pages: true,
       aliases: [critical, page]}
    - {name: Amber, ack_deadline: 30m, pages: false, aliases: [warning, error]}
    - {name: Green, ack_deadline: 1d, aliases: [info]}
"""


def test_preset_by_name_and_by_key() -> None:
    assert parse_config("severity_scale: p0-p3").severity_scale is P0_P3
    assert parse_config("severity_scale: {preset: SEV0-3}").severity_scale is SEV0_SEV3


def test_levels_written_out() -> None:
    scale = parse_config(CUSTOM).severity_scale
    assert scale.name == "house" and scale.names == ("Red", "Amber", "Green")
    red = scale.level("Red")
    assert (red.ack_deadline, red.update_cadence, red.pages) == (timedelta(minutes=2), timedelta(minutes=10), True)
    assert scale.level("Green").update_cadence is None
    assert resolve_hint(scale, "page") == "Red"
    assert resolve_hint(scale, "error") == "Amber"


def test_scale_serialises_for_the_api() -> None:
    described = scale_as_dict(parse_config(CUSTOM).severity_scale)
    assert described["levels"][0] == {"name": "Red", "description": "All hands", "ack_deadline": "2m",
                                      "update_cadence": "10m", "pages": True, "urgency": "high",
                                      "outside_support_hours": None, "review": "required",
                                      "aliases": ["critical", "page"]}
    assert described["levels"][2]["ack_deadline"] == "1d"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("severity_scale: {preset: p0-p3, levels: []}", "either 'preset'"),
        ("severity_scale: {levels: []}", "at least one level"),
        ("severity_scale:\n  levels:\n    - {name: A, ack_deadline: 1m}\n    - {name: A, ack_deadline: 2m}\n",
         "declared twice"),
        ("severity_scale:\n  levels:\n    - {name: A, ack_deadline: 1m, aliases: [x]}\n"
         "    - {name: B, ack_deadline: 2m, aliases: [X]}\n", "already names level"),
        ("severity_scale:\n  levels:\n    - {name: A}\n", "required field is missing"),
    ],
)
def test_invalid_scales(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_config(text, file="s.yaml")
    assert caught.value.field is not None and caught.value.field.startswith("severity_scale")


def test_routes_may_name_levels_by_alias() -> None:
    config = parse_config(CUSTOM + "routes:\n  - {match: {a: b}, severity: page}\n")
    assert config.route_plan.root.children[0].settings.severity == "Red"
