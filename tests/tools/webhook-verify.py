#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Checks a Standard Webhooks signature, independently of potashd's C code.

usage: webhook-verify.py SECRET MSG_ID TIMESTAMP BODY_FILE SIGNATURE_HEADER

SECRET is whsec_<base64>; SIGNATURE_HEADER is the webhook-signature value
("v1,<base64> v1,<base64> ...").  Exits 0 if one v1 entry is the
HMAC-SHA256 of "MSG_ID.TIMESTAMP.BODY" under the secret, 1 if none is,
2 on bad usage.  Uses only the Python standard library (hmac, base64).
"""
import base64
import hashlib
import hmac
import sys


def main(argv):
    if len(argv) != 6 or not argv[1].startswith("whsec_"):
        sys.stderr.write(__doc__)
        return 2
    key = base64.b64decode(argv[1][len("whsec_"):])
    with open(argv[4], "rb") as f:
        body = f.read()
    signed = argv[2].encode() + b"." + argv[3].encode() + b"." + body
    want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for entry in argv[5].split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig.encode(), want):
            return 0
    sys.stderr.write("webhook-verify: no v1 signature matches\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
