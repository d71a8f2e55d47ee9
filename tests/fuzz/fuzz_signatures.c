/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a rule file's bytes through sig_load_buffer(), the same
 * code the directory loader runs on each file. When the input loads, the
 * matcher runs over every field the shipped rules use, with values made
 * from the input (escaped as parsers escape them), so substitution and the
 * bounds of claims see hostile captures too. Besides crashes and sanitizer
 * reports it checks the report's contract: a failed load has at least one
 * message, every message starts with "fuzz.tsv:", and claims are non-empty
 * NUL-terminated strings of at most HK_OBS_VALUE_MAX - 1 bytes.
 *
 * Seeds (corpus/signatures/): small rule files written for this project:
 * valid rules of each field, each error class of the loader (CRLF, NUL,
 * bad UTF-8, bad columns), a rule with all of $1..$9.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"
#include "inventory/signatures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_fields[] = {
	"http.server", "http.title", "http.realm", "http.user_agent", "ssh.banner",
	"snmp.sysdescr", "dhcp.vendor_class", "dhcp.prl", "lldp.sysdesc", "cdp.software",
	"cdp.platform", "ssdp.server", "mdns.model", "tls.cert.subject", "telnet.banner",
	"ftp.banner",
};
#define FUZZ_N_FIELDS (sizeof(fuzz_fields) / sizeof(fuzz_fields[0]))
#define FUZZ_CLAIMS_MAX 32

static void fuzz_check_claims(const struct sig_claim *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strnlen(c[i].value, sizeof(c[i].value));
		if (len == 0 || len >= sizeof(c[i].value) || !c[i].attribute || !c[i].rule_id ||
		    c[i].confidence < 1 || c[i].confidence > 100)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sig_report rep;
	static struct sig_claim claims[FUZZ_CLAIMS_MAX];
	char value[HK_OBS_VALUE_MAX];
	struct sig_db *db;

	memset(&rep, 0, sizeof(rep));
	db = sig_load_buffer("fuzz.tsv", (const char *)data, size, &rep);
	if (!db) {
		if (rep.n_errors == 0 || rep.n_kept == 0)
			abort();
		for (size_t i = 0; i < rep.n_kept; i++)
			if (strncmp(rep.msg[i], "fuzz.tsv:", 9) != 0 ||
			    strnlen(rep.msg[i], SIG_MSG_MAX) >= SIG_MSG_MAX)
				abort();
		return 0;
	}
	if (rep.n_errors)
		abort();
	/* values: the input itself, then its tail, escaped like observations */
	for (size_t k = 0; k < 2; k++) {
		size_t off = k ? size / 2 : 0;
		hk_escape(data + off, size - off, value, sizeof(value));
		for (size_t f = 0; f < FUZZ_N_FIELDS; f++)
			fuzz_check_claims(claims, sig_match(db, fuzz_fields[f], value, claims,
							    FUZZ_CLAIMS_MAX));
	}
	sig_db_free(db);
	return 0;
}
