"""Core tables: incidents, alerts, incident roles, timeline entries."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(64)),
        sa.Column("service", sa.String(255)),
        sa.Column("team", sa.String(255)),
        sa.Column("escalation_policy", sa.String(255)),
        sa.Column("group_key", sa.String(1024), nullable=False),
        sa.Column("open_group_key", sa.String(1024)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        *[sa.Column(f"{m}_at", UTCDateTime) for m in (
            "triggered", "acknowledged", "investigating", "identified", "mitigating",
            "monitoring", "resolved", "closed", "reopened")],
        sa.Column("alert_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("firing_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("alerts_resolved_at", UTCDateTime),
        sa.Column("timeline_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("timeline_head", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("open_group_key", name="uq_incidents_open_group_key"),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_index("ix_incidents_severity", "incidents", ["severity"])
    op.create_index("ix_incidents_service", "incidents", ["service"])
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(255), nullable=False),
        sa.Column("open_key", sa.String(255)),
        sa.Column("dedup_key", sa.String(255)),
        sa.Column("routing_key", sa.String(255)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("annotations", sa.JSON, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("severity_hint", sa.String(64)),
        sa.Column("starts_at", UTCDateTime),
        sa.Column("ends_at", UTCDateTime),
        sa.Column("generator_url", sa.Text),
        sa.Column("runbook_url", sa.Text),
        sa.Column("links", sa.JSON, nullable=False),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("service", sa.String(255)),
        sa.Column("severity", sa.String(64)),
        sa.Column("muted_by", sa.String(255)),
        sa.Column("inhibited_by", sa.String(255)),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id",
                  name="fk_alerts_incident_id_incidents")),
        sa.UniqueConstraint("open_key", name="uq_alerts_open_key"),
    )
    op.create_index("ix_alerts_fingerprint", "alerts", ["fingerprint"])
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_index("ix_alerts_incident_id", "alerts", ["incident_id"])
    op.create_index("ix_alerts_status_service", "alerts", ["status", "service"])

    op.create_table(
        "incident_roles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey(
            "incidents.id", name="fk_incident_roles_incident_id_incidents"), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("assignee", sa.String(255), nullable=False),
        sa.Column("assigned_by", sa.String(255), nullable=False),
        sa.Column("assigned_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("incident_id", "role", name="uq_incident_roles_incident_role"),
    )
    op.create_index("ix_incident_roles_incident_id", "incident_roles", ["incident_id"])

    op.create_table(
        "timeline_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey(
            "incidents.id", name="fk_timeline_entries_incident_id_incidents"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("incident_id", "seq", name="uq_timeline_entries_incident_seq"),
    )
    op.create_index("ix_timeline_entries_incident_id", "timeline_entries", ["incident_id"])


def downgrade() -> None:
    op.drop_table("timeline_entries")
    op.drop_table("incident_roles")
    op.drop_table("alerts")
    op.drop_table("incidents")
