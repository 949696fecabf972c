#include "probes/http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "common/allowlist.h"
#include "common/oom.h"
#include "common/url.h"
#include "probes/conn_gate.h"
#include "version.h"

enum {
    DEFAULT_MAX_BODY = 1024 * 1024,
    MAX_HEADER_BYTES = 64 * 1024,
    DEFAULT_TIMEOUT_MS = 10000,
    POLL_SLICE_MS = 50,
};

/* One request in flight: its easy handle, where its answer goes, and how far it got. */
struct xfer {
    CURL *easy;
    struct curl_slist *hdrs;
    const struct http_request *req;
    struct http_response *resp;
    size_t max_body;
    size_t body_cap;
    size_t header_bytes;
    int hops;
    int body_overflow;
    int header_overflow;
    int head_done;  /* the blank line that ends the final response's headers came */
    int unverified; /* the certificate failed to verify: this hop runs with verification off */
    int done;
    char errbuf[CURL_ERROR_SIZE];
};

const char *http_strcasestr(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return NULL;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

static void reset_headers(struct http_response *r)
{
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    r->header_count = 0;
}

static void reset_body(struct http_response *r)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

void http_response_free(struct http_response *r)
{
    reset_headers(r);
    reset_body(r);
}

const char *http_header_nth(const struct http_response *r, const char *name, size_t n)
{
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0 && n-- == 0)
            return r->headers[i].value;
    return NULL;
}

const char *http_header(const struct http_response *r, const char *name)
{
    return http_header_nth(r, name, 0);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t len = size * nmemb;
    x->header_bytes += len;
    if (x->header_bytes > MAX_HEADER_BYTES) {
        x->header_overflow = 1;
        return 0;
    }
    /* A status line starts a new response (after 1xx): keep only the final one's headers. */
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        reset_headers(x->resp);
        x->head_done = 0;
        return len;
    }
    if (data[0] == '\r' || data[0] == '\n') {
        x->head_done = 1;
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon || x->resp->header_count >= HTTP_MAX_HEADERS)
        return len;
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    struct http_header *h = &x->resp->headers[x->resp->header_count++];
    h->name = xmalloc((size_t)(colon - data) + 1);
    memcpy(h->name, data, (size_t)(colon - data));
    h->name[colon - data] = '\0';
    h->value = xmalloc((size_t)(end - v) + 1);
    memcpy(h->value, v, (size_t)(end - v));
    h->value[end - v] = '\0';
    return len;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t len = size * nmemb;
    struct http_response *r = x->resp;
    if (r->body_len + len > x->max_body) {
        x->body_overflow = 1;
        if (x->req->truncate_ok) /* keep what fits, then stop the transfer */
            len = x->max_body - r->body_len;
        else
            return 0;
    }
    if (r->body_len + len + 1 > x->body_cap) {
        size_t cap = x->body_cap ? x->body_cap : 16384;
        while (cap < r->body_len + len + 1)
            cap *= 2;
        r->body = xrealloc(r->body, cap);
        x->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return x->body_overflow ? 0 : len;
}

static int on_progress(void *userp, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    return probe_should_stop(userp) ? 1 : 0;
}

static void join_url(const struct config *cfg, const char *path, char *out, size_t len)
{
    if (strncasecmp(path, "http://", 7) == 0 || strncasecmp(path, "https://", 8) == 0) {
        snprintf(out, len, "%s", path);
        return;
    }
    char origin[URL_HOST_MAX + 32];
    url_origin(&cfg->target.base, origin, sizeof origin);
    snprintf(out, len, "%s%s%s", origin, path[0] == '/' ? "" : "/", path);
}

/* The host whose connection slots a request to url (absolute, or a path) takes. */
static void gate_host(const struct config *cfg, const char *url, char *out, size_t len)
{
    char abs[1024], why[200];
    struct url u;
    join_url(cfg, url, abs, sizeof abs);
    snprintf(out, len, "%s",
             url_parse(abs, &u, why, sizeof why) == 0 ? u.host : cfg->target.base.host);
}

/* The allowlist, or just base_url's host when the config left it empty. */
static int host_allowed(const struct config *cfg, const char *url, char *err, size_t errlen)
{
    if (cfg->target.allowed_hosts.count)
        return allowlist_url_ok(&cfg->target.allowed_hosts, url, err, errlen);
    const char *only[] = {cfg->target.base.host};
    struct strv one = {only, 1};
    return allowlist_url_ok(&one, url, err, errlen);
}

/* Prepare x for its next hop to url. 0, or -1 with resp->error set. */
static int xfer_setup(struct probe_ctx *ctx, struct xfer *x, const char *url)
{
    const struct config *cfg = ctx->cfg;
    const struct http_request *req = x->req;
    struct http_response *r = x->resp;
    char why[200];
    snprintf(r->url, sizeof r->url, "%s", url);
    snprintf(r->request_line, sizeof r->request_line, "%s %s", req->method ? req->method : "GET",
             url);
    if (!host_allowed(cfg, url, why, sizeof why)) {
        r->failure = HTTP_FAIL_NOT_CONTACTED;
        snprintf(r->error, sizeof r->error, "not contacted: %s", why);
        return -1;
    }
    reset_headers(r);
    reset_body(r);
    r->truncated = 0;
    x->body_overflow = 0;
    x->body_cap = 0;
    x->header_bytes = 0;
    x->head_done = 0;
    r->status = 0;
    r->failure = HTTP_FAIL_NONE;
    r->error[0] = '\0';
    r->unverified = x->unverified;

    uint64_t left = probe_remaining_ms(ctx);
    uint64_t timeout = cfg->target.timeout_ms ? cfg->target.timeout_ms : DEFAULT_TIMEOUT_MS;
    if (left < timeout)
        timeout = left;
    if (timeout == 0) {
        r->failure = HTTP_FAIL_NOT_SENT;
        snprintf(r->error, sizeof r->error, "not sent: %s", probe_stop_why(ctx));
        return -1;
    }

    CURL *e = x->easy;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "storecheck/" STORECHECK_VERSION);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, ctx);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    if (cfg->target.ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, cfg->target.ca_file);
    if (cfg->target.insecure || x->unverified) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    const char *method = req->method ? req->method : "GET";
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
    if (req->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
    }
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    for (size_t i = 0; !req->anonymous && i < cfg->target.headers.count; i++) {
        char line[2048];
        snprintf(line, sizeof line, "%s: %s", cfg->target.headers.items[i].key,
                 cfg->target.headers.items[i].value);
        x->hdrs = curl_slist_append(x->hdrs, line);
    }
    for (size_t i = 0; i < sizeof req->headers / sizeof *req->headers && req->headers[i]; i++)
        x->hdrs = curl_slist_append(x->hdrs, req->headers[i]);
    /* curl would add "Expect: 100-continue" to larger bodies; probes want one plain answer. */
    x->hdrs = curl_slist_append(x->hdrs, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
    return 0;
}

/* What kind of failure code is, from the code and the socket's errno alone. */
static enum http_failure failure_kind(const struct xfer *x, CURLcode code, long os_errno)
{
    if (x->body_overflow || x->header_overflow)
        return HTTP_FAIL_TOO_LARGE;
    switch (code) {
    case CURLE_ABORTED_BY_CALLBACK:
        return HTTP_FAIL_STOPPED;
    case CURLE_COULDNT_RESOLVE_HOST:
        return HTTP_FAIL_RESOLVE;
    case CURLE_COULDNT_CONNECT:
        return os_errno == ECONNREFUSED ? HTTP_FAIL_REFUSED : HTTP_FAIL_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_FAIL_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_USE_SSL_FAILED:
        return HTTP_FAIL_TLS;
    case CURLE_OUT_OF_MEMORY:
        /* libcurl refuses a header line over 100 kB with this code; the process's own
         * allocations abort instead of failing. */
        return x->head_done ? HTTP_FAIL_PROTOCOL : HTTP_FAIL_TOO_LARGE;
    default:
        return HTTP_FAIL_PROTOCOL;
    }
}

/* A transfer ended with code: record the outcome, or start its next hop (a redirect, or the
 * same URL again with verification off after a certificate failure). Returns 1 when x goes on
 * (re-added to the multi handle by the caller). */
static int xfer_finish(struct probe_ctx *ctx, struct xfer *x, CURLcode code)
{
    struct http_response *r = x->resp;
    if (code == CURLE_WRITE_ERROR && x->body_overflow && x->req->truncate_ok) {
        r->truncated = 1;
        code = CURLE_OK;
    }
    /* A certificate no client would accept is S-TLS-CERT's finding; the other probes look
     * past it, as the HTTP Observatory does, and their evidence says so. */
    if (code == CURLE_PEER_FAILED_VERIFICATION && !x->unverified && !ctx->cfg->target.insecure &&
        !probe_should_stop(ctx)) {
        char url[sizeof r->url];
        snprintf(url, sizeof url, "%s", r->url);
        x->unverified = 1;
        return xfer_setup(ctx, x, url) == 0;
    }
    if (code != CURLE_OK) {
        long os_errno = 0;
        curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
        r->failure = probe_should_stop(ctx) ? HTTP_FAIL_STOPPED : failure_kind(x, code, os_errno);
        if (x->body_overflow)
            snprintf(r->error, sizeof r->error, "response body larger than %zu bytes", x->max_body);
        else if (x->header_overflow)
            snprintf(r->error, sizeof r->error, "response headers larger than %d bytes",
                     MAX_HEADER_BYTES);
        else if (r->failure == HTTP_FAIL_TOO_LARGE)
            snprintf(r->error, sizeof r->error, "response header too large (over 100 kB)");
        else if (r->failure == HTTP_FAIL_STOPPED)
            snprintf(r->error, sizeof r->error, "stopped: %s", probe_stop_why(ctx));
        else
            snprintf(r->error, sizeof r->error, "%s",
                     x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
        r->status = 0;
        reset_headers(r);
        return 0;
    }
    if (!r->body)
        r->body = xstrdup(""); /* probes may read an empty body as a string */
    long status = 0;
    double total = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &total);
    r->status = (int)status;
    r->total_ms = total * 1000.0;
    if (status < 300 || status >= 400 || x->hops >= x->req->follow)
        return 0;
    char *next = NULL;
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &next);
    if (!next)
        return 0;
    char why[200];
    if (!host_allowed(ctx->cfg, next, why, sizeof why)) {
        snprintf(r->redirect_note, sizeof r->redirect_note, "redirect to %s not followed: %s", next,
                 why);
        return 0;
    }
    char url[1024];
    snprintf(url, sizeof url, "%s", next);
    x->hops++;
    if (xfer_setup(ctx, x, url) != 0)
        return 0;
    return 1;
}

size_t http_run(struct probe_ctx *ctx, const struct http_request *reqs, struct http_response *resps,
                size_t n, size_t parallel)
{
    if (n == 0)
        return 0;
    if (parallel == 0 || parallel > n)
        parallel = n;
    CURLM *m = curl_multi_init();
    if (!m)
        oom_abort(0);
    /* The run's connections count against the host of its first request (redirect hops
     * included); it holds at most `slots` connections, reused from one transfer to the next.
     * The bound is kept by running at most `slots` transfers at once and caching at most that
     * many idle connections: CURLMOPT_MAX_TOTAL_CONNECTIONS would queue a transfer re-added
     * after a certificate failure behind the connection that just failed, until it timed out. */
    char host[URL_HOST_MAX];
    gate_host(ctx->cfg, reqs[0].url, host, sizeof host);
    unsigned limit = ctx->cfg->audit.max_connections_per_host;
    size_t slots =
        conn_gate_take(host, limit, (unsigned)parallel, 1, ctx->deadline_ms, ctx->cancelled);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)(slots ? slots : 1));
    struct xfer *xs = xcalloc(n, sizeof *xs);
    size_t next = 0, active = 0;
    for (;;) {
        if (active == slots && slots < parallel && next < n) {
            size_t more = conn_gate_take(host, limit, (unsigned)(parallel - slots), 0, 0, NULL);
            if (more) {
                slots += more;
                curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)slots);
            }
        }
        while (active < slots && next < n && !probe_should_stop(ctx)) {
            struct xfer *x = &xs[next];
            memset(&resps[next], 0, sizeof resps[next]);
            x->req = &reqs[next];
            x->resp = &resps[next];
            x->max_body = reqs[next].max_body ? reqs[next].max_body : DEFAULT_MAX_BODY;
            x->easy = curl_easy_init();
            if (!x->easy)
                oom_abort(0);
            char url[1024];
            join_url(ctx->cfg, reqs[next].url, url, sizeof url);
            next++;
            if (xfer_setup(ctx, x, url) != 0) {
                x->done = 1;
                continue;
            }
            curl_multi_add_handle(m, x->easy);
            active++;
        }
        if (active == 0 && (next == n || slots == 0 || probe_should_stop(ctx)))
            break;
        int running = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct xfer *x = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            CURLcode code = msg->data.result;
            curl_multi_remove_handle(m, x->easy);
            if (xfer_finish(ctx, x, code)) {
                curl_multi_add_handle(m, x->easy);
            } else {
                x->done = 1;
                active--;
            }
        }
        if (active == 0)
            continue;
        uint64_t left_ms = probe_remaining_ms(ctx);
        curl_multi_poll(m, NULL, 0, left_ms < POLL_SLICE_MS ? (int)left_ms + 1 : POLL_SLICE_MS,
                        NULL);
    }
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        struct xfer *x = &xs[i];
        if (i >= next) {
            memset(&resps[i], 0, sizeof resps[i]);
            char url[1024];
            join_url(ctx->cfg, reqs[i].url, url, sizeof url);
            snprintf(resps[i].request_line, sizeof resps[i].request_line, "%s %s",
                     reqs[i].method ? reqs[i].method : "GET", url);
            resps[i].failure = HTTP_FAIL_NOT_SENT;
            snprintf(resps[i].error, sizeof resps[i].error, "not sent: %s", probe_stop_why(ctx));
        } else if (!x->done) {
            curl_multi_remove_handle(m, x->easy);
            resps[i].failure = HTTP_FAIL_STOPPED;
            snprintf(resps[i].error, sizeof resps[i].error, "stopped: %s", probe_stop_why(ctx));
            resps[i].status = 0;
            reset_headers(&resps[i]);
        }
        if (x->easy)
            curl_easy_cleanup(x->easy);
        curl_slist_free_all(x->hdrs);
        if (resps[i].status)
            got++;
    }
    free(xs);
    curl_multi_cleanup(m); /* closes the run's connections: then their slots are free */
    conn_gate_give(host, (unsigned)slots);
    return got;
}

int http_get1(struct probe_ctx *ctx, const struct http_request *req, struct http_response *resp)
{
    return http_run(ctx, req, resp, 1, 1) == 1 ? 0 : -1;
}

int http_endpoint_url(const struct probe_ctx *ctx, const char *path, const char *const *vars,
                      char *out, size_t outlen, char *err, size_t errlen)
{
    char filled[2048];
    size_t w = 0;
    const char *p = path;
    while (*p && w + 1 < sizeof filled) {
        if (p[0] == '{' && p[1] == '{') {
            const char *end = strstr(p, "}}");
            if (!end)
                break;
            size_t nlen = (size_t)(end - p - 2);
            const char *val = NULL;
            for (size_t i = 0; vars && vars[i]; i += 2)
                if (strlen(vars[i]) == nlen && strncmp(vars[i], p + 2, nlen) == 0)
                    val = vars[i + 1];
            if (!val) {
                snprintf(err, errlen, "no value for {{%.*s}} in %s", (int)nlen, p + 2, path);
                return -1;
            }
            w += (size_t)snprintf(filled + w, sizeof filled - w, "%s", val);
            if (w >= sizeof filled)
                w = sizeof filled - 1;
            p = end + 2;
            continue;
        }
        filled[w++] = *p++;
    }
    filled[w] = '\0';
    join_url(ctx->cfg, filled, out, outlen);
    return 0;
}

void http_cookie_header(const struct http_response *const *resps, size_t n, char *buf, size_t len)
{
    /* Collect name=value pairs; a later Set-Cookie of the same name replaces the earlier. */
    char pairs[32][512];
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sc;
        for (size_t k = 0; resps[i] && (sc = http_header_nth(resps[i], "Set-Cookie", k)); k++) {
            size_t plen = strcspn(sc, ";");
            size_t nlen = strcspn(sc, "=");
            if (nlen >= plen || plen >= sizeof pairs[0])
                continue;
            size_t slot = count;
            for (size_t j = 0; j < count; j++)
                if (strncmp(pairs[j], sc, nlen + 1) == 0)
                    slot = j;
            if (slot == count) {
                if (count == sizeof pairs / sizeof *pairs)
                    continue;
                count++;
            }
            memcpy(pairs[slot], sc, plen);
            pairs[slot][plen] = '\0';
        }
    }
    size_t w = (size_t)snprintf(buf, len, count ? "Cookie: " : "");
    for (size_t j = 0; j < count && w < len; j++)
        w += (size_t)snprintf(buf + w, len - w, "%s%s", j ? "; " : "", pairs[j]);
}

void http_evidence(struct probe_ctx *ctx, const struct http_response *r, const char *fmt, ...)
{
    char detail[1024] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    const char *unverified =
        r->unverified ? "the certificate did not verify: sent again with verification off" : "";
    if (r->status == 0)
        probe_evidence(ctx, r->request_line, 0, "error: %s%s%s%s%s", r->error,
                       detail[0] ? "; " : "", detail, unverified[0] ? "; " : "", unverified);
    else
        probe_evidence(ctx, r->request_line, r->status, "%s%s%s%s%s", detail,
                       detail[0] && r->redirect_note[0] ? "; " : "", r->redirect_note,
                       (detail[0] || r->redirect_note[0]) && unverified[0] ? "; " : "", unverified);
}
