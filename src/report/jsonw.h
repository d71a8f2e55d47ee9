/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One description of a JSON value, two renderings. A writer (struct jw) is
 * told a value token by token (begin an object, a key, a string, an
 * integer, ..., end) and either builds jansson's tree of it (jw_tree_*:
 * what the API, the reports and the fleet hand on) or appends straight to a
 * buffer the text jansson 2.14's json_dumpf gives for that tree with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII, at the depth the
 * value sits in its document (jw_text_*: analyze's devices, 44 MB of them
 * on the bench, with no tree built, dumped and freed).
 *
 * What jansson does with a value it refuses, the text does too: a string
 * that is not UTF-8 (json_stringn() is NULL) or NULL, and a real that is
 * not finite (json_real() is NULL), are not added: an object member goes
 * with its key, an array item leaves no gap; a key that is not UTF-8
 * (json_object_set_new() refuses it) takes its value with it, a container
 * with all it holds. A key set twice in one object is the caller's to
 * avoid: jansson keeps the first place and the last value, which a stream
 * cannot know when it writes the first.
 */
#ifndef HERKOMST_JSONW_H
#define HERKOMST_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Containers open at once in one writer (a device's deepest value is
 * three below the device itself: criteria, a criterion, its lines). */
#define JW_DEPTH_MAX 8

/* A growing text buffer, written to f in blocks by its owner (NULL: only
 * appended to, as the tests do). failed: out of memory or a write failed;
 * sticky, nothing is appended after it. */
struct jout {
	FILE *f;
	char *buf;
	size_t len, cap;
	bool failed;
};

/* Room for n more bytes; -1 (and failed) when there is none. */
int jout_grow(struct jout *o, size_t n);

static inline int jout_raw(struct jout *o, const char *s, size_t n)
{
	if (o->failed || (n > o->cap - o->len && jout_grow(o, n) < 0))
		return -1;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	return 0;
}

static inline int jout_str(struct jout *o, const char *s)
{
	return jout_raw(o, s, strlen(s));
}

/* The tree's values that recur (strings named with jw_name(), integers
 * 0..JW_INT_SHARED - 1) kept once and shared between the values built
 * with it: jansson's values are reference counted and a shared value
 * renders as the same bytes wherever it sits. A cache only: past three
 * quarters of JW_NAMES_MAX names a string is built each time. */
struct jw_shared;
struct jw_shared *jw_shared_new(void);
struct jw_shared *jw_shared_free(struct jw_shared *s);

struct jw_level {
	json_t *node; /* tree: the container (borrowed) */
	bool obj;     /* an object: its values come after a key */
	bool empty;   /* text: nothing written in it yet */
};

enum jw_key_state {
	JW_KEY_NONE = 0, /* an array item, or no key given */
	JW_KEY_PLAIN,    /* a literal: ASCII, nothing to escape */
	JW_KEY_ANY,      /* any bytes: checked, escaped */
	JW_KEY_REFUSED,  /* not UTF-8: the value that follows is dropped */
};

struct jw {
	bool text;
	struct jout *out;          /* text */
	unsigned indent;           /* text: the depth of lvl[0] in the document */
	struct jw_shared *shared;  /* tree, may be NULL */
	json_t *root;              /* tree: the value built, when not added to */
	struct jw_level lvl[JW_DEPTH_MAX];
	unsigned depth;            /* containers open, lvl[depth - 1] the innermost */
	unsigned base;             /* the ones the writer started inside: not closed */
	unsigned skip;             /* > 0: inside a dropped container, that deep */
	enum jw_key_state key_state;
	const char *key;
	size_t key_len;
	bool failed;               /* tree: a value could not be built, or misuse */
};

/* A writer that builds a new value (its root, see jw_tree_root). */
void jw_tree_init(struct jw *w, struct jw_shared *shared);

/* A writer that adds to the object or array c (members and items after
 * the ones it holds). */
void jw_tree_init_in(struct jw *w, json_t *c, struct jw_shared *shared);

/* The value built by a jw_tree_init writer, the caller's reference; NULL
 * when none was (or it was refused). */
json_t *jw_tree_root(struct jw *w);

/* A writer that appends to out items of an array that sits at depth in
 * its document (0: the document itself), each after its separator ("\n"
 * and the indent before the first, ",\n" and the indent before the others;
 * empty: no item of the array has been written yet). The array's brackets
 * are the caller's: a document written in pieces is the pieces' bytes one
 * after the other. */
void jw_text_init(struct jw *w, struct jout *out, unsigned depth, bool empty);

/* The key of the next value in an object. jw_key: a literal, ASCII with
 * nothing to escape (not checked). jw_key_any: any bytes, escaped; not
 * UTF-8: the value is dropped, as json_object_set_new() drops it. */
void jw_key(struct jw *w, const char *key, size_t len);
#define JW_KEY(w, lit) jw_key((w), "" lit "", sizeof(lit) - 1)
void jw_key_any(struct jw *w, const char *key, size_t len);

void jw_obj_begin(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_end(struct jw *w);

/* s: dropped when NULL or not UTF-8. */
void jw_strn(struct jw *w, const char *s, size_t len);
void jw_str(struct jw *w, const char *s);
/* jw_str of a string that recurs: shared in a tree built with shared */
void jw_name(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* jansson's real: 17 significant digits, ".0" when it would read as an
 * integer; not finite: dropped. */
void jw_real(struct jw *w, double v);

#endif
