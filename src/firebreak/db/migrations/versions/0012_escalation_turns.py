"""An escalation's unit of work is a turn (a runbook's is a step): escalation and outbox columns renamed."""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

RENAMES = (("escalations", "step", "turn"), ("escalations", "last_step_at", "last_turn_at"),
           ("notification_outbox", "step_seq", "turn_seq"))
CONSTRAINT = ("uq_notification_outbox_step_contact", "uq_notification_outbox_turn_contact")


def _rename(forward: bool) -> None:
    old_name, new_name = CONSTRAINT if forward else CONSTRAINT[::-1]
    for table, old, new in RENAMES:
        source, target = (old, new) if forward else (new, old)
        with op.batch_alter_table(table) as batch:
            batch.alter_column(source, new_column_name=target)
    with op.batch_alter_table("notification_outbox") as batch:
        turn = "turn_seq" if forward else "step_seq"
        batch.drop_constraint(old_name, type_="unique")
        batch.create_unique_constraint(new_name, ["escalation_id", turn, "user_handle", "contact_index"])


def upgrade() -> None:
    _rename(True)


def downgrade() -> None:
    _rename(False)
