#include "probes/endpoint_check.h"

#include <stdio.h>
#include <string.h>

#include "probes/endpoint_request.h"
#include "probes/shopper.h"
#include "scenario/check.h"
#include "scenario/jsonpath.h"
#include "scenario/template.h"

static int builtin(const char *name)
{
    for (size_t i = 0; i < ep_request_builtin_count; i++)
        if (strcmp(ep_request_builtins[i], name) == 0)
            return 1;
    return 0;
}

/* 1 when endpoint ep's templates may use name: a value the probes fill, one the shopper session
 * extracts, and for the checkout one the audit.order scenario extracts (orders.h). */
static int defined(const struct config *cfg, int ep, const char *name)
{
    return builtin(name) || shopper_defines(cfg, name) ||
           (ep == EP_CHECKOUT &&
            scenario_extracts(config_scenario(cfg, cfg->audit.order), name));
}

/* One template of endpoint ep: it compiles, and each of its variables is defined. */
static size_t check_template(const struct config *cfg, int ep, const char *src,
                             struct srcpos pos, const char *key_path, struct diag_list *diags)
{
    struct vars_schema used;
    vars_schema_init(&used);
    struct parse_error err;
    struct template *t = template_compile(src, strlen(src), &used, &err);
    size_t problems = 0;
    if (!t) {
        diag_add(diags, cfg->path, pos.line, pos.col, key_path, "%s (column %d of the value)",
                 err.msg, err.col);
        problems++;
    }
    for (size_t i = 0; t && i < template_var_count(t); i++) {
        struct tpl_var_ref r = template_var(t, i);
        const char *name = used.names[r.id];
        if (defined(cfg, ep, name))
            continue;
        diag_add(diags, cfg->path, pos.line, pos.col, key_path,
                 "variable '%s' is not defined (column %d of the value): the probes fill only "
                 "id, q, cart_id and key, %s%s",
                 name, r.col,
                 cfg->audit.session ? "and the audit.session scenario does not extract it"
                                    : "and no audit.session scenario is set to extract it",
                 ep != EP_CHECKOUT ? ""
                 : cfg->audit.order ? ", nor does the audit.order scenario"
                                    : " (nor an audit.order scenario, whose values the "
                                      "checkout may use)");
        problems++;
    }
    template_free(t);
    vars_schema_free(&used);
    return problems;
}

static size_t check_endpoint(const struct config *cfg, int ep, struct diag_list *diags)
{
    const struct endpoint_request *r = &cfg->target.requests[ep];
    const char *name = endpoint_names[ep];
    char kp[256];
    size_t problems = 0;
    snprintf(kp, sizeof kp, "target.endpoints.%s%s", name, r->set ? ".path" : "");
    problems += check_template(cfg, ep, cfg->target.endpoints[ep], r->path_pos, kp, diags);
    for (size_t h = 0; h < r->headers.count; h++) {
        const struct kv *hv = &r->headers.items[h];
        snprintf(kp, sizeof kp, "target.endpoints.%s.headers.%.64s", name, hv->key);
        if (h == ENDPOINT_MAX_HEADERS) {
            diag_add(diags, cfg->path, hv->pos.line, hv->pos.col, kp,
                     "an endpoint sets at most %d headers", ENDPOINT_MAX_HEADERS);
            problems++;
        }
        problems += check_template(cfg, ep, hv->value, hv->pos, kp, diags);
    }
    if (r->body) {
        static const char *const keys[] = {[BODY_RAW] = "body", [BODY_JSON] = "json",
                                           [BODY_FORM] = "form"};
        snprintf(kp, sizeof kp, "target.endpoints.%s.%s", name, keys[r->body_kind]);
        problems += check_template(cfg, ep, r->body, r->body_pos, kp, diags);
    }
    for (size_t k = 0; k < r->check_count; k++) {
        const struct step_check *ck = &r->checks[k];
        struct parse_error err;
        struct check *c = check_compile(ck->expr, strlen(ck->expr), &err);
        if (!c) {
            snprintf(kp, sizeof kp, "target.endpoints.%s.check[%zu]", name, k);
            diag_add(diags, cfg->path, ck->pos.line, ck->pos.col, kp,
                     "check '%.100s': %s (column %d of the value)", ck->expr, err.msg, err.col);
            problems++;
        }
        check_free(c);
    }
    if (r->id_path) {
        snprintf(kp, sizeof kp, "target.endpoints.%s.id", name);
        struct parse_error err;
        struct jsonpath *p = jsonpath_compile(r->id_path, strlen(r->id_path), &err);
        int named = ep == EP_CART || ep == EP_CHECKOUT;
        if (!named)
            diag_add(diags, cfg->path, r->id_pos.line, r->id_pos.col, kp,
                     "only the cart and checkout endpoints' answers name an id the probes use "
                     "(the cart, the order)");
        else if (!p)
            diag_add(diags, cfg->path, r->id_pos.line, r->id_pos.col, kp,
                     "'%.100s': %s (column %d of the value)", r->id_path, err.msg, err.col);
        problems += !named || !p;
        jsonpath_free(p);
    }
    return problems;
}

size_t endpoint_check(const struct config *cfg, struct diag_list *diags)
{
    size_t problems = 0;
    for (int ep = 0; ep < EP_COUNT; ep++)
        if (cfg->target.endpoints[ep])
            problems += check_endpoint(cfg, ep, diags);
    return problems;
}
