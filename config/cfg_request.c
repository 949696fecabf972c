/* The parts of a request that scenario steps and endpoints read alike. */
#include "config/cfg_request.h"
#include "config/cfg_graphql.h"

#include <stdio.h>
#include <string.h>

#include "config/json_text.h"
#include "common/strbuf.h"

struct statuses {
    int *items;
    size_t count;
};

static void read_status(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct statuses *s = ctx;
    int code = cfg_walk_status(w, item);
    if (code)
        s->items[s->count++] = code;
}

void cfg_request_read_statuses(struct cfg_walk *w, const struct yaml_node *v, int **items,
                               size_t *count)
{
    size_t n = v->kind == YAML_LIST ? v->count : 1;
    struct statuses s = {arena_alloc(&w->cfg->arena, (n ? n : 1) * sizeof *s.items), 0};
    cfg_walk_items(w, v, read_status, &s);
    *items = s.items;
    *count = s.count;
}

struct checks {
    struct step_check *items;
    size_t count;
};

static void read_check_item(struct cfg_walk *w, const struct yaml_node *item, void *ctx)
{
    struct checks *c = ctx;
    const char *s = cfg_walk_scalar(w, item, "a check such as '$.status == \"paid\"'");
    if (s)
        c->items[c->count++] = (struct step_check){s, item->pos};
}

void cfg_request_read_checks(struct cfg_walk *w, const struct yaml_node *v,
                             struct step_check **items, size_t *count)
{
    size_t n = v->kind == YAML_LIST ? v->count : 1;
    struct checks c = {arena_alloc(&w->cfg->arena, (n ? n : 1) * sizeof *c.items), 0};
    cfg_walk_items(w, v, read_check_item, &c);
    *items = c.items;
    *count = c.count;
}

/* A request has at most one body; the second one read is the error. */
static int claim_body(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b)
{
    if (*b.kind != BODY_NONE) {
        cfg_walk_error(w, v, "%s has one body: json, form, body or graphql, not several", b.owner);
        return 0;
    }
    *b.pos = v->pos;
    return 1;
}

void cfg_request_read_json(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b)
{
    if (!claim_body(w, v, b))
        return;
    *b.kind = BODY_JSON;
    *b.text = json_text_from_yaml(v, &w->cfg->arena);
}

void cfg_request_read_graphql(struct cfg_walk *w, const struct yaml_node *v,
                              struct cfg_body_ref b)
{
    int is_mutation;
    if (!claim_body(w, v, b))
        return;
    *b.kind = BODY_JSON;
    *b.text = cfg_graphql_read(w, v, &is_mutation);
}

/* Percent-encode for application/x-www-form-urlencoded, leaving {{templates}} as written. */
static void put_form_text(struct strbuf *b, const char *s)
{
    while (*s) {
        const char *close = strncmp(s, "{{", 2) == 0 ? strstr(s + 2, "}}") : NULL;
        if (close) {
            strbuf_put(b, s, (size_t)(close + 2 - s));
            s = close + 2;
            continue;
        }
        unsigned char c = (unsigned char)*s++;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c)) {
            strbuf_putc(b, (char)c);
        } else if (c == ' ') {
            strbuf_putc(b, '+');
        } else {
            char esc[4];
            snprintf(esc, sizeof esc, "%%%02X", c);
            strbuf_puts(b, esc);
        }
    }
}

void cfg_request_read_form(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b)
{
    if (!cfg_walk_expect_map(w, v, "a mapping of form fields") || !claim_body(w, v, b))
        return;
    struct strbuf buf = {0};
    strbuf_put(&buf, "", 0);
    for (const struct yaml_node *e = v->first; e; e = e->next) {
        size_t mark = keypath_push_key(&w->path, e->key);
        const char *value = cfg_walk_scalar(w, e, "a form field value");
        keypath_pop(&w->path, mark);
        if (!value)
            continue;
        if (buf.len)
            strbuf_putc(&buf, '&');
        put_form_text(&buf, e->key);
        strbuf_putc(&buf, '=');
        put_form_text(&buf, value);
    }
    *b.kind = BODY_FORM;
    *b.text = arena_strndup(&w->cfg->arena, buf.p, buf.len);
    strbuf_free(&buf);
}

void cfg_request_read_raw(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b)
{
    const char *s = v->kind == YAML_SCALAR ? v->value : NULL;
    if (!s) {
        cfg_walk_error(w, v, "expected a string (use json: for structured bodies), got %s",
                       yaml_tree_kind_name(v));
        return;
    }
    if (!claim_body(w, v, b))
        return;
    *b.kind = BODY_RAW;
    *b.text = s;
}
