/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one DER certificate through x509_cert_names() (the
 * TLS parser hands it the leaf of a Certificate message, bounded by the
 * message's own length). Besides crashes and sanitizer reports it checks
 * the contract: a known result, the cursor inside its window, every name
 * NUL-terminated and printable (escaped), at most X509_SAN_MAX names kept,
 * everything cleared unless the result is OK, and the same answer twice.
 *
 * Seeds (corpus/x509/, named SHAPE.SOURCE.FRAME; zeek/zeek
 * testing/btest/Traces/tls, BSD-3-Clause, or hand-* built from RFC 5280):
 *   leaf.zeek_cert-no-cn.6                   self-signed, O=TestCorp only
 *   leaf.zeek_ecdsa-cert.7                   CN and two dNSNames
 *   inter.zeek_ecdsa-cert.7                  a CA certificate
 *   leaf.zeek_tls1.2.8                       street, postalCode, two OUs
 *   leaf.zeek_missing-intermediate.23        EV: jurisdiction OIDs, serialNumber
 *   hand-device                              a multi-valued RDN, BMPString,
 *                                            UniversalString, a non-string value,
 *                                            IPv4/IPv6/URI SANs, NUL and non-ASCII
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct x509_names n1, n2;
	static const struct x509_names empty;
	struct hk_cur c1 = hk_cur_init(data, size), c2 = hk_cur_init(data, size);
	enum hk_parse_result r1 = x509_cert_names(&c1, &n1);
	enum hk_parse_result r2 = x509_cert_names(&c2, &n2);

	if ((unsigned)r1 >= HK_PARSE__MAX || c1.off > c1.len)
		abort();
	if (r1 != HK_PARSE_OK && memcmp(&n1, &empty, sizeof(n1)) != 0)
		abort();
	if (n1.n_san > X509_SAN_MAX || (n1.san_cut && n1.n_san != X509_SAN_MAX))
		abort();
	fuzz_check_str(n1.subject, sizeof(n1.subject));
	fuzz_check_str(n1.issuer, sizeof(n1.issuer));
	fuzz_check_str(n1.cn, sizeof(n1.cn));
	for (size_t i = 0; i < n1.n_san; i++) {
		fuzz_check_str(n1.san[i], sizeof(n1.san[i]));
		if (!n1.san[i][0])
			abort();
	}
	if (r1 != r2 || memcmp(&n1, &n2, sizeof(n1)) != 0)
		abort();
	return 0;
}
