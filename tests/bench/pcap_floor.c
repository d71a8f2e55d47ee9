/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for bench.sh: the least any pcap reader can do with a capture.
 *
 * A plain libpcap loop that reads every frame and looks at it just enough
 * that the compiler cannot drop the loop: it loads each frame's first byte
 * and sums the captured lengths, and prints both. Whatever herkomst analyze
 * spends above this on the same file is decoding, flows, nDPI and the
 * inventory; bench.sh prints that as a ratio measured in the same run.
 *
 * Usage: pcap_floor CAPTURE, or pcap_floor --version (the libpcap in use).
 * Prints one line: "<packets> packets <bytes> bytes <sum> first-byte-sum".
 * Exit status 0, or 1 when the file cannot be opened. A read error (a
 * truncated last frame) ends the loop with a warning and exit status 0, the
 * way herkomst analyze treats it without --strict, so both read the same
 * frames.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t n_packets = 0, caplen_sum = 0, first_sum = 0;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s\n", pcap_lib_version());
		return 0;
	}

	errbuf[0] = '\0';
	p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "%s: %s\n", argv[1], errbuf);
		return 1;
	}

	while ((r = pcap_next_ex(p, &hdr, &data)) == 1) {
		n_packets++;
		caplen_sum += hdr->caplen;
		if (hdr->caplen > 0)
			first_sum += data[0];
	}
	if (r == PCAP_ERROR)
		fprintf(stderr, "%s: warning: stopped after %" PRIu64 " packets: %s\n",
			argv[1], n_packets, pcap_geterr(p));
	pcap_close(p);

	printf("%" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " first-byte-sum\n",
	       n_packets, caplen_sum, first_sum);
	return 0;
}
