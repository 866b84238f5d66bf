"""Declared and merged incidents: a description, the services touched, `merged_into`, and merged groups."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch.add_column(sa.Column("services", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_incidents_merged_into_incidents", "incidents", ["merged_into"], ["id"])
    op.create_table(
        "merged_groups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("group_key", sa.String(1024), nullable=False),
        sa.Column("incident_id", sa.Integer(),
                  sa.ForeignKey("incidents.id", name="fk_merged_groups_incident_id_incidents"), nullable=False),
        sa.Column("merged_incident_id", sa.Integer(),
                  sa.ForeignKey("incidents.id", name="fk_merged_groups_merged_incident_id_incidents"), nullable=False),
        sa.Column("merged_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_merged_groups_group_key", "merged_groups", ["group_key"])
    op.create_index("ix_merged_groups_incident_id", "merged_groups", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_merged_groups_incident_id", table_name="merged_groups")
    op.drop_index("ix_merged_groups_group_key", table_name="merged_groups")
    op.drop_table("merged_groups")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_constraint("fk_incidents_merged_into_incidents", type_="foreignkey")
        batch.drop_column("merged_into")
        batch.drop_column("services")
        batch.drop_column("description")
