"""Console accounts for tests: a cheap password hasher and the password every test user has."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles

# Production hashing takes a fifth of a second on purpose; tests use the cheapest valid parameters.
FAST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
PASSWORD = "correct horse battery staple"
