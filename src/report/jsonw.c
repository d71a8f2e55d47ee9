/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON writer of jsonw.h: a jansson tree, or the text jansson 2.14
 * renders for it (dump.c's dump_string, do_dump and dump_indent; utf.c's
 * UTF-8 check; strconv.c's jsonp_dtostr), written here so that the
 * devices of analyze's JSON need no tree: building, dumping and freeing
 * the tree took 90 % of the output's instructions, jansson spending them on
 * a UTF-8 decode per character, an snprintf("%p") and a hashtable insert
 * and delete per object and array (its loop check), an snprintf per
 * integer and a callback per token (docs/performance.md).
 * tests/unit/test_jsonw.c holds the text to jansson's, byte for byte.
 */
#include "report/jsonw.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "core/util.h"

/* --- the buffer ------------------------------------------------------------ */

#define JOUT_CAP_MIN (128u * 1024u) /* the first allocation */

/* out of line: inlined, it made every append save registers */
__attribute__((noinline, cold)) int jout_grow(struct jout *o, size_t n)
{
	size_t cap = o->cap ? o->cap : JOUT_CAP_MIN;
	char *b;

	if (o->failed)
		return -1;
	if (n > SIZE_MAX - o->len) {
		o->failed = true;
		return -1;
	}
	while (cap < o->len + n) {
		if (cap > SIZE_MAX / 2) {
			o->failed = true;
			return -1;
		}
		cap *= 2;
	}
	b = realloc(o->buf, cap);
	if (!b) {
		o->failed = true;
		return -1;
	}
	o->buf = b;
	o->cap = cap;
	return 0;
}

/* --- the tree's shared values ------------------------------------------------ */

#define JW_INT_SHARED 256 /* integers 0 .. JW_INT_SHARED - 1 shared */
#define JW_NAMES_MAX 1024 /* slots of the table of shared strings, a power of two */

struct jw_name {
	uint64_t hash;
	json_t *v; /* NULL: free slot */
};

struct jw_shared {
	json_t *small[JW_INT_SHARED];
	struct jw_name name[JW_NAMES_MAX];
	size_t n_names;
};

struct jw_shared *jw_shared_new(void)
{
	return calloc(1, sizeof(struct jw_shared));
}

struct jw_shared *jw_shared_free(struct jw_shared *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < JW_INT_SHARED; i++)
		json_decref(s->small[i]);
	for (size_t i = 0; i < JW_NAMES_MAX; i++)
		json_decref(s->name[i].v);
	free(s);
	return NULL;
}

/* json_stringn(): jansson checks a string is UTF-8 byte by byte, but plain
 * ASCII, nearly every string here, is valid UTF-8 as it is; anything else
 * still goes through the check (NULL when it fails, as json_stringn()). */
static json_t *tree_strn(const char *s, size_t len)
{
	unsigned char high = 0;

	for (size_t i = 0; i < len; i++)
		high |= (unsigned char)s[i];
	return high & 0x80 ? json_stringn(s, len) : json_stringn_nocheck(s, len);
}

static json_t *tree_name(struct jw_shared *sh, const char *s)
{
	size_t len = strlen(s), i;
	uint64_t h = hk_hash_bytes(s, len, 0);
	json_t *v;

	for (i = h & (JW_NAMES_MAX - 1); sh->name[i].v; i = (i + 1) & (JW_NAMES_MAX - 1)) {
		json_t *c = sh->name[i].v;
		if (sh->name[i].hash == h && json_string_length(c) == len && memcmp(json_string_value(c), s, len) == 0)
			return json_incref(c);
	}
	v = tree_strn(s, len);
	/* three quarters full at most: a lookup always meets a free slot */
	if (v && sh->n_names < JW_NAMES_MAX / 4 * 3) {
		sh->name[i].hash = h;
		sh->name[i].v = json_incref(v);
		sh->n_names++;
	}
	return v;
}

static json_t *tree_int(struct jw_shared *sh, int64_t v)
{
	if (sh && v >= 0 && v < JW_INT_SHARED) {
		if (!sh->small[v])
			sh->small[v] = json_integer(v);
		return json_incref(sh->small[v]);
	}
	return json_integer(v);
}

/* v (a new reference, NULL: refused) as the next value: the root, an item,
 * or the member of the key given */
static void tree_add(struct jw *w, json_t *v)
{
	enum jw_key_state ks = w->key_state;
	struct jw_level *l;

	w->key_state = JW_KEY_NONE;
	if (!v)
		return;
	if (!w->depth) {
		if (w->root) {
			json_decref(v);
			w->failed = true;
			return;
		}
		w->root = v;
		return;
	}
	l = &w->lvl[w->depth - 1];
	if (!l->obj)
		json_array_append_new(l->node, v);
	else if (ks == JW_KEY_PLAIN)
		json_object_setn_new_nocheck(l->node, w->key, w->key_len, v);
	else if (ks == JW_KEY_ANY)
		json_object_setn_new(l->node, w->key, w->key_len, v); /* refused when not UTF-8 */
	else {
		json_decref(v);
		w->failed = true;
	}
}

/* --- the text ------------------------------------------------------------------ */

/* Bytes dump_string does not copy as they are (with JSON_ENSURE_ASCII):
 * '"', '\\', control characters, and everything above ASCII. DEL and '/'
 * are copied. */
static const unsigned char jw_special[256] = {
	[0x00 ... 0x1f] = 1,
	['"'] = 1,
	['\\'] = 1,
	[0x80 ... 0xff] = 1,
};

static const char jw_hex[] = "0123456789ABCDEF"; /* jansson writes "\\u%04X" */

/* The code point of the UTF-8 sequence at s (n bytes, s[0] >= 0x80) and
 * its length; 0 when it is not one jansson's utf8_check_full takes: a
 * continuation byte or 0xC0, 0xC1, 0xF5..0xFF first, a byte that is not a
 * continuation inside, an overlong form, a UTF-16 surrogate half, above
 * U+10FFFF, or cut short by the end. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1fu;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0fu;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*ret_cp = v;
	return len;
}

static bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + len;
	uint32_t cp;

	while (u < end) {
		size_t k;
		if (*u < 0x80) {
			u++;
			continue;
		}
		k = utf8_decode(u, (size_t)(end - u), &cp);
		if (!k)
			return false;
		u += k;
	}
	return true;
}

#define JW_ONES 0x0101010101010101ull
#define JW_HIGHS 0x8080808080808080ull
#define JW_HAS_ZERO(x) (((x) - JW_ONES) & ~(x) & JW_HIGHS)

/* Is any of the eight bytes of x one jw_special marks? Above ASCII, below
 * 0x20 (x - 0x20 borrows into the high bit only there, when none is above
 * ASCII), '"' or '\\' (a zero byte once xor'ed with it). */
static inline bool jw_word_special(uint64_t x)
{
	return ((x & JW_HIGHS) | ((x - 0x20 * JW_ONES) & ~x & JW_HIGHS) | JW_HAS_ZERO(x ^ ('"' * JW_ONES)) |
		JW_HAS_ZERO(x ^ ('\\' * JW_ONES))) != 0;
}

static char *put_u16(char *p, uint32_t v)
{
	p[0] = '\\';
	p[1] = 'u';
	p[2] = jw_hex[v >> 12 & 0xf];
	p[3] = jw_hex[v >> 8 & 0xf];
	p[4] = jw_hex[v >> 4 & 0xf];
	p[5] = jw_hex[v & 0xf];
	return p + 6;
}

/* The most a string of len bytes takes, quoted: a byte becomes at most 6
 * ("\u001F"; a 2-byte sequence 6, a 3-byte one 6, a 4-byte one 12). */
#define JW_STR_ROOM(len) (2 + 6 * (len))
#define JW_STR_LEN_MAX ((SIZE_MAX - 64) / 8)

/*
 * s quoted and escaped as dump_string writes it, at p (JW_STR_ROOM(len)
 * bytes there); the end, NULL when s is not UTF-8. Runs of plain bytes are
 * copied as they are; only the others are decoded.
 */
static char *put_string(char *p, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + len;

	*p++ = '"';
	while (u < end) {
		unsigned char c;
		uint32_t cp;
		size_t k;

		/* eight plain bytes at a time while there are */
		while (end - u >= 8) {
			uint64_t x;

			memcpy(&x, u, 8);
			if (jw_word_special(x))
				break;
			memcpy(p, &x, 8);
			p += 8;
			u += 8;
		}
		if (u == end)
			break;
		c = *u;
		if (!jw_special[c]) {
			*p++ = (char)c;
			u++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_decode(u, (size_t)(end - u), &cp);
			if (!k)
				return NULL;
			u += k;
			if (cp < 0x10000) {
				p = put_u16(p, cp);
			} else {
				cp -= 0x10000;
				p = put_u16(p, 0xd800 | (cp >> 10));
				p = put_u16(p, 0xdc00 | (cp & 0x3ff));
			}
			continue;
		}
		u++;
		*p++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*p++ = (char)c;
			break;
		case '\b':
			*p++ = 'b';
			break;
		case '\f':
			*p++ = 'f';
			break;
		case '\n':
			*p++ = 'n';
			break;
		case '\r':
			*p++ = 'r';
			break;
		case '\t':
			*p++ = 't';
			break;
		default:
			p = put_u16(p - 1, c);
			break;
		}
	}
	*p++ = '"';
	return p;
}

/* n spaces at p, written eight at a time: up to JW_SPACES_SLACK bytes
 * after them are written over too (room the caller reserved; what it
 * writes next overwrites them). A call of memset for the ~10 bytes of an
 * indent cost more than the bytes. */
#define JW_SPACES_SLACK 8

static inline char *put_spaces(char *p, size_t n)
{
	static const char eight[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};

	for (size_t i = 0; i < n; i += 8)
		memcpy(p + i, eight, 8);
	return p + n;
}

/*
 * The separator before the next item of the innermost container and the
 * key, as do_dump writes them: "\n" (",\n" after an item) and the indent of
 * the item's depth, then "\"key\": " in an object. Reserves more bytes
 * after them; returns where the value goes, NULL when out of memory. The
 * caller sets out->len past what it writes.
 */
static char *text_lead(struct jw *w, size_t more)
{
	struct jout *o = w->out;
	struct jw_level *l = &w->lvl[w->depth - 1];
	size_t spaces = 2 * (size_t)(w->indent + w->depth), need = 2 + spaces + JW_SPACES_SLACK + more;
	enum jw_key_state ks = w->key_state;
	char *p;

	w->key_state = JW_KEY_NONE;
	if (ks != JW_KEY_NONE)
		need += JW_STR_ROOM(w->key_len) + 2;
	if (o->failed || (need > o->cap - o->len && jout_grow(o, need) < 0))
		return NULL;
	p = o->buf + o->len;
	if (!l->empty)
		*p++ = ',';
	l->empty = false;
	*p++ = '\n';
	p = put_spaces(p, spaces);
	if (ks == JW_KEY_PLAIN) {
		*p++ = '"';
		memcpy(p, w->key, w->key_len);
		p += w->key_len;
		*p++ = '"';
	} else if (ks == JW_KEY_ANY) {
		p = put_string(p, w->key, w->key_len); /* checked by jw_key_any */
	}
	if (ks != JW_KEY_NONE) {
		*p++ = ':';
		*p++ = ' ';
	}
	return p;
}

/* A scalar's text (n bytes) as the next value. */
static void text_scalar(struct jw *w, const char *s, size_t n)
{
	char *p = text_lead(w, n);

	if (!p)
		return;
	memcpy(p, s, n);
	w->out->len = (size_t)(p + n - w->out->buf);
}

/* --- the writer ------------------------------------------------------------------ */

void jw_tree_init(struct jw *w, struct jw_shared *shared)
{
	memset(w, 0, sizeof(*w));
	w->shared = shared;
}

void jw_tree_init_in(struct jw *w, json_t *c, struct jw_shared *shared)
{
	jw_tree_init(w, shared);
	if (!json_is_object(c) && !json_is_array(c)) {
		w->failed = true;
		w->skip = 1; /* nothing to add to: everything is dropped */
		return;
	}
	w->lvl[0].node = c;
	w->lvl[0].obj = json_is_object(c);
	w->depth = 1;
	w->base = 1;
}

json_t *jw_tree_root(struct jw *w)
{
	json_t *v = w->root;

	w->root = NULL;
	return v;
}

void jw_text_init(struct jw *w, struct jout *out, unsigned depth, bool empty)
{
	memset(w, 0, sizeof(*w));
	w->text = true;
	w->out = out;
	w->indent = depth;
	w->lvl[0].empty = empty;
	w->depth = 1;
	w->base = 1;
}

void jw_key(struct jw *w, const char *key, size_t len)
{
	w->key = key;
	w->key_len = len;
	w->key_state = JW_KEY_PLAIN;
}

void jw_key_any(struct jw *w, const char *key, size_t len)
{
	w->key = key;
	w->key_len = len;
	/* a tree leaves it to json_object_setn_new; the text decides now,
	 * before anything of the member is written */
	if (w->text && (len > JW_STR_LEN_MAX || !utf8_valid(key, len)))
		w->key_state = JW_KEY_REFUSED;
	else
		w->key_state = JW_KEY_ANY;
}

/* Before a value: false when it is dropped (inside a dropped container, or
 * its key refused), the key then used up. */
static bool jw_wanted(struct jw *w)
{
	if (w->skip)
		return false;
	if (w->key_state == JW_KEY_REFUSED) {
		w->key_state = JW_KEY_NONE;
		return false;
	}
	if (w->text && w->lvl[w->depth - 1].obj != (w->key_state != JW_KEY_NONE)) {
		/* a key in an array, or none in an object: the caller's mistake */
		w->key_state = JW_KEY_NONE;
		w->out->failed = true;
		return false;
	}
	return true;
}

static void jw_begin(struct jw *w, bool obj)
{
	json_t *c;

	if (!jw_wanted(w) || w->depth == JW_DEPTH_MAX) {
		if (!w->skip && w->depth == JW_DEPTH_MAX) {
			w->failed = true;
			if (w->text)
				w->out->failed = true;
		}
		w->skip++;
		return;
	}
	if (w->text) {
		char *p = text_lead(w, 1);

		if (p) {
			*p++ = obj ? '{' : '[';
			w->out->len = (size_t)(p - w->out->buf);
		}
		w->lvl[w->depth].empty = true;
		w->lvl[w->depth].obj = obj;
		w->depth++;
		return;
	}
	c = obj ? json_object() : json_array();
	if (!c) {
		w->key_state = JW_KEY_NONE;
		w->failed = true;
		w->skip++;
		return;
	}
	/* the container keeps a reference of its own while it is filled: a
	 * refused key frees the one handed to the parent */
	tree_add(w, json_incref(c));
	w->lvl[w->depth].node = c;
	w->lvl[w->depth].obj = obj;
	w->depth++;
}

void jw_obj_begin(struct jw *w)
{
	jw_begin(w, true);
}

void jw_arr_begin(struct jw *w)
{
	jw_begin(w, false);
}

void jw_end(struct jw *w)
{
	struct jw_level *l;

	if (w->skip) {
		w->skip--;
		return;
	}
	if (w->depth <= w->base) {
		w->failed = true;
		if (w->text)
			w->out->failed = true;
		return;
	}
	l = &w->lvl[--w->depth];
	w->key_state = JW_KEY_NONE;
	if (!w->text) {
		json_decref(l->node);
		l->node = NULL;
		return;
	}
	if (l->empty) {
		jout_raw(w->out, l->obj ? "}" : "]", 1);
	} else {
		size_t spaces = 2 * (size_t)(w->indent + w->depth);
		struct jout *o = w->out;

		char *p;

		if (o->failed || (spaces + 2 + JW_SPACES_SLACK > o->cap - o->len &&
				  jout_grow(o, spaces + 2 + JW_SPACES_SLACK) < 0))
			return;
		p = o->buf + o->len;
		*p++ = '\n';
		p = put_spaces(p, spaces);
		*p++ = l->obj ? '}' : ']';
		o->len = (size_t)(p - o->buf);
	}
}

void jw_strn(struct jw *w, const char *s, size_t len)
{
	if (!jw_wanted(w))
		return;
	if (!s) {
		w->key_state = JW_KEY_NONE;
		return;
	}
	if (w->text) {
		struct jout *o = w->out;
		struct jw_level *l = &w->lvl[w->depth - 1];
		size_t mark = o->len;
		bool empty = l->empty;
		char *p, *end;

		if (len > JW_STR_LEN_MAX) {
			w->key_state = JW_KEY_NONE;
			o->failed = true;
			return;
		}
		p = text_lead(w, JW_STR_ROOM(len));
		if (!p)
			return;
		end = put_string(p, s, len);
		if (end) {
			o->len = (size_t)(end - o->buf);
		} else {
			/* not UTF-8: neither the string nor its key, as jansson */
			o->len = mark;
			l->empty = empty;
		}
		return;
	}
	tree_add(w, tree_strn(s, len));
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void jw_name(struct jw *w, const char *s)
{
	if (w->text || !w->shared || !s) {
		jw_str(w, s);
		return;
	}
	if (jw_wanted(w))
		tree_add(w, tree_name(w->shared, s));
}

void jw_int(struct jw *w, int64_t v)
{
	char buf[HK_U64_STRLEN + 1], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (!jw_wanted(w))
		return;
	if (!w->text) {
		tree_add(w, tree_int(w->shared, v));
		return;
	}
	/* "%lld" */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	text_scalar(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jw_bool(struct jw *w, bool v)
{
	if (!jw_wanted(w))
		return;
	if (w->text)
		text_scalar(w, v ? "true" : "false", v ? 4 : 5);
	else
		tree_add(w, json_boolean(v));
}

void jw_null(struct jw *w)
{
	if (!jw_wanted(w))
		return;
	if (w->text)
		text_scalar(w, "null", 4);
	else
		tree_add(w, json_null());
}

#define JW_REAL_STRLEN 100 /* jansson's MAX_REAL_STR_LENGTH */

/* jsonp_dtostr's text of a finite v: "%.17g" with '.' as the decimal point
 * whatever the locale's, ".0" added when there is neither a point nor an
 * exponent, the exponent without '+' and leading zeros; its length, 0 when
 * it does not fit. */
static size_t real_text(double v, char buf[JW_REAL_STRLEN])
{
	int n = snprintf(buf, JW_REAL_STRLEN, "%.17g", v);
	const char *point = localeconv()->decimal_point;
	char *e;
	size_t len;

	if (n < 0 || n >= JW_REAL_STRLEN)
		return 0;
	len = (size_t)n;
	if (point[0] && point[0] != '.') {
		char *p = strchr(buf, point[0]);
		if (p)
			*p = '.';
	}
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		if (len + 3 >= JW_REAL_STRLEN)
			return 0;
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	e = strchr(buf, 'e');
	if (e) {
		char *from = e + 1, *to = e + 1;

		if (*from == '-')
			to = ++from;
		else if (*from == '+')
			from++;
		while (*from == '0')
			from++;
		memmove(to, from, len + 1 - (size_t)(from - buf));
		len -= (size_t)(from - to);
	}
	return len;
}

void jw_real(struct jw *w, double v)
{
	char buf[JW_REAL_STRLEN];
	size_t n;

	if (!jw_wanted(w))
		return;
	if (!isfinite(v)) {
		/* json_real() refuses it */
		w->key_state = JW_KEY_NONE;
		return;
	}
	if (!w->text) {
		tree_add(w, json_real(v));
		return;
	}
	n = real_text(v, buf);
	if (!n) {
		w->key_state = JW_KEY_NONE;
		w->out->failed = true; /* jansson's dump fails */
		return;
	}
	text_scalar(w, buf, n);
}
