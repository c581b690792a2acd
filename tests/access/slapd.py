"""The tests' slapd is the product's (lakthan.access.demo_slapd), shared with `lakthan demo`."""

from lakthan.access.demo_slapd import ADMIN, BASE, GROUPS, PEOPLE, Slapd, User, free_port

__all__ = ["ADMIN", "BASE", "GROUPS", "PEOPLE", "Slapd", "User", "free_port"]
