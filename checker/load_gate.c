#include "checker/load_gate.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/exit_codes.h"
#include "common/oom.h"
#include "scenario/result_metrics.h"

int load_gate_init(struct load_gate *g, const struct load *l, char *err, size_t errlen)
{
    g->src = l->thresholds;
    g->count = 0;
    g->any_abort = 0;
    g->exprs = xcalloc(l->threshold_count + 1, sizeof *g->exprs);
    for (size_t i = 0; i < l->threshold_count; i++) {
        struct parse_error pe;
        if (threshold_parse(l->thresholds[i].expr, &g->exprs[i], &pe)) {
            snprintf(err, errlen, "load.thresholds[%zu]: %s (column %d)", i, pe.msg, pe.col);
            load_gate_free(g);
            return -1;
        }
        g->any_abort |= l->thresholds[i].abort_on_fail;
        g->count++;
    }
    return 0;
}

void load_gate_free(struct load_gate *g)
{
    free(g->exprs);
    g->exprs = NULL;
    g->count = 0;
}

size_t load_gate_judge(const struct load_gate *g, struct load_result *r)
{
    struct th_metrics m;
    result_metrics(&m, r);
    size_t broken = 0;
    for (size_t i = 0; i < r->threshold_count; i++) {
        free(r->thresholds[i].expr);
        free(r->thresholds[i].line);
    }
    free(r->thresholds);
    r->thresholds = xcalloc(g->count + 1, sizeof *r->thresholds);
    r->threshold_count = g->count;
    for (size_t i = 0; i < g->count; i++) {
        struct th_result res;
        threshold_eval(&g->exprs[i], &m, &res);
        struct lg_threshold_outcome *o = &r->thresholds[i];
        o->expr = xstrdup(g->src[i].expr);
        o->abort_on_fail = g->src[i].abort_on_fail;
        o->passed = res.verdict == TH_PASS;
        o->no_data = res.verdict == TH_NODATA;
        o->observed = res.observed;
        o->limit = g->exprs[i].limit;
        o->line = xstrdup(res.line);
        broken += !o->passed;
    }
    return broken;
}

int load_gate_should_abort(const struct load_gate *g, const struct load_result *snap, char *why,
                           size_t len)
{
    struct th_metrics m;
    result_metrics(&m, snap);
    for (size_t i = 0; i < g->count; i++) {
        if (!g->src[i].abort_on_fail)
            continue;
        struct th_result res;
        threshold_eval(&g->exprs[i], &m, &res);
        if (res.verdict == TH_FAIL) {
            snprintf(why, len, "%s", res.line);
            return 1;
        }
    }
    return 0;
}

int load_gate_check_running(const struct load_gate *g, struct engine *e, char *why, size_t len)
{
    struct load_result snap;
    engine_snapshot(e, &snap);
    int broken = load_gate_should_abort(g, &snap, why, len);
    load_result_free(&snap);
    if (broken)
        engine_abort(e);
    return broken;
}

int load_gate_exit_code(const struct load_result *r, size_t broken, const char *command)
{
    if (r->interrupted)
        return EXIT_RUN_ERROR;
    if (r->totals.responses == 0) {
        fprintf(stderr, "storecheck %s: the run could not be done: no request got an answer\n",
                command);
        return EXIT_RUN_ERROR;
    }
    return broken ? EXIT_GATE_FAILED : EXIT_PASSED;
}

void load_gate_print(const struct cli *cli, FILE *out, const struct load_result *r)
{
    if (!r->threshold_count)
        return;
    fprintf(out, "\n  Thresholds:\n");
    for (size_t i = 0; i < r->threshold_count; i++) {
        const struct lg_threshold_outcome *o = &r->thresholds[i];
        fprintf(out, "    %s%-6s%s %s%s\n", o->passed ? cli_green(cli) : cli_red(cli),
                o->passed ? "pass" : "FAIL", cli_reset(cli), o->line,
                o->abort_on_fail ? " (abort_on_fail)" : "");
    }
}
