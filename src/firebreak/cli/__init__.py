"""CLI edge: the `firebreak` command, one Typer sub-command group per area — alerts, incidents,
runbooks and their steps, silences and route tests, on-call and overrides, tokens, users, audit,
configuration, migrations and drills — against a running server or straight on the database;
`serve` and `worker` run the long-lived processes."""
