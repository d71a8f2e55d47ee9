/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output file (src/core/outfile.h): written whole or not at all, in a
 * directory of its own per test. A commit replaces the file and leaves no
 * temporary one; an abort leaves an existing file as it was; a replaced
 * file keeps its mode; FIFOs and devices are written in place, links
 * followed; errors name the file and the reason.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/outfile.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hk-outfile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	umask(022);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *at(const char *name)
{
	static char buf[4][256];
	static unsigned k;
	char *b = buf[k++ % 4];

	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The file's text ("" when empty), in a static buffer. */
static const char *text_of(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries of the directory besides . and .. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_new_file_committed)
{
	struct outfile o;
	char err[256];
	struct stat st;

	ck_assert_int_eq(outfile_open(&o, at("new.json"), err, sizeof(err)), 0);
	/* written under another name: nothing by its own name yet */
	ck_assert_int_ne(access(at("new.json"), F_OK), 0);
	ck_assert_int_eq(entries(), 1);
	fputs("{}\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_str_eq(text_of(at("new.json")), "{}\n");
	ck_assert_int_eq(entries(), 1); /* no temporary file left */
	ck_assert_int_eq(stat(at("new.json"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644); /* 0666 less the umask, as fopen gives */
	outfile_abort(&o);                             /* after a commit: nothing */
	ck_assert_str_eq(text_of(at("new.json")), "{}\n");
}
END_TEST

START_TEST(test_abort_keeps_existing)
{
	struct outfile o;
	char err[256];

	put(at("keep.json"), "old\n");
	ck_assert_int_eq(outfile_open(&o, at("keep.json"), err, sizeof(err)), 0);
	fputs("half of the new", o.f);
	fflush(o.f);
	ck_assert_str_eq(text_of(at("keep.json")), "old\n");
	outfile_abort(&o);
	outfile_abort(&o); /* twice: nothing */
	ck_assert_str_eq(text_of(at("keep.json")), "old\n");
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_replaced_file_keeps_mode)
{
	struct outfile o;
	char err[256];
	struct stat st;

	put(at("r.csv"), "old\n");
	ck_assert_int_eq(chmod(at("r.csv"), 0640), 0);
	ck_assert_int_eq(outfile_open(&o, at("r.csv"), err, sizeof(err)), 0);
	fputs("new\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_str_eq(text_of(at("r.csv")), "new\n");
	ck_assert_int_eq(stat(at("r.csv"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_link_followed)
{
	struct outfile o;
	char err[256];
	struct stat st;

	put(at("target.json"), "old\n");
	ck_assert_int_eq(symlink("target.json", at("link.json")), 0);
	ck_assert_int_eq(outfile_open(&o, at("link.json"), err, sizeof(err)), 0);
	fputs("new\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_int_eq(lstat(at("link.json"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_str_eq(text_of(at("target.json")), "new\n");
	ck_assert_int_eq(entries(), 2);

	/* a link to nothing yet: written through, the link stays */
	ck_assert_int_eq(symlink("later.json", at("dangling.json")), 0);
	ck_assert_int_eq(outfile_open(&o, at("dangling.json"), err, sizeof(err)), 0);
	fputs("made\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_int_eq(lstat(at("dangling.json"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_str_eq(text_of(at("later.json")), "made\n");
}
END_TEST

START_TEST(test_fifo_in_place)
{
	struct outfile o;
	char err[256], buf[64];
	struct stat st;
	int rd;
	ssize_t n;

	ck_assert_int_eq(mkfifo(at("p"), 0600), 0);
	/* a reader first, so that opening for writing does not wait */
	rd = open(at("p"), O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rd, 0);
	ck_assert_int_eq(outfile_open(&o, at("p"), err, sizeof(err)), 0);
	ck_assert_ptr_null(o.tmp);
	fputs("through\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	n = read(rd, buf, sizeof(buf) - 1);
	ck_assert_int_eq(n, 8);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "through\n");
	close(rd);
	ck_assert_int_eq(lstat(at("p"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_device_in_place)
{
	struct outfile o;
	char err[256];
	struct stat st;

	ck_assert_int_eq(outfile_open(&o, "/dev/null", err, sizeof(err)), 0);
	ck_assert_ptr_null(o.tmp);
	fputs("gone\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));

	/* a write that fails is told, with the reason */
	ck_assert_int_eq(outfile_open(&o, "/dev/full", err, sizeof(err)), 0);
	for (int i = 0; i < 10000; i++)
		fputs("0123456789", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), -ENOSPC);
	ck_assert_msg(strstr(err, "/dev/full") && strstr(err, strerror(ENOSPC)), "%s", err);
}
END_TEST

START_TEST(test_standard_output)
{
	struct outfile o;
	char err[256];

	ck_assert_int_eq(outfile_open(&o, NULL, err, sizeof(err)), 0);
	ck_assert_ptr_eq(o.f, stdout);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_int_eq(outfile_open(&o, "-", err, sizeof(err)), 0);
	ck_assert_ptr_eq(o.f, stdout);
	outfile_abort(&o); /* does not close standard output */
	ck_assert_int_ne(fcntl(STDOUT_FILENO, F_GETFD), -1);
}
END_TEST

START_TEST(test_errors)
{
	struct outfile o;
	char err[256];

	ck_assert_int_eq(outfile_open(&o, at("no/such/dir/x.json"), err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "no/such/dir/x.json") && strstr(err, strerror(ENOENT)), "%s", err);
	ck_assert_ptr_null(o.f);
	outfile_abort(&o);
	ck_assert_int_eq(outfile_open(&o, dir, err, sizeof(err)), -EISDIR);
	ck_assert_msg(strstr(err, dir) && strstr(err, strerror(EISDIR)), "%s", err);
	ck_assert_int_eq(entries(), 0);
}
END_TEST

START_TEST(test_redirected_stdout_in_place)
{
	struct outfile o;
	char err[256];
	int fd = open(at("shell.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	/* { echo head; herkomst ... -o /dev/stdout; } > shell.txt: the file
	 * standard output writes to is written through, not replaced */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "head\n", 5), 5);
	fflush(stdout);
	ck_assert_int_eq(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);
	ck_assert_int_eq(outfile_open(&o, "/dev/stdout", err, sizeof(err)), 0);
	ck_assert_ptr_null(o.tmp);
	fputs("body\n", o.f);
	ck_assert_int_eq(outfile_commit(&o, err, sizeof(err)), 0);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_signal_removes_temporary)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct outfile o;
		char err[256];

		/* as a program starts (Check's own handler would kill the group) */
		signal(SIGINT, SIG_DFL);
		setpgid(0, 0);
		if (outfile_open(&o, at("cut.json"), err, sizeof(err)) < 0)
			_exit(3);
		fputs("half", o.f);
		fflush(o.f);
		raise(SIGINT); /* Ctrl-C while the output is being written */
		_exit(4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT, "status %d", status);
	ck_assert_int_eq(entries(), 0); /* no hidden temporary file left */
}
END_TEST

static Suite *outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_file_committed);
	tcase_add_test(tc, test_abort_keeps_existing);
	tcase_add_test(tc, test_replaced_file_keeps_mode);
	tcase_add_test(tc, test_link_followed);
	tcase_add_test(tc, test_fifo_in_place);
	tcase_add_test(tc, test_device_in_place);
	tcase_add_test(tc, test_standard_output);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_redirected_stdout_in_place);
	tcase_add_test(tc, test_signal_removes_temporary);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(outfile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
