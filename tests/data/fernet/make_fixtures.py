#!/usr/bin/python3
"""Writes fixtures.json: Fernet keys and tokens made by Python's `cryptography`.

Run once with the system Python (Debian's python3-cryptography):
    /usr/bin/python3 tests/data/fernet/make_fixtures.py
The output is committed; tests/unit/fernet_test.cpp and vault_test.cpp read it
to check that postsched's C++ Fernet reads Python's tokens and, given the same
key, timestamp and IV, writes byte-identical ones.

Everything is deterministic (fixed keys, timestamps and IVs) so that re-running
the script reproduces the file exactly. `_encrypt_from_parts` is the function
`Fernet.encrypt` calls after drawing the IV and reading the clock.
"""
import base64
import hashlib
import json
import os

import cryptography
from cryptography.fernet import Fernet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json")
PASSPHRASE = "correct horse battery staple"


def fixed_key(n):
    raw = hashlib.sha256(b"postsched fernet fixture key %d" % n).digest()
    return base64.urlsafe_b64encode(raw)


def fixed_iv(n):
    return hashlib.sha256(b"postsched fernet fixture iv %d" % n).digest()[:16]


def derived_key(secret):
    # postsched's rule for a secret that is not itself a Fernet key.
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())


def fingerprint(key):
    return hashlib.sha256(base64.urlsafe_b64decode(key)).hexdigest()[:8]


def token_case(name, key_index, key, plaintext, timestamp, iv_n):
    iv = fixed_iv(iv_n)
    token = Fernet(key)._encrypt_from_parts(plaintext, timestamp, iv)
    assert Fernet(key).decrypt(token) == plaintext
    return {
        "name": name,
        "key_index": key_index,
        "plaintext_hex": plaintext.hex(),
        "timestamp": timestamp,
        "iv_hex": iv.hex(),
        "token": token.decode("ascii"),
    }


def main():
    keys = [fixed_key(n) for n in range(3)]
    plaintexts = [
        ("empty", b""),
        ("ascii", b"EAAB-access-token-1234567890"),
        ("utf8", "café – 日本語 – 🚀 ünïcödé".encode("utf-8")),
        ("block_multiple", b"0123456789abcdef"),
        ("bytes_1000", bytes((i * 7 + 3) % 256 for i in range(1000))),
    ]
    tokens = []
    for i, (name, text) in enumerate(plaintexts):
        tokens.append(token_case(name, i % 2, keys[i % 2], text, 1700000000 + i, i))

    derived = derived_key(PASSPHRASE)
    derived_case = token_case("derived", -1, derived, b"sealed with a passphrase", 1767225600, 99)
    derived_case["passphrase"] = PASSPHRASE
    derived_case["key"] = derived.decode("ascii")
    derived_case["fingerprint"] = fingerprint(derived)

    fixtures = {
        "generator": "make_fixtures.py with cryptography %s" % cryptography.__version__,
        "keys": [{"key": k.decode("ascii"), "fingerprint": fingerprint(k)} for k in keys],
        "tokens": tokens,
        "derived": derived_case,
    }
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(fixtures, out, indent=2, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
