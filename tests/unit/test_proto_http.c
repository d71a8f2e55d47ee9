/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP/1.x parser (src/proto/http.c): real requests and responses from
 * the shared captures with their exact observations, the RFC examples for
 * challenges, every truncated prefix (each in an exactly-sized heap buffer,
 * so AddressSanitizer sees a one-byte over-read), field lines at 0, MAX and
 * MAX+1, long lines, obs-fold, interim responses, the title rules (case,
 * whitespace, entities, where the body ends), Host rules (IP literals,
 * proxies), NUL and non-ASCII bytes, a full window, and bytes of other
 * protocols on port 80. When tshark and the shared captures are there, the
 * Server and User-Agent values are also compared with tshark's.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

#define HTTP_WINDOW 4096 /* the registry row's window */
/* a literal with NUL bytes in it, and its length */
#define LIT(s) (s), (sizeof(s) - 1)

static struct pc_result res;

static const struct hk_parse_ctx ctx_client = {
	.l4 = 6, .sport = 42170, .dport = 80, .from_client = true, .client_known = true, .ndpi = "HTTP"};
static const struct hk_parse_ctx ctx_server = {
	.l4 = 6, .sport = 80, .dport = 42170, .from_client = false, .client_known = true, .ndpi = "HTTP"};

static enum hk_parse_result parse(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	enum hk_parse_result r = pc_run(proto_http_parse, bytes, n, ctx, &res);

	/* observations come only with the final answer */
	if (r != HK_PARSE_OK)
		ck_assert_uint_eq(res.sink.n, 0);
	return r;
}

static enum hk_parse_result req(const char *s)
{
	return parse(s, strlen(s), &ctx_client);
}

static enum hk_parse_result resp(const char *s)
{
	return parse(s, strlen(s), &ctx_server);
}

#define expect(i, kind, side, source, value) PC_EXPECT(&res, i, kind, side, 50, source, value)

static void expect_one(const char *source, const char *value)
{
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_SOFTWARE, HK_SIDE_SRC, source, value);
}

/* ---- real messages ------------------------------------------------------ */

/*
 * ndpi_http.pcapng frame 4, 192.168.1.128:42170 -> 216.58.208.142:80, the
 * whole 74-byte request (tshark: http.host google.com, http.user_agent
 * curl/7.68.0):
 */
static const char ndpi_req[] = "GET / HTTP/1.1\r\n"	       /* origin-form "/" */
			       "Host: google.com\r\n"	       /* -> hostname, DST */
			       "User-Agent: curl/7.68.0\r\n" /* -> software, SRC */
			       "Accept: */*\r\n"
			       "\r\n"; /* end of the header block */

/*
 * ndpi_http.pcapng frame 6, the 528-byte response (tshark: http.server gws,
 * http.content_type text/html; charset=UTF-8, http.content_length 219):
 */
static const char ndpi_resp[] =
	"HTTP/1.1 301 Moved Permanently\r\n"
	"Location: http://www.google.com/\r\n"
	"Content-Type: text/html; charset=UTF-8\r\n" /* HTML: look for a title */
	"Date: Tue, 25 Jan 2022 16:50:41 GMT\r\n"
	"Expires: Thu, 24 Feb 2022 16:50:41 GMT\r\n"
	"Cache-Control: public, max-age=2592000\r\n"
	"Server: gws\r\n"	      /* -> software http.server */
	"Content-Length: 219\r\n" /* the body ends in this segment */
	"X-XSS-Protection: 0\r\n"
	"X-Frame-Options: SAMEORIGIN\r\n"
	"\r\n"
	"<HTML><HEAD><meta http-equiv=\"content-type\" content=\"text/html;charset=utf-8\">\n"
	"<TITLE>301 Moved</TITLE></HEAD><BODY>\n" /* upper-case tags: -> http.title */
	"<H1>301 Moved</H1>\n"
	"The document has moved\n"
	"<A HREF=\"http://www.google.com/\">here</A>.\r\n"
	"</BODY></HTML>\r\n";

/*
 * ndpi_ipp.pcap, server 10.10.10.251:631 (an HP printer's embedded server),
 * frames 9 and 11: "100 Continue", then the final response's header block
 * (tshark: http.response.code 100, then 200 with http.server
 * Virata-EmWeb/R6_2_1); frame 13 starts the chunked IPP body.
 */
static const char ipp_resp[] = "HTTP/1.1 100 Continue\r\n"
			       "\r\n" /* frame 9: interim, skipped */
			       "HTTP/1.1 200 OK\r\n"
			       "Server: Virata-EmWeb/R6_2_1\r\n"
			       "Transfer-Encoding: chunked\r\n"
			       "Content-Type: application/ipp\r\n" /* not HTML: no title */
			       "Cache-Control: max-age=3600, public\r\n"
			       "\r\n"; /* frame 11 */
/* ndpi_ipp.pcap frame 6, the CUPS client's request: Host is an IP address */
static const char ipp_req[] = "POST /ipp/ HTTP/1.1\r\n"
			      "Content-Length: 289\r\n"
			      "Content-Type: application/ipp\r\n"
			      "Host: 10.10.10.251\r\n" /* an address: no hostname */
			      "User-Agent: CUPS/1.3.4\r\n"
			      "Expect: 100-continue\r\n"
			      "\r\n";

/* tcpdump_ipv4_tcp_http_xml.pcap frame 1 (tshark: http.server Microsoft-IIS/6.0) */
static const char iis_resp[] =
	"HTTP/1.1 200 OK\r\n"
	"Date: Tue, 18 Mar 2014 19:12:05 GMT\r\n"
	"Server: Microsoft-IIS/6.0\r\n"
	"Cache-Control:no-cache\r\n"
	"X-Powered-By: ASP.NET\r\n" /* -> http.powered_by */
	"X-AspNet-Version: 4.0.30319\r\n"
	"Cache-Control: private, max-age=0\r\n"
	"Content-Type: text/xml; charset=utf-8\r\n" /* not HTML */
	"Content-Length: 351\r\n"
	"\r\n"
	"<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
	"xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body><WaitForResponse "
	"xmlns=\"http://tempuri.org/\"><WaitForResult>Hello World</WaitForResult></WaitForResponse>"
	"</soap:Body></soap:Envelope>";

/*
 * zeek_erspan.pcap frame 101 (inside GRE/ERSPAN), a SharePoint server's NTLM
 * challenge: WWW-Authenticate carries a token68, no realm (tshark:
 * http.www_authenticate "NTLM TlRMTVNT...", http.server Microsoft-IIS/7.5).
 */
static const char ntlm_resp[] =
	"HTTP/1.1 401 Unauthorized\r\n"
	"Server: Microsoft-IIS/7.5\r\n"
	"SPRequestGuid: d1cd65b5-5e34-4c63-abe7-898f8e0f8685\r\n"
	"WWW-Authenticate: NTLM "
	"TlRMTVNTUAACAAAABAAEADgAAAAFgomi7mG9THVaDtMAAAAAAAAAAG4AbgA8AAAABgGxHQAAAA9TAFAAAgAEAFMAUAABAAoAVABGAEQA"
	"UwBQAAQAEABzAHAALgBsAG8AYwBhAGwAAwAcAFQARgBEAFMAUAAuAHMAcAAuAGwAbwBjAGEAbAAFABAAcwBwAC4AbABvAGMAYQBsAAcA"
	"CACXm7aj9u/QAQAAAAA=\r\n"
	"X-Powered-By: ASP.NET\r\n"
	"MicrosoftSharePointTeamServices: 14.0.0.7015\r\n"
	"X-MS-InvokeApp: 1; RequireReadOnly\r\n"
	"Date: Tue, 15 Sep 2015 20:39:38 GMT\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

START_TEST(test_real_request)
{
	ck_assert_int_eq(req(ndpi_req), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.user_agent", "curl/7.68.0");
	expect(1, HK_OBS_HOSTNAME, HK_SIDE_DST, "http.host", "google.com");
	/* the direction is read from the bytes, not from ctx */
	ck_assert_int_eq(parse(ndpi_req, strlen(ndpi_req), &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.user_agent", "curl/7.68.0");

	ck_assert_int_eq(req(ipp_req), HK_PARSE_OK);
	expect_one("http.user_agent", "CUPS/1.3.4");
}
END_TEST

START_TEST(test_real_responses)
{
	ck_assert_int_eq(resp(ndpi_resp), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.server", "gws");
	expect(1, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.title", "301 Moved");

	ck_assert_int_eq(resp(ipp_resp), HK_PARSE_OK);
	expect_one("http.server", "Virata-EmWeb/R6_2_1");

	ck_assert_int_eq(resp(iis_resp), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.server", "Microsoft-IIS/6.0");
	expect(1, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.powered_by", "ASP.NET");

	ck_assert_int_eq(resp(ntlm_resp), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.server", "Microsoft-IIS/7.5");
	expect(1, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.powered_by", "ASP.NET");
}
END_TEST

/*
 * Every prefix: nothing (TRUNCATED) until the header block is there; an OK
 * prefix says a subset of what the whole message says, in the same order
 * (a response that waits for nothing may be done before its title is in),
 * and everything from the byte ending the title (or the message) on.
 */
static void prefixes(const char *msg, const struct hk_parse_ctx *ctx, const char *all_from)
{
	size_t len = strlen(msg), from = all_from ? (size_t)(strstr(msg, all_from) - msg) + strlen(all_from) : len;
	size_t header_end = (size_t)(strstr(msg, "\r\n\r\n") - msg) + 4;
	static struct pc_result whole;
	const struct hk_obs *full = whole.obs;
	size_t n_full;

	ck_assert_int_eq(pc_run(proto_http_parse, msg, len, ctx, &whole), HK_PARSE_OK);
	n_full = whole.sink.n;
	for (size_t n = 0; n < len; n++) {
		enum hk_parse_result r = parse(msg, n, ctx);
		size_t k = 0;

		ck_assert_msg(r == HK_PARSE_TRUNCATED || r == HK_PARSE_OK, "prefix %zu: %d", n, r);
		ck_assert_msg(n >= header_end || r == HK_PARSE_TRUNCATED, "prefix %zu", n);
		if (n >= from)
			ck_assert_msg(r == HK_PARSE_OK && res.sink.n == n_full, "prefix %zu", n);
		for (size_t i = 0; i < res.sink.n; i++) {
			while (k < n_full && strcmp(full[k].source, res.sink.v[i].source) != 0)
				k++;
			ck_assert_uint_lt(k, n_full);
			ck_assert_str_eq(res.sink.v[i].value, full[k].value);
		}
	}
}

START_TEST(test_prefixes)
{
	static const char page[] = "HTTP/1.1 200 OK\r\n"
				   "Server: Boa/0.94.14rc21\r\n"
				   "Content-Type: text/html\r\n"
				   "\r\n"
				   "<html><head><title>Web Management</title></head></html>";

	prefixes(ndpi_req, &ctx_client, NULL);
	prefixes(ndpi_resp, &ctx_server, "</TITLE");
	prefixes(ipp_resp, &ctx_server, NULL);
	prefixes(ipp_req, &ctx_client, NULL);
	prefixes(iis_resp, &ctx_server, "\r\n\r\n");
	prefixes(ntlm_resp, &ctx_server, NULL);
	prefixes(page, &ctx_server, "</title");
	/* a 301 waits for nothing: its title if it is there, else the fields */
	ck_assert_int_eq(parse(ndpi_resp, strstr(ndpi_resp, "</TITLE>") - ndpi_resp, &ctx_server), HK_PARSE_OK);
	expect_one("http.server", "gws");
	/* a 200 HTML page waits for its title */
	for (size_t n = (size_t)(strstr(page, "\r\n\r\n") - page); n < (size_t)(strstr(page, "</title") - page) + 7; n++)
		ck_assert_int_eq(parse(page, n, &ctx_server), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- challenges --------------------------------------------------------- */

START_TEST(test_realm)
{
	/* RFC 7617 2 */
	ck_assert_int_eq(resp("HTTP/1.1 401 Unauthorized\r\n"
			      "Date: Mon, 04 Feb 2014 16:50:53 GMT\r\n"
			      "WWW-Authenticate: Basic realm=\"WallyWorld\"\r\n"
			      "\r\n"),
			 HK_PARSE_OK);
	expect_one("http.realm", "WallyWorld");
	/* RFC 7616 3.9.1, as the RFC prints it: folded over lines (obs-fold) */
	ck_assert_int_eq(resp("HTTP/1.1 401 Unauthorized\r\n"
			      "WWW-Authenticate: Digest\r\n"
			      "    realm=\"http-auth@example.org\",\r\n"
			      "    qop=\"auth, auth-int\",\r\n"
			      "    algorithm=SHA-256,\r\n"
			      "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
			      "    opaque=\"FdaLl5Pb3WGG4yE8jNz5V5WLHsLK2ZN4rYC0jcfuXQ4\"\r\n"
			      "Content-Length: 0\r\n"
			      "\r\n"),
			 HK_PARSE_OK);
	expect_one("http.realm", "http-auth@example.org");
	/* case-insensitive parameter name, a token value, quoted-pair, other params first */
	ck_assert_int_eq(resp("HTTP/1.0 401 X\r\nWWW-Authenticate: Digest qop=\"a, realm=no\", REALM=Boa\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.realm", "Boa");
	ck_assert_int_eq(resp("HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm = \"a \\\"b\\\" c\"\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.realm", "a \"b\" c");
	/* several challenges: the first realm */
	ck_assert_int_eq(resp("HTTP/1.1 401 X\r\nWWW-Authenticate: Negotiate, Basic realm=\"R1\", Digest "
			      "realm=\"R2\"\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.realm", "R1");
	/* the first of two fields wins */
	ck_assert_int_eq(resp("HTTP/1.1 401 X\r\nWWW-Authenticate: Basic realm=\"A\"\r\nWWW-Authenticate: Basic "
			      "realm=\"B\"\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.realm", "A");
	/* an empty, unterminated or missing realm */
	ck_assert_int_eq(resp("HTTP/1.1 401 X\r\nWWW-Authenticate: Basic realm=\"\"\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(resp("HTTP/1.1 401 X\r\nWWW-Authenticate: Basic realm=\"open\r\n\r\n"), HK_PARSE_OK);
	expect_one("http.realm", "open");
	ck_assert_int_eq(resp("HTTP/1.1 401 X\r\nWWW-Authenticate: Basic\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(resp("HTTP/1.1 401 X\r\nWWW-Authenticate: ===,,,realm\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* NUL and non-ASCII */
	ck_assert_int_eq(parse(LIT("HTTP/1.1 401 X\r\nWWW-Authenticate: Basic realm=\"a\0b\xe9\"\r\n\r\n"), &ctx_server),
			 HK_PARSE_OK);
	expect_one("http.realm", "a\\x00b\\xe9");
}
END_TEST

/* ---- Host --------------------------------------------------------------- */

static void expect_host(const char *request, const char *host)
{
	ck_assert_int_eq(req(request), HK_PARSE_OK);
	if (!host) {
		ck_assert_uint_eq(res.sink.n, 0);
		return;
	}
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_HOSTNAME, HK_SIDE_DST, "http.host", host);
}

START_TEST(test_host)
{
	expect_host("GET /a HTTP/1.1\r\nHost: plc-17.example:8080\r\n\r\n", "plc-17.example");
	expect_host("GET /a HTTP/1.1\r\nhOsT:   HMI_01   \r\n\r\n", "HMI_01");
	expect_host("GET /a HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: 10.0.0.1:80\r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: localhost:3000\r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: LOCALHOST.localdomain\r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: a b\r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: \r\n\r\n", NULL);
	expect_host("GET /a HTTP/1.1\r\nHost: :80\r\n\r\n", NULL);
	ck_assert_int_eq(parse(LIT("GET /a HTTP/1.1\r\nHost: a\0b\r\n\r\n"), &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* OPTIONS * asks the server itself: zeek_methods.pcap frame 4, bare LF lines */
	expect_host("OPTIONS * HTTP/1.1\nHost: www.google.com\n\n", "www.google.com");
	/* a proxy's request names another host: RFC 9112 3.2.2 and 3.2.3 (RFC 9110 9.3.6) */
	expect_host("GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
		    NULL);
	expect_host("CONNECT server.example.com:80 HTTP/1.1\r\nHost: server.example.com\r\n\r\n", NULL);
	/* 253 bytes of name: kept; 254: not a name */
	{
		char buf[400];
		char name[256];

		memset(name, 'a', sizeof(name));
		name[253] = '\0';
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", name);
		expect_host(buf, name);
		name[253] = 'a';
		name[254] = '\0';
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", name);
		expect_host(buf, NULL);
	}
}
END_TEST

/* ---- titles ------------------------------------------------------------- */

static void expect_title(const char *response, enum hk_parse_result r, const char *title)
{
	ck_assert_int_eq(resp(response), r);
	if (r != HK_PARSE_OK)
		return;
	if (!title) {
		ck_assert_uint_eq(res.sink.n, 0);
		return;
	}
	expect_one("http.title", title);
}

#define H200 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"

START_TEST(test_title)
{
	/* whitespace collapsed and trimmed, entities left, attributes on the tag */
	expect_title(H200 "\r\n<html><head><title id=\"t\">\r\n  SIMATIC\t S7-1200 &amp;\n  HMI </title>", HK_PARSE_OK,
		     "SIMATIC S7-1200 &amp; HMI");
	/* no Content-Type: looked for in what is there, not waited for */
	expect_title("HTTP/1.0 200 OK\r\n\r\n<TiTlE>Web Image Monitor</tItLe>", HK_PARSE_OK, "Web Image Monitor");
	expect_title("HTTP/1.0 200 OK\r\n\r\n<html><head><title>Web Im", HK_PARSE_OK, NULL);
	expect_title("HTTP/1.0 200 OK\r\n\r\n", HK_PARSE_OK, NULL);
	expect_title("HTTP/1.0 200 OK\r\nContent-Type: application/xhtml+xml\r\n\r\n<title>x</title>", HK_PARSE_OK,
		     "x");
	/* NUL and non-ASCII bytes escaped */
	ck_assert_int_eq(parse(LIT(H200 "\r\n<title>a\0b\xc3\xa9</title>"), &ctx_server), HK_PARSE_OK);
	expect_one("http.title", "a\\x00b\\xc3\\xa9");
	/* a '<' inside the title is text; <titlex> is another tag */
	expect_title(H200 "\r\n<titlex>no</titlex><title>a < b</title>", HK_PARSE_OK, "a < b");
	/* an empty title says nothing */
	expect_title(H200 "\r\n<title>  </title>", HK_PARSE_OK, NULL);
	/* the head ends without a title: done */
	expect_title(H200 "\r\n<html><head></head><title>late</title>", HK_PARSE_OK, NULL);
	expect_title(H200 "\r\n<html><body><title>late</title>", HK_PARSE_OK, NULL);
	/* close-delimited body, no title yet: wait */
	expect_title(H200 "\r\n<html><head><meta charset=utf-8>", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "\r\n<html><head><title>Half", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "\r\n<html><head><title", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "\r\n<html><head><tit", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "\r\n", HK_PARSE_TRUNCATED, NULL);
	/* a redirect or an error page: its title if it is there, no waiting */
	expect_title("HTTP/1.0 302 Found\r\nLocation: /login.htm\r\nContent-Type: text/html\r\n\r\n", HK_PARSE_OK,
		     NULL);
	expect_title("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html><title>404 - SIMATIC", HK_PARSE_OK,
		     NULL);
	expect_title("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<title>Object Not Found</title>",
		     HK_PARSE_OK, "Object Not Found");
	/* a 2xx HTML page whose body has not come yet (or never will: the answer to a HEAD) */
	expect_title(H200 "Content-Length: 925\r\n\r\n", HK_PARSE_TRUNCATED, NULL);
	/* Content-Length says the body is all here: done, with or without a title */
	expect_title(H200 "Content-Length: 13\r\n\r\n<html></html>", HK_PARSE_OK, NULL);
	expect_title(H200 "Content-Length: 0\r\n\r\n", HK_PARSE_OK, NULL);
	expect_title(H200 "Content-Length: 14\r\n\r\n<html></html>", HK_PARSE_TRUNCATED, NULL);
	/* a title past Content-Length belongs to the next message */
	expect_title(H200 "Content-Length: 6\r\n\r\n<html><title>next</title>", HK_PARSE_OK, NULL);
	/* Content-Length that is not a number we believe: close-delimited */
	expect_title(H200 "Content-Length: 12a\r\n\r\n<html>", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "Content-Length: 1234567890123456\r\n\r\n<html>", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "Content-Length: 123456789012345\r\n\r\n<html>", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "Content-Length: 123456789012345\r\n\r\n<title>t</title>", HK_PARSE_OK, "t");
	/* chunked: done at the last chunk */
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n6\r\n<html>\r\n0\r\n\r\n", HK_PARSE_OK, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n6;x=y\r\n<html>\r\n0\r\n", HK_PARSE_OK, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n6\r\n<html>\r\n", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n6\r\n<ht", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\nB\r\n<title>", HK_PARSE_TRUNCATED, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n13\r\n<title>T</title>xx\r\n", HK_PARSE_OK, "T");
	/* chunks that do not parse: stop waiting */
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\nzz\r\n<html>", HK_PARSE_OK, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n2\r\n<html>\r\n", HK_PARSE_OK, NULL);
	expect_title(H200 "Transfer-Encoding: chunked\r\n\r\n1234567890123456\r\n<html>", HK_PARSE_OK, NULL);
	/* compressed, not HTML, no body: not searched */
	expect_title(H200 "Content-Encoding: gzip\r\n\r\n\x1f\x8b", HK_PARSE_OK, NULL);
	expect_title(H200 "Content-Encoding: identity\r\n\r\n<title>id</title>", HK_PARSE_OK, "id");
	expect_title("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG", HK_PARSE_OK, NULL);
	expect_title("HTTP/1.1 304 Not Modified\r\nContent-Type: text/html\r\n\r\n", HK_PARSE_OK, NULL);
	expect_title("HTTP/1.1 204 No Content\r\n\r\n", HK_PARSE_OK, NULL);
	expect_title("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05", HK_PARSE_OK, NULL);
	/* a long title is cut at 192 bytes */
	{
		char buf[1024], t[300];

		memset(t, 'T', 250);
		t[250] = '\0';
		snprintf(buf, sizeof(buf), H200 "\r\n<title>%s</title>", t);
		t[192] = '\0';
		expect_title(buf, HK_PARSE_OK, t);
	}
}
END_TEST

/* ---- field lines -------------------------------------------------------- */

START_TEST(test_fields)
{
	/* obs-fold joins with one SP */
	ck_assert_int_eq(resp("HTTP/1.1 200 OK\r\nServer: Foo/1.0\r\n \t (Bar)  \r\n\tbaz\r\nContent-Length: 0\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.server", "Foo/1.0 (Bar) baz");
	/* a fold after a field we do not keep, or first of all, changes nothing */
	ck_assert_int_eq(resp("HTTP/1.1 200 OK\r\n folded\r\nX-A: b\r\n c\r\nServer: S\r\nContent-Length: 0\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.server", "S");
	/* the first of repeated fields wins; case-insensitive names; no OWS */
	ck_assert_int_eq(resp("HTTP/1.1 200 OK\r\nSERVER:one\r\nserver: two\r\nContent-Length: 0\r\n\r\n"),
			 HK_PARSE_OK);
	expect_one("http.server", "one");
	/* whitespace before the colon, or no colon: not interpreted */
	ck_assert_int_eq(resp("HTTP/1.1 200 OK\r\nServer : bad\r\nServer\r\n: x\r\nContent-Length: 0\r\n\r\n"),
			 HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* empty value */
	ck_assert_int_eq(resp("HTTP/1.1 200 OK\r\nServer:\r\nContent-Length: 0\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* NUL and non-ASCII escaped, backslash doubled */
	ck_assert_int_eq(parse(LIT("HTTP/1.1 200 OK\r\nServer: A\0B\xe9\\\r\nContent-Length: 0\r\n\r\n"), &ctx_server),
			 HK_PARSE_OK);
	expect_one("http.server", "A\\x00B\\xe9\\\\");
	/* leading empty lines before the request (RFC 9112 2.2) */
	ck_assert_int_eq(req("\r\n\r\nGET / HTTP/1.0\r\nUser-Agent: x\r\n\r\n"), HK_PARSE_OK);
	expect_one("http.user_agent", "x");
	ck_assert_int_eq(req("\r\n\r\n\r\nGET / HTTP/1.0\r\nUser-Agent: x\r\n\r\n"), HK_PARSE_NOMATCH);
	/* a value longer than the kept bytes is cut (255 raw bytes) */
	{
		char buf[1024], v[400];

		memset(v, 'v', 300);
		v[300] = '\0';
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nUser-Agent: %s\r\n\r\n", v);
		ck_assert_int_eq(req(buf), HK_PARSE_OK);
		v[255] = '\0';
		expect_one("http.user_agent", v);
	}
}
END_TEST

/* 0, HTTP_HEADERS_MAX (100) and 101 field lines */
START_TEST(test_headers_max)
{
	char buf[4096];
	size_t o;

	ck_assert_int_eq(req("GET / HTTP/1.1\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	for (int k = 99; k <= 101; k++) {
		o = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n");
		for (int i = 0; i < k - 1; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "X%d: y\r\n", i);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "User-Agent: last\r\n\r\n");
		ck_assert_uint_lt(o, HTTP_WINDOW);
		if (k <= 100) {
			ck_assert_int_eq(parse(buf, o, &ctx_client), HK_PARSE_OK);
			expect_one("http.user_agent", "last");
		} else {
			ck_assert_int_eq(parse(buf, o, &ctx_client), HK_PARSE_MALFORMED);
		}
	}
}
END_TEST

/* a field line of HTTP_LINE_MAX (2048) bytes is read, one more is skipped */
START_TEST(test_line_max)
{
	static char buf[HTTP_WINDOW];
	const char *head = "GET / HTTP/1.1\r\n";
	size_t o;

	for (size_t len = 2047; len <= 2049; len++) {
		o = strlen(head);
		memcpy(buf, head, o);
		memcpy(buf + o, "User-Agent: ", 12);
		memset(buf + o + 12, 'u', len - 12);
		o += len;
		memcpy(buf + o, "\r\n\r\n", 4);
		o += 4;
		ck_assert_int_eq(parse(buf, o, &ctx_client), HK_PARSE_OK);
		if (len <= 2048) {
			ck_assert_uint_eq(res.sink.n, 1);
			ck_assert_uint_eq(strlen(res.sink.v[0].value), 255);
		} else {
			ck_assert_uint_eq(res.sink.n, 0);
		}
	}
}
END_TEST

/* HTTP_INTERIM_MAX (4) 1xx responses before the final one; 5 are too many */
START_TEST(test_interim)
{
	char buf[512];
	size_t o;

	for (int k = 0; k <= 5; k++) {
		o = 0;
		for (int i = 0; i < k; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "HTTP/1.1 10%d X\r\nServer: interim\r\n\r\n",
					      i % 2 ? 3 : 0);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "HTTP/1.1 404 Not Found\r\nServer: final\r\n"
								"Content-Length: 0\r\n\r\n");
		ck_assert_int_eq(parse(buf, o, &ctx_server), k <= 4 ? HK_PARSE_OK : HK_PARSE_MALFORMED);
		if (k <= 4)
			expect_one("http.server", "final");
	}
	/* after an interim response only a response may follow */
	ck_assert_int_eq(resp("HTTP/1.1 100 Continue\r\n\r\nGET / HTTP/1.1\r\n\r\n"), HK_PARSE_MALFORMED);
	ck_assert_int_eq(resp("HTTP/1.1 100 Continue\r\n\r\n\x16\x03\x01"), HK_PARSE_MALFORMED);
	ck_assert_int_eq(resp("HTTP/1.1 100 Continue\r\n\r\nHTTP/2.0 200 OK\r\n\r\n"), HK_PARSE_MALFORMED);
	ck_assert_int_eq(resp("HTTP/1.1 100 Continue\r\n\r\n"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(resp("HTTP/1.1 100 Continue\r\n\r\nHTT"), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- not HTTP, or not HTTP/1.x ------------------------------------------ */

START_TEST(test_not_http)
{
	static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};
	char method[64];

	ck_assert_int_eq(parse(tls, sizeof(tls), &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("SSH-2.0-OpenSSH_5.3\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(resp("RTSP/1.0 200 OK\r\nServer: x\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(resp("HTTP/2.0 200 OK\r\nServer: x\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("get / HTTP/1.1\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("GET /\r\n"), HK_PARSE_NOMATCH); /* HTTP/0.9 */
	ck_assert_int_eq(req("GET / HTTP/1.\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("GET / http/1.1\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req(" GET / HTTP/1.1\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("GET  HTTP/1.1\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("GET / HTTP/1.1 \r\n\r\n"), HK_PARSE_NOMATCH);
	/* zeek_methods.pcap frame 369: "CONNECT / HTTP/1." — no version digit */
	ck_assert_int_eq(req("CONNECT / HTTP/1.\nHost: www.google.com\n\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(resp("HTTP/1.1 20 OK\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(resp("HTTP/1.1 2000 OK\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(resp("HTTP/1.1 999 Odd\r\n\r\n"), HK_PARSE_MALFORMED);
	ck_assert_int_eq(resp("HTTP/1.1 099 Odd\r\n\r\n"), HK_PARSE_MALFORMED);
	ck_assert_int_eq(resp("HTTP/1.1 200\r\nServer: s\r\nContent-Length: 0\r\n\r\n"), HK_PARSE_OK);
	expect_one("http.server", "s");
	/* methods: a 24-byte token is one, 25 bytes is not */
	memset(method, 'M', sizeof(method));
	memcpy(method + 24, " / HTTP/1.1\r\n\r\n", sizeof(" / HTTP/1.1\r\n\r\n"));
	ck_assert_int_eq(req(method), HK_PARSE_OK);
	memset(method, 'M', sizeof(method));
	memcpy(method + 25, " / HTTP/1.1\r\n\r\n", sizeof(" / HTTP/1.1\r\n\r\n"));
	ck_assert_int_eq(req(method), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req("CCM_POST / HTTP/1.1\r\nUser-Agent: u\r\n\r\n"), HK_PARSE_OK);
	/* too short to tell */
	ck_assert_int_eq(req("H"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(req("HTTP"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(req("HE"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(req("HX"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(req("Hx"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(req(""), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- the window --------------------------------------------------------- */

/* Once the window is full no more bytes will come: what it showed is said. */
START_TEST(test_window_full)
{
	static char buf[HTTP_WINDOW];
	size_t o;

	/* a header block longer than the window: fields before the cut */
	o = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nUser-Agent: ua/1\r\nCookie: ");
	memset(buf + o, 'c', sizeof(buf) - o);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_client), HK_PARSE_OK);
	expect_one("http.user_agent", "ua/1");
	ck_assert_int_eq(parse(buf, sizeof(buf) - 1, &ctx_client), HK_PARSE_TRUNCATED);
	/* an HTML body without a title in the window */
	o = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nServer: big\r\nContent-Type: text/html\r\n\r\n");
	memset(buf + o, ' ', sizeof(buf) - o);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_server), HK_PARSE_OK);
	expect_one("http.server", "big");
	ck_assert_int_eq(parse(buf, sizeof(buf) - 1, &ctx_server), HK_PARSE_TRUNCATED);
	/* a title cut by the end of the window is not said */
	memcpy(buf + sizeof(buf) - 12, "<title>cut..", 12);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_server), HK_PARSE_OK);
	expect_one("http.server", "big");
	/* a start line longer than the window: nothing to say */
	memset(buf, 'A', sizeof(buf));
	memcpy(buf, "GET /", 5);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_client), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- tshark ------------------------------------------------------------- */

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		const char *field, *source;
	} frames[] = {
		{"ndpi_http.pcapng", 4, "http.user_agent", "http.user_agent"},
		{"ndpi_http.pcapng", 6, "http.server", "http.server"},
		{"zeek_get.pcap", 4, "http.user_agent", "http.user_agent"},
		{"tcpdump_ipv4_tcp_http_xml.pcap", 1, "http.server", "http.server"},
		{"ndpi_ipp.pcap", 11, "http.server", "http.server"},
		{"ndpi_ipp.pcap", 6, "http.user_agent", "http.user_agent"},
		{"ndpi_xiaomi.pcap", 52, "http.user_agent", "http.user_agent"},
		{"zeek_wikipedia.pcap", 6, "http.user_agent", "http.user_agent"},
	};
	size_t checked = 0;

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		static uint8_t payload[8192];
		char want[1024];
		size_t len;
		bool found = false;

		if (!pc_tshark_tcp_payload(frames[i].pcap, frames[i].frame, frames[i].field, payload, sizeof(payload),
					   &len, want, sizeof(want)))
			continue;
		ck_assert_int_eq(parse(payload, len, &ctx_server), HK_PARSE_OK);
		for (size_t k = 0; k < res.sink.n; k++)
			if (strcmp(res.sink.v[k].source, frames[i].source) == 0) {
				ck_assert_str_eq(res.sink.v[k].value, want);
				found = true;
			}
		ck_assert_msg(found, "%s frame %d: no %s", frames[i].pcap, frames[i].frame, frames[i].source);
		checked++;
	}
	if (!checked)
		fprintf(stderr, "test_against_tshark: no tshark or no shared captures, nothing compared\n");
}
END_TEST

static Suite *http_suite(void)
{
	Suite *s = suite_create("proto_http");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_real_request);
	tcase_add_test(tc, test_real_responses);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_realm);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_title);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_headers_max);
	tcase_add_test(tc, test_line_max);
	tcase_add_test(tc, test_interim);
	tcase_add_test(tc, test_not_http);
	tcase_add_test(tc, test_window_full);
	suite_add_tcase(s, tc);
	/* tshark takes its time to start, once per frame */
	tc = tcase_create("tshark");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_against_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(http_suite());
}
