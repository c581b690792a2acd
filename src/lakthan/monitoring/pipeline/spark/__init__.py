"""The heavy passes over sealed segments on Apache Spark (PySpark): retro-hunts, verification and usage
over long periods, with the same answers as the local engine. Optional: ``pip install 'lakthan[spark]'``
and a Java runtime (``scripts/install-system-deps.sh spark``). No Django here."""
