#include "probes/shopper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/redact.h"
#include "common/strbuf.h"
#include "probes/http.h"
#include "scenario/check.h"
#include "scenario/graphql_answer.h"
#include "scenario/response.h"
#include "scenario/step_extract.h"

/* Room for one rendered value (a path, a header value, a body) and one extracted value. */
enum { VALUE_MAX = 8192 };

int shopper_defines(const struct config *cfg, const char *name)
{
    return scenario_extracts(config_scenario(cfg, cfg->audit.session), name);
}

/* 1 when a credential header among headers has a value that uses {{name}}. */
static int in_secret_header(const struct kv_list *headers, const char *name)
{
    char ref[80];
    snprintf(ref, sizeof ref, "{{%s}}", name);
    for (size_t i = 0; i < headers->count; i++)
        if (redact_header_is_secret(headers->items[i].key) &&
            strstr(headers->items[i].value, ref))
            return 1;
    return 0;
}

/* Is what the session extracts into x a credential? */
static int is_credential(const struct config *cfg, const struct scenario *sc,
                         const struct extraction *x)
{
    if (x->source == EXTRACT_COOKIE)
        return 1;
    for (int i = 0; i < EP_COUNT; i++)
        if (in_secret_header(&cfg->target.requests[i].headers, x->var))
            return 1;
    for (size_t i = 0; i < sc->step_count; i++)
        if (in_secret_header(&sc->steps[i].headers, x->var))
            return 1;
    return 0;
}

/* The answer's head as it would have come off the wire, for the loadgen's readers of heads
 * (extract.h, the cookie jar, checks on headers). */
static void head_of(const struct http_response *r, struct strbuf *b)
{
    char line[32];
    snprintf(line, sizeof line, "HTTP/1.1 %d \r\n", r->status);
    strbuf_puts(b, line);
    for (size_t i = 0; i < r->header_count; i++) {
        strbuf_puts(b, r->headers[i].name);
        strbuf_puts(b, ": ");
        strbuf_puts(b, r->headers[i].value);
        strbuf_puts(b, "\r\n");
    }
    strbuf_puts(b, "\r\n");
}

/* Render t into out (NUL-terminated); the name of a variable without a value goes to unset. */
static int render(const struct shopper *sh, const struct template *t, struct tpl_ctx *tc,
                  char *out, size_t len, const char **unset)
{
    size_t n = 0;
    int bad = -1;
    enum tpl_status rc = template_render(t, tc, out, len - 1, &n, &bad);
    if (rc == TPL_OK) {
        out[n] = '\0';
        return 0;
    }
    *unset = rc == TPL_ERR_UNSET && bad >= 0 ? sh->plan.schema.names[bad] : "a value too long";
    return -1;
}

/* The step's extractions from the answer; -1 with the failing one in why. */
static int extract_all(const struct config *cfg, const struct scenario *scn, struct shopper *sh,
                       const struct plan_step *st, const struct step *src,
                       const struct response_view *rv, struct rng *rng, char *scratch, char *why,
                       size_t whylen)
{
    for (size_t i = 0; i < st->extract_count; i++) {
        const char *val;
        size_t len;
        int found = step_extract(&st->extracts[i], rv, rng, scratch, VALUE_MAX, &val, &len) ==
                    JP_MATCH;
        if (!found || vars_set(sh->vars, st->extracts[i].var, val, len)) {
            snprintf(why, whylen, "no value for {{%s}} (%s) in the answer",
                     src->extractions[i].var, src->extractions[i].expr);
            return -1;
        }
        if (is_credential(cfg, scn, &src->extractions[i]))
        {
            strv_add(&sh->log.arena, &sh->secrets, arena_strndup(&sh->log.arena, val, len));
            strv_sort_unique(&sh->secrets);
        }
    }
    return 0;
}

/* One step: 0 when its answer is good, -1 with sh->failure set. */
static int run_step(struct probe_ctx *ctx, struct shopper *sh, const struct plan_step *st,
                    const struct step *src, const struct scenario *scn, struct rng *rng,
                    char *buf)
{
    struct tpl_ctx tc = {sh->vars, rng, (uint64_t)time(NULL) * 1000000u};
    char path[2048], hdr_store[16][1024], cookie[2100], ctype[128];
    const char *unset = NULL;
    struct http_request req = {.method = st->method, .url = path};
    size_t h = 0;
    if (render(sh, st->path, &tc, path, sizeof path, &unset))
        goto unset;
    for (size_t i = 0; i < st->header_count; i++) {
        if (h == 13) {
            snprintf(sh->failure, sizeof sh->failure, "step '%s': more than 13 headers",
                     st->name);
            return -1;
        }
        int n = snprintf(hdr_store[h], sizeof hdr_store[h], "%s: ", st->headers[i].name);
        if (n < 0 || (size_t)n >= sizeof hdr_store[h] ||
            render(sh, st->headers[i].value, &tc, hdr_store[h] + n, sizeof hdr_store[h] - (size_t)n,
                   &unset))
            goto unset;
        req.headers[h] = hdr_store[h];
        h++;
    }
    shopper_cookie_line(sh, cookie, sizeof cookie);
    if (cookie[0])
        req.headers[h++] = cookie;
    if (st->content_type) {
        snprintf(ctype, sizeof ctype, "Content-Type: %s", st->content_type);
        req.headers[h++] = ctype;
    }
    if (st->body) {
        if (render(sh, st->body, &tc, buf, VALUE_MAX, &unset))
            goto unset;
        req.body = buf;
    }
    struct http_response r;
    http_get1(ctx, &req, &r);
    const char *sc;
    for (size_t k = 0; sh->set_cookie_count < SHOPPER_SET_COOKIES &&
                       (sc = http_header_nth(&r, "Set-Cookie", k));
         k++) {
        snprintf(sh->set_cookies[sh->set_cookie_count].request,
                 sizeof sh->set_cookies[0].request, "%s", r.request_line);
        sh->set_cookies[sh->set_cookie_count].status = r.status;
        snprintf(sh->set_cookies[sh->set_cookie_count++].value, sizeof sh->set_cookies[0].value,
                 "%s", sc);
    }
    char why[400] = "";
    if (!r.status) {
        snprintf(why, sizeof why, "no answer: %s", r.error);
    } else if (!plan_status_ok(st, r.status)) {
        snprintf(why, sizeof why, "answered %d, not a status the step expects", r.status);
    } else {
        struct strbuf head = {0};
        head_of(&r, &head);
        struct response_view rv = {head.p, head.len, r.body ? r.body : "", r.body_len};
        char got[CHECK_GOT_MAX];
        cookie_jar_update(sh->jar, rv.head, rv.head_len, (int64_t)time(NULL));
        /* Extractions first: a check that fails quotes what it saw, and a credential among
         * it is then known to be left out. */
        extract_all(ctx->cfg, scn, sh, st, src, &rv, rng, buf, why, sizeof why);
        /* A GraphQL answer that reports errors is named by the store's error, before the
         * value it then lacks. */
        struct graphql_failure gf;
        if (st->graphql_judge &&
            graphql_answer_judge(rv.body, rv.body_len, st->error_typenames,
                                 st->error_typename_count, &gf) != GRAPHQL_OK)
            snprintf(why, sizeof why, "answered %d with %s (got %s)", r.status, gf.reason, gf.got);
        for (size_t k = 0; k < st->check_count && !why[0]; k++)
            if (!check_eval(st->checks[k].check, &rv, rng, buf, VALUE_MAX, got))
                snprintf(why, sizeof why, "answered %d but check '%.120s' does not hold (got %s)",
                         r.status, st->checks[k].expr, got);
        strbuf_free(&head);
    }
    http_evidence(ctx, &r, "step '%s'%s%s", st->name, why[0] ? ": " : "", why);
    if (why[0])
        snprintf(sh->failure, sizeof sh->failure, "step '%s' (%s) %s", st->name, r.request_line,
                 why);
    http_response_free(&r);
    return why[0] ? -1 : 0;
unset:
    snprintf(sh->failure, sizeof sh->failure, "step '%s': no value for {{%s}}", st->name,
             unset);
    return -1;
}

void shopper_run(const struct config *cfg, const char *scenario, const char *role,
                 struct shopper *sh, uint64_t deadline_ms, atomic_int *cancelled)
{
    memset(sh, 0, sizeof *sh);
    arena_init(&sh->log.arena);
    sh->role = role;
    const struct scenario *sc = config_scenario(cfg, scenario);
    if (!sc) {
        snprintf(sh->failure, sizeof sh->failure, "no scenario '%s' in load.scenarios",
                 scenario ? scenario : "");
        return;
    }
    struct load one = cfg->load;
    one.scenarios = (struct scenario *)sc;
    one.scenario_count = 1;
    struct mix none = {0};
    char err[512];
    if (plan_build(&sh->plan, &one, &cfg->target.base, NULL, 0, &none, err, sizeof err)) {
        snprintf(sh->failure, sizeof sh->failure, "%s", err);
        return;
    }
    sh->planned = 1;
    sh->vars = vars_create(sh->plan.schema.count, PLAN_VARS_BYTES);
    sh->jar = cookie_jar_create(PLAN_JAR_COOKIES, PLAN_JAR_BYTES);
    char *buf = malloc(VALUE_MAX);
    if (!sh->vars || !sh->jar || !buf) {
        free(buf);
        snprintf(sh->failure, sizeof sh->failure, "out of memory");
        return;
    }
    /* Its own evidence leaves out the credentials it got too. */
    struct probe_ctx ctx = {.cfg = cfg, .result = &sh->log, .deadline_ms = deadline_ms,
                            .cancelled = cancelled, .shoppers = sh, .shopper_count = 1};
    struct rng rng;
    rng_seed(&rng, (uint64_t)time(NULL), (uint64_t)(uintptr_t)sh); /* {{uuid}} differs per run */
    const struct plan_scenario *ps = &sh->plan.scenarios[0];
    sh->ok = 1;
    for (size_t i = 0; i < ps->step_count && sh->ok; i++)
        sh->ok = run_step(&ctx, sh, &ps->steps[i], &sc->steps[i], sc, &rng, buf) == 0;
    free(buf);
}

void shopper_free(struct shopper *sh)
{
    if (sh->planned)
        plan_free(&sh->plan);
    vars_destroy(sh->vars);
    cookie_jar_destroy(sh->jar);
    arena_free(&sh->log.arena);
    memset(sh, 0, sizeof *sh);
}

int shopper_var(const struct shopper *sh, const char *name, char *out, size_t len)
{
    if (!sh || !sh->vars)
        return -1;
    size_t n;
    int id = vars_schema_find(&sh->plan.schema, name, strlen(name));
    const char *v = id >= 0 ? vars_get(sh->vars, id, &n) : NULL;
    if (!v || n >= len)
        return -1;
    memcpy(out, v, n);
    out[n] = '\0';
    return 0;
}

void shopper_cookie_line(const struct shopper *sh, char *out, size_t len)
{
    out[0] = '\0';
    size_t n = 0, pre = strlen("Cookie: ");
    if (!sh || !sh->jar || len <= pre + 1 || !cookie_jar_count(sh->jar))
        return;
    memcpy(out, "Cookie: ", pre);
    if (cookie_jar_header(sh->jar, out + pre, len - pre - 1, &n) || n == 0) {
        out[0] = '\0';
        return;
    }
    out[pre + n] = '\0';
}

void shopper_evidence(struct probe_ctx *ctx, const struct shopper *sh)
{
    for (size_t i = 0; i < sh->log.evidence_count; i++) {
        const struct probe_evidence *e = &sh->log.evidence[i];
        probe_evidence(ctx, e->request, e->status, "%s %s", sh->role,
                       e->detail ? e->detail : "");
    }
    if (!sh->ok && sh->failure[0] && sh->log.evidence_count == 0)
        probe_evidence(ctx, NULL, 0, "%s: %s", sh->role, sh->failure);
}
