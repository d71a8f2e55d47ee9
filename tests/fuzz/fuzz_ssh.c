/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: SSH identification strings (src/proto/ssh.c): both directions describe
 * their sender (software, SRC).
 *
 * The input is a context byte and a stream window (see fuzz_banner.h).
 * Seed corpus corpus/ssh/: the first byte of each file is the context
 * (0x02 the server's direction, 0x03 the client's, client known); names
 * read SHAPE.SOURCE.FRAME:
 *
 * | seed | from | original | licence |
 * |---|---|---|---|
 * | `server.arkime_ssh2.4` | arkime_ssh2.pcap frame 4, SSH-1.99-OpenSSH_3.9p1 | arkime/arkime `tests/pcap/ssh2.pcap` | Apache-2.0 |
 * | `client.arkime_ssh2.6` | arkime_ssh2.pcap frame 6, the client's, with its KEXINIT if in the segment | same | Apache-2.0 |
 * | `server.zeek_ssh_version_199.4` | zeek_ssh_version_199.pcap frame 4, SSH-2.0-Cisco-1.25 (bare LF) | zeek/zeek `testing/btest/Traces/ssh/ssh_version_199.pcap` | BSD-3-Clause |
 * | `server.tcpdump_ssh.6` | tcpdump_ssh.pcap frame 6, with comments | the-tcpdump-group/tcpdump `tests/ssh.pcap` | BSD-3-Clause |
 * | `client.suri-ssh-banner-only_input.11` | suri-ssh-banner-only_input.pcap frame 11, OpenSSH_for_Windows | OISF/suricata-verify `tests/ssh-banner-only/input.pcap` | MIT |
 * | `hand-prelines` | server lines before the identification (RFC 4253 4.2) | built here | — |
 */
#include "fuzz_banner.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ssh_allowed(enum hk_obs_kind kind, enum hk_side side)
{
	return kind == HK_OBS_SOFTWARE && side == HK_SIDE_SRC;
}

static const struct fuzz_banner ssh_target = {
	.parse = proto_ssh_parse,
	.port = 22,
	.prefix = "ssh.",
	.client_silent = false,
	.allowed = ssh_allowed,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_banner_run(&ssh_target, data, size);
}
