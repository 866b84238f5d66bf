"""Migrate: other tools' on-call configuration (PagerDuty, Opsgenie, Grafana OnCall) turned into
Firebreak's YAML configuration, with a report of everything that could not be carried over and why.

The mapping modules are pure: vendor objects (as their public APIs return them) in, configuration
sections and a report out. `folder.py` reads a folder of JSON files and `fetch.py` asks a vendor's
API for the same objects; the `firebreak import` command (cli/migrate.py) joins them and writes
the file only once `config/loader.py` accepts it.
"""
