/*
 * The software in front of the store — CDN, cache, web server or proxy, application — as its
 * answers name it, each by the header conventions its vendor documents (Server and
 * X-Powered-By product tokens, Via, CF-Ray, X-Served-By, X-Amz-Cf-Id, Akamai-GRN, X-Varnish,
 * x-envoy-upstream-service-time, the PHPSESSID cookie). The audit recognises it once, from one
 * answer of the home page, so that findings can give the fix for that stack first
 * (probes/stack_fixes.h).
 */
#ifndef STORECHECK_PROBES_STACK_H
#define STORECHECK_PROBES_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "probes/http.h"

/* In order from the edge inward: a request meets the CDN first and the application last. */
enum stack_id {
    STACK_CLOUDFLARE,
    STACK_FASTLY,
    STACK_CLOUDFRONT,
    STACK_AKAMAI,
    STACK_VARNISH,
    STACK_NGINX,
    STACK_APACHE,
    STACK_CADDY,
    STACK_ENVOY,
    STACK_EXPRESS,
    STACK_PHP,
    STACK_COUNT
};

struct stack_component {
    enum stack_id id;
    char evidence[256]; /* the deciding header as it came: "Server: nginx/1.25.3" */
};

/* What one audit recognised. Detection that did not run leaves ran 0. */
struct stack_report {
    int ran;
    char request[1100]; /* "GET https://host/" */
    int status;         /* 0: no answer (error says why) */
    char error[256];
    struct stack_component components[STACK_COUNT]; /* edge inward, each at most once */
    size_t count;
};

/* Stable key for reports and the fixes table ("nginx", "cloudfront"). */
const char *stack_key(enum stack_id id);
/* The product's name for people ("Amazon CloudFront"). */
const char *stack_name(enum stack_id id);
/* "cdn", "cache", "server" (web server or proxy) or "app". */
const char *stack_role(enum stack_id id);

/* Recognise the stack from one answer's headers; adds to out->components (out->count is
 * reset). Only header names and values are read. */
void stack_recognise(const struct http_header *headers, size_t n, struct stack_report *out);

/* The next product token of a Server or X-Powered-By value (RFC 9110 10.2.4: product
 * ["/" version], with comments in parentheses skipped); *p advances past it. Returns 0 with
 * the name (cut to namelen) in name, or -1 at the end. */
int stack_next_product(const char **p, char *name, size_t namelen);

/* One GET of the home endpoint (base_url when there is none) and its recognition, within
 * timeout_ms (target.timeout when shorter). out->ran is set; a transport failure leaves no
 * components and says why in out->error. */
void stack_detect(const struct config *cfg, uint64_t timeout_ms, struct stack_report *out);

#endif
