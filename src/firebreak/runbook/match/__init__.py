"""Matching: rank stored scenario runbooks for an incident and attach the best one (or a responder's choice)."""
