/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory as a CycloneDX 1.6 BOM (JSON), for asset and SBOM tools
 * (docs/reports.md has the mapping):
 *
 *   every device       a component of type "device", bom-ref "herkomst:" + its
 *                      key ("herkomst:mac:bc:ad:28:5e:90:3b"), stable across
 *                      databases for the same device
 *   its firmware       a nested component of type "firmware" with "version"
 *   who made it        "manufacturer": the company the ownership table
 *                      resolves it to (name, headquarters country), else the
 *                      best manufacturer claim
 *   everything else    "properties" in the herkomst: namespace (MAC, IPs,
 *                      model, serial, origin, criteria, verdict, evidence)
 *
 * serialNumber is a name-based UUID (RFC 4122 version 5, SHA-1) in a fixed
 * herkomst namespace over the compact serialisation of the rest of the BOM:
 * the same database and policy give the same serial, any change a new one.
 * metadata.timestamp is when the newest capture was analysed, not the time of
 * writing, for the same reason.
 */
#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <nettle/sha1.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "hk_config.h"

/* The namespace of herkomst's version 5 UUIDs (a random version 4 UUID, fixed forever). */
static const uint8_t cdx_namespace[16] = {
	0x4a, 0x88, 0x9e, 0xf6, 0x04, 0x99, 0x43, 0x1d, 0xb8, 0x54, 0x63, 0x0d, 0x90, 0xe9, 0x62, 0xc4,
};

static void prop(json_t *props, const char *name, const char *value)
{
	json_t *p;
	if (!value || !value[0])
		return;
	p = json_object();
	json_object_set_new(p, "name", json_string(name));
	json_object_set_new(p, "value", report_jstr(value));
	json_array_append_new(props, p);
}

static void prop_list(json_t *props, const char *name, const struct report_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		prop(props, name, l->v[i]);
}

static void prop_criterion(json_t *props, const char *label, const struct assess_criterion *c)
{
	char name[48];
	snprintf(name, sizeof(name), "herkomst:criteria:%s", label);
	prop(props, name, c->holds ? "true" : "false");
	snprintf(name, sizeof(name), "herkomst:criteria:%s:evidence", label);
	for (size_t i = 0; i < c->n_why && i < ASSESS_WHY_MAX; i++)
		prop(props, name, c->why[i]);
}

/* What the component is called: model, product, hostname, manufacturer, key. */
static const char *component_name(const struct report_device *rd)
{
	const struct hk_device *d = rd->dev;
	const char *n = report_best(d, HK_A_MODEL);
	if (!n)
		n = report_best(d, HK_A_PRODUCT);
	if (!n)
		n = report_best(d, HK_A_HOSTNAME);
	if (!n)
		n = report_best(d, HK_A_MANUFACTURER);
	return n ? n : d->key[0] ? d->key : "device";
}

static json_t *device_component(const struct report_device *rd)
{
	const struct hk_device *d = rd->dev;
	const struct assess_result *a = &rd->a;
	json_t *c = json_object(), *props = json_array();
	const char *claim = report_best(d, HK_A_MANUFACTURER), *fw = report_best(d, HK_A_FIRMWARE);
	const char *role = report_best(d, HK_A_ROLE);
	struct report_list l;
	char ref[HK_DEV_KEY_MAX + FLEET_NAME_MAX + 16], mac[HK_MAC_STRLEN], t[HK_TIME_STRLEN], buf[64];

	/* in a fleet an IP-only device is one per site: its scope keeps the refs apart */
	if (d->fleet && d->fleet->scope[0])
		snprintf(ref, sizeof(ref), "herkomst:%s/%s", d->fleet->scope, d->key[0] ? d->key : "device");
	else
		snprintf(ref, sizeof(ref), "herkomst:%s", d->key[0] ? d->key : "device");
	if (!d->key[0])
		snprintf(ref, sizeof(ref), "herkomst:device:%" PRId64, d->id);
	json_object_set_new(c, "type", json_string("device"));
	json_object_set_new(c, "bom-ref", report_jstr(ref));
	if (a->company[0] || claim) {
		json_t *m = json_object();
		json_object_set_new(m, "name", report_jstr(a->company[0] ? a->company : claim));
		if (a->hq_country[0]) {
			json_t *addr = json_object();
			json_object_set_new(addr, "country", report_jstr(a->hq_country));
			json_object_set_new(m, "address", addr);
		}
		json_object_set_new(c, "manufacturer", m);
	}
	json_object_set_new(c, "name", report_jstr(component_name(rd))); /* never empty */
	if (role) {
		char desc[HK_OBS_VALUE_MAX + 32];
		snprintf(desc, sizeof(desc), "%s seen on the network", role);
		json_object_set_new(c, "description", report_jstr(desc));
	}
	if (fw) {
		json_t *sub = json_array(), *f = json_object();
		char fref[sizeof(ref) + 16];
		snprintf(fref, sizeof(fref), "%s:firmware", ref);
		json_object_set_new(f, "type", json_string("firmware"));
		json_object_set_new(f, "bom-ref", report_jstr(fref));
		json_object_set_new(f, "name", report_jstr(component_name(rd)));
		json_object_set_new(f, "version", report_jstr(fw));
		json_array_append_new(sub, f);
		json_object_set_new(c, "components", sub);
	}

	prop(props, "herkomst:id", (snprintf(buf, sizeof(buf), "%" PRId64, d->id), buf));
	if (d->has_mac)
		prop(props, "herkomst:mac", hk_mac_fmt(d->mac, mac));
	report_values(d, HK_A_IP, &l);
	prop_list(props, "herkomst:ip", &l);
	report_values(d, HK_A_HOSTNAME, &l);
	prop_list(props, "herkomst:hostname", &l);
	prop(props, "herkomst:manufacturer", claim);
	prop(props, "herkomst:product", report_best(d, HK_A_PRODUCT));
	prop(props, "herkomst:model", report_best(d, HK_A_MODEL));
	prop(props, "herkomst:firmware", fw);
	prop(props, "herkomst:serial", report_best(d, HK_A_SERIAL));
	prop(props, "herkomst:os", report_best(d, HK_A_OS));
	prop(props, "herkomst:role", role);
	report_protocols(d, &l);
	prop_list(props, "herkomst:protocol", &l);
	if (d->oui_state == HK_OUI_REGISTERED) {
		prop(props, "herkomst:oui:prefix", d->oui_prefix);
		prop(props, "herkomst:oui:registrant", d->oui_registrant);
		prop(props, "herkomst:oui:country", d->oui_country);
	}
	prop(props, "herkomst:via", d->via_mac);
	prop(props, "herkomst:origin:manufacturer", a->manufacturer);
	prop(props, "herkomst:origin:manufacturer_source", a->manufacturer_source);
	prop(props, "herkomst:origin:company_id", a->company_id);
	prop(props, "herkomst:origin:company", a->company);
	prop(props, "herkomst:origin:controller", a->controller);
	prop(props, "herkomst:origin:control_country", a->control_country);
	prop(props, "herkomst:origin:hq_country", a->hq_country);
	if (a->origin_known) {
		prop(props, "herkomst:origin:state", a->state);
		if (a->state_share >= 0) {
			snprintf(buf, sizeof(buf), "%g", a->state_share);
			prop(props, "herkomst:origin:state_share", buf);
		}
		prop(props, "herkomst:origin:as_of", a->as_of);
	}
	prop(props, "herkomst:origin:basis", a->basis);
	prop_criterion(props, "1", &a->c1);
	prop_criterion(props, "2", &a->c2);
	prop_criterion(props, "3A", &a->c3a);
	prop_criterion(props, "3B", &a->c3b);
	prop(props, "herkomst:verdict", assess_verdict_name(a->verdict));
	if (d->first_seen)
		prop(props, "herkomst:first_seen", hk_time_fmt(d->first_seen, t));
	if (d->last_seen)
		prop(props, "herkomst:last_seen", hk_time_fmt(d->last_seen, t));
	/* fleet mode: each site that saw the device (sightings are by sensor) */
	for (size_t i = 0; d->fleet && i < d->fleet->n_sightings; i++) {
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = strcmp(d->fleet->sighting[k].site, d->fleet->sighting[i].site) == 0;
		if (!dup)
			prop(props, "herkomst:fleet:site", d->fleet->sighting[i].site);
	}
	json_object_set_new(c, "properties", props);
	return c;
}

static json_t *metadata(const struct report *r)
{
	const struct report_meta *m = &r->meta;
	json_t *md = json_object(), *tools = json_object(), *tc = json_array(), *tool = json_object();
	json_t *lc = json_array(), *phase = json_object(), *props = json_array();
	uint64_t analyzed = 0;
	char t[HK_TIME_STRLEN], buf[64];

	for (size_t i = 0; i < r->n_caps; i++)
		if (r->caps[i].analyzed_at > analyzed)
			analyzed = r->caps[i].analyzed_at;
	if (analyzed)
		json_object_set_new(md, "timestamp", json_string(hk_time_fmt(analyzed, t)));
	json_object_set_new(phase, "phase", json_string("discovery"));
	json_array_append_new(lc, phase);
	json_object_set_new(md, "lifecycles", lc);
	json_object_set_new(tool, "type", json_string("application"));
	json_object_set_new(tool, "name", json_string("herkomst"));
	json_object_set_new(tool, "version", json_string(HK_VERSION));
	json_object_set_new(tool, "description",
			    json_string("passive network asset inventory: manufacturer, controlling company and "
					"country, assessed per letter 26643-1007"));
	json_array_append_new(tc, tool);
	json_object_set_new(tools, "components", tc);
	json_object_set_new(md, "tools", tools);

	prop(props, "herkomst:site", m->site);
	prop(props, "herkomst:database", m->db_path);
	prop(props, "herkomst:policy:name", m->policy_name);
	prop(props, "herkomst:policy:as_of", m->policy_as_of);
	prop(props, "herkomst:policy:path", m->policy_path);
	prop(props, "herkomst:data:ieee-data", m->ieee_date);
	snprintf(buf, sizeof(buf), "%zu", m->n_signatures);
	prop(props, "herkomst:data:signatures", buf);
	snprintf(buf, sizeof(buf), "%zu", m->n_companies);
	prop(props, "herkomst:data:ownership:companies", buf);
	snprintf(buf, sizeof(buf), "%zu", m->n_aliases);
	prop(props, "herkomst:data:ownership:aliases", buf);
	prop(props, "herkomst:data:geoip", m->geoip_source);
	snprintf(buf, sizeof(buf), "%zu", r->n_caps);
	prop(props, "herkomst:captures", buf);
	if (r->fleet) {
		snprintf(buf, sizeof(buf), "%zu", r->n_sensors);
		prop(props, "herkomst:fleet:sensors", buf);
		prop(props, "herkomst:fleet:filter:site", r->filter_site);
		prop(props, "herkomst:fleet:filter:sensor", r->filter_sensor);
	}
	if (report_newest_capture(r))
		prop(props, "herkomst:capture:newest", hk_time_fmt(report_newest_capture(r), t));
	json_object_set_new(md, "properties", props);
	return md;
}

/* RFC 4122 section 4.3: SHA-1 over namespace and name, version 5, variant 10. */
static void uuid_v5(const char *name, size_t len, char out[37])
{
	struct sha1_ctx ctx;
	uint8_t h[SHA1_DIGEST_SIZE];
	sha1_init(&ctx);
	sha1_update(&ctx, sizeof(cdx_namespace), cdx_namespace);
	sha1_update(&ctx, len, (const uint8_t *)name);
	sha1_digest(&ctx, sizeof(h), h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2],
		 h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

json_t *report_cyclonedx_json(const struct report *r)
{
	json_t *bom = json_object(), *comps = json_array(), *out;
	char *body, uuid[37], urn[48];

	json_object_set_new(bom, "$schema", json_string("http://cyclonedx.org/schema/bom-1.6.schema.json"));
	json_object_set_new(bom, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(bom, "specVersion", json_string("1.6"));
	json_object_set_new(bom, "version", json_integer(1));
	json_object_set_new(bom, "metadata", metadata(r));
	for (size_t i = 0; i < r->n_devs; i++)
		json_array_append_new(comps, device_component(&r->devs[i]));
	json_object_set_new(bom, "components", comps);

	body = json_dumps(bom, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (!body) {
		json_decref(bom);
		return NULL;
	}
	uuid_v5(body, strlen(body), uuid);
	free(body);
	snprintf(urn, sizeof(urn), "urn:uuid:%s", uuid);

	/* the serial goes after specVersion, where readers expect it */
	out = json_object();
	json_object_set(out, "$schema", json_object_get(bom, "$schema"));
	json_object_set(out, "bomFormat", json_object_get(bom, "bomFormat"));
	json_object_set(out, "specVersion", json_object_get(bom, "specVersion"));
	json_object_set_new(out, "serialNumber", json_string(urn));
	json_object_set(out, "version", json_object_get(bom, "version"));
	json_object_set(out, "metadata", json_object_get(bom, "metadata"));
	json_object_set(out, "components", json_object_get(bom, "components"));
	json_decref(bom);
	return out;
}

int report_write_cyclonedx(FILE *f, const struct report *r)
{
	json_t *bom = report_cyclonedx_json(r);
	int rc;
	if (!bom)
		return -ENOMEM;
	rc = json_dumpf(bom, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', f);
	json_decref(bom);
	return rc == 0 && !ferror(f) ? 0 : -EIO;
}
