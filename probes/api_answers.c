#include "probes/api_answers.h"

#include <stdio.h>
#include <string.h>

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

enum { FETCH_MAX = 8 };

size_t api_fetch(struct probe_ctx *ctx, const enum endpoint *eps, size_t n, const char *header,
                 enum endpoint *got, struct http_response *resps)
{
    struct http_request reqs[FETCH_MAX];
    char urls[FETCH_MAX][1024];
    size_t count = 0;
    for (size_t i = 0; i < n && count < FETCH_MAX; i++) {
        char err[300];
        if (store_endpoint_url(ctx, eps[i], urls[count], sizeof urls[count], err, sizeof err)) {
            if (ctx->cfg->target.endpoints[eps[i]])
                probe_evidence(ctx, NULL, 0, "%s not checked: %s", endpoint_names[eps[i]], err);
            continue;
        }
        int page = api_endpoint_is_page(eps[i]);
        reqs[count] = (struct http_request){
            .url = urls[count],
            .headers = {page ? "Accept: text/html" : "Accept: application/json", header},
            .follow = page ? 3 : 0};
        got[count++] = eps[i];
    }
    http_run(ctx, reqs, resps, count, 0);
    return count;
}
