/* E group, API versions: the version is visible, an unknown one is refused clearly, and an
 * older one still served says it is deprecated. Versions in the path are found in the catalog
 * endpoint's path ("/api/v1/products"); the older version is the same path one number lower
 * ("/api/v0/products"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/api_answers.h"
#include "probes/api_path.h"
#include "probes/catalog.h"
#include "probes/gql_conventions.h"
#include "probes/http.h"
#include "probes/problem.h"
#include "probes/store.h"

/* The URL of the catalog path with its version segment (at, len) replaced by v<v>. */
static int with_version(struct probe_ctx *ctx, const char *cat, size_t at, size_t len, long v,
                        char *out, size_t outlen)
{
    char path[1024], err[300];
    snprintf(path, sizeof path, "%.*sv%ld%s", (int)at, cat, v, cat + at + len);
    return http_endpoint_url(ctx, path, NULL, out, outlen, err, sizeof err);
}

static const char *version_header(const struct http_response *r, const char **name)
{
    static const char *const names[] = {"API-Version", "X-API-Version", "Api-Version",
                                        "X-Api-Version", "Accept-Version"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = http_header(r, names[i]);
        if (v) {
            *name = names[i];
            return v;
        }
    }
    return NULL;
}

/* Send the catalog's own request (its method, headers, the shopper's values), at url instead
 * of its own URL when url is not NULL, into r. -1 with the verdict set when it cannot be
 * built. */
static int get_catalog(struct probe_ctx *ctx, const char *url, struct http_response *r)
{
    static const enum endpoint catalog[] = {EP_CATALOG};
    enum endpoint got[1];
    struct http_request req;
    struct ep_request *rq = malloc(sizeof *rq);
    memset(r, 0, sizeof *r);
    if (!rq || api_requests(ctx, catalog, 1, NULL, got, rq, &req) == 0) {
        free(rq);
        probe_set(ctx, PROBE_ERROR, "no catalog request to send%s",
                  rq ? " (the evidence says why)" : ": out of memory");
        return -1;
    }
    if (url)
        req.url = url;
    http_get1(ctx, &req, r);
    free(rq);
    return 0;
}

/* No version in the path: is there one in a header of the catalog's answer? */
static void judge_version_header(struct probe_ctx *ctx)
{
    struct http_response r;
    char why[1600];
    if (get_catalog(ctx, NULL, &r) != 0)
        return;
    if (r.status && !api_answer_fits(ctx, EP_CATALOG, "catalog", &r, why, sizeof why)) {
        http_evidence(ctx, &r, "not judged: %s", why);
        probe_set(ctx, PROBE_SKIP, "%s", why);
        http_response_free(&r);
        return;
    }
    const char *name = NULL, *v = r.status ? version_header(&r, &name) : NULL;
    http_evidence(ctx, &r, "%s: %s", name ? name : "API-Version", v ? v : "(none)");
    if (!r.status)
        probe_set(ctx, PROBE_ERROR, "no answer from the catalog: %s", r.error);
    else if (v)
        probe_set(ctx, PROBE_PASS, "version in the %s header (%s); the path has none", name, v);
    else
        probe_set(ctx, PROBE_WARN,
                  "no API version in the catalog path (/v1/...) or in a "
                  "version header: clients cannot pin one");
    http_response_free(&r);
}

enum { UNKNOWN_VERSION = 999 };

static void run_api_version(struct probe_ctx *ctx)
{
    char url[1024];
    const char *cat = ctx->cfg->target.endpoints[EP_CATALOG];
    size_t at, len;
    long was;
    if (ctx->cfg->target.graphql.path) {
        gql_conventions_versioning(ctx);
        return;
    }
    if (!cat) {
        probe_set(ctx, PROBE_SKIP,
                  "no API to find a version in: set target.endpoints.catalog (or "
                  "target.graphql.path for a GraphQL API)");
        return;
    }
    if (api_path_version(cat, &at, &len, &was) != 0) {
        /* No version in the path: maybe in a header. */
        judge_version_header(ctx);
        return;
    }
    with_version(ctx, cat, at, len, UNKNOWN_VERSION, url, sizeof url);
    struct http_response r;
    if (get_catalog(ctx, url, &r) != 0)
        return;
    char why[200] = "";
    int problem = r.status ? problem_check(&r, why, sizeof why) == 0 : 0;
    http_evidence(ctx, &r, "unknown version v%d%s%s", UNKNOWN_VERSION, r.status ? "; " : "",
                  r.status ? why : "");
    if (!r.status)
        probe_set(ctx, PROBE_ERROR, "no answer for an unknown version: %s", r.error);
    else if (r.status / 100 == 2 || r.status / 100 == 3)
        probe_set(ctx, PROBE_FAIL,
                  "unknown API version v%d answered %d: clients with a typo "
                  "or a future version get data they do not understand",
                  UNKNOWN_VERSION, r.status);
    else if (r.status >= 500)
        probe_set(ctx, PROBE_FAIL, "unknown API version v%d answered %d (a server error)",
                  UNKNOWN_VERSION, r.status);
    else
        probe_set(ctx, PROBE_PASS, "version v%ld in the path; unknown v%d answered %d%s", was,
                  UNKNOWN_VERSION, r.status, problem ? " (problem+json)" : "");
    http_response_free(&r);
}

static void run_deprecation(struct probe_ctx *ctx)
{
    char url[1024];
    const char *cat = ctx->cfg->target.endpoints[EP_CATALOG];
    size_t at, len;
    long was;
    if (!cat || api_path_version(cat, &at, &len, &was) != 0) {
        probe_set(ctx, PROBE_SKIP,
                  "no /v<N>/ version to step back from: target.endpoints.catalog has none in "
                  "its path");
        return;
    }
    if (was < 1) {
        probe_set(ctx, PROBE_SKIP, "the catalog is at v%ld: no older version to look for", was);
        return;
    }
    with_version(ctx, cat, at, len, was - 1, url, sizeof url);
    struct http_response r;
    if (get_catalog(ctx, url, &r) != 0)
        return;
    const char *dep = r.status ? http_header(&r, "Deprecation") : NULL;
    const char *sunset = r.status ? http_header(&r, "Sunset") : NULL;
    http_evidence(ctx, &r, "older version v%ld; Deprecation: %s; Sunset: %s", was - 1,
                  dep ? dep : "(none)", sunset ? sunset : "(none)");
    if (!r.status)
        probe_set(ctx, PROBE_ERROR, "no answer for v%ld: %s", was - 1, r.error);
    else if (r.status / 100 != 2)
        probe_set(ctx, PROBE_SKIP, "v%ld is not served (%d): nothing to deprecate", was - 1,
                  r.status);
    else if (dep && sunset)
        probe_set(ctx, PROBE_PASS, "v%ld is served with Deprecation and Sunset", was - 1);
    else if (dep || sunset)
        probe_set(ctx, PROBE_WARN, "v%ld is served with %s only", was - 1,
                  dep ? "Deprecation (no Sunset date)" : "Sunset (no Deprecation)");
    else
        probe_set(ctx, PROBE_FAIL,
                  "v%ld is still served without Deprecation or Sunset: its "
                  "clients get no warning before it goes",
                  was - 1);
    http_response_free(&r);
}

const struct probe probe_e_api_version = {
    .id = "E-API-VERSION",
    .group = GROUP_E,
    .title = "The API is versioned and refuses an unknown version",
    .severity = SEV_LOW,
    .rationale = "Apps, marketplaces and partners integrate against the store's API; without "
                 "a version they break on every change, and an unknown version answered with "
                 "data hides their mistake.",
    .remediation = "Put the version in the path (/api/v1/) or a header, and answer unknown "
                   "versions with 404/400 problem+json.",
    .references = "https://www.rfc-editor.org/rfc/rfc9457",
    .run = run_api_version,
};

const struct probe probe_e_deprecation = {
    .id = "E-DEPRECATION",
    .group = GROUP_E,
    .title = "An older API version still served carries Deprecation and Sunset",
    .severity = SEV_LOW,
    .rationale = "Integrations on an old version need a machine-readable warning and a date "
                 "before it is switched off.",
    .remediation = "Send Deprecation (RFC 9745) and Sunset (RFC 8594) on every answer of a "
                   "version being retired, with a Link to the migration guide.",
    .references = "https://www.rfc-editor.org/rfc/rfc9745 https://www.rfc-editor.org/rfc/rfc8594",
    .run = run_deprecation,
};
