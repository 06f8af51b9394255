#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
#
# check-unit.sh UNIT_FILE POTASHD_BINARY
#
# Offline checks of the generated systemd unit:
#   1. `systemd-analyze verify` must exit 0 and print nothing about our unit;
#   2. `systemd-analyze security --offline=true` must rate the unit's overall
#      exposure at MAX_EXPOSURE (2.0) or lower.
#
# UNIT_FILE's ExecStart=/ExecReload= point at the installed binary, which
# usually does not exist yet when tests run, and verify refuses a unit whose
# commands are not executable.  So the checks run on a temporary copy in
# which every Exec*= command ending in "/potashd" is rewritten to
# POTASHD_BINARY (the freshly built one).  Nothing else is changed.
#
# Works without systemd as PID 1 (containers, CI): both commands read the
# unit file directly.  --man=no because the man page is not installed at
# test time (verify would otherwise run `man potashd(8)` and fail).
#
# Exit: 0 pass, 1 fail, 77 skip (systemd-analyze not installed).

set -u

MAX_EXPOSURE=2.0

if [ "$#" -ne 2 ]; then
	echo "usage: $0 UNIT_FILE POTASHD_BINARY" >&2
	exit 1
fi
unit_in=$1
bin=$2

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed"
	exit 77
fi

if [ ! -f "$unit_in" ]; then
	echo "FAIL: unit file '$unit_in' not found" >&2
	exit 1
fi
# systemd wants absolute command paths.
case $bin in
/*) ;;
*) bin=$(cd "$(dirname -- "$bin")" && pwd)/$(basename -- "$bin") ;;
esac
if [ ! -x "$bin" ]; then
	echo "FAIL: potashd binary '$bin' not found or not executable" >&2
	exit 1
fi

# Plain, uncoloured, untranslated output that is safe to parse.
export LC_ALL=C SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat
unset SYSTEMD_UNIT_PATH

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/potashd-unit.XXXXXX") || exit 1
trap 'rm -rf -- "$tmpdir"' EXIT

# Keep the unit's own name: verify and security derive the unit name (and
# hence its type) from the file name.
unit_name=$(basename -- "$unit_in")
unit_name=${unit_name%.in}
unit=$tmpdir/$unit_name

# Rewrite the command path of Exec*= lines that run potashd, keeping any
# of systemd's "-@:+!" prefixes.  The path is written in systemd's quoted
# form (so a build dir with spaces works) with "%" doubled (specifier
# escape); characters that would need more escaping than that are refused.
case $bin in
*[\"\\\$]*)
	echo "FAIL: cannot put '$bin' in a unit file (contains \", \\ or \$)" >&2
	exit 1 ;;
esac
exec_path="\"$(printf '%s' "$bin" | sed -e 's/%/%%/g')\""
exec_sed=$(printf '%s' "$exec_path" | sed -e 's/[\\&#]/\\&/g')
sed -E -e "s#^(Exec[A-Za-z]*=[-@:+!]*)[^[:space:]]*/potashd([[:space:]]|\$)#\\1${exec_sed}\\2#" \
	"$unit_in" >"$unit" || exit 1

if ! P=$exec_path awk '/^ExecStart=/ {
	c = substr($0, 11); sub(/^[-@:+!]*/, "", c)
	n = length(ENVIRON["P"]); r = substr(c, n + 1, 1)
	if (substr(c, 1, n) == ENVIRON["P"] && (r == "" || r == " " || r == "\t")) ok = 1
} END { exit !ok }' "$unit"; then
	echo "FAIL: could not point ExecStart= of $unit_in at $bin:" >&2
	grep '^Exec' "$unit" >&2
	exit 1
fi

status=0

echo "== systemd-analyze verify --man=no $unit_name"
echo "   (Exec*= rewritten to $bin)"
verify_out=$(cd "$tmpdir" && systemd-analyze --no-pager verify --man=no "./$unit_name" 2>&1)
verify_rc=$?
[ -n "$verify_out" ] && printf '%s\n' "$verify_out"
if [ "$verify_rc" -ne 0 ]; then
	echo "FAIL: systemd-analyze verify exited $verify_rc"
	status=1
fi
# Warnings about other units (say, on a developer's host) are shown but not
# fatal; anything naming our unit or its file is.
if printf '%s\n' "$verify_out" | grep -F -e "$unit_name" -e "$tmpdir" >/dev/null; then
	echo "FAIL: systemd-analyze verify reported problems with $unit_name"
	status=1
fi
[ "$status" -eq 0 ] && echo "verify: OK (no output about $unit_name)"

echo
echo "== systemd-analyze security --offline=true $unit_name"
# --threshold is on the internal 0..100 scale; 2.0 shown = 20.
threshold=$(awk -v m="$MAX_EXPOSURE" 'BEGIN { printf "%d", m * 10 + 0.5 }')
sec_out=$(cd "$tmpdir" && systemd-analyze --no-pager security --offline=true \
	--threshold="$threshold" "./$unit_name" 2>&1)
sec_rc=$?
printf '%s\n' "$sec_out"
exposure=$(printf '%s\n' "$sec_out" |
	sed -n 's/.*Overall exposure level for [^:]*: *\([0-9][0-9]*\(\.[0-9]*\)\{0,1\}\).*/\1/p' |
	head -n 1)
if [ -z "$exposure" ]; then
	echo "FAIL: no 'Overall exposure level' in systemd-analyze security output"
	status=1
elif awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e + 0 > m + 0) }'; then
	echo "FAIL: overall exposure $exposure > $MAX_EXPOSURE"
	status=1
else
	echo "exposure: $exposure (limit $MAX_EXPOSURE)"
	if [ "$sec_rc" -ne 0 ]; then
		echo "FAIL: systemd-analyze security exited $sec_rc"
		status=1
	fi
fi

[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL"
exit "$status"
