"""Console passwords: argon2id hashes, length policy and verification that never raises."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from firebreak.kernel.errors import InvalidInput

MIN_LENGTH = 12
# Hashing cost grows with length; a cap keeps sign-in from being a denial-of-service lever.
MAX_LENGTH = 1024
DEFAULT_HASHER = PasswordHasher()


def check_password_policy(password: str, *, field: str = "password") -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password must be at least {MIN_LENGTH} characters long", field=field)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password must be at most {MAX_LENGTH} characters long", field=field)


def hash_password(password: str, *, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """An argon2id hash (salted; parameters are stored in the hash)."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str, *, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """True when `password` matches; a malformed stored hash counts as a mismatch."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, *, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """True when the stored hash uses weaker parameters than the hasher's."""
    try:
        return hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
