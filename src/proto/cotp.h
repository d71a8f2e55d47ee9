/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ISO transport on TCP (RFC 1006 TPKT + ISO 8073 / ITU-T X.224 COTP), the
 * layer under S7comm, S7comm-plus and MMS on TCP port 102. A helper for the
 * parsers in this folder: it reads one TPKT and the TPDU in it and hands back
 * the TPDU's fields and its user data as a sub-cursor. See cotp.c.
 */
#ifndef HERKOMST_PROTO_COTP_H
#define HERKOMST_PROTO_COTP_H

#include <stdbool.h>
#include <stdint.h>

#include "herkomst/cursor.h"
#include "herkomst/parser.h"

#define ISO_TSAP_PORT 102 /* RFC 1006 3: the ISO-TSAP service */

/* TPDU codes (ISO 8073 13.1 table 8: the high nibble; CR and CC carry the
 * credit in the low nibble, DT's low nibble is 0 in class 0) */
enum cotp_code {
	COTP_ED = 0x10, /* expedited data */
	COTP_EA = 0x20, /* expedited data acknowledgement */
	COTP_RJ = 0x50, /* reject */
	COTP_AK = 0x60, /* data acknowledgement */
	COTP_ER = 0x70, /* TPDU error */
	COTP_DR = 0x80, /* disconnect request */
	COTP_DC = 0xc0, /* disconnect confirm */
	COTP_CC = 0xd0, /* connection confirm */
	COTP_CR = 0xe0, /* connection request */
	COTP_DT = 0xf0, /* data */
};

struct cotp_tpdu {
	uint8_t code;          /* enum cotp_code */
	bool eot;              /* DT: this is the last TPDU of the TSDU */
	bool has_calling, has_called;
	struct hk_cur calling; /* CR/CC: calling TSAP (parameter 0xc1) */
	struct hk_cur called;  /* CR/CC: called TSAP (parameter 0xc2) */
	struct hk_cur data;    /* the user data after the TPDU header */
};

/*
 * Reads one TPKT and its TPDU from c (the parent moves past the TPKT).
 * NOMATCH: not a TPKT (version 3, reserved 0); TRUNCATED: the TPKT length
 * runs past the bytes at hand; MALFORMED: the TPDU header contradicts the
 * TPKT (length indicator, parameters) or is not a TPDU type of ISO 8073.
 * ret holds the TPDU only on OK (it is written in place as the TPDU is read).
 */
enum hk_parse_result cotp_read(struct hk_cur *c, struct cotp_tpdu *ret);

#endif
