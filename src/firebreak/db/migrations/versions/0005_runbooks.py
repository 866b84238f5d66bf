"""Runbook tables: runbooks, their version history and attachments to incidents."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runbooks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(255), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("collection", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("severity_hint", sa.String(64)),
        sa.Column("alert_names", sa.JSON, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("imported_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("slug", name="uq_runbooks_slug"),
    )
    op.create_index("ix_runbooks_kind", "runbooks", ["kind"])
    op.create_table(
        "runbook_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("runbook_id", sa.Integer,
                  sa.ForeignKey("runbooks.id", name="fk_runbook_versions_runbook_id_runbooks"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("imported_at", UTCDateTime, nullable=False),
        sa.Column("imported_by", sa.String(255), nullable=False),
        sa.UniqueConstraint("runbook_id", "version", name="uq_runbook_versions_runbook_version"),
    )
    op.create_index("ix_runbook_versions_runbook_id", "runbook_versions", ["runbook_id"])
    op.create_table(
        "runbook_attachments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer,
                  sa.ForeignKey("incidents.id", name="fk_runbook_attachments_incident_id_incidents"), nullable=False),
        sa.Column("runbook_id", sa.Integer,
                  sa.ForeignKey("runbooks.id", name="fk_runbook_attachments_runbook_id_runbooks"), nullable=False),
        sa.Column("slug", sa.String(255), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("automatic", sa.Boolean, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("attached_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_runbook_attachments_incident_id", "runbook_attachments", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_runbook_attachments_incident_id", table_name="runbook_attachments")
    op.drop_table("runbook_attachments")
    op.drop_index("ix_runbook_versions_runbook_id", table_name="runbook_versions")
    op.drop_table("runbook_versions")
    op.drop_index("ix_runbooks_kind", table_name="runbooks")
    op.drop_table("runbooks")
