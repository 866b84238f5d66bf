"""Status updates and their cadence: posted updates, durable reminder timers, incident chat channels, and
outbox rows that carry them."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_updates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(),
                  sa.ForeignKey("incidents.id", name="fk_status_updates_incident_id_incidents"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("next_update_at", UTCDateTime(), nullable=True),
        sa.Column("posted_by", sa.String(255), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_status_updates_incident_id", "status_updates", ["incident_id"])
    op.create_index("ix_status_updates_posted_at", "status_updates", ["posted_at"])
    op.create_index("ix_status_updates_visibility_posted", "status_updates", ["visibility", "posted_at"])
    op.create_table(
        "update_cadences",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(),
                  sa.ForeignKey("incidents.id", name="fk_update_cadences_incident_id_incidents"), nullable=False),
        sa.Column("track", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("next_due_at", UTCDateTime(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_update_at", UTCDateTime(), nullable=True),
        sa.Column("token", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("incident_id", "track", name="uq_update_cadences_incident_track"),
    )
    op.create_index("ix_update_cadences_incident_id", "update_cadences", ["incident_id"])
    op.create_index("ix_update_cadences_status_due", "update_cadences", ["status", "next_due_at"])
    op.create_table(
        "incident_channels",
        sa.Column("incident_id", sa.Integer(),
                  sa.ForeignKey("incidents.id", name="fk_incident_channels_incident_id_incidents"), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    with op.batch_alter_table("notification_outbox") as batch:
        batch.add_column(sa.Column("cadence_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("update_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_notification_outbox_cadence_id_update_cadences", "update_cadences",
                                 ["cadence_id"], ["id"])
        batch.create_foreign_key("fk_notification_outbox_update_id_status_updates", "status_updates",
                                 ["update_id"], ["id"])
        batch.create_unique_constraint("uq_notification_outbox_cadence_contact",
                                       ["cadence_id", "turn_seq", "user_handle", "contact_index"])


def downgrade() -> None:
    op.execute("DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM notification_outbox "
               "WHERE cadence_id IS NOT NULL OR update_id IS NOT NULL)")
    op.execute("DELETE FROM notification_outbox WHERE cadence_id IS NOT NULL OR update_id IS NOT NULL")
    with op.batch_alter_table("notification_outbox") as batch:
        batch.drop_constraint("uq_notification_outbox_cadence_contact", type_="unique")
        batch.drop_constraint("fk_notification_outbox_update_id_status_updates", type_="foreignkey")
        batch.drop_constraint("fk_notification_outbox_cadence_id_update_cadences", type_="foreignkey")
        batch.drop_column("update_id")
        batch.drop_column("cadence_id")
    op.drop_table("incident_channels")
    op.drop_table("update_cadences")
    op.drop_table("status_updates")
