"""Markdown reading: a section tree with source lines, repaired mojibake, labels and front matter."""

from __future__ import annotations

from firebreak.runbook.intake.markdown import label_of, parse_document
from firebreak.runbook.intake.text import clean_title, repair, terms
from tests.runbook.corpus import SEED_FILES


def test_mangled_emoji_are_repaired_without_moving_lines() -> None:
    raw = SEED_FILES["003"].read_text()
    assert "ðŸš¨" in raw
    fixed = repair(raw)
    assert "ðŸš¨" not in fixed and "🚨 Database Connection Pool Exhausted" in fixed
    assert fixed.count("\n") == raw.count("\n")
    document = parse_document("003", raw)
    first = document.root.children[0].children[0]
    assert (first.title, first.symbol, first.line) == ("Database Connection Pool Exhausted", "🚨", 3)


def test_sections_blocks_and_labels_keep_their_lines() -> None:
    text = ("# Runbooks\n\n## Disk Full\n\n**Symptoms**: writes fail\n\n1. **Immediate Actions:**\n"
            "   ```bash\n   df -h\n   ```\n- [x] checked `du -sh /var`\n\n| a | b |\n|---|---|\n| https://x.io | 2 |\n")
    document = parse_document("t.md", text)
    disk = document.root.children[0].children[0]
    assert (disk.title, disk.line, disk.end_line) == ("Disk Full", 3, 16)
    kinds = [(b.kind, b.line) for b in disk.blocks]
    assert kinds == [("paragraph", 5), ("item", 7), ("fence", 8), ("item", 11), ("table", 13)]
    symptoms, actions = disk.blocks[0], disk.blocks[1]
    assert label_of(symptoms.inline) == "Symptoms" and symptoms.inline.rest == ": writes fail"
    assert label_of(actions.inline) == "Immediate Actions"
    assert disk.blocks[2].content == "df -h\n" and disk.blocks[2].info == "bash"
    assert disk.blocks[3].checked is True and disk.blocks[3].inline.code == [("du -sh /var", 11)]
    assert disk.blocks[4].inline.links[0][1] == "https://x.io"


def test_front_matter_is_read_and_blanked() -> None:
    document = parse_document("a.md", "---\ntitle: A\nweight: 2\n---\n# A\n")
    assert document.front_matter == {"title": "A", "weight": 2}
    assert document.root.children[0].line == 5


def test_titles_lose_numbering_and_emoji_but_keep_meaning() -> None:
    assert clean_title("🚨 High Error Rate (>5% 5xx errors)") == "High Error Rate (>5% 5xx errors)"
    assert clean_title("3. Database Connection Errors") == "Database Connection Errors"
    assert clean_title("Scenario 4: Elevated Error Rate") == "Elevated Error Rate"
    assert clean_title("`pg_xid_wraparound` Saturation Alert") == "pg_xid_wraparound Saturation Alert"
    assert clean_title("SEV-0 Response Procedures") == "SEV-0 Response Procedures"


def test_terms_normalise_alert_names_and_titles_alike() -> None:
    assert terms("DatabaseConnectionPoolExhausted") == terms("Database Connection Pool Exhaustion")
    assert terms("CertificateExpiringInDays")[:2] == terms("Certificate Expiry")
    assert terms("KubePodCrashLooping") == terms("kube pod crash loop") == ["kub", "pod", "crash", "loop"]
