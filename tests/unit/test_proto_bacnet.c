/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BACnet/IP parser (src/proto/bacnet.c): real BVLL datagrams from the
 * shared captures (ReadProperty-ACKs of a Johnson Controls NAE with UCS-2
 * strings, I-Am, I-Have, Who-Is, Who-Has, Who-Am-I, You-Are, routed NPDUs,
 * network messages, a segmented ComplexACK) and Forwarded-NPDU and
 * ReadPropertyMultiple-ACKs built from the spec, with their exact
 * observations; every truncated prefix; lying BVLL, NPDU and tag lengths;
 * tag, property and nesting counts at 0, MAX and MAX+1; every character
 * set; strings with NUL and non-ASCII characters; not-BACnet input. Every
 * input is an exactly-sized heap copy, so a one-byte over-read is an
 * AddressSanitizer report. Where tshark and the captures are at hand, the
 * real frames are compared with tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define BACNET_TAGS_MAX 512 /* as in src/proto/bacnet.c */
#define BACNET_DEPTH_MAX 8
#define BACNET_PROPS_MAX 64
#define BACNET_ADDR_LEN_MAX 18

/*
 * iti_bacnet_test.pcap (10.1.1.167 asks 10.1.1.165, a Johnson Controls
 * MS-NAE4510-2, UDP 47808 both ways), ReadProperty of the Device object
 * (wildcard instance 4194303) and its ComplexACKs. tshark reads: frame 4
 * device,500; 6 vendor-identifier 5; 8 vendor-name UCS-2 'JCI'; 10
 * firmware-revision UCS-2 '5.1.0.4400'; 12 application-software-version
 * UCS-2 ''; 14 object-name UCS-2 'KBRNAE'; 16 model-name UCS-2
 * 'MS-NAE4510-2'; 18 description ''; 20 location ''.
 */
/* frame 3, the request: | 81 0a 0011 | 01 04 (expecting reply) | 00 05 01 0c
 * (Confirmed-REQ, max 1476, invoke 1, ReadProperty) | 0c 023fffff | 19 4b | */
static const uint8_t rp_req[] = "\x81\x0a\x00\x11\x01\x04\x00\x05\x01\x0c\x0c\x02\x3f\xff\xff\x19\x4b";
/* frame 4: | 81 0a 0017 | 01 00 | 30 01 0c (ComplexACK, invoke 1, ReadProperty) |
 * 0c 023fffff [0] device,4194303 | 19 4b [1] object-identifier |
 * 3e [3] | c4 020001f4 device,500 | 3f | */
static const uint8_t rp_objid[] =
	"\x81\x0a\x00\x17\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x4b\x3e\xc4\x02\x00\x01\xf4\x3f";
/* frame 6: property 0x78 vendor-identifier, value 21 05 (Unsigned 5) */
static const uint8_t rp_vendor_id[] =
	"\x81\x0a\x00\x14\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x78\x3e\x21\x05\x3f";
/* frame 8: property 0x79 vendor-name, 75 07 (CharacterString, 7 bytes):
 * 04 (UCS-2) 004a 0043 0049 "JCI" */
static const uint8_t rp_vendor_name[] =
	"\x81\x0a\x00\x1b\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x79\x3e"
	"\x75\x07\x04\x00\x4a\x00\x43\x00\x49\x3f";
/* frame 10: property 0x2c firmware-revision, 75 15: UCS-2 "5.1.0.4400" */
static const uint8_t rp_firmware[] =
	"\x81\x0a\x00\x29\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x2c\x3e"
	"\x75\x15\x04\x00\x35\x00\x2e\x00\x31\x00\x2e\x00\x30\x00\x2e\x00\x34\x00\x34\x00\x30\x00\x30\x3f";
/* frame 12: property 0x0c application-software-version, 71 04: UCS-2, empty */
static const uint8_t rp_app_version[] =
	"\x81\x0a\x00\x14\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x0c\x3e\x71\x04\x3f";
/* frame 14: property 0x4d object-name, UCS-2 "KBRNAE" */
static const uint8_t rp_object_name[] =
	"\x81\x0a\x00\x21\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x4d\x3e"
	"\x75\x0d\x04\x00\x4b\x00\x42\x00\x52\x00\x4e\x00\x41\x00\x45\x3f";
/* frame 16: property 0x46 model-name, UCS-2 "MS-NAE4510-2" */
static const uint8_t rp_model[] =
	"\x81\x0a\x00\x2d\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x46\x3e"
	"\x75\x19\x04\x00\x4d\x00\x53\x00\x2d\x00\x4e\x00\x41\x00\x45\x00\x34\x00\x35\x00\x31\x00\x30\x00\x2d\x00\x32"
	"\x3f";
/* frame 18: property 0x1c description, empty UCS-2 */
static const uint8_t rp_description[] =
	"\x81\x0a\x00\x14\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x1c\x3e\x71\x04\x3f";
/* frames 21 (Read-Broadcast-Distribution-Table) and 22 (BVLC-Result 0x0020, NAK) */
static const uint8_t read_bdt[] = "\x81\x02\x00\x04";
static const uint8_t bvlc_result[] = "\x81\x00\x00\x06\x00\x20";

/*
 * icsnpp-bacnet_bacnet_error_reject_abort.pcap (10.10.10.10 -> 192.168.3.100).
 * frame 29: | 81 0a 0015 | 01 00 | 10 00 (Unconfirmed-REQ, I-Am) |
 * c4 02000065 device,101 | 22 0400 max APDU 1024 | 91 00 segmented-both |
 * 22 0539 vendor 1337 |. tshark: instance 101, vendor_identifier 1337.
 */
static const uint8_t i_am[] =
	"\x81\x0a\x00\x15\x01\x00\x10\x00\xc4\x02\x00\x00\x65\x22\x04\x00\x91\x00\x22\x05\x39";
/* frame 41: | 81 0b 0020 | 01 20 ffff 00 ff (DNET 65535 broadcast, hop 255) |
 * 10 0d Who-Am-I | 22 022b vendor 555 | 75 07 00 "LMCP24" | 75 06 00 "12345" | */
static const uint8_t who_am_i[] =
	"\x81\x0b\x00\x20\x01\x20\xff\xff\x00\xff\x10\x0d\x22\x02\x2b"
	"\x75\x07\x00LMCP24" "\x75\x06\x00" "12345";
/* frame 42: You-Are (14): the same plus c4 02000003 device,3 and 61 2a MAC 0x2a */
static const uint8_t you_are[] =
	"\x81\x0b\x00\x27\x01\x20\xff\xff\x00\xff\x10\x0e\x22\x02\x2b"
	"\x75\x07\x00LMCP24" "\x75\x06\x00" "12345" "\xc4\x02\x00\x00\x03\x61\x2a";
/* frame 37: Who-Is, no range */
static const uint8_t who_is[] = "\x81\x0b\x00\x0c\x01\x20\xff\xff\x00\xff\x10\x08";
/* frame 36: Who-Has [3] object name "SYNERGY" */
static const uint8_t who_has[] =
	"\x81\x0a\x00\x16\x01\x20\xff\xff\x00\xff\x10\x07\x3d\x08\x00SYNERGY";
/* frame 30: | 01 08 000d 01 3d | (SNET 13, SADR 3d: relayed by a router) I-Have
 * device,61 device,61 "SYNERGY" */
static const uint8_t i_have_routed[] =
	"\x81\x0a\x00\x20\x01\x08\x00\x0d\x01\x3d\x10\x01\xc4\x02\x00\x00\x3d\xc4\x02\x00\x00\x3d"
	"\x75\x08\x00SYNERGY";
/* frame 44: | 01 20 000d 01 3d ff | 60 3a 09 (Reject, invoke 58, reason 9) */
static const uint8_t reject[] = "\x81\x0a\x00\x0e\x01\x20\x00\x0d\x01\x3d\xff\x60\x3a\x09";

/*
 * icsnpp-bacnet_bacnet_segmented_data.pcap (10.0.0.2, device 254).
 * frame 6: I-Am device,254, max APDU 1024, segmentation 0, vendor 154
 * (Unitec Corporation). frame 1: I-Have device,254 accumulator,4 and an
 * object name in IBM/Microsoft DBCS (75 09 01 03a4 ...), which names the
 * accumulator, not the device. frame 13: ReadProperty-ACK of device,254
 * object-list [2] index 0 = 426: no identity.
 */
static const uint8_t i_am_unitec[] =
	"\x81\x0b\x00\x14\x01\x00\x10\x00\xc4\x02\x00\x00\xfe\x22\x04\x00\x91\x00\x21\x9a";
static const uint8_t i_have_dbcs[] =
	"\x81\x0b\x00\x1d\x01\x00\x10\x01\xc4\x02\x00\x00\xfe\xc4\x05\xc0\x00\x04"
	"\x75\x09\x01\x03\xa4\x89\xb7\x93\x78\x82\x51";
static const uint8_t rp_indexed[] =
	"\x81\x0a\x00\x17\x01\x00\x30\x5d\x0c\x0c\x02\x00\x00\xfe\x19\x4c\x29\x00\x3e\x22\x01\xaa\x3f";
/* frame 15: the first segment (3c: ComplexACK, segmented, more follows;
 * invoke 0x5e, sequence 0, window 3, ReadProperty) of the object-list of
 * device,254: 1030 bytes, cut in the middle of the list */
static const uint8_t seg_first[] =
	"\x81\x0a\x04\x06\x01\x04\x3c\x5e\x00\x03\x0c\x0c\x02\x00\x00\xfe\x19\x4c\x3e\xc4\x00\xc0\x00\x00"
	"\xc4\x00\xc0\x4e\x21\xc4\x00\xc0\x4e\x22\xc4\x00\xc0\x4e\x23\xc4\x00\xc0\x4e\x24\xc4\x01\x00\x00"
	"\x00\xc4\x01\x00\x27\x10\xc4\x01\x00\x27\x11\xc4\x01\x00\x27\x12\xc4\x01\x00\x27\x13\xc4\x01\x00"
	"\x27\x14\xc4\x01\x00\x27\x15\xc4\x01\x00\x27\x16\xc4\x01\x00\x27\x17\xc4\x01\x00\x27\x18\xc4\x01"
	"\x00\x27\x19\xc4\x01\x00\x27\x1a\xc4\x01\x00\x27\x1b\xc4\x01\x00\x27\x1c\xc4\x01\x00\x27\x1d\xc4"
	"\x01\x00\x27\x1e\xc4\x01\x00\x27\x1f\xc4\x01\x00\x27\x20\xc4\x01\x00\x27\x21\xc4\x01\x00\x27\x22"
	"\xc4\x01\x00\x27\x23\xc4\x01\x00\x27\x24\xc4\x01\x00\x27\x25\xc4\x01\x00\x27\x26\xc4\x01\x00\x27"
	"\x27\xc4\x01\x00\x27\x28\xc4\x01\x00\x27\x29\xc4\x01\x00\x27\x2a\xc4\x01\x00\x27\x2b\xc4\x01\x00"
	"\x27\x2c\xc4\x01\x00\x27\x2d\xc4\x01\x00\x27\x2e\xc4\x01\x00\x27\x2f\xc4\x01\x00\x27\x30\xc4\x01"
	"\x00\x27\x31\xc4\x01\x00\x27\x32\xc4\x01\x00\x27\x33\xc4\x01\x00\x27\x34\xc4\x01\x00\x27\x35\xc4"
	"\x01\x00\x27\x36\xc4\x01\x00\x27\x37\xc4\x01\x00\x27\x38\xc4\x01\x00\x27\x39\xc4\x01\x00\x27\x3a"
	"\xc4\x01\x00\x27\x3b\xc4\x01\x00\x27\x3c\xc4\x01\x00\x27\x3d\xc4\x01\x00\x27\x3e\xc4\x01\x00\x27"
	"\x3f\xc4\x01\x00\x27\x40\xc4\x01\x00\x27\x41\xc4\x01\x00\x27\x42\xc4\x01\x00\x27\x43\xc4\x01\x00"
	"\x27\x44\xc4\x01\x00\x27\x45\xc4\x01\x00\x27\x46\xc4\x01\x00\x27\x47\xc4\x01\x00\x27\x48\xc4\x01"
	"\x00\x27\x49\xc4\x01\x00\x27\x4a\xc4\x01\x00\x27\x4b\xc4\x01\x00\x27\x4c\xc4\x01\x00\x27\x4d\xc4"
	"\x01\x00\x27\x4e\xc4\x01\x00\x27\x4f\xc4\x01\x00\x27\x50\xc4\x01\x00\x27\x51\xc4\x01\x00\x27\x52"
	"\xc4\x01\x00\x27\x53\xc4\x01\x00\x27\x54\xc4\x01\x00\x27\x55\xc4\x01\x00\x27\x56\xc4\x01\x00\x27"
	"\x57\xc4\x01\x00\x27\x58\xc4\x01\x00\x27\x59\xc4\x01\x00\x27\x5a\xc4\x01\x00\x27\x5b\xc4\x01\x00"
	"\x27\x5c\xc4\x01\x00\x27\x5d\xc4\x01\x00\x27\x5e\xc4\x01\x00\x27\x5f\xc4\x01\x00\x27\x60\xc4\x01"
	"\x00\x27\x61\xc4\x01\x00\x27\x62\xc4\x01\x00\x27\x63\xc4\x01\x00\x27\x64\xc4\x01\x00\x27\x65\xc4"
	"\x01\x00\x27\x66\xc4\x01\x00\x27\x67\xc4\x01\x00\x27\x68\xc4\x01\x00\x27\x69\xc4\x01\x00\x27\x6a"
	"\xc4\x01\x00\x27\x6b\xc4\x01\x00\x27\x6c\xc4\x01\x00\x27\x6d\xc4\x01\x00\x27\x6e\xc4\x01\x00\x27"
	"\x6f\xc4\x01\x00\x27\x70\xc4\x01\x00\x27\x71\xc4\x01\x00\x27\x72\xc4\x01\x00\x27\x73\xc4\x01\x00"
	"\x4e\x21\xc4\x01\x00\x4e\x22\xc4\x01\x00\x4e\x23\xc4\x01\x00\x4e\x24\xc4\x01\x40\x00\x00\xc4\x02"
	"\x00\x00\xfe\xc4\x02\xc0\x00\x00\xc4\x02\xc0\x00\x01\xc4\x02\xc0\x00\x02\xc4\x02\xc0\x00\x03\xc4"
	"\x02\xc0\x00\x04\xc4\x02\xc0\x00\x05\xc4\x02\xc0\x00\x06\xc4\x02\xc0\x00\x07\xc4\x02\xc0\x00\x08"
	"\xc4\x02\xc0\x00\x09\xc4\x02\xc0\x00\x0a\xc4\x02\xc0\x00\x0b\xc4\x02\xc0\x00\x0c\xc4\x02\xc0\x00"
	"\x0d\xc4\x02\xc0\x00\x0e\xc4\x02\xc0\x00\x0f\xc4\x02\xc0\x00\x10\xc4\x02\xc0\x00\x11\xc4\x02\xc0"
	"\x00\x12\xc4\x02\xc0\x00\x13\xc4\x02\xc0\x00\x14\xc4\x02\xc0\x00\x15\xc4\x02\xc0\x00\x16\xc4\x02"
	"\xc0\x00\x17\xc4\x02\xc0\x00\x18\xc4\x02\xc0\x00\x19\xc4\x02\xc0\x00\x1a\xc4\x02\xc0\x00\x1b\xc4"
	"\x02\xc0\x00\x1c\xc4\x02\xc0\x00\x1d\xc4\x02\xc0\x00\x1e\xc4\x02\xc0\x00\x1f\xc4\x02\xc0\x00\x20"
	"\xc4\x02\xc0\x00\x21\xc4\x02\xc0\x00\x22\xc4\x02\xc0\x00\x23\xc4\x02\xc0\x00\x24\xc4\x02\xc0\x00"
	"\x25\xc4\x02\xc0\x00\x26\xc4\x02\xc0\x00\x27\xc4\x02\xc0\x00\x28\xc4\x02\xc0\x00\x29\xc4\x02\xc0"
	"\x00\x2a\xc4\x02\xc0\x00\x2b\xc4\x02\xc0\x00\x2c\xc4\x02\xc0\x00\x2d\xc4\x02\xc0\x00\x2e\xc4\x02"
	"\xc0\x00\x2f\xc4\x02\xc0\x00\x30\xc4\x02\xc0\x00\x31\xc4\x02\xc0\x00\x32\xc4\x02\xc0\x00\x33\xc4"
	"\x02\xc0\x00\x34\xc4\x02\xc0\x00\x35\xc4\x02\xc0\x00\x36\xc4\x02\xc0\x00\x37\xc4\x02\xc0\x00\x38"
	"\xc4\x02\xc0\x00\x39\xc4\x02\xc0\x00\x3a\xc4\x02\xc0\x00\x3b\xc4\x02\xc0\x00\x3c\xc4\x02\xc0\x00"
	"\x3d\xc4\x02\xc0\x00\x3e\xc4\x02\xc0\x00\x3f\xc4\x02\xc0\x00\x64\xc4\x02\xc0\x00\x65\xc4\x02\xc0"
	"\x00\x66\xc4\x02\xc0\x00\x67\xc4\x02\xc0\x00\xc8\xc4\x02\xc0\x00\xc9\xc4\x02\xc0\x00\xca\xc4\x02"
	"\xc0\x00\xcb\xc4\x02\xc0\x00\xcc\xc4\x02\xc0\x00\xcd\xc4\x02\xc0\x00\xce\xc4\x02\xc0\x00\xcf\xc4"
	"\x02\xc0\x00\xd0\xc4\x02\xc0\x00\xd1\xc4\x02\xc0\x00\xd2\xc4\x02\xc0\x00\xd3\xc4\x02\xc0\x00\xd4"
	"\xc4\x02\xc0\x00\xd5\xc4\x02\xc0\x00\xd6\xc4\x02\xc0\x00\xd7\xc4\x02\xc0\x00\xd8\xc4\x02\xc0\x00"
	"\xd9\xc4\x02\xc0\x00\xda\xc4\x02\xc0\x00\xdb\xc4\x02\xc0\x00\xdc\xc4\x02\xc0\x00\xdd\xc4";

/*
 * ndpi_bacnet.pcap (204.172.177.255 -> .159, 47808). frame 11: I-Am with
 * DNET 65535 (no source specifier): device,0, max APDU 1476, no
 * segmentation (91 03), vendor 260 (22 0104: BACnet Stack at SourceForge).
 * frame 19: Who-Is 111..111. frame 22: network message 01
 * I-Am-Router-To-Network, network 0. frame 23: 13 Network-Number-Is.
 */
static const uint8_t i_am_stack[] =
	"\x81\x0b\x00\x19\x01\x20\xff\xff\x00\xff\x10\x00\xc4\x02\x00\x00\x00\x22\x05\xc4\x91\x03\x22\x01\x04";
static const uint8_t who_is_range[] = "\x81\x0b\x00\x10\x01\x20\xff\xff\x00\xff\x10\x08\x09\x6f\x19\x6f";
static const uint8_t i_am_router[] = "\x81\x0b\x00\x0d\x01\xa0\xff\xff\x00\xff\x01\x00\x00";
static const uint8_t net_number_is[] = "\x81\x0b\x00\x0e\x01\xa0\xff\xff\x00\xff\x13\x00\x00\x0b";

/*
 * arkime_bacnet-stack-services.pcap (192.168.0.5 relays network 13).
 * frame 13: | 01 28 ffff 00 000d 01 3d fe | (DNET 65535, SNET 13, SADR 3d,
 * hop 254) I-Am device,61, max APDU 480, segmented-both, vendor 42.
 * frame 53: SNET 13: ComplexACK ReadProperty analog-output,101
 * priority-array, 16 NULLs.
 */
static const uint8_t i_am_routed[] =
	"\x81\x0b\x00\x1c\x01\x28\xff\xff\x00\x00\x0d\x01\x3d\xfe\x10\x00\xc4\x02\x00\x00\x3d\x22\x01\xe0"
	"\x91\x00\x21\x2a";
static const uint8_t ack_routed[] =
	"\x81\x0a\x00\x26\x01\x08\x00\x0d\x01\x3d\x30\x01\x0c\x0c\x00\x40\x00\x65\x19\x57\x3e"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x3f";

/*
 * Built from 135-2020 J.2.9: a BBMD (the sender) forwards an I-Am of
 * 192.168.1.99:47808: | 81 04 001a | c0a80163 bac0 | 01 00 | 10 00 |
 * c4 02000007 device,7 | 22 01e0 | 91 00 | 21 08 vendor 8 (Delta Controls) |
 */
static const uint8_t forwarded_i_am[] =
	"\x81\x04\x00\x1a\xc0\xa8\x01\x63\xba\xc0\x01\x00\x10\x00\xc4\x02\x00\x00\x07\x22\x01\xe0\x91\x00"
	"\x21\x08";


static struct pc_result res;

static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 47808, .dport = 47808, .ndpi = ""};

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return pc_run(proto_bacnet_parse, bytes, n, &ctx, &res);
}

#define EXPECT_SIDE(i, k, sd, conf, src, val) PC_EXPECT(&res, i, k, sd, conf, src, val)
#define EXPECT(i, k, conf, src, val) EXPECT_SIDE(i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a datagram builder for the synthetic cases ------------------------- */

/* BVLL Original-Unicast-NPDU, NPDU with no addresses, then the APDU header */
static void begin(struct pc_buf *p, const void *apdu_head, size_t n)
{
	p->n = 0;
	pc_put(p, "\x81\x0a\x00\x00\x01\x00", 6);
	pc_put(p, apdu_head, n);
}

static void finish(struct pc_buf *p)
{
	p->b[2] = (uint8_t)(p->n >> 8);
	p->b[3] = (uint8_t)p->n;
}

/* a tag header: number, class, length (extended as needed) */
static void tag(struct pc_buf *p, uint8_t num, bool context, size_t len)
{
	uint8_t first = (uint8_t)(num << 4 | (context ? 0x08 : 0));

	if (len < 5) {
		pc_put8(p, (uint8_t)(first | len));
	} else {
		pc_put8(p, first | 5);
		if (len < 254) {
			pc_put8(p, (uint8_t)len);
		} else {
			pc_put8(p, 254);
			pc_put8(p, (uint8_t)(len >> 8));
			pc_put8(p, (uint8_t)len);
		}
	}
}

static void ctx_uint(struct pc_buf *p, uint8_t num, uint32_t v)
{
	if (v < 0x100) {
		tag(p, num, true, 1);
		pc_put8(p, (uint8_t)v);
	} else {
		tag(p, num, true, 2);
		pc_put8(p, (uint8_t)(v >> 8));
		pc_put8(p, (uint8_t)v);
	}
}

static void ctx_objid(struct pc_buf *p, uint8_t num, uint32_t type, uint32_t instance)
{
	uint32_t v = type << 22 | instance;

	tag(p, num, true, 4);
	pc_put(p, (uint8_t[]){(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}, 4);
}

static void open_tag(struct pc_buf *p, uint8_t num)
{
	pc_put8(p, (uint8_t)(num << 4 | 0x0e));
}

static void close_tag(struct pc_buf *p, uint8_t num)
{
	pc_put8(p, (uint8_t)(num << 4 | 0x0f));
}

/* a CharacterString: character set, then n bytes */
static void charstr(struct pc_buf *p, uint8_t set, const void *s, size_t n)
{
	tag(p, 7, false, n + 1);
	pc_put8(p, set);
	pc_put(p, s, n);
}

/* a ReadProperty-ACK of object type/instance, property prop, with one string value */
static void rp_string(struct pc_buf *p, uint32_t type, uint32_t prop, uint8_t set, const void *s, size_t n)
{
	begin(p, "\x30\x01\x0c", 3);
	ctx_objid(p, 0, type, 4194303);
	ctx_uint(p, 1, prop);
	open_tag(p, 3);
	charstr(p, set, s, n);
	close_tag(p, 3);
	finish(p);
}

/* one property of a ReadAccessResult with a string value */
static void rpm_prop(struct pc_buf *p, uint32_t prop, const char *s)
{
	ctx_uint(p, 2, prop);
	open_tag(p, 4);
	charstr(p, 0, s, strlen(s));
	close_tag(p, 4);
}

/* ---- real datagrams ------------------------------------------------------ */

START_TEST(test_read_property_acks)
{
	ck_assert_int_eq(run(VEC(rp_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	ck_assert_int_eq(run(VEC(rp_objid)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.device_instance", "500");

	ck_assert_int_eq(run(VEC(rp_vendor_id)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.vendor_id", "5");

	ck_assert_int_eq(run(VEC(rp_vendor_name)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "JCI");

	ck_assert_int_eq(run(VEC(rp_firmware)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_FIRMWARE, 90, "bacnet.firmware", "5.1.0.4400");

	/* empty strings say nothing */
	ck_assert_int_eq(run(VEC(rp_app_version)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run(VEC(rp_description)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	ck_assert_int_eq(run(VEC(rp_object_name)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "KBRNAE");

	ck_assert_int_eq(run(VEC(rp_model)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_MODEL, 90, "bacnet.model_name", "MS-NAE4510-2");

	/* an array element of object-list: not identity */
	ck_assert_int_eq(run(VEC(rp_indexed)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	ck_assert_int_eq(run(VEC(read_bdt)), HK_PARSE_OK);
	ck_assert_int_eq(run(VEC(bvlc_result)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_unconfirmed)
{
	ck_assert_int_eq(run(VEC(i_am)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.device_instance", "101");
	EXPECT(1, HK_OBS_RAW, 50, "bacnet.vendor_id", "1337");
	EXPECT(2, HK_OBS_ROLE, 50, "bacnet.i_am", "bms-controller");

	ck_assert_int_eq(run(VEC(i_am_unitec)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.device_instance", "254");
	EXPECT(1, HK_OBS_RAW, 50, "bacnet.vendor_id", "154");

	ck_assert_int_eq(run(VEC(i_am_stack)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.device_instance", "0");
	EXPECT(1, HK_OBS_RAW, 50, "bacnet.vendor_id", "260");

	ck_assert_int_eq(run(VEC(who_am_i)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.vendor_id", "555");
	EXPECT(1, HK_OBS_MODEL, 90, "bacnet.model_name", "LMCP24");
	EXPECT(2, HK_OBS_SERIAL, 90, "bacnet.serial", "12345");

	/* You-Are is about the device it configures: not read */
	ck_assert_int_eq(run(VEC(you_are)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	ck_assert_int_eq(run(VEC(who_is)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "client");
	ck_assert_int_eq(run(VEC(who_is_range)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "client");
	ck_assert_int_eq(run(VEC(who_has)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "client");

	/* I-Have: the device instance only (the name is another object's) */
	ck_assert_int_eq(run(VEC(i_have_dbcs)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.device_instance", "254");

	ck_assert_int_eq(run(VEC(reject)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* Who relayed it: routers, BBMDs. */
START_TEST(test_routed_and_forwarded)
{
	/* a source specifier: the sender is a router, the I-Am another network's device */
	ck_assert_int_eq(run(VEC(i_am_routed)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "router");
	EXPECT(1, HK_OBS_RAW, 50, "bacnet.routed_i_am", "snet=13 sadr=3d device=61 vendor=42");

	ck_assert_int_eq(run(VEC(ack_routed)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "router");
	ck_assert_int_eq(run(VEC(i_have_routed)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "router");

	ck_assert_int_eq(run(VEC(i_am_router)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "router");
	ck_assert_int_eq(run(VEC(net_number_is)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* a Forwarded-NPDU: the BBMD sent it, the I-Am is 192.168.1.99's */
	ck_assert_int_eq(run(VEC(forwarded_i_am)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "bbmd");
	EXPECT_SIDE(1, HK_OBS_RAW, HK_SIDE_OTHER, 50, "bacnet.device_instance", "7");
	EXPECT_SIDE(2, HK_OBS_RAW, HK_SIDE_OTHER, 50, "bacnet.vendor_id", "8");
	EXPECT_SIDE(3, HK_OBS_ROLE, HK_SIDE_OTHER, 50, "bacnet.i_am", "bms-controller");
	for (int i = 1; i < 4; i++) {
		ck_assert(!res.obs[i].subject.has_mac);
		ck_assert_uint_eq(res.obs[i].subject.ip.family, 4);
		ck_assert_mem_eq(res.obs[i].subject.ip.a, "\xc0\xa8\x01\x63", 4);
	}
	/* ... from 0.0.0.0: nobody to say it about */
	{
		uint8_t b[sizeof(forwarded_i_am)];
		memcpy(b, forwarded_i_am, sizeof(b));
		memset(b + 4, 0, 4);
		ck_assert_int_eq(run(b, sizeof(b) - 1), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 1);
		EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "bbmd");
	}
	/* a Forwarded-NPDU too short for its address */
	ck_assert_int_eq(run("\x81\x04\x00\x08\xc0\xa8\x01\x63", 8), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a Read-BDT-Ack comes from a BBMD */
	ck_assert_int_eq(run("\x81\x03\x00\x0e\xc0\xa8\x01\x01\xba\xc0\xff\xff\xff\xff", 14), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "bacnet.role", "bbmd");
	/* Distribute-Broadcast-To-Network from a foreign device: about its sender */
	{
		uint8_t b[sizeof(i_am)];
		memcpy(b, i_am, sizeof(b));
		b[1] = 0x09;
		ck_assert_int_eq(run(b, sizeof(b) - 1), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 3);
		EXPECT(0, HK_OBS_RAW, 50, "bacnet.device_instance", "101");
	}
}
END_TEST

/* A segmented ComplexACK: the first segment is read as far as it goes. */
START_TEST(test_segmented)
{
	struct pc_buf p;
	uint8_t *later;

	ck_assert_int_eq(run(VEC(seg_first)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0); /* an object-list: no identity */

	/* a later segment (sequence 1) is not read at all */
	later = malloc(sizeof(seg_first));
	ck_assert_ptr_nonnull(later);
	memcpy(later, seg_first, sizeof(seg_first));
	later[8] = 1;
	ck_assert_int_eq(run(later, sizeof(seg_first) - 1), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	free(later);

	/* a first segment of a ReadPropertyMultiple-ACK: what is whole is said,
	 * the string cut by the segment end is not */
	p.n = 0;
	pc_put(&p, "\x81\x0a\x00\x00\x01\x00" "\x3c\x07\x00\x04\x0e", 11);
	ctx_objid(&p, 0, 8, 77);
	open_tag(&p, 1);
	rpm_prop(&p, 121, "Acme Controls");
	rpm_prop(&p, 70, "AC-1");
	ctx_uint(&p, 2, 44);
	open_tag(&p, 4);
	tag(&p, 7, false, 20);
	pc_put(&p, "\x00" "1.2", 4);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "Acme Controls");
	EXPECT(1, HK_OBS_MODEL, 90, "bacnet.model_name", "AC-1");
	/* the same, unsegmented: the cut string is a contradiction */
	p.b[6] = 0x30;
	memmove(p.b + 8, p.b + 10, p.n - 10);
	p.n -= 2;
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- built from the spec: ReadPropertyMultiple ---------------------------- */

START_TEST(test_read_property_multiple)
{
	struct pc_buf p;

	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 100); /* device,100 */
	open_tag(&p, 1);
	rpm_prop(&p, 121, "Delta Controls");
	rpm_prop(&p, 70, "eBCON");
	rpm_prop(&p, 44, "3.40");
	rpm_prop(&p, 12, "build 1234");
	rpm_prop(&p, 77, "AHU-3 controller");
	rpm_prop(&p, 372, "SN-0042");
	rpm_prop(&p, 58, "Plant room 2");
	rpm_prop(&p, 28, "Air handler 3");
	/* vendor-identifier 8 */
	ctx_uint(&p, 2, 120);
	open_tag(&p, 4);
	pc_put(&p, "\x21\x08", 2);
	close_tag(&p, 4);
	/* an error for a property the device lacks: | [5] 91 02 91 20 [5] | */
	ctx_uint(&p, 2, 168);
	open_tag(&p, 5);
	pc_put(&p, "\x91\x02\x91\x20", 4);
	close_tag(&p, 5);
	/* an array element: not read */
	ctx_uint(&p, 2, 77);
	ctx_uint(&p, 3, 1);
	open_tag(&p, 4);
	charstr(&p, 0, "indexed", 7);
	close_tag(&p, 4);
	/* a list value (several tags, nested): walked */
	ctx_uint(&p, 2, 76);
	open_tag(&p, 4);
	pc_put(&p, "\xc4\x02\x00\x00\x64\x0e\x21\x01\x0f\xc4\x00\x00\x00\x01", 14);
	close_tag(&p, 4);
	close_tag(&p, 1);
	/* another object's name: not the device's */
	ctx_objid(&p, 0, 0, 1); /* analog-input,1 */
	open_tag(&p, 1);
	rpm_prop(&p, 77, "Outside air temp");
	close_tag(&p, 1);
	finish(&p);

	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "Delta Controls");
	EXPECT(1, HK_OBS_MODEL, 90, "bacnet.model_name", "eBCON");
	EXPECT(2, HK_OBS_FIRMWARE, 90, "bacnet.firmware", "3.40");
	EXPECT(3, HK_OBS_FIRMWARE, 80, "bacnet.app_version", "build 1234");
	EXPECT(4, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "AHU-3 controller");
	EXPECT(5, HK_OBS_SERIAL, 90, "bacnet.serial", "SN-0042");
	EXPECT(6, HK_OBS_RAW, 50, "bacnet.location", "Plant room 2");
	EXPECT(7, HK_OBS_RAW, 50, "bacnet.description", "Air handler 3");
	EXPECT(8, HK_OBS_RAW, 50, "bacnet.vendor_id", "8");

	/* an empty list of results */
	begin(&p, "\x30\x07\x0e", 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a result whose list is never closed */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 100);
	open_tag(&p, 1);
	rpm_prop(&p, 121, "Delta Controls");
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a value closed by the wrong tag */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 100);
	open_tag(&p, 1);
	ctx_uint(&p, 2, 121);
	open_tag(&p, 4);
	charstr(&p, 0, "X", 1);
	close_tag(&p, 5);
	close_tag(&p, 1);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* neither a value nor an error after the property */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 100);
	open_tag(&p, 1);
	ctx_uint(&p, 2, 121);
	charstr(&p, 0, "X", 1);
	close_tag(&p, 1);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- character sets and strings ------------------------------------------ */

START_TEST(test_charsets)
{
	struct pc_buf p;
	uint8_t big[600];

	/* UTF-8: non-ASCII escaped per byte; a trailing NUL dropped, an inner one escaped */
	rp_string(&p, 8, 121, 0, "Caf\xc3\xa9\x00" "x\x00", 8);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "Caf\\xc3\\xa9\\x00x");
	/* UCS-2: U+00E9 and U+4E2D as UTF-8 bytes, escaped */
	rp_string(&p, 8, 70, 4, "\x00J\x00\xe9\x4e\x2d", 6);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_MODEL, 90, "bacnet.model_name", "J\\xc3\\xa9\\xe4\\xb8\\xad");
	/* UCS-2 of odd length: not a string */
	rp_string(&p, 8, 70, 4, "\x00J\x00", 3);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* UCS-4, with a character beyond Unicode (U+FFFD) */
	rp_string(&p, 8, 70, 3, "\x00\x00\x00K\x00\x01\xf6\x00\x7f\x00\x00\x00", 12);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_MODEL, 90, "bacnet.model_name", "K\\xf0\\x9f\\x98\\x80\\xef\\xbf\\xbd");
	/* ISO 8859-1 */
	rp_string(&p, 8, 77, 5, "K\xfchlung", 7);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "K\\xc3\\xbchlung");
	/* DBCS: code page skipped, bytes escaped */
	rp_string(&p, 8, 77, 1, "\x03\xa4" "A\x89\xb7", 5);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "A\\x89\\xb7");
	/* DBCS without room for its code page */
	rp_string(&p, 8, 77, 1, "\x03", 1);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* JIS X 0208 and an unknown set: bytes escaped */
	rp_string(&p, 8, 77, 2, "\x30\x21", 2);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "0!");
	rp_string(&p, 8, 77, 9, "A\\B", 3);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "A\\\\B");
	/* a string tag with no character-set byte */
	begin(&p, "\x30\x01\x0c", 3);
	ctx_objid(&p, 0, 8, 1);
	ctx_uint(&p, 1, 77);
	open_tag(&p, 3);
	pc_put8(&p, 0x70);
	close_tag(&p, 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a long string (2-byte extended length): cut whole at the value size */
	memset(big, 0xff, sizeof(big));
	rp_string(&p, 8, 70, 0, big, sizeof(big));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_le(strlen(res.obs[0].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_uint_eq(strlen(res.obs[0].value) % 4, 0);
	/* a property of another object type: not read */
	rp_string(&p, 0, 77, 0, "AI-1", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* vendor-name given as a number, vendor-identifier as a string: not read */
	rp_string(&p, 8, 120, 0, "5", 1);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- truncated prefixes --------------------------------------------------- */

START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {
		{VEC(rp_req)},        {VEC(rp_objid)},      {VEC(rp_vendor_id)},  {VEC(rp_vendor_name)},
		{VEC(rp_firmware)},   {VEC(rp_app_version)}, {VEC(rp_object_name)}, {VEC(rp_model)},
		{VEC(rp_description)}, {VEC(read_bdt)},     {VEC(bvlc_result)},   {VEC(i_am)},
		{VEC(who_am_i)},      {VEC(you_are)},       {VEC(who_is)},        {VEC(who_has)},
		{VEC(i_have_routed)}, {VEC(reject)},        {VEC(i_am_unitec)},   {VEC(i_have_dbcs)},
		{VEC(rp_indexed)},    {VEC(seg_first)},     {VEC(i_am_stack)},    {VEC(who_is_range)},
		{VEC(i_am_router)},   {VEC(net_number_is)}, {VEC(i_am_routed)},   {VEC(ack_routed)},
		{VEC(forwarded_i_am)},
	};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run(vec[v].b, vec[v].n), HK_PARSE_OK);
		pc_every_prefix(proto_bacnet_parse, vec[v].b, vec[v].n, &ctx, PC_TRUNCATED, false, "vector %zu", v);
	}
}
END_TEST

/*
 * The APDU cut inside a datagram whose BVLL length agrees: every shorter
 * APDU of each real datagram, with its length fixed up, is MALFORMED or a
 * shorter valid message, never a crash, and never an identity of garbage.
 */
START_TEST(test_cut_apdus)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {
		{VEC(rp_objid)}, {VEC(rp_vendor_name)}, {VEC(rp_model)}, {VEC(i_am)},
		{VEC(who_am_i)}, {VEC(i_am_routed)},    {VEC(forwarded_i_am)},
	};
	uint8_t b[64];

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		for (size_t k = 4; k < vec[v].n; k++) {
			enum hk_parse_result r;

			memcpy(b, vec[v].b, k);
			b[2] = 0;
			b[3] = (uint8_t)k;
			r = run(b, k);
			ck_assert_msg(r == HK_PARSE_MALFORMED || r == HK_PARSE_OK, "vector %zu cut %zu: %s", v, k,
				      hk_parse_result_name(r));
			if (r == HK_PARSE_MALFORMED)
				ck_assert_uint_eq(res.sink.n, 0);
		}
	}
}
END_TEST

/* ---- lengths that lie ---------------------------------------------------- */

START_TEST(test_lying_lengths)
{
	uint8_t b[128];
	struct pc_buf p;

	/* BVLL length more than the datagram; less; less than its own header */
	memcpy(b, i_am, sizeof(i_am));
	b[3] = 0x16;
	ck_assert_int_eq(run(b, sizeof(i_am) - 1), HK_PARSE_TRUNCATED);
	b[3] = 0x14;
	ck_assert_int_eq(run(b, sizeof(i_am) - 1), HK_PARSE_MALFORMED);
	b[3] = 0x03;
	ck_assert_int_eq(run(b, sizeof(i_am) - 1), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* NPDU version 2 */
	memcpy(b, i_am, sizeof(i_am));
	b[4] = 2;
	ck_assert_int_eq(run(b, sizeof(i_am) - 1), HK_PARSE_MALFORMED);
	/* a BVLL with no NPDU */
	ck_assert_int_eq(run("\x81\x0a\x00\x04", 4), HK_PARSE_MALFORMED);
	/* an NPDU with no APDU */
	ck_assert_int_eq(run("\x81\x0a\x00\x06\x01\x00", 6), HK_PARSE_MALFORMED);
	/* SLEN 0 (invalid), SLEN past the NPDU, DLEN over the bound */
	ck_assert_int_eq(run("\x81\x0a\x00\x0b\x01\x08\x00\x0d\x00\x10\x08", 11), HK_PARSE_MALFORMED);
	ck_assert_int_eq(run("\x81\x0a\x00\x0b\x01\x08\x00\x0d\x09\x10\x08", 11), HK_PARSE_MALFORMED);
	memcpy(b, "\x81\x0a\x00\x00\x01\x20\xff\xff", 8);
	b[8] = BACNET_ADDR_LEN_MAX + 1;
	memset(b + 9, 0, BACNET_ADDR_LEN_MAX + 1);
	memcpy(b + 9 + BACNET_ADDR_LEN_MAX + 1, "\xff\x10\x08", 3);
	b[3] = (uint8_t)(12 + BACNET_ADDR_LEN_MAX + 1);
	ck_assert_int_eq(run(b, b[3]), HK_PARSE_MALFORMED);
	/* DLEN and SLEN at the bound: fine */
	{
		size_t o = 0;
		memcpy(b, "\x81\x0a\x00\x00\x01\x28\xff\xff", 8);
		o = 8;
		b[o++] = BACNET_ADDR_LEN_MAX;
		memset(b + o, 0x11, BACNET_ADDR_LEN_MAX);
		o += BACNET_ADDR_LEN_MAX;
		memcpy(b + o, "\x00\x07", 2);
		o += 2;
		b[o++] = BACNET_ADDR_LEN_MAX;
		memset(b + o, 0xab, BACNET_ADDR_LEN_MAX);
		o += BACNET_ADDR_LEN_MAX;
		memcpy(b + o, "\xff\x10\x00\xc4\x02\x00\x00\x05\x21\x32\x91\x03\x21\x08", 14);
		o += 14;
		b[3] = (uint8_t)o;
		ck_assert_int_eq(run(b, o), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 2);
		EXPECT(1, HK_OBS_RAW, 50, "bacnet.routed_i_am",
		       "snet=7 sadr=abababababababababababababababababab device=5 vendor=8");
	}
	/* a network message cut before its vendor id */
	ck_assert_int_eq(run("\x81\x0a\x00\x08\x01\x80\x80\x00", 8), HK_PARSE_MALFORMED);

	/* a tag whose length goes past the datagram */
	memcpy(b, rp_model, sizeof(rp_model));
	b[18] = 0x1a;
	ck_assert_int_eq(run(b, sizeof(rp_model) - 1), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* extended lengths that lie: 2- and 4-byte forms */
	begin(&p, "\x30\x01\x0c", 3);
	ctx_objid(&p, 0, 8, 1);
	ctx_uint(&p, 1, 77);
	open_tag(&p, 3);
	pc_put(&p, "\x75\xfe\xff\xf0\x00", 5);
	close_tag(&p, 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	begin(&p, "\x30\x01\x0c", 3);
	ctx_objid(&p, 0, 8, 1);
	ctx_uint(&p, 1, 77);
	open_tag(&p, 3);
	pc_put(&p, "\x75\xff\xff\xff\xff\xf0\x00", 7);
	close_tag(&p, 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* an extended tag number (15): read */
	begin(&p, "\x30\x01\x0c", 3);
	ctx_objid(&p, 0, 8, 1);
	ctx_uint(&p, 1, 77);
	open_tag(&p, 3);
	pc_put(&p, "\xf9\x22\x07\x75\x04\x00" "abc", 9); /* [34] context, then the string */
	close_tag(&p, 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_HOSTNAME, 70, "bacnet.object_name", "abc");
	/* an application tag with lvt 6: not a tag */
	begin(&p, "\x30\x01\x0c", 3);
	ctx_objid(&p, 0, 8, 1);
	ctx_uint(&p, 1, 77);
	open_tag(&p, 3);
	pc_put8(&p, 0x76);
	close_tag(&p, 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);

	/* I-Am of an object that is not a device, and with a vendor id of 5 bytes */
	memcpy(b, i_am, sizeof(i_am));
	b[9] = 0x00;
	ck_assert_int_eq(run(b, sizeof(i_am) - 1), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run("\x81\x0a\x00\x18\x01\x00\x10\x00\xc4\x02\x00\x00\x65\x22\x04\x00\x91\x00"
			     "\x25\x05\x00\x00\x00\x05", 24),
			 HK_PARSE_MALFORMED);
	/* I-Am with its parameters in the wrong order */
	ck_assert_int_eq(run("\x81\x0a\x00\x15\x01\x00\x10\x00\x22\x04\x00\xc4\x02\x00\x00\x65\x91\x00\x22\x05\x39",
			     21),
			 HK_PARSE_MALFORMED);
	/* a ReadProperty-ACK without its opening tag; with an object id of 3 bytes */
	ck_assert_int_eq(run("\x81\x0a\x00\x12\x01\x00\x30\x01\x0c\x0c\x02\x3f\xff\xff\x19\x78\x21\x05", 18),
			 HK_PARSE_MALFORMED);
	ck_assert_int_eq(run("\x81\x0a\x00\x13\x01\x00\x30\x01\x0c\x0b\x02\x3f\xff\x19\x78\x3e\x21\x05\x3f", 19),
			 HK_PARSE_MALFORMED);
	/* an APDU type beyond Abort */
	ck_assert_int_eq(run("\x81\x0a\x00\x08\x01\x00\x80\x00", 8), HK_PARSE_MALFORMED);
	/* a ComplexACK cut before its service choice */
	ck_assert_int_eq(run("\x81\x0a\x00\x08\x01\x00\x30\x01", 8), HK_PARSE_MALFORMED);
}
END_TEST

/* ---- counts -------------------------------------------------------------- */

START_TEST(test_counts)
{
	struct pc_buf p;

	/* BACNET_PROPS_MAX properties, vendor-name last: read */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 1);
	open_tag(&p, 1);
	for (int i = 0; i < BACNET_PROPS_MAX - 1; i++)
		rpm_prop(&p, 85, "x"); /* present-value, not identity */
	rpm_prop(&p, 121, "Last");
	close_tag(&p, 1);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "Last");
	/* MAX + 1: the last is not read (and the rest is not checked) */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 1);
	open_tag(&p, 1);
	for (int i = 0; i < BACNET_PROPS_MAX; i++)
		rpm_prop(&p, 85, "x");
	rpm_prop(&p, 121, "Last");
	pc_put(&p, "\xff\xff", 2);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* the tag budget: a value of BACNET_TAGS_MAX - 6 tags, then vendor-name */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 1);         /* 1 tag */
	open_tag(&p, 1);                /* 2 */
	ctx_uint(&p, 2, 76);            /* 3 */
	open_tag(&p, 4);                /* 4 */
	for (int i = 0; i < BACNET_TAGS_MAX - 10; i++)
		pc_put8(&p, 0x00);       /* NULLs */
	close_tag(&p, 4);               /* MAX - 5 */
	rpm_prop(&p, 121, "Fits");      /* MAX - 1 */
	close_tag(&p, 1);               /* MAX */
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "Fits");
	/* one NULL more: the closing tag is the MAX + 1st, reading stops before it */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 1);
	open_tag(&p, 1);
	ctx_uint(&p, 2, 76);
	open_tag(&p, 4);
	for (int i = 0; i < BACNET_TAGS_MAX - 9; i++)
		pc_put8(&p, 0x00);
	close_tag(&p, 4);
	rpm_prop(&p, 121, "Fits");
	close_tag(&p, 1);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1); /* the value closed at MAX - 4: "Fits" is whole at MAX */
	begin(&p, "\x30\x07\x0e", 3);
	ctx_objid(&p, 0, 8, 1);
	open_tag(&p, 1);
	ctx_uint(&p, 2, 76);
	open_tag(&p, 4);
	for (int i = 0; i < BACNET_TAGS_MAX - 7; i++)
		pc_put8(&p, 0x00);
	close_tag(&p, 4);
	rpm_prop(&p, 121, "Late");
	close_tag(&p, 1);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0); /* its string would be the MAX + 1st tag */

	/* nesting: BACNET_DEPTH_MAX opening tags inside a value, then MAX + 1 */
	for (int extra = 0; extra <= 1; extra++) {
		begin(&p, "\x30\x01\x0c", 3);
		ctx_objid(&p, 0, 8, 1);
		ctx_uint(&p, 1, 121);
		open_tag(&p, 3);
		charstr(&p, 0, "Deep", 4);
		for (int i = 0; i < BACNET_DEPTH_MAX + extra; i++)
			open_tag(&p, 0);
		for (int i = 0; i < BACNET_DEPTH_MAX + extra; i++)
			close_tag(&p, 0);
		close_tag(&p, 3);
		finish(&p);
		if (!extra) {
			ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
			ck_assert_uint_eq(res.sink.n, 1);
			EXPECT(0, HK_OBS_VENDOR, 90, "bacnet.vendor_name", "Deep");
		} else {
			ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
			ck_assert_uint_eq(res.sink.n, 0);
		}
	}
	/* a value with no tags at all */
	begin(&p, "\x30\x01\x0c", 3);
	ctx_objid(&p, 0, 8, 1);
	ctx_uint(&p, 1, 121);
	open_tag(&p, 3);
	close_tag(&p, 3);
	finish(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- not BACnet/IP -------------------------------------------------------- */

START_TEST(test_not_bacnet)
{
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x81", 1), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("GET / HTTP/1.0\r\n\r\n", 18), HK_PARSE_NOMATCH);
	/* BACnet/IPv6 (Annex U) */
	ck_assert_int_eq(run("\x82\x0b\x00\x09\x00\x00\x01\x01\x00", 9), HK_PARSE_NOMATCH);
	/* a BVLC function that does not exist */
	ck_assert_int_eq(run("\x81\x0d\x00\x04", 4), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* Secure-BVLL, Register-Foreign-Device: understood, nothing said */
	ck_assert_int_eq(run("\x81\x0c\x00\x05\x00", 5), HK_PARSE_OK);
	ck_assert_int_eq(run("\x81\x05\x00\x06\x00\x3c", 6), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

#define TSHARK_OUT_MAX (4u << 20)

/* All of tshark's output for one capture (args: "-V", "-T fields ..."), or NULL
 * when tshark or the capture is not at hand. */
static char *tshark_all(const char *pcap, const char *args)
{
	char *out = malloc(TSHARK_OUT_MAX);

	ck_assert_ptr_nonnull(out);
	if (!pc_tshark(pcap, args, out, TSHARK_OUT_MAX)) {
		free(out);
		return NULL;
	}
	return out;
}

/* Does the text of frame n in tshark -V output (up to the next frame) hold text? */
static bool frame_says(char *all, int frame, const char *text)
{
	char head[32];
	char *p, *next, saved = '\0';
	bool found;

	snprintf(head, sizeof(head), "Frame %d:", frame);
	p = strstr(all, head);
	while (p && p != all && p[-1] != '\n')
		p = strstr(p + 1, head);
	if (!p)
		return false;
	next = strstr(p + 1, "\nFrame ");
	if (next) {
		saved = next[1];
		next[1] = '\0';
	}
	found = strstr(p, text) != NULL;
	if (next)
		next[1] = saved;
	return found;
}

/* The udp.payload field of frame n in "-T fields -e frame.number -e udp.payload" output. */
static bool payload_of(const char *all, int frame, char *out, size_t outsz)
{
	char head[32];
	const char *p = all;
	size_t hl;

	hl = (size_t)snprintf(head, sizeof(head), "%d\t", frame);
	while (p && *p) {
		if (strncmp(p, head, hl) == 0) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) - hl : strlen(p) - hl;
			if (n >= outsz)
				return false;
			memcpy(out, p + hl, n);
			out[n] = '\0';
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
		const char *text; /* what tshark -V says, or NULL */
	} cmp[] = {
		{"iti_bacnet_test.pcap", 3, VEC(rp_req), NULL},
		{"iti_bacnet_test.pcap", 4, VEC(rp_objid), "Instance Number: 500"},
		{"iti_bacnet_test.pcap", 6, VEC(rp_vendor_id), "vendor-identifier: (Unsigned) 5"},
		{"iti_bacnet_test.pcap", 8, VEC(rp_vendor_name), "vendor-name: ISO 10646 UCS-2 'JCI'"},
		{"iti_bacnet_test.pcap", 10, VEC(rp_firmware), "firmware-revision: ISO 10646 UCS-2 '5.1.0.4400'"},
		{"iti_bacnet_test.pcap", 12, VEC(rp_app_version), NULL},
		{"iti_bacnet_test.pcap", 14, VEC(rp_object_name), "Object Name: KBRNAE"},
		{"iti_bacnet_test.pcap", 16, VEC(rp_model), "model-name: ISO 10646 UCS-2 'MS-NAE4510-2'"},
		{"iti_bacnet_test.pcap", 18, VEC(rp_description), NULL},
		{"iti_bacnet_test.pcap", 21, VEC(read_bdt), NULL},
		{"iti_bacnet_test.pcap", 22, VEC(bvlc_result), NULL},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 29, VEC(i_am), "Vendor Identifier: Xxter bv (1337)"},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 30, VEC(i_have_routed), "Source Network Address: 13"},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 36, VEC(who_has), NULL},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 37, VEC(who_is), NULL},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 41, VEC(who_am_i), "Model name: UTF-8 'LMCP24'"},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 42, VEC(you_are), NULL},
		{"icsnpp-bacnet_bacnet_error_reject_abort.pcap", 44, VEC(reject), NULL},
		{"icsnpp-bacnet_bacnet_segmented_data.pcap", 1, VEC(i_have_dbcs), "IBM/Microsoft DBCS"},
		{"icsnpp-bacnet_bacnet_segmented_data.pcap", 6, VEC(i_am_unitec), "Unitec Corporation (154)"},
		{"icsnpp-bacnet_bacnet_segmented_data.pcap", 13, VEC(rp_indexed), NULL},
		{"icsnpp-bacnet_bacnet_segmented_data.pcap", 15, VEC(seg_first), "Sequence Number: 0"},
		{"ndpi_bacnet.pcap", 11, VEC(i_am_stack), "BACnet Stack at SourceForge (260)"},
		{"ndpi_bacnet.pcap", 19, VEC(who_is_range), NULL},
		{"ndpi_bacnet.pcap", 22, VEC(i_am_router), "I-Am-Router-To-Network"},
		{"ndpi_bacnet.pcap", 23, VEC(net_number_is), NULL},
		{"arkime_bacnet-stack-services.pcap", 13, VEC(i_am_routed), "Source Network Address: 13"},
		{"arkime_bacnet-stack-services.pcap", 53, VEC(ack_routed), NULL},
	};
	char line[4096], want[4096];
	char *fields = NULL, *verbose = NULL;

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		/* tshark runs twice per capture (the table is grouped by capture) */
		if (i == 0 || strcmp(cmp[i].pcap, cmp[i - 1].pcap) != 0) {
			free(fields);
			free(verbose);
			fields = tshark_all(cmp[i].pcap, "-T fields -e frame.number -e udp.payload");
			verbose = tshark_all(cmp[i].pcap, "-V");
			if (!fields || !verbose)
				break; /* no tshark or no captures here: nothing to compare */
		}
		ck_assert_msg(payload_of(fields, cmp[i].frame, line, sizeof(line)), "%s frame %d", cmp[i].pcap,
			      cmp[i].frame);
		pc_hex(cmp[i].b, cmp[i].n, want, sizeof(want));
		ck_assert_msg(strcmp(line, want) == 0, "%s frame %d: tshark '%s'", cmp[i].pcap, cmp[i].frame, line);
		if (cmp[i].text)
			ck_assert_msg(frame_says(verbose, cmp[i].frame, cmp[i].text), "%s frame %d: no '%s'",
				      cmp[i].pcap, cmp[i].frame, cmp[i].text);
	}
	free(fields);
	free(verbose);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("proto_bacnet");
	TCase *tc = tcase_create("bacnet");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_read_property_acks);
	tcase_add_test(tc, test_unconfirmed);
	tcase_add_test(tc, test_routed_and_forwarded);
	tcase_add_test(tc, test_segmented);
	tcase_add_test(tc, test_read_property_multiple);
	tcase_add_test(tc, test_charsets);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_cut_apdus);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_not_bacnet);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(suite());
}
