#include "probes/api_answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/answer_fit.h"
#include "probes/store.h"

const enum endpoint api_read_endpoints[] = {EP_CATALOG, EP_PRODUCT, EP_SEARCH};
const size_t api_read_endpoint_count = sizeof api_read_endpoints / sizeof *api_read_endpoints;

int api_endpoint_is_page(enum endpoint ep)
{
    return ep == EP_HOME || ep == EP_PRODUCT_PAGE || ep == EP_CHECKOUT_PAGE || ep == EP_ACCOUNT;
}

int api_answer_is_html(const struct http_response *r)
{
    const char *ct = http_header(r, "Content-Type");
    return ct && (http_strcasestr(ct, "text/html") || http_strcasestr(ct, "xhtml"));
}

size_t api_requests(struct probe_ctx *ctx, const enum endpoint *eps, size_t n, const char *header,
                    enum endpoint *got, struct ep_request *rqs, struct http_request *reqs)
{
    static const struct ep_defaults page = {NULL, NULL, "Accept: text/html"};
    static const struct ep_defaults api = {NULL, NULL, "Accept: application/json"};
    size_t count = 0;
    for (size_t i = 0; i < n && count < API_FETCH_MAX; i++) {
        char err[300];
        int is_page = api_endpoint_is_page(eps[i]);
        struct store_values in = {.defaults = is_page ? &page : &api, .extra = header};
        if (store_request(ctx, eps[i], &in, &rqs[count], err, sizeof err)) {
            if (ctx->cfg->target.endpoints[eps[i]])
                probe_evidence(ctx, NULL, 0, "%s not checked: %s", endpoint_names[eps[i]], err);
            continue;
        }
        reqs[count] = rqs[count].req;
        reqs[count].follow = is_page ? 3 : 0;
        got[count++] = eps[i];
    }
    return count;
}

size_t api_fetch(struct probe_ctx *ctx, const enum endpoint *eps, size_t n, const char *header,
                 enum endpoint *got, struct http_response *resps)
{
    struct http_request reqs[API_FETCH_MAX];
    struct ep_request *rqs = malloc(API_FETCH_MAX * sizeof *rqs);
    size_t count = rqs ? api_requests(ctx, eps, n, header, got, rqs, reqs) : 0;
    http_run(ctx, reqs, resps, count, 0);
    free(rqs);
    return count;
}

int api_answer_fits(const struct probe_ctx *ctx, enum endpoint ep, const char *key,
                    const struct http_response *r, char *why, size_t len)
{
    why[0] = '\0';
    if (ep != EP_COUNT ? ep_answer_good(ctx, ep, r, why, len) : !answer_fit_mismatch(r->status))
        return 1;
    /* A status that says what was wrong with the request says it best. */
    if (answer_fit_mismatch(r->status))
        answer_fit_explain(r, key, why, len);
    return 0;
}
