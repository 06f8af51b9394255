/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for web/dashboard (with web/svg and web/html): a realistic
 * page (FRED's monthly potash price 2020-2025 with the 2021 sanctions,
 * the Lithuanian transit stop and the US easing of 13-15 December 2025,
 * a resolved and a firing alert span; Belarus's potash exports from
 * Comtrade; a series without data; feeds ok, failed, stale, never run
 * and disabled): one chart per series, event markers by direction and
 * only inside each chart's range, spans (a firing one to the right
 * edge), tick labels, alert order, feed health.  The tick helpers on
 * many ranges; charts of no, one, equal, negative, huge, tiny and NaN
 * values; hostile strings everywhere, which must come out as text; the
 * same bytes twice; 50 series of 400 points in well under 50 ms.
 * The alert page (web/alertpage) of the firing alert: facts, evidence,
 * history newest first, labels, annotations, the rule, its chart; with
 * no chart, evidence or history; hostile strings; the 404 and 400 pages;
 * the dashboard's rows linked to it only by a well-formed fingerprint.
 * Pages and charts are handed to Debian's /usr/bin/python3 (html.parser
 * with a tag-balance check, and xml.etree) as independent parsers; links
 * may only go to http(s), to "#", "../" or "alerts/" and a fingerprint.
 *
 * If POTASH_DASHBOARD_SAMPLE is set, the realistic page is written there
 * (to look at it in a browser).
 */
#include <sys/wait.h>

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testproc.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/url.h"
#include "util/xmalloc.h"
#include "web/alertpage.h"
#include "web/dashboard.h"
#include "web/html.h"
#include "web/svg.h"

#define PYTHON		"/usr/bin/python3"
#define USEC_DAY	INT64_C(86400000000)
#define USEC_HOUR	INT64_C(3600000000)
#define NFRED		72
#define NCOMTRADE	9

/* The independent checker, run with Debian's Python. */
/* In lines: C17 promises no string literal past 4095 bytes. */
static const char *const check_py[] = {
"import re, sys, html.parser, xml.etree.ElementTree as ET\n",
"VOID = {'area','base','br','col','embed','hr','img','input','link',\n",
"        'meta','source','track','wbr'}\n",
"BANNED = {'script','iframe','object','embed','img','form','link',\n",
"          'base','foreignobject','image','use','animate','set'}\n",
"errors = []\n",
"def attrs_ok(where, tag, attrs):\n",
"    if tag.lower() in BANNED:\n",
"        errors.append('%s: banned element <%s>' % (where, tag))\n",
"    for k, v in attrs:\n",
"        k = k.lower()\n",
"        if k.startswith('on') or k == 'style':\n",
"            errors.append('%s: attribute %s on <%s>' % (where, k, tag))\n",
"        if k in ('href', 'src', 'xlink:href') or k.endswith('}href'):\n",
"            if not (v.startswith('https://') or v.startswith('http://')\n",
"                    or v.startswith('#') or v == '../'\n",
"                    or re.fullmatch('alerts/[0-9a-f]{16}', v)):\n",
"                errors.append('%s: %s=%r' % (where, k, v))\n",
"class P(html.parser.HTMLParser):\n",
"    def __init__(self):\n",
"        super().__init__(convert_charrefs=True)\n",
"        self.stack = []; self.text = []; self.decl = []\n",
"        self.tags = {}\n",
"    def handle_decl(self, d): self.decl.append(d)\n",
"    def handle_starttag(self, tag, attrs):\n",
"        attrs_ok('html', tag, attrs)\n",
"        self.tags.setdefault(tag, []).append(dict(attrs))\n",
"        if tag not in VOID: self.stack.append((tag, self.getpos()))\n",
"    def handle_startendtag(self, tag, attrs):\n",
"        attrs_ok('html', tag, attrs)\n",
"        self.tags.setdefault(tag, []).append(dict(attrs))\n",
"    def handle_endtag(self, tag):\n",
"        if not self.stack or self.stack[-1][0] != tag:\n",
"            errors.append('line %d: </%s> closes %r' %\n",
"                (self.getpos()[0], tag,\n",
"                 self.stack[-1] if self.stack else None))\n",
"        else: self.stack.pop()\n",
"    def handle_data(self, d): self.text.append(d)\n",
"def check_html(path, texts):\n",
"    raw = open(path, 'rb').read().decode('utf-8')\n",
"    p = P(); p.feed(raw); p.close()\n",
"    if p.stack: errors.append('unclosed: %r' % p.stack)\n",
"    if p.decl != ['DOCTYPE html']: errors.append('decl %r' % p.decl)\n",
"    if p.tags.get('html', [{}])[0].get('lang') != 'en':\n",
"        errors.append('no <html lang>')\n",
"    metas = p.tags.get('meta', [])\n",
"    if not any(m.get('charset') == 'utf-8' for m in metas):\n",
"        errors.append('no meta charset')\n",
"    if not any(m.get('name') == 'viewport' for m in metas):\n",
"        errors.append('no meta viewport')\n",
"    for t in ('script', 'img', 'iframe'):\n",
"        if t in p.tags: errors.append('<%s> present' % t)\n",
"    text = ''.join(p.text)\n",
"    for t in texts:\n",
"        if t not in text: errors.append('text %r not shown' % t)\n",
"    try: ET.fromstring(raw)\n",
"    except ET.ParseError as e: errors.append('not XML: %s' % e)\n",
"    print('%s: %d elements, %d svg' % (path,\n",
"        sum(len(v) for v in p.tags.values()), len(p.tags.get('svg', []))))\n",
"NUM = ('x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'width',\n",
"       'height')\n",
"def check_svg(path):\n",
"    try: root = ET.parse(path).getroot()\n",
"    except ET.ParseError as e:\n",
"        errors.append('%s: not XML: %s' % (path, e)); return\n",
"    ns = '{http://www.w3.org/2000/svg}'\n",
"    if root.tag != ns + 'svg':\n",
"        errors.append('%s: root %s' % (path, root.tag))\n",
"    if root.get('viewBox') != '0 0 720 264':\n",
"        errors.append('%s: viewBox %r' % (path, root.get('viewBox')))\n",
"    kids = [c.tag for c in root]\n",
"    if ns + 'title' not in kids or ns + 'desc' not in kids:\n",
"        errors.append('%s: no title/desc' % path)\n",
"    for el in root.iter():\n",
"        tag = el.tag.replace(ns, '')\n",
"        attrs_ok(path, tag, el.attrib.items())\n",
"        for k in NUM:\n",
"            if k in el.attrib and el.tag != ns + 'svg':\n",
"                try: v = float(el.attrib[k])\n",
"                except ValueError: v = float('nan')\n",
"                if v != v or abs(v) > 1e4:\n",
"                    errors.append('%s: <%s %s=%r>' % (path, tag, k,\n",
"                                  el.attrib[k]))\n",
"        if 'points' in el.attrib:\n",
"            for xy in el.attrib['points'].split():\n",
"                x, y = (float(c) for c in xy.split(','))\n",
"                if not (0 <= x <= 720 and 0 <= y <= 264):\n",
"                    errors.append('%s: point %s' % (path, xy))\n",
"    print('%s: %d elements' % (path, len(list(root.iter()))))\n",
"mode, args = sys.argv[1], sys.argv[2:]\n",
"if mode == 'html':\n",
"    texts = []\n",
"    if len(args) > 1:\n",
"        texts = open(args[1], encoding='utf-8').read().split('\\n')[:-1]\n",
"    check_html(args[0], texts)\n",
"else:\n",
"    for a in args: check_svg(a)\n",
"for e in errors: print('ERROR', e)\n",
"sys.exit(1 if errors else 0)\n",
};

/* The realistic dataset, built at run time (dates need civil_days). */
static struct dashboard_point	fred_pts[NFRED];
static struct dashboard_point	comtrade_pts[NCOMTRADE];
static struct dashboard_span	fred_spans[2];
static struct dashboard_series	series[3];
static struct dashboard_event	events[7];
static struct dashboard_alert	alerts[4];
static struct dashboard_feed	feeds[5];
static struct dashboard_data	data;

static int64_t
day(int64_t y, int m, int d)
{
	return (civil_days(y, m, d) * USEC_DAY);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/* The text between the first "from" after start and the next "to". */
static char *
between(const char *s, const char *from, const char *to)
{
	const char	*a, *b;

	if ((a = strstr(s, from)) == NULL)
		return (NULL);
	a += strlen(from);
	if ((b = strstr(a, to)) == NULL)
		return (NULL);
	return (xstrndup(a, (size_t)(b - a)));
}

static void
build(void)
{
	/* IMF/FRED potassium chloride, USD per metric ton, 2020-2025. */
	static const double	fred[NFRED] = {
		245, 242, 240, 240, 240, 236, 233, 230, 225, 224, 223, 222,
		222, 224, 226, 230, 240, 259, 310, 370, 440, 523, 562, 562,
		590, 620, 830, 1020, 1120, 1170, 1200, 1200, 1150, 1000, 820,
		640,
		560, 520, 480, 430, 380, 340, NAN, 335, 330, 320, 315, 310,
		310, 305, 300, 300, 300, 298, 296, 290, 288, 285, 283, 282,
		285, 290, 300, 310, 325, 340, 350, 355, 358, 360, 358, 352.5,
	};
	/* Belarus exports of HS 3104, USD; nothing reported for 2022. */
	static const struct {
		int	y;
		double	v;
	} ct[NCOMTRADE] = {
		{ 2015, 2.38e9 }, { 2016, 1.57e9 }, { 2017, 1.98e9 },
		{ 2018, 2.62e9 }, { 2019, 2.74e9 }, { 2020, 2.31e9 },
		{ 2021, 3.91e9 }, { 2023, 1.9e9 }, { 2024, 2.1e9 },
	};
	int	i;

	for (i = 0; i < NFRED; i++) {
		fred_pts[i].period = day(2020 + i / 12, i % 12 + 1, 1);
		fred_pts[i].value = fred[i];
	}
	for (i = 0; i < NCOMTRADE; i++) {
		comtrade_pts[i].period = day(ct[i].y, 1, 1);
		comtrade_pts[i].value = ct[i].v;
	}
	fred_spans[0] = (struct dashboard_span){ day(2021, 9, 1),
	    day(2022, 6, 1), "potash-price-spike", "warning" };
	fred_spans[1] = (struct dashboard_span){ day(2025, 12, 15) +
	    21 * USEC_HOUR, INT64_MAX, "potash-move-after-easing",
	    "critical" };
	series[0] = (struct dashboard_series){ "fred/PPOTASHUSDM",
	    "Potash (potassium chloride), world price", "USD/t", fred_pts,
	    NFRED, fred_spans, 2 };
	series[1] = (struct dashboard_series){ "comtrade/112/3104/X/0",
	    "Belarus potash exports (HS 3104), all partners", "USD",
	    comtrade_pts, NCOMTRADE, NULL, 0 };
	series[2] = (struct dashboard_series){ "yahoo/NTR",
	    "Nutrien Ltd (NTR)", "USD", NULL, 0, NULL, 0 };

	events[0] = (struct dashboard_event){ 1, day(2006, 6, 16), "US",
	    "designation", "EO 13405", 1,
	    "https://ofac.treasury.gov/sanctions-programs-and-country-"
	    "information/belarus-sanctions" };
	events[1] = (struct dashboard_event){ 2, day(2021, 6, 24), "EU",
	    "sectoral", "Reg. 2021/1030", 1,
	    "https://eur-lex.europa.eu/eli/reg/2021/1030/oj" };
	events[2] = (struct dashboard_event){ 3, day(2021, 8, 9), "US",
	    "designation", "EO 14038", 1,
	    "https://ofac.treasury.gov/recent-actions/20210809" };
	events[3] = (struct dashboard_event){ 4, day(2021, 8, 9), "UK",
	    "sectoral", "SI 2021/922", 1,
	    "https://www.legislation.gov.uk/uksi/2021/922/contents/made" };
	events[4] = (struct dashboard_event){ 5, day(2022, 2, 1), "LT",
	    "transit_stop", "LTG rail transit", 1, NULL };
	events[5] = (struct dashboard_event){ 6, day(2025, 12, 13), "US",
	    "general_license", "OFAC GL 13", -1,
	    "https://ofac.treasury.gov/recent-actions/20251213" };
	events[6] = (struct dashboard_event){ 7, day(2025, 12, 15), "US",
	    "delisting", "Belaruskali SDN", -1,
	    "https://ofac.treasury.gov/recent-actions/20251215" };

	alerts[0] = (struct dashboard_alert){ "potash-price-spike",
	    "fred/PPOTASHUSDM", "warning", "resolved", day(2022, 6, 1),
	    "Potash back below 900 USD/t", 820, 900, NAN, "USD/t", NULL,
	    NULL, 0 };
	alerts[1] = (struct dashboard_alert){ "belarus-exports-drop",
	    "comtrade/112/3104/X/0", "warning", "pending", day(2026, 1, 12),
	    "Belarus potash exports 39% below their 2019-2021 mean",
	    1.9e9, -35, 3.12e9, "USD", NULL, NULL, 0 };
	/* A since_event rule compares a change in %, not the value. */
	alerts[1].has_metric = 1;
	alerts[1].metric = -39.1;
	alerts[2] = (struct dashboard_alert){ "potash-move-after-easing",
	    "fred/PPOTASHUSDM", "critical", "firing",
	    day(2025, 12, 15) + 21 * USEC_HOUR,
	    "Potash 352.5 USD/t, 4.1% above its level before the US easing",
	    352.5, 350, 338.6, "USD/t",
	    "US general_license OFAC GL 13 (2025-12-13)",
	    "https://ofac.treasury.gov/recent-actions/20251213", 0,
	    "3f2a9c0d5e6b7a81" };
	alerts[3] = (struct dashboard_alert){ "feed-silent", "yahoo/NTR",
	    "info", "firing", day(2026, 1, 19) + 7 * USEC_HOUR,
	    "No observation for 36 hours", NAN, NAN, NAN, NULL, NULL, NULL,
	    1 };

	feeds[0] = (struct dashboard_feed){ "fred/PPOTASHUSDM",
	    day(2026, 1, 20) + 6 * USEC_HOUR, day(2026, 1, 20) + 6 *
	    USEC_HOUR, NULL, day(2026, 1, 21) + 6 * USEC_HOUR, 1 };
	feeds[1] = (struct dashboard_feed){ "comtrade/belarus-potash",
	    day(2026, 1, 20) + 3 * USEC_HOUR, day(2025, 12, 1),
	    "HTTP 503 from comtradeapi.un.org: Service Unavailable",
	    day(2026, 1, 20) + 15 * USEC_HOUR, 1 };
	feeds[2] = (struct dashboard_feed){ "yahoo/NTR", day(2026, 1, 18),
	    day(2026, 1, 18), NULL, day(2026, 1, 19), 1 };
	feeds[3] = (struct dashboard_feed){ "opensanctions/belarus", 0, 0,
	    NULL, day(2026, 1, 20) + 13 * USEC_HOUR, 1 };
	feeds[4] = (struct dashboard_feed){ "fedreg/ofac", day(2025, 11, 2),
	    day(2025, 11, 2), NULL, 0, 0 };

	data = (struct dashboard_data){ day(2026, 1, 20) + 12 * USEC_HOUR,
	    "0.1.0", series, 3, events, 7, alerts, 4, feeds, 5 };
}

/*
 * Runs the checker on files (space-separated, no quoting needed for our
 * temp paths); fails the test with its output unless it passes.
 */
static void
check(const char *mode, const char *files)
{
	struct buf	 py;
	char		*dir, *script, *cmd, out[8192];
	FILE		*p;
	size_t		 n;
	int		 st;

	if (access(PYTHON, X_OK) != 0) {
		print_message("%s missing: independent parse skipped\n",
		    PYTHON);
		skip();
	}
	dir = testproc_tmpdir();
	script = xasprintf("%s/check.py", dir);
	buf_init(&py, 0);
	for (n = 0; n < sizeof(check_py) / sizeof(check_py[0]); n++)
		buf_printf(&py, "%s", check_py[n]);
	testproc_write(script, buf_cstr(&py));
	buf_deinit(&py);
	cmd = xasprintf("%s %s %s %s 2>&1", PYTHON, script, mode, files);
	assert_non_null(p = popen(cmd, "r"));
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("%s failed (%d):\n%s", cmd, st, out);
	print_message("%s", out);
	assert_int_equal(unlink(script), 0);
	assert_int_equal(rmdir(dir), 0);
	free(cmd);
	free(script);
	free(dir);
}

/* Writes text to a fresh temp dir's name; returns the path. */
static char *
temp_file(char **dir, const char *name, const char *text)
{
	char	*path;

	if (*dir == NULL)
		*dir = testproc_tmpdir();
	path = xasprintf("%s/%s", *dir, name);
	testproc_write(path, text);
	return (path);
}

static char *
chart(const struct dashboard_series *s)
{
	char	*svg;
	size_t	 len;

	svg = dashboard_chart_svg(s, events, 7, data.now, &len);
	assert_int_equal(strlen(svg), len);
	return (svg);
}

static void
test_html_helpers(void **state)
{
	struct buf	b;

	buf_init(&b, 0);
	html_text(&b, "a&b<c>\"d'e");
	assert_string_equal(buf_cstr(&b), "a&amp;b&lt;c&gt;&quot;d&#39;e");
	buf_reset(&b);
	/* Bad UTF-8, a control, an overlong '<', a surrogate: U+FFFD. */
	html_text(&b, "x\x01y\xff\xc0\xbc\xed\xa0\x80z \xc3\xa9");
	assert_string_equal(buf_cstr(&b), "x\xef\xbf\xbdy\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz "
	    "\xc3\xa9");
	buf_reset(&b);
	assert_int_equal(html_text_max(&b, "Belaruskali \xc3\xa9tait", 8),
	    1);
	assert_string_equal(buf_cstr(&b), "Belarus\xe2\x80\xa6");
	buf_reset(&b);
	assert_int_equal(html_text_max(&b, "GL 13", 8), 0);
	assert_string_equal(buf_cstr(&b), "GL 13");
	assert_int_equal(html_chars("\xc3\xa9\xe2\x80\x94x"), 3);

	assert_true(url_is_http("https://ofac.treasury.gov/x"));
	assert_true(url_is_http("HTTP://example.org"));
	assert_false(url_is_http("javascript:alert(1)"));
	assert_false(url_is_http("https://"));
	assert_false(url_is_http("https:///path"));
	assert_false(url_is_http("https://a b"));
	assert_false(url_is_http("data:text/html,<b>"));
	assert_false(url_is_http(NULL));
	buf_reset(&b);
	html_link(&b, "https://eur-lex.europa.eu/eli/reg/2021/1030/oj?a=1&b",
	    NULL);
	assert_string_equal(buf_cstr(&b), "<a href=\"https://eur-lex.europa"
	    ".eu/eli/reg/2021/1030/oj?a=1&amp;b\" rel=\"noopener noreferrer\">"
	    "eur-lex.europa.eu</a>");
	buf_reset(&b);
	html_link(&b, "javascript:alert('x')", "click");
	assert_string_equal(buf_cstr(&b), "javascript:alert(&#39;x&#39;)");

	buf_reset(&b);
	html_datetime(&b, day(2025, 12, 15) + 21 * USEC_HOUR + 5 * 60000000);
	html_raw(&b, "|");
	html_date(&b, day(1969, 12, 31));
	html_raw(&b, "|");
	html_ago(&b, day(2026, 1, 17), day(2026, 1, 20));
	html_raw(&b, "|");
	html_ago(&b, day(2026, 1, 20) + 2 * USEC_HOUR, day(2026, 1, 20));
	html_raw(&b, "|");
	html_ago(&b, day(2022, 1, 1), day(2026, 1, 20));
	assert_string_equal(buf_cstr(&b), "2025-12-15 21:05 UTC|1969-12-31|"
	    "3 d ago|in 2 h|4 y ago");
	buf_deinit(&b);
}

/* Whether x is 1, 2, 2.5 or 5 times a power of ten. */
static int
round_step(double x)
{
	double	m = x / pow(10, floor(log10(x)));

	return (fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 ||
	    fabs(m - 2.5) < 1e-9 || fabs(m - 5) < 1e-9 ||
	    fabs(m - 10) < 1e-9);
}

static void
test_value_ticks(void **state)
{
	static const double	ranges[][2] = {
		{ 222, 1200 }, { 0, 1 }, { -50, 120 }, { 0.001, 0.0013 },
		{ 1.57e9, 3.91e9 }, { 352.4, 352.6 }, { -3e-9, -1e-9 },
		{ 1e12, 1.2e12 }, { 99, 101 }, { -1, 1 }, { 7, 7.0001 },
	};
	double		t[6], step, lo, hi;
	char		lab[6][HTML_LABEL_LEN];
	uint32_t	seed = 12345;
	size_t		r;
	int		n, i, j;

	n = svg_value_ticks(222, 1200, t, &step);
	assert_int_equal(n, 6);
	assert_true(step == 200 && t[0] == 200 && t[5] == 1200);
	html_value_labels(t, n, step, lab);
	assert_string_equal(lab[0], "200");
	assert_string_equal(lab[5], "1200");

	n = svg_value_ticks(1.57e9, 3.91e9, t, &step);
	html_value_labels(t, n, step, lab);
	assert_string_equal(lab[0], "1.5B");
	assert_string_equal(lab[1], "2.0B");

	n = svg_value_ticks(-3e-9, -1e-9, t, &step);
	html_value_labels(t, n, step, lab);
	assert_string_equal(lab[0], "-3e-9");

	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]) + 500; r++) {
		if (r < sizeof(ranges) / sizeof(ranges[0])) {
			lo = ranges[r][0];
			hi = ranges[r][1];
		} else {
			seed = seed * 1103515245 + 12345;
			lo = ((double)(seed >> 8) / (1 << 24) - 0.5) *
			    pow(10, (int)(seed % 13) - 4);
			seed = seed * 1103515245 + 12345;
			hi = lo + (double)(seed >> 8) / (1 << 24) *
			    pow(10, (int)(seed % 13) - 4) + 1e-6;
		}
		n = svg_value_ticks(lo, hi, t, &step);
		if (n < 4 || n > 6 || t[0] > lo || t[n - 1] < hi ||
		    !round_step(step))
			fail_msg("[%g, %g]: %d ticks %g..%g step %g", lo, hi,
			    n, t[0], t[n - 1], step);
		html_value_labels(t, n, step, lab);
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (strcmp(lab[i], lab[j]) == 0)
					fail_msg("[%g, %g]: label %s twice",
					    lo, hi, lab[i]);
	}
}

static void
test_time_ticks(void **state)
{
	struct html_time_tick	tk[HTML_MAXTICKS];
	int			n, i;

	n = html_time_ticks(day(2020, 1, 1), day(2026, 1, 20), tk, 8);
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++) {
		char	want[8];

		snprintf(want, sizeof(want), "%d", 2020 + i);
		assert_string_equal(tk[i].label, want);
		assert_true(tk[i].t == day(2020 + i, 1, 1));
	}
	n = html_time_ticks(day(2015, 1, 1), day(2026, 1, 20), tk, 8);
	assert_int_equal(n, 6);
	assert_string_equal(tk[0].label, "2016");
	assert_string_equal(tk[5].label, "2026");
	n = html_time_ticks(day(2025, 1, 10), day(2025, 12, 31), tk, 8);
	assert_int_equal(n, 5);
	assert_string_equal(tk[0].label, "Mar 2025");
	assert_string_equal(tk[4].label, "Nov 2025");
	n = html_time_ticks(day(2025, 11, 1), day(2025, 12, 1), tk, 8);
	assert_int_equal(n, 5);
	assert_string_equal(tk[0].label, "3 Nov 2025");
	assert_string_equal(tk[1].label, "10 Nov");
	n = html_time_ticks(day(1900, 1, 1), day(2026, 1, 1), tk, 8);
	assert_int_equal(n, 7);
	assert_string_equal(tk[6].label, "2020");
	n = html_time_ticks(day(2025, 3, 1), day(2025, 3, 1) + 3 * USEC_HOUR,
	    tk, 8);
	assert_int_equal(n, 1);
	assert_string_equal(tk[0].label, "1 Mar 2025");
	n = html_time_ticks(INT64_MIN, INT64_MAX, tk, 8);
	assert_true(n >= 2 && n <= 8);
}

static void
test_feed_status(void **state)
{
	int64_t	now = data.now;

	assert_string_equal(dashboard_feed_status(&feeds[0], now), "ok");
	assert_string_equal(dashboard_feed_status(&feeds[1], now), "failed");
	assert_string_equal(dashboard_feed_status(&feeds[2], now), "stale");
	assert_string_equal(dashboard_feed_status(&feeds[3], now),
	    "never run");
	assert_string_equal(dashboard_feed_status(&feeds[4], now),
	    "disabled");
}

static void
test_page(void **state)
{
	char		*page, *row;
	const char	*a, *b, *c, *d;
	size_t		 len;

	page = dashboard_render(&data, &len);
	assert_int_equal(strlen(page), len);
	assert_true(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 32)
	    == 0);
	assert_non_null(strstr(page, "<meta charset=\"utf-8\"/>"));
	assert_non_null(strstr(page, "name=\"viewport\""));
	assert_non_null(strstr(page, "<title>potashd</title>"));
	assert_non_null(strstr(page, "version 0.1.0 \xc2\xb7 as of "
	    "2026-01-20 12:00 UTC"));
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "url("));
	assert_null(strstr(page, "@import"));
	assert_null(strstr(page, "nan"));
	assert_int_equal(count(page, "<svg "), 3);
	assert_int_equal(count(page, "<style>"), 1);
	assert_non_null(strstr(page, ">no data yet</text>"));

	/* Alerts: firing (critical, then info), pending, resolved. */
	a = strstr(page, ">potash-move-after-easing</a></b>");
	b = strstr(page, ">feed-silent</b>");
	c = strstr(page, ">belarus-exports-drop</b>");
	d = strstr(page, ">potash-price-spike</b>");
	assert_true(a != NULL && b != NULL && c != NULL && d != NULL);
	assert_true(a < b && b < c && c < d);
	/* Only the row with a fingerprint links to its page. */
	assert_non_null(strstr(page, "<b><a class=\"alert-link\" href=\""
	    "alerts/3f2a9c0d5e6b7a81\">potash-move-after-easing</a></b>"));
	assert_int_equal(count(page, "class=\"alert-link\""), 1);
	assert_non_null(strstr(page, "<span class=\"badge sev-critical "
	    "st-firing\">firing</span>"));
	assert_non_null(strstr(page, "<span class=\"badge sev-warning "
	    "st-resolved\">resolved</span>"));
	assert_non_null(strstr(page, "352.5 USD/t</span><span class=\"sub "
	    "num\">threshold 350 USD/t</span><span class=\"sub num\">baseline"
	    " 338.6 USD/t</span>"));
	assert_non_null(strstr(page, "1,900,000,000 USD</span><span class=\""
	    "sub num\">compared -39.1</span><span class=\"sub num\">"
	    "threshold -35</span><span class=\"sub num\">baseline "
	    "3,120,000,000 USD</span>"));
	assert_non_null(strstr(page, "US general_license OFAC GL 13 "
	    "(2025-12-13)<span class=\"sub\">source: <a href=\"https://ofac."
	    "treasury.gov/recent-actions/20251213\" rel=\"noopener "
	    "noreferrer\">ofac.treasury.gov</a>"));
	assert_non_null(strstr(page, "<tr class=\"silenced\">"));
	assert_int_equal(count(page, "<span class=\"badge muted\">silenced"),
	    1);
	assert_non_null(strstr(page, "<a href=\"#s-0\"><code>fred/"
	    "PPOTASHUSDM</code></a>"));

	/* Cards: latest value, change, firing badge. */
	assert_non_null(strstr(page, "<article class=\"card\" id=\"s-0\">"));
	assert_non_null(strstr(page, "<b title=\"352.5\">352.5</b> USD/t"
	    "<span class=\"sub\">"
	    "Dec 2025 \xc2\xb7 <span class=\"down\">\xe2\x96\xbc -1.5%</span>"
	    " on previous"));
	assert_non_null(strstr(page, "<b title=\"2,100,000,000\">2.1B</b> "
	    "USD<span class=\"sub\">2024"));
	assert_non_null(strstr(page, "9 observations, 2015 \xe2\x80\x93 2024;"
	    " low 1.57B, high 3.91B"));
	assert_non_null(strstr(page, "71 observations, Jan 2020 \xe2\x80\x93"
	    " Dec 2025; low 222, high 1200"));

	/* Events, latest first; the LT one has no source. */
	a = strstr(page, "<section id=\"events\">");
	assert_non_null(a);
	b = strstr(a, "2025-12-15");
	c = strstr(a, "2006-06-16");
	assert_true(b != NULL && c != NULL && b < c);

	/* Feeds: failed and stale rows stand out. */
	row = between(page, "<tr class=\"row-failed\">", "</tr>");
	assert_non_null(row);
	assert_non_null(strstr(row, "comtrade/belarus-potash"));
	assert_non_null(strstr(row, "HTTP 503 from comtradeapi.un.org"));
	free(row);
	row = between(page, "<tr class=\"row-stale\">", "</tr>");
	assert_non_null(row);
	assert_non_null(strstr(row, "yahoo/NTR"));
	free(row);
	assert_int_equal(count(page, "class=\"row-"), 2);
	assert_non_null(strstr(page, "<span class=\"status status-off\">"
	    "never run</span>"));
	free(page);
}

static void
test_chart_events(void **state)
{
	char	*svg;

	svg = chart(&series[0]);
	/* 2021 EU, US, UK, LT 2022 tighten; 13 and 15 Dec 2025 ease. */
	assert_int_equal(count(svg, "<g class=\"ev ev-tighten\">"), 4);
	assert_int_equal(count(svg, "<g class=\"ev ev-ease\">"), 2);
	assert_int_equal(count(svg, "<g class=\"ev ev-other\">"), 0);
	assert_null(strstr(svg, "EO 13405"));	/* 2006: outside */
	assert_non_null(strstr(svg, "<title>2021-06-24: EU sectoral "
	    "\xe2\x80\x94 Reg. 2021/1030 (tightening)</title>"));
	assert_non_null(strstr(svg, ">EU Reg. 2021/1030</text>"));
	assert_non_null(strstr(svg, ">US EO 14038</text>"));
	assert_non_null(strstr(svg, ">UK SI 2021/922</text>"));
	assert_non_null(strstr(svg, ">LT LTG rail transit</text>"));
	assert_non_null(strstr(svg, "<title>2025-12-13: US general_license "
	    "\xe2\x80\x94 OFAC GL 13 (easing)</title>"));
	assert_non_null(strstr(svg, ">US OFAC GL 13</text>"));
	assert_non_null(strstr(svg, ">US Belaruskali SDN</text>"));
	free(svg);

	/* 2015-2026 holds the same six, still not 2006. */
	svg = chart(&series[1]);
	assert_int_equal(count(svg, "<g class=\"ev ev-tighten\">"), 4);
	assert_int_equal(count(svg, "<g class=\"ev ev-ease\">"), 2);
	assert_null(strstr(svg, "EO 13405"));
	free(svg);

	/* No data, no range: no markers at all. */
	svg = chart(&series[2]);
	assert_int_equal(count(svg, "class=\"ev "), 0);
	assert_non_null(strstr(svg, ">no data yet</text>"));
	free(svg);
}

static void
test_chart_spans(void **state)
{
	char	*svg, *g, *x, *w;

	svg = chart(&series[0]);
	assert_int_equal(count(svg, "<rect class=\"span\""), 2);
	g = between(svg, "<g class=\"sev-warning\">", "</g>");
	assert_non_null(g);
	assert_non_null(strstr(g, "<title>potash-price-spike (warning): "
	    "2021-09-01 00:00 UTC to 2022-06-01 00:00 UTC</title>"));
	free(g);
	g = between(svg, "<g class=\"sev-critical\">", "</g>");
	assert_non_null(g);
	assert_non_null(strstr(g, "2025-12-15 21:00 UTC, still firing"));
	/* The firing span runs to the right edge of the plot (706). */
	x = between(g, "<rect class=\"span\" x=\"", "\"");
	w = between(g, "\" width=\"", "\"");
	assert_true(x != NULL && w != NULL);
	assert_true(fabs(strtod(x, NULL) + strtod(w, NULL) - 706) < 0.11);
	assert_true(strtod(x, NULL) > 690);
	free(x);
	free(w);
	free(g);
	free(svg);
}

static void
test_chart_ticks(void **state)
{
	char	*svg;
	char	 want[32];
	int	 y;

	svg = chart(&series[0]);
	for (y = 2020; y <= 2026; y++) {
		snprintf(want, sizeof(want), ">%d</text>", y);
		assert_non_null(strstr(svg, want));
	}
	assert_null(strstr(svg, ">2019</text>"));
	assert_null(strstr(svg, ">2027</text>"));
	assert_non_null(strstr(svg, ">200</text>"));
	assert_non_null(strstr(svg, ">1200</text>"));
	assert_non_null(strstr(svg, "rotate(-90)"));
	assert_non_null(strstr(svg, ">USD/t</text>"));
	/* Jul 2023 is NaN: two lines, none through it. */
	assert_int_equal(count(svg, "<polyline class=\"line\""), 2);
	assert_non_null(strstr(svg, "<title id=\"c0-t\">Potash (potassium "
	    "chloride), world price (fred/PPOTASHUSDM), USD/t</title>"));
	assert_non_null(strstr(svg, "<desc id=\"c0-d\">71 observations from "
	    "Jan 2020 to Dec 2025, between 222 and 1200 USD/t; latest 352.5. "
	    "Sanctions events marked: 6. Alert periods shaded: 2 (1 still "
	    "firing).</desc>"));
	free(svg);

	svg = chart(&series[1]);
	assert_non_null(strstr(svg, ">2016</text>"));
	assert_non_null(strstr(svg, ">2026</text>"));
	assert_non_null(strstr(svg, ">1.5B</text>"));
	assert_non_null(strstr(svg, ">4.0B</text>"));
	/* 2022 is missing: one year's gap is drawn across. */
	assert_int_equal(count(svg, "<polyline class=\"line\""), 1);
	free(svg);
}

/* The awkward charts, each also handed to xml.etree. */
static void
test_chart_edge_cases(void **state)
{
	struct dashboard_point	 pts[8];
	struct dashboard_series	 s = { "edge/x", NULL, "t", pts, 0, NULL,
	    0 };
	struct buf		 files;
	char			*dir = NULL, *svg, *path, name[32];
	char			*pl, *c, *last;
	const char		*body;
	double			 y, y0 = -1;
	int			 i, k;

	buf_init(&files, 0);
	for (k = 0; k < 9; k++) {
		s.npoints = 6;
		for (i = 0; i < 6; i++) {
			pts[i].period = day(2024, 1 + i, 1);
			pts[i].value = 10 + i;
		}
		switch (k) {
		case 0:		/* no points */
			s.npoints = 0;
			break;
		case 1:		/* one point */
			s.npoints = 1;
			break;
		case 2:		/* all equal */
			for (i = 0; i < 6; i++)
				pts[i].value = 412.5;
			break;
		case 3:		/* negative */
			for (i = 0; i < 6; i++)
				pts[i].value = -50 + 34 * i;
			break;
		case 4:		/* huge */
			for (i = 0; i < 6; i++)
				pts[i].value = 1e12 + 3e10 * i;
			break;
		case 5:		/* tiny */
			for (i = 0; i < 6; i++)
				pts[i].value = 1e-9 * (i + 1);
			break;
		case 6:		/* NaN only */
			for (i = 0; i < 6; i++)
				pts[i].value = NAN;
			break;
		case 8:		/* all at the largest double */
			for (i = 0; i < 6; i++)
				pts[i].value = DBL_MAX;
			break;
		default:	/* NaN between, infinity, extremes */
			pts[1].value = NAN;
			pts[3].value = INFINITY;
			pts[4].value = -1e308;
			pts[5].value = 1e308;
			break;
		}
		svg = chart(&s);
		body = strstr(svg, "</style>");
		assert_non_null(body);
		if (strstr(body, "nan") != NULL || strstr(body, "inf") != NULL)
			fail_msg("case %d: %s", k, body);
		switch (k) {
		case 0:
		case 6:
			assert_non_null(strstr(svg, ">no data yet</text>"));
			assert_null(strstr(svg, "<polyline"));
			break;
		case 1:
			assert_null(strstr(svg, "<polyline"));
			assert_int_equal(count(svg, "<circle class=\"dot\""),
			    1);
			assert_non_null(strstr(svg, "<desc id=\"c0-d\">One "
			    "observation, 2024-01-01: 10 t. "));
			break;
		case 2:
			assert_int_equal(count(svg, "<polyline"), 1);
			/* 412.5 amid 360..460: the line in the middle. */
			assert_non_null(strstr(svg, ">360</text>"));
			assert_non_null(strstr(svg, ">460</text>"));
			pl = between(svg, "points=\"", "\"");
			assert_non_null(pl);
			for (c = strtok_r(pl, " ", &last); c != NULL;
			    c = strtok_r(NULL, " ", &last)) {
				y = strtod(strchr(c, ',') + 1, NULL);
				assert_true(y > 120 && y < 160);
				if (y0 < 0)
					y0 = y;
				assert_true(y == y0);
			}
			free(pl);
			break;
		case 3:
			assert_non_null(strstr(svg, "<line class=\"zero\""));
			assert_non_null(strstr(svg, ">-50</text>"));
			break;
		case 4:
			assert_non_null(strstr(svg, "T</text>"));
			break;
		case 5:
			assert_non_null(strstr(svg, "e-9</text>"));
			break;
		case 8:
			assert_int_equal(count(svg, "<polyline"), 1);
			assert_non_null(strstr(svg, ">1.8e308</text>"));
			break;
		default:
			/* Jan alone, then Mar and May-Jun... */
			assert_int_equal(count(svg, "<polyline"), 1);
			assert_int_equal(count(svg, "<circle class=\"dot\" "
			    "cx"), 4);
			assert_non_null(strstr(svg, ">-1e308</text>"));
			break;
		}
		snprintf(name, sizeof(name), "edge%d.svg", k);
		path = temp_file(&dir, name, svg);
		buf_printf(&files, " %s", path);
		free(path);
		free(svg);
	}
	check("svg", buf_cstr(&files));
	for (k = 0; k < 9; k++) {
		path = xasprintf("%s/edge%d.svg", dir, k);
		assert_int_equal(unlink(path), 0);
		free(path);
	}
	assert_int_equal(rmdir(dir), 0);
	free(dir);
	buf_deinit(&files);
}

static void
test_escaping(void **state)
{
	struct dashboard_point	pts[3] = {
		{ day(2025, 1, 1), 1 }, { day(2025, 2, 1), 2 },
		{ day(2025, 3, 1), 3 },
	};
	struct dashboard_span	sp = { day(2025, 2, 1), INT64_MAX,
	    "r\"><script>alert(2)</script>", "critical' onload='x" };
	struct dashboard_series	s = { "x/<script>alert(1)</script>", NULL,
	    "<u>USD</u>", pts, 3, &sp, 1 };
	struct dashboard_event	ev = { 9, day(2025, 2, 10), "<i>EU</i>",
	    "ban\" onclick=\"alert(3)", "<img src=x onerror=alert(4)>", 1,
	    "javascript:alert(5)" };
	struct dashboard_alert	al = { "rule'><svg onload=alert(6)>",
	    "x/<script>alert(1)</script>", "critical", "firing<b>",
	    day(2025, 2, 1), "summary <b onmouseover=\"alert(7)\">&amp; \x01"
	    "\xff", 1, 2, 3, "<sup>t</sup>", "event <i>x</i>",
	    "javascript:alert(8)", 0, "0123456789abcdef\"><script>" };
	struct dashboard_feed	fd = { "feed\"/><script>alert(9)</script>",
	    day(2025, 3, 1), 0, "error <![CDATA[ ]]> --> <!--", 0, 1 };
	struct dashboard_data	dd = { day(2025, 3, 10), "<v>", &s, 1, &ev,
	    1, &al, 1, &fd, 1 };
	char			*page, *svg, *dir = NULL, *p1, *p2, *p3;
	char			*files;

	page = dashboard_render(&dd, NULL);
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "<img"));
	assert_null(strstr(page, "<b onmouseover"));
	assert_null(strstr(page, "<i>"));
	assert_null(strstr(page, "<u>"));
	assert_null(strstr(page, "<sup>"));
	assert_null(strstr(page, "<![CDATA["));
	assert_null(strstr(page, "<!--"));
	assert_null(strstr(page, "href=\"javascript"));
	assert_null(strstr(page, "alert-link"));
	/* Attribute syntax survives only as text: quotes are escaped. */
	assert_null(strstr(page, "onclick=\""));
	assert_null(strstr(page, "onload='"));
	assert_null(strstr(page, "critical'"));
	assert_non_null(strstr(page, "<h3>x/&lt;script&gt;alert(1)&lt;/"
	    "script&gt;</h3>"));
	assert_non_null(strstr(page, "summary &lt;b onmouseover=&quot;"
	    "alert(7)&quot;&gt;&amp;amp; \xef\xbf\xbd\xef\xbf\xbd</td>"));
	assert_non_null(strstr(page, "&lt;img src=x onerror=alert(4)&gt;"));
	assert_non_null(strstr(page, "source: javascript:alert(8)"));
	assert_non_null(strstr(page, "<td>javascript:alert(5)</td>"));
	/* An unknown severity is no class name. */
	assert_non_null(strstr(page, "<g class=\"sev-other\">"));
	assert_non_null(strstr(page, "st-resolved\">firing&lt;b&gt;</span>"));

	svg = dashboard_chart_svg(&s, &ev, 1, dd.now, NULL);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<img"));
	assert_non_null(strstr(svg, "x/&lt;script&gt;alert(1)&lt;/script&gt;"
	    ", &lt;u&gt;USD&lt;/u&gt;</title>"));

	p1 = temp_file(&dir, "hostile.html", page);
	p2 = temp_file(&dir, "texts", "x/<script>alert(1)</script>\n"
	    "<img src=x onerror=alert(4)>\n"
	    "rule'><svg onload=alert(6)>\n"
	    "feed\"/><script>alert(9)</script>\n"
	    "javascript:alert(8)\n");
	files = xasprintf("%s %s", p1, p2);
	check("html", files);
	free(files);
	p3 = temp_file(&dir, "hostile.svg", svg);
	check("svg", p3);
	assert_int_equal(unlink(p1), 0);
	assert_int_equal(unlink(p2), 0);
	assert_int_equal(unlink(p3), 0);
	assert_int_equal(rmdir(dir), 0);
	free(p1);
	free(p2);
	free(p3);
	free(dir);
	free(svg);
	free(page);
}

static void
test_wellformed(void **state)
{
	char	*page, *svg, *dir = NULL, *p1, *p2, *p3, *files;
	const char	*out;

	page = dashboard_render(&data, NULL);
	p1 = temp_file(&dir, "page.html", page);
	check("html", p1);
	svg = chart(&series[0]);
	p2 = temp_file(&dir, "fred.svg", svg);
	free(svg);
	svg = chart(&series[2]);
	p3 = temp_file(&dir, "empty.svg", svg);
	free(svg);
	files = xasprintf("%s %s", p2, p3);
	check("svg", files);
	if ((out = getenv("POTASH_DASHBOARD_SAMPLE")) != NULL && *out != '\0')
		testproc_write(out, page);
	assert_int_equal(unlink(p1), 0);
	assert_int_equal(unlink(p2), 0);
	assert_int_equal(unlink(p3), 0);
	assert_int_equal(rmdir(dir), 0);
	free(files);
	free(p1);
	free(p2);
	free(p3);
	free(dir);
	free(page);
}

static void
test_deterministic(void **state)
{
	char	*a, *b;
	size_t	 la, lb;

	a = dashboard_render(&data, &la);
	b = dashboard_render(&data, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	a = chart(&series[0]);
	b = chart(&series[0]);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* 50 series of 400 daily points, with the events and a span each. */
static void
test_speed(void **state)
{
	struct dashboard_series	*s;
	struct dashboard_point	*pts;
	struct dashboard_span	 sp = { 0, INT64_MAX, "r", "warning" };
	struct dashboard_data	 dd = data;
	struct timespec		 t0, t1;
	char			*page, **keys;
	size_t			 i, j, len;
	double			 ms;

	s = xcalloc(50, sizeof(*s));
	keys = xcalloc(50, sizeof(*keys));
	pts = xcalloc(50 * 400, sizeof(*pts));
	sp.from = day(2025, 6, 1);
	for (i = 0; i < 50; i++) {
		keys[i] = xasprintf("bench/%zu", i);
		for (j = 0; j < 400; j++) {
			pts[i * 400 + j].period = day(2024, 12, 1) +
			    (int64_t)j * USEC_DAY;
			pts[i * 400 + j].value = 300 + 50 * sin((double)(i +
			    j) / 17) + (double)i;
		}
		s[i] = (struct dashboard_series){ keys[i], NULL, "USD/t",
		    &pts[i * 400], 400, &sp, 1 };
	}
	dd.series = s;
	dd.nseries = 50;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	page = dashboard_render(&dd, &len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("50 series x 400 points: %zu bytes in %.2f ms\n", len,
	    ms);
	assert_int_equal(count(page, "<svg "), 50);
	assert_int_equal(count(page, "<polyline class=\"line\""), 50);
	/* Only a guard against quadratic building: valgrind runs it too. */
	assert_true(ms < 2000);
	free(page);
	for (i = 0; i < 50; i++)
		free(keys[i]);
	free(keys);
	free(pts);
	free(s);
}

/* The firing alert of the realistic page, as its page shows it. */
static void
alert_data(struct alertpage_data *d, struct alertpage_pair *pairs,
    struct alertpage_evidence *ev, struct alertpage_transition *tr)
{
	pairs[0] = (struct alertpage_pair){ "region", "BY" };
	pairs[1] = (struct alertpage_pair){ "team", "market" };
	pairs[2] = (struct alertpage_pair){ "description", "Monthly IMF "
	    "price against its mean of Sep-Dec 2025" };
	pairs[3] = (struct alertpage_pair){ "summary", "Potash 352.5 USD/t, "
	    "4.1% above its level before the US easing" };
	pairs[4] = (struct alertpage_pair){ "above", "3" };
	pairs[5] = (struct alertpage_pair){ "kind", "since_event" };
	pairs[6] = (struct alertpage_pair){ "series", "fred/PPOTASHUSDM" };
	ev[0] = (struct alertpage_evidence){ day(2025, 10, 1), 358,
	    day(2025, 11, 14) };
	ev[1] = (struct alertpage_evidence){ day(2025, 11, 1), 352,
	    day(2025, 12, 12) };
	ev[2] = (struct alertpage_evidence){ day(2025, 12, 1), 352.5,
	    day(2025, 12, 15) + 21 * USEC_HOUR };
	tr[0] = (struct alertpage_transition){ 2, day(2025, 12, 15) +
	    21 * USEC_HOUR, "pending", "firing", "for", 352.5, 4.1, 3, 338.6,
	    "US general_license OFAC GL 13 (2025-12-13)", 0, 0 };
	tr[1] = (struct alertpage_transition){ 1, day(2025, 12, 15) +
	    20 * USEC_HOUR, "inactive", "pending", "condition", 352.5, 4.1, 3,
	    338.6, "US general_license OFAC GL 13 (2025-12-13)", 0, 0 };
	memset(d, 0, sizeof(*d));
	d->now = data.now;
	d->version = "0.1.0";
	d->fingerprint = "3f2a9c0d5e6b7a81";
	d->rule = "potash-move-after-easing";
	d->kind = "since_event";
	d->severity = "critical";
	d->state = "firing";
	d->since = day(2025, 12, 15) + 21 * USEC_HOUR;
	d->updated = d->since;
	d->series = "fred/PPOTASHUSDM";
	d->series_name = "Potash (potassium chloride), world price";
	d->unit = "USD/t";
	d->value = 352.5;
	d->metric = 4.1;
	d->threshold = 3;
	d->baseline = 338.6;
	d->baseline_from = day(2025, 9, 1);
	d->baseline_to = day(2025, 12, 1);
	d->baseline_n = 4;
	d->event = "US general_license OFAC GL 13 (2025-12-13)";
	d->event_url = "https://ofac.treasury.gov/recent-actions/20251213";
	d->rule_active = 1;
	d->labels = &pairs[0];
	d->nlabels = 2;
	d->annotations = &pairs[2];
	d->nannotations = 2;
	d->definition = &pairs[4];
	d->ndefinition = 3;
	d->evidence = ev;
	d->nevidence = 3;
	d->evidence_seq = 2;
	d->transitions = tr;
	d->ntransitions = 2;
	d->ntransitions_all = 2;
	d->chart = &series[0];
	d->events = events;
	d->nevents = 7;
}

/* Runs the checker on page, which must show texts (lines). */
static void
check_page(const char *name, const char *page, const char *texts)
{
	char	*dir = NULL, *p1, *p2 = NULL, *files;

	p1 = temp_file(&dir, name, page);
	if (texts != NULL)
		p2 = temp_file(&dir, "texts", texts);
	files = xasprintf("%s %s", p1, p2 != NULL ? p2 : "");
	check("html", files);
	assert_int_equal(unlink(p1), 0);
	if (p2 != NULL)
		assert_int_equal(unlink(p2), 0);
	assert_int_equal(rmdir(dir), 0);
	free(files);
	free(p1);
	free(p2);
	free(dir);
}

static void
test_alert_page(void **state)
{
	struct alertpage_data		d;
	struct alertpage_pair		pairs[7];
	struct alertpage_evidence	ev[3];
	struct alertpage_transition	tr[2];
	char				*page, *sec, *again;
	const char			*a, *b;
	size_t				 len;

	alert_data(&d, pairs, ev, tr);
	page = alertpage_render(&d, &len);
	assert_int_equal(strlen(page), len);
	assert_true(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 32)
	    == 0);
	assert_non_null(strstr(page, "<title>potash-move-after-easing "
	    "\xc2\xb7 potashd</title>"));
	/* The dashboard refreshes itself; a page read from a mail does not. */
	assert_null(strstr(page, "http-equiv"));
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "nan"));
	assert_non_null(strstr(page, "<a href=\"../\">\xe2\x86\x90 dashboard"
	    "</a>"));
	assert_non_null(strstr(page, "<h1>potash-move-after-easing</h1>"));
	assert_non_null(strstr(page, "<span class=\"badge sev-critical "
	    "st-firing\">firing</span> critical on <code>fred/PPOTASHUSDM"
	    "</code>"));

	/* The facts. */
	sec = between(page, "<section id=\"alert\">", "</section>");
	assert_non_null(sec);
	assert_non_null(strstr(sec, "<th scope=\"row\">Summary</th><td>Potash "
	    "352.5 USD/t, 4.1% above its level before the US easing</td>"));
	assert_non_null(strstr(sec, "since 2025-12-15 21:00 UTC (35 d ago)"));
	assert_non_null(strstr(sec, "<b>potash-move-after-easing</b> <span "
	    "class=\"none\">(since_event)</span></td>"));
	assert_null(strstr(sec, "no longer in the configuration"));
	assert_non_null(strstr(sec, "Potash (potassium chloride), world price"
	    "<span class=\"sub\"><code>fred/PPOTASHUSDM</code></span>"));
	assert_non_null(strstr(sec, "<th scope=\"row\">Value</th><td><span "
	    "class=\"num\">352.5 USD/t</span>"));
	/* A percent change: neither it nor its threshold is in USD/t. */
	assert_non_null(strstr(sec, "<th scope=\"row\">Compared</th><td><span "
	    "class=\"num\">4.1</span>"));
	assert_non_null(strstr(sec, "<th scope=\"row\">Threshold</th><td><span"
	    " class=\"num\">3</span></td>"));
	assert_non_null(strstr(sec, "338.6 USD/t</span><span class=\"sub\">"
	    "from 2025-09-01 00:00 UTC to 2025-12-01 00:00 UTC</span><span "
	    "class=\"sub\">4 observations</span>"));
	assert_non_null(strstr(sec, "US general_license OFAC GL 13 "
	    "(2025-12-13)<span class=\"sub\">source: <a href=\"https://ofac."
	    "treasury.gov/recent-actions/20251213\" rel=\"noopener "
	    "noreferrer\">ofac.treasury.gov</a>"));
	assert_non_null(strstr(sec, "<code>3f2a9c0d5e6b7a81</code>"));
	free(sec);

	/* The chart: the series with this alert's spans and the events. */
	assert_int_equal(count(page, "<svg "), 1);
	assert_int_equal(count(page, "<rect class=\"span\""), 2);
	assert_int_equal(count(page, "<g class=\"ev ev-ease\">"), 2);

	/* Evidence, oldest first, periods as the monthly series has them. */
	sec = between(page, "<section id=\"evidence\">", "</section>");
	assert_non_null(sec);
	assert_non_null(strstr(sec, "The 3 observations compared by change "
	    "#2, oldest first."));
	a = strstr(sec, "Oct 2025");
	b = strstr(sec, "Dec 2025");
	assert_true(a != NULL && b != NULL && a < b);
	assert_non_null(strstr(sec, "<span class=\"num\">358 USD/t</span>"));
	assert_non_null(strstr(sec, "2025-11-14 00:00 UTC"));
	free(sec);

	/* History, newest first; the change that brought the evidence. */
	sec = between(page, "<section id=\"history\">", "</section>");
	assert_non_null(sec);
	assert_null(strstr(sec, "<caption"));
	assert_int_equal(count(sec, "<tr"), 3);
	a = strstr(sec, "<tr class=\"current\"><td class=\"num\">2</td>");
	b = strstr(sec, "<tr><td class=\"num\">1</td>");
	assert_true(a != NULL && b != NULL && a < b);
	assert_non_null(strstr(sec, "pending \xe2\x86\x92 <span class=\"badge "
	    "sev-critical st-firing\">firing</span></td><td>for</td>"));
	assert_non_null(strstr(sec, "inactive \xe2\x86\x92 <span class=\""
	    "badge sev-critical st-pending\">pending</span></td><td>"
	    "condition</td>"));
	free(sec);

	/* Labels, annotations and the rule, each in its table. */
	sec = between(page, "<section id=\"labels\">", "</section>");
	assert_non_null(sec);
	assert_non_null(strstr(sec, "<tr><td><code>region</code></td><td>BY"
	    "</td></tr>\n<tr><td><code>team</code></td><td>market</td></tr>"));
	free(sec);
	sec = between(page, "<section id=\"annotations\">", "</section>");
	assert_non_null(sec);
	assert_non_null(strstr(sec, "<code>description</code></td><td>Monthly"
	    " IMF price"));
	free(sec);
	sec = between(page, "<section id=\"rule\">", "</section>");
	assert_non_null(sec);
	assert_non_null(strstr(sec, "<code>kind</code></td><td>since_event"));
	assert_non_null(strstr(sec, "<code>above</code></td><td>3</td>"));
	free(sec);

	check_page("alert.html", page, "Potash 352.5 USD/t, 4.1% above its "
	    "level before the US easing\nfred/PPOTASHUSDM\nmarket\n");
	again = alertpage_render(&d, NULL);
	assert_string_equal(page, again);
	free(again);
	free(page);

	/* Nothing but the row: a rule gone, no series, no history. */
	d.chart = NULL;
	d.nevidence = 0;
	d.ntransitions = 0;
	d.ntransitions_all = 0;
	d.nlabels = d.nannotations = d.ndefinition = 0;
	d.rule_active = 0;
	d.series_name = NULL;
	d.metric = d.value;
	d.baseline = NAN;
	d.event = NULL;
	d.state = "resolved";
	d.silenced = 1;
	page = alertpage_render(&d, NULL);
	assert_int_equal(count(page, "<svg"), 0);
	assert_null(strstr(page, "id=\"chart\""));
	assert_null(strstr(page, "Compared"));
	assert_null(strstr(page, "Baseline"));
	assert_non_null(strstr(page, "no longer in the configuration"));
	assert_non_null(strstr(page, "No observations recorded with the "
	    "latest change."));
	assert_non_null(strstr(page, "No transitions recorded."));
	assert_non_null(strstr(page, "No labels."));
	assert_non_null(strstr(page, "The rule is not in the database any "
	    "more."));
	assert_non_null(strstr(page, "<span class=\"badge sev-critical "
	    "st-resolved\">resolved</span>"));
	assert_non_null(strstr(page, "<span class=\"badge muted\">silenced"
	    "</span>"));
	/* The threshold is in the series' unit when the value is compared. */
	assert_non_null(strstr(page, "<th scope=\"row\">Threshold</th><td>"
	    "<span class=\"num\">3 USD/t</span>"));
	check_page("bare.html", page, NULL);
	free(page);

	/* A long history is cut, and says so. */
	alert_data(&d, pairs, ev, tr);
	d.ntransitions_all = 250;
	page = alertpage_render(&d, NULL);
	assert_non_null(strstr(page, "<caption class=\"empty\">The latest 2 "
	    "of 250 changes.</caption>"));
	free(page);
}

static void
test_alert_page_escaping(void **state)
{
	struct alertpage_pair		pairs[3] = {
		{ "<b>team</b>", "\"><script>alert(1)</script>" },
		{ "summary", "<img src=x onerror=alert(2)>" },
		{ "series", "x/<script>alert(3)</script>" },
	};
	struct alertpage_evidence	ev = { day(2025, 2, 1), 2, 0 };
	struct alertpage_transition	tr = { 1, day(2025, 2, 1),
	    "<i>inactive</i>", "firing\" onclick=\"x", "<u>cond</u>", 2, 2,
	    1, NAN, "<svg onload=alert(4)>", 1, 1 };
	struct alertpage_data		d;
	char				*page;

	memset(&d, 0, sizeof(d));
	d.now = data.now;
	d.version = "<v>";
	d.fingerprint = "\"><script>alert(5)</script>";
	d.rule = "</title><script>alert(6)</script>";
	d.kind = "<k>";
	d.severity = "critical' onload='x";
	d.state = "<s>";
	d.series = "x/<script>alert(3)</script>";
	d.series_name = "<script>alert(7)</script>";
	d.unit = "<sup>t</sup>";
	d.value = 2;
	d.metric = 2;
	d.threshold = 1;
	d.baseline = NAN;
	d.event = "<i>event</i>";
	d.event_url = "javascript:alert(8)";
	d.labels = &pairs[0];
	d.nlabels = 1;
	d.annotations = &pairs[1];
	d.nannotations = 1;
	d.definition = &pairs[2];
	d.ndefinition = 1;
	d.evidence = &ev;
	d.nevidence = 1;
	d.evidence_seq = 1;
	d.transitions = &tr;
	d.ntransitions = 1;
	d.ntransitions_all = 1;
	page = alertpage_render(&d, NULL);
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "<img"));
	assert_null(strstr(page, "<i>"));
	assert_null(strstr(page, "<u>"));
	assert_null(strstr(page, "<sup>"));
	assert_null(strstr(page, "<k>"));
	assert_null(strstr(page, "<svg"));
	assert_null(strstr(page, "href=\"javascript"));
	assert_null(strstr(page, "onclick=\""));
	assert_null(strstr(page, "critical'"));
	assert_non_null(strstr(page, "<title>&lt;/title&gt;&lt;script&gt;"
	    "alert(6)&lt;/script&gt; \xc2\xb7 potashd</title>"));
	assert_non_null(strstr(page, "source: javascript:alert(8)"));
	/* An unknown severity and state are no class names. */
	assert_non_null(strstr(page, "<span class=\"badge sev-other "
	    "st-resolved\">&lt;s&gt;</span>"));
	check_page("hostile-alert.html", page, "x/<script>alert(3)</script>\n"
	    "<script>alert(7)</script>\n\"><script>alert(1)</script>\n"
	    "<img src=x onerror=alert(2)>\n<svg onload=alert(4)>\n");
	free(page);
}

static void
test_alert_error_pages(void **state)
{
	char	*page;
	size_t	 len;

	page = alertpage_error(404, "No alert with this fingerprint.",
	    "0123456789abcdef", &len);
	assert_int_equal(strlen(page), len);
	assert_non_null(strstr(page, "<title>404 \xc2\xb7 potashd</title>"));
	assert_non_null(strstr(page, "<h1>404</h1>\n<p class=\"meta\">No alert "
	    "with this fingerprint.</p>"));
	assert_non_null(strstr(page, "Asked for: <code>0123456789abcdef"
	    "</code>"));
	assert_non_null(strstr(page, "<a href=\"../\">"));
	check_page("404.html", page, NULL);
	free(page);

	page = alertpage_error(400, "Not an alert fingerprint.",
	    "<script>alert(1)</script>", NULL);
	assert_null(strstr(page, "<script"));
	assert_non_null(strstr(page, "<code>&lt;script&gt;alert(1)&lt;/script"
	    "&gt;</code>"));
	check_page("400.html", page, "<script>alert(1)</script>\n");
	free(page);

	page = alertpage_error(404, "Gone.", NULL, NULL);
	assert_null(strstr(page, "Asked for"));
	free(page);
}

static int
setup(void **state)
{
	build();
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_helpers),
		cmocka_unit_test(test_value_ticks),
		cmocka_unit_test(test_time_ticks),
		cmocka_unit_test(test_feed_status),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_chart_events),
		cmocka_unit_test(test_chart_spans),
		cmocka_unit_test(test_chart_ticks),
		cmocka_unit_test(test_chart_edge_cases),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_wellformed),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_alert_page),
		cmocka_unit_test(test_alert_page_escaping),
		cmocka_unit_test(test_alert_error_pages),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
