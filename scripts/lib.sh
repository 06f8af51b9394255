# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# Helpers sourced by scripts/quickstart, scripts/test and scripts/pg-tmp.
# Sourcing this file has no side effects beyond defining variables and
# functions; it does not change the shell options of the caller.

# Every Debian package the project needs to build, test and run (Debian 12).
# shellcheck disable=SC2034  # used by the scripts that source this file
POTASH_PACKAGES=(
	meson ninja-build gcc pkg-config
	libevent-dev libcurl4-openssl-dev libpq-dev libcjson-dev libconfuse-dev
	libcmocka-dev libssl-dev
	postgresql-15 postgresql-client-15
	valgrind systemd python3 python3-aiosmtpd scdoc man-db
	curl ca-certificates procps tzdata openssl
	prometheus	# promtool: the web test checks /metrics with it
	chromium	# headless: the browser test renders the dashboard in it
)

# Name used in messages; a script may set POTASH_PROG before sourcing.
: "${POTASH_PROG:=${0##*/}}"

# Messages go to stderr. A failed write (say, a pipe to a pager the user
# closed) must not abort a cleanup, hence "|| true".
log() {
	printf '%s: %s\n' "$POTASH_PROG" "$*" >&2 || true
}

die() {
	printf '%s: error: %s\n' "$POTASH_PROG" "$*" >&2 || true
	exit 1
}

# Is the Debian package PKG installed?
pkg_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $status == "install ok installed" ]]
}

# need_packages PKG...: install the packages that are not installed yet.
# Uses apt-get directly as root, sudo otherwise (passwordless, or prompting
# when stdin is a terminal); without either it prints what to run and exits 1.
need_packages() {
	local pkg missing=() sudo=()

	command -v dpkg-query >/dev/null 2>&1 ||
		die "dpkg-query not found: these scripts expect Debian 12 (or a derivative)"
	for pkg in "$@"; do
		pkg_installed "$pkg" || missing+=("$pkg")
	done
	((${#missing[@]} == 0)) && return 0

	if ((EUID != 0)); then
		if command -v sudo >/dev/null 2>&1 &&
			{ sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
			sudo=(sudo)
		else
			{
				printf '%s: these Debian packages are missing:\n\n  %s\n\n' \
					"$POTASH_PROG" "${missing[*]}"
				printf 'Install them as root, then run this script again:\n\n'
				printf '  apt-get update\n'
				printf '  apt-get install -y --no-install-recommends %s\n\n' \
					"${missing[*]}"
				printf '(Neither root nor a usable sudo is available here.)\n'
			} >&2
			exit 1
		fi
	fi

	log "installing missing packages: ${missing[*]}"
	if [[ ${POTASH_APT_UPDATED:-} != 1 ]]; then
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null ||
			die "apt-get update failed"
		export POTASH_APT_UPDATED=1
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" </dev/null ||
		die "apt-get install failed for: ${missing[*]}"
}

# Print the directory holding the PostgreSQL server binaries (initdb, pg_ctl,
# postgres, pg_isready, psql, createdb). POTASH_PG_BINDIR overrides.
pg_bindir() {
	local d
	for d in "${POTASH_PG_BINDIR:-}" /usr/lib/postgresql/15/bin \
		"$(pg_config --bindir 2>/dev/null || true)" \
		"$(printf '%s\n' /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"; do
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	die "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15"
}
