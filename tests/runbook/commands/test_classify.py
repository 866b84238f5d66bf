"""Every command in the seeds is classified; destructive and read-only ones are pinned line by line."""

from __future__ import annotations

import pytest

from firebreak.runbook.model import COMMAND_CLASSES
from tests.runbook.corpus import seed, seed_runbooks

# The class of every command in the five seeds, by line (reviewed by hand against the seeds).
SEED_CLASSES = {
    "000": {
        "destructive": [80, 122],
        "interactive": [43, 77, 186, 213, 216, 240, 293, 343, 349, 352, 381, 384],
        "mutating": [40, 83, 84, 119, 125, 128],
        "read-only": [36, 37, 46, 87, 180, 183, 189, 209, 210, 237, 243, 246, 264, 270, 287, 290, 346, 355, 356,
                      363, 366, 369, 374, 387],
    },
    "001": {
        "destructive": [308, 327, 330, 347],
        "interactive": [28, 35, 50, 73, 103, 186, 196, 275, 333, 351, 377],
        "mutating": [86, 163, 166, 169, 178, 188, 203, 217, 281, 297, 312, 314],
        "read-only": [25, 38, 39, 42, 43, 46, 56, 59, 62, 65, 100, 106, 125, 134, 138, 142, 149, 153, 172, 199, 202,
                      272, 278, 288, 291, 294, 304, 321, 324, 341, 344],
    },
    "002": {
        "destructive": [219, 241, 244, 425, 502],
        "interactive": [109, 149, 179, 182, 232, 385, 448],
        "mutating": [197, 206, 209, 216, 226, 235, 388, 391, 416, 419, 445, 495, 501],
        "read-only": [122, 130, 131, 134, 140, 143, 152, 153, 159, 162, 165, 166, 185, 200, 321, 367, 370, 373, 401,
                      404, 407, 435, 436, 439, 462, 465, 483, 486, 489, 500, 620, 621, 623, 624, 626, 627, 629, 630],
    },
    "003": {
        "destructive": [31],
        "interactive": [56, 140],
        "mutating": [35, 36, 104, 155, 239, 240],
        "read-only": [13, 17, 60, 64, 74, 78, 79, 179, 232, 233, 236, 243, 264, 267, 273, 279],
    },
    "004": {
        "destructive": [113, 190, 219],
        "interactive": [149, 187, 199, 202, 261, 279],
        "mutating": [92, 93, 96, 97, 110, 122, 174, 175, 178, 179, 193, 205, 228, 243, 246, 263, 306, 307, 308, 311,
                     314, 315, 343],
        "read-only": [38, 39, 42, 43, 44, 47, 48, 60, 61, 64, 67, 77, 78, 81, 82, 83, 86, 100, 101, 107, 119, 138, 139,
                      142, 143, 152, 158, 161, 213, 216, 225, 239, 240, 247, 255, 258, 276],
    },
}
# What makes each destructive seed command destructive, in the reason it carries.
DESTRUCTIVE_REASONS = {
    ("000", 80): "pg_terminate_backend", ("000", 122): "FLUSHDB", ("001", 308): "pg_terminate_backend",
    ("001", 327): "find -delete", ("001", 330): "docker system prune", ("001", 347): "kubectl delete",
    ("002", 219): "kubectl delete", ("002", 241): "FLUSHDB", ("002", 244): "DEL", ("002", 425): "pg_terminate_backend",
    ("002", 502): "--delete", ("003", 31): "pg_terminate_backend", ("004", 113): "--force-failover",
    ("004", 190): "pg_terminate_backend", ("004", 219): "FLUSHDB",
}


@pytest.mark.parametrize("number", sorted(SEED_CLASSES))
def test_every_seed_command_has_its_pinned_class(number: str) -> None:
    found: dict[str, list[int]] = {cls: [] for cls in COMMAND_CLASSES}
    for runbook in seed(number):
        for command in runbook.commands:
            assert command.reason, command.text
            found[command.cls].append(command.line)
    assert {cls: sorted(lines) for cls, lines in found.items()} == SEED_CLASSES[number]


def test_destructive_seed_commands_say_why() -> None:
    found = {(r.source_path.rsplit("/", 1)[-1][:3], c.line): c.reason for r in seed_runbooks() for c in r.commands
             if c.cls == "destructive"}
    assert set(found) == set(DESTRUCTIVE_REASONS)
    for key, word in DESTRUCTIVE_REASONS.items():
        assert word in found[key], (key, found[key])
