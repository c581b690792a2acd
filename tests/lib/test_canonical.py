"""Canonical JSON: the same value gives the same bytes whatever its key order; Thai stays UTF-8."""

from __future__ import annotations

import hashlib

import pytest

from lakthan.lib.canonical import canonical_json, json_sha256


def test_key_order_and_spacing_do_not_change_the_bytes():
    a = {"b": [1, {"y": "ผ่าน", "x": None}], "a": "๑"}
    b = {"a": "๑", "b": [1, {"x": None, "y": "ผ่าน"}]}
    assert canonical_json(a) == canonical_json(b) == '{"a":"๑","b":[1,{"x":null,"y":"ผ่าน"}]}'.encode()
    assert json_sha256(a) == hashlib.sha256(canonical_json(b)).hexdigest()


def test_a_changed_value_changes_the_hash_and_nan_is_refused():
    assert json_sha256({"score": "3"}) != json_sha256({"score": "1"})
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
