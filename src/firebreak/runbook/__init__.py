"""Runbooks: Markdown import, command classification, lint, storage, matching to incidents, execution, drills.

`intake` turns Markdown into runbooks, using `commands` (what each command does); `lint` finds real
defects; `library` keeps every imported version; `match` ranks runbooks for an incident and attaches
one; `execute` runs a step's commands; `drills` prove a runbook on a real fault. `model` is the
runbook every part reads.
"""
