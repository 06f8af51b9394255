/* SPDX-License-Identifier: ISC */
/*
 * config_channel: `channel "name" { ... }` sections; see config_channel.h.
 *
 * libconfuse reads every option as a string (or a list of strings); the
 * validators only note lines.  config_channel_load then checks each value
 * against channel_options[] and the rules of the channel's type, so that
 * every message can name the line it is about.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <confuse.h>
#include <curl/curl.h>

#include "daemon/config.h"
#include "daemon/config_channel.h"
#include "daemon/config_feed.h"
#include "daemon/config_lines.h"
#include "daemon/config_secret.h"
#include "notify/email.h"
#include "notify/webhook.h"
#include "util/parse.h"
#include "util/xmalloc.h"

#define USEC(s)		((int64_t)(s) * 1000000)
#define COFF(f)		offsetof(struct channel, f)

const struct config_option channel_options[] = {
	{ "channel", "type", CONFIG_ENUM, "", 0, 0, "webhook|email",
	  COFF(type), "What the channel delivers: webhook (an HTTP POST) or "
	  "email (SMTP)." },
	{ "channel", "url", CONFIG_STRING, "", 0, 0, NULL, COFF(url),
	  "webhook: the http(s) URL to POST to.  email: the mail server, "
	  "smtps://host:465 (TLS from the start) or smtp://host:587 "
	  "(STARTTLS required)." },
	{ "channel", "timeout", CONFIG_DURATION, "15s", USEC(1), USEC(600),
	  NULL, COFF(timeout), "Longest one delivery attempt may take." },
	{ "channel", "connect_timeout", CONFIG_DURATION, "10s", USEC(1),
	  USEC(300), NULL, COFF(connect_timeout),
	  "Longest a connection attempt may take." },
	{ "channel", "ca_file", CONFIG_STRING, "", 0, 0, NULL, COFF(ca_file),
	  "PEM file of the CAs to verify the receiver against instead of "
	  "the system's (a private CA).  Verification is never turned off." },
	{ "channel", "secret_file", CONFIG_STRING, "", 0, 0, NULL,
	  COFF(secret_file),
	  "webhook: file of signing secrets (whsec_...), one per line; each "
	  "signs every request (Standard Webhooks), so a receiver can rotate "
	  "keys.  Empty: $CREDENTIALS_DIRECTORY/channel-NAME if present, "
	  "else requests are not signed.  Relative paths (here, in "
	  "password_file and in ca_file) are relative to the config file's "
	  "directory." },
	{ "channel", "format", CONFIG_ENUM, "alertmanager", 0, 0,
	  "alertmanager|json", COFF(format),
	  "webhook: alertmanager (the Alertmanager webhook v4 body with "
	  "potashd's evidence) or json (potashd's notification document)." },
	{ "channel", "headers", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "webhook: extra request headers, {\"Name: value\", ...}." },
	{ "channel", "tls", CONFIG_ENUM, "on", 0, 0, "on|off", COFF(tls),
	  "email: off allows plain SMTP, and only to a server on loopback "
	  "(smtp://127.0.0.1, smtp://[::1], smtp://localhost)." },
	{ "channel", "username", CONFIG_STRING, "", 0, 0, NULL,
	  COFF(username), "email: SMTP AUTH user; empty: no AUTH." },
	{ "channel", "password_file", CONFIG_STRING, "", 0, 0, NULL,
	  COFF(password_file),
	  "email: file holding the SMTP password (its first line); empty: "
	  "$CREDENTIALS_DIRECTORY/channel-NAME if present." },
	{ "channel", "from", CONFIG_STRING, "", 0, 0, NULL, COFF(from),
	  "email: the From address, \"potashd <alerts@example.org>\"." },
	{ "channel", "to", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "email: the recipients, {\"a@example.org\", ...}." },
	{ "channel", "subject", CONFIG_STRING, "", 0, 0, NULL,
	  COFF(subject),
	  "email: subject template; {{status}}, {{reason}}, {{channel}}, "
	  "{{count}}, {{alertname}}, {{series}}, {{summary}}, {{group}}.  "
	  "Empty: \"[potashd] {{status}}: {{summary}}\"." },
	{ "channel", "group_by", CONFIG_LIST, "{\"alertname\"}", 0, 0, NULL,
	  0, "Labels whose values group alerts into one notification; "
	  "{\"...\"} groups by all labels (one group per alert).  Every "
	  "alert has alertname (its rule), series and severity." },
	{ "channel", "group_wait", CONFIG_DURATION, "30s", 0,
	  USEC(86400), NULL, COFF(group_wait),
	  "How long a new group waits for more alerts before its first "
	  "notification." },
	{ "channel", "group_interval", CONFIG_DURATION, "5m", 0,
	  USEC(7 * 86400), NULL, COFF(group_interval),
	  "Least time between two notifications of a group about new or "
	  "resolved alerts." },
	{ "channel", "repeat_interval", CONFIG_DURATION, "4h", USEC(60),
	  USEC(30 * 86400), NULL, COFF(repeat_interval),
	  "How often a group still firing is notified again." },
	{ "channel", "send_resolved", CONFIG_BOOL, "true", 0, 0, NULL,
	  COFF(send_resolved), "Whether resolved alerts are notified." },
	{ "channel", "max_attempts", CONFIG_INT, "12", 1, 1000, NULL,
	  COFF(max_attempts),
	  "Delivery attempts before a notification is dead-lettered." },
	{ "channel", "max_age", CONFIG_DURATION, "24h", USEC(1),
	  USEC(30 * 86400), NULL, COFF(max_age),
	  "Age after which a notification still failing is "
	  "dead-lettered." },
	{ "channel", "max_alerts", CONFIG_INT, "0", 0, 100000, NULL,
	  COFF(max_alerts),
	  "Most alerts in one notification (the rest are counted as "
	  "truncated); 0: no limit." },
	{ "channel", "retry_initial", CONFIG_DURATION, "10s", USEC(1) / 1000,
	  USEC(86400), NULL, COFF(retry_initial),
	  "First retry delay; it doubles per attempt (with jitter), and a "
	  "receiver's Retry-After is honoured." },
	{ "channel", "retry_max", CONFIG_DURATION, "15m", USEC(1) / 1000,
	  USEC(86400), NULL, COFF(retry_max), "Longest retry delay." },
};
const size_t channel_noptions =
    sizeof(channel_options) / sizeof(channel_options[0]);

static struct config_lines	config_channel_lines;

cfg_opt_t *
config_channel_build_opts(void)
{
	cfg_opt_t	*opts;
	size_t		 i;

	opts = xcalloc(channel_noptions + 1, sizeof(*opts));
	for (i = 0; i < channel_noptions; i++) {
		if (channel_options[i].type == CONFIG_LIST)
			opts[i] = (cfg_opt_t)CFG_STR_LIST(
			    channel_options[i].name, NULL, CFGF_NODEFAULT);
		else
			opts[i] = (cfg_opt_t)CFG_STR(channel_options[i].name,
			    NULL, CFGF_NODEFAULT);
	}
	opts[i] = (cfg_opt_t)CFG_END();
	return (opts);
}

static int
config_channel_note(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg->title != NULL)
		config_lines_add(&config_channel_lines, cfg->title, opt->name,
		    cfg->line);
	return (0);
}

void
config_channel_set_validators(cfg_t *cfg)
{
	char	path[128];
	size_t	i;

	for (i = 0; i < channel_noptions; i++) {
		snprintf(path, sizeof(path), "channel|%s",
		    channel_options[i].name);
		cfg_set_validate_func(cfg, path, config_channel_note);
	}
}

void
config_channel_reset_lines(void)
{
	config_lines_reset(&config_channel_lines);
}

static void __attribute__((format(printf, 4, 5)))
config_channel_error(const struct config *c, const struct channel *ch,
    const char *opt, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];
	int	 line = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (opt != NULL)
		line = config_lines_get(&config_channel_lines, ch->name, opt);
	if (line == 0)
		line = ch->line;
	if (line > 0)
		config_add_error("%s:%d: channel \"%s\": %s", c->path, line,
		    ch->name, msg);
	else
		config_add_error("%s: channel \"%s\": %s", c->path, ch->name,
		    msg);
}

/* A list option: the values set, or the default's; NULL-ended. */
static char **
config_channel_list(cfg_t *sec, const struct config_option *o, size_t *n)
{
	char		**v;
	unsigned int	  i, k = cfg_size(sec, o->name);

	if (k == 0 && strcmp(o->name, "group_by") == 0) {
		v = xcalloc(2, sizeof(*v));
		v[0] = xstrdup("alertname");
		*n = 1;
		return (v);
	}
	v = xcalloc(k + 1, sizeof(*v));
	for (i = 0; i < k; i++)
		v[i] = xstrdup(cfg_getnstr(sec, o->name, i));
	*n = k;
	return (v);
}

static void
config_channel_strv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Reads every option of the table into ch; 0 or -1. */
static int
config_channel_values(const struct config *c, cfg_t *sec, struct channel *ch)
{
	const struct config_option	*o;
	const char			*value;
	char				 err[512];
	int64_t				 v;
	size_t				 i;
	int				 failed = 0;

	for (i = 0; i < channel_noptions; i++) {
		o = &channel_options[i];
		if (o->type == CONFIG_LIST) {
			if (strcmp(o->name, "headers") == 0)
				ch->headers = config_channel_list(sec, o,
				    &ch->nheaders);
			else if (strcmp(o->name, "to") == 0)
				ch->to = config_channel_list(sec, o, &ch->nto);
			else
				ch->group_by = config_channel_list(sec, o,
				    &ch->ngroup_by);
			continue;
		}
		value = cfg_size(sec, o->name) > 0 ?
		    cfg_getstr(sec, o->name) : o->def;
		if (strcmp(o->name, "type") == 0 && *value == '\0') {
			config_channel_error(c, ch, NULL, "type: missing; "
			    "expected webhook or email");
			failed = 1;
			continue;
		}
		if (config_parse_value(o, value, &v, err, sizeof(err)) == -1) {
			config_channel_error(c, ch, o->name, "%s: %s",
			    o->name, err);
			failed = 1;
			/* Strings stay NULL-free for the checks after. */
			value = o->def;
			v = 0;
		}
		config_set_field(o, ch, value, v);
	}
	return (failed ? -1 : 0);
}

static int
config_channel_loopback(const char *host)
{
	return (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0 || strcmp(host, "localhost") == 0 ||
	    strncmp(host, "127.", 4) == 0);
}

/* The scheme and host of url into the buffers; 0 or -1. */
static int
config_channel_url(const char *url, char *scheme, size_t slen, char *host,
    size_t hlen)
{
	CURLU	*u;
	char	*s = NULL, *h = NULL;
	int	 rc = -1;

	if ((u = curl_url()) == NULL)
		return (-1);
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		snprintf(scheme, slen, "%s", s);
		snprintf(host, hlen, "%s", h);
		rc = 0;
	}
	curl_free(s);
	curl_free(h);
	curl_url_cleanup(u);
	return (rc);
}

static int
config_channel_webhook(const struct config *c, struct channel *ch)
{
	char	scheme[16], host[256], err[512];
	size_t	i;

	if (*ch->url == '\0') {
		config_channel_error(c, ch, NULL, "url: missing; expected the "
		    "http(s) URL to POST to");
		return (-1);
	}
	if (config_channel_url(ch->url, scheme, sizeof(scheme), host,
	    sizeof(host)) == -1 || (strcmp(scheme, "https") != 0 &&
	    strcmp(scheme, "http") != 0)) {
		config_channel_error(c, ch, "url", "url: expected an http:// "
		    "or https:// URL for a webhook");
		return (-1);
	}
	for (i = 0; i < ch->nheaders; i++) {
		const char	*h = ch->headers[i], *colon = strchr(h, ':');
		size_t		 k;

		for (k = 0; h[k] != '\0'; k++) {
			if ((unsigned char)h[k] < ' ' || h[k] == 0x7f)
				break;
		}
		if (colon == NULL || colon == h || h[k] != '\0' ||
		    strcspn(h, " \t") < (size_t)(colon - h)) {
			config_channel_error(c, ch, "headers", "headers: "
			    "expected \"Name: value\" without control "
			    "characters, got \"%s\"", h);
			return (-1);
		}
		if (strncasecmp(h, "webhook-", 8) == 0 ||
		    strncasecmp(h, "content-type:", 13) == 0 ||
		    strncasecmp(h, "content-length:", 15) == 0 ||
		    strncasecmp(h, "host:", 5) == 0) {
			config_channel_error(c, ch, "headers", "headers: "
			    "\"%.*s\" is set by potashd", (int)(colon - h), h);
			return (-1);
		}
	}
	if (*ch->secret_file != '\0' && webhook_secrets_load(ch->secret_file,
	    &ch->secrets, err, sizeof(err)) == -1) {
		config_channel_error(c, ch, "secret_file", "secret_file: %s",
		    err);
		return (-1);
	}
	return (0);
}

static int
config_channel_email(const struct config *c, struct channel *ch)
{
	char	scheme[16], host[256], err[512];
	size_t	i;

	if (*ch->url == '\0') {
		config_channel_error(c, ch, NULL, "url: missing; expected "
		    "smtps://host:465 or smtp://host:587");
		return (-1);
	}
	if (config_channel_url(ch->url, scheme, sizeof(scheme), host,
	    sizeof(host)) == -1 || (strcmp(scheme, "smtps") != 0 &&
	    strcmp(scheme, "smtp") != 0)) {
		config_channel_error(c, ch, "url", "url: expected "
		    "smtps://host:465 or smtp://host:587 for email");
		return (-1);
	}
	if (ch->tls == CHANNEL_TLS_OFF) {
		if (strcmp(scheme, "smtp") != 0 ||
		    !config_channel_loopback(host)) {
			config_channel_error(c, ch, "tls", "tls: off is only "
			    "allowed for smtp:// to a server on loopback "
			    "(127.0.0.1, ::1, localhost), not \"%s\"", host);
			return (-1);
		}
	}
	if (*ch->from == '\0') {
		config_channel_error(c, ch, NULL, "from: missing; expected "
		    "an address such as \"potashd <alerts@example.org>\"");
		return (-1);
	}
	if (email_check_address(ch->from, err, sizeof(err)) == -1) {
		config_channel_error(c, ch, "from", "from: %s", err);
		return (-1);
	}
	if (ch->nto == 0) {
		config_channel_error(c, ch, NULL, "to: missing; expected "
		    "{\"analyst@example.org\", ...}");
		return (-1);
	}
	for (i = 0; i < ch->nto; i++) {
		if (email_check_address(ch->to[i], err, sizeof(err)) == -1) {
			config_channel_error(c, ch, "to", "to: %s", err);
			return (-1);
		}
	}
	if (*ch->subject != '\0' &&
	    email_subject_check(ch->subject, err, sizeof(err)) == -1) {
		config_channel_error(c, ch, "subject", "subject: %s", err);
		return (-1);
	}
	if (*ch->password_file != '\0') {
		if (*ch->username == '\0') {
			config_channel_error(c, ch, "password_file",
			    "password_file: %s is set, but no username",
			    ch->password_file);
			return (-1);
		}
		ch->password = config_read_secret(ch->password_file, err,
		    sizeof(err));
		if (ch->password == NULL) {
			config_channel_error(c, ch, "password_file",
			    "password_file: %s", err);
			return (-1);
		}
	}
	return (0);
}

/*
 * With neither secret_file nor password_file set, a systemd credential
 * "channel-NAME" stands in: a webhook's signing secrets, an email
 * channel's SMTP password.
 */
static void
config_channel_credential(struct channel *ch)
{
	char	**slot, *cred;

	slot = ch->type == CHANNEL_EMAIL ? &ch->password_file :
	    &ch->secret_file;
	if (*ch->secret_file != '\0' || *ch->password_file != '\0' ||
	    (cred = config_credential("channel-%s", ch->name)) == NULL)
		return;
	free(*slot);
	*slot = cred;
}

/* A relative path names a file beside the config file: made absolute. */
static void
config_channel_path(const struct config *c, char **path)
{
	const char	*slash;
	char		 cwd[4096], *dir, *abs;

	if (**path == '\0' || **path == '/')
		return;
	slash = strrchr(c->path, '/');
	dir = slash == NULL ? xstrdup(".") :
	    xstrndup(c->path, (size_t)(slash - c->path));
	if (dir[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			snprintf(cwd, sizeof(cwd), ".");
		abs = xasprintf("%s/%s/%s", cwd, dir, *path);
	} else
		abs = xasprintf("%s/%s", dir, *path);
	free(dir);
	free(*path);
	*path = abs;
}

static int
config_channel_one(const struct config *c, cfg_t *sec, struct channel *ch)
{
	const char	*title = cfg_title(sec);
	size_t		 i;

	ch->name = xstrdup(title);
	ch->line = config_lines_first(&config_channel_lines, title);
	for (i = 0; title[i] != '\0'; i++) {
		if ((unsigned char)title[i] <= ' ' || title[i] == '"' ||
		    title[i] == 0x7f)
			break;
	}
	if (i == 0 || title[i] != '\0') {
		config_channel_error(c, ch, NULL, "expected a channel name "
		    "without spaces, quotes or control characters");
		return (-1);
	}
	if (config_channel_values(c, sec, ch) == -1)
		return (-1);
	config_channel_path(c, &ch->secret_file);
	config_channel_path(c, &ch->password_file);
	config_channel_credential(ch);
	config_channel_path(c, &ch->ca_file);
	if (ch->retry_initial > ch->retry_max) {
		config_channel_error(c, ch, "retry_initial", "retry_initial "
		    "is longer than retry_max");
		return (-1);
	}
	if (ch->type == CHANNEL_WEBHOOK) {
		if (ch->nto > 0 || *ch->from != '\0') {
			config_channel_error(c, ch, ch->nto > 0 ? "to" :
			    "from", "%s: not an option of a webhook channel",
			    ch->nto > 0 ? "to" : "from");
			return (-1);
		}
		return (config_channel_webhook(c, ch));
	}
	if (ch->nheaders > 0 || *ch->secret_file != '\0') {
		config_channel_error(c, ch, ch->nheaders > 0 ? "headers" :
		    "secret_file", "%s: not an option of an email channel",
		    ch->nheaders > 0 ? "headers" : "secret_file");
		return (-1);
	}
	return (config_channel_email(c, ch));
}

int
config_channel_load(struct config *c, cfg_t *cfg)
{
	unsigned int	i, n = cfg_size(cfg, "channel");
	int		failed = 0;

	c->channels = xcalloc(n + 1, sizeof(*c->channels));
	for (i = 0; i < n; i++) {
		if (config_channel_one(c, cfg_getnsec(cfg, "channel", i),
		    &c->channels[i]) == -1)
			failed = 1;
		c->nchannels = i + 1;
	}
	return (failed ? -1 : 0);
}

const struct channel *
config_channel_find(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nchannels; i++) {
		if (strcmp(c->channels[i].name, name) == 0)
			return (&c->channels[i]);
	}
	return (NULL);
}

void
config_channel_free(struct channel *chs, size_t n)
{
	struct channel	*ch;
	size_t		 i;

	for (i = 0; i < n; i++) {
		ch = &chs[i];
		free(ch->name);
		free(ch->url);
		free(ch->ca_file);
		free(ch->secret_file);
		webhook_secrets_clear(&ch->secrets);
		config_channel_strv_free(ch->headers);
		free(ch->username);
		free(ch->password_file);
		if (ch->password != NULL) {
			explicit_bzero(ch->password, strlen(ch->password));
			free(ch->password);
		}
		free(ch->from);
		config_channel_strv_free(ch->to);
		free(ch->subject);
		config_channel_strv_free(ch->group_by);
	}
	free(chs);
}

void
config_channel_dump(FILE *out)
{
	const struct config_option	*o;
	size_t				 i;

	for (i = 0; i < channel_noptions; i++) {
		o = &channel_options[i];
		fprintf(out, "channel.%s\t%s\t\"%s\"\t%s\n", o->name,
		    o->type == CONFIG_ENUM ? o->choices :
		    config_type_name(o->type), o->def, o->doc);
	}
}
