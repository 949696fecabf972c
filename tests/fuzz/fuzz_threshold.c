/* Thresholds: parse any text; when it parses, evaluate it against metrics that have data
 * for some selectors and not others, and check its selector against a config where one name
 * is both a scenario and a step (every explicit form and the bare-name error). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/threshold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int latency(void *ctx, enum th_sel sel, const char *name, enum th_stat stat, double pct,
                   double *us)
{
    if (sel != TH_SEL_ALL && strlen(name) % 2)
        return -1;
    *us = pct * 1000 + stat + (sel == TH_SEL_ITERATION ? 1e6 : 0);
    return 0;
}

static int count(void *ctx, enum th_sel sel, const char *name, enum th_count what, uint64_t *n)
{
    if (sel != TH_SEL_ALL && strlen(name) % 2)
        return -1;
    *n = (uint64_t)what * 7;
    return 0;
}

static int elapsed(void *ctx, double *seconds)
{
    *seconds = 3;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    struct threshold_expr t;
    struct parse_error err;
    if (threshold_parse(src, &t, &err)) {
        if (err.col < 1 || (size_t)err.col > strlen(src) + 1 || !err.msg[0])
            abort();
    } else {
        struct th_metrics m = {NULL, latency, count, elapsed};
        struct th_result r;
        threshold_eval(&t, &m, &r);
        if (!r.line[0] || strlen(t.label) == 0)
            abort();
        char msg[128];
        struct step steps[] = {{.name = "checkout"}, {.name = "order"}};
        struct scenario sc[] = {{.name = "checkout", .steps = steps, .step_count = 2}};
        if (threshold_check_selector(&t, sc, 1, msg, sizeof msg) &&
            (!msg[0] || t.sel == TH_SEL_ALL || t.sel_col < 1 || (size_t)t.sel_col > strlen(src)))
            abort();
    }
    free(src);
    return 0;
}
