#include "scenario/scenario_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "loadgen/result.h"
#include "scenario/check.h"
#include "scenario/feeder.h"
#include "scenario/jsonpath.h"
#include "scenario/template.h"
#include "scenario/threshold.h"

struct checker {
    const struct config *cfg;
    struct diag_list *diags;
    size_t problems;
};

__attribute__((format(printf, 4, 5))) static void report(struct checker *c, struct srcpos pos,
                                                         const char *key_path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(c->diags, c->cfg->path, pos.line, pos.col, key_path, "%s", msg);
    c->problems++;
}

/* Where in a value a parse error stands, for values that may span lines (bodies). */
static void where(const struct parse_error *e, char *buf, size_t len)
{
    if (e->line > 1)
        snprintf(buf, len, "line %d, column %d of the value", e->line, e->col);
    else
        snprintf(buf, len, "column %d of the value", e->col);
}

/* Compile one template of a step and check its variables against those defined so far. */
static void check_template(struct checker *c, const char *src, struct srcpos pos,
                           const char *key_path, const struct vars_schema *defined)
{
    if (!src)
        return;
    struct vars_schema used;
    vars_schema_init(&used);
    struct parse_error err;
    struct template *t = template_compile(src, strlen(src), &used, &err);
    char at[64];
    if (!t) {
        where(&err, at, sizeof at);
        report(c, pos, key_path, "%s (%s)", err.msg, at);
    } else {
        for (size_t i = 0; i < template_var_count(t); i++) {
            struct tpl_var_ref r = template_var(t, i);
            const char *name = used.names[r.id];
            if (vars_schema_find(defined, name, strlen(name)) >= 0)
                continue;
            struct parse_error e = {.line = r.line, .col = r.col};
            where(&e, at, sizeof at);
            report(c, pos, key_path,
                   "variable '%s' is not defined here (%s): no earlier step extracts it and "
                   "no feeder has such a column",
                   name, at);
        }
    }
    template_free(t);
    vars_schema_free(&used);
}

static void check_step(struct checker *c, const struct scenario *sc, size_t j,
                       struct vars_schema *defined)
{
    const struct step *st = &sc->steps[j];
    char kp[256];
    snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].path", sc->name, j);
    check_template(c, st->path, st->path_pos.line ? st->path_pos : st->pos, kp, defined);
    snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].body", sc->name, j);
    check_template(c, st->body, st->body_pos.line ? st->body_pos : st->pos, kp, defined);
    for (size_t h = 0; h < st->headers.count; h++) {
        const struct kv *hv = &st->headers.items[h];
        snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].headers.%.64s", sc->name, j, hv->key);
        check_template(c, hv->value, hv->pos.line ? hv->pos : st->pos, kp, defined);
    }
    for (size_t x = 0; x < st->extraction_count; x++) {
        const struct extraction *ex = &st->extractions[x];
        snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].extract.%.64s", sc->name, j,
                 ex->var ? ex->var : "?");
        struct srcpos pos = ex->pos.line ? ex->pos : st->pos;
        if (!ex->var || !template_is_var_name(ex->var))
            report(c, pos, kp,
                   "'%s' cannot be used as {{%s}}: a variable name starts with a letter or _ "
                   "and goes on with letters, digits, _ . -",
                   ex->var ? ex->var : "", ex->var ? ex->var : "");
        if (!ex->expr || !*ex->expr) {
            report(c, pos, kp, "nothing to extract from");
        } else if (ex->source == EXTRACT_JSON) {
            struct parse_error err;
            struct jsonpath *p = jsonpath_compile(ex->expr, strlen(ex->expr), &err);
            if (!p)
                report(c, pos, kp, "JSON path '%s': %s (column %d)", ex->expr, err.msg, err.col);
            jsonpath_free(p);
        }
    }
    if (st->check_count > LG_STEP_CHECKS_MAX) {
        snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].check", sc->name, j);
        report(c, st->checks[LG_STEP_CHECKS_MAX].pos, kp, "a step has at most %d checks",
               LG_STEP_CHECKS_MAX);
    }
    for (size_t k = 0; k < st->check_count; k++) {
        const struct step_check *ck = &st->checks[k];
        snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].check[%zu]", sc->name, j, k);
        struct parse_error err;
        struct check *compiled = check_compile(ck->expr, strlen(ck->expr), &err);
        if (!compiled)
            report(c, ck->pos.line ? ck->pos : st->pos, kp, "check '%.100s': %s (column %d of the value)",
                   ck->expr, err.msg, err.col);
        check_free(compiled);
    }
    /* Only now: a step's extractions are for the steps after it. */
    for (size_t x = 0; x < st->extraction_count; x++)
        if (st->extractions[x].var)
            vars_schema_intern(defined, st->extractions[x].var, strlen(st->extractions[x].var));
}

/* Load every feeder; the columns of the valid ones are defined for every scenario, as
 * {{column}} and {{feeder.column}}. */
static void check_feeders(struct checker *c, struct vars_schema *columns)
{
    const struct load *load = &c->cfg->load;
    for (size_t i = 0; i < load->feeder_count; i++) {
        const struct feeder *fd = &load->feeders[i];
        const char *path = fd->file;
        char kp[160];
        snprintf(kp, sizeof kp, "load.feeders.%.100s", fd->name ? fd->name : "?");
        if (!path) {
            report(c, fd->pos, kp, "a feeder needs a file");
            continue;
        }
        struct parse_error err;
        struct feeder_data *f = feeder_load(path, &err);
        if (!f) {
            if (err.line == 0) {
                report(c, fd->pos, kp, "feeder '%s': %s", fd->name ? fd->name : "", err.msg);
            } else {
                /* The problem is in the CSV file: point there. */
                diag_add(c->diags, path, err.line, err.col, kp, "%s", err.msg);
                c->problems++;
            }
            continue;
        }
        int *ids = xmalloc(f->ncols * sizeof *ids);
        feeder_bind(f, NULL, columns, ids);
        if (fd->name)
            feeder_bind(f, fd->name, columns, ids);
        free(ids);
        feeder_free(f);
    }
}

static void check_thresholds(struct checker *c)
{
    const struct load *load = &c->cfg->load;
    for (size_t i = 0; i < load->threshold_count; i++) {
        const struct threshold *th = &load->thresholds[i];
        char kp[64], msg[512];
        snprintf(kp, sizeof kp, "load.thresholds[%zu]", i);
        struct threshold_expr t;
        int col = th->expr ? threshold_read(th->expr, load->scenarios, load->scenario_count, &t,
                                            msg, sizeof msg)
                           : 0;
        if (!th->expr)
            report(c, th->pos, kp, "empty (column 0 of '')");
        else if (col)
            report(c, th->pos, kp, "%s (column %d of '%s')", msg, col, th->expr);
    }
}

/* Does the mix run the scenario: an empty mix runs every one, else it needs a weight. */
static int mix_runs(const struct mix *mix, const char *scenario)
{
    if (!mix->count)
        return 1;
    for (size_t i = 0; i < mix->count; i++)
        if (strcmp(mix->items[i].name, scenario) == 0 && mix->items[i].weight > 0)
            return 1;
    return 0;
}

/* Does threshold t read the scenario sc (its iterations, its requests or a step of it)? */
static int reads_scenario(const struct threshold_expr *t, const struct scenario *sc)
{
    if (t->sel == TH_SEL_SCENARIO || t->sel == TH_SEL_ITERATION)
        return strcmp(sc->name, t->name) == 0;
    for (size_t j = 0; t->sel == TH_SEL_STEP && j < sc->step_count; j++)
        if (sc->steps[j].name && strcmp(sc->steps[j].name, t->name) == 0)
            return 1;
    return 0;
}

size_t scenario_check_threshold_mix(const struct config *cfg, const struct mix *mix,
                                    const char *profile, struct diag_list *warnings)
{
    const struct load *load = &cfg->load;
    size_t found = 0;
    for (size_t i = 0; i < load->threshold_count; i++) {
        const struct threshold *th = &load->thresholds[i];
        struct threshold_expr t;
        struct parse_error err;
        if (!th->expr || threshold_parse(th->expr, &t, &err))
            continue;
        int read = 0, run = 0;
        for (size_t s = 0; s < load->scenario_count; s++)
            if (reads_scenario(&t, &load->scenarios[s])) {
                read = 1;
                run |= mix_runs(mix, load->scenarios[s].name);
            }
        if (!read || run)
            continue;
        char kp[64];
        snprintf(kp, sizeof kp, "load.thresholds[%zu]", i);
        diag_add(warnings, cfg->path, th->pos.line, th->pos.col, kp,
                 "%s: the mix of profile '%s' never runs %s, so under it the threshold has "
                 "no data and fails the gate",
                 t.label, profile, t.sel == TH_SEL_STEP ? "a scenario with that step" : "that scenario");
        found++;
    }
    return found;
}

size_t scenario_check(const struct config *cfg, struct diag_list *diags)
{
    struct checker c = {cfg, diags, 0};
    struct vars_schema columns;
    vars_schema_init(&columns);
    check_feeders(&c, &columns);
    const struct load *load = &cfg->load;
    for (size_t s = 0; s < load->scenario_count; s++) {
        const struct scenario *sc = &load->scenarios[s];
        struct vars_schema defined;
        vars_schema_init(&defined);
        for (size_t i = 0; i < columns.count; i++)
            vars_schema_intern(&defined, columns.names[i], strlen(columns.names[i]));
        for (size_t j = 0; j < sc->step_count; j++)
            check_step(&c, sc, j, &defined);
        vars_schema_free(&defined);
    }
    check_thresholds(&c);
    vars_schema_free(&columns);
    return c.problems;
}

/* How a byte is named in a message: quoting a space or a raw non-ASCII byte says little. */
static void describe_byte(int b, char *buf, size_t len)
{
    if (b == ' ')
        snprintf(buf, len, "a space");
    else if (b < 0x20 || b >= 0x7f)
        snprintf(buf, len, "the byte 0x%02X", (unsigned)b);
    else
        snprintf(buf, len, "'%c'", b);
}

size_t scenario_check_path_targets(const struct config *cfg, struct diag_list *warnings)
{
    size_t found = 0;
    for (size_t s = 0; s < cfg->load.scenario_count; s++) {
        const struct scenario *sc = &cfg->load.scenarios[s];
        for (size_t j = 0; j < sc->step_count; j++) {
            const struct step *st = &sc->steps[j];
            if (!st->path)
                continue;
            struct vars_schema names;
            vars_schema_init(&names);
            struct parse_error err;
            struct template *t = template_compile(st->path, strlen(st->path), &names, &err);
            int bad = t ? template_literal_path_bad_byte(t) : -1;
            if (bad >= 0) {
                char what[32], kp[256];
                describe_byte(bad, what, sizeof what);
                snprintf(kp, sizeof kp, "load.scenarios.%.64s[%zu].path", sc->name, j);
                struct srcpos pos = st->path_pos.line ? st->path_pos : st->pos;
                diag_add(warnings, cfg->path, pos.line, pos.col, kp,
                         "warning: the path holds %s, which a request target cannot carry as "
                         "is: percent-encode it (a space is %%20, a '%%' is %%25)",
                         what);
                found++;
            }
            template_free(t);
            vars_schema_free(&names);
        }
    }
    return found;
}
