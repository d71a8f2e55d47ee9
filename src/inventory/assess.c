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

#include <errno.h>
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

struct proto_family {
	const char *label;
	const char *ndpi[PROTO_NAMES_MAX];
	const char *src[PROTO_NAMES_MAX];
};

static const struct proto_family industrial[] = {
	{"Modbus", {"modbus"}, {"modbus."}},
	{"S7comm", {"s7comm", "s7commplus"}, {"s7comm.", "s7commplus."}},
	{"DNP3", {"dnp3"}, {"dnp3."}},
	{"IEC 60870-5-104", {"iec60870", "iec104", "iec608705104"}, {"iec104."}},
	{"EtherNet/IP (CIP)", {"ethernetip", "cip", "cipio"}, {"enip."}},
	{"BACnet", {"bacnet"}, {"bacnet."}},
	{"OPC UA", {"opcua"}, {"opcua."}},
	{"IEC 61850", {"iec61850", "goose"}, {"mms.", "goose."}},
	{"PROFINET", {"profinet", "profinetio", "pndcp"}, {"pndcp."}},
	{"FINS", {"fins", "omronfins"}, {"fins."}},
	{"MELSEC", {"melsec", "melsoft"}, {"melsec."}},
};

static const struct proto_family remote_access[] = {
	{"SSH", {"ssh"}, {"ssh."}},
	{"Telnet", {"telnet"}, {"telnet."}},
	{"RDP", {"rdp"}, {NULL}},
	{"VNC", {"vnc", "rfb"}, {NULL}},
	{"TeamViewer", {"teamviewer"}, {NULL}},
	{"AnyDesk", {"anydesk"}, {NULL}},
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

/* "OPC-UA" → "opcua", "EthernetIP" → "ethernetip". */
static void fold(const char *s, char *out, size_t outsz)
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
}

/* name folded (fold()) */
static bool family_ndpi(const struct proto_family *p, const char *folded)
{
	for (size_t i = 0; i < PROTO_NAMES_MAX && p->ndpi[i]; i++)
		if (folded[0] == p->ndpi[i][0] && strcmp(folded, p->ndpi[i]) == 0)
			return true;
	return false;
}

static bool family_source(const struct proto_family *p, const char *source)
{
	for (size_t i = 0; i < PROTO_NAMES_MAX && p->src[i]; i++)
		if (source[0] == p->src[i][0] && strncmp(source, p->src[i], strlen(p->src[i])) == 0)
			return true;
	return false;
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

/* Evidence of one attribute, strongest first. The caller frees *ret. */
static size_t claims_of(const struct hk_device *d, const char *attr, const struct hk_evidence ***ret)
{
	const struct hk_evidence **v;
	size_t n = 0;

	*ret = NULL;
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0)
			n++;
	if (!n)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return 0;
	n = 0;
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0)
			v[n++] = &d->ev[i];
	qsort(v, n, sizeof(*v), claim_order);
	*ret = v;
	return n;
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
		textf(buf + used, sz - used, " -> %s", p->id);
		used += strlen(buf + used);
		x = p;
	}
}

static void resolve_origin(const struct hk_device *d, const struct assess_annotations *ann,
			   const struct assess_ctx *ctx, struct work *w)
{
	struct assess_result *r = w->r;
	const struct hk_evidence **claims = NULL, *hit = NULL;
	const struct origin_company *c = NULL;
	const char *rule = NULL;
	size_t n = claims_of(d, HK_A_MANUFACTURER, &claims), n_strong = 0, n_unresolved = 0;
	char chain[160], num[HK_U64_STRLEN];

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
out:
	free(claims);
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
			line_add(&l, "no state ownership recorded for %s", c->id);
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

static void access_from_roles(const struct hk_device *d, struct lines *l)
{
	const struct hk_evidence **v = NULL;
	size_t n = claims_of(d, HK_A_ROLE, &v);
	char num[HK_U64_STRLEN];

	/* one line per role value, its strongest claim, strongest first */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		if (!access_role(v[i]->value))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(v[j]->value, v[i]->value) == 0;
		if (!seen)
			line_cat(l, "role ", v[i]->value, " (", v[i]->source, ", ", hk_u64_text(v[i]->confidence, num), ")",
				 NULL);
	}
	free(v);
}

/* What each evidence item is to one table of families, read once per
 * device rather than once per family: bit f set when the item names family f
 * as a service it serves, as a protocol it uses, or speaks it (its source). */
struct fam_bits {
	uint32_t serves, uses, speaks;
};

/* The device's evidence in canonical order (attribute, value, source), so
 * that the lines do not depend on the order it is stored in. */
struct ev_view {
	const struct hk_evidence **v;
	size_t n;
	struct fam_bits *bits; /* n of them, scratch for access_from_protocols */
};

static int canonical_order(const void *pa, const void *pb)
{
	const struct hk_evidence *a = *(const struct hk_evidence *const *)pa;
	const struct hk_evidence *b = *(const struct hk_evidence *const *)pb;
	int c = strcmp(a->attribute, b->attribute);
	if (c)
		return c;
	c = strcmp(a->value, b->value);
	return c ? c : strcmp(a->source, b->source);
}

static void view_init(struct ev_view *w, const struct hk_device *d)
{
	bool sorted = true;

	w->n = 0;
	w->v = d->n_ev ? calloc(d->n_ev, sizeof(*w->v)) : NULL;
	w->bits = d->n_ev ? calloc(d->n_ev, sizeof(*w->bits)) : NULL;
	if (!w->v || !w->bits) {
		free(w->v);
		free(w->bits);
		w->v = NULL;
		w->bits = NULL;
		return;
	}
	for (size_t i = 0; i < d->n_ev; i++) {
		w->v[w->n++] = &d->ev[i];
		if (i && sorted && canonical_order(&w->v[i - 1], &w->v[i]) > 0)
			sorted = false;
	}
	/* a device's evidence is normally in this order already (snapshot,
	 * deriver, store): then one pass instead of a sort */
	if (!sorted)
		qsort(w->v, w->n, sizeof(*w->v), canonical_order);
}

/* Is there a stronger item of the same attribute and value? (Canonical order
 * makes them neighbours.) */
static bool weaker_twin(const struct ev_view *w, size_t i)
{
	const struct hk_evidence *e = w->v[i];
	for (size_t j = i; j-- > 0 && strcmp(w->v[j]->attribute, e->attribute) == 0 &&
			    strcmp(w->v[j]->value, e->value) == 0;)
		if (claim_cmp(w->v[j], e) > 0)
			return true;
	for (size_t j = i + 1; j < w->n && strcmp(w->v[j]->attribute, e->attribute) == 0 &&
			       strcmp(w->v[j]->value, e->value) == 0;
	     j++)
		if (claim_cmp(w->v[j], e) > 0)
			return true;
	return false;
}

#define FAMILIES_MAX 32 /* bits of a uint32_t */
_Static_assert(N_OF(industrial) <= FAMILIES_MAX && N_OF(remote_access) <= FAMILIES_MAX, "family bits");

/* Returns the families any item has a bit for. */
static uint32_t family_bits(const struct ev_view *w, const struct proto_family *fam, size_t n_fam,
			    struct fam_bits *b)
{
	uint32_t any = 0;

	for (size_t i = 0; i < w->n; i++) {
		const struct hk_evidence *e = w->v[i];
		const char *name = NULL;
		uint32_t *named = NULL;

		b[i] = (struct fam_bits){0, 0, 0};
		if (e->attribute[0] == 's' && strcmp(e->attribute, HK_A_SERVICE) == 0) {
			name = service_proto(e->value);
			named = &b[i].serves;
		} else if (e->attribute[0] == 'c' && strcmp(e->attribute, HK_A_CLIENT) == 0) {
			name = e->value;
			named = &b[i].uses;
		}
		if (name) {
			char f[64];
			fold(name, f, sizeof(f));
			for (size_t k = 0; k < n_fam; k++)
				if (family_ndpi(&fam[k], f))
					*named |= 1u << k;
		}
		for (size_t k = 0; k < n_fam; k++)
			if (family_source(&fam[k], e->source))
				b[i].speaks |= 1u << k;
		any |= b[i].serves | b[i].uses | b[i].speaks;
	}
	return any;
}

/* Served and used protocols of the families, then parser evidence for a
 * family nDPI did not name. b: w->n items of scratch. */
static void access_from_protocols(const struct ev_view *w, const struct proto_family *fam, size_t n_fam,
				  struct fam_bits *b, struct lines *l)
{
	uint32_t any = family_bits(w, fam, n_fam, b);
	char num[HK_U64_STRLEN];

	for (size_t f = 0; f < n_fam; f++) {
		const struct hk_evidence *parser = NULL;
		uint32_t bit = 1u << f;
		bool named = false;

		if (!(any & bit))
			continue; /* no item of this family: no line */

		for (size_t i = 0; i < w->n; i++) {
			const struct hk_evidence *e = w->v[i];
			if (!(b[i].serves & bit) || weaker_twin(w, i))
				continue;
			line_cat(l, "serves ", e->value, " (", e->source, ", ", hk_u64_text(e->confidence, num), ")", NULL);
			named = true;
		}
		for (size_t i = 0; i < w->n; i++) {
			const struct hk_evidence *e = w->v[i];
			if (!(b[i].uses & bit) || weaker_twin(w, i))
				continue;
			line_cat(l, "uses ", e->value, " (", e->source, ", ", hk_u64_text(e->confidence, num), ")", NULL);
			named = true;
		}
		if (named)
			continue;
		for (size_t i = 0; i < w->n; i++) {
			const struct hk_evidence *e = w->v[i];
			if ((b[i].speaks & bit) && (!parser || claim_cmp(e, parser) > 0))
				parser = e;
		}
		if (parser)
			line_cat(l, "speaks ", fam[f].label, " (", parser->source, ", ", hk_u64_text(parser->confidence, num),
				 ")", NULL);
	}
}

/* "out 203.0.113.77 tcp/443 TLS" → "out 203.0.113.77 (US) tcp/443 TLS". */
static void peer_text(const char *v, const struct geoip *geo, char *buf, size_t sz)
{
	const char *sp1 = strchr(v, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char ip[HK_ADDR_STRLEN];
	struct hk_addr a;
	const char *cc = NULL;

	if (sp1 && sp2 && (size_t)(sp2 - sp1 - 1) < sizeof(ip)) {
		snprintf(ip, sizeof(ip), "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
		if (geo && hk_addr_parse(ip, &a))
			cc = geoip_country(geo, &a);
	}
	if (cc && cc[0])
		textf(buf, sz, "%.*s (%s)%s", (int)(sp2 - v), v, cc, sp2);
	else
		textf(buf, sz, "%s", v);
}

static void access_from_peers(const struct ev_view *w, const struct geoip *geo, struct lines *l)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct hk_evidence *e = w->v[i];
		char text[HK_OBS_VALUE_MAX + 8], num[HK_U64_STRLEN];
		if (strcmp(e->source, "flow.peer") != 0)
			continue;
		if (l->c->n_why >= ASSESS_WHY_MAX) {
			l->n_more++; /* what line_add would do: no geolocation lookup for a line that is not kept */
			continue;
		}
		peer_text(e->value, geo, text, sizeof(text));
		line_cat(l, "external peer ", text, " (", e->source, ", ", hk_u64_text(e->confidence, num), ")", NULL);
	}
}

static void criterion_access(const struct hk_device *d, const struct assess_ctx *ctx, const struct lines *lp)
{
	struct lines l = *lp;
	struct assess_criterion *c = l.c;
	struct ev_view w;

	view_init(&w, d);
	access_from_roles(d, &l);
	access_from_protocols(&w, industrial, N_OF(industrial), w.bits, &l);
	access_from_protocols(&w, remote_access, N_OF(remote_access), w.bits, &l);
	access_from_peers(&w, ctx->geo, &l);
	free(w.v);
	free(w.bits);
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
	resolve_origin(d, ann, ctx, &w);
	criterion_country(&w, ctx, 1, &l1);
	criterion_state(&w, ctx, &l1);
	criterion_country(&w, ctx, 2, &l2);
	criterion_access(d, ctx, &l3a);
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
