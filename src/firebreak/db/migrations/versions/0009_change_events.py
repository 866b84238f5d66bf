"""Change events (PagerDuty Change Events API): what changed, kept for incidents that open soon after."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("service", sa.String(255)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("source", sa.String(1024)),
        sa.Column("happened_at", UTCDateTime),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("integration", sa.String(255), nullable=False),
        sa.Column("details", sa.JSON),
        sa.Column("links", sa.JSON, nullable=False),
    )
    op.create_index("ix_change_events_service_received_at", "change_events", ["service", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_change_events_service_received_at", table_name="change_events")
    op.drop_table("change_events")
