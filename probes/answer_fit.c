#include "probes/answer_fit.h"

#include <stdio.h>
#include <string.h>

const char *answer_fit_mismatch(int status)
{
    switch (status) {
    case 404:
        return "nothing at that path";
    case 405:
        return "the endpoint takes another method";
    case 406:
        return "the endpoint does not serve the type asked for in Accept";
    case 415:
        return "the endpoint does not take this body's Content-Type";
    default:
        return NULL;
    }
}

int answer_fit_request_error(int status)
{
    return answer_fit_mismatch(status) || status == 400 || status == 411 || status == 413 ||
           status == 414 || status == 422;
}

void answer_fit_explain(const struct http_response *r, const char *key, char *out, size_t len)
{
    const char *what = answer_fit_mismatch(r->status);
    const char *allow = r->status == 405 ? http_header(r, "Allow") : NULL;
    const char *fix = r->status == 404   ? "a path the store serves"
                      : r->status == 405 ? "the request this endpoint takes"
                                         : "the request this endpoint takes (its headers)";
    int full = strncmp(key, "target.", 7) == 0;
    snprintf(out, len, "the request was wrong: %s answered %d (%s%s%s); set %s%s to %s",
             r->request_line, r->status, what ? what : "not the answer asked for",
             allow ? ", Allow: " : "", allow ? allow : "", full ? "" : "target.endpoints.", key,
             fix);
}

int answer_fit_skip(struct probe_ctx *ctx, const struct http_response *r, const char *key)
{
    if (!answer_fit_mismatch(r->status))
        return 0;
    char why[1600];
    answer_fit_explain(r, key, why, sizeof why);
    http_evidence(ctx, r, "not judged: %s", answer_fit_mismatch(r->status));
    probe_set(ctx, PROBE_SKIP, "%s", why);
    return 1;
}
