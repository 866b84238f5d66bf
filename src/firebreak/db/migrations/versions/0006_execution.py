"""Execution: runbook step runs on incidents and drill results."""

import sqlalchemy as sa
from alembic import op

from firebreak.db.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", name="fk_step_runs_incident_id_incidents"),
                  nullable=False),
        sa.Column("runbook_slug", sa.String(255), nullable=False),
        sa.Column("command_index", sa.Integer, nullable=False),
        sa.Column("command_line", sa.Integer),
        sa.Column("phase", sa.String(255)),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("cls", sa.String(16), nullable=False),
        sa.Column("class_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("adaptations", sa.JSON, nullable=False),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("display", sa.Text, nullable=False, server_default=""),
        sa.Column("argv", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(8)),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.Column("automatic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("requested_by", sa.String(255), nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("approvals", sa.JSON, nullable=False),
        sa.Column("executor", sa.String(32), nullable=False, server_default="local"),
        sa.Column("started_at", UTCDateTime),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("exit_code", sa.Integer),
        sa.Column("stdout", sa.Text, nullable=False, server_default=""),
        sa.Column("stderr", sa.Text, nullable=False, server_default=""),
        sa.Column("truncated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("timed_out", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_step_runs_incident_id", "step_runs", ["incident_id"])
    op.create_index("ix_step_runs_status", "step_runs", ["status"])
    op.create_index("ix_step_runs_incident_status", "step_runs", ["incident_id", "status"])

    op.create_table(
        "drill_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("drill", sa.String(128), nullable=False),
        sa.Column("runbook_slug", sa.String(255), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("report", sa.JSON, nullable=False),
    )
    op.create_index("ix_drill_results_drill", "drill_results", ["drill"])
    op.create_index("ix_drill_results_runbook_slug", "drill_results", ["runbook_slug"])


def downgrade() -> None:
    op.drop_table("drill_results")
    op.drop_table("step_runs")
