/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS wire format shared by the mDNS, LLMNR and NBNS parsers: the 12-byte
 * header, questions, resource records and compressed names (RFC 1035
 * sections 4.1 and 4.1.4), read only through the bounded cursor.
 *
 * Names are expanded into a struct dns_name that keeps the labels apart
 * (a label may hold any byte, even '.'), so callers test suffixes such as
 * "local" label by label and format a printable, escaped form only to emit.
 */
#ifndef HERKOMST_PROTO_DNSWIRE_H
#define HERKOMST_PROTO_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/cursor.h"

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255      /* wire octets of an expanded name, RFC 1035 3.1 */
#define DNS_LABELS_MAX 128    /* a 255-octet name holds at most 127 labels */
#define DNS_PTR_JUMPS_MAX 16  /* compression pointers followed per name */

/*
 * Limits of the parsers built on this format (mdns.c, llmnr.c, nbns.c), here
 * so their tests can reach the boundaries.
 */
#define MDNS_RECORDS_MAX 64  /* questions + records read per mDNS message */
#define MDNS_TXT_MAX 32      /* strings read per TXT record */
#define LLMNR_RECORDS_MAX 16 /* records read per LLMNR message (after its one question) */
#define NBNS_RECORDS_MAX 4   /* questions + records of an NBNS packet (RFC 1002: at most 1 + 1 + 1 + 1) */
#define NBNS_ADDRS_MAX 8     /* NB_FLAGS/NB_ADDRESS entries read per record */
#define NBNS_NAMES_MAX 32    /* names read per node status response */

#define DNS_F_QR 0x8000u
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xfu)
#define DNS_RCODE(flags) ((flags) & 0xfu)

#define DNS_T_A 1
#define DNS_T_PTR 12
#define DNS_T_TXT 16
#define DNS_T_AAAA 28
#define DNS_T_SRV 33

struct dns_hdr {
	uint16_t id;
	uint16_t flags;
	uint16_t n_qd, n_an, n_ns, n_ar;
};

struct dns_name {
	uint8_t n_labels;
	uint16_t len;                   /* bytes used in buf */
	uint8_t lab_off[DNS_LABELS_MAX]; /* label i is buf[lab_off[i]], lab_len[i] bytes */
	uint8_t lab_len[DNS_LABELS_MAX];
	uint8_t buf[DNS_NAME_MAX];      /* the label bytes, concatenated, no separators */
};

struct dns_rr {
	struct dns_name name;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	struct hk_cur rdata; /* a child over exactly RDLENGTH bytes */
};

/* Reads the header; returns the cursor's error (0 when read). */
int dns_hdr_read(struct hk_cur *c, struct dns_hdr *ret);

/*
 * Reads a possibly compressed name at c's position into ret; c moves past the
 * bytes the name occupies in place (up to and including a first pointer).
 * msg is a cursor over the whole message, at offset 0: pointers are offsets
 * into it. Defences: at most DNS_PTR_JUMPS_MAX pointers; every pointer after
 * the first must point strictly before the previous target (so a loop cannot
 * form even below the jump cap); the expanded name is at most DNS_NAME_MAX
 * octets; label types 0x40 and 0x80 are refused. Returns 0, HK_CUR_ETRUNC or
 * HK_CUR_EINVAL; on error c is failed with it too.
 */
int dns_name_read(struct hk_cur *c, const struct hk_cur *msg, struct dns_name *ret);

/* Reads a question: name, type, class. Returns the cursor's error. */
int dns_question_read(struct hk_cur *c, const struct hk_cur *msg, struct dns_name *name, uint16_t *type,
		      uint16_t *rclass);

/* Reads a resource record, leaving its RDATA in ret->rdata. Returns the
 * cursor's error. */
int dns_rr_read(struct hk_cur *c, const struct hk_cur *msg, struct dns_rr *ret);

/*
 * Formats labels [first, first + n) of name joined by '.', escaped like
 * hk_cur_str (a '.' inside a label as \x2e, so the result reads back
 * unambiguously). Cut at a character boundary when dst is too small.
 */
void dns_name_fmt(const struct dns_name *name, size_t first, size_t n, char *dst, size_t dstsz);

/* Label i equals s, ASCII case-insensitively (RFC 4343). */
bool dns_label_is(const struct dns_name *name, size_t i, const char *s);

/* First byte of label i, 0 when there is no such label or it is empty. */
uint8_t dns_label_first(const struct dns_name *name, size_t i);

/* Two names are equal, ASCII case-insensitively. */
bool dns_name_eq(const struct dns_name *a, const struct dns_name *b);

#endif
