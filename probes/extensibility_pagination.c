/* E-PAGINATION: the catalog list paginates and caps its page size. A REST list pages in one of
 * a few ways: a next link or cursor in the answer, an offset with a limit, or a page number;
 * and stores that validate their query refuse the parameters of the other ways. So each
 * oversized page size is asked alone, and a first page without a next link is followed by
 * offset, then by page number, before the probe says the list cannot be paged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "probes/api_answers.h"
#include "probes/catalog.h"
#include "probes/gql_conventions.h"
#include "probes/http.h"
#include "probes/store.h"

enum { PAGE_CAP_MAX = 250 };

/* The page sizes asked for, one request each. */
static const char *const oversized[] = {"per_page=100000", "limit=100000", "page_size=100000"};
enum { NOVERSIZED = sizeof oversized / sizeof *oversized };

/* The list of a catalog answer: the root array or its items/products/data/results. */
static const cJSON *list_of(const cJSON *doc)
{
    static const char *const keys[] = {"items", "products", "data", "results"};
    if (cJSON_IsArray(doc))
        return doc;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
        if (cJSON_IsArray(l))
            return l;
    }
    return NULL;
}

/* How the answer points to the next page: a Link rel="next", or a next/cursor member. NULL
 * when it does not. */
static const char *next_of(const struct http_response *r, const cJSON *doc)
{
    const char *link;
    for (size_t k = 0; (link = http_header_nth(r, "Link", k)); k++)
        if (http_strcasestr(link, "rel=\"next\"") || http_strcasestr(link, "rel=next"))
            return "Link rel=\"next\"";
    static const char *const keys[] = {"next",      "next_cursor",   "cursor",
                                       "next_page", "nextPageToken", "next_page_token"};
    const cJSON *links = cJSON_GetObjectItemCaseSensitive(doc, "links");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
        if ((cJSON_IsString(v) && v->valuestring[0]) || cJSON_IsNumber(v))
            return keys[i];
        v = cJSON_GetObjectItemCaseSensitive(links, keys[i]);
        if (cJSON_IsString(v) && v->valuestring[0])
            return "links.next";
    }
    return NULL;
}

/* The number of items the whole list holds, as the answer states it (total, count,
 * total_count or totalCount); -1 when it states none. */
static double total_of(const cJSON *doc)
{
    static const char *const keys[] = {"total", "count", "total_count", "totalCount"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
        if (cJSON_IsNumber(v) && v->valuedouble >= 0)
            return v->valuedouble;
    }
    return -1;
}

/* One catalog answer as the probe reads it. */
struct page {
    cJSON *doc;       /* the JSON of a 200 answer, else NULL */
    int count;        /* items in its list, -1 for no list */
    const char *next; /* its next link or cursor, NULL for none */
    char said[200];   /* what it held, said after "the catalog" or "per_page=100000" */
};

static void read_page(const struct http_response *r, struct page *p)
{
    p->doc = r->status == 200 ? cJSON_Parse(r->body) : NULL;
    const cJSON *l = list_of(p->doc);
    p->count = l ? cJSON_GetArraySize(l) : -1;
    p->next = p->doc ? next_of(r, p->doc) : NULL;
    if (!r->status)
        snprintf(p->said, sizeof p->said, "gave no answer (%s)", r->error);
    else if (r->status != 200)
        snprintf(p->said, sizeof p->said, "answered %d", r->status);
    else if (!p->doc)
        snprintf(p->said, sizeof p->said, "answered 200 but not with JSON");
    else if (p->count < 0)
        snprintf(p->said, sizeof p->said,
                 "answered 200 with JSON but no list (neither a root array nor items, products, "
                 "data or results)");
    else
        snprintf(p->said, sizeof p->said, "answered %d items", p->count);
}

/* The first item of a list page as compact JSON into out ("" for none): two pages with the
 * same first item are the same page. */
static void first_item(const cJSON *doc, char *out, size_t len)
{
    const cJSON *l = list_of(doc), *item = l ? cJSON_GetArrayItem(l, 0) : NULL;
    char *s = item ? cJSON_PrintUnformatted(item) : NULL;
    snprintf(out, len, "%s", s ? s : "");
    cJSON_free(s);
}

static void with_query(const char *url, const char *param, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s", url, strchr(url, '?') ? "&" : "?", param);
}

/* Follow the first page by the given parameter ("offset=20", "page=2"): 1 when the store
 * answered another page of the list (a list whose first item is not the first page's), with
 * what it answered in said. */
static int next_page_by(struct probe_ctx *ctx, const struct http_request *catalog,
                        const char *param, const char *first, char *said, size_t len)
{
    char url[1200], item[1024];
    with_query(catalog->url, param, url, sizeof url);
    struct http_request req = *catalog;
    req.url = url;
    struct http_response r;
    http_get1(ctx, &req, &r);
    struct page p;
    read_page(&r, &p);
    first_item(p.doc, item, sizeof item);
    int other = p.count > 0 && strcmp(item, first) != 0;
    snprintf(said, len, "%s %s%s", param, p.said,
             other         ? ", the next ones"
             : p.count > 0 ? ", the first page again"
                           : "");
    http_evidence(ctx, &r, "%s", said);
    cJSON_Delete(p.doc);
    http_response_free(&r);
    return other;
}

/* How the list pages after the first page (without a next link): by offset, else by page
 * number. The way into how (e.g. "offset=20 answered 20 items, the next ones"); 1 when one
 * works, 0 with both attempts in how. */
static int pages_by_parameter(struct probe_ctx *ctx, const struct http_request *catalog,
                              const struct page *p, char *how, size_t len)
{
    char first[1024], by_offset[160], by_page[160], param[32];
    first_item(p->doc, first, sizeof first);
    snprintf(param, sizeof param, "offset=%d", p->count);
    if (next_page_by(ctx, catalog, param, first, by_offset, sizeof by_offset)) {
        snprintf(how, len, "%s", by_offset);
        return 1;
    }
    if (next_page_by(ctx, catalog, "page=2", first, by_page, sizeof by_page)) {
        snprintf(how, len, "%s", by_page);
        return 1;
    }
    snprintf(how, len, "%s; %s", by_offset, by_page);
    return 0;
}

/* What the oversized requests got, for the reason of a pass: "limit=100000 capped at 50
 * items, per_page=100000 answered 400". */
static void caps_said(const struct page big[NOVERSIZED], char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < NOVERSIZED && n < len; i++) {
        int k = big[i].count >= 0 ? snprintf(out + n, len - n, "%s%s capped at %d items",
                                             n ? ", " : "", oversized[i], big[i].count)
                                  : snprintf(out + n, len - n, "%s%s %s", n ? ", " : "",
                                             oversized[i], big[i].said);
        n += k > 0 ? (size_t)k : 0;
    }
}

static void run_pagination(struct probe_ctx *ctx)
{
    if (ctx->cfg->target.graphql.path) {
        gql_conventions_pagination(ctx);
        return;
    }
    /* The catalog's own request (its method, headers, body), the page parameters added to
     * its URL. */
    static const enum endpoint catalog_ep[] = {EP_CATALOG};
    enum endpoint got[1];
    struct http_request reqs[1 + NOVERSIZED];
    struct ep_request *rq = malloc(sizeof *rq);
    if (!rq || api_requests(ctx, catalog_ep, 1, NULL, got, rq, reqs) == 0) {
        free(rq);
        probe_set(ctx, PROBE_SKIP,
                  "no list to page: set target.endpoints.catalog (or target.graphql.path for a "
                  "GraphQL API)");
        return;
    }
    const struct http_request *catalog = &reqs[0];
    char urls[NOVERSIZED][1200];
    for (size_t i = 0; i < NOVERSIZED; i++) {
        with_query(catalog->url, oversized[i], urls[i], sizeof urls[i]);
        reqs[1 + i] = *catalog;
        reqs[1 + i].url = urls[i];
        reqs[1 + i].max_body = 64 << 20;
    }
    struct http_response resps[1 + NOVERSIZED];
    http_run(ctx, reqs, resps, 1 + NOVERSIZED, 0);
    struct page pages[1 + NOVERSIZED], *first = &pages[0], *big = &pages[1];
    int uncapped = -1;
    for (size_t i = 0; i < 1 + NOVERSIZED; i++) {
        read_page(&resps[i], &pages[i]);
        http_evidence(ctx, &resps[i], "%s; next page: %s", pages[i].said,
                      pages[i].next ? pages[i].next : "(none)");
        if (i && uncapped < 0 && pages[i].count > PAGE_CAP_MAX)
            uncapped = (int)i - 1;
    }
    double total = total_of(first->doc);
    char wrong[1600] = "", how[400] = "", caps[400];
    caps_said(big, caps, sizeof caps);
    if (!api_answer_fits(ctx, EP_CATALOG, "catalog", &resps[0], wrong, sizeof wrong))
        probe_set(ctx, PROBE_SKIP, "%s", wrong);
    else if (first->count < 0)
        probe_set(ctx, PROBE_ERROR, "no list to judge: the catalog %s", first->said);
    else if (uncapped >= 0)
        probe_set(ctx, PROBE_FAIL,
                  "page size not capped: %d items for %s; one request can make the store "
                  "serialise the whole catalog",
                  big[uncapped].count, oversized[uncapped]);
    else if (!first->next && total >= 0 && total <= first->count)
        probe_set(ctx, PROBE_PASS, "the whole catalog (%d) fits one page; %s", first->count, caps);
    else if (first->next)
        probe_set(ctx, PROBE_PASS, "paginated (%s); %s", first->next, caps);
    else if (first->count > 0 && pages_by_parameter(ctx, catalog, first, how, sizeof how))
        probe_set(ctx, PROBE_PASS, "paginated by parameter (%s); %s", how, caps);
    else if (first->count > 0)
        probe_set(ctx, PROBE_FAIL,
                  "no way to the next page: no next link or cursor on the first page of %d "
                  "items, and %s",
                  first->count, how);
    else
        probe_set(ctx, PROBE_ERROR,
                  "nothing to page: the catalog's first page is empty and "
                  "states no total");
    for (size_t i = 0; i < 1 + NOVERSIZED; i++) {
        cJSON_Delete(pages[i].doc);
        http_response_free(&resps[i]);
    }
    free(rq);
}

const struct probe probe_e_pagination = {
    .id = "E-PAGINATION",
    .group = GROUP_E,
    .title = "Lists paginate and cap the page size",
    .severity = SEV_MEDIUM,
    .rationale = "An uncapped per_page lets one request serialise the whole catalog: an easy "
                 "way to slow the store down, and a scraper's dream.",
    .remediation = "Cap per_page (e.g. 100) and return a next link (Link rel=\"next\") or "
                   "cursor.",
    .references = "https://www.rfc-editor.org/rfc/rfc8288",
    .run = run_pagination,
};
