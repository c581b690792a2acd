"""`lakthan logs serve`: the network receivers, sealing into the database index as they go."""

from __future__ import annotations

import signal
import threading

from lakthan.cli_common import console


def serve(udp=None, tcp=None, http=None, seal_every: float = 300, tls=None, relp=None) -> None:
    from lakthan.core.errors import InvalidInput
    from lakthan.monitoring.pipeline import receivers
    from lakthan.monitoring.services import home
    from lakthan.monitoring.services import rules as log_rules
    from lakthan.monitoring.services import seal as sealing

    if not (udp or tcp or http or relp):
        udp, tcp = "127.0.0.1:5514", "127.0.0.1:5514"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())

    def ready(bound):
        for kind, (host, port) in bound.items():
            console.print(f"listening {kind} {host}:{port}", highlight=False)

    try:
        receivers.serve(
            home.store(),
            udp=udp,
            tcp=tcp,
            http=http,
            relp=relp,
            on_seal=sealing.seal,
            counters=home.record_udp_counters,
            annotate=log_rules.chunk_annotations,
            seal_every=seal_every,
            stop=stop,
            ready=ready,
        )
    except OSError as exc:
        raise InvalidInput(
            f"เปิดพอร์ตหรืออ่านกุญแจ TLS ไม่ได้: {exc}", f"cannot listen or load the TLS key: {exc}"
        ) from None
    except KeyboardInterrupt:
        pass
    sealing.seal()  # a damaged store says so here (IntegrityFailure), after receiving has stopped
