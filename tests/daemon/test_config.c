/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration (src/cli/config.c): every key with its
 * default, a file that sets every key, every kind of bad value and bad line
 * reported as FILE:LINE with what is wrong, the checks across keys, the
 * printed configuration loading back the same, and `herkomst check config`.
 */
#include "cli/config.h"
#include "capture/capture.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[4096];

static void write_conf(const char *text, size_t len)
{
	const char *base = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/hk-test-config-XXXXXX", base && *base ? base : "/tmp");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void unlink_conf(void)
{
	if (path[0])
		unlink(path);
	path[0] = '\0';
}

/* Loads text as a file; returns the number of errors. */
static int load_text(struct run_config *c, struct config_report *rep, const char *text)
{
	int n;

	config_defaults(c);
	memset(rep, 0, sizeof(*rep));
	write_conf(text, strlen(text));
	n = config_load(c, path, false, rep);
	return n;
}

/* Exactly one error, on line `line`, containing `what`. */
static void expect_error(const char *text, unsigned line, const char *what)
{
	struct config_report rep;
	struct run_config c;
	char prefix[4200];
	int n = load_text(&c, &rep, text);

	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	ck_assert_msg(n == 1, "%d errors for %s(first: %s)", n, text, rep.n_kept ? rep.msg[0] : "-");
	ck_assert_msg(strncmp(rep.msg[0], prefix, strlen(prefix)) == 0, "'%s' does not start with '%s'", rep.msg[0],
		      prefix);
	ck_assert_msg(strstr(rep.msg[0], what) != NULL, "'%s' does not say '%s'", rep.msg[0], what);
	unlink_conf();
}

START_TEST(test_defaults)
{
	struct run_config c;

	config_defaults(&c);
	ck_assert_uint_eq(c.n_interfaces, 1);
	ck_assert_str_eq(c.interfaces[0], "eth1");
	ck_assert_str_eq(c.bpf, "");
	ck_assert_uint_eq(c.snaplen, 65535);
	ck_assert(c.promiscuous);
	ck_assert_int_eq(c.capture, CONFIG_CAPTURE_AFPACKET);
	ck_assert_uint_eq(c.ring_mb, 64);
	ck_assert_uint_eq(c.fanout_group, 0);
	ck_assert_uint_eq(c.workers, 1);
	ck_assert_str_eq(c.database, "/var/lib/herkomst/herkomst.sqlite");
	ck_assert_uint_eq(c.flush_interval, 5);
	ck_assert_uint_eq(c.flows_max, 262144);
	ck_assert_uint_eq(c.flow_timeout, 120);
	ck_assert_uint_eq(c.macs_max, 65536);
	ck_assert_uint_eq(c.ips_max, 262144);
	ck_assert_uint_eq(c.evidence_max, 1048576);
	ck_assert_str_eq(c.listen, "127.0.0.1:9470");
	ck_assert_str_eq(c.token_file, "");
	ck_assert_str_eq(c.tls_cert, "");
	ck_assert_str_eq(c.tls_key, "");
	ck_assert_uint_eq(c.connections_max, 64);
	ck_assert_uint_eq(c.timeout, 30);
	ck_assert_str_eq(c.signatures, "");
	ck_assert_str_eq(c.policy, "");
	ck_assert_str_eq(c.user, "herkomst");
	ck_assert_str_eq(c.central_conninfo, "");
	ck_assert_str_eq(c.central_password_file, "");
	ck_assert_str_eq(c.central_sensor_id, "");
	ck_assert_str_eq(c.central_site, "");
	ck_assert_uint_eq(c.central_ship_interval, 30);
	ck_assert_uint_eq(c.central_batch_max, 5000);
	ck_assert_str_eq(c.path, "");
}
END_TEST

static const char every_key[] =
	"\xef\xbb\xbf# every key, none at its default\n"
	"; a comment of the other kind\n"
	"\n"
	"[capture]\n"
	"interfaces = eno2, eno3 ,br-tap0\n"
	"bpf = not host 192.0.2.5 and not port 22\n"
	"snaplen = 1518\n"
	"promiscuous = no\n"
	"capture = pcap\n"
	"ring_mb = 256\r\n"
	"fanout_group = 4242\n"
	"[store]\n"
	"database = /srv/herkomst/site.sqlite\n"
	"flush_interval = 30\n"
	"[limits]\n"
	"flows_max = 1000\n"
	"flow_timeout = 600\n"
	"macs_max = 2000\n"
	"ips_max = 3000\n"
	"evidence_max = 4000\n"
	"[api]\n"
	"listen: [::1]:9999\n"
	"token_file = /etc/herkomst/api.token\n"
	"tls_cert = /etc/herkomst/tls/cert.pem\n"
	"tls_key = /etc/herkomst/tls/key.pem\n"
	"connections_max = 8\n"
	"timeout = 5\n"
	"[data]\n"
	"signatures = /opt/sig\n"
	"policy = /etc/herkomst/policy.tsv\n"
	"[daemon]\n"
	"user = _hk-sensor\n"
	"[central]\n"
	"conninfo = host=pg.example port=5433 dbname=fleet user=sensor_n sslmode=verify-full\n"
	"password_file = /etc/herkomst/central.pw\n"
	"sensor_id = tap-07\n"
	"site = plant-north\n"
	"ship_interval = 300\n"
	"batch_max = 250\n";

/* Field by field: the arrays may hold different bytes after their NULs. */
static void same_config(const struct run_config *a, const struct run_config *b)
{
	ck_assert_uint_eq(a->n_interfaces, b->n_interfaces);
	for (size_t i = 0; i < a->n_interfaces; i++)
		ck_assert_str_eq(a->interfaces[i], b->interfaces[i]);
	ck_assert_str_eq(a->bpf, b->bpf);
	ck_assert_uint_eq(a->snaplen, b->snaplen);
	ck_assert_int_eq(a->promiscuous, b->promiscuous);
	ck_assert_int_eq(a->capture, b->capture);
	ck_assert_uint_eq(a->ring_mb, b->ring_mb);
	ck_assert_uint_eq(a->fanout_group, b->fanout_group);
	ck_assert_uint_eq(a->workers, b->workers);
	ck_assert_str_eq(a->database, b->database);
	ck_assert_uint_eq(a->flush_interval, b->flush_interval);
	ck_assert_uint_eq(a->flows_max, b->flows_max);
	ck_assert_uint_eq(a->flow_timeout, b->flow_timeout);
	ck_assert_uint_eq(a->macs_max, b->macs_max);
	ck_assert_uint_eq(a->ips_max, b->ips_max);
	ck_assert_uint_eq(a->evidence_max, b->evidence_max);
	ck_assert_str_eq(a->listen, b->listen);
	ck_assert_str_eq(a->token_file, b->token_file);
	ck_assert_str_eq(a->tls_cert, b->tls_cert);
	ck_assert_str_eq(a->tls_key, b->tls_key);
	ck_assert_uint_eq(a->connections_max, b->connections_max);
	ck_assert_uint_eq(a->timeout, b->timeout);
	ck_assert_str_eq(a->signatures, b->signatures);
	ck_assert_str_eq(a->policy, b->policy);
	ck_assert_str_eq(a->user, b->user);
	ck_assert_str_eq(a->central_conninfo, b->central_conninfo);
	ck_assert_str_eq(a->central_password_file, b->central_password_file);
	ck_assert_str_eq(a->central_sensor_id, b->central_sensor_id);
	ck_assert_str_eq(a->central_site, b->central_site);
	ck_assert_uint_eq(a->central_ship_interval, b->central_ship_interval);
	ck_assert_uint_eq(a->central_batch_max, b->central_batch_max);
}

static void check_every_key(const struct run_config *c)
{
	ck_assert_uint_eq(c->n_interfaces, 3);
	ck_assert_str_eq(c->interfaces[0], "eno2");
	ck_assert_str_eq(c->interfaces[1], "eno3");
	ck_assert_str_eq(c->interfaces[2], "br-tap0");
	ck_assert_str_eq(c->bpf, "not host 192.0.2.5 and not port 22");
	ck_assert_uint_eq(c->snaplen, 1518);
	ck_assert(!c->promiscuous);
	ck_assert_int_eq(c->capture, CONFIG_CAPTURE_PCAP);
	ck_assert_uint_eq(c->ring_mb, 256);
	ck_assert_uint_eq(c->fanout_group, 4242);
	ck_assert_str_eq(c->database, "/srv/herkomst/site.sqlite");
	ck_assert_uint_eq(c->flush_interval, 30);
	ck_assert_uint_eq(c->flows_max, 1000);
	ck_assert_uint_eq(c->flow_timeout, 600);
	ck_assert_uint_eq(c->macs_max, 2000);
	ck_assert_uint_eq(c->ips_max, 3000);
	ck_assert_uint_eq(c->evidence_max, 4000);
	ck_assert_str_eq(c->listen, "[::1]:9999");
	ck_assert_str_eq(c->token_file, "/etc/herkomst/api.token");
	ck_assert_str_eq(c->tls_cert, "/etc/herkomst/tls/cert.pem");
	ck_assert_str_eq(c->tls_key, "/etc/herkomst/tls/key.pem");
	ck_assert_uint_eq(c->connections_max, 8);
	ck_assert_uint_eq(c->timeout, 5);
	ck_assert_str_eq(c->signatures, "/opt/sig");
	ck_assert_str_eq(c->policy, "/etc/herkomst/policy.tsv");
	ck_assert_str_eq(c->user, "_hk-sensor");
	ck_assert_str_eq(c->central_conninfo, "host=pg.example port=5433 dbname=fleet user=sensor_n sslmode=verify-full");
	ck_assert_str_eq(c->central_password_file, "/etc/herkomst/central.pw");
	ck_assert_str_eq(c->central_sensor_id, "tap-07");
	ck_assert_str_eq(c->central_site, "plant-north");
	ck_assert_uint_eq(c->central_ship_interval, 300);
	ck_assert_uint_eq(c->central_batch_max, 250);
}

START_TEST(test_every_key)
{
	struct config_report rep;
	struct run_config c;

	ck_assert_int_eq(load_text(&c, &rep, every_key), 0);
	ck_assert_str_eq(c.path, path);
	check_every_key(&c);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();
}
END_TEST

/* What config_print writes loads back as the same configuration. */
START_TEST(test_print_loads_back)
{
	struct config_report rep;
	struct run_config c, d;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	ck_assert_int_eq(load_text(&c, &rep, every_key), 0);
	unlink_conf();
	mem = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(mem);
	config_print(mem, &c);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "interfaces = eno2, eno3, br-tap0\n"));
	ck_assert_int_eq(load_text(&d, &rep, buf), 0);
	check_every_key(&d);
	same_config(&c, &d);
	unlink_conf();
	free(buf);

	/* the defaults too (listen none, empty user) */
	config_defaults(&c);
	c.listen[0] = '\0';
	c.user[0] = '\0';
	snprintf(c.signatures, sizeof(c.signatures), "/opt/sig");
	buf = NULL;
	mem = open_memstream(&buf, &len);
	config_print(mem, &c);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "listen = none\n"));
	ck_assert_int_eq(load_text(&d, &rep, buf), 0);
	same_config(&c, &d);
	unlink_conf();
	free(buf);
}
END_TEST

/* [capture] workers: 0 (one per CPU) to 64; more than one needs afpacket,
 * whose fanout group gives each worker whole flows. */
START_TEST(test_workers)
{
	struct config_report rep;
	struct run_config c, d;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	ck_assert_int_eq(load_text(&c, &rep, "[capture]\nworkers = 4\n"), 0);
	ck_assert_uint_eq(c.workers, 4);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	snprintf(c.signatures, sizeof(c.signatures), "/opt/sig");
	mem = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(mem);
	config_print(mem, &c);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "\nworkers = 4\n"));
	unlink_conf();
	ck_assert_int_eq(load_text(&d, &rep, buf), 0);
	same_config(&c, &d);
	unlink_conf();
	free(buf);

	ck_assert_int_eq(load_text(&c, &rep, "[capture]\nworkers = 0\n"), 0);
	ck_assert_uint_eq(c.workers, 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[capture]\ncapture = pcap\nworkers = 2\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep.msg[0], "[capture] workers = 2 needs capture = afpacket"));
	unlink_conf();
	ck_assert_int_eq(load_text(&c, &rep, "[capture]\ncapture = pcap\nworkers = 1\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();
}
END_TEST

START_TEST(test_missing_file)
{
	struct config_report rep = {0};
	struct run_config c;

	config_defaults(&c);
	/* the default path may be missing: built-in defaults */
	ck_assert_int_eq(config_load(&c, "/nonexistent/herkomst.conf", true, &rep), 0);
	ck_assert_str_eq(c.path, "");
	ck_assert_uint_eq(c.snaplen, 65535);
	/* a named file must exist */
	ck_assert_int_eq(config_load(&c, "/nonexistent/herkomst.conf", false, &rep), 1);
	ck_assert_str_eq(rep.msg[0], "/nonexistent/herkomst.conf: cannot read the configuration: No such file or "
				     "directory");
}
END_TEST

/* One bad value per row: the line it is on (after a section header) and what the message says. */
static const struct {
	const char *section, *key, *value, *what;
} bad_values[] = {
	{"capture", "interfaces", "", "names no interface"},
	{"capture", "interfaces", "eth1,,eth2", "empty name between commas"},
	{"capture", "interfaces", "eth1, eth1", "names eth1 twice"},
	{"capture", "interfaces", "averyveryverylongname0", "is not an interface name"},
	{"capture", "interfaces", "eth1/2", "'eth1/2' is not an interface name"},
	{"capture", "interfaces", "eth1 eth2", "is not an interface name"},
	{"capture", "bpf", "tcp port", "bpf the filter does not compile"},
	{"capture", "bpf", "host 999.1.1.1", "does not compile"},
	{"capture", "snaplen", "0", "snaplen '0' is not a whole number from 64 to 262144"},
	{"capture", "snaplen", "63", "from 64 to 262144"},
	{"capture", "snaplen", "262145", "from 64 to 262144"},
	{"capture", "snaplen", "-1", "'-1' is not a whole number"},
	{"capture", "snaplen", "1e3", "'1e3' is not a whole number"},
	{"capture", "snaplen", "", "'' is not a whole number"},
	{"capture", "snaplen", "99999999999999999999999", "is not a whole number"},
	{"capture", "promiscuous", "maybe", "promiscuous 'maybe' is not yes or no"},
	{"capture", "capture", "dpdk", "capture 'dpdk' is not afpacket or pcap"},
	{"capture", "capture", "AFPACKET", "is not afpacket or pcap"},
	{"capture", "ring_mb", "0", "ring_mb '0' is not a whole number from 1 to 2047"},
	{"capture", "ring_mb", "2048", "from 1 to 2047"},
	{"capture", "buffer_mb", "0", "buffer_mb '0' is not a whole number from 1 to 2047"},
	{"capture", "buffer_mb", "2048", "from 1 to 2047"},
	{"capture", "fanout_group", "65536", "fanout_group '65536' is not a whole number from 0 to 65535"},
	{"capture", "fanout_group", "-1", "is not a whole number"},
	{"capture", "workers", "65", "workers '65' is not a whole number from 0 to 64"},
	{"capture", "workers", "two", "workers 'two' is not a whole number"},
	{"store", "database", "herkomst.sqlite", "database 'herkomst.sqlite' is not an absolute path"},
	{"store", "database", "", "database is empty"},
	{"store", "flush_interval", "0", "flush_interval '0' is not a whole number from 1 to 3600"},
	{"store", "flush_interval", "3601", "from 1 to 3600"},
	{"limits", "flows_max", "0", "flows_max '0' is not a whole number from 1 to 268435456"},
	{"limits", "flows_max", "268435457", "from 1 to 268435456"},
	{"limits", "flow_timeout", "0", "flow_timeout '0' is not a whole number from 1 to 86400"},
	{"limits", "flow_timeout", "86401", "from 1 to 86400"},
	{"limits", "macs_max", "0", "macs_max '0'"},
	{"limits", "ips_max", "many", "ips_max 'many'"},
	{"limits", "evidence_max", "268435457", "evidence_max '268435457'"},
	{"api", "listen", "localhost:9470", "listen 'localhost:9470' is not ADDRESS:PORT"},
	{"api", "listen", "127.0.0.1", "is not ADDRESS:PORT"},
	{"api", "listen", "127.0.0.1:0", "is not ADDRESS:PORT"},
	{"api", "listen", "127.0.0.1:65536", "is not ADDRESS:PORT"},
	{"api", "listen", "::1:9470", "is not ADDRESS:PORT"},
	{"api", "listen", "[::1]9470", "is not ADDRESS:PORT"},
	{"api", "token_file", "api.token", "token_file 'api.token' is not an absolute path"},
	{"api", "tls_cert", "cert.pem", "tls_cert 'cert.pem' is not an absolute path"},
	{"api", "tls_key", "key.pem", "tls_key 'key.pem' is not an absolute path"},
	{"api", "connections_max", "0", "connections_max '0' is not a whole number from 1 to 4096"},
	{"api", "connections_max", "4097", "from 1 to 4096"},
	{"api", "timeout", "0", "timeout '0' is not a whole number from 1 to 3600"},
	{"data", "signatures", "signatures", "signatures 'signatures' is not an absolute path"},
	{"data", "policy", "policy.tsv", "policy 'policy.tsv' is not an absolute path"},
	{"daemon", "user", "Herkomst", "user 'Herkomst' is not a user name"},
	{"daemon", "user", "9lives", "is not a user name"},
	{"daemon", "user", "a b", "is not a user name"},
	{"daemon", "user", "abcdefghijklmnopqrstuvwxyzabcdefg", "at most 32 characters"},
	{"store", "database", "\"/var/lib/herkomst/x.sqlite\"", "database: values take no quotes"},
	{"central", "conninfo", "host=pg password=secret", "carries a password; remove it"},
	{"central", "conninfo", "postgresql://u:secret@pg/fleet", "carries a password"},
	{"central", "conninfo", "host=pg colour=blue", "does not parse"},
	{"central", "password_file", "central.pw", "password_file 'central.pw' is not an absolute path"},
	{"central", "sensor_id", "tap 07", "sensor_id 'tap 07' is not a name of 1 to 63 letters"},
	{"central", "site", "north/west", "is not a name"},
	{"central", "ship_interval", "0", "ship_interval '0' is not a whole number from 1 to 86400"},
	{"central", "batch_max", "0", "batch_max '0' is not a whole number from 1 to 1000000"},
};

START_TEST(test_bad_value)
{
	char text[512];

	snprintf(text, sizeof(text), "# line 1\n[%s]\n%s = %s\n", bad_values[_i].section, bad_values[_i].key,
		 bad_values[_i].value);
	expect_error(text, 3, bad_values[_i].what);
}
END_TEST

START_TEST(test_bad_lines)
{
	char text[1024];

	expect_error("[capture]\nsnaplen = 100\n\n# again\nsnaplen = 200\n", 5,
		     "snaplen is set twice in [capture] (first on line 2)");
	/* old names are not listed; later keys of the section may follow */
	expect_error("[capture]\ninterface = eth1\n", 2,
		     "unknown key 'interface' in [capture] (known: interfaces, bpf, snaplen, promiscuous, capture, "
		     "ring_mb, fanout_group");
	expect_error("[capture]\ninterfaces = eth1\n[captrue]\nsnaplen = 100\nbpf = tcp\n", 3,
		     "unknown section [captrue] (known: capture, store, limits, api, data, daemon, central)");
	expect_error("snaplen = 100\n", 1, "'snaplen' is outside any [section]");
	expect_error("[capture]\ninterfaces = eth1\n  bpf = tcp\n", 3, "starts with whitespace");
	expect_error("[capture]\njust some words\n", 2, "expected 'key = value' or '[section]'");
	expect_error("[capture\nsnaplen = 100\n", 1, "a section header needs a closing ']'");
	expect_error("[store]\n= /x\n", 2, "a value without a key");
	expect_error("[capture]\nbpf = tcp ; the Modbus port\n", 2, "no comment may follow it");
	/* a line longer than inih's buffer is refused, not split */
	snprintf(text, sizeof(text), "[capture]\nbpf = %0*d\n", 300, 0);
	memset(strstr(text, "= ") + 2, 'x', 300);
	expect_error(text, 2, "bytes long; at most");
	/* a NUL byte */
	{
		static const char nul[] = "[capture]\nsnaplen = 1\0000\n";
		struct config_report rep = {0};
		struct run_config c;
		char prefix[4200];

		config_defaults(&c);
		write_conf(nul, sizeof(nul) - 1);
		ck_assert_int_eq(config_load(&c, path, false, &rep), 1);
		snprintf(prefix, sizeof(prefix), "%s:2: holds a NUL byte", path);
		ck_assert_str_eq(rep.msg[0], strcat(prefix, "; the file must be text"));
		unlink_conf();
	}
}
END_TEST

/* buffer_mb, ring_mb's old name: read as ring_mb with a warning naming the
 * line; with ring_mb beside it, or twice, an error. */
START_TEST(test_renamed_key)
{
	struct config_report rep;
	struct run_config c;
	char want[4200];

	ck_assert_int_eq(load_text(&c, &rep, "# old\n[capture]\nbuffer_mb = 32\n"), 0);
	ck_assert_uint_eq(c.ring_mb, 32);
	ck_assert_uint_eq(rep.n_warnings, 1);
	snprintf(want, sizeof(want), "%s:3: buffer_mb is the old name of ring_mb; rename it (the value is read as ring_mb)",
		 path);
	ck_assert_str_eq(rep.warn[0], want);
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[capture]\nring_mb = 32\n"), 0);
	ck_assert_uint_eq(rep.n_warnings, 0);
	unlink_conf();

	expect_error("[capture]\nbuffer_mb = 32\nring_mb = 64\n", 3,
		     "buffer_mb is set on line 2 and ring_mb here: buffer_mb is the old name of ring_mb; keep only "
		     "ring_mb");
	expect_error("[capture]\nring_mb = 64\nbuffer_mb = 32\n", 3,
		     "ring_mb is set on line 2 and buffer_mb here: buffer_mb is the old name of ring_mb; keep only "
		     "ring_mb");
	expect_error("[capture]\nbuffer_mb = 64\nbuffer_mb = 32\n", 3,
		     "buffer_mb is set twice in [capture] (first on line 2)");
	/* only in its own section */
	expect_error("[store]\nbuffer_mb = 64\n", 2, "unknown key 'buffer_mb' in [store]");
}
END_TEST

/* Every error is reported, each with its line; the good lines still count. */
START_TEST(test_many_errors)
{
	struct config_report rep;
	struct run_config c;
	char want[4200];

	ck_assert_int_eq(load_text(&c, &rep,
				   "[capture]\n"
				   "snaplen = x\n"
				   "buffer_mb = 128\n" /* the old name still works beside errors */
				   "promiscuous = sometimes\n"
				   "[nope]\n"
				   "[api]\n"
				   "listen = here\n"),
			 4);
	ck_assert_uint_eq(rep.n_kept, 4);
	snprintf(want, sizeof(want), "%s:2: ", path);
	ck_assert(strncmp(rep.msg[0], want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "%s:4: ", path);
	ck_assert(strncmp(rep.msg[1], want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "%s:5: ", path);
	ck_assert(strncmp(rep.msg[2], want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "%s:7: ", path);
	ck_assert(strncmp(rep.msg[3], want, strlen(want)) == 0);
	ck_assert_uint_eq(c.ring_mb, 128);
	ck_assert_uint_eq(rep.n_warnings, 1);
	unlink_conf();

	/* past CONFIG_ERRORS_MAX messages, the rest are counted */
	{
		char *big = malloc(64 * 40);
		size_t o = (size_t)sprintf(big, "[capture]\n");
		for (int i = 0; i < 40; i++)
			o += (size_t)sprintf(big + o, "nokey%d = 1\n", i);
		ck_assert_int_eq(load_text(&c, &rep, big), 40);
		ck_assert_uint_eq(rep.n_kept, CONFIG_ERRORS_MAX);
		unlink_conf();
		free(big);
	}
}
END_TEST

START_TEST(test_validate)
{
	struct config_report rep;
	struct run_config c;

	ck_assert_int_eq(load_text(&c, &rep, "[api]\ntls_cert = /etc/herkomst/cert.pem\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep.msg[0], "tls_cert and tls_key go together"));
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[api]\nlisten = 0.0.0.0:9470\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep.msg[0], "listen = 0.0.0.0:9470 is reachable from other hosts"));
	ck_assert_ptr_nonnull(strstr(rep.msg[0], path));
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[api]\nlisten = 192.0.2.5:9470\ntoken_file = /etc/herkomst/t\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[api]\nlisten = [::1]:9470\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[api]\nlisten = 127.8.9.10:80\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[api]\nlisten = none\n"), 0);
	ck_assert_str_eq(c.listen, "");
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();

	ck_assert_int_eq(load_text(&c, &rep, "[api]\nlisten =\n[daemon]\nuser =\n[capture]\nbpf =\n"), 0);
	ck_assert_str_eq(c.listen, "");
	ck_assert_str_eq(c.user, "");
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();

	/* afpacket filters run on frames without their outer VLAN tag: 'vlan' is refused */
	ck_assert_int_eq(load_text(&c, &rep, "[capture]\nbpf = vlan 10 and tcp\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep.msg[0], "[capture] bpf uses 'vlan', which cannot match with capture = "
						 "afpacket"));
	unlink_conf();
	ck_assert_int_eq(load_text(&c, &rep, "[capture]\ncapture = pcap\nbpf = vlan 10 and tcp\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	unlink_conf();
	ck_assert(cap_afpacket_bpf_has_vlan("vlan"));
	ck_assert(cap_afpacket_bpf_has_vlan("not vlan"));
	ck_assert(cap_afpacket_bpf_has_vlan("tcp and (vlan 5)"));
	ck_assert(cap_afpacket_bpf_has_vlan("tcp port 80 or vlan and udp"));
	ck_assert(!cap_afpacket_bpf_has_vlan(""));
	ck_assert(!cap_afpacket_bpf_has_vlan("tcp port 502"));
	ck_assert(!cap_afpacket_bpf_has_vlan("ether host vlans0 or novlan"));
	/* fanout_group with libpcap: a warning, not an error */
	ck_assert_int_eq(load_text(&c, &rep, "[capture]\ncapture = pcap\nfanout_group = 7\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	ck_assert_uint_eq(rep.n_warnings, 1);
	ck_assert_ptr_nonnull(strstr(rep.warn[0], "fanout_group applies to capture = afpacket only"));
	unlink_conf();

	/* [central]: a site is required; a password file nobody else may read */
	ck_assert_int_eq(load_text(&c, &rep, "[central]\nconninfo = host=pg\nsensor_id = s1\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep.msg[0], "[central] conninfo is set but site is not"));
	unlink_conf();
	{
		/* the configuration file itself, made readable by all, as the password file */
		ck_assert_int_eq(load_text(&c, &rep, "[central]\nconninfo = host=pg\nsensor_id = s1\nsite = a\n"
						     "password_file = /etc/herkomst/central.pw\n"), 0);
		snprintf(c.central_password_file, sizeof(c.central_password_file), "%s", path);
		ck_assert_int_eq(chmod(path, 0640), 0);
		ck_assert_int_eq(config_validate(&c, &rep), 0);
		ck_assert_int_eq(chmod(path, 0644), 0);
		ck_assert_int_eq(config_validate(&c, &rep), 1);
		ck_assert_ptr_nonnull(strstr(rep.msg[0], "can be read or written by every user (mode 0644); chmod 0600"));
		unlink_conf();
	}
	ck_assert_int_eq(load_text(&c, &rep, "[central]\nsite = a\n"), 0);
	ck_assert_int_eq(config_validate(&c, &rep), 0);
	ck_assert_uint_eq(rep.n_warnings, 1);
	ck_assert_ptr_nonnull(strstr(rep.warn[0], "[central] has no conninfo"));
	unlink_conf();

	ck_assert(config_listen_is_loopback("127.0.0.1:1"));
	ck_assert(config_listen_is_loopback("[::1]:1"));
	ck_assert(!config_listen_is_loopback("[::]:1"));
	ck_assert(!config_listen_is_loopback("10.0.0.1:1"));
}
END_TEST

/* -i on the command line: the first replaces, the next ones append. */
START_TEST(test_interfaces_from_command_line)
{
	struct run_config c;
	char err[256];

	config_defaults(&c);
	ck_assert_int_eq(config_parse_interfaces(&c, "veth0", false, err, sizeof(err)), 0);
	ck_assert_int_eq(config_parse_interfaces(&c, "veth1,veth2", true, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n_interfaces, 3);
	ck_assert_str_eq(c.interfaces[2], "veth2");
	ck_assert_int_eq(config_parse_interfaces(&c, "veth1", true, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "names veth1 twice");
	ck_assert_uint_eq(c.n_interfaces, 3); /* unchanged on failure */
	for (int i = 3; i < CONFIG_IFACES_MAX; i++) {
		char name[16];
		snprintf(name, sizeof(name), "e%d", i);
		ck_assert_int_eq(config_parse_interfaces(&c, name, true, err, sizeof(err)), 0);
	}
	ck_assert_int_eq(config_parse_interfaces(&c, "one-too-many", true, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "more than 32 interfaces"));
}
END_TEST

/* `herkomst check config FILE`: 0 for a good file whose data loads, 1 otherwise. */
START_TEST(test_check_config)
{
	const char *src = getenv("HERKOMST_SOURCE_DIR");
	char text[8192], here[4096];
	int saved, devnull;

	if (!src)
		src = realpath("../..", here); /* run by hand from build/tests/daemon */
	ck_assert_ptr_nonnull(src);
	/* quiet: nothing on stdout; errors on stderr, which is left alone */
	snprintf(text, sizeof(text), "[data]\nsignatures = %s/signatures\n", src);
	write_conf(text, strlen(text));
	ck_assert_int_eq(config_check(path, true), 0);
	unlink_conf();
	/* the whole effective configuration, printed */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, STDOUT_FILENO);
	write_conf(text, strlen(text));
	ck_assert_int_eq(config_check(path, false), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(devnull);
	unlink_conf();

	write_conf("[store]\nflush_interval = never\n", 31);
	ck_assert_int_eq(config_check(path, true), 1);
	unlink_conf();
	/* the data it names must load too */
	write_conf("[data]\nsignatures = /nonexistent\n", 33);
	ck_assert_int_eq(config_check(path, true), 1);
	unlink_conf();
	ck_assert_int_eq(config_check("/nonexistent/herkomst.conf", true), 1);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_print_loads_back);
	tcase_add_test(tc, test_workers);
	tcase_add_test(tc, test_missing_file);
	tcase_add_loop_test(tc, test_bad_value, 0, (int)(sizeof(bad_values) / sizeof(bad_values[0])));
	tcase_add_test(tc, test_bad_lines);
	tcase_add_test(tc, test_renamed_key);
	tcase_add_test(tc, test_many_errors);
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_interfaces_from_command_line);
	tcase_add_test(tc, test_check_config);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
