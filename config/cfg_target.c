/* The target section: where the store is and what may be contacted. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/cfg_request.h"
#include "config/cfg_sections.h"
#include "common/strv.h"
#include "common/allowlist.h"

static const char *const scheme_names[] = {
    [WEBHOOK_STANDARD] = "standard-webhooks",
    [WEBHOOK_STRIPE] = "stripe",
    [WEBHOOK_SHOPIFY] = "shopify",
};
enum { SCHEME_COUNT = sizeof scheme_names / sizeof *scheme_names };

static const char *const default_error_typenames[] = {"Error", "ErrorResult"};

void cfg_target_defaults(struct target *t)
{
    t->graphql.error_typenames.items = (const char **)default_error_typenames;
    t->graphql.error_typenames.count = 2;
    t->timeout_ms = 10000;
    t->webhooks.scheme = WEBHOOK_STANDARD;
    t->webhooks.intake_scheme = WEBHOOK_STANDARD;
    t->webhooks.wait_ms = 30000;
    t->webhooks.receiver_host = "127.0.0.1";
}

static void read_base_url(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct target *t = dst;
    const char *s = cfg_walk_scalar(w, v, "a URL (e.g. https://127.0.0.1:8443)");
    char err[128];
    if (!s)
        return;
    if (url_parse(s, &t->base, err, sizeof err))
        cfg_walk_error(w, v, "bad URL: %s", err);
    else
        t->base_url = s;
}

/* The store's plain-HTTP address for the HTTP->HTTPS redirect probe. */
static void read_http_url(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "an http:// URL (e.g. http://127.0.0.1:8080/)");
    struct url u;
    char err[128];
    if (!s)
        return;
    if (url_parse(s, &u, err, sizeof err))
        cfg_walk_error(w, v, "bad URL: %s", err);
    else if (u.tls)
        cfg_walk_error(w, v, "http_url is the plain-HTTP address: it starts with http://");
    else
        *(const char **)dst = s;
}

/* A host name or IP address, as a URL's host would be: no scheme, no port, no path. */
static void check_host(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    (void)ctx;
    if (item->kind != YAML_SCALAR || yaml_tree_is_null(item))
        return; /* reported by cfg_read_strv */
    const char *h = item->value;
    char url[URL_HOST_MAX + 16];
    struct url u;
    char err[128];
    int bracketed = h[0] == '[';
    const char *colon = strchr(h, ':');
    int ipv6 = !bracketed && colon && strchr(colon + 1, ':') &&
               strspn(h, "0123456789abcdefABCDEF:.") == strlen(h);
    snprintf(url, sizeof url, ipv6 ? "http://[%s]/" : "http://%s/", h);
    if (strstr(h, "://"))
        cfg_walk_error(w, item, "'%s' is a URL: allowed_hosts lists host names only", h);
    else if ((!ipv6 && !bracketed && strchr(h, ':')) || (bracketed && h[strlen(h) - 1] != ']') ||
             url_parse(url, &u, err, sizeof err) || strcmp(u.path, "/") != 0)
        cfg_walk_error(w, item, "'%s' is not a host name or address (no port, no path)", h);
}

static void read_hosts(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_read_strv(w, v, dst);
    cfg_walk_items(w, v, check_host, NULL);
}

/* An endpoint's request while it is read: the path goes on to target.endpoints[], the rest to
 * target.requests[]. The request comes first, so readers of its fields get it as dst. */
struct request_reading {
    struct endpoint_request req;
    const char *path;
};

static struct cfg_body_ref body_of(struct endpoint_request *r)
{
    return (struct cfg_body_ref){&r->body_kind, &r->body, &r->body_pos, "an endpoint"};
}

static void read_request_json(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_request_read_json(w, v, body_of(dst));
}

static void read_request_form(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_request_read_form(w, v, body_of(dst));
}

static void read_request_body(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_request_read_raw(w, v, body_of(dst));
}

static void read_request_graphql(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct endpoint_request *r = dst;
    cfg_request_read_graphql(w, v, body_of(r));
    r->graphql = 1;
}

static void read_request_expect(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct endpoint_request *r = dst;
    cfg_request_read_statuses(w, v, &r->expect, &r->expect_count);
}

static void read_request_check(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct endpoint_request *r = dst;
    cfg_request_read_checks(w, v, &r->checks, &r->check_count);
}

static void read_request_id(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct endpoint_request *r = dst;
    r->id_path = cfg_walk_scalar(w, v, "a JSON path (e.g. $.cart.id)");
    r->id_pos = v->pos;
}

static const struct cfg_field request_fields[] = {
    {"method", cfg_read_method, offsetof(struct request_reading, req.method), 0},
    {"path", cfg_read_url_path, offsetof(struct request_reading, path), 0},
    {"headers", cfg_read_headers, offsetof(struct request_reading, req.headers), 0},
    {"json", read_request_json, 0, 0},
    {"form", read_request_form, 0, 0},
    {"body", read_request_body, 0, 0},
    {"graphql", read_request_graphql, 0, 0},
    {"expect", read_request_expect, 0, 0},
    {"check", read_request_check, 0, 0},
    {"id", read_request_id, 0, 0},
    {NULL, NULL, 0, 0},
};

/* A path, or a request mapping whose path goes to the same place. */
static void read_endpoint(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct target *t = ctx;
    int i = endpoint_lookup(e->key);
    if (i < 0) {
        cfg_walk_unknown_key(w, e, endpoint_names, EP_COUNT);
        return;
    }
    if (yaml_tree_is_null(e)) /* the store has no such endpoint */
        return;
    if (e->kind != YAML_MAP) {
        t->requests[i].pos = t->requests[i].path_pos = e->pos;
        cfg_read_url_path(w, e, &t->endpoints[i]);
        return;
    }
    struct request_reading rd = {.req = {.pos = e->pos}};
    if (cfg_walk_fields(w, e, request_fields, &rd))
        return;
    const struct yaml_node *path = yaml_tree_find(e, "path");
    if (!path && !rd.req.graphql) { /* a GraphQL one may take target.graphql.path */
        size_t mark = keypath_push_key(&w->path, "path");
        cfg_walk_error(w, e, "missing required key 'path'");
        keypath_pop(&w->path, mark);
        return;
    }
    if (!rd.path && path)
        return; /* the path was wrong, and said so */
    if (rd.req.graphql && !rd.req.method)
        rd.req.method = "POST";
    rd.req.set = 1;
    rd.req.path_pos = path ? path->pos : e->pos;
    t->requests[i] = rd.req;
    t->endpoints[i] = rd.path;
    static const char *const body_keys[] = {[BODY_RAW] = "body", [BODY_JSON] = "json",
                                            [BODY_FORM] = "form"};
    const char *body_key = rd.req.graphql ? "graphql" : body_keys[rd.req.body_kind];
    const char *m = rd.req.method;
    if (rd.req.body_kind != BODY_NONE && m && (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)) {
        size_t mark = keypath_push_key(&w->path, body_key);
        cfg_walk_error_at(w, rd.req.body_pos, "a %s request has no body: set method (e.g. "
                                              "POST) or leave the body out", m);
        keypath_pop(&w->path, mark);
    }
}

static void read_endpoints(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    if (cfg_walk_expect_map(w, v, "a mapping of endpoint names to paths or requests"))
        cfg_walk_entries(w, v, read_endpoint, dst);
}

static void read_scheme(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "a webhook scheme");
    if (!s)
        return;
    for (int i = 0; i < SCHEME_COUNT; i++) {
        if (strcmp(s, scheme_names[i]) == 0) {
            *(enum webhook_scheme *)dst = (enum webhook_scheme)i;
            return;
        }
    }
    cfg_walk_error(w, v, "unknown webhook scheme '%s': use standard-webhooks, stripe or shopify",
                   s);
}

static void read_secret(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_read_str(w, v, dst);
    if (*(const char **)dst)
        strv_add(&w->cfg->arena, &w->cfg->secrets, *(const char **)dst);
}

static void read_schedule_item(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct webhooks *wh = ctx;
    uint64_t ms = 0;
    cfg_read_duration(w, item, &ms);
    if (ms)
        wh->schedule_ms[wh->schedule_count++] = ms;
}

static void read_schedule(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct webhooks *wh = dst;
    size_t n = v->kind == YAML_LIST ? v->count : 1;
    wh->schedule_ms = arena_alloc(&w->cfg->arena, (n ? n : 1) * sizeof *wh->schedule_ms);
    wh->schedule_count = 0;
    cfg_walk_items(w, v, read_schedule_item, wh);
}

static void read_port(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    uint64_t n;
    if (cfg_walk_count_between(w, v, "a port (1-65535)", 1, 65535, &n))
        *(unsigned *)dst = (unsigned)n;
}

/* The receiver listens on this address, so it is an IP literal, not a name. */
static void read_receiver_host(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    const char *s = cfg_walk_scalar(w, v, "an IP address (e.g. 127.0.0.1)");
    struct in6_addr addr;
    if (!s)
        return;
    if (inet_pton(AF_INET, s, &addr) != 1 && inet_pton(AF_INET6, s, &addr) != 1)
        cfg_walk_error(w, v, "'%s' is not an IPv4 or IPv6 address (e.g. 127.0.0.1 or ::1)", s);
    else
        *(const char **)dst = s;
}

static const struct cfg_field webhook_fields[] = {
    {"subscribe", cfg_read_url_path, offsetof(struct webhooks, subscribe), 0},
    {"secret", read_secret, offsetof(struct webhooks, secret), 0},
    {"scheme", read_scheme, offsetof(struct webhooks, scheme), 0},
    {"intake_secret", read_secret, offsetof(struct webhooks, intake_secret), 0},
    {"intake_scheme", read_scheme, offsetof(struct webhooks, intake_scheme), 0},
    {"schedule", read_schedule, 0, 0},
    {"wait", cfg_read_duration, offsetof(struct webhooks, wait_ms), 0},
    {"receiver_host", read_receiver_host, offsetof(struct webhooks, receiver_host), 0},
    {"receiver_port", read_port, offsetof(struct webhooks, receiver_port), 0},
    {NULL, NULL, 0, 0},
};

static void read_webhooks(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_walk_fields(w, v, webhook_fields, dst);
}

static void read_action_url(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct fault_action *fa = dst;
    const char *s = cfg_walk_scalar(w, v, "a URL");
    if (!s)
        return;
    fa->url = s;
    fa->pos = v->pos;
}

static void read_action_command(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct fault_action *fa = dst;
    const char *s = cfg_walk_scalar(w, v, "a shell command");
    if (!s)
        return;
    fa->command = s;
    fa->pos = v->pos;
}

static const struct cfg_field action_fields[] = {
    {"method", cfg_read_method, offsetof(struct fault_action, method), 0},
    {"url", read_action_url, 0, 0},
    {"command", read_action_command, 0, 0},
    {NULL, NULL, 0, 0},
};

static void read_action(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct fault_action *fa = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping { method, url } or { command }"))
        return;
    cfg_walk_fields(w, v, action_fields, fa);
    if (fa->url && fa->command) {
        cfg_walk_error(w, v, "give either url or command, not both");
    } else if (fa->url) {
        fa->kind = FAULT_HTTP;
        if (!fa->method)
            fa->method = "POST";
    } else if (fa->command) {
        fa->kind = FAULT_COMMAND;
        if (fa->method)
            cfg_walk_error(w, v, "method goes with url, not with command");
    } else if (!yaml_tree_find(v, "url") && !yaml_tree_find(v, "command")) {
        cfg_walk_error(w, v, "missing url or command");
    }
}

static const struct cfg_field fault_fields[] = {
    {"start", read_action, offsetof(struct fault, start), 1},
    {"stop", read_action, offsetof(struct fault, stop), 1},
    {NULL, NULL, 0, 0},
};

static void read_fault(struct cfg_walk *w, const struct yaml_node *e, void *ctx)
{
    struct target *t = ctx;
    if (!cfg_walk_is_name(e->key)) {
        cfg_walk_error_at(w, e->key_pos, "'%s' is not a fault name (letters, digits, _ . -)",
                          e->key);
        return;
    }
    struct fault *f = &t->faults[t->fault_count++];
    f->name = e->key;
    f->pos = e->pos;
    cfg_walk_fields(w, e, fault_fields, f);
}

static void read_faults(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct target *t = dst;
    if (!cfg_walk_expect_map(w, v, "a mapping of fault names"))
        return;
    t->faults = arena_alloc(&w->cfg->arena, (v->count ? v->count : 1) * sizeof *t->faults);
    t->fault_count = 0;
    cfg_walk_entries(w, v, read_fault, t);
}

static const struct cfg_field graphql_fields[] = {
    {"path", cfg_read_url_path, offsetof(struct graphql_api, path), 1},
    {"error_typenames", cfg_read_strv, offsetof(struct graphql_api, error_typenames), 0},
    {"persisted_only", cfg_read_bool, offsetof(struct graphql_api, persisted_only), 0},
    {NULL, NULL, 0, 0},
};

/* graphql: /graphql is short for graphql: {path: /graphql}. */
static void read_graphql(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct graphql_api *g = dst;
    g->pos = v->pos;
    if (v->kind == YAML_SCALAR)
        cfg_read_url_path(w, v, &g->path);
    else
        cfg_walk_fields(w, v, graphql_fields, g);
}

static const struct cfg_field tls_fields[] = {
    {"ca_file", cfg_read_file, offsetof(struct target, ca_file), 0},
    {"insecure", cfg_read_bool, offsetof(struct target, insecure), 0},
    {NULL, NULL, 0, 0},
};

static void read_tls(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    cfg_walk_fields(w, v, tls_fields, dst);
}

static const struct cfg_field target_fields[] = {
    {"base_url", read_base_url, 0, 1},
    {"allowed_hosts", read_hosts, offsetof(struct target, allowed_hosts), 0},
    {"http_url", read_http_url, offsetof(struct target, http_url), 0},
    {"tls", read_tls, 0, 0},
    {"timeout", cfg_read_duration, offsetof(struct target, timeout_ms), 0},
    {"headers", cfg_read_headers, offsetof(struct target, headers), 0},
    {"endpoints", read_endpoints, 0, 0},
    {"graphql", read_graphql, offsetof(struct target, graphql), 0},
    {"webhooks", read_webhooks, offsetof(struct target, webhooks), 0},
    {"faults", read_faults, 0, 0},
    {NULL, NULL, 0, 0},
};

const struct cfg_section cfg_target_sections[] = {
    {"target", target_fields},
    {"target.tls", tls_fields},
    {"target.graphql", graphql_fields},
    {"target.webhooks", webhook_fields},
    {NULL, NULL},
};

/* Fault hooks are contacted like the store: their hosts must be allowed too. */
static void check_fault_hosts(struct cfg_walk *w, const struct target *t)
{
    for (size_t i = 0; i < t->fault_count; i++) {
        const struct fault *f = &t->faults[i];
        const struct fault_action *actions[] = {&f->start, &f->stop};
        for (int k = 0; k < 2; k++) {
            const struct fault_action *fa = actions[k];
            char err[URL_HOST_MAX + 64];
            if (fa->kind != FAULT_HTTP ||
                allowlist_url_ok(&t->allowed_hosts, fa->url, err, sizeof err))
                continue;
            size_t mark = keypath_push_key(&w->path, "faults");
            keypath_push_key(&w->path, f->name);
            keypath_push_key(&w->path, k ? "stop" : "start");
            keypath_push_key(&w->path, "url");
            cfg_walk_error_at(w, fa->pos, "%s", err);
            keypath_pop(&w->path, mark);
        }
    }
}

void cfg_target_read(struct cfg_walk *w, const struct yaml_node *v, void *dst)
{
    struct target *t = dst;
    if (cfg_walk_fields(w, v, target_fields, t) || !t->base_url)
        return;
    if (!yaml_tree_find(v, "allowed_hosts") || t->allowed_hosts.count == 0) {
        t->allowed_hosts.items = arena_alloc(&w->cfg->arena, sizeof *t->allowed_hosts.items);
        t->allowed_hosts.items[0] = arena_strdup(&w->cfg->arena, t->base.host);
        t->allowed_hosts.count = 1;
    } else if (!allowlist_has(&t->allowed_hosts, t->base.host)) {
        const struct yaml_node *b = yaml_tree_find(v, "base_url");
        size_t mark = keypath_push_key(&w->path, "base_url");
        cfg_walk_error(w, b, "host '%s' is not in target.allowed_hosts", t->base.host);
        keypath_pop(&w->path, mark);
    }
    check_fault_hosts(w, t);
    char err[URL_HOST_MAX + 64];
    if (t->http_url && !allowlist_url_ok(&t->allowed_hosts, t->http_url, err, sizeof err)) {
        const struct yaml_node *h = yaml_tree_find(v, "http_url");
        size_t mark = keypath_push_key(&w->path, "http_url");
        cfg_walk_error(w, h, "%s", err);
        keypath_pop(&w->path, mark);
    }
}
