#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Builds potashd.conf.5.scd: the prose of a template plus the option
reference generated from `potashd --dump-options`, so the man page lists
exactly the options the config loader knows (they cannot drift).

Usage: confman.py TEMPLATE DUMP OUTPUT
"""
import sys


def esc(text):
    # scdoc: '*' and '_' are markup; backslash-escape them.
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def main():
    template, dump, output = sys.argv[1:4]
    sections = {}
    order = []
    for line in open(dump, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            continue
        name, typ, default, doc = line.split("\t", 3)
        kind = None
        if " (kind " in name:
            name, kind = name[:-1].split(" (kind ")
        section = name.split(".")[0] if "." in name else ""
        opt = name.split(".", 1)[-1]
        key = section if kind is None else "feed (kind %s)" % kind
        if key not in sections:
            sections[key] = []
            order.append(key)
        sections[key].append((opt, typ, default.strip('"'), doc))
    out = []
    for key in order:
        if key == "":
            out.append("## TOP LEVEL\n")
        elif key.startswith("feed (kind"):
            out.append("## FEED OPTIONS OF KIND %s\n"
                       % esc(key[len("feed (kind "):-1]).upper())
        else:
            out.append("## SECTION %s\n" % esc(key).upper())
        for opt, typ, default, doc in sections[key]:
            dflt = ' (default: "%s")' % esc(default) if default else ""
            out.append("*%s* = _%s_%s\n\t%s\n" % (esc(opt), esc(typ), dflt,
                                                   esc(doc)))
    text = open(template, encoding="utf-8").read()
    text = text.replace("@OPTIONS@", "\n".join(out))
    open(output, "w", encoding="utf-8").write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
