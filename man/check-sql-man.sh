#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Checks the built potash-sql(7): it renders with man -l without warnings,
# and it names, as potash.NAME, every table, view and function that the
# migrations create (CREATE [OR REPLACE] TABLE|VIEW|FUNCTION potash.NAME,
# and the new name of an ALTER FUNCTION potash.... RENAME TO).  Yearly
# partitions (observations_YYYY), created at run time by
# ensure_partitions(), are not required.
# Usage: check-sql-man.sh SCHEMA_DIR PAGE
# Exits 0 when all checks pass, 1 with a message per failure, 77 (skip)
# when man is not installed.
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 SCHEMA_DIR PAGE" >&2
    exit 2
fi
schema_dir=$1
page=$2
command -v man >/dev/null || { echo "man not installed: skipping"; exit 77; }
[[ -s $page ]] || { echo "$page: missing or empty (built with scdoc?)"; exit 1; }

shopt -s nullglob
migrations=("$schema_dir"/*.sql)
((${#migrations[@]})) || { echo "$schema_dir: no *.sql migrations"; exit 1; }

# The names, from the migrations' text without -- comments and with line
# breaks folded (a CREATE may span lines).
id='[a-z_][a-z0-9_]*'
ws='[[:space:]]+'
sql=$(sed -e 's/--.*$//' -- "${migrations[@]}" | tr '\n\t' '  ')
mapfile -t names < <(
    {
        grep -oiE "CREATE${ws}(OR${ws}REPLACE${ws})?((UNLOGGED|MATERIALIZED)${ws})?(TABLE|VIEW|FUNCTION)${ws}(IF${ws}NOT${ws}EXISTS${ws})?potash\\.${id}" <<<"$sql" || true
        grep -oiE "ALTER${ws}(TABLE|VIEW|FUNCTION)${ws}potash\\.${id}[^;]*${ws}RENAME${ws}TO${ws}${id}" <<<"$sql" |
            sed -E 's/.*[[:space:]]([a-z_][a-z0-9_]*)$/potash.\1/I' || true
    } | sed -E 's/.*potash\.//I' | tr '[:upper:]' '[:lower:]' |
        grep -vE '^observations_[0-9]{4}$' | sort -u
)
# Fewer than this means the parsing above broke, not that the schema shrank.
if ((${#names[@]} < 20)); then
    echo "found only ${#names[@]} objects in $schema_dir/*.sql: parser broken?"
    exit 1
fi

fail=0
warnings=$(mktemp)
trap 'rm -f -- "$warnings"' EXIT

out=$(MANWIDTH=80 man -l "$page" 2>"$warnings")
if [[ -s $warnings ]]; then
    echo "$page: warnings from man -l:"
    cat "$warnings"
    fail=1
fi
[[ -n $out ]] || { echo "$page: renders empty"; fail=1; }

# Wide, without hyphenation or justification, so that no name is broken.
text=$(MANWIDTH=250 man --nh --nj -l "$page" 2>/dev/null)
missing=0
for name in "${names[@]}"; do
    if ! grep -qE "potash\\.${name}([^a-z0-9_]|\$)" <<<"$text"; then
        echo "$page does not mention potash.$name"
        missing=$((missing + 1))
        fail=1
    fi
done
echo "checked $(basename -- "$page"): ${#names[@]} tables, views and functions, $missing missing"
exit "$fail"
