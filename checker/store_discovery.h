/*
 * What a running store shows of itself, for `storecheck init --from URL`: its address (a
 * redirect on the same host is followed, to the HTTPS address for one), an HTML home page,
 * GraphQL at a common path, health, readiness, Prometheus metrics, an OpenAPI document and the
 * endpoints it names, a JSON product list. Only the URL's host is contacted, every request has
 * a timeout, and at most DISCOVERY_MAX_REQUESTS go out. Every recognition decides on status
 * codes, content types and parsed structure, never on an error's text.
 */
#ifndef STORECHECK_CHECKER_STORE_DISCOVERY_H
#define STORECHECK_CHECKER_STORE_DISCOVERY_H

#include <stddef.h>

#include "checker/openapi_paths.h"
#include "config/config.h"
#include "common/url.h"

enum { DISCOVERY_MAX_REQUESTS = 48, DISCOVERY_NOTE_MAX = 300, DISCOVERY_MAX_NOTES = 16 };

struct discovery_options {
    const char *url;     /* where the store answers; its host is the only one contacted */
    const char *ca_file; /* PEM bundle to verify an HTTPS store; NULL: the system store */
    unsigned timeout_ms; /* per request */
};

/* How an endpoint was found. */
enum discovery_source { FOUND_NONE, FOUND_ANSWER, FOUND_OPENAPI };

struct discovery {
    struct url base;                   /* the store's address, after a same-host redirect */
    char http_url[URL_PATH_MAX];       /* the plain-HTTP URL given, when it led to HTTPS */
    int unverified;                    /* HTTPS whose certificate did not verify */
    char endpoints[EP_COUNT][OPENAPI_PATH_MAX];
    enum discovery_source source[EP_COUNT];
    char graphql[OPENAPI_PATH_MAX];    /* "" when no common path answered GraphQL */
    char openapi_yaml[OPENAPI_PATH_MAX]; /* a YAML OpenAPI document (paths not read) */
    char notes[DISCOVERY_MAX_NOTES][DISCOVERY_NOTE_MAX]; /* what init could not settle */
    size_t note_count;
    size_t requests;                   /* requests sent */
};

/* Look at the store. 0, or -1 with the reason in err when its home URL got no HTTP answer
 * (nothing else is tried then). */
int store_discover(const struct discovery_options *o, struct discovery *d, char *err,
                   size_t errlen);

#endif
