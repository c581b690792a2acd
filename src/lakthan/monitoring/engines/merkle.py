"""RFC 6962 Merkle trees (SHA-256, 0x00 leaf / 0x01 node prefixes): roots, inclusion and consistency
proofs, and their verification (the algorithms of RFC 9162 §2.1.3–2.1.4, as transparency-dev/merkle).

No Django. Hashes are 32-byte ``bytes``; tree hashes over many leaves are computed in C (eventhash).
"""

from __future__ import annotations

import hashlib

from lakthan.monitoring.engines import eventhash


class ProofError(ValueError):
    """A proof does not verify, or is malformed."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: list[bytes]) -> bytes:
    """Merkle tree hash of a list of leaf hashes (computed in C, see eventhash.root)."""
    return eventhash.root(b"".join(leaves))


def prefix_roots(leaves: list[bytes]) -> list[bytes]:
    """The tree hash of every prefix of ``leaves`` (sizes 1 to n), in O(n log n) hashes rather than the
    O(n²) of one root per prefix: the perfect subtrees a prefix splits into (one per bit of its size,
    largest first) are kept, and folded right to left as RFC 6962 splits a tree."""
    frontier: list[tuple[int, bytes]] = []  # (size, hash) of the perfect subtrees, largest first
    roots = []
    for leaf in leaves:
        size, h = 1, leaf
        while frontier and frontier[-1][0] == size:
            h = node_hash(frontier.pop()[1], h)
            size *= 2
        frontier.append((size, h))
        acc = h
        for _, left in reversed(frontier[:-1]):
            acc = node_hash(left, acc)
        roots.append(acc)
    return roots


def inclusion_proof(index: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if not 0 <= index < n:
        raise ProofError(f"index {index} outside tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return inclusion_proof(index, leaves[:k]) + [root(leaves[k:])]
    return inclusion_proof(index - k, leaves[k:]) + [root(leaves[:k])]


def consistency_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if not 0 <= m <= n:
        raise ProofError(f"size {m} larger than tree of size {n}")
    if m == 0 or m == n:
        return []
    return _subproof(m, leaves, True)


def _subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return _subproof(m, leaves[:k], complete) + [root(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [root(leaves[:k])]


def _decomp_incl_proof(index: int, size: int) -> tuple[int, int]:
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def _chain_inner(seed: bytes, proof: list[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: list[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1 == 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: list[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    if index >= size:
        raise ProofError(f"index {index} is beyond size {size}")
    if len(leaf) != 32:
        raise ProofError("leaf hash must be 32 bytes")
    inner, border = _decomp_incl_proof(index, size)
    if len(proof) != inner + border:
        raise ProofError(f"wrong proof size {len(proof)}, want {inner + border}")
    res = _chain_inner(leaf, proof[:inner], index)
    return _chain_border_right(res, proof[inner:])


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root_hash: bytes) -> None:
    calc = root_from_inclusion_proof(index, size, leaf, proof)
    if calc != root_hash:
        raise ProofError(f"root mismatch: calculated {calc.hex()}, expected {root_hash.hex()}")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]) -> None:
    if size2 < size1:
        raise ProofError(f"size2 ({size2}) < size1 ({size1})")
    if size1 == 0:
        # as transparency-dev/merkle: a proof from the empty tree proves nothing and is refused
        raise ProofError("consistency from an empty tree is meaningless")
    if size1 == size2:
        if proof:
            raise ProofError("size1=size2, but proof is not empty")
        if root1 != root2:
            raise ProofError("size1=size2, but roots differ")
        return
    if not proof:
        raise ProofError("empty proof")
    inner, border = _decomp_incl_proof(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1
    inner -= shift
    if size1 == 1 << shift:
        seed, start = root1, 0
    else:
        seed, start = proof[0], 1
    if len(proof) != start + inner + border:
        raise ProofError(f"wrong proof size {len(proof)}, want {start + inner + border}")
    proof = proof[start:]
    mask = (size1 - 1) >> shift
    hash1 = _chain_inner_right(seed, proof[:inner], mask)
    hash1 = _chain_border_right(hash1, proof[inner:])
    if hash1 != root1:
        raise ProofError("root1 mismatch")
    hash2 = _chain_inner(seed, proof[:inner], mask)
    hash2 = _chain_border_right(hash2, proof[inner:])
    if hash2 != root2:
        raise ProofError("root2 mismatch")
