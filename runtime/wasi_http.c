/*
 * wasi_http.c - skillc.http_request, the one way a WASM tool reaches the
 * network: a host call, checked against the hosts its grant lists, made
 * by libcurl in the call's child. Redirects are not followed (each hop
 * would need its own check); TLS is always verified.
 *
 *   u32 http_request(req, req_len, resp, resp_cap, resp_len_p)
 *
 * req is a JSON object {"method": "GET", "url": "https://...", "headers":
 * {"Name": "value"}, "body": "text"} (method GET, headers and body
 * optional). The response is written at resp as {"status": 200,
 * "headers": {...}, "body": "...", "truncated": false}, its length at
 * resp_len_p; a body that would not fit resp_cap is cut and "truncated"
 * set. The result is a WASI errno: NOTCAPABLE when the host is not
 * granted, INVAL for a malformed request, IO when the request failed (the
 * reason on the tool's stderr).
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "wasi.h"
#include "wasi_impl.h"

/* Whether host:port is granted: "name" (any port), "name:port", or
 * "*.domain" for the domain's subdomains. Case-insensitive. */
bool wasi_host_granted(const struct wasi_config *cfg, const char *host, long port)
{
	if (cfg->network == SKC_NET_ALL)
		return true;
	if (cfg->network != SKC_NET_HOSTS)
		return false;
	size_t hn = strlen(host);
	for (size_t i = 0; i < cfg->n_hosts; i++) {
		const char *p = cfg->hosts[i], *colon = strrchr(p, ':');
		size_t pn = colon && !strchr(colon, ']') ? (size_t)(colon - p) : strlen(p);
		if (colon && pn < strlen(p) && atol(colon + 1) != port)
			continue;
		if (pn > 2 && p[0] == '*' && p[1] == '.') {
			size_t dn = pn - 1; /* ".domain" */
			if (hn > dn && !strncasecmp(host + hn - dn, p + 1, dn))
				return true;
		} else if (hn == pn && !strncasecmp(host, p, pn)) {
			return true;
		}
	}
	return false;
}

struct sink {
	char *b;
	size_t n, cap;
	bool cut;
};

static size_t on_body(char *d, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb, room = s->cap - s->n;
	if (n > room) {
		s->cut = true;
		n = room;
	}
	memcpy(s->b + s->n, d, n);
	s->n += n;
	return size * nmemb;
}

static size_t on_header(char *d, size_t size, size_t nmemb, void *arg)
{
	json_t *h = arg;
	size_t n = size * nmemb;
	const char *colon = memchr(d, ':', n);
	if (colon && colon > d) {
		const char *v = colon + 1, *end = d + n;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
			end--;
		char *name = strndup(d, (size_t)(colon - d));
		if (name) {
			for (char *c = name; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			json_object_set_new(h, name, json_stringn(v, (size_t)(end - v)));
			free(name);
		}
	} else if (n > 5 && !strncmp(d, "HTTP/", 5)) {
		json_object_clear(h); /* a new response (after 100 Continue) */
	}
	return n;
}

u32 wasi_http(struct wasi_host_ctx *h, const uint8_t *req, size_t req_len, uint8_t *resp,
	      size_t resp_cap, size_t *resp_len)
{
	json_error_t je;
	json_t *rq = json_loadb((const char *)req, req_len, 0, &je);
	const char *url = rq ? json_string_value(json_object_get(rq, "url")) : NULL;
	const char *method = rq ? json_string_value(json_object_get(rq, "method")) : NULL;
	json_t *hdrs = rq ? json_object_get(rq, "headers") : NULL, *body = NULL;
	if (!url || (hdrs && !json_is_object(hdrs))) {
		wasi_log(h, "http_request: the request is not {\"url\": ..., ...}");
		json_decref(rq);
		return WASI_E_INVAL;
	}
	body = json_object_get(rq, "body");
	if (!method)
		method = "GET";
	/* A method or header that could split the request line (say, to a
	 * proxy) is refused: the host checked must be the host asked. */
	bool bad = !*method || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method);
	const char *hk;
	json_t *hv;
	json_object_foreach(hdrs, hk, hv)
		bad |= !json_is_string(hv) || strpbrk(hk, "\r\n:") != NULL ||
		       strpbrk(json_string_value(hv), "\r\n") != NULL;
	if (bad) {
		wasi_log(h, "http_request: a method must be a word in capitals, and a header "
			    "a name and a value without line breaks");
		json_decref(rq);
		return WASI_E_INVAL;
	}
	CURLU *u = curl_url();
	char *host = NULL, *scheme = NULL, *port_s = NULL;
	u32 rc = WASI_E_INVAL;
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &port_s, CURLU_DEFAULT_PORT) ||
	    (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
		wasi_log(h, "http_request: not an http or https URL");
		goto out;
	}
	if (!wasi_host_granted(h->cfg, host, atol(port_s))) {
		rc = wasi_refuse(h, 8, "http_request", "this host (permissions: network)");
		goto out;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *list = NULL;
	json_t *rh = json_object();
	struct sink s = {.b = (char *)resp, .cap = resp_cap};
	/* Room for the JSON around the body: the body's escaping is done below. */
	char *raw = malloc(resp_cap ? resp_cap : 1);
	s.b = raw;
	if (!c || !rh || !raw) {
		rc = WASI_E_NOMEM;
		goto done;
	}
	const char *k;
	json_t *v;
	json_object_foreach(hdrs, k, v)
	{
		char line[1024];
		if (json_is_string(v) && (size_t)snprintf(line, sizeof line, "%s: %s", k,
							  json_string_value(v)) < sizeof line)
			list = curl_slist_append(list, line);
	}
	bool is_dir;
	const char *ca = http_ca_source(&is_dir, NULL);
	if (ca)
		curl_easy_setopt(c, is_dir ? CURLOPT_CAPATH : CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_CURLU, u); /* the URL whose host was checked */
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, rh);
	if (json_is_string(body)) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_string_value(body));
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)json_string_length(body));
	}
	CURLcode cr = curl_easy_perform(c);
	if (cr != CURLE_OK) {
		wasi_log(h, curl_easy_strerror(cr));
		rc = WASI_E_IO;
		goto done;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	/* on_body cut at resp_cap bytes, maybe inside a UTF-8 sequence: drop
	 * that partial character, or the body would not pack as UTF-8. */
	if (s.cut) {
		size_t i = s.n, k = 0;
		while (i && k < 3 && ((unsigned char)s.b[i - 1] & 0xc0) == 0x80)
			i--, k++;
		if (i) {
			unsigned char lead = (unsigned char)s.b[i - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
			if (need > k + 1)
				s.n = i - 1;
		}
	}
	/* Cut the body until the whole answer fits. */
	for (;;) {
		json_t *out = json_pack("{s:I, s:O, s:s%, s:b}", "status", (json_int_t)status, "headers",
					rh, "body", s.n ? s.b : "", s.n, "truncated", s.cut);
		char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
		json_decref(out);
		size_t tn = text ? strlen(text) : 0;
		if (text && tn <= resp_cap) {
			memcpy(resp, text, tn);
			*resp_len = tn;
			free(text);
			rc = 0;
			break;
		}
		free(text);
		if (!out || !s.n) {
			rc = out ? WASI_E_2BIG : WASI_E_INVAL; /* headers alone too big, or not UTF-8 */
			if (!out)
				wasi_log(h, "http_request: the response body is not UTF-8 text");
			break;
		}
		size_t over = tn > resp_cap ? tn - resp_cap : 1;
		s.n = over >= s.n ? 0 : s.n - over;
		while (s.n && ((unsigned char)s.b[s.n] & 0xc0) == 0x80)
			s.n--; /* not inside a UTF-8 sequence */
		s.cut = true;
	}
done:
	curl_slist_free_all(list);
	if (c)
		curl_easy_cleanup(c);
	json_decref(rh);
	free(raw);
out:
	curl_free(host);
	curl_free(scheme);
	curl_free(port_s);
	curl_url_cleanup(u);
	json_decref(rq);
	return rc;
}
