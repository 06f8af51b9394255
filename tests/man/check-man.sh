#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Checks the built man pages: each renders with man -l without warnings,
# and every option potashd knows (--dump-options) appears in potashd.conf(5).
# Usage: check-man.sh POTASHD MANDIR
set -euo pipefail
potashd=$1
mandir=$2
command -v man >/dev/null || { echo "man not installed: skipping"; exit 77; }
fail=0
for page in potashd.8 potashd.conf.5 potashctl.1; do
	out=$(MANWIDTH=100 man -l "$mandir/$page" 2>"$mandir/$page.warnings")
	if [[ -s $mandir/$page.warnings ]]; then
		echo "$page: warnings:"; cat "$mandir/$page.warnings"; fail=1
	fi
	[[ -n $out ]] || { echo "$page: renders empty"; fail=1; }
done
conf=$(MANWIDTH=200 man -l "$mandir/potashd.conf.5" 2>/dev/null)
n=0
while IFS=$'\t' read -r name _; do
	opt=${name%% (kind *}
	opt=${opt##*.}
	if ! grep -qF -- "$opt = " <<<"$conf"; then
		echo "potashd.conf(5) does not document option $name"
		fail=1
	fi
	n=$((n + 1))
done < <("$potashd" --dump-options)
echo "checked 3 pages and $n options"
exit "$fail"
