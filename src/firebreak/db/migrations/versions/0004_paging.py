"""Paging tables: escalations, notification outbox, delivery attempts, schedule overrides."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", name="fk_escalations_incident_id_incidents"),
                  nullable=False),
        sa.Column("policy", sa.String(255), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("repages", sa.Integer, nullable=False),
        sa.Column("next_due_at", UTCDateTime),
        sa.Column("token", sa.Integer, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("ack_deadline_at", UTCDateTime),
        sa.Column("acknowledged_at", UTCDateTime),
        sa.Column("acknowledged_by", sa.String(255)),
        sa.Column("stopped_at", UTCDateTime),
        sa.Column("last_step_at", UTCDateTime),
        sa.UniqueConstraint("incident_id", name="uq_escalations_incident_id"),
    )
    op.create_index("ix_escalations_status_due", "escalations", ["status", "next_due_at"])
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer,
                  sa.ForeignKey("incidents.id", name="fk_notification_outbox_incident_id_incidents"),
                  nullable=False),
        sa.Column("escalation_id", sa.Integer,
                  sa.ForeignKey("escalations.id", name="fk_notification_outbox_escalation_id_escalations")),
        sa.Column("step_seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("user_handle", sa.String(255), nullable=False),
        sa.Column("contact_index", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("token", sa.Integer, nullable=False),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("fallback", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("escalation_id", "step_seq", "user_handle", "contact_index",
                            name="uq_notification_outbox_step_contact"),
    )
    op.create_index("ix_notification_outbox_incident_id", "notification_outbox", ["incident_id"])
    op.create_index("ix_notification_outbox_status_next", "notification_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("outbox_id", sa.Integer,
                  sa.ForeignKey("notification_outbox.id", name="fk_delivery_attempts_outbox_id_notification_outbox"),
                  nullable=False),
        sa.Column("incident_id", sa.Integer,
                  sa.ForeignKey("incidents.id", name="fk_delivery_attempts_incident_id_incidents"), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(255), nullable=False),
        sa.Column("handed_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.UniqueConstraint("outbox_id", "attempt", name="uq_delivery_attempts_outbox_attempt"),
    )
    op.create_index("ix_delivery_attempts_outbox_id", "delivery_attempts", ["outbox_id"])
    op.create_index("ix_delivery_attempts_incident_id", "delivery_attempts", ["incident_id"])
    op.create_table(
        "schedule_overrides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("schedule", sa.String(255), nullable=False),
        sa.Column("user_handle", sa.String(255), nullable=False),
        sa.Column("replaces", sa.String(255)),
        sa.Column("starts_at", UTCDateTime, nullable=False),
        sa.Column("ends_at", UTCDateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_schedule_overrides_schedule", "schedule_overrides", ["schedule"])
    op.create_index("ix_schedule_overrides_ends_at", "schedule_overrides", ["ends_at"])


def downgrade() -> None:
    op.drop_table("schedule_overrides")
    op.drop_table("delivery_attempts")
    op.drop_table("notification_outbox")
    op.drop_table("escalations")
