/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration file, read with inih.
 *
 * inih hands us (section, key, value) but not the line, and silently
 * splits lines longer than its buffer or reads an indented line as the
 * continuation of the previous value. So the file is fed to inih through
 * our own line reader, which counts lines (every message has its line),
 * refuses long lines, NUL bytes and indented lines, and catches the lines
 * inih would reject without telling us why. Every key has a setter that
 * validates its value; a key set twice, an unknown key or section is an
 * error too: a typo in a service's configuration should stop it, not be
 * ignored.
 */
#include "cli/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "capture/capture.h"
#include "fleet/pg.h"
#include "fleet/ship.h"
#include "flow/flow.h"
#include "inventory/inventory.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"
#include "inventory/vendorids.h"

void config_defaults(struct run_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->interfaces[0], sizeof(c->interfaces[0]), "eth1");
	c->n_interfaces = 1;
	c->snaplen = 65535;
	c->promiscuous = true;
	c->capture = CONFIG_CAPTURE_AFPACKET;
	c->ring_mb = 64;
	c->fanout_group = 0;
	c->workers = 1;
	snprintf(c->database, sizeof(c->database), "/var/lib/herkomst/herkomst.sqlite");
	c->flush_interval = 5;
	c->flows_max = FLOW_MAX_DEFAULT;
	c->flow_timeout = FLOW_IDLE_USEC_DEFAULT / 1000000u;
	c->macs_max = INV_MACS_MAX_DEFAULT;
	c->ips_max = INV_IPS_MAX_DEFAULT;
	c->evidence_max = INV_EVIDENCE_MAX_DEFAULT;
	snprintf(c->listen, sizeof(c->listen), "%s", API_LISTEN_DEFAULT);
	c->connections_max = API_CONNECTIONS_MAX_DEFAULT;
	c->timeout = API_TIMEOUT_SEC_DEFAULT;
	snprintf(c->user, sizeof(c->user), "herkomst");
	c->central_ship_interval = SHIP_INTERVAL_DEFAULT;
	c->central_batch_max = SHIP_BATCH_MAX_DEFAULT;
}

static void report(struct config_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct config_report *rep, const char *fmt, ...)
{
	va_list ap;

	rep->n_errors++;
	if (rep->n_kept >= CONFIG_ERRORS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->msg[rep->n_kept++], CONFIG_MSG_MAX, fmt, ap);
	va_end(ap);
}

static void report_warning(struct config_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report_warning(struct config_report *rep, const char *fmt, ...)
{
	va_list ap;

	rep->n_warnings++;
	if (rep->n_warn_kept >= CONFIG_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->warn[rep->n_warn_kept++], CONFIG_MSG_MAX, fmt, ap);
	va_end(ap);
}

/* A value echoed in a message: printable ASCII, bounded. */
static const char *shown(const char *in, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; in[i] && o + 4 < outsz; i++)
		out[o++] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	if (in[i] && outsz > 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* ---- value parsers: 0, or -EINVAL with a message (no file, no line) ---- */

static int parse_unsigned(const char *v, unsigned long long min, unsigned long long max, unsigned long long *ret,
			  char *err, size_t errsz)
{
	unsigned long long x = 0;
	char buf[48];

	if (!v[0])
		goto bad;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		if (x > (ULLONG_MAX - 9) / 10)
			goto bad;
		x = x * 10 + (unsigned)(*p - '0');
	}
	if (x < min || x > max)
		goto bad;
	*ret = x;
	return 0;
bad:
	snprintf(err, errsz, "'%s' is not a whole number from %llu to %llu", shown(v, buf, sizeof(buf)), min, max);
	return -EINVAL;
}

static int parse_bool(const char *v, bool *ret, char *err, size_t errsz)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	char buf[48];

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	snprintf(err, errsz, "'%s' is not yes or no", shown(v, buf, sizeof(buf)));
	return -EINVAL;
}

static bool printable(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* An absolute path, or "" when empty_ok. */
static int parse_path(const char *v, bool empty_ok, char *dst, size_t dstsz, char *err, size_t errsz)
{
	char buf[64];

	if (!v[0]) {
		if (!empty_ok) {
			snprintf(err, errsz, "is empty; name a file");
			return -EINVAL;
		}
		dst[0] = '\0';
		return 0;
	}
	if (v[0] != '/') {
		snprintf(err, errsz, "'%s' is not an absolute path (the service runs in /)",
			 shown(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (!printable(v)) {
		snprintf(err, errsz, "'%s' holds control characters", shown(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (strlen(v) >= dstsz) {
		snprintf(err, errsz, "is longer than %zu bytes", dstsz - 1);
		return -EINVAL;
	}
	snprintf(dst, dstsz, "%s", v);
	return 0;
}

/* Linux interface names: 1..15 bytes, no '/', ':', whitespace or control bytes, not "." or "..". */
static bool ifname_ok(const char *s, size_t n)
{
	if (n == 0 || n >= CONFIG_IFNAME_MAX)
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '/' || ch == ':' || ch == ',')
			return false;
	}
	return true;
}

int config_parse_interfaces(struct run_config *c, const char *list, bool append, char *err, size_t errsz)
{
	char names[CONFIG_IFACES_MAX][CONFIG_IFNAME_MAX];
	size_t n = append ? c->n_interfaces : 0;
	const char *p = list;
	char buf[48];

	memset(names, 0, sizeof(names));
	if (append)
		memcpy(names, c->interfaces, sizeof(names));
	for (;;) {
		const char *start, *end, *comma = strchr(p, ',');
		size_t len;

		end = comma ? comma : p + strlen(p);
		start = p;
		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		len = (size_t)(end - start);
		if (len == 0) {
			snprintf(err, errsz, "%s", list[strspn(list, " \t")] ? "has an empty name between commas"
									      : "names no interface");
			return -EINVAL;
		}
		if (!ifname_ok(start, len)) {
			char name[CONFIG_IFNAME_MAX * 2];
			snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) - 1 ? len : sizeof(name) - 1),
				 start);
			snprintf(err, errsz,
				 "'%s' is not an interface name (1 to %d characters, no '/', ':' or spaces)",
				 shown(name, buf, sizeof(buf)), CONFIG_IFNAME_MAX - 1);
			return -EINVAL;
		}
		for (size_t i = 0; i < n; i++) {
			if (strlen(names[i]) == len && memcmp(names[i], start, len) == 0) {
				snprintf(err, errsz, "names %s twice", names[i]);
				return -EINVAL;
			}
		}
		if (n >= CONFIG_IFACES_MAX) {
			snprintf(err, errsz, "names more than %d interfaces", CONFIG_IFACES_MAX);
			return -EINVAL;
		}
		memcpy(names[n], start, len);
		names[n][len] = '\0';
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	memcpy(c->interfaces, names, sizeof(names));
	c->n_interfaces = n;
	return 0;
}

/* "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6); ADDR a literal address. */
static int split_listen(const char *s, char *addr, size_t addrsz, unsigned *ret_port, int *ret_family)
{
	const char *colon;
	unsigned char bin[16];
	unsigned long long port;
	char err[8];
	size_t alen;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		alen = (size_t)(close - s - 1);
		if (alen == 0 || alen >= addrsz)
			return -EINVAL;
		memcpy(addr, s + 1, alen);
		addr[alen] = '\0';
		colon = close + 1;
		*ret_family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		alen = (size_t)(colon - s);
		if (alen == 0 || alen >= addrsz)
			return -EINVAL;
		memcpy(addr, s, alen);
		addr[alen] = '\0';
		*ret_family = AF_INET;
	}
	if (inet_pton(*ret_family, addr, bin) != 1)
		return -EINVAL;
	if (parse_unsigned(colon + 1, 1, 65535, &port, err, sizeof(err)) < 0)
		return -EINVAL;
	*ret_port = (unsigned)port;
	return 0;
}

bool config_listen_is_none(const char *s)
{
	return !s[0] || strcmp(s, "none") == 0;
}

int config_parse_listen(const char *s, char *err, size_t errsz)
{
	char addr[INET6_ADDRSTRLEN + 1], buf[64];
	unsigned port;
	int family;

	if (strlen(s) >= CONFIG_LISTEN_MAX || split_listen(s, addr, sizeof(addr), &port, &family) < 0) {
		snprintf(err, errsz,
			 "'%s' is not ADDRESS:PORT (127.0.0.1:9470, [::1]:9470; an address, not a host name)",
			 shown(s, buf, sizeof(buf)));
		return -EINVAL;
	}
	return 0;
}

bool config_listen_is_loopback(const char *listen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	unsigned char bin[16];
	unsigned port;
	int family;

	if (split_listen(listen, addr, sizeof(addr), &port, &family) < 0)
		return false;
	if (inet_pton(family, addr, bin) != 1)
		return false;
	if (family == AF_INET)
		return bin[0] == 127;
	for (int i = 0; i < 15; i++)
		if (bin[i])
			return false;
	return bin[15] == 1;
}

/* ---- the keys ---- */

typedef int (*key_set_fn)(struct run_config *c, const char *v, char *err, size_t errsz);

#define SET_UNSIGNED(fn, field, min, max)                                                                  \
	static int fn(struct run_config *c, const char *v, char *err, size_t errsz)                        \
	{                                                                                                  \
		unsigned long long x;                                                                      \
		if (parse_unsigned(v, (min), (max), &x, err, errsz) < 0)                                   \
			return -EINVAL;                                                                    \
		c->field = (__typeof__(c->field))x;                                                        \
		return 0;                                                                                  \
	}

SET_UNSIGNED(set_snaplen, snaplen, CONFIG_SNAPLEN_MIN, CONFIG_SNAPLEN_MAX)
SET_UNSIGNED(set_ring_mb, ring_mb, 1, CONFIG_RING_MB_MAX)
SET_UNSIGNED(set_fanout_group, fanout_group, 0, CONFIG_FANOUT_GROUP_MAX)
SET_UNSIGNED(set_workers, workers, 0, CONFIG_WORKERS_MAX)
SET_UNSIGNED(set_flush_interval, flush_interval, 1, CONFIG_FLUSH_INTERVAL_MAX)
SET_UNSIGNED(set_flows_max, flows_max, 1, CONFIG_COUNT_MAX)
SET_UNSIGNED(set_flow_timeout, flow_timeout, 1, CONFIG_FLOW_TIMEOUT_MAX)
SET_UNSIGNED(set_macs_max, macs_max, 1, CONFIG_COUNT_MAX)
SET_UNSIGNED(set_ips_max, ips_max, 1, CONFIG_COUNT_MAX)
SET_UNSIGNED(set_evidence_max, evidence_max, 1, CONFIG_COUNT_MAX)
SET_UNSIGNED(set_connections_max, connections_max, 1, CONFIG_CONNECTIONS_MAX)
SET_UNSIGNED(set_timeout, timeout, 1, CONFIG_TIMEOUT_MAX)
SET_UNSIGNED(set_ship_interval, central_ship_interval, 1, SHIP_INTERVAL_MAX)
SET_UNSIGNED(set_batch_max, central_batch_max, 1, SHIP_BATCH_MAX_MAX)

static int set_interfaces(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return config_parse_interfaces(c, v, false, err, errsz);
}

static int set_bpf(struct run_config *c, const char *v, char *err, size_t errsz)
{
	struct bpf_program prog;
	pcap_t *p;
	int rc = 0;

	if (strlen(v) >= sizeof(c->bpf)) {
		snprintf(err, errsz, "is longer than %zu bytes", sizeof(c->bpf) - 1);
		return -EINVAL;
	}
	if (v[0]) {
		/* syntax only: the link type of the real interface may allow less */
		p = pcap_open_dead(DLT_EN10MB, 65535);
		if (!p) {
			snprintf(err, errsz, "cannot check the filter: out of memory");
			return -ENOMEM;
		}
		if (pcap_compile(p, &prog, v, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errsz, "the filter does not compile: %s (pcap-filter(7) has the syntax)",
				 pcap_geterr(p));
			rc = -EINVAL;
		} else {
			pcap_freecode(&prog);
		}
		pcap_close(p);
		if (rc < 0)
			return rc;
	}
	snprintf(c->bpf, sizeof(c->bpf), "%s", v);
	return 0;
}

static int set_promiscuous(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_bool(v, &c->promiscuous, err, errsz);
}

static int set_capture(struct run_config *c, const char *v, char *err, size_t errsz)
{
	char buf[48];

	if (strcmp(v, "afpacket") == 0)
		c->capture = CONFIG_CAPTURE_AFPACKET;
	else if (strcmp(v, "pcap") == 0)
		c->capture = CONFIG_CAPTURE_PCAP;
	else {
		snprintf(err, errsz, "'%s' is not afpacket or pcap", shown(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	return 0;
}

static int set_database(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, false, c->database, sizeof(c->database), err, errsz);
}

static int set_listen(struct run_config *c, const char *v, char *err, size_t errsz)
{
	if (config_listen_is_none(v)) {
		c->listen[0] = '\0';
		return 0;
	}
	if (config_parse_listen(v, err, errsz) < 0)
		return -EINVAL;
	snprintf(c->listen, sizeof(c->listen), "%s", v);
	return 0;
}

static int set_token_file(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, true, c->token_file, sizeof(c->token_file), err, errsz);
}

static int set_tls_cert(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, true, c->tls_cert, sizeof(c->tls_cert), err, errsz);
}

static int set_tls_key(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, true, c->tls_key, sizeof(c->tls_key), err, errsz);
}

static int set_signatures(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, true, c->signatures, sizeof(c->signatures), err, errsz);
}

static int set_policy(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, true, c->policy, sizeof(c->policy), err, errsz);
}

static int set_user(struct run_config *c, const char *v, char *err, size_t errsz)
{
	size_t n = strlen(v);
	char buf[48];
	bool ok = n < CONFIG_USER_MAX;

	/* what useradd accepts by default (NAME_REGEX), so no surprises at run time */
	for (size_t i = 0; ok && i < n; i++) {
		char ch = v[i];
		ok = (ch >= 'a' && ch <= 'z') || ch == '_' ||
		     (i > 0 && ((ch >= '0' && ch <= '9') || ch == '-' || (ch == '$' && i == n - 1)));
	}
	if (!ok) {
		snprintf(err, errsz, "'%s' is not a user name ([a-z_][a-z0-9_-]*, at most %d characters)",
			 shown(v, buf, sizeof(buf)), CONFIG_USER_MAX - 1);
		return -EINVAL;
	}
	snprintf(c->user, sizeof(c->user), "%s", v);
	return 0;
}

static int set_conninfo(struct run_config *c, const char *v, char *err, size_t errsz)
{
	/* empty: no central database */
	if (v[0] && fleet_conninfo_check(v, err, errsz) < 0)
		return -EINVAL;
	snprintf(c->central_conninfo, sizeof(c->central_conninfo), "%s", v);
	return 0;
}

static int set_password_file(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return parse_path(v, true, c->central_password_file, sizeof(c->central_password_file), err, errsz);
}

static int set_central_id(char *dst, const char *v, char *err, size_t errsz)
{
	char buf[48];

	if (v[0] && !ship_id_valid(v)) {
		snprintf(err, errsz, "'%s' is not a name of 1 to %d letters, digits, '.', '_', '-' or ':'",
			 shown(v, buf, sizeof(buf)), CONFIG_ID_MAX - 1);
		return -EINVAL;
	}
	snprintf(dst, CONFIG_ID_MAX, "%s", v);
	return 0;
}

static int set_sensor_id(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return set_central_id(c->central_sensor_id, v, err, errsz);
}

static int set_site(struct run_config *c, const char *v, char *err, size_t errsz)
{
	return set_central_id(c->central_site, v, err, errsz);
}

struct key_def {
	const char *section, *name;
	key_set_fn set;
};

static const struct key_def keys[] = {
	{"capture", "interfaces", set_interfaces},
	{"capture", "bpf", set_bpf},
	{"capture", "snaplen", set_snaplen},
	{"capture", "promiscuous", set_promiscuous},
	{"capture", "capture", set_capture},
	{"capture", "ring_mb", set_ring_mb},
	{"capture", "fanout_group", set_fanout_group},
	{"capture", "workers", set_workers},
	{"store", "database", set_database},
	{"store", "flush_interval", set_flush_interval},
	{"limits", "flows_max", set_flows_max},
	{"limits", "flow_timeout", set_flow_timeout},
	{"limits", "macs_max", set_macs_max},
	{"limits", "ips_max", set_ips_max},
	{"limits", "evidence_max", set_evidence_max},
	{"api", "listen", set_listen},
	{"api", "token_file", set_token_file},
	{"api", "tls_cert", set_tls_cert},
	{"api", "tls_key", set_tls_key},
	{"api", "connections_max", set_connections_max},
	{"api", "timeout", set_timeout},
	{"data", "signatures", set_signatures},
	{"data", "policy", set_policy},
	{"daemon", "user", set_user},
	{"central", "conninfo", set_conninfo},
	{"central", "password_file", set_password_file},
	{"central", "sensor_id", set_sensor_id},
	{"central", "site", set_site},
	{"central", "ship_interval", set_ship_interval},
	{"central", "batch_max", set_batch_max},
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

/* Old names, still read as the new key (with a warning), so that old
 * configuration files keep working. */
struct key_rename {
	const char *section, *old_name, *name;
};

static const struct key_rename renamed[] = {
	{"capture", "buffer_mb", "ring_mb"}, /* 0.x: the libpcap buffer; now the ring of each capture socket */
};

#define N_RENAMED (sizeof(renamed) / sizeof(renamed[0]))

/* ---- reading the file ---- */

struct parse {
	FILE *fp;
	const char *name;
	struct run_config *c;
	struct config_report *rep;
	char *line;
	size_t linecap;
	size_t lineno;
	size_t err_line;         /* the last line that already has an error */
	size_t key_line[N_KEYS]; /* where each key was set; 0: not in the file */
	size_t renamed_line[N_RENAMED]; /* where an old name was used */
	bool skip_keys;          /* after a broken section header: its keys belong nowhere */
};

static void line_error(struct parse *p, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void line_error(struct parse *p, size_t line, const char *fmt, ...)
{
	char msg[CONFIG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(p->rep, "%s:%zu: %s", p->name, line, msg);
	p->err_line = line;
}

static bool known_section(const char *s)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].section, s) == 0)
			return true;
	return false;
}

/* "interfaces, bpf, snaplen, ..." of one section */
static void section_keys(const char *section, char *out, size_t outsz)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < N_KEYS && o < outsz; i++)
		if (strcmp(keys[i].section, section) == 0)
			o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? ", " : "", keys[i].name);
}

/*
 * inih's line source. Lines inih would misread are checked here and handed
 * on as empty lines, so each problem is reported once, with its line.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	ssize_t len = getline(&p->line, &p->linecap, p->fp);
	size_t n, max = num > 2 ? (size_t)num - 2 : 0;
	const char *s;

	if (len < 0)
		return NULL;
	p->lineno++;
	n = (size_t)len;
	if (n && p->line[n - 1] == '\n')
		n--;
	if (n && p->line[n - 1] == '\r')
		n--;
	if (memchr(p->line, '\0', n)) {
		line_error(p, p->lineno, "holds a NUL byte; the file must be text");
		goto blank;
	}
	if (n > max) {
		line_error(p, p->lineno, "is %zu bytes long; at most %zu fit on a line", n, max);
		goto blank;
	}
	p->line[n] = '\0';
	s = p->line;
	if (p->lineno == 1 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		s += 3; /* a UTF-8 byte order mark */
	s += strspn(s, " \t");
	if (!*s || *s == '#' || *s == ';')
		goto pass;
	if (s != p->line && !(p->lineno == 1 && s == p->line + 3)) {
		line_error(p, p->lineno,
			   "starts with whitespace; write 'key = value' at the start of the line (an indented "
			   "line would continue the previous value)");
		goto blank;
	}
	if (*s == '[') {
		const char *close = strchr(s, ']');
		char sec[64], buf[48];

		if (!close) {
			line_error(p, p->lineno, "a section header needs a closing ']'");
			p->skip_keys = true;
			goto blank;
		}
		p->skip_keys = false;
		snprintf(sec, sizeof(sec), "%.*s", (int)(close - s - 1 < 63 ? close - s - 1 : 63), s + 1);
		if (!known_section(sec))
			line_error(p, p->lineno,
				   "unknown section [%s] (known: capture, store, limits, api, data, daemon, central)",
				   shown(sec, buf, sizeof(buf)));
		goto pass;
	}
	if (!strpbrk(s, "=:")) {
		line_error(p, p->lineno, "expected 'key = value' or '[section]'");
		goto blank;
	}
	if (*s == '=' || *s == ':') {
		line_error(p, p->lineno, "a value without a key");
		goto blank;
	}
	/* inih would cut the value at " ;"; herkomst.conf(5) promises that a
	 * value runs to the end of its line, so say so instead */
	{
		const char *v = strpbrk(s, "=:");
		for (const char *q = v + 1; *q; q++)
			if (*q == ';' && (q[-1] == ' ' || q[-1] == '\t')) {
				line_error(p, p->lineno,
					   "a value runs to the end of its line: no comment may follow it "
					   "(put the comment on a line of its own)");
				goto blank;
			}
	}
pass:
	snprintf(str, (size_t)num, "%s\n", p->line);
	return str;
blank:
	snprintf(str, (size_t)num, "\n");
	return str;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char err[CONFIG_MSG_MAX - 128], buf[48], known[256];
	size_t vlen = strlen(value);
	const char *key = name; /* the new name of an old one */

	if (p->skip_keys)
		return 1; /* under a broken header, reported there */
	if (!section[0]) {
		line_error(p, p->lineno, "'%s' is outside any [section]", shown(name, buf, sizeof(buf)));
		return 1;
	}
	if (!known_section(section))
		return 1; /* reported at its header */
	for (size_t r = 0; r < N_RENAMED; r++) {
		if (strcmp(renamed[r].section, section) != 0 || strcmp(renamed[r].old_name, name) != 0)
			continue;
		if (p->renamed_line[r]) {
			line_error(p, p->lineno, "%s is set twice in [%s] (first on line %zu)", name, section,
				   p->renamed_line[r]);
			return 1;
		}
		p->renamed_line[r] = p->lineno;
		report_warning(p->rep, "%s:%zu: %s is the old name of %s; rename it (the value is read as %s)", p->name,
			       p->lineno, name, renamed[r].name, renamed[r].name);
		key = renamed[r].name;
		break;
	}
	if (vlen >= 2 && ((value[0] == '"' && value[vlen - 1] == '"') ||
			  (value[0] == '\'' && value[vlen - 1] == '\''))) {
		line_error(p, p->lineno, "%s: values take no quotes", name);
		return 1;
	}
	for (size_t i = 0; i < N_KEYS; i++) {
		if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].name, key) != 0)
			continue;
		if (p->key_line[i]) {
			/* an old name and its new one are one key, set once */
			const char *first = key;

			for (size_t r = 0; r < N_RENAMED; r++)
				if (strcmp(renamed[r].name, key) == 0 && p->renamed_line[r] == p->key_line[i])
					first = renamed[r].old_name;
			if (strcmp(first, name) == 0)
				line_error(p, p->lineno, "%s is set twice in [%s] (first on line %zu)", name, section,
					   p->key_line[i]);
			else
				line_error(p, p->lineno,
					   "%s is set on line %zu and %s here: %s is the old name of %s; keep only %s",
					   first, p->key_line[i], name, key == name ? first : name, key, key);
			return 1;
		}
		p->key_line[i] = p->lineno;
		if (keys[i].set(p->c, value, err, sizeof(err)) < 0)
			line_error(p, p->lineno, "%s %s", name, err);
		return 1;
	}
	section_keys(section, known, sizeof(known));
	line_error(p, p->lineno, "unknown key '%s' in [%s] (known: %s)", shown(name, buf, sizeof(buf)), section,
		   known);
	return 1;
}

int config_load(struct run_config *c, const char *path, bool missing_ok, struct config_report *rep)
{
	struct parse p = {.c = c, .rep = rep, .name = path};
	size_t before = rep->n_errors;
	int rc;

	p.fp = fopen(path, "re");
	if (!p.fp) {
		if (errno == ENOENT && missing_ok)
			return 0;
		report(rep, "%s: cannot read the configuration: %s", path, strerror(errno));
		return (int)(rep->n_errors - before);
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	rc = ini_parse_stream(read_line, &p, on_value, &p);
	if (ferror(p.fp))
		report(rep, "%s: read error: %s", path, strerror(errno));
	else if (rc > 0 && (size_t)rc != p.err_line && rep->n_errors == before)
		report(rep, "%s:%d: cannot parse this line", path, rc); /* inih saw what we did not */
	else if (rc < 0)
		report(rep, "%s: out of memory", path);
	free(p.line);
	fclose(p.fp);
	return (int)(rep->n_errors - before);
}

int config_validate(const struct run_config *c, struct config_report *rep)
{
	const char *name = c->path[0] ? c->path : "configuration";
	size_t before = rep->n_errors;

	if (!c->n_interfaces)
		report(rep, "%s: [capture] interfaces names no interface", name);
	if (!c->database[0])
		report(rep, "%s: [store] database is empty", name);
	if (!c->tls_cert[0] != !c->tls_key[0])
		report(rep, "%s: [api] tls_cert and tls_key go together: set both for TLS, or neither", name);
	if (c->listen[0] && !config_listen_is_loopback(c->listen) && !c->token_file[0])
		report(rep,
		       "%s: [api] listen = %s is reachable from other hosts: set [api] token_file to a file "
		       "holding the bearer token, or listen on 127.0.0.1",
		       name, c->listen);
	if (c->capture == CONFIG_CAPTURE_AFPACKET && cap_afpacket_bpf_has_vlan(c->bpf))
		report(rep, "%s: [capture] bpf " CAP_AFP_VLAN_WHY, name);
	if (c->central_conninfo[0]) {
		char err[512], id[CONFIG_ID_MAX];
		struct stat sb;

		if (!c->central_site[0])
			report(rep,
			       "%s: [central] conninfo is set but site is not: name this sensor's site (site = "
			       "plant-north); IP-only devices are told apart by it",
			       name);
		if (!c->central_sensor_id[0] && ship_sensor_id_default(id, sizeof(id), err, sizeof(err)) < 0)
			report(rep, "%s: [central] %s", name, err);
		/* a missing file is reported when herkomst run starts, as for token_file */
		if (c->central_password_file[0] && stat(c->central_password_file, &sb) == 0 && (sb.st_mode & 007))
			report(rep,
			       "%s: [central] password_file %s can be read or written by every user (mode %04o); "
			       "chmod 0600 it (or 0640 with the daemon's group)",
			       name, c->central_password_file, (unsigned)(sb.st_mode & 07777));
	} else if (c->central_password_file[0] || c->central_site[0] || c->central_sensor_id[0]) {
		report_warning(rep, "%s: [central] has no conninfo: nothing is shipped, the other [central] keys "
				    "are ignored",
			       name);
	}
	if (c->capture == CONFIG_CAPTURE_PCAP && c->workers != 1)
		report(rep,
		       "%s: [capture] workers = %u needs capture = afpacket: with libpcap every worker would see "
		       "every frame of an interface; set capture = afpacket, or workers = 1",
		       name, c->workers);
	if (c->capture == CONFIG_CAPTURE_PCAP && c->fanout_group)
		report_warning(rep, "%s: [capture] fanout_group applies to capture = afpacket only; it is ignored",
			       name);
	return (int)(rep->n_errors - before);
}

/* "key = value", or "key =" for an empty value (no trailing blank). */
static void kv(FILE *out, const char *key, const char *value)
{
	fprintf(out, "%s =%s%s\n", key, value[0] ? " " : "", value);
}

static void kv_u(FILE *out, const char *key, unsigned long long v)
{
	fprintf(out, "%s = %llu\n", key, v);
}

void config_print(FILE *out, const struct run_config *c)
{
	char sigbuf[CONFIG_PATH_MAX], ifs[CONFIG_IFACES_MAX * (CONFIG_IFNAME_MAX + 2)];
	const char *sigdir = c->signatures[0] ? c->signatures : sig_default_dir(sigbuf, sizeof(sigbuf));
	size_t o = 0;

	ifs[0] = '\0';
	for (size_t i = 0; i < c->n_interfaces; i++)
		o += (size_t)snprintf(ifs + o, sizeof(ifs) - o, "%s%s", i ? ", " : "", c->interfaces[i]);
	fprintf(out, "# herkomst: the effective configuration (%s%s)\n", c->path[0] ? "from " : "built-in defaults",
		c->path);
	fprintf(out, "\n[capture]\n");
	kv(out, "interfaces", ifs);
	kv(out, "bpf", c->bpf);
	kv_u(out, "snaplen", c->snaplen);
	kv(out, "promiscuous", c->promiscuous ? "yes" : "no");
	kv(out, "capture", c->capture == CONFIG_CAPTURE_PCAP ? "pcap" : "afpacket");
	kv_u(out, "ring_mb", c->ring_mb);
	if (!c->fanout_group)
		fprintf(out, "# 0: the kernel picks an unused fanout group id for each interface\n");
	kv_u(out, "fanout_group", c->fanout_group);
	if (!c->workers)
		fprintf(out, "# 0: one worker thread per online CPU\n");
	kv_u(out, "workers", c->workers);
	fprintf(out, "\n[store]\n");
	kv(out, "database", c->database);
	kv_u(out, "flush_interval", c->flush_interval);
	fprintf(out, "\n[limits]\n");
	kv_u(out, "flows_max", c->flows_max);
	kv_u(out, "flow_timeout", c->flow_timeout);
	kv_u(out, "macs_max", c->macs_max);
	kv_u(out, "ips_max", c->ips_max);
	kv_u(out, "evidence_max", c->evidence_max);
	fprintf(out, "\n[api]\n");
	kv(out, "listen", c->listen[0] ? c->listen : "none");
	kv(out, "token_file", c->token_file);
	kv(out, "tls_cert", c->tls_cert);
	kv(out, "tls_key", c->tls_key);
	kv_u(out, "connections_max", c->connections_max);
	kv_u(out, "timeout", c->timeout);
	fprintf(out, "\n[data]\n");
	kv(out, "signatures", sigdir ? sigdir : "");
	if (!c->policy[0])
		fprintf(out, "# empty: the default policy (policy/default.tsv in the signature directory)\n");
	kv(out, "policy", c->policy);
	fprintf(out, "\n[daemon]\n");
	if (!c->user[0])
		fprintf(out, "# empty: keep the user herkomst is started as\n");
	kv(out, "user", c->user);
	fprintf(out, "\n[central]\n");
	if (!c->central_conninfo[0])
		fprintf(out, "# empty: no central database; nothing is shipped\n");
	kv(out, "conninfo", c->central_conninfo);
	kv(out, "password_file", c->central_password_file);
	if (!c->central_sensor_id[0]) {
		char id[CONFIG_ID_MAX], err[256];
		if (ship_sensor_id_default(id, sizeof(id), err, sizeof(err)) == 0)
			fprintf(out, "# empty: derived from /etc/machine-id: %s\n", id);
		else
			fprintf(out, "# empty: derived from /etc/machine-id (%s)\n", err);
	}
	kv(out, "sensor_id", c->central_sensor_id);
	kv(out, "site", c->central_site);
	kv_u(out, "ship_interval", c->central_ship_interval);
	kv_u(out, "batch_max", c->central_batch_max);
}

static bool default_policy_exists(const char *sigdir)
{
	const char *env = getenv("HERKOMST_POLICY");
	char path[CONFIG_PATH_MAX + 32];

	if (env && env[0])
		return true; /* named: its absence is an error */
	snprintf(path, sizeof(path), "%s/policy/default.tsv", sigdir);
	return access(path, F_OK) == 0 || errno != ENOENT;
}

/*
 * The data the configuration names, with the daemon's loaders: the
 * signature rules (every error, FILE:LINE), the vendor-ID tables and the
 * policy. One comment line per source goes to info (the printed
 * configuration stays loadable). Returns the number of sources that failed.
 */
static int check_data(const struct run_config *c, FILE *info)
{
	char dirbuf[CONFIG_PATH_MAX], err[1024];
	const char *dir = c->signatures[0] ? c->signatures : sig_default_dir(dirbuf, sizeof(dirbuf));
	struct sig_report *rep = calloc(1, sizeof(*rep));
	struct sig_db *sigs;
	struct vid_db *vids;
	struct policy *pol;
	int failed = 0;

	if (!rep || !dir) {
		fprintf(stderr, "herkomst check: %s\n",
			rep ? "the signature directory's name is too long" : "out of memory");
		free(rep);
		return 1;
	}
	sigs = sig_load_dir(dir, rep);
	if (sigs) {
		if (info)
			fprintf(info, "# signatures: %zu rules in %zu files from %s: OK\n", sig_count(sigs),
				sig_file_count(sigs), dir);
	} else {
		for (size_t i = 0; i < rep->n_kept; i++)
			fprintf(stderr, "%s\n", rep->msg[i]);
		if (rep->n_errors > rep->n_kept)
			fprintf(stderr, "herkomst check: %zu more errors not shown\n", rep->n_errors - rep->n_kept);
		fprintf(stderr, "herkomst check: %s: the signatures were not loaded (%zu error%s)\n", dir,
			rep->n_errors, rep->n_errors == 1 ? "" : "s");
		failed++;
	}
	sig_db_free(sigs);
	free(rep);
	vids = vid_load_dir(dir, err, sizeof(err));
	if (info && vids)
		fprintf(info, "# vendor IDs: %zu: OK\n", vid_count(vids));
	else if (info)
		fprintf(info, "# vendor IDs: none (%s)\n", err); /* optional, as for analyze */
	vid_db_free(vids);
	pol = c->policy[0] ? policy_load(c->policy, err, sizeof(err)) : policy_load_default(dir, err, sizeof(err));
	if (!pol && !c->policy[0] && !default_policy_exists(dir)) {
		/* as the API does: without a policy criteria 1 and 2 hold only by state ownership */
		if (info)
			fprintf(info, "# policy: none (no %s/policy/default.tsv): criteria 1 and 2 hold only by "
				      "state ownership\n",
				dir);
	} else if (pol) {
		if (info)
			fprintf(info, "# policy: %s%s%s from %s: OK\n",
				policy_name(pol) ? policy_name(pol) : "(unnamed)", policy_as_of(pol) ? ", as of " : "",
				policy_as_of(pol) ? policy_as_of(pol) : "", policy_path(pol));
	} else {
		fprintf(stderr, "%s\n", err);
		fprintf(stderr, "herkomst check: the policy was not loaded%s\n",
			c->policy[0] ? "; fix [data] policy" : "");
		failed++;
	}
	policy_free(pol);
	return failed;
}

int config_check(const char *path, bool quiet)
{
	struct config_report *rep = calloc(1, sizeof(*rep));
	struct run_config c;
	int status = 0;

	if (!rep) {
		fprintf(stderr, "herkomst check: out of memory\n");
		return 1;
	}
	config_defaults(&c);
	config_load(&c, path ? path : CONFIG_DEFAULT_PATH, path == NULL, rep);
	if (!rep->n_errors)
		config_validate(&c, rep);
	for (size_t i = 0; i < rep->n_warn_kept; i++)
		fprintf(stderr, "warning: %s\n", rep->warn[i]);
	if (rep->n_warnings > rep->n_warn_kept)
		fprintf(stderr, "herkomst check: %zu more warnings not shown\n", rep->n_warnings - rep->n_warn_kept);
	if (rep->n_errors) {
		for (size_t i = 0; i < rep->n_kept; i++)
			fprintf(stderr, "%s\n", rep->msg[i]);
		if (rep->n_errors > rep->n_kept)
			fprintf(stderr, "herkomst check: %zu more errors not shown\n", rep->n_errors - rep->n_kept);
		fprintf(stderr, "herkomst check: %s: %zu error%s; herkomst run will not start with it\n",
			path ? path : CONFIG_DEFAULT_PATH, rep->n_errors, rep->n_errors == 1 ? "" : "s");
		status = 1;
	} else {
		if (!quiet)
			config_print(stdout, &c);
		if (check_data(&c, quiet ? NULL : stdout) > 0)
			status = 1;
		if (!quiet && (fflush(stdout) != 0 || ferror(stdout))) {
			fprintf(stderr, "herkomst check: cannot write the output\n");
			status = 1;
		}
	}
	free(rep);
	return status;
}
