"""Silence-expiry warnings go through the notification outbox: a row belongs to an incident or a silence."""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification_outbox") as batch:
        batch.alter_column("incident_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("silence_id", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_notification_outbox_silence_id_silences", "silences", ["silence_id"], ["id"])
        batch.create_unique_constraint("uq_notification_outbox_silence_id", ["silence_id", "contact_index"])
    with op.batch_alter_table("delivery_attempts") as batch:
        batch.alter_column("incident_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM delivery_attempts WHERE incident_id IS NULL")
    op.execute("DELETE FROM notification_outbox WHERE incident_id IS NULL")
    with op.batch_alter_table("delivery_attempts") as batch:
        batch.alter_column("incident_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("notification_outbox") as batch:
        batch.drop_constraint("uq_notification_outbox_silence_id", type_="unique")
        batch.drop_constraint("fk_notification_outbox_silence_id_silences", type_="foreignkey")
        batch.drop_column("silence_id")
        batch.alter_column("incident_id", existing_type=sa.Integer(), nullable=False)
