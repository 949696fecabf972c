#include "loadgen/result.h"

#include <stdlib.h>
#include <string.h>

const char *const lg_error_names[LG_ERR_COUNT] = {
    [LG_ERR_CONNECT_REFUSED] = "connect_refused",
    [LG_ERR_CONNECT_TIMEOUT] = "connect_timeout",
    [LG_ERR_CONNECT] = "connect_error",
    [LG_ERR_TLS] = "tls",
    [LG_ERR_RESET] = "reset",
    [LG_ERR_CLOSED] = "closed",
    [LG_ERR_TIMEOUT] = "timeout",
    [LG_ERR_PARSE] = "parse",
};

void load_result_free(struct load_result *r)
{
    hist_free(r->latency);
    hist_free(r->latency_uncorrected);
    hist_free(r->connect);
    hist_free(r->tls_handshake);
    hist_free(r->ttfb);
    hist_free(r->schedule_lag);
    free(r->seconds);
    free(r->stages);
    memset(r, 0, sizeof *r);
}

uint64_t load_result_errors(const struct load_result *r)
{
    uint64_t n = 0;
    for (int i = 0; i < LG_ERR_COUNT; i++)
        n += r->totals.errors[i];
    return n;
}

uint64_t load_result_http_errors(const struct load_result *r)
{
    uint64_t n = 0;
    for (int s = 400; s < 600; s++)
        n += r->totals.status[s];
    return n;
}
