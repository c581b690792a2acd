"""Item 9: the address plan (prefixes per unit), the register of addresses, what the network really
did (DHCP leases, ARP tables, the senders the usage logs saw), and every change to the register kept
with who and when.

Every address is also kept as ``key``: 32 hexadecimal digits of its 128-bit value, IPv4 mapped into
::ffff:0:0/96, so that "this address lies in that prefix" is ``first <= key <= last`` on strings, in
SQL and in Python alike (network/engines/addresses.py makes them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lakthan.core.models import Person, Unit
from lakthan.inventory.models import System


class Prefix(models.Model):
    """A block of the plan: a CIDR with no host bits (10.20.0.0/16, 2001:db8:10::/48)."""

    cidr = models.CharField(max_length=64, unique=True)
    version = models.PositiveSmallIntegerField()  # 4 or 6
    first = models.CharField(max_length=32, db_index=True)  # key of the network address
    last = models.CharField(max_length=32)  # key of the last address
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="prefixes")
    purpose = models.CharField(max_length=255, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first", "last"]

    def __str__(self) -> str:
        return self.cidr


class Address(models.Model):
    """One registration of an address. The same address registered twice is allowed in the table and
    reported as the finding ``duplicate_registration`` (two units' registers merged, a typing slip)."""

    address = models.CharField(max_length=64)  # compressed form (ipaddress), no zone, no prefix length
    key = models.CharField(max_length=32, db_index=True)
    hostname = models.CharField(max_length=255, blank=True)
    mac = models.CharField(max_length=17, blank=True)  # AA:BB:CC:DD:EE:FF, or blank
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="addresses")
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["key", "pk"]

    def __str__(self) -> str:
        return self.address


class AddressChange(models.Model):
    """The register's own history (the seed's "records kept"): every add, change and removal of a
    registration with who made it and when, and what it was before and after. Rows are never updated
    or deleted; a removed registration keeps its history (``registration`` is then null)."""

    class Action(models.TextChoices):
        ADD = "add", _("Added")
        UPDATE = "update", _("Changed")
        REMOVE = "remove", _("Removed")

    registration = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    address = models.CharField(max_length=64)
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField()
    source = models.CharField(max_length=255, blank=True)  # the CSV file an import came from

    class Meta:
        ordering = ["-at", "-pk"]


class ObservationImport(models.Model):
    """One reading of what the network did: a leases file, an ARP table, or the usage logs."""

    class Kind(models.TextChoices):
        DHCPD = "dhcpd", _("ISC dhcpd leases")
        KEA = "kea", _("Kea lease file")
        ARP = "arp", _("ARP / neighbour table")
        LOGS = "logs", _("Usage logs")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=1000)  # the file's path, or "logs"
    sha256 = models.CharField(max_length=64, blank=True)
    observations = models.PositiveIntegerField(default=0)  # rows the reading added
    read = models.PositiveIntegerField(default=0)  # entries the reading found
    actor = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]


class Observation(models.Model):
    """An address seen in use, from ``first_seen`` to ``last_seen`` (a lease: starts and ends, never
    later than the reading; an ARP entry or a log sender: the moment or the span it was seen). Reading
    the same file again adds nothing: (kind, address, mac, first_seen) is unique."""

    kind = models.CharField(max_length=10, choices=ObservationImport.Kind.choices)
    source = models.CharField(max_length=1000)
    address = models.CharField(max_length=64)
    key = models.CharField(max_length=32)
    mac = models.CharField(max_length=17, blank=True)
    hostname = models.CharField(max_length=255, blank=True)  # client-hostname, a log sender's name
    state = models.CharField(max_length=20, blank=True)  # lease binding state, neighbour state
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    reading = models.ForeignKey(ObservationImport, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key", "first_seen"]
        # the findings read every observation grouped by (key, mac) with its last sighting: an index
        # holding all they read gives the rows in that order without a sort of the table (bench/network)
        indexes = [
            models.Index(
                fields=["key", "mac", "first_seen", "last_seen", "state"], name="network_obs_sightings"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "address", "mac", "first_seen"], name="network_obs_unique"
            )
        ]
