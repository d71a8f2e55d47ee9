/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP server of the API (libmicrohttpd): its lifecycle, who may ask
 * (bearer token, Host check), which route answers, and how an answer is
 * sent. The routes themselves are in routes.c; docs/api.md is the manual.
 *
 * Threads: libmicrohttpd runs API_WORKERS threads, each answering one
 * request at a time. A request opens the database read-only, reads it, and
 * closes it (data.c), so a writer in WAL mode is never blocked. What is
 * shared between requests is the knowledge (under klock) and the counters
 * (under mlock).
 */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "api/assets.h"
#include "core/util.h"
#include "hk_config.h"

#define API_ERRMSG_MAX 512

/* --- small helpers ---------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Reads a whole (small) file; NULL with a message on failure. */
static char *slurp(const char *what, const char *path, size_t max, char *errbuf, size_t errsz)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(errbuf, errsz, "cannot read %s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > max) {
		snprintf(errbuf, errsz, "%s %s is not a regular file of at most %zu bytes", what, path, max);
		goto fail;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		snprintf(errbuf, errsz, "out of memory reading %s", path);
		goto fail;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(errbuf, errsz, "cannot read %s %s: %s", what, path,
				 n < 0 ? strerror(errno) : "short read");
			goto fail;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

void api_error(struct api_resp *r, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[API_ERRMSG_MAX];
	json_t *o = json_object(), *e = json_object();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the message may quote what the client sent: printable ASCII only */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(msg));
	json_object_set_new(o, "error", e);
	api_json(r, status, o);
}

void api_json(struct api_resp *r, unsigned status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(o);
	if (r->body && !r->body_static)
		free(r->body);
	memset(r, 0, sizeof(*r));
	r->type = "application/json";
	if (!s) {
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}\n";
		r->status = 500;
		r->body = (char *)(uintptr_t)oom;
		r->len = sizeof(oom) - 1;
		r->body_static = true;
		return;
	}
	r->status = status;
	r->len = strlen(s);
	/* a newline at the end, for people using curl */
	{
		char *grown = realloc(s, r->len + 2);
		if (grown) {
			s = grown;
			s[r->len++] = '\n';
			s[r->len] = '\0';
		}
	}
	r->body = s;
}

/* --- knowledge ------------------------------------------------------------- */

int api_reload(struct api *a, char *errbuf, size_t errsz)
{
	struct api_knowledge fresh, old;

	if (!a)
		return -EINVAL;
	/* load outside the lock: requests go on with the old knowledge meanwhile */
	if (api_knowledge_open(&fresh, a->sigdir, a->policy_path, errbuf, errsz) < 0)
		return -EINVAL;
	pthread_mutex_lock(&a->klock);
	old = a->kn;
	a->kn = fresh;
	pthread_mutex_unlock(&a->klock);
	api_knowledge_close(&old);
	if (errsz)
		errbuf[0] = '\0';
	return 0;
}

void api_metrics_set(struct api *a, const struct api_metrics *m)
{
	if (!a || !m)
		return;
	pthread_mutex_lock(&a->mlock);
	a->m = *m;
	if (a->m.n_parsers > sizeof(a->m.parser_names) / sizeof(a->m.parser_names[0]))
		a->m.n_parsers = sizeof(a->m.parser_names) / sizeof(a->m.parser_names[0]);
	a->have_metrics = true;
	pthread_mutex_unlock(&a->mlock);
}

/* --- one request ------------------------------------------------------------ */

enum route_id {
	R_NONE = 0,
	R_ASSET,
	R_DEVICES,
	R_DEVICE,
	R_SUMMARY,
	R_VENDORS,
	R_PROTOCOLS,
	R_UNKNOWN,
	R_HEALTH,
	R_METRICS,
	R_SITES,
};

static const struct {
	const char *path;
	enum route_id id;
} routes[] = {
	{"/api/v1/devices", R_DEVICES}, {"/api/v1/summary", R_SUMMARY}, {"/api/v1/vendors", R_VENDORS},
	{"/api/v1/protocols", R_PROTOCOLS}, {"/api/v1/unknown", R_UNKNOWN}, {"/api/v1/health", R_HEALTH},
	{"/metrics", R_METRICS}, {"/api/v1/sites", R_SITES},
};

#define DEVICE_PREFIX "/api/v1/devices/"

static enum route_id route_of(const char *path, const struct api_asset **ret_asset, const char **ret_arg)
{
	for (size_t i = 0; i < api_n_assets; i++)
		if (strcmp(path, api_assets[i].path) == 0) {
			*ret_asset = &api_assets[i];
			return R_ASSET;
		}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(path, routes[i].path) == 0)
			return routes[i].id;
	if (strncmp(path, DEVICE_PREFIX, strlen(DEVICE_PREFIX)) == 0 && path[strlen(DEVICE_PREFIX)] &&
	    !strchr(path + strlen(DEVICE_PREFIX), '/')) {
		*ret_arg = path + strlen(DEVICE_PREFIX);
		return R_DEVICE;
	}
	return R_NONE;
}

static bool needs_token(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/metrics") == 0;
}

static bool authorized(const struct api *a, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	size_t n;

	if (!a->token)
		return true;
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	while (*h == ' ')
		h++;
	n = strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	return api_token_equal(a->token, a->token_len, h, n);
}

/*
 * Without a token, a page on another site could still reach a loopback
 * listener through DNS rebinding (its name resolving to 127.0.0.1). Such a
 * request carries that name in Host; a browser that came here by address
 * or as localhost does not.
 */
static bool host_allowed(const struct api *a, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	char name[300];
	size_t n;

	if (a->token || !h)
		return true;
	if (h[0] == '[')
		return true; /* an IPv6 literal */
	n = strcspn(h, ":");
	if (n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, h, n);
	name[n] = '\0';
	if (strcasecmp(name, "localhost") == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || name[i] == '.'))
			return false;
	return true;
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct api_params *p = cls;
	(void)kind;
	if (p->n >= API_PARAMS_MAX) {
		p->overflow = true;
		return MHD_NO;
	}
	p->v[p->n].key = key ? key : "";
	p->v[p->n].value = value ? value : "";
	p->n++;
	return MHD_YES;
}

static void count_status(struct api *a, unsigned status)
{
	unsigned cls = status / 100;
	pthread_mutex_lock(&a->mlock);
	a->requests[cls >= 1 && cls <= 5 ? cls : 0]++;
	pthread_mutex_unlock(&a->mlock);
}

static enum MHD_Result send_resp(struct api *a, struct MHD_Connection *c, struct api_resp *r)
{
	static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->body_static)
		resp = MHD_create_response_from_buffer(r->len, (void *)(uintptr_t)r->body, MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		if (!r->body_static)
			free(r->body);
		return MHD_NO;
	}
	r->body = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type : "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (r->type && strncmp(r->type, "text/html", 9) == 0)
		MHD_add_response_header(resp, "Content-Security-Policy", csp);
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->challenge)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"herkomst\"");
	count_status(a, r->status);
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void dispatch(struct api *a, struct MHD_Connection *c, const char *url, const char *method,
		     struct api_resp *r)
{
	const struct api_asset *asset = NULL;
	const char *arg = NULL;
	struct api_params params = {0};
	enum route_id id;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	if (!host_allowed(a, c)) {
		api_error(r, 403, "forbidden",
			  "Host '%.100s' is not this server's address or localhost; without an API token only "
			  "requests by address are answered (protection against DNS rebinding)",
			  MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST));
		return;
	}
	if (needs_token(url) && !authorized(a, c)) {
		api_error(r, 401, "unauthorized",
			  "this API needs its token: send the header 'Authorization: Bearer TOKEN' (the token is "
			  "the one in the server's --token-file or [api] token_file)");
		r->challenge = true;
		return;
	}
	id = route_of(url, &asset, &arg);
	if (id == R_NONE) {
		api_error(r, 404, "not_found",
			  "no route %.200s; the routes are listed in /api/v1/openapi.json and docs/api.md", url);
		return;
	}
	if (!get) {
		api_error(r, 405, "method_not_allowed", "%.200s takes GET (and HEAD), not %.20s", url, method);
		r->allow = "GET, HEAD";
		return;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, &params);
	switch (id) {
	case R_ASSET:
		/* the dashboard reads its own query string; parameters are ignored here */
		r->status = 200;
		r->body = (char *)(uintptr_t)asset->body;
		r->len = asset->len;
		r->type = asset->type;
		r->body_static = true;
		break;
	case R_DEVICES:
		api_route_devices(a, &params, r);
		break;
	case R_DEVICE:
		api_route_device(a, arg, &params, r);
		break;
	case R_SUMMARY:
		api_route_summary(a, &params, r);
		break;
	case R_VENDORS:
		api_route_vendors(a, &params, r);
		break;
	case R_PROTOCOLS:
		api_route_protocols(a, &params, r);
		break;
	case R_UNKNOWN:
		api_route_unknown(a, &params, r);
		break;
	case R_HEALTH:
		api_route_health(a, &params, r);
		break;
	case R_SITES:
		api_route_sites(a, &params, r);
		break;
	case R_METRICS:
		api_route_metrics(a, &params, r);
		break;
	default:
		api_error(r, 404, "not_found", "no route %.200s", url);
		break;
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	static int headers_seen;
	struct api *a = cls;
	struct api_resp r = {0};

	(void)version;
	(void)upload_data;
	/*
	 * No route takes a body. A request announcing one is answered at once,
	 * when its headers are in: libmicrohttpd then discards the body and
	 * closes the connection, so nobody can make us read one. Any other
	 * request is answered on the second call, which keeps the connection
	 * open for the next request.
	 */
	if (!*req_cls) {
		*req_cls = &headers_seen;
		if (!MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) &&
		    !MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
			return MHD_YES;
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) {
			const char *cl;
			cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
			if (!cl || strcmp(cl, "0") != 0) {
				api_error(&r, 400, "bad_request", "a %s request carries no body", method);
				return send_resp(a, c, &r);
			}
			return MHD_YES;
		}
	} else if (*upload_data_size) {
		*upload_data_size = 0; /* only an empty "Content-Length: 0" body gets here */
		return MHD_YES;
	}
	dispatch(a, c, url, method, &r);
	return send_resp(a, c, &r);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct api *a = cls;
	char buf[sizeof(a->mhd_error)];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '.'))
		buf[--n] = '\0';
	pthread_mutex_lock(&a->mlock);
	memcpy(a->mhd_error, buf, sizeof(buf));
	pthread_mutex_unlock(&a->mlock);
}

/* --- lifecycle --------------------------------------------------------------- */

/* Is path a herkomst database this binary can read without changing it? */
static int check_database(struct api *a, char *errbuf, size_t errsz)
{
	struct api_counts cnt;
	struct stat sb;
	char err[1024];

	if (stat(a->db_path, &sb) < 0) {
		snprintf(errbuf, errsz,
			 "cannot read database %s: %s; make one with 'herkomst analyze --db %s CAPTURE' (the API only "
			 "reads it)",
			 a->db_path, strerror(errno), a->db_path);
		return -ENOENT;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(errbuf, errsz, "database %s is not a regular file", a->db_path);
		return -EINVAL;
	}
	if (api_counts_read(a, &cnt, err, sizeof(err)) < 0) {
		snprintf(errbuf, errsz, "%s", err);
		return -EIO;
	}
	if (cnt.schema == 0) {
		snprintf(errbuf, errsz,
			 "%s is not a herkomst database (no schema version); make one with 'herkomst analyze --db "
			 "FILE CAPTURE'",
			 a->db_path);
		return -EINVAL;
	}
	if (cnt.schema > (int)store_schema_version()) {
		snprintf(errbuf, errsz,
			 "%s was written by a newer herkomst (schema version %d; this herkomst %s knows up to %u): "
			 "upgrade herkomst",
			 a->db_path, cnt.schema, HK_VERSION, store_schema_version());
		return -EPROTO;
	}
	if (cnt.schema < (int)store_schema_version()) {
		snprintf(errbuf, errsz,
			 "%s has schema version %d and this herkomst %u; the API never writes, so let a writing "
			 "command upgrade it first ('herkomst analyze --db %s CAPTURE')",
			 a->db_path, cnt.schema, store_schema_version(), a->db_path);
		return -EPROTO;
	}
	return 0;
}

static int load_tls(struct api *a, const struct api_config *cfg, char *errbuf, size_t errsz)
{
	if (!cfg->tls_cert && !cfg->tls_key)
		return 0;
	if (!cfg->tls_cert || !cfg->tls_key) {
		snprintf(errbuf, errsz, "TLS needs both a certificate and its key (--tls-cert FILE --tls-key FILE)");
		return -EINVAL;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(errbuf, errsz, "this libmicrohttpd was built without TLS; serve plain HTTP on loopback "
					"behind a TLS proxy instead");
		return -ENOTSUP;
	}
	a->cert_pem = slurp("TLS certificate", cfg->tls_cert, API_PEM_MAX, errbuf, errsz);
	if (!a->cert_pem)
		return -EIO;
	a->key_pem = slurp("TLS key", cfg->tls_key, API_PEM_MAX, errbuf, errsz);
	if (!a->key_pem)
		return -EIO;
	if (!strstr(a->cert_pem, "-----BEGIN CERTIFICATE-----")) {
		snprintf(errbuf, errsz, "TLS certificate %s holds no PEM certificate", cfg->tls_cert);
		return -EINVAL;
	}
	if (!strstr(a->key_pem, "PRIVATE KEY-----")) {
		snprintf(errbuf, errsz, "TLS key %s holds no PEM private key", cfg->tls_key);
		return -EINVAL;
	}
	a->tls = true;
	return 0;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	/* keys and tokens do not linger in freed memory */
	explicit_bzero(s, strlen(s));
	free(s);
}

struct api *api_stop(struct api *a)
{
	if (!a)
		return NULL;
	if (a->mhd)
		MHD_stop_daemon(a->mhd);
	api_fleet_close(a);
	api_knowledge_close(&a->kn);
	pthread_mutex_destroy(&a->klock);
	pthread_mutex_destroy(&a->mlock);
	pthread_mutex_destroy(&a->plock);
	free(a->db_path);
	free(a->db_uri);
	free(a->pg_conninfo);
	free(a->pg_password_file);
	wipe_free(a->token);
	free(a->cert_pem);
	wipe_free(a->key_pem);
	free(a->sigdir);
	free(a->policy_path);
	free(a);
	return NULL;
}

struct api *api_start(const struct api_config *cfg, char *errbuf, size_t errsz)
{
	const char *listen = cfg && cfg->listen ? cfg->listen : API_LISTEN_DEFAULT;
	unsigned conns, timeout, workers;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	struct api *a;

	bool fleet = cfg && cfg->pg_conninfo && cfg->pg_conninfo[0];

	if (!cfg || ((!cfg->db_path || !cfg->db_path[0]) && !fleet)) {
		snprintf(errbuf, errsz, "no database given: the API reads one (--db FILE, or --pg CONNINFO for a fleet)");
		return NULL;
	}
	if (fleet && cfg->db_path && cfg->db_path[0]) {
		snprintf(errbuf, errsz, "give one database: --db FILE (a sensor's) or --pg CONNINFO (the fleet's), not both");
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&a->klock, NULL);
	pthread_mutex_init(&a->mlock, NULL);
	pthread_mutex_init(&a->plock, NULL);
	a->started_usec = hk_now_usec();

	if (api_listen_parse(listen, &a->listen, errbuf, errsz) < 0)
		return api_stop(a);
	snprintf(a->listen_text, sizeof(a->listen_text), "%s", listen);
	if (cfg->token && cfg->token[0]) {
		if (api_token_check(cfg->token, errbuf, errsz) < 0)
			return api_stop(a);
		a->token = strdup(cfg->token);
		a->token_len = strlen(cfg->token);
	}
	/* before anything is bound: a listener others can reach never runs open */
	if (!a->listen.loopback && !a->token) {
		snprintf(errbuf, errsz,
			 "refusing to listen on %s without a token: a listener that is not loopback requires "
			 "bearer-token authentication; set api.token_file in /etc/herkomst/herkomst.conf "
			 "(herkomst run) or pass --token-file FILE (herkomst serve), or listen on 127.0.0.1",
			 listen);
		return api_stop(a);
	}
	if (fleet) {
		a->pg_conninfo = strdup(cfg->pg_conninfo);
		a->pg_password_file = dup_or_null(cfg->pg_password_file);
	} else {
		a->db_path = strdup(cfg->db_path);
		a->db_uri = api_db_uri(cfg->db_path);
	}
	a->sigdir = dup_or_null(cfg->sigdir);
	a->policy_path = dup_or_null(cfg->policy_path);
	if ((fleet ? !a->pg_conninfo || (cfg->pg_password_file && !a->pg_password_file)
		   : !a->db_path || !a->db_uri) ||
	    (cfg->sigdir && !a->sigdir) || (cfg->policy_path && !a->policy_path) ||
	    (cfg->token && cfg->token[0] && !a->token)) {
		snprintf(errbuf, errsz, "out of memory");
		return api_stop(a);
	}
	if (load_tls(a, cfg, errbuf, errsz) < 0)
		return api_stop(a);
	if (fleet ? api_fleet_open(a, errbuf, errsz) < 0 : check_database(a, errbuf, errsz) < 0)
		return api_stop(a);
	if (api_knowledge_open(&a->kn, a->sigdir, a->policy_path, errbuf, errsz) < 0)
		return api_stop(a);

	conns = cfg->connections_max ? cfg->connections_max : API_CONNECTIONS_MAX_DEFAULT;
	timeout = cfg->timeout_sec ? cfg->timeout_sec : API_TIMEOUT_SEC_DEFAULT;
	/* libmicrohttpd shares the connection limit out among the workers */
	workers = conns < API_WORKERS ? conns : API_WORKERS;
	if (a->listen.v6)
		flags |= MHD_USE_IPv6;
	if (a->tls)
		flags |= MHD_USE_TLS;
	if (a->tls)
		a->mhd = MHD_start_daemon(flags, (uint16_t)a->listen.port, NULL, NULL, on_request, a,
					  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a->listen.ss,
					  MHD_OPTION_THREAD_POOL_SIZE, workers, MHD_OPTION_CONNECTION_LIMIT, conns,
					  MHD_OPTION_CONNECTION_TIMEOUT, timeout,
					  MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, a,
					  MHD_OPTION_HTTPS_MEM_CERT, a->cert_pem, MHD_OPTION_HTTPS_MEM_KEY, a->key_pem,
					  MHD_OPTION_END);
	else
		a->mhd = MHD_start_daemon(flags, (uint16_t)a->listen.port, NULL, NULL, on_request, a,
					  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a->listen.ss,
					  MHD_OPTION_THREAD_POOL_SIZE, workers, MHD_OPTION_CONNECTION_LIMIT, conns,
					  MHD_OPTION_CONNECTION_TIMEOUT, timeout,
					  MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, a, MHD_OPTION_END);
	if (!a->mhd) {
		snprintf(errbuf, errsz, "cannot serve on %s: %s", listen,
			 a->mhd_error[0] ? a->mhd_error : "libmicrohttpd could not start (is the port in use?)");
		return api_stop(a);
	}
	return a;
}
