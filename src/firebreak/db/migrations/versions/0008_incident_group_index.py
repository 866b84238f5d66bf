"""Index incidents by group and resolution time: a new alert looks up its group's recently resolved incident."""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incidents_group_key_resolved_at", "incidents", ["group_key", "resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_incidents_group_key_resolved_at", table_name="incidents")
