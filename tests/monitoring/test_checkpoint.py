from __future__ import annotations

import base64

import pytest

from lakthan.monitoring.engines import merkle
from lakthan.monitoring.engines.checkpoint import Checkpoint, CheckpointError, Signer, Verifier


def test_sign_and_open_round_trip_in_c2sp_form():
    signer = Signer.generate("lakthan.test/logs")
    root = merkle.root([merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")])
    note = signer.sign(Checkpoint("lakthan.test/logs", 2, root))
    lines = note.split("\n")
    assert lines[:3] == ["lakthan.test/logs", "2", base64.b64encode(root).decode()]
    assert lines[3] == "" and lines[4].startswith("\u2014 lakthan.test/logs ")
    assert len(base64.b64decode(lines[4].split(" ")[2])) == 68
    cp = Verifier.from_vkey(signer.vkey()).open(note, origin="lakthan.test/logs")
    assert (cp.size, cp.root) == (2, root)


def test_altered_body_other_key_and_wrong_origin_are_refused():
    signer, other = Signer.generate("k"), Signer.generate("k")
    note = signer.sign(Checkpoint("o", 5, b"\x01" * 32))
    verifier = Verifier.from_vkey(signer.vkey())
    with pytest.raises(CheckpointError):
        verifier.open(note.replace("\n5\n", "\n6\n", 1))
    with pytest.raises(CheckpointError):
        verifier.open(other.sign(Checkpoint("o", 5, b"\x01" * 32)))  # same name, another key
    with pytest.raises(CheckpointError):
        verifier.open(note, origin="elsewhere")
    with pytest.raises(CheckpointError):
        Verifier.from_vkey("k+00000000+" + base64.b64encode(b"\x01" + b"\x00" * 32).decode())
