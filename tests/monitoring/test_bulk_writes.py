"""The index's set-based writes (one prepared upsert through the connection) leave the same rows, stored
the same way, as writing them one model instance at a time: host-days and sequence state when segments
are sealed, alerts when detection runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from django.db import connection

from lakthan.core import bulk
from lakthan.monitoring.models import Alert, HostDay, SeqState
from lakthan.monitoring.pipeline import tally
from lakthan.monitoring.services import alerts as log_alerts
from lakthan.monitoring.services import home, ingest
from lakthan.monitoring.services import seal as sealing

HOSTDAY = ["host_name", "day", "count", "unparsed", "first_ts", "last_ts", "seq_gaps"]
ALERT = [
    "rule_id",
    "host",
    "first",
    "rule_title",
    "level",
    "count",
    "last",
    "events",
    "events_truncated",
    "disposition",
    "note",
    "reviewed_by",
]


@pytest.fixture(params=["one statement", "statements of 2 rows"])
def batch(request, monkeypatch):
    """Rows written in one statement, or in several (executemany) and a last one with the rest."""
    if request.param != "one statement":
        monkeypatch.setattr(bulk, "MAX_BATCH", 2)


def _line(host: str, seq: int, when: str) -> str:
    return f'<38>1 {when}+07:00 {host} sshd 1 - [meta sequenceId="{seq}"] Accepted password for staff'


def _stored(model, fields: list[str]) -> list[tuple]:
    """The rows as the database holds them (on SQLite, datetimes as text), read around the ORM."""
    q = connection.ops.quote_name
    columns = ", ".join(q(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {q(model._meta.db_table)} ORDER BY {columns}")
        return cursor.fetchall()


def _read(model, fields: list[str]) -> list[tuple]:
    return list(model.objects.order_by(*fields).values_list(*fields))


def _count_host_days_row_by_row(index: int) -> None:
    """The reference: the same tallies merged one HostDay at a time with the ORM."""
    events = home.store().read_segment(index)
    before = dict(SeqState.objects.values_list("host_name", "last_seq"))
    gaps, after = tally.seq_gaps(tally.seq_runs(events), before)
    for host, last_seq in after.items():
        SeqState.objects.update_or_create(host_name=host, defaults={"last_seq": last_seq})
    for r in tally.days(events).iter_rows(named=True):
        day, _ = HostDay.objects.get_or_create(
            host_name=r["host"], day=r["day"], defaults={"first_ts": r["first"], "last_ts": r["last"]}
        )
        day.count += r["n"]
        day.unparsed += r["unparsed"]
        day.first_ts = min(day.first_ts, r["first"])
        day.last_ts = max(day.last_ts, r["last"])
        day.seq_gaps += gaps.get((r["host"], r["day"]), 0)
        day.save()


def test_host_days_merged_by_segment_equal_the_row_by_row_merge(db, batch):
    # whole and fractional seconds both ways round (SQLite keeps them as text of two lengths), the
    # Bangkok day boundary, numbering gaps within and across segments, a line that did not parse
    ingest.ingest_lines(
        [
            _line("web01", 1, "2013-01-05T10:00:00"),
            _line("web01", 2, "2013-01-05T10:00:00.250000"),
            _line("web01", 5, "2013-01-05T18:30:00.5"),  # 3 and 4 missing
            _line("db01", 1, "2013-01-05T23:59:59.999999"),
            _line("db01", 2, "2013-01-06T00:00:00"),
            _line("mail01", 7, "2013-01-06T09:00:01"),
        ],
        "syslog",
    )
    ingest.ingest_lines(["garbled"], "syslog", host="web01")
    assert sealing.seal() is not None
    ingest.ingest_lines(
        [
            _line("web01", 9, "2013-01-05T09:59:59.75"),  # earlier than the day's first; 6–8 missing
            _line("web01", 10, "2013-01-05T18:30:00.5"),  # the same instant as the day's last
            _line("db01", 3, "2013-01-06T00:00:00.000001"),  # later than that day's last
            _line("db01", 4, "2013-01-07T08:00:00"),  # a new day
            _line("mail01", 8, "2013-01-06T09:00:00"),  # earlier, whole seconds both
            _line("new01", 1, "2013-01-06T12:00:00"),  # a new host
        ],
        "syslog",
    )
    assert sealing.seal() is not None
    stored, read = _stored(HostDay, HOSTDAY), _read(HostDay, HOSTDAY)
    seq = _read(SeqState, ["host_name", "last_seq"])

    HostDay.objects.all().delete()
    SeqState.objects.all().delete()
    for index in (1, 2):
        _count_host_days_row_by_row(index)

    assert stored == _stored(HostDay, HOSTDAY)
    assert read == _read(HostDay, HOSTDAY)
    assert seq == _read(SeqState, ["host_name", "last_seq"])
    web = HostDay.objects.get(host_name="web01", day="2013-01-05")
    assert (web.count, web.seq_gaps) == (5, 2 + 3)
    assert web.first_ts == datetime.fromisoformat("2013-01-05T09:59:59.75+07:00")
    assert web.last_ts == datetime.fromisoformat("2013-01-05T18:30:00.5+07:00")
    assert len(read) == 7 and dict(seq) == {"web01": 10, "db01": 4, "mail01": 8, "new01": 1}


def _alert(rule: str, host: str | None, first: str, count: int, last: str, **more) -> dict:
    """An alert in the shape detection gives it."""
    return {
        "rule_id": rule,
        "rule_title": f"Rule {rule}",
        "level": "high",
        "host": host,
        "count": count,
        "first": first,
        "last": last,
        "events": [{"segment": 1, "position": p} for p in range(min(count, 3))],
        **more,
    }


FIRST_RUN = [
    _alert("r1", "web01", "2013-01-05T03:00:00+00:00", 2, "2013-01-05T03:00:00.5+00:00"),
    _alert("r1", "db01", "2013-01-05T03:00:00.25+00:00", 4, "2013-01-05T04:00:00+00:00"),
    _alert("r2", None, "2013-01-05T05:00:00+00:00", 1, "2013-01-05T05:00:00+00:00"),
    _alert("r3", "db01", "2013-01-05T06:00:00+00:00", 9, "2013-01-05T07:00:00+00:00", events_truncated=True),
]
SECOND_RUN = [
    FIRST_RUN[0],  # unchanged
    {**FIRST_RUN[1], "count": 5, "last": "2013-01-05T04:10:00+00:00"},  # more events since
    FIRST_RUN[2],
    {**FIRST_RUN[3], "events": [{"segment": 2, "position": 0}]},  # only its events differ
    _alert("r4", "mail01", "2013-01-06T01:00:00+00:00", 1, "2013-01-06T01:00:00+00:00"),
]


def _record_alerts_row_by_row(alerts: list[dict]) -> None:
    """The reference: one alert at a time with the ORM, saved only if a value changed."""
    for a in alerts:
        values = {
            "rule_title": a["rule_title"],
            "level": a["level"],
            "count": a["count"],
            "last": datetime.fromisoformat(a["last"]),
            "events": a["events"],
            "events_truncated": a.get("events_truncated", False),
        }
        alert, created = Alert.objects.get_or_create(
            rule_id=a["rule_id"],
            host=a["host"] or "",
            first=datetime.fromisoformat(a["first"]),
            defaults=values,
        )
        if not created and any(getattr(alert, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(alert, f, v)
            alert.save()


def _review(rule_id: str, host: str) -> None:
    alert = Alert.objects.get(rule_id=rule_id, host=host)
    log_alerts.set_disposition(alert.pk, "true_positive", "blocked at the firewall", actor="analyst")


def _detected() -> dict[tuple, datetime]:
    return {(a.rule_id, a.host): a.detected_at for a in Alert.objects.all()}


@pytest.mark.parametrize("record", ["set-based", "row by row"])
def test_a_changed_alert_keeps_its_review_and_an_unchanged_one_its_detection_time(db, record):
    write = log_alerts.record_alerts if record == "set-based" else _record_alerts_row_by_row
    write(FIRST_RUN)
    _review("r1", "db01")
    _review("r1", "web01")
    before = _detected()
    write(SECOND_RUN)
    after = _detected()
    assert {k for k in before if after[k] != before[k]} == {("r1", "db01"), ("r3", "db01")}
    assert all(after[k] > before[k] for k in [("r1", "db01"), ("r3", "db01")])
    assert after[("r4", "mail01")] > max(before.values())
    changed = Alert.objects.get(rule_id="r1", host="db01")
    assert (changed.count, changed.disposition, changed.note, changed.reviewed_by) == (
        5,
        "true_positive",
        "blocked at the firewall",
        "analyst",
    )
    assert changed.reviewed_at is not None
    assert Alert.objects.get(rule_id="r3").events == [{"segment": 2, "position": 0}]


def test_alerts_recorded_set_based_equal_those_recorded_row_by_row(db, batch):
    def run(write) -> tuple[list[tuple], list[tuple]]:
        Alert.objects.all().delete()
        write(FIRST_RUN)
        _review("r1", "db01")
        write(SECOND_RUN)
        write(SECOND_RUN)  # nothing new: nothing changes
        return _stored(Alert, ALERT), _read(Alert, ALERT)

    assert run(log_alerts.record_alerts) == run(_record_alerts_row_by_row)
    assert Alert.objects.count() == 5 and Alert.objects.get(rule_id="r2").host == ""


def test_two_rows_with_one_key_are_refused_on_every_backend(db):
    first = datetime.fromisoformat("2013-01-05T03:00:00+00:00")
    row = {"host_name": "web01", "day": first.date(), "count": 1, "first_ts": first, "last_ts": first}
    with pytest.raises(ValueError, match="two rows with the same host_name, day"):
        bulk.upsert(HostDay, [row, {**row, "count": 2}], ["host_name", "day"], add_fields=["count"])
    with pytest.raises(ValueError, match="two rows with the same host_name, day"):
        frame = pl.DataFrame([row, {**row, "count": 2}])
        bulk.upsert_frame(HostDay, frame, ["host_name", "day"], add_fields=["count"])
    assert not HostDay.objects.exists()


def test_a_frame_of_times_without_a_zone_is_refused(db):
    naive = datetime(2013, 1, 5, 3)
    frame = pl.DataFrame(
        [{"host_name": "web01", "day": naive.date(), "count": 1, "first_ts": naive, "last_ts": naive}]
    )
    with pytest.raises(ValueError, match="first_ts holds times without a zone"):
        bulk.upsert_frame(HostDay, frame, ["host_name", "day"], add_fields=["count"])
    assert not HostDay.objects.exists()


def test_no_rows_is_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.upsert(HostDay, [], ["host_name", "day"], add_fields=["count"]) == 0


def test_a_field_the_orm_would_stamp_must_be_given(db):
    row = {"rule_id": "r", "rule_title": "t", "level": "low", "host": "h", "count": 1}
    row |= {"first": datetime.fromisoformat("2013-01-05T03:00:00+00:00")}
    row |= {"last": datetime.fromisoformat("2013-01-05T03:00:00+00:00") + timedelta(seconds=1)}
    with pytest.raises(ValueError, match="detected_at must be given"):
        bulk.upsert(Alert, [row], ["rule_id", "host", "first"], set_fields=["count"])
    assert not Alert.objects.exists()


def test_a_json_field_is_given_as_its_text(db):
    first = datetime.fromisoformat("2013-01-05T03:00:00+00:00")
    row = {"rule_id": "r", "rule_title": "t", "level": "low", "host": "h", "count": 1, "first": first}
    row |= {"last": first, "detected_at": first, "events": [{"segment": 1, "position": 2}]}
    with pytest.raises(ValueError, match="events must be given as JSON text"):
        bulk.upsert_frame(Alert, pl.DataFrame([row]), ["rule_id", "host", "first"])
    assert not Alert.objects.exists()


def test_where_the_connection_is_not_utc_the_orm_adapters_write_the_same_alerts(db, monkeypatch):
    """upsert_frame hands such a connection's rows to upsert (the ORM's adapters), JSON read back
    from its text first: the alerts are those written one by one."""

    def run(write) -> list[tuple]:
        Alert.objects.all().delete()
        write(FIRST_RUN)
        write(SECOND_RUN)
        return _read(Alert, ALERT)

    expected = run(_record_alerts_row_by_row)
    monkeypatch.setattr(connection, "timezone_name", "Asia/Bangkok")
    went, orm_way = [], bulk.upsert
    monkeypatch.setattr(bulk, "upsert", lambda *a, **k: went.append(a[0]) or orm_way(*a, **k))
    assert run(log_alerts.record_alerts) == expected
    assert went == [Alert, Alert]  # the ORM's way was taken
