/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The four considerations of letter 26643-1007, per device (docs/assessment.md).
 *
 * Origin: the manufacturer claims of the device, strongest first (the order
 * of hk_device_best), are tried one by one against the ownership table until
 * one resolves; OUI registrants ("oui.*": registrant ≠ brand ≠ owner) only
 * when nothing stronger does, and the basis says so. An analyst's owner
 * annotation overrides all claims. The controlling party is the top of the
 * parent chain; the state grade is the strongest one on the chain.
 *
 * Every line of evidence is built from the device's evidence in its canonical
 * order (or a fixed table order), so the result is the same for the same
 * evidence whatever order it arrived in.
 */
#include "inventory/assess.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "inventory/geoip.h"
#include "inventory/origin.h"
#include "inventory/policy.h"

/* Roles whose device, by what it is, reaches into the process, the network or
 * the site (docs/assessment.md says why, one by one). */
static const char *const access_roles[] = {
	"plc", "rtu", "ied", "hmi", "ews", "scada-server", "historian", "bms-controller",
	"router", "switch", "firewall", "access-point", "gateway", "modem", "serial-server",
	"camera", "nvr", "inverter", "ups", "meter", "domain-controller", "hypervisor",
};

/* A protocol family as nDPI names it (folded: lower case, letters and digits
 * only; names of newer nDPI versions included) and as our parsers source
 * their evidence ("modbus." ...). */
#define PROTO_NAMES_MAX 4

/* A parser's source prefix: "modbus." with its length. Each ends in its one
 * '.', so a source starts with it exactly when the source's text up to its
 * first '.' is it (assess_classify compares those). */
struct src_prefix {
	const char *s;
	size_t len;
};
#define SRC(x) {x, sizeof(x) - 1}

struct proto_family {
	const char *label;
	const char *ndpi[PROTO_NAMES_MAX];
	struct src_prefix src[PROTO_NAMES_MAX];
};

static const struct proto_family industrial[] = {
	{"Modbus", {"modbus"}, {SRC("modbus.")}},
	{"S7comm", {"s7comm", "s7commplus"}, {SRC("s7comm."), SRC("s7commplus.")}},
	{"DNP3", {"dnp3"}, {SRC("dnp3.")}},
	{"IEC 60870-5-104", {"iec60870", "iec104", "iec608705104"}, {SRC("iec104.")}},
	{"EtherNet/IP (CIP)", {"ethernetip", "cip", "cipio"}, {SRC("enip.")}},
	{"BACnet", {"bacnet"}, {SRC("bacnet.")}},
	{"OPC UA", {"opcua"}, {SRC("opcua.")}},
	{"IEC 61850", {"iec61850", "goose"}, {SRC("mms."), SRC("goose.")}},
	{"PROFINET", {"profinet", "profinetio", "pndcp"}, {SRC("pndcp.")}},
	{"FINS", {"fins", "omronfins"}, {SRC("fins.")}},
	{"MELSEC", {"melsec", "melsoft"}, {SRC("melsec.")}},
};

static const struct proto_family remote_access[] = {
	{"SSH", {"ssh"}, {SRC("ssh.")}},
	{"Telnet", {"telnet"}, {SRC("telnet.")}},
	{"RDP", {"rdp"}, {{NULL, 0}}},
	{"VNC", {"vnc", "rfb"}, {{NULL, 0}}},
	{"TeamViewer", {"teamviewer"}, {{NULL, 0}}},
	{"AnyDesk", {"anydesk"}, {{NULL, 0}}},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* --- evidence lines -------------------------------------------------------- */

/* snprintf where cutting a long name short is intended. */
__attribute__((format(printf, 3, 4))) static void textf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}


/*
 * The texts are written into full-size buffers on assess_device's stack and
 * packed into the result's one text allocation at the end (pack_text), so a
 * result holds only the bytes its texts use. Line i of a criterion is row i.
 */
struct work {
	struct assess_result *r;
	char manufacturer[ASSESS_MANUFACTURER_MAX];
	char manufacturer_source[ASSESS_SOURCE_MAX];
	char company_id[ASSESS_COMPANY_ID_MAX];
	char company[ASSESS_NAME_MAX];
	char controller[ASSESS_NAME_MAX];
	char control_country[3];
	char hq_country[3];
	char as_of[ASSESS_AS_OF_MAX];
	char basis[ASSESS_WHY_LEN];
	char rows[4][ASSESS_WHY_MAX][ASSESS_WHY_LEN]; /* c1, c2, c3a, c3b */
};

struct lines {
	struct assess_criterion *c;
	char (*rows)[ASSESS_WHY_LEN]; /* ASSESS_WHY_MAX of them */
	size_t n_more;                /* lines past ASSESS_WHY_MAX */
};

__attribute__((format(printf, 2, 3))) static void line_add(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *row;

	if (l->c->n_why >= ASSESS_WHY_MAX) {
		l->n_more++;
		return;
	}
	row = l->rows[l->c->n_why++];
	va_start(ap, fmt);
	vsnprintf(row, ASSESS_WHY_LEN, fmt, ap);
	va_end(ap);
}

/*
 * Most lines and texts are strings and a confidence put together: they are
 * concatenated (what vsnprintf gives for "%s" and "%u", cut at the same
 * byte) rather than formatted, which took a third of assessing a device.
 */

/* The strings up to NULL, concatenated into buf (sz bytes). */
__attribute__((sentinel)) static void textc(char *buf, size_t sz, ...)
{
	va_list ap;
	const char *s;
	size_t used = 0;

	buf[0] = '\0';
	va_start(ap, sz);
	while ((s = va_arg(ap, const char *)) != NULL)
		hk_str_cat(buf, sz, &used, s);
	va_end(ap);
}

/* line_add with the strings up to NULL concatenated. */
__attribute__((sentinel)) static void line_cat(struct lines *l, ...)
{
	va_list ap;
	const char *s;
	char *row;
	size_t used = 0;

	if (l->c->n_why >= ASSESS_WHY_MAX) {
		l->n_more++;
		return;
	}
	row = l->rows[l->c->n_why++];
	row[0] = '\0';
	va_start(ap, l);
	while ((s = va_arg(ap, const char *)) != NULL)
		hk_str_cat(row, ASSESS_WHY_LEN, &used, s);
	va_end(ap);
}

/* line_add(l, "%s%s", a, b) without the format machinery. */
static void line_put(struct lines *l, const char *a, const char *b)
{
	line_cat(l, a, b, (const char *)NULL);
}

/* The last kept line says how many did not fit. */
static void line_finish(struct lines *l)
{
	if (!l->n_more)
		return;
	textf(l->rows[ASSESS_WHY_MAX - 1], ASSESS_WHY_LEN, "... and %zu more", l->n_more + 1);
}

/* --- helpers --------------------------------------------------------------- */

static bool has(const char *s)
{
	return s && s[0];
}

/* "OPC-UA" → "opcua", "EthernetIP" → "ethernetip"; returns the length. */
static size_t fold(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	for (; *s && n + 1 < outsz; s++) {
		char ch = *s;
		if (ch >= 'A' && ch <= 'Z')
			out[n++] = (char)(ch - 'A' + 'a');
		else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
	}
	out[n] = '\0';
	return n;
}

/* "tcp/502/Modbus" → "Modbus"; NULL when not of that shape. */
static const char *service_proto(const char *v)
{
	const char *a = strchr(v, '/');
	const char *b = a ? strchr(a + 1, '/') : NULL;
	return b ? b + 1 : NULL;
}

/* >0 when a is the stronger claim (the order of hk_device_best). */
static int claim_cmp(const struct hk_evidence *a, const struct hk_evidence *b)
{
	int c;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? 1 : -1;
	c = strcmp(a->source, b->source);
	if (c)
		return c < 0 ? 1 : -1;
	c = strcmp(a->value, b->value);
	return c < 0 ? 1 : (c > 0 ? -1 : 0);
}

static int claim_order(const void *pa, const void *pb)
{
	const struct hk_evidence *a = *(const struct hk_evidence *const *)pa;
	const struct hk_evidence *b = *(const struct hk_evidence *const *)pb;
	return -claim_cmp(a, b);
}

/*
 * What each evidence item is to the assessment, read once per device (the
 * attribute, the families of both tables, whether it is an external peer):
 * the criteria then test bits instead of comparing strings per question.
 */
enum ev_kind {
	EV_OTHER = 0,
	EV_MANUFACTURER,
	EV_ROLE,
	EV_SERVICE,
	EV_CLIENT,
};

/* What an item is to one table of families: bit f set when it names family f
 * as a service it serves, as a protocol it uses, or speaks it (its source). */
struct fam_bits {
	uint32_t serves, uses, speaks;
};

enum { FAM_INDUSTRIAL, FAM_REMOTE, FAM__MAX };

/* struct assess_ev_bits (assess.h) has a word per family table, and a kind
 * that x->kind keeps in a byte */
_Static_assert(sizeof(((struct assess_ev_bits *)0)->serves) == FAM__MAX * sizeof(uint32_t),
	       "assess_ev_bits: one word per family table");
_Static_assert(EV_CLIENT <= UINT8_MAX, "ev_kind fits ev_info.kind");

struct ev_info {
	const struct hk_evidence *e;
	uint8_t kind; /* enum ev_kind */
	bool peer;    /* source "flow.peer" */
	struct fam_bits fam[FAM__MAX];
};

/* The device's evidence in canonical order (attribute, value, source), so
 * that the lines do not depend on the order it is stored in. Devices with
 * up to EV_VIEW_SMALL items (nearly all) need no allocation. */
#define EV_VIEW_SMALL 64

struct ev_view {
	struct ev_info *v;
	size_t n;
	uint32_t any[FAM__MAX]; /* the families any item has a bit for */
	/* room for the claims of one kind (claims_of), n entries: one
	 * claims_of at a time */
	const struct hk_evidence **claims;
	struct ev_info small[EV_VIEW_SMALL];
	const struct hk_evidence *small_claims[EV_VIEW_SMALL];
};

/* Evidence of one kind, strongest first: in the view's room for claims. */
struct claims {
	const struct hk_evidence **v;
	size_t n;
};

/* Evidence of one kind, strongest first. The view's room holds them: valid
 * until the next claims_of on the view. */
static void claims_of(const struct ev_view *w, enum ev_kind kind, struct claims *c)
{
	c->v = w->claims;
	c->n = 0;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].kind == kind)
			c->v[c->n++] = w->v[i].e;
	/* claim_cmp is 0 only for items alike in all it shows (value, source,
	 * confidence), so the order of input does not change the result */
	qsort(c->v, c->n, sizeof(*c->v), claim_order);
}

static bool is_oui_claim(const struct hk_evidence *e)
{
	return strncmp(e->source, "oui.", 4) == 0;
}

/* --- origin ---------------------------------------------------------------- */

/* The strongest state grade on the parent chain of c (nearest first on ties). */
static const struct origin_company *state_carrier(const struct origin_db *db, const struct origin_company *c)
{
	const struct origin_company *best = c, *x = c;

	for (unsigned depth = 0; x && depth < ORIGIN_PARENT_DEPTH_MAX; depth++) {
		if (x->state > best->state)
			best = x;
		if (!has(x->parent_id))
			break;
		x = origin_company(db, x->parent_id);
	}
	return best;
}

static void fill_company(struct work *w, const struct origin_db *db, const struct origin_company *c)
{
	struct assess_result *r = w->r;
	const struct origin_company *top = origin_top(db, c), *st = state_carrier(db, c);
	const char *cc;

	if (!top)
		top = c;
	hk_str_copy(w->company_id, sizeof(w->company_id), c->id);
	hk_str_copy(w->company, sizeof(w->company), c->name);
	hk_str_copy(w->hq_country, sizeof(w->hq_country), c->hq_country);
	/* the controlling party is the top of the chain; a row of its own may
	 * say more than its parent's when the data is only that far */
	cc = has(top->control_country) ? top->control_country : c->control_country;
	hk_str_copy(w->control_country, sizeof(w->control_country), cc);
	if (has(top->controller))
		hk_str_copy(w->controller, sizeof(w->controller), top->controller);
	else if (top != c)
		hk_str_copy(w->controller, sizeof(w->controller), top->name);
	else if (has(c->controller))
		hk_str_copy(w->controller, sizeof(w->controller), c->controller);
	else
		hk_str_copy(w->controller, sizeof(w->controller), c->name);
	r->state = origin_state_name(st->state);
	r->state_share = st->state != ORIGIN_STATE_NONE ? st->state_share : -1;
	hk_str_copy(w->as_of, sizeof(w->as_of), c->as_of);
	r->origin_known = w->control_country[0] != '\0';
}

/* The chain after the company: " -> parent -> top", or "". */
static void chain_text(const struct origin_db *db, const struct origin_company *c, char *buf, size_t sz)
{
	const struct origin_company *x = c;
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned depth = 0; depth < ORIGIN_PARENT_DEPTH_MAX && has(x->parent_id); depth++) {
		const struct origin_company *p = origin_company(db, x->parent_id);
		if (!p || used >= sz)
			break;
		hk_str_cat(buf, sz, &used, " -> ");
		hk_str_cat(buf, sz, &used, p->id);
		x = p;
	}
}

static void resolve_origin(const struct ev_view *v, const struct assess_annotations *ann,
			   const struct assess_ctx *ctx, struct work *w)
{
	struct assess_result *r = w->r;
	const struct hk_evidence **claims, *hit = NULL;
	const struct origin_company *c = NULL;
	const char *rule = NULL;
	struct claims cl;
	size_t n, n_strong = 0, n_unresolved = 0;
	char chain[160], num[HK_U64_STRLEN];

	claims_of(v, EV_MANUFACTURER, &cl);
	claims = cl.v;
	n = cl.n;

	if (ann && has(ann->owner_company)) {
		const struct hk_evidence *best = n ? claims[0] : NULL;
		c = ctx->origin ? origin_company(ctx->origin, ann->owner_company) : NULL;
		if (!c) {
			textf(w->basis, sizeof(w->basis),
			      "owner annotation \"%s\" names no company in the ownership table%s", ann->owner_company,
			      ctx->origin ? "" : " (no ownership data loaded)");
			goto out;
		}
		fill_company(w, ctx->origin, c);
		hk_str_copy(w->manufacturer, sizeof(w->manufacturer), best ? best->value : "");
		hk_str_copy(w->manufacturer_source, sizeof(w->manufacturer_source), "annotation");
		chain_text(ctx->origin, c, chain, sizeof(chain));
		if (best)
			textf(w->basis, sizeof(w->basis),
			      "owner set by annotation: %s%s (overrides the claim \"%s\" (%s, %u))", c->id, chain,
			      best->value, best->source, best->confidence);
		else
			textf(w->basis, sizeof(w->basis), "owner set by annotation: %s%s", c->id, chain);
		goto known;
	}
	if (!ctx->origin) {
		hk_str_copy(w->basis, sizeof(w->basis), "no ownership data loaded");
		goto out;
	}
	if (!n) {
		hk_str_copy(w->basis, sizeof(w->basis), "no manufacturer claim");
		goto out;
	}
	/* strong claims first, each in confidence order; the OUI registrant last */
	for (int pass = 0; pass < 2 && !c; pass++) {
		for (size_t i = 0; i < n && !c; i++) {
			if (is_oui_claim(claims[i]) != (pass == 1))
				continue;
			if (pass == 0)
				n_strong++;
			c = origin_resolve(ctx->origin, claims[i]->value, &rule);
			if (c)
				hit = claims[i];
			else
				n_unresolved++;
		}
	}
	if (!c) {
		textc(w->basis, sizeof(w->basis), "no manufacturer claim matches an alias: \"", claims[0]->value,
		      "\" (", claims[0]->source, ", ", hk_u64_text(claims[0]->confidence, num), ")",
		      n > 1 ? " and others" : "", NULL);
		goto out;
	}
	fill_company(w, ctx->origin, c);
	hk_str_copy(w->manufacturer, sizeof(w->manufacturer), hit->value);
	hk_str_copy(w->manufacturer_source, sizeof(w->manufacturer_source), hit->source);
	chain_text(ctx->origin, c, chain, sizeof(chain));
	r->origin_weak = is_oui_claim(hit);
	if (r->origin_weak)
		textc(w->basis, sizeof(w->basis), "weak: only the OUI registrant resolved (registrant is not brand or owner",
		      n_strong ? ", stronger claims match no alias" : "", "): \"", hit->value, "\" (", hit->source, ", ",
		      hk_u64_text(hit->confidence, num), ") -> ", rule ? rule : "?", " -> ", c->id, chain, NULL);
	else
		textc(w->basis, sizeof(w->basis), "\"", hit->value, "\" (", hit->source, ", ",
		      hk_u64_text(hit->confidence, num), ") -> ", rule ? rule : "?", " -> ", c->id, chain,
		      n_unresolved ? " (stronger claims match no alias)" : "", NULL);
known:
	if (!r->origin_known) {
		size_t used = strlen(w->basis);
		hk_str_copy(w->basis + used, sizeof(w->basis) - used, "; no control country recorded");
	}
out:; /* a label before '}' is C23; clang 14 (the fuzzing build) refuses it in C11 */
}

/* --- criteria 1 and 2 ------------------------------------------------------ */

static void criterion_country(const struct work *w, const struct assess_ctx *ctx, int n, struct lines *lp)
{
	const struct assess_result *r = w->r;
	struct lines l = *lp;
	struct assess_criterion *c = l.c;
	const char *ref = NULL, *num_text;
	char num[HK_U64_STRLEN];

	if (!r->origin_known) {
		line_put(&l, "origin unknown: ", w->basis);
		return;
	}
	num_text = hk_u64_text((unsigned)n, num); /* n is 1 or 2: "%d" */
	if (ctx->policy && policy_holds(ctx->policy, n, w->control_country, &ref)) {
		c->holds = true;
		line_cat(&l, "control country ", w->control_country, " is on the criterion-", num_text,
			 " list of policy \"", policy_name(ctx->policy) ? policy_name(ctx->policy) : "?", "\": ",
			 ref ? ref : "(no reference)", NULL);
	} else if (ctx->policy) {
		line_cat(&l, "control country ", w->control_country, " is not on the criterion-", num_text,
			 " list of policy \"", policy_name(ctx->policy) ? policy_name(ctx->policy) : "?", "\"", NULL);
	} else {
		line_cat(&l, "no country policy loaded: criterion ", num_text, " cannot hold by country", NULL);
	}
	line_finish(&l);
}

/* Appended to criterion 1: a state grade anywhere on the chain makes it hold. */
static void criterion_state(struct work *w, const struct assess_ctx *ctx, const struct lines *c1)
{
	struct assess_result *r = w->r;
	struct lines l = {&r->c1, c1->rows, 0};
	const struct origin_company *c, *st;
	char share[32] = "";

	if (!ctx->origin || !w->company_id[0])
		return;
	c = origin_company(ctx->origin, w->company_id);
	if (!c)
		return;
	st = state_carrier(ctx->origin, c);
	if (st->state == ORIGIN_STATE_NONE) {
		if (r->origin_known)
			line_put(&l, "no state ownership recorded for ", c->id);
		return;
	}
	r->c1.holds = true;
	if (st->state_share >= 0)
		snprintf(share, sizeof(share), ", %g %%", st->state_share);
	if (st == c)
		line_add(&l, "state-owned: %s%s (%s, as of %s): %s", origin_state_name(st->state), share, st->id,
			 has(st->as_of) ? st->as_of : "?", has(st->reference) ? st->reference : "(no reference)");
	else
		line_add(&l, "state-owned through %s: %s%s (as of %s): %s", st->id, origin_state_name(st->state), share,
			 has(st->as_of) ? st->as_of : "?", has(st->reference) ? st->reference : "(no reference)");
	line_finish(&l);
}

/* --- criterion 3A ---------------------------------------------------------- */

static bool access_role(const char *v)
{
	for (size_t i = 0; i < N_OF(access_roles); i++)
		if (strcmp(v, access_roles[i]) == 0)
			return true;
	return false;
}

static void access_from_roles(const struct ev_view *w, struct lines *l)
{
	struct claims v;
	char num[HK_U64_STRLEN];

	claims_of(w, EV_ROLE, &v);
	/* one line per role value, its strongest claim, strongest first */
	for (size_t i = 0; i < v.n; i++) {
		bool seen = false;
		if (!access_role(v.v[i]->value))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(v.v[j]->value, v.v[i]->value) == 0;
		if (!seen)
			line_cat(l, "role ", v.v[i]->value, " (", v.v[i]->source, ", ",
				 hk_u64_text(v.v[i]->confidence, num), ")", NULL);
	}
}

static int canonical_order(const struct hk_evidence *a, const struct hk_evidence *b)
{
	int c = strcmp(a->attribute, b->attribute);
	if (c)
		return c;
	c = strcmp(a->value, b->value);
	return c ? c : strcmp(a->source, b->source);
}

static int info_order(const void *pa, const void *pb)
{
	return canonical_order(((const struct ev_info *)pa)->e, ((const struct ev_info *)pb)->e);
}

#define FAMILIES_MAX 32 /* bits of a uint32_t */
_Static_assert(N_OF(industrial) <= FAMILIES_MAX && N_OF(remote_access) <= FAMILIES_MAX, "family bits");

static const struct {
	const struct proto_family *fam;
	size_t n;
} tables[FAM__MAX] = {
	[FAM_INDUSTRIAL] = {industrial, N_OF(industrial)},
	[FAM_REMOTE] = {remote_access, N_OF(remote_access)},
};

/* The attribute's kind: its first byte first, this is asked of every item. */
static enum ev_kind ev_kind_of(const char *attr)
{
	switch (attr[0]) {
	case 'm':
		return strcmp(attr, HK_A_MANUFACTURER) == 0 ? EV_MANUFACTURER : EV_OTHER;
	case 'r':
		return strcmp(attr, HK_A_ROLE) == 0 ? EV_ROLE : EV_OTHER;
	case 's':
		return strcmp(attr, HK_A_SERVICE) == 0 ? EV_SERVICE : EV_OTHER;
	case 'c':
		return strcmp(attr, HK_A_CLIENT) == 0 ? EV_CLIENT : EV_OTHER;
	default:
		return EV_OTHER;
	}
}

/*
 * The families' nDPI names and parser prefixes by length, built once from
 * the tables: an item's name or source prefix is compared only with those
 * of its length (a handful) instead of every name of every family.
 */
#define NAME_LEN_MAX 16 /* longer than any name or prefix in the tables */
#define NAMES_MAX 64

struct name_bit {
	const char *s;
	uint8_t len, table, fam;
};

static struct {
	struct name_bit ndpi[NAMES_MAX], src[NAMES_MAX];
	uint8_t ndpi_at[NAME_LEN_MAX + 1], src_at[NAME_LEN_MAX + 1]; /* first of each length; [len + 1] ends it */
} idx;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void index_add(struct name_bit *v, size_t *n, const char *s, size_t len, int t, size_t k)
{
	size_t i = *n;

	assert(len < NAME_LEN_MAX && *n < NAMES_MAX); /* the tables above are constants */
	if (len >= NAME_LEN_MAX || *n >= NAMES_MAX)
		return;
	/* insertion by length: the arrays are tiny and built once */
	while (i > 0 && v[i - 1].len > len) {
		v[i] = v[i - 1];
		i--;
	}
	v[i] = (struct name_bit){s, (uint8_t)len, (uint8_t)t, (uint8_t)k};
	(*n)++;
}

static void index_bounds(const struct name_bit *v, size_t n, uint8_t *at)
{
	for (size_t len = 0, i = 0; len <= NAME_LEN_MAX; len++) {
		while (i < n && v[i].len < len)
			i++;
		at[len] = (uint8_t)i;
	}
}

static void index_build(void)
{
	size_t n_ndpi = 0, n_src = 0;

	for (int t = 0; t < FAM__MAX; t++)
		for (size_t k = 0; k < tables[t].n; k++) {
			const struct proto_family *p = &tables[t].fam[k];
			for (size_t i = 0; i < PROTO_NAMES_MAX && p->ndpi[i]; i++)
				index_add(idx.ndpi, &n_ndpi, p->ndpi[i], strlen(p->ndpi[i]), t, k);
			for (size_t i = 0; i < PROTO_NAMES_MAX && p->src[i].s; i++) {
				/* found by a source's text up to its first '.'
				 * (assess_classify): one '.', the prefix's last byte */
				assert(p->src[i].len > 0 &&
				       memchr(p->src[i].s, '.', p->src[i].len) == p->src[i].s + p->src[i].len - 1);
				index_add(idx.src, &n_src, p->src[i].s, p->src[i].len, t, k);
			}
		}
	index_bounds(idx.ndpi, n_ndpi, idx.ndpi_at);
	index_bounds(idx.src, n_src, idx.src_at);
}

/* ORs into bits[table] the families whose names (of v, by length) equal s. */
static void index_find(const struct name_bit *v, const uint8_t *at, const char *s, size_t len,
		       uint32_t bits[FAM__MAX])
{
	if (len == 0 || len >= NAME_LEN_MAX)
		return;
	for (size_t i = at[len]; i < at[len + 1]; i++)
		if (v[i].s[0] == s[0] && memcmp(v[i].s, s, len) == 0)
			bits[v[i].table] |= 1u << v[i].fam;
}

void assess_classify(const struct hk_evidence *e, struct assess_ev_bits *ret)
{
	const char *name = NULL, *dot = memchr(e->source, '.', strnlen(e->source, sizeof(e->source)));
	enum ev_kind kind = ev_kind_of(e->attribute);
	uint32_t named[FAM__MAX] = {0, 0};
	char f[64];

	pthread_once(&idx_once, index_build);
	memset(ret, 0, sizeof(*ret));
	ret->kind = (int)kind;
	ret->peer = e->source[0] == 'f' && strcmp(e->source, "flow.peer") == 0;
	if (kind == EV_SERVICE)
		name = service_proto(e->value);
	else if (kind == EV_CLIENT)
		name = e->value;
	if (name)
		index_find(idx.ndpi, idx.ndpi_at, f, fold(name, f, sizeof(f)), named);
	if (dot)
		index_find(idx.src, idx.src_at, e->source, (size_t)(dot - e->source) + 1, ret->speaks);
	for (int t = 0; t < FAM__MAX; t++) {
		ret->serves[t] = kind == EV_SERVICE ? named[t] : 0;
		ret->uses[t] = kind == EV_CLIENT ? named[t] : 0;
	}
}

/* The device's items in canonical order, each classified; -ENOMEM (and an
 * empty view) without memory for more than EV_VIEW_SMALL of them. */
static int view_init(struct ev_view *w, const struct hk_device *d)
{
	bool sorted = true;

	memset(w->any, 0, sizeof(w->any));
	w->n = 0;
	w->v = w->small;
	w->claims = w->small_claims;
	if (d->n_ev > EV_VIEW_SMALL) {
		/* the items and the room for claims in one block */
		struct ev_info *v = malloc(d->n_ev * (sizeof(*w->v) + sizeof(*w->claims)));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->claims = (const struct hk_evidence **)(void *)(v + d->n_ev);
	}
	for (size_t i = 0; i < d->n_ev; i++) {
		w->v[w->n++].e = &d->ev[i];
		if (i && sorted && canonical_order(&d->ev[i - 1], &d->ev[i]) > 0)
			sorted = false;
	}
	/* a device's evidence is normally in this order already (snapshot,
	 * deriver, store): then one pass instead of a sort */
	if (!sorted)
		qsort(w->v, w->n, sizeof(*w->v), info_order);
	for (size_t i = 0; i < w->n; i++) {
		struct ev_info *x = &w->v[i];
		struct assess_ev_bits b;

		assess_classify(x->e, &b);
		x->kind = (uint8_t)b.kind;
		x->peer = b.peer;
		for (int t = 0; t < FAM__MAX; t++) {
			x->fam[t] = (struct fam_bits){b.serves[t], b.uses[t], b.speaks[t]};
			w->any[t] |= b.serves[t] | b.uses[t] | b.speaks[t];
		}
	}
	return 0;
}

static void view_free(struct ev_view *w)
{
	if (w->v != w->small)
		free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Is there a stronger item of the same attribute and value? (Canonical order
 * makes them neighbours.) */
static bool weaker_twin(const struct ev_view *w, size_t i)
{
	const struct hk_evidence *e = w->v[i].e;
	for (size_t j = i; j-- > 0 && strcmp(w->v[j].e->attribute, e->attribute) == 0 &&
			    strcmp(w->v[j].e->value, e->value) == 0;)
		if (claim_cmp(w->v[j].e, e) > 0)
			return true;
	for (size_t j = i + 1; j < w->n && strcmp(w->v[j].e->attribute, e->attribute) == 0 &&
			       strcmp(w->v[j].e->value, e->value) == 0;
	     j++)
		if (claim_cmp(w->v[j].e, e) > 0)
			return true;
	return false;
}

/* Served and used protocols of the families of table t, then parser
 * evidence for a family nDPI did not name. */
static void access_from_protocols(const struct ev_view *w, int t, struct lines *l)
{
	const struct proto_family *fam = tables[t].fam;
	uint32_t any = w->any[t];
	char num[HK_U64_STRLEN];

	for (size_t f = 0; f < tables[t].n; f++) {
		const struct hk_evidence *parser = NULL;
		uint32_t bit = 1u << f;
		bool named = false;

		if (!(any & bit))
			continue; /* no item of this family: no line */

		for (size_t i = 0; i < w->n; i++) {
			const struct hk_evidence *e = w->v[i].e;
			if (!(w->v[i].fam[t].serves & bit) || weaker_twin(w, i))
				continue;
			line_cat(l, "serves ", e->value, " (", e->source, ", ", hk_u64_text(e->confidence, num), ")", NULL);
			named = true;
		}
		for (size_t i = 0; i < w->n; i++) {
			const struct hk_evidence *e = w->v[i].e;
			if (!(w->v[i].fam[t].uses & bit) || weaker_twin(w, i))
				continue;
			line_cat(l, "uses ", e->value, " (", e->source, ", ", hk_u64_text(e->confidence, num), ")", NULL);
			named = true;
		}
		if (named)
			continue;
		for (size_t i = 0; i < w->n; i++) {
			const struct hk_evidence *e = w->v[i].e;
			if ((w->v[i].fam[t].speaks & bit) && (!parser || claim_cmp(e, parser) > 0))
				parser = e;
		}
		if (parser)
			line_cat(l, "speaks ", fam[f].label, " (", parser->source, ", ", hk_u64_text(parser->confidence, num),
				 ")", NULL);
	}
}

/* "out 203.0.113.77 tcp/443 TLS" → "out 203.0.113.77 (US) tcp/443 TLS";
 * what textf(buf, sz, "%.*s (%s)%s", ...) or "%s" gave, cut at the same byte. */
static void peer_text(const char *v, const struct geoip *geo, char *buf, size_t sz)
{
	const char *sp1 = strchr(v, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char ip[HK_ADDR_STRLEN];
	struct hk_addr a;
	const char *cc = NULL;
	size_t used = 0;

	if (sp1 && sp2 && (size_t)(sp2 - sp1 - 1) < sizeof(ip)) {
		memcpy(ip, sp1 + 1, (size_t)(sp2 - sp1 - 1));
		ip[sp2 - sp1 - 1] = '\0';
		if (geo && hk_addr_parse(ip, &a))
			cc = geoip_country(geo, &a);
	}
	buf[0] = '\0';
	if (cc && cc[0]) {
		size_t head = (size_t)(sp2 - v) < sz - 1 ? (size_t)(sp2 - v) : sz - 1;
		memcpy(buf, v, head);
		buf[head] = '\0';
		used = head;
		hk_str_cat(buf, sz, &used, " (");
		hk_str_cat(buf, sz, &used, cc);
		hk_str_cat(buf, sz, &used, ")");
		hk_str_cat(buf, sz, &used, sp2);
	} else {
		hk_str_cat(buf, sz, &used, v);
	}
}

static void access_from_peers(const struct ev_view *w, const struct geoip *geo, struct lines *l)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct hk_evidence *e = w->v[i].e;
		char text[HK_OBS_VALUE_MAX + 8], num[HK_U64_STRLEN];
		if (!w->v[i].peer)
			continue;
		if (l->c->n_why >= ASSESS_WHY_MAX) {
			l->n_more++; /* what line_add would do: no geolocation lookup for a line that is not kept */
			continue;
		}
		peer_text(e->value, geo, text, sizeof(text));
		line_cat(l, "external peer ", text, " (", e->source, ", ", hk_u64_text(e->confidence, num), ")", NULL);
	}
}

static void criterion_access(const struct ev_view *w, const struct assess_ctx *ctx, const struct lines *lp)
{
	struct lines l = *lp;
	struct assess_criterion *c = l.c;

	access_from_roles(w, &l);
	access_from_protocols(w, FAM_INDUSTRIAL, &l);
	access_from_protocols(w, FAM_REMOTE, &l);
	access_from_peers(w, ctx->geo, &l);
	c->holds = c->n_why > 0;
	if (!c->holds)
		line_put(&l, "no access-giving role, industrial or remote-access protocol, or external peer seen", "");
	line_finish(&l);
}

/* --- 3B and the verdict ---------------------------------------------------- */

static void criterion_mitigation(const struct assess_annotations *ann, const struct lines *lp)
{
	struct lines l = *lp;
	struct assess_criterion *c = l.c;

	if (!ann || !has(ann->mitigation)) {
		line_put(&l, "no mitigation recorded", "");
		return;
	}
	c->holds = true;
	line_add(&l, "mitigation recorded (%s): %s", ann->mitigation_sufficient ? "sufficient" : "not sufficient",
		 ann->mitigation);
}

/* One text of the result: its place in the work and in the result. */
#define TEXT(f) {offsetof(struct work, f), offsetof(struct assess_result, f)}

static const struct {
	size_t work, result;
} texts[] = {
	TEXT(manufacturer), TEXT(manufacturer_source), TEXT(company_id), TEXT(company), TEXT(controller),
	TEXT(control_country), TEXT(hq_country), TEXT(as_of), TEXT(basis),
};

static const char **text_slot(struct assess_result *r, size_t i)
{
	return (const char **)(void *)((char *)r + texts[i].result);
}

/* Moves the texts and the lines into one allocation of their length: the
 * lines' pointers first (aligned, as malloc's memory is), then the bytes. */
static int pack_text(struct work *w)
{
	struct assess_result *r = w->r;
	struct assess_criterion *cs[] = {&r->c1, &r->c2, &r->c3a, &r->c3b};
	size_t len_text[N_OF(texts)], len_line[N_OF(cs)][ASSESS_WHY_MAX], n_lines = 0, total = 0;
	const char **ptr;
	char *p;

	for (size_t i = 0; i < N_OF(texts); i++) {
		const char *t = (const char *)w + texts[i].work;
		len_text[i] = t[0] ? strlen(t) + 1 : 0;
		total += len_text[i];
	}
	for (size_t k = 0; k < N_OF(cs); k++) {
		n_lines += cs[k]->n_why;
		for (size_t i = 0; i < cs[k]->n_why; i++)
			total += (len_line[k][i] = strlen(w->rows[k][i]) + 1);
	}
	total += n_lines * sizeof(*ptr);
	r->text = total ? malloc(total) : NULL;
	if (!r->text) {
		for (size_t i = 0; i < N_OF(texts); i++)
			*text_slot(r, i) = "";
		for (size_t k = 0; k < N_OF(cs); k++) {
			cs[k]->n_why = 0;
			cs[k]->why = NULL;
		}
		return total ? -ENOMEM : 0;
	}
	ptr = (const char **)(void *)r->text;
	p = r->text + n_lines * sizeof(*ptr);
	for (size_t i = 0; i < N_OF(texts); i++) {
		if (!len_text[i]) {
			*text_slot(r, i) = "";
			continue;
		}
		memcpy(p, (const char *)w + texts[i].work, len_text[i]);
		*text_slot(r, i) = p;
		p += len_text[i];
	}
	for (size_t k = 0; k < N_OF(cs); k++) {
		cs[k]->why = cs[k]->n_why ? ptr : NULL;
		for (size_t i = 0; i < cs[k]->n_why; i++) {
			memcpy(p, w->rows[k][i], len_line[k][i]);
			*ptr++ = p;
			p += len_line[k][i];
		}
	}
	return 0;
}

int assess_device(const struct hk_device *d, const struct assess_annotations *ann, const struct assess_ctx *ctx,
		  struct assess_result *out)
{
	static const struct assess_ctx none;
	struct work w;
	struct lines l1 = {&out->c1, w.rows[0], 0}, l2 = {&out->c2, w.rows[1], 0}, l3a = {&out->c3a, w.rows[2], 0},
		     l3b = {&out->c3b, w.rows[3], 0};
	struct ev_view v;
	bool all, mitigated;

	if (!ctx)
		ctx = &none;
	memset(out, 0, sizeof(*out));
	/* the rows are written as lines are added: only the texts start empty */
	w.r = out;
	for (size_t i = 0; i < N_OF(texts); i++)
		((char *)&w + texts[i].work)[0] = '\0';
	out->state = origin_state_name(ORIGIN_STATE_NONE);
	out->state_share = -1;
	if (view_init(&v, d) < 0) {
		/* not an assessment of part of the evidence: none */
		out->verdict = ASSESS_UNKNOWN;
		return -ENOMEM;
	}
	resolve_origin(&v, ann, ctx, &w);
	criterion_country(&w, ctx, 1, &l1);
	criterion_state(&w, ctx, &l1);
	criterion_country(&w, ctx, 2, &l2);
	criterion_access(&v, ctx, &l3a);
	view_free(&v);
	criterion_mitigation(ann, &l3b);

	all = out->c1.holds && out->c2.holds && out->c3a.holds;
	mitigated = out->c3b.holds && ann && ann->mitigation_sufficient;
	if (!out->origin_known)
		out->verdict = ASSESS_UNKNOWN;
	else if (all && !mitigated)
		out->verdict = ASSESS_FLAGGED;
	else if (out->c1.holds || out->c2.holds || out->c3a.holds)
		out->verdict = ASSESS_PARTIAL;
	else
		out->verdict = ASSESS_CLEAR;
	return pack_text(&w);
}

void assess_result_clear(struct assess_result *r)
{
	if (!r)
		return;
	free(r->text);
	memset(r, 0, sizeof(*r));
}

const char *assess_verdict_name(enum assess_verdict v)
{
	switch (v) {
	case ASSESS_CLEAR:
		return "clear";
	case ASSESS_PARTIAL:
		return "partial";
	case ASSESS_FLAGGED:
		return "flagged";
	default:
		return "unknown";
	}
}
