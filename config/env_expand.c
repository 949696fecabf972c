#include "config/env_expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/keypath.h"
#include "common/strbuf.h"
#include "common/strv.h"

static const char *process_lookup(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

const struct env_source env_process = {process_lookup, NULL};

static int is_name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* One "${...}" at s (pointing at '$'); appends its value and returns the length consumed, or
 * 0 with err set. */
static size_t expand_one(const char *s, const struct env_source *env, struct arena *a,
                         struct strv *secrets, struct strbuf *out, char *err, size_t errlen)
{
    const char *name = s + 2;
    const char *close = strchr(name, '}');
    if (!close) {
        snprintf(err, errlen,
                 "unterminated '${': write '}' after the variable name, or '$${' "
                 "for a literal '${'");
        return 0;
    }
    size_t nlen = 0;
    while (is_name_char(name[nlen]) && name + nlen < close)
        nlen++;
    const char *rest = name + nlen;
    int has_default = strncmp(rest, ":-", 2) == 0 && rest + 2 <= close;
    if (nlen == 0 || !is_name_start(name[0]) || (rest != close && !has_default)) {
        snprintf(err, errlen, "'%.*s' is not a variable reference: use ${NAME} or ${NAME:-default}",
                 (int)(close - s + 1 > 64 ? 64 : close - s + 1), s);
        return 0;
    }
    char var[256];
    if (nlen >= sizeof var) {
        snprintf(err, errlen, "variable name longer than %zu characters", sizeof var - 1);
        return 0;
    }
    memcpy(var, name, nlen);
    var[nlen] = '\0';
    const char *value = env->lookup(var, env->ctx);
    if (value && (*value || !has_default)) {
        strbuf_put(out, value, strlen(value));
        if (secrets)
            strv_add(a, secrets, arena_strdup(a, value));
    } else if (has_default) {
        strbuf_put(out, rest + 2, (size_t)(close - rest - 2));
    } else {
        snprintf(err, errlen,
                 "environment variable %s is not set (write ${%s:-default} to give a default)", var,
                 var);
        return 0;
    }
    return (size_t)(close - s) + 1;
}

int env_expand(const char *s, const struct env_source *env, struct arena *a, struct strv *secrets,
               const char **out, char *err, size_t errlen)
{
    if (!strchr(s, '$')) {
        *out = s;
        return 0;
    }
    struct strbuf b = {0};
    strbuf_put(&b, "", 0);
    const char *p = s;
    while (*p) {
        const char *d = strchr(p, '$');
        if (!d) {
            strbuf_put(&b, p, strlen(p));
            break;
        }
        strbuf_put(&b, p, (size_t)(d - p));
        if (strncmp(d, "$${", 3) == 0) {
            strbuf_put(&b, "${", 2);
            p = d + 3;
        } else if (d[1] == '{') {
            size_t used = expand_one(d, env, a, secrets, &b, err, errlen);
            if (!used) {
                strbuf_free(&b);
                return -1;
            }
            p = d + used;
        } else {
            strbuf_put(&b, "$", 1);
            p = d + 1;
        }
    }
    *out = arena_strndup(a, b.p, b.len);
    strbuf_free(&b);
    return 0;
}

struct expand_walk {
    const char *file;
    const struct env_source *env;
    struct arena *a;
    struct strv *secrets;
    struct diag_list *diags;
    struct keypath path;
    size_t errors;
};

/* The store's addresses are what every report is about, not secrets (credentials in a URL
 * are refused when the target is read). */
static int is_address_key(const char *path)
{
    static const char *const keys[] = {"target.base_url", "target.http_url",
                                       "target.allowed_hosts"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        size_t n = strlen(keys[i]);
        if (strncmp(path, keys[i], n) == 0 && (path[n] == '\0' || path[n] == '['))
            return 1;
    }
    return 0;
}

static void expand_node(struct expand_walk *w, struct yaml_node *n)
{
    if (n->kind == YAML_SCALAR) {
        char err[256];
        int address = is_address_key(w->path.buf);
        if (env_expand(n->value, w->env, w->a, address ? NULL : w->secrets, &n->value, err,
                       sizeof err)) {
            diag_add(w->diags, w->file, n->pos.line, n->pos.col, w->path.buf, "%s", err);
            n->broken = 1;
            w->errors++;
        }
        return;
    }
    for (struct yaml_node *c = n->first; c; c = c->next) {
        size_t mark = n->kind == YAML_MAP ? keypath_push_key(&w->path, c->key)
                                          : keypath_push_index(&w->path, c->index);
        expand_node(w, c);
        keypath_pop(&w->path, mark);
    }
}

size_t env_expand_tree(struct yaml_node *root, const char *file, const struct env_source *env,
                       struct arena *a, struct strv *secrets, struct diag_list *diags)
{
    struct expand_walk w = {.file = file, .env = env, .a = a, .secrets = secrets, .diags = diags};
    keypath_init(&w.path);
    if (root)
        expand_node(&w, root);
    return w.errors;
}
