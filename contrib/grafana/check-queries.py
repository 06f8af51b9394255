#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Runs every SQL query of the Grafana dashboard against a potashd database.

Each rawSql of a panel target or an annotation, and the query of each query
variable, is taken from the dashboard JSON, its Grafana template variables
and macros are replaced the way Grafana would (time range: the last ten
years), and it is run with psql as the role potash_reader (SET ROLE), in a
read-only transaction that is rolled back.  Also checked:

  - the query names only potash.* objects that SQL.md documents;
  - time series targets return a "time" column, annotation queries "time"
    and "text";
  - nothing that looks like a variable or a macro is left after the
    substitution.

Two ways to run it:

  check-queries.py [--dashboard FILE]
      against the database the libpq environment (PGHOST, PGDATABASE, ...)
      points at, e.g. a copy of production or the demo of scripts/quickstart.
      Nothing is written.

  check-queries.py --scratch --potashctl PATH
      creates a throwaway database on the server the environment points at
      (PGDATABASE is the maintenance database, default "postgres"), migrates
      it with potashctl, imports data/demo/observations.jsonl, stores one
      alert and a notification with two delivery attempts through the
      daemon's own SQL functions, requires every query to return at least
      one row, and drops the database.  This is what the test suite runs.

Exit status: 0 if every query passed, 1 if one failed, 77 (skip) when no
PostgreSQL is reachable outside scripts/test (POTASH_PGTMP unset).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
SKIP = 77

# The dashboard's time range, "now-10y" to "now"; set_time_range() sets it
# when the check starts, as Grafana does when it sends the queries.
NOW = FROM = None


def set_time_range():
    global NOW, FROM
    now = datetime.datetime.now(datetime.timezone.utc)
    # Grafana sends milliseconds; these are whole seconds, rounded up so
    # that what was written just before is inside the range.
    NOW = now.replace(microsecond=0) + datetime.timedelta(seconds=1)
    FROM = NOW.replace(year=NOW.year - 10, day=min(NOW.day, 28))


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------
# Extracting the queries
# ---------------------------------------------------------------------------

def extract(dashboard):
    """[(where, sql, kind)]: kind is 'time_series', 'table', 'annotation'
    or 'variable'."""
    found = []

    def walk(node, where, kind):
        if isinstance(node, dict):
            if isinstance(node.get("rawSql"), str):
                k = kind if kind == "annotation" else node.get("format", "table")
                found.append((where, node["rawSql"], k))
            for key, value in node.items():
                walk(value, where + "." + key, kind)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                label = where + "[%d]" % i
                if isinstance(value, dict) and value.get("title"):
                    label += " (%s)" % value["title"]
                elif isinstance(value, dict) and value.get("name"):
                    label += " (%s)" % value["name"]
                walk(value, label, kind)

    for i, panel in enumerate(dashboard.get("panels", [])):
        walk(panel, "panels[%d] (%s)" % (i, panel.get("title", "")), "panel")
        for j, sub in enumerate(panel.get("panels", [])):
            walk(sub, "panels[%d].panels[%d] (%s)" % (i, j, sub.get("title", "")),
                 "panel")
    for i, ann in enumerate(dashboard.get("annotations", {}).get("list", [])):
        if ann.get("builtIn"):
            continue
        where = "annotations[%d] (%s)" % (i, ann.get("name", ""))
        walk(ann, where, "annotation")
        if isinstance(ann.get("rawQuery"), str):  # legacy SQL annotations
            found.append((where + ".rawQuery", ann["rawQuery"], "annotation"))
    for i, var in enumerate(dashboard.get("templating", {}).get("list", [])):
        if var.get("type") != "query":
            continue
        where = "templating[%d] ($%s)" % (i, var.get("name", ""))
        q = var.get("query")
        if isinstance(q, dict):
            q = q.get("rawSql") or q.get("query")
        if isinstance(q, str) and q.strip():
            found.append((where, q, "variable"))
    return found


# ---------------------------------------------------------------------------
# Substituting variables and macros
# ---------------------------------------------------------------------------

def quote_literal(s):
    return "'" + s.replace("'", "''") + "'"


def format_value(values, fmt, multi):
    """A variable's value as Grafana's SQL data sources interpolate it."""
    if fmt in (None, "sqlstring") and (multi or fmt == "sqlstring"):
        return ",".join(quote_literal(v) for v in values)
    if fmt in (None, "raw", "text"):
        return ",".join(v.replace("'", "''") for v in values)
    if fmt == "csv":
        return ",".join(values)
    if fmt == "singlequote":
        return ",".join(quote_literal(v) for v in values)
    if fmt == "doublequote":
        return ",".join('"' + v.replace('"', '\\"') + '"' for v in values)
    raise ValueError("variable format %r not handled" % fmt)


VAR_RE = re.compile(
    r"\$\{([A-Za-z0-9_]+)(?::([A-Za-z]+))?\}"   # ${name} ${name:fmt}
    r"|\[\[([A-Za-z0-9_]+)(?::([A-Za-z]+))?\]\]"  # [[name]] [[name:fmt]]
    r"|\$([A-Za-z0-9_]+)(?![A-Za-z0-9_(])")     # $name (not $__macro()

def builtins():
    """Grafana's built-in variables that a query may use."""
    secs = int((NOW - FROM).total_seconds())
    return {
        "__interval": "1d",
        "__interval_ms": "86400000",
        "__range": "%ds" % secs,
        "__range_s": str(secs),
        "__dashboard": "potashd",
    }


def substitute_variables(sql, variables):
    """variables: name -> (values, multi)."""
    def repl(m):
        name = m.group(1) or m.group(3) or m.group(5)
        fmt = m.group(2) or m.group(4)
        if name in builtins():
            return builtins()[name]
        if name not in variables:
            raise ValueError("unknown template variable $%s" % name)
        values, multi = variables[name]
        return format_value(values, fmt, multi)
    return VAR_RE.sub(repl, sql)


# The backend's macro syntax (pkg/tsdb/.../macros.go): $name(args), args
# without parentheses, split on commas.
MACRO_RE = re.compile(r"\$([_a-zA-Z0-9]+)\(([^)]*)\)")

INTERVAL_RE = re.compile(r"^'?(\d+)(ms|s|m|h|d|w|y)'?$")
UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400,
                "w": 604800, "y": 31536000}


def interval_seconds(arg):
    m = INTERVAL_RE.match(arg.strip())
    if not m:
        raise ValueError("cannot parse interval %r" % arg)
    secs = int(m.group(1)) * UNIT_SECONDS[m.group(2)]
    return int(secs) if secs == int(secs) else secs


def expand_macro(name, args):
    """The SQL Grafana's PostgreSQL data source puts in place of a macro."""
    frm, to = rfc3339(FROM), rfc3339(NOW)
    if name == "__time":
        return '%s AS "time"' % args[0]
    if name == "__timeEpoch":
        return 'extract(epoch from %s) as "time"' % args[0]
    if name == "__timeFilter":
        return "%s BETWEEN '%s' AND '%s'" % (args[0], frm, to)
    if name == "__timeFrom":
        return "'%s'" % frm
    if name == "__timeTo":
        return "'%s'" % to
    if name in ("__timeGroup", "__timeGroupAlias"):
        if len(args) < 2:
            raise ValueError("$%s needs a column and an interval" % name)
        s = interval_seconds(args[1])
        sql = "floor(extract(epoch from %s)/%s)*%s" % (args[0], s, s)
        return sql + (' AS "time"' if name == "__timeGroupAlias" else "")
    if name == "__unixEpochFilter":
        return "%s >= %d AND %s <= %d" % (args[0], int(FROM.timestamp()),
                                          args[0], int(NOW.timestamp()))
    if name in ("__unixEpochGroup", "__unixEpochGroupAlias"):
        s = interval_seconds(args[1])
        sql = "floor((%s)/%s)*%s" % (args[0], s, s)
        return sql + (' AS "time"' if name == "__unixEpochGroupAlias" else "")
    raise ValueError("macro $%s() not handled here" % name)


def substitute_macros(sql):
    def repl(m):
        args = [a.strip() for a in m.group(2).split(",")]
        return expand_macro(m.group(1), args)
    return MACRO_RE.sub(repl, sql)


def substitute(sql, variables):
    # Grafana's frontend interpolates template variables first; the
    # backend then expands the macros.
    out = substitute_macros(substitute_variables(sql, variables))
    left = re.findall(r"\$[A-Za-z_{\[][A-Za-z0-9_]*|\[\[", out)
    if left:
        raise ValueError("left after substitution: %s" % ", ".join(sorted(set(left))))
    return out


# ---------------------------------------------------------------------------
# SQL.md: what may be queried
# ---------------------------------------------------------------------------

def documented_names(sql_md):
    text = open(sql_md, encoding="utf-8").read()
    names = set(re.findall(r"`([a-z_][a-z0-9_]*)(?:\([^`]*\))?`", text))
    names |= set(re.findall(r"potash\.([a-z_][a-z0-9_]*)", text))
    return names


def undocumented(sql, names):
    used = set(re.findall(r"potash\.([a-z_][a-z0-9_]*)", sql, re.I))
    return sorted(u for u in used if u.lower() not in names)


# ---------------------------------------------------------------------------
# Running SQL with psql
# ---------------------------------------------------------------------------

def psql(sql, dbname=None, check=True):
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-F", "\x1f",
           "-P", "pager=off", "-f", "-"]
    if dbname:
        cmd[1:1] = ["-d", dbname]
    r = subprocess.run(cmd, input=sql, text=True, capture_output=True)
    if check and r.returncode != 0:
        raise RuntimeError(r.stderr.strip() or "psql exited %d" % r.returncode)
    return r


def run_query(sql, role, dbname):
    """(columns, rows) of sql, run read-only as role and rolled back."""
    body = sql.strip().rstrip(";")
    prelude = "SET client_min_messages = warning;\nBEGIN READ ONLY;\n"
    if role:
        prelude += "SET LOCAL ROLE %s;\n" % role
    # The query as Grafana sends it, then its columns and its row count.
    script = (prelude + body + ";\n"
              + "SELECT * FROM (\n" + body + "\n) AS q LIMIT 0;\n"
              + "\\pset tuples_only on\n"
              + "SELECT count(*) FROM (\n" + body + "\n) AS q;\n"
              + "ROLLBACK;\n")
    r = psql("\\pset footer off\n" + script, dbname)
    lines = r.stdout.splitlines()
    count = int(lines[-1])
    # The LIMIT 0 result is its header line alone, just before the count.
    columns = lines[-2].split("\x1f")
    return columns, count


def can_connect(dbname):
    try:
        return psql("SELECT 1;", dbname, check=False).returncode == 0
    except FileNotFoundError:
        return False


# ---------------------------------------------------------------------------
# A scratch database with data in every table the dashboard reads
# ---------------------------------------------------------------------------

# One rule, one channel, an alert that went pending then firing around the
# December 2025 easing (tied to the GL 13 event), and the notification that
# alert_apply() queued, delivered at the second attempt.  Written through the
# daemon's own functions, as the daemon would.
SEED_SQL = r"""
SELECT potash.channels_load('[{"name": "check-webhook", "type": "webhook",
    "target": "http://127.0.0.1:9/hook", "group_by": ["alertname"],
    "group_wait": 0, "group_interval": 0, "repeat_interval": 86400,
    "send_resolved": true, "max_attempts": 5, "max_age": 86400,
    "max_alerts": 0}]');
SELECT potash.rules_load('[{"name": "check-price-above", "kind": "threshold",
    "series": "demo/potash_price", "severity": "warning", "labels": {},
    "annotations": {"summary": "demo/potash_price above 365 USD/t"},
    "notify": ["check-webhook"], "definition": {"above": 365}}]');
WITH ev AS (
    SELECT id FROM potash.sanctions_events
     WHERE jurisdiction = 'US' AND instrument = 'OFAC Belarus GL 13 (no expiry)'
), tr AS (
    SELECT jsonb_build_object(
               'fingerprint', '00c0ffee00c0ffee', 'rule', 'check-price-above',
               'series', 'demo/potash_price', 'severity', 'warning',
               'labels', '{}'::jsonb, 'at', at, 'from_state', f, 'to_state', t,
               'reason', r, 'value', 371.67, 'metric', 371.67,
               'threshold', 365, 'event_id', (SELECT id FROM ev),
               'evidence', jsonb_build_array(jsonb_build_object(
                   'period', '2026-01-01T00:00:00Z', 'value', 371.67,
                   'known_at', '2026-02-21T15:00:00Z')),
               'inputs', 1,
               'annotations', jsonb_build_object(
                   'summary', 'demo/potash_price above 365 USD/t')) AS j, n
      FROM (VALUES (1, '2026-02-21T15:00:00Z', 'inactive', 'pending', 'condition'),
                   (2, '2026-02-21T15:00:01Z', 'pending', 'firing', 'for'))
           AS v (n, at, f, t, r)
)
SELECT potash.alert_apply(
    (SELECT jsonb_agg(j ORDER BY n) FROM tr),
    jsonb_build_array(jsonb_build_object(
        'fingerprint', '00c0ffee00c0ffee', 'rule', 'check-price-above',
        'series', 'demo/potash_price', 'kind', 'threshold',
        'severity', 'warning', 'labels', '{}'::jsonb, 'state', 'firing',
        'since', '2026-02-21T15:00:01Z', 'value', 371.67, 'metric', 371.67,
        'threshold', 365, 'event_id', (SELECT id FROM ev),
        'saved', '{}'::jsonb)),
    NULL, NULL);
SELECT id FROM potash.notification_claim(10, '{}');
SELECT potash.notification_result(id, 1, now(), 31.5, 'retry', 503,
           'try later', 'status 503', NULL, 0)
  FROM potash.notifications WHERE status = 'sending';
SELECT id FROM potash.notification_claim(10, '{}');
SELECT potash.notification_result(id, 2, now(), 12.25, 'sent', 200,
           'ok', NULL, NULL, 0)
  FROM potash.notifications WHERE status = 'sending';
SELECT count(*) = 1 AS seeded FROM potash.notifications
 WHERE status = 'sent' AND attempts = 2;
"""


def make_scratch(args, dbname):
    admin = os.environ.get("PGDATABASE") or "postgres"
    ident = '"%s"' % dbname.replace('"', '""')
    psql("SET client_min_messages = warning;\n"
         "DROP DATABASE IF EXISTS %s WITH (FORCE);\nCREATE DATABASE %s;\n"
         % (ident, ident), admin)
    tmp = tempfile.mkdtemp(prefix="potash-grafana-check.")
    try:
        conf = os.path.join(tmp, "potashd.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write('database {\n\tconninfo = "dbname=%s"\n}\n' % dbname)
        for cmd in (["migrate"],
                    ["import", os.path.join(args.source_root, "data", "demo",
                                            "observations.jsonl")]):
            r = subprocess.run([args.potashctl, "-c", conf] + cmd, text=True,
                               capture_output=True)
            if r.returncode != 0:
                raise RuntimeError("potashctl %s: %s%s" % (cmd[0], r.stdout, r.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    r = psql("\\pset tuples_only on\n" + SEED_SQL, dbname)
    if r.stdout.strip().splitlines()[-1].strip() != "t":
        raise RuntimeError("seeding the alert and notification failed:\n" + r.stdout)


def drop_scratch(dbname):
    admin = os.environ.get("PGDATABASE") or "postgres"
    psql("SET client_min_messages = warning;\nDROP DATABASE IF EXISTS \"%s\" WITH (FORCE);\n"
         % dbname.replace('"', '""'), admin, check=False)


# ---------------------------------------------------------------------------

def check(args, dbname):
    set_time_range()
    dashboard = json.load(open(args.dashboard, encoding="utf-8"))
    queries = extract(dashboard)
    if not queries:
        print("no SQL query found in %s" % args.dashboard)
        return 1
    names = documented_names(args.sql_md)

    keys = psql("\\pset tuples_only on\nSELECT key FROM potash.series ORDER BY key;\n",
                dbname).stdout.split()
    if not keys:
        print("potash.series is empty: nothing to substitute for the series "
              "variable (import data first)")
        return 1
    multi = {v["name"]: bool(v.get("multi") or v.get("includeAll"))
             for v in dashboard.get("templating", {}).get("list", [])}
    # Every query runs with all series selected (the default, "All"), and
    # with one, as in a repeated panel.
    choices = [("all series", keys), ("series %s" % keys[-1], keys[-1:])]

    failed = 0
    runs = 0
    passed = 0
    for where, raw, kind in queries:
        bad = undocumented(raw, names)
        if bad:
            print("FAIL %s: not documented in SQL.md: %s" % (where, ", ".join(bad)))
            failed += 1
            continue
        uses_series = bool(re.search(r"\$\{?series|\[\[series", raw))
        for label, chosen in (choices if uses_series else [("-", keys)]):
            variables = {name: (chosen, multi.get(name, False)) for name in multi}
            try:
                sql = substitute(raw, variables)
                columns, count = run_query(sql, args.role, dbname)
            except (ValueError, RuntimeError) as e:
                print("FAIL %s [%s]: %s" % (where, label, e))
                failed += 1
                continue
            runs += 1
            problems = []
            if kind == "time_series" and "time" not in columns:
                problems.append('no "time" column')
            if kind == "annotation" and not {"time", "text"} <= set(columns):
                problems.append('an annotation needs "time" and "text" columns')
            if args.need_rows and count == 0:
                problems.append("no rows")
            status = "FAIL" if problems else "ok"
            print("%-4s %s [%s]: %d row%s, columns %s%s"
                  % (status, where, label, count, "" if count == 1 else "s",
                     ",".join(columns),
                     "" if not problems else ": " + "; ".join(problems)))
            if problems:
                failed += 1
            else:
                passed += 1
    print("%d queries, %d runs as %s" % (len(queries), runs,
                                         args.role or "the connecting user"))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dashboard", default=os.path.join(HERE, "dashboards", "potashd.json"))
    ap.add_argument("--sql-md", default=None,
                    help="SQL.md listing what may be queried (default: the source tree's)")
    ap.add_argument("--role", default="potash_reader",
                    help="role to SET for the queries ('' for none)")
    ap.add_argument("--need-rows", action="store_true",
                    help="fail a query that returns no rows (implied by --scratch)")
    ap.add_argument("--scratch", action="store_true",
                    help="create, fill and drop a throwaway database")
    ap.add_argument("--db", default="potash_test_grafana",
                    help="name of the throwaway database (--scratch)")
    ap.add_argument("--keep", action="store_true",
                    help="do not drop the throwaway database")
    ap.add_argument("--potashctl", default=os.environ.get("POTASHCTL"))
    ap.add_argument("--source-root", default=os.environ.get("POTASH_SOURCE_ROOT", SOURCE_ROOT))
    args = ap.parse_args()
    if args.sql_md is None:
        args.sql_md = os.path.join(args.source_root, "SQL.md")

    if shutil.which("psql") is None:
        print("psql not found: skipping")
        return SKIP
    if args.scratch:
        if not args.potashctl:
            ap.error("--scratch needs --potashctl (or POTASHCTL in the environment)")
        args.need_rows = True
        admin = os.environ.get("PGDATABASE") or "postgres"
        if not can_connect(admin):
            print("no PostgreSQL (PGHOST unset?): run scripts/test")
            return 1 if os.environ.get("POTASH_PGTMP") else SKIP
        try:
            make_scratch(args, args.db)
            return check(args, args.db)
        except RuntimeError as e:
            print("FAIL: %s" % e)
            return 1
        finally:
            if not args.keep:
                drop_scratch(args.db)
    if not can_connect(None):
        print("cannot connect to the database (set PGHOST, PGDATABASE, ...)")
        return 1
    try:
        return check(args, None)
    except RuntimeError as e:
        print("FAIL: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
