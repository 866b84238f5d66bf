"""Post-incident reviews (every version kept) and the timeline entries marked as key events."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", name="fk_reviews_incident_id_incidents"),
                  nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sections", sa.JSON, nullable=False),
        sa.Column("generated", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("completed_at", UTCDateTime),
        sa.Column("completed_by", sa.String(255)),
        sa.UniqueConstraint("incident_id", name="uq_reviews_incident_id"),
    )
    op.create_table(
        "review_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id", name="fk_review_versions_review_id_reviews"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sections", sa.JSON, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("saved_at", UTCDateTime, nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.UniqueConstraint("review_id", "version", name="uq_review_versions_review_version"),
    )
    op.create_index("ix_review_versions_review_id", "review_versions", ["review_id"])
    op.create_table(
        "key_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", name="fk_key_events_incident_id_incidents"),
                  nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("marked_by", sa.String(255), nullable=False),
        sa.Column("marked_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("incident_id", "seq", name="uq_key_events_incident_seq"),
    )
    op.create_index("ix_key_events_incident_id", "key_events", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_key_events_incident_id", table_name="key_events")
    op.drop_table("key_events")
    op.drop_index("ix_review_versions_review_id", table_name="review_versions")
    op.drop_table("review_versions")
    op.drop_table("reviews")
