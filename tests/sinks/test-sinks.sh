#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
#
# test-sinks.sh: smoke test of the loopback test servers in scripts/sinks/
# (make-cert, mail-sink, webhook-sink), driven by the curl CLI. Everything
# lives in a temporary directory; every sink started here is stopped with
# SIGTERM (and must exit 0), or killed by the EXIT trap on failure.
# Needs bash, curl, openssl, coreutils and /usr/bin/python3 with
# python3-aiosmtpd. Exits 0 when all checks pass, 1 with a message if not.
set -euo pipefail

ROOT=${POTASH_SOURCE_ROOT:-$(cd -- "$(dirname -- "$0")/../.." && pwd)}
SINKS=$ROOT/scripts/sinks
PY=/usr/bin/python3

fail() {
	printf 'test-sinks: FAIL: %s\n' "$*" >&2
	exit 1
}
ok() {
	printf 'ok - %s\n' "$*"
}

for tool in curl openssl "$PY"; do
	command -v "$tool" >/dev/null || fail "$tool not found"
done
"$PY" -c 'import aiosmtpd' 2>/dev/null ||
	fail "$PY cannot import aiosmtpd (apt-get install python3-aiosmtpd)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/test-sinks.XXXXXX")
PIDS=()

# State of process PID ("" if gone); a zombie child counts as gone.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	printf '%s' "${s%% *}"
}
alive() {
	local s
	s=$(proc_state "$1")
	[[ -n $s && $s != Z ]]
}

cleanup() {
	local rc=$? pid i f
	trap - EXIT
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		for ((i = 0; i < 30; i++)); do
			alive "$pid" || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if ((rc != 0)); then
		for f in "$TMP"/*.log; do
			[[ -e $f ]] || continue
			printf -- '--- %s\n' "${f##*/}" >&2
			tail -n 40 -- "$f" >&2
		done
	fi
	rm -rf -- "$TMP"
	exit "$rc"
}
trap cleanup EXIT
# Killed (say, by meson's timeout): still run cleanup.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# start_sink NAME PROGRAM ARGS...: run in the background with stderr in
# $TMP/NAME.log and --port-file $TMP/NAME.port; wait (10 s at most) for the
# port, which is left in $PORT; the pid is left in $PID.
start_sink() {
	local name=$1 prog=$2 i
	shift 2
	"$SINKS/$prog" --listen 127.0.0.1 --port 0 --port-file "$TMP/$name.port" "$@" \
		2>"$TMP/$name.log" &
	PID=$!
	PIDS+=("$PID")
	for ((i = 0; i < 100; i++)); do
		if [[ -s $TMP/$name.port ]]; then
			PORT=$(<"$TMP/$name.port")
			[[ $PORT =~ ^[0-9]+$ && $PORT -gt 0 ]] || fail "$name: bad port file: $PORT"
			return 0
		fi
		alive "$PID" || fail "$name exited during startup: $(cat "$TMP/$name.log")"
		sleep 0.1
	done
	fail "$name: no port file after 10 s"
}

# stop_sink NAME PID: SIGTERM; it must exit 0 within 5 s and remove its
# port file.
stop_sink() {
	local name=$1 pid=$2 i rc=0
	kill -TERM "$pid"
	for ((i = 0; i < 50; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && fail "$name still running 5 s after SIGTERM"
	wait "$pid" || rc=$?
	((rc == 0)) || fail "$name exited with status $rc after SIGTERM"
	[[ ! -e $TMP/$name.port ]] || fail "$name left its port file behind"
	ok "$name: clean exit on SIGTERM"
}

# count FILES...: number of existing files among the arguments (globs that
# matched nothing stay literal and are not counted).
count() {
	local n=0 f
	for f in "$@"; do
		[[ -e $f ]] && n=$((n + 1))
	done
	printf '%d' "$n"
}

# ---------------------------------------------------------------- make-cert
"$SINKS/make-cert" "$TMP/certs" >"$TMP/make-cert.out" 2>"$TMP/make-cert.log" ||
	fail "make-cert failed: $(cat "$TMP/make-cert.log")"
for f in ca.pem server.pem server.key; do
	[[ -s $TMP/certs/$f ]] || fail "make-cert did not create $f"
	grep -qx "$TMP/certs/$f" "$TMP/make-cert.out" || fail "make-cert did not print $f"
done
[[ $(stat -c %a "$TMP/certs/server.key") == 600 ]] || fail "server.key is not mode 600"
openssl verify -CAfile "$TMP/certs/ca.pem" "$TMP/certs/server.pem" >/dev/null ||
	fail "server.pem does not verify against ca.pem"
openssl x509 -in "$TMP/certs/server.pem" -noout -ext subjectAltName |
	grep -q 'IP Address:127.0.0.1' || fail "server.pem lacks IP:127.0.0.1"
ok "make-cert: ca.pem, server.pem (SAN 127.0.0.1), server.key"
CA=$TMP/certs/ca.pem
CERT=(--tls-cert "$TMP/certs/server.pem" --tls-key "$TMP/certs/server.key")

# ---------------------------------------------------- mail-sink (STARTTLS)
MARK="potash-sinks-smoke-$RANDOM$RANDOM"
printf '%s\r\n' "From: potashd <alerts@example.org>" "To: ops@example.org" \
	"Subject: smoke test" "" "body line $MARK" ".a line starting with a dot" \
	"last line" >"$TMP/msg.eml"

# smtp URL ARGS...: send $TMP/msg.eml; curl's trace in $TMP/curl.err.
# Returns curl's exit status.
smtp() {
	local url=$1
	shift
	curl -sS -v --max-time 10 "$url" --mail-from alerts@example.org \
		--upload-file "$TMP/msg.eml" "$@" >"$TMP/curl.out" 2>"$TMP/curl.err"
}
# expect_reply PATTERN WHAT: the server's reply PATTERN is in curl's trace.
expect_reply() {
	grep -Eq "^< $1" "$TMP/curl.err" ||
		fail "$2: no server reply '$1' in curl trace: $(grep -E '^[<>]|^curl' "$TMP/curl.err" | tr '\n' '|')"
}

start_sink smtp mail-sink --maildir "$TMP/mail" "${CERT[@]}" --require-tls \
	--auth u:p --fail-first 1 --reject bad@example.org
SMTP_PID=$PID
URL=smtp://127.0.0.1:$PORT
TLS=(--ssl-reqd --cacert "$CA")

rc=0
smtp "$URL" "${TLS[@]}" --user u:p --mail-rcpt ops@example.org || rc=$?
((rc != 0)) || fail "first send (--fail-first 1) succeeded"
expect_reply '451 4\.3\.0 try again later' "first send"
[[ $(count "$TMP"/mail/new/*) == 0 ]] || fail "a refused message was delivered"
ok "mail-sink: first DATA refused with 451 (curl exit $rc)"

rc=0
smtp "$URL" "${TLS[@]}" --user u:p --mail-rcpt ops@example.org || rc=$?
((rc == 0)) || fail "second send failed (curl exit $rc): $(tail -n 3 "$TMP/curl.err")"
expect_reply '250 2\.0\.0 OK' "second send"
msgs=("$TMP"/mail/new/*)
[[ $(count "${msgs[@]}") == 1 ]] || fail "expected 1 message in new/, found: ${msgs[*]}"
cmp -s "${msgs[0]}" "$TMP/msg.eml" || fail "delivered message differs from what was sent"
[[ $(count "$TMP"/mail/tmp/* "$TMP"/mail/cur/*) == 0 ]] || fail "tmp/ or cur/ not empty"
side=$TMP/mail/envelopes/${msgs[0]##*/}.json
[[ -s $side ]] || fail "no envelope sidecar $side"
"$PY" - "$side" <<'EOF' || fail "envelope sidecar check failed"
import json, sys
e = json.load(open(sys.argv[1]))
want = {"mail_from": "alerts@example.org", "rcpt_tos": ["ops@example.org"],
	"tls": True, "auth_user": "u"}
for k, v in want.items():
	assert e.get(k) == v, f"{k}: {e.get(k)!r} != {v!r}"
assert e["peer"].startswith("127.0.0.1:"), e["peer"]
assert e["received_at"].endswith("Z"), e["received_at"]
assert set(e) == {"mail_from", "rcpt_tos", "received_at", "tls", "auth_user", "peer"}, e
EOF
ok "mail-sink: second send delivered over STARTTLS+AUTH, byte-exact, sidecar ok"

rc=0
smtp "$URL" "${TLS[@]}" --user u:wrong --mail-rcpt ops@example.org || rc=$?
((rc != 0)) || fail "send with a wrong password succeeded"
expect_reply '535 ' "wrong password"
ok "mail-sink: wrong password refused with 535 (curl exit $rc)"

rc=0
smtp "$URL" "${TLS[@]}" --user u:p --mail-rcpt bad@example.org || rc=$?
((rc != 0)) || fail "send to bad@example.org succeeded"
expect_reply '550 5\.1\.1 mailbox unavailable' "RCPT bad@example.org"
ok "mail-sink: RCPT bad@example.org refused with 550 (curl exit $rc)"

rc=0
smtp "$URL" --mail-rcpt ops@example.org || rc=$?
((rc != 0)) || fail "send without STARTTLS succeeded"
expect_reply '530 ' "MAIL before STARTTLS"
ok "mail-sink: MAIL before STARTTLS refused with 530"

rc=0
smtp "$URL" "${TLS[@]}" --mail-rcpt ops@example.org || rc=$?
((rc != 0)) || fail "send without AUTH succeeded"
expect_reply '530 5\.7\.0 Authentication required' "MAIL without AUTH"
ok "mail-sink: MAIL without AUTH refused with 530"

[[ $(count "$TMP"/mail/new/*) == 1 ]] || fail "failed sends delivered something"
[[ $(count "$TMP"/mail/envelopes/*.json) == 1 ]] || fail "expected exactly 1 sidecar"

# ------------------------------------------------ mail-sink (implicit TLS)
start_sink smtps mail-sink --maildir "$TMP/mail-smtps" "${CERT[@]}" \
	--implicit-tls --auth u:p
SMTPS_PID=$PID
rc=0
smtp "smtps://127.0.0.1:$PORT" --cacert "$CA" --user u:p \
	--mail-rcpt ops@example.org --mail-rcpt oncall@example.org || rc=$?
((rc == 0)) || fail "smtps:// send failed (curl exit $rc): $(tail -n 3 "$TMP/curl.err")"
msgs=("$TMP"/mail-smtps/new/*)
[[ $(count "${msgs[@]}") == 1 ]] || fail "smtps: expected 1 message in new/"
cmp -s "${msgs[0]}" "$TMP/msg.eml" || fail "smtps: delivered message differs"
"$PY" - "$TMP/mail-smtps/envelopes/${msgs[0]##*/}.json" <<'EOF' || fail "smtps sidecar check failed"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["tls"] is True and e["auth_user"] == "u", e
assert e["rcpt_tos"] == ["ops@example.org", "oncall@example.org"], e
EOF
ok "mail-sink: implicit TLS (smtps://) with AUTH delivered, 2 recipients"

# ------------------------------- mail-sink (plaintext AUTH, --fail-all 554)
start_sink dead mail-sink --maildir "$TMP/mail-dead" --auth u:p --auth-plaintext \
	--fail-all 554 --fail-stage data
DEAD_PID=$PID
for i in 1 2; do
	rc=0
	smtp "smtp://127.0.0.1:$PORT" --user u:p --mail-rcpt ops@example.org || rc=$?
	((rc != 0)) || fail "send #$i to --fail-all 554 succeeded"
	expect_reply '554 5\.3\.0' "--fail-all 554 send #$i"
	grep -Eq '^< 354' "$TMP/curl.err" && fail "--fail-stage data still sent 354"
done
[[ $(count "$TMP"/mail-dead/new/*) == 0 ]] || fail "--fail-all delivered something"
ok "mail-sink: --fail-all 554 --fail-stage data refuses the DATA command, nothing delivered"

# ------------------------------------------------------------ webhook-sink
KEY_B64=$(openssl rand -base64 32)
SECRET=whsec_$KEY_B64
HEXKEY=$(printf '%s' "$KEY_B64" | base64 -d | od -An -v -tx1 | tr -d ' \n')

# sign ID TIMESTAMP BODYFILE: the Standard Webhooks v1 signature (base64).
sign() {
	{
		printf '%s.%s.' "$1" "$2"
		cat -- "$3"
	} | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$HEXKEY" -binary | base64 -w0
}

# post URL ID BODYFILE [SIGNED_BODYFILE] [CURL ARGS...]: POST BODYFILE signed
# as if it were SIGNED_BODYFILE; prints the HTTP status ("000" if none);
# returns curl's exit status.
post() {
	local url=$1 id=$2 body=$3 signed=${4:-$3} ts sig
	shift 4 || shift $#
	ts=$(date +%s)
	sig=$(sign "$id" "$ts" "$signed")
	curl -sS --max-time 10 -o "$TMP/resp.body" -w '%{http_code}' \
		-H 'Content-Type: application/json' -H "webhook-id: $id" \
		-H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" \
		--data-binary "@$body" "$@" "$url" 2>"$TMP/curl.err"
}

printf '[{"status": 500}, {"close": true}]\n' >"$TMP/script.json"
for i in 1 2 3 4; do
	printf '{"alert":"potash-%d","state":"firing","note":"caf\xc3\xa9"}' "$i" >"$TMP/body$i.json"
done
start_sink hook webhook-sink --dir "$TMP/hooks" --secret "$SECRET" \
	--script "$TMP/script.json"
HOOK_PID=$PID
HURL=http://127.0.0.1:$PORT/hooks/potash

rc=0
code=$(post "$HURL" msg_1 "$TMP/body1.json") || rc=$?
[[ $rc == 0 && $code == 500 ]] || fail "POST 1: want 500, got $code (curl exit $rc)"
rc=0
code=$(post "$HURL" msg_2 "$TMP/body2.json") || rc=$?
[[ $rc == 52 && $code == 000 ]] || fail "POST 2: want closed connection (curl exit 52), got $code (curl exit $rc)"
rc=0
code=$(post "$HURL" msg_3 "$TMP/body3.json") || rc=$?
[[ $rc == 0 && $code == 204 ]] || fail "POST 3: want 204, got $code (curl exit $rc)"
rc=0
code=$(post "$HURL" msg_4 "$TMP/body4.json" "$TMP/body3.json") || rc=$?
[[ $rc == 0 && $code == 204 ]] || fail "POST 4 (tampered): want 204, got $code (curl exit $rc)"
rc=0
code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$HURL?x=1" 2>"$TMP/curl.err") || rc=$?
[[ $rc == 0 && $code == 405 ]] || fail "GET: want 405, got $code (curl exit $rc)"
ok "webhook-sink: responses 500, closed, 204, 204 (tampered), GET 405"

names=$(cd "$TMP/hooks" && printf '%s ' *)
[[ $names == "000001-msg_1.json 000002-msg_2.json 000003-msg_3.json 000004-msg_4.json 000005-noid.json " ]] ||
	fail "webhook-sink files: $names"
"$PY" - "$TMP" <<'EOF' || fail "webhook-sink saved requests check failed"
import json, os, sys
tmp = sys.argv[1]
d = os.path.join(tmp, "hooks")
files = sorted(os.listdir(d))
recs = [json.load(open(os.path.join(d, f))) for f in files]
valid = [True, True, True, False, False]
status = [500, None, 204, 204, 405]
for i, r in enumerate(recs[:4]):
	n = i + 1
	body = open(os.path.join(tmp, f"body{n}.json"), encoding="utf-8").read()
	assert r["method"] == "POST" and r["path"] == "/hooks/potash", r
	assert r["body"] == body and r["body_base64"] is False, (r["body"], body)
	names = [h[0].lower() for h in r["headers"]]
	assert names[0] == "host", names
	order = [names.index(h) for h in ("content-type", "webhook-id",
		"webhook-timestamp", "webhook-signature")]
	assert order == sorted(order), names
	hdr = dict((k.lower(), v) for k, v in r["headers"])
	assert hdr["webhook-id"] == f"msg_{n}", hdr
	assert hdr["webhook-signature"].startswith("v1,"), hdr
	assert r["seq"] == n, r["seq"]
for r, v, s in zip(recs, valid, status):
	assert r["signature_valid"] is v, (r["seq"], r["signature_valid"], r.get("signature_error"))
	assert r["response"].get("status") == s, (r["seq"], r["response"])
assert recs[1]["response"] == {"close": True}, recs[1]["response"]
assert recs[3]["signature_error"] == "mismatch", recs[3]
assert recs[4]["method"] == "GET" and recs[4]["path"] == "/hooks/potash?x=1", recs[4]
assert recs[4]["signature_error"] == "missing webhook-id, webhook-timestamp, webhook-signature"
EOF
[[ $(grep -c -- ' -> ' "$TMP/hook.log") == 5 ]] || fail "webhook-sink: expected 5 request log lines"
[[ $(count "$TMP"/hooks/.*.tmp.*) == 0 ]] || fail "webhook-sink left temporary files"
ok "webhook-sink: 5 files in arrival order, headers in order, signatures valid x3 / tampered false"

# ---------------- webhook-sink (HTTPS, --reject-bad-signature, binary body)
start_sink hooks2 webhook-sink --dir "$TMP/hooks2" --secret whsec_b3RoZXJrZXk= \
	--secret "$SECRET" --reject-bad-signature --status 202 "${CERT[@]}"
HOOK2_PID=$PID
HURL2=https://127.0.0.1:$PORT/h
printf 'bin\xff\xfe\x00end' >"$TMP/body.bin"
rc=0
code=$(post "$HURL2" msg_a "$TMP/body1.json" "" --cacert "$CA") || rc=$?
[[ $rc == 0 && $code == 202 ]] || fail "HTTPS POST: want 202, got $code (curl exit $rc)"
rc=0
code=$(post "$HURL2" msg_b "$TMP/body2.json" "$TMP/body1.json" --cacert "$CA") || rc=$?
[[ $rc == 0 && $code == 401 ]] || fail "HTTPS tampered POST: want 401, got $code (curl exit $rc)"
rc=0
code=$(post "$HURL2" msg_c "$TMP/body.bin" "" --cacert "$CA") || rc=$?
[[ $rc == 0 && $code == 202 ]] || fail "HTTPS binary POST: want 202, got $code (curl exit $rc)"
"$PY" - "$TMP" <<'EOF' || fail "webhook-sink (HTTPS) saved requests check failed"
import base64, json, os, sys
tmp = sys.argv[1]
d = os.path.join(tmp, "hooks2")
files = sorted(os.listdir(d))
assert files == ["000001-msg_a.json", "000002-msg_b.json", "000003-msg_c.json"], files
a, b, c = (json.load(open(os.path.join(d, f))) for f in files)
assert a["signature_valid"] is True and a["response"]["status"] == 202, a
assert b["signature_valid"] is False and b["response"]["status"] == 401, b
assert c["signature_valid"] is True and c["body_base64"] is True, c
assert base64.b64decode(c["body"]) == open(os.path.join(tmp, "body.bin"), "rb").read()
EOF
ok "webhook-sink: HTTPS, second secret, 401 on bad signature, binary body as base64"

# ------------------------------------------------------------------ cleanup
stop_sink smtp "$SMTP_PID"
stop_sink smtps "$SMTPS_PID"
stop_sink dead "$DEAD_PID"
stop_sink hook "$HOOK_PID"
stop_sink hooks2 "$HOOK2_PID"
PIDS=()
ok "all sink checks passed"
