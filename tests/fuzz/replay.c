/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Without a fuzzing build, each fuzz target is linked with this driver and
 * its seed corpus runs as an ordinary test: every file of every directory
 * (or file) named on the command line goes through LLVMFuzzerTestOneInput
 * once, in name order so a failure is reproducible. Each input sits in an
 * exactly-sized heap buffer, as libFuzzer gives it, so AddressSanitizer sees
 * a one-byte over-read. An empty or missing corpus fails: it would test
 * nothing while looking green.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_INPUT_MAX (16u << 20) /* a seed larger than this is a mistake */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t len;
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) < 0 || st.st_size < 0 || st.st_size > REPLAY_INPUT_MAX) {
		fprintf(stderr, "%s: cannot size it, or larger than %u bytes\n", path,
			REPLAY_INPUT_MAX);
		fclose(fp);
		return -1;
	}
	len = (size_t)st.st_size;
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, fp) != len) {
		fprintf(stderr, "%s: cannot read it\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int skip_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	unsigned long n_inputs = 0, n_errors = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat st;
		int n;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			n_errors++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) < 0)
				n_errors++;
			else
				n_inputs++;
			continue;
		}
		n = scandir(argv[i], &names, skip_hidden, alphasort);
		if (n < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			n_errors++;
			continue;
		}
		for (int k = 0; k < n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (replay_file(path) < 0)
					n_errors++;
				else
					n_inputs++;
			}
			free(names[k]);
		}
		free(names);
	}
	printf("replayed %lu inputs, %lu unreadable\n", n_inputs, n_errors);
	return (n_inputs == 0 || n_errors) ? 1 : 0;
}
