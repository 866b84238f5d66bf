"""Runbook lint: findings about real defects, each rule tested both ways."""
