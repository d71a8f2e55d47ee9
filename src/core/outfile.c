/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fail(char *errbuf, size_t errsz, const char *path, int err)
{
	snprintf(errbuf, errsz, "cannot write %s: %s", path, strerror(err));
	return -err;
}

/* A name no other run picks: random where the kernel gives it, else time
 * and process (O_EXCL catches the rest). */
static uint32_t tmp_salt(unsigned attempt)
{
	uint32_t r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 12) ^ attempt * 0x9e3779b9u;
}

/* Creates the temporary file beside real: its descriptor, or -errno. */
static int tmp_create(const char *real, const struct stat *st, bool exists, char **ret_tmp)
{
	const char *slash = strrchr(real, '/');
	size_t dir_len = slash ? (size_t)(slash - real) + 1 : 0; /* with its '/' */
	const char *base = slash ? slash + 1 : real;
	int err = EEXIST;

	for (unsigned i = 0; i < OUTFILE_TRIES_MAX && err == EEXIST; i++) {
		/* the name shown while it is written: hidden, next to the file,
		 * saying whose it is; cut so that it stays a valid name */
		size_t sz = dir_len + 200 + 32;
		char *tmp = malloc(sz);
		int fd;

		if (!tmp)
			return -ENOMEM;
		snprintf(tmp, sz, "%.*s.%.200s.%08x.tmp", (int)dir_len, real, base, tmp_salt(i));
		/* a new file gets 0666 less the umask, as fopen gives; one that
		 * replaces a file gets that file's mode (and owner, where allowed) */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? 0600 : 0666);
		if (fd >= 0) {
			if (exists) {
				(void)fchmod(fd, st->st_mode & 07777);
				(void)fchown(fd, st->st_uid, st->st_gid);
			}
			*ret_tmp = tmp;
			return fd;
		}
		err = errno;
		free(tmp);
	}
	return -err;
}

int outfile_open(struct outfile *o, const char *path, char *errbuf, size_t errsz)
{
	struct stat st;
	bool exists;
	char *real;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (stat(path, &st) == 0) {
		exists = true;
	} else if (errno == ENOENT) {
		exists = false;
	} else {
		return fail(errbuf, errsz, path, errno);
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* a device, a FIFO, standard output by name: written, not replaced */
		o->f = fopen(path, "we");
		if (!o->f)
			return fail(errbuf, errsz, path, errno);
		o->path = strdup(path);
		if (!o->path) {
			fclose(o->f);
			o->f = NULL;
			return fail(errbuf, errsz, path, ENOMEM);
		}
		return 0;
	}
	/* through a link, the file it names is the one replaced; a link to
	 * nothing yet is written through (fopen creates what it names) */
	real = exists ? realpath(path, NULL) : strdup(path);
	if (!real)
		return fail(errbuf, errsz, path, errno);
	if (!exists && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		o->f = fopen(path, "we");
		if (!o->f) {
			int err = errno;
			free(real);
			return fail(errbuf, errsz, path, err);
		}
		o->path = real;
		return 0;
	}
	fd = tmp_create(real, &st, exists, &o->tmp);
	if (fd < 0) {
		free(real);
		return fail(errbuf, errsz, path, -fd);
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int err = errno;
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		free(real);
		return fail(errbuf, errsz, path, err);
	}
	o->path = real;
	return 0;
}

static void release(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->f = NULL;
	o->closed = true;
}

int outfile_commit(struct outfile *o, char *errbuf, size_t errsz)
{
	int err = 0;

	if (o->closed || !o->f)
		return 0;
	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		err = errno ? errno : EIO;
	if (o->f == stdout) {
		release(o);
		if (err)
			snprintf(errbuf, errsz, "writing to standard output failed: %s", strerror(err));
		return -err;
	}
	if (fclose(o->f) != 0 && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (err) {
		snprintf(errbuf, errsz, "writing %s failed: %s", o->path, strerror(err));
	} else if (o->tmp && rename(o->tmp, o->path) < 0) {
		err = errno;
		snprintf(errbuf, errsz, "cannot replace %s with the new output %s: %s", o->path, o->tmp,
			 strerror(err));
	}
	if (err && o->tmp)
		unlink(o->tmp);
	release(o);
	return -err;
}

void outfile_abort(struct outfile *o)
{
	if (o->closed || !o->f)
		return;
	if (o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	release(o);
}
