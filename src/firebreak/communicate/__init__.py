"""Reserved for incident communication (status updates, a status page): nothing is built here yet,
and nothing imports this package."""
