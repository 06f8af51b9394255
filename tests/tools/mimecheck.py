#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Checks potashd notification emails, independently of potashd's C code.

usage: mimecheck.py [--lf] [--subject TEXT] [--message-id ID]
                    [--in-reply-to ID|-] [--references ID|-] PATH...

Each PATH is a message file (RFC 5322, as sent or as stored), or a directory
searched recursively for them (names ending in ".json" and names starting
with "." are skipped, so a maildir works).  Run it with Debian's
/usr/bin/python3: it needs only the standard library, whose email package
(policy=email.policy.default) does the parsing.

Every message must:
  - use CRLF line ends only (no bare CR or LF) and end with one; no line
    may pass 998 octets (with --lf, LF line ends are accepted too, for
    messages a server stored with local line ends, e.g. in a maildir);
  - parse without defects: msg.defects and every header's .defects empty,
    in every MIME part; every RFC 2047 encoded-word well-formed, utf-8,
    at most 75 characters, holding whole UTF-8 characters;
  - have exactly one each of Date (RFC 5322, "+0000"), From, To, Subject,
    Message-ID, MIME-Version (1.0), Content-Type, Auto-Submitted
    (auto-generated) and X-Potashd-Notification;
  - thread as potashd does: Message-ID <g.GROUP@HOST> without In-Reply-To
    and References, or <n.KEY@HOST> with In-Reply-To <g.GROUP@HOST> and
    References holding it;
  - be multipart/alternative of exactly text/plain then text/html, both
    charset utf-8, quoted-printable, decoding as strict UTF-8;
  - have HTML without script, iframe, object, embed, form or style
    elements, without on* attributes, and whose href/src are all
    http(s) URLs.

Expectations, optional: the options apply to every message; a sidecar
file PATH.json beside a message, a JSON object, adds to them (and wins):
  "subject"                 the decoded Subject, exactly
  "message_id", "in_reply_to", "references"
                            the header's value exactly, null: absent
                            (on the command line, "-" means absent)
  "headers"                 {"Name": "decoded value" or null for absent}
  "text_contains", "html_contains", "text_excludes", "html_excludes"
                            strings to find (or not) in the decoded parts

Prints "mimecheck: PATH: ok" per good message.  Exits 0 if every message
passes, 1 if any fails (each problem on stderr as "mimecheck: PATH:
problem") or none was found, 2 on bad usage or an unreadable path.
"""
import base64
import email.parser
import email.policy
import html.parser
import json
import os
import re
import sys

REQUIRED = ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
            "Content-Type", "Auto-Submitted", "X-Potashd-Notification")
MSGID = re.compile(r"<([^<>@\s]+)@([^<>@\s]+)>\Z")
EWORD = re.compile(r"=\?utf-8\?([QqBb])\?([!->@-~]*)\?=", re.I)
BAD_TAGS = {"script", "iframe", "object", "embed", "form", "style"}


class Usage(Exception):
    pass


class HTMLCheck(html.parser.HTMLParser):
    """Collects what makes an HTML part unsafe to show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            self.problems.append("html: <%s> element" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append("html: <%s %s=...> attribute"
                                     % (tag, name))
            if name in ("href", "src"):
                v = (value or "").strip().lower()
                if not (v.startswith("http://") or
                        v.startswith("https://")):
                    self.problems.append("html: <%s %s=%r> is not an "
                                         "http(s) URL" % (tag, name, value))


def check_lines(data, lf_ok):
    problems = []
    if not lf_ok:
        if re.search(rb"(?<!\r)\n", data):
            problems.append("bare LF line end at offset %d" %
                            re.search(rb"(?<!\r)\n", data).start())
        if re.search(rb"\r(?!\n)", data):
            problems.append("bare CR at offset %d" %
                            re.search(rb"\r(?!\n)", data).start())
        if not data.endswith(b"\r\n"):
            problems.append("does not end with CRLF")
    else:
        if re.search(rb"\r(?!\n)", data):
            problems.append("bare CR")
    for n, line in enumerate(re.split(rb"\r?\n", data), 1):
        if len(line) > 998:
            problems.append("line %d has %d octets (more than 998)" %
                            (n, len(line)))
    return problems


def check_defects(msg):
    problems = []
    for i, part in enumerate(msg.walk()):
        where = "part %d (%s)" % (i, part.get_content_type())
        for d in part.defects:
            problems.append("%s: defect %s" % (where, type(d).__name__))
        for name, value in part.items():
            for d in getattr(value, "defects", ()):
                problems.append("%s: header %s: defect %s: %s" %
                                (where, name, type(d).__name__, d))
    return problems


def check_encoded_words(msg):
    """RFC 2047 words must be well-formed: Python decodes bad ones as text
    without a defect."""
    problems = []
    for name, raw in msg.raw_items():
        value = re.sub(r"\r?\n(?=[ \t])", "", str(raw))
        for start in re.finditer(r"=\?", value):
            m = EWORD.match(value, start.start())
            if m is None:
                problems.append("header %s: malformed encoded-word %r" %
                                (name, value[start.start():].split()[0]))
                continue
            word = m.group(0)
            if len(word) > 75:
                problems.append("header %s: encoded-word of %d characters "
                                "(more than 75)" % (name, len(word)))
            text = m.group(2)
            if m.group(1).lower() == "q":
                if re.search(r"=(?![0-9A-Fa-f]{2})", text):
                    problems.append("header %s: bad Q escape in %r" %
                                    (name, word))
                    continue
                data = re.sub(rb"=([0-9A-Fa-f]{2})",
                              lambda h: bytes([int(h.group(1), 16)]),
                              text.replace("_", " ").encode("ascii"))
            else:
                try:
                    data = base64.b64decode(text, validate=True)
                except ValueError:
                    problems.append("header %s: bad base64 in %r" %
                                    (name, word))
                    continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                problems.append("header %s: %r does not hold whole UTF-8 "
                                "characters" % (name, word))
    return problems


def check_headers(msg):
    problems = []
    for name in REQUIRED:
        n = len(msg.get_all(name) or [])
        if n != 1:
            problems.append("header %s: %d found, expected 1" % (name, n))
    if problems:
        return problems
    if str(msg["MIME-Version"]) != "1.0":
        problems.append("MIME-Version: %r, expected 1.0" % msg["MIME-Version"])
    if str(msg["Auto-Submitted"]) != "auto-generated":
        problems.append("Auto-Submitted: %r" % str(msg["Auto-Submitted"]))
    date = msg["Date"]
    if date.datetime is None or not str(date).endswith("+0000"):
        problems.append("Date: %r is not an RFC 5322 date in +0000" %
                        str(date))
    elif date.datetime.utcoffset().total_seconds() != 0:
        problems.append("Date: %r is not UTC" % str(date))
    for name in ("From", "To"):
        addrs = msg[name].addresses
        if not addrs or any(not a.username or not a.domain for a in addrs):
            problems.append("%s: %r has no complete address" %
                            (name, str(msg[name])))
    if not re.fullmatch(r"[A-Za-z0-9_-]+", str(msg["X-Potashd-Notification"])):
        problems.append("X-Potashd-Notification: %r" %
                        str(msg["X-Potashd-Notification"]))
    mid = str(msg["Message-ID"]).strip()
    m = MSGID.match(mid)
    irt = msg["In-Reply-To"]
    refs = msg["References"]
    if m is None:
        problems.append("Message-ID: %r is not <id@host>" % mid)
    elif m.group(1).startswith("g."):
        if irt is not None or refs is not None:
            problems.append("Message-ID %s is a thread root, but has "
                            "In-Reply-To or References" % mid)
    elif m.group(1).startswith("n."):
        if irt is None or not MSGID.match(str(irt).strip()) or \
                not str(irt).strip().startswith("<g."):
            problems.append("Message-ID %s is a reply, but In-Reply-To is "
                            "%r" % (mid, irt and str(irt)))
        elif refs is None or str(irt).strip() not in str(refs).split():
            problems.append("References %r lacks In-Reply-To %s" %
                            (refs and str(refs), str(irt).strip()))
    else:
        problems.append("Message-ID: %r is neither <g.…> nor <n.…>" % mid)
    return problems


def check_parts(msg):
    """Returns (problems, text, html)."""
    if msg.get_content_type() != "multipart/alternative":
        return (["Content-Type %s, expected multipart/alternative" %
                 msg.get_content_type()], "", "")
    parts = list(msg.iter_parts())
    want = ["text/plain", "text/html"]
    got = [p.get_content_type() for p in parts]
    if got != want:
        return (["parts %s, expected %s" % (got, want)], "", "")
    problems, texts = [], []
    for p in parts:
        t = p.get_content_type()
        if p.get_content_charset() != "utf-8":
            problems.append("%s: charset %r, expected utf-8" %
                            (t, p.get_content_charset()))
        if p.get("Content-Transfer-Encoding", "").lower() != \
                "quoted-printable":
            problems.append("%s: Content-Transfer-Encoding %r, expected "
                            "quoted-printable" %
                            (t, p.get("Content-Transfer-Encoding")))
        try:
            texts.append(p.get_payload(decode=True).decode("utf-8"))
        except UnicodeDecodeError as e:
            problems.append("%s: not UTF-8: %s" % (t, e))
            texts.append("")
    h = HTMLCheck()
    h.feed(texts[1])
    h.close()
    problems.extend(h.problems)
    return (problems, texts[0], texts[1])


def check_expect(msg, text, html_text, exp):
    problems = []
    if "subject" in exp and str(msg["Subject"]) != exp["subject"]:
        problems.append("Subject: %r, expected %r" %
                        (str(msg["Subject"]), exp["subject"]))
    hdrs = dict(exp.get("headers", {}))
    for key, name in (("message_id", "Message-ID"),
                      ("in_reply_to", "In-Reply-To"),
                      ("references", "References")):
        if key in exp:
            hdrs[name] = exp[key]
    for name, want in hdrs.items():
        got = msg[name]
        got = None if got is None else str(got).strip()
        if got != want:
            problems.append("%s: %r, expected %r" % (name, got, want))
    for key, body, present in (("text_contains", text, True),
                               ("html_contains", html_text, True),
                               ("text_excludes", text, False),
                               ("html_excludes", html_text, False)):
        for s in exp.get(key, []):
            if (s in body) != present:
                problems.append("%s part %s %r" % (
                    key.split("_")[0], "lacks" if present else "holds", s))
    return problems


def check_file(path, lf_ok, expect):
    with open(path, "rb") as f:
        data = f.read()
    exp = dict(expect)
    if os.path.exists(path + ".json"):
        with open(path + ".json", encoding="utf-8") as f:
            exp.update(json.load(f))
    problems = check_lines(data, lf_ok)
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        data)
    problems += check_defects(msg)
    problems += check_encoded_words(msg)
    problems += check_headers(msg)
    more, text, html_text = check_parts(msg)
    problems += more
    problems += check_expect(msg, text, html_text, exp)
    return problems


def messages(path):
    if not os.path.isdir(path):
        if not os.path.isfile(path):
            raise Usage("%s: no such file or directory" % path)
        return [path]
    found = []
    for top, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(".json"):
                found.append(os.path.join(top, name))
    return found


def parse_args(argv):
    lf_ok, expect, paths = False, {}, []
    opts = {"--subject": "subject", "--message-id": "message_id",
            "--in-reply-to": "in_reply_to", "--references": "references"}
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--lf":
            lf_ok = True
        elif a in opts:
            if i + 1 == len(argv):
                raise Usage("%s needs a value" % a)
            i += 1
            v = argv[i]
            expect[opts[a]] = None if v == "-" and a != "--subject" else v
        elif a.startswith("-") and a != "-":
            raise Usage("unknown option %s" % a)
        else:
            paths.append(a)
        i += 1
    if not paths:
        raise Usage("no PATH given")
    return lf_ok, expect, paths


def main(argv):
    try:
        lf_ok, expect, paths = parse_args(argv)
        files = [f for p in paths for f in messages(p)]
    except Usage as e:
        sys.stderr.write("mimecheck: %s\n\n%s" % (e, __doc__))
        return 2
    if not files:
        sys.stderr.write("mimecheck: no messages in %s\n" % " ".join(paths))
        return 1
    failed = False
    for path in files:
        try:
            problems = check_file(path, lf_ok, expect)
        except (OSError, ValueError) as e:
            sys.stderr.write("mimecheck: %s: %s\n" % (path, e))
            return 2
        for p in problems:
            sys.stderr.write("mimecheck: %s: %s\n" % (path, p))
        if problems:
            failed = True
        else:
            print("mimecheck: %s: ok" % path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
