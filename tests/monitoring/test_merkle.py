"""RFC 6962: every vector of transparency-dev/merkle in shared/testdata/rfc6962, plus our own proofs."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from lakthan.monitoring.engines import merkle

DATA = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "rfc6962"
if not DATA.exists():
    DATA = Path("/work/shared/testdata/rfc6962")


def _b(x):
    return base64.b64decode(x) if x else b""


def _vectors(kind):
    files = sorted((DATA / kind).rglob("*.json"))
    assert len(files) > 50
    return [pytest.param(json.loads(f.read_text()), id=str(f.relative_to(DATA))) for f in files]


@pytest.mark.parametrize("vec", _vectors("inclusion"))
def test_inclusion_vectors(vec):
    args = (
        vec["leafIdx"],
        vec["treeSize"],
        _b(vec["leafHash"]),
        [_b(p) for p in vec["proof"] or []],
        _b(vec["root"]),
    )
    if vec["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("vec", _vectors("consistency"))
def test_consistency_vectors(vec):
    args = (
        vec["size1"],
        vec["size2"],
        _b(vec["root1"]),
        _b(vec["root2"]),
        [_b(p) for p in vec["proof"] or []],
    )
    if vec["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def _reference():
    ref = json.loads((DATA / "reference-tree.json").read_text())
    leaves = [merkle.leaf_hash(bytes.fromhex(h)) for h in ref["leaf_inputs_hex"]]
    return ref, leaves


def test_reference_roots():
    ref, leaves = _reference()
    for n, want in enumerate(ref["root_hashes_hex"]):
        assert merkle.root(leaves[:n]).hex() == want


def test_prefix_roots_are_the_roots_of_every_prefix():
    ref, leaves = _reference()
    assert [r.hex() for r in merkle.prefix_roots(leaves)] == ref["root_hashes_hex"][1 : len(leaves) + 1]
    many = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(300)]
    assert merkle.prefix_roots(many) == [merkle.root(many[:n]) for n in range(1, 301)]
    assert merkle.prefix_roots([]) == []


def test_our_proofs_verify_and_tampering_is_refused():
    ref, leaves = _reference()
    for n in range(1, len(leaves) + 1):
        r = merkle.root(leaves[:n])
        for i in range(n):
            proof = merkle.inclusion_proof(i, leaves[:n])
            merkle.verify_inclusion(i, n, leaves[i], proof, r)
            if proof:
                bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1])] + proof[1:]
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(i, n, leaves[i], bad, r)
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, leaves[:n])
            merkle.verify_consistency(m, n, merkle.root(leaves[:m]), r, proof)
            if m < n:
                with pytest.raises(merkle.ProofError):
                    merkle.verify_consistency(m, n, merkle.root(leaves[:m]), leaves[0], proof)


def test_large_tree_proofs():
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(1000)]
    r = merkle.root(leaves)
    for i in (0, 511, 512, 999):
        merkle.verify_inclusion(i, 1000, leaves[i], merkle.inclusion_proof(i, leaves), r)
    for m in (1, 3, 512, 777):
        merkle.verify_consistency(m, 1000, merkle.root(leaves[:m]), r, merkle.consistency_proof(m, leaves))
