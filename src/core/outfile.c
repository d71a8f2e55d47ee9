/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
				/* chown first: it may clear set-group-ID */
				(void)fchown(fd, st->st_uid, st->st_gid);
				(void)fchmod(fd, st->st_mode & 07777);
			}
			*ret_tmp = tmp;
			return fd;
		}
		err = errno;
		free(tmp);
	}
	return -err;
}

/*
 * The temporary file of the output being written, for the signal handler:
 * an interrupted run (Ctrl-C, SIGTERM) leaves no hidden file beside OUT.
 * analyze and report write one output at a time.
 */
static const char *volatile pending_tmp;

static void on_signal(int sig)
{
	const char *tmp = pending_tmp;

	if (tmp)
		unlink(tmp); /* async-signal-safe; after a rename it finds nothing */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Installed where the signal still has its default action (a program's
 * own handler is left alone). */
static void catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old, sa = {.sa_handler = on_signal};

		sigemptyset(&sa.sa_mask);
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* Written in place, as fopen(path, "w") writes: truncated now. */
static int open_in_place(struct outfile *o, const char *path, char *real, char *errbuf, size_t errsz)
{
	o->f = fopen(path, "we");
	if (!o->f) {
		int err = errno;
		free(real);
		return fail(errbuf, errsz, path, err);
	}
	o->path = real ? real : strdup(path);
	if (!o->path) {
		fclose(o->f);
		o->f = NULL;
		return fail(errbuf, errsz, path, ENOMEM);
	}
	return 0;
}

int outfile_open(struct outfile *o, const char *path, char *errbuf, size_t errsz)
{
	struct stat st, out;
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
	/* a device, a FIFO, or the file standard output already writes to
	 * (-o /dev/stdout with stdout redirected to a file): written, not
	 * replaced */
	if (exists && (!S_ISREG(st.st_mode) || (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev &&
						 out.st_ino == st.st_ino)))
		return open_in_place(o, path, NULL, errbuf, errsz);
	/* a file that may not be written is refused now, as fopen refused it */
	if (exists && access(path, W_OK) < 0)
		return fail(errbuf, errsz, path, errno);
	/* another user's file: replacing it would make it ours (and in a
	 * sticky directory such as /tmp the rename is refused) */
	if (exists && geteuid() != 0 && st.st_uid != geteuid())
		return open_in_place(o, path, NULL, errbuf, errsz);
	/* through a link, the file it names is the one replaced; a link to
	 * nothing yet is written through (fopen creates what it names) */
	real = exists ? realpath(path, NULL) : strdup(path);
	if (!real)
		return fail(errbuf, errsz, path, errno);
	if (!exists && lstat(path, &out) == 0 && S_ISLNK(out.st_mode))
		return open_in_place(o, path, real, errbuf, errsz);
	fd = tmp_create(real, &st, exists, &o->tmp);
	/* a writable file in a directory where no file may be made */
	if (exists && (fd == -EACCES || fd == -EPERM || fd == -EROFS))
		return open_in_place(o, path, real, errbuf, errsz);
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
	catch_signals();
	pending_tmp = o->tmp;
	return 0;
}

static void release(struct outfile *o)
{
	if (o->tmp && pending_tmp == o->tmp)
		pending_tmp = NULL; /* renamed or removed by now */
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
