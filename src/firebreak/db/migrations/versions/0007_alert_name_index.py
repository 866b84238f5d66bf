"""Index firing alerts by name: inhibition looks up its source alerts this way."""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alerts_status_name", "alerts", ["status", "name"])


def downgrade() -> None:
    op.drop_index("ix_alerts_status_name", table_name="alerts")
