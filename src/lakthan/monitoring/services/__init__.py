"""Item 2 services, one module per concern: the log home (home), hosts, ingest, seal and the database
index (seal), verification, rules, search over sealed events (events), detection and alerts (alerts),
coverage, retention and legal holds (retention). The pure work is in pipeline/ and engines/; here are
the database and the files. Import the module you need: ``from lakthan.monitoring.services import seal``."""
