"""Each preset reproduces the severity table of the runbook it comes from; hints map through aliases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firebreak.route.severity import SeverityLevel, SeverityScale, resolve_hint
from firebreak.route.severity_presets import CRITICAL_LOW, P0_P3, PRESETS, SEV0_SEV3, SEV1_SEV4, preset

M = timedelta(minutes=1)
H = timedelta(hours=1)


def table(scale: SeverityScale) -> list[tuple[str, timedelta, timedelta | None, bool]]:
    return [(lv.name, lv.ack_deadline, lv.update_cadence, lv.pages) for lv in scale.levels]


def test_p0_p3_matches_seeds_000_and_001() -> None:
    # Response times: P0 < 15 min, P1 < 1 h, P2 < 4 h, P3 < 1 day. Paging: P0 immediately,
    # P1 during business hours, P2 e-mail only, P3 ticket only. No update cadence is given.
    assert table(P0_P3) == [
        ("P0", 15 * M, None, True),
        ("P1", 1 * H, None, True),
        ("P2", 4 * H, None, False),
        ("P3", 24 * H, None, False),
    ]


def test_sev1_sev4_matches_seed_002() -> None:
    # Response: immediate (inside the 0-5 min triage phase), 15 min, 1 h, 4 h.
    # Updates: SEV1 every 15 min, SEV2 every 30 min, SEV3 hourly, SEV4 as needed.
    # SEV1 and SEV2 are escalated (paged).
    assert table(SEV1_SEV4) == [
        ("SEV1", 5 * M, 15 * M, True),
        ("SEV2", 15 * M, 30 * M, True),
        ("SEV3", 1 * H, 1 * H, False),
        ("SEV4", 4 * H, None, False),
    ]


def test_sev0_sev3_matches_seed_004() -> None:
    # Every incident is acknowledged within the first 5 minutes; SEV0 and SEV1 update every 15 min.
    assert table(SEV0_SEV3) == [
        ("SEV0", 5 * M, 15 * M, True),
        ("SEV1", 5 * M, 15 * M, True),
        ("SEV2", 5 * M, None, False),
        ("SEV3", 5 * M, None, False),
    ]


def test_critical_low_matches_seed_003() -> None:
    # Critical < 15 min (page on-call), High < 1 h, Medium < 4 h, Low < 1 day.
    assert table(CRITICAL_LOW) == [
        ("Critical", 15 * M, None, True),
        ("High", 1 * H, None, False),
        ("Medium", 4 * H, None, False),
        ("Low", 24 * H, None, False),
    ]


def test_every_preset_has_descriptions() -> None:
    for scale in PRESETS.values():
        assert all(level.description for level in scale.levels), scale.name


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        (P0_P3, {"critical": "P0", "error": "P1", "warning": "P2", "info": "P3"}),
        (SEV1_SEV4, {"critical": "SEV1", "error": "SEV2", "warning": "SEV3", "info": "SEV4"}),
        (SEV0_SEV3, {"critical": "SEV0", "error": "SEV1", "warning": "SEV2", "info": "SEV3"}),
        (CRITICAL_LOW, {"critical": "Critical", "error": "High", "warning": "Medium", "info": "Low"}),
    ],
)
def test_alertmanager_and_pagerduty_hints(scale: SeverityScale, expected: dict[str, str]) -> None:
    for hint, level in expected.items():
        assert resolve_hint(scale, hint) == level
        assert resolve_hint(scale, hint.upper()) == level
    assert resolve_hint(scale, "disaster") is None
    assert resolve_hint(scale, None) is None
    assert resolve_hint(scale, "  ") is None


def test_level_names_resolve_loosely() -> None:
    assert resolve_hint(SEV1_SEV4, "sev-2") == "SEV2"
    assert resolve_hint(SEV1_SEV4, "Sev 2") == "SEV2"
    assert resolve_hint(P0_P3, "p1") == "P1"
    assert resolve_hint(CRITICAL_LOW, "HIGH") == "High"


@pytest.mark.parametrize("name", ["p0-p3", "P0-P3", "p0-3", "sev1-sev4", "SEV1-4", "sev0-3", "critical-low"])
def test_preset_names(name: str) -> None:
    assert preset(name) in PRESETS.values()


def test_unknown_preset() -> None:
    with pytest.raises(KeyError, match="unknown severity scale preset"):
        preset("sev5-sev9")


def test_ordering_helpers() -> None:
    scale = SEV1_SEV4
    assert scale.rank("SEV1") == 0 and scale.rank("sev4") == 3
    assert scale.more_severe("SEV3", "SEV2") == "SEV2"
    assert scale.most_severe_of(["SEV4", "SEV2", "SEV3"]) == "SEV2"
    assert scale.most_severe_of([]) is None
    assert scale.raise_to("SEV3", "SEV2") == "SEV2"
    assert scale.raise_to("SEV1", "SEV2") == "SEV1"  # never lowered
    assert scale.raise_by("SEV3", 1) == "SEV2"
    assert scale.raise_by("SEV2", 5) == "SEV1"  # stops at the top
    assert (scale.most_severe, scale.least_severe) == ("SEV1", "SEV4")
    with pytest.raises(KeyError):
        scale.level("SEV9")


def level(name: str, *aliases: str) -> SeverityLevel:
    return SeverityLevel(name, "", timedelta(minutes=5), None, True, aliases)


def test_invalid_scales() -> None:
    with pytest.raises(ValueError, match="at least one level"):
        SeverityScale("empty", ())
    with pytest.raises(ValueError, match="declared twice"):
        SeverityScale("dup", (level("A"), level("A")))
    with pytest.raises(ValueError, match="already names level"):
        SeverityScale("clash", (level("A", "critical"), level("B", "critical")))
    with pytest.raises(ValueError, match="already names level"):
        SeverityScale("clash", (level("SEV1"), level("B", "sev-1")))
