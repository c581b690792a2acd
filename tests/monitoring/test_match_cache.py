"""The kept matches of rules no longer in force are removed; nothing else under the root ever is."""

from __future__ import annotations

import polars as pl

from lakthan.monitoring.pipeline.matches import MatchCache

OLD, NEW = "a" * 24, "b" * 24


def _kept(root, key, index=1):
    found = pl.DataFrame({"segment": [index], "position": [0]})
    MatchCache(root, key).get(index, lambda: (found, pl.DataFrame({"r1": [True]})))


def test_the_matches_of_old_rules_go_and_neighbours_stay(tmp_path):
    _kept(tmp_path, OLD)
    neighbour = tmp_path / "segments"  # e.g. a root given one level too high
    neighbour.mkdir()
    (neighbour / "00000001.parquet").write_bytes(b"payload")
    look_alike = tmp_path / ("c" * 24)  # named like a key, but holding something else
    look_alike.mkdir()
    (look_alike / "notes.txt").write_text("keep me")
    stray = tmp_path / "README"
    stray.write_text("keep me too")

    _kept(tmp_path, NEW)

    assert not (tmp_path / OLD).exists()
    assert (neighbour / "00000001.parquet").read_bytes() == b"payload"
    assert (look_alike / "notes.txt").read_text() == "keep me"
    assert stray.read_text() == "keep me too"
    assert [p.name for p in (tmp_path / NEW).iterdir()] == ["00000001.parquet"]


def test_a_symlinked_directory_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "00000001.parquet").write_bytes(b"x")
    root = tmp_path / "matches"
    root.mkdir()
    (root / OLD).symlink_to(elsewhere, target_is_directory=True)
    _kept(root, NEW)
    assert (elsewhere / "00000001.parquet").exists()
