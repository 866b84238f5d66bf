"""Escalate: who is on call (rotations, layers, restrictions, overrides, iCalendar), escalation
policies frozen per incident, urgency, and the durable engine and worker that page level by level
through the notification outbox."""
