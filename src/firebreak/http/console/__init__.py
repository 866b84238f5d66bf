"""The console edge: server-rendered pages for responders (Jinja2 templates, vendored htmx, own CSS).

Pages read through the same views as the API (`http/incident_views.py`) and change things through the
same flows (`flows/respond.py`, `incident/service.py`, the runbook step functions), so a move made in
the browser is the move the API makes, under the same roles, CSRF rules, audit and transaction.
"""
