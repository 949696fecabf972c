#include "probes/graphql.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "probes/leaks.h"

int gql_read(const char *body, size_t len, struct gql_answer *a)
{
    *a = (struct gql_answer){0};
    if (!body || !len)
        return -1;
    a->doc = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(a->doc))
        return -1;
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(a->doc, "data");
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(a->doc, "errors");
    if (cJSON_IsObject(data))
        a->data = data;
    if (cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0)
        a->errors = errors;
    return a->data || a->errors ? 0 : -1;
}

void gql_answer_free(struct gql_answer *a)
{
    cJSON_Delete(a->doc);
    *a = (struct gql_answer){0};
}

size_t gql_error_count(const struct gql_answer *a)
{
    return a->errors ? (size_t)cJSON_GetArraySize(a->errors) : 0;
}

const char *gql_error_message(const struct gql_answer *a, size_t i)
{
    if (i >= gql_error_count(a))
        return NULL;
    const cJSON *m =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a->errors, (int)i), "message");
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

const char *gql_error_code(const struct gql_answer *a, size_t i)
{
    if (i >= gql_error_count(a))
        return NULL;
    const cJSON *ext =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a->errors, (int)i), "extensions");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(ext, "code");
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

const cJSON *gql_data_at(const struct gql_answer *a, const char *path)
{
    const cJSON *at = a->data;
    char name[128];
    while (at && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof name)
            return NULL;
        memcpy(name, path, n);
        name[n] = '\0';
        at = cJSON_IsObject(at) ? cJSON_GetObjectItemCaseSensitive(at, name) : NULL;
        path += n + (path[n] == '.');
    }
    return at;
}

/* text on one line, cut to len-1 bytes. */
static void one_line(const char *text, char *out, size_t len)
{
    if (!len)
        return;
    size_t w = 0;
    for (const char *p = text; *p && w + 1 < len; p++)
        out[w++] = isprint((unsigned char)*p) ? *p : ' ';
    out[w] = '\0';
}

int gql_suggestion(const struct gql_answer *a, char *out, size_t len)
{
    for (size_t i = 0; i < gql_error_count(a); i++) {
        const char *m = gql_error_message(a, i);
        if (m && http_strcasestr(m, "did you mean")) {
            one_line(m, out, len);
            return 1;
        }
    }
    return 0;
}

enum { MAX_PATH = 512 };

/* A source file's absolute path in text: a drive path ("C:\\shop\\Cart.cs"), or a Unix
 * path with a line number ("/app/src/cart.js:12") or under a server's usual roots
 * ("/srv/shop/cart.py"); a URL path such as "/docs/errors.js" is neither. Its start, or NULL. */
static const char *source_path(const char *text)
{
    static const char *const exts[] = {".js",   ".mjs", ".cjs", ".ts", ".py",    ".php", ".rb",
                                       ".java", ".go",  ".cs",  ".kt", ".scala", ".ex"};
    static const char *const roots[] = {"/home/",  "/srv/",       "/app/",  "/usr/",
                                        "/var/",   "/opt/",       "/root/", "/tmp/",
                                        "/Users/", "/workspace/", "/code/"};
    for (size_t e = 0; e < sizeof exts / sizeof *exts; e++) {
        size_t elen = strlen(exts[e]);
        for (const char *at = strstr(text, exts[e]); at; at = strstr(at + 1, exts[e])) {
            if (isalnum((unsigned char)at[elen]))
                continue;
            /* Paths are short: a bounded walk back keeps long strings linear. */
            const char *start = at;
            while (start > text && at - start < MAX_PATH && !strchr(" \t(\"'=@", start[-1]))
                start--;
            if (strncmp(start, "file://", 7) == 0)
                start += 7;
            if (isalpha((unsigned char)start[0]) && start[1] == ':' && start[2] == '\\')
                return start;
            if (start[0] != '/')
                continue;
            int line = at[elen] == ':' && isdigit((unsigned char)at[elen + 1]);
            for (size_t r = 0; !line && r < sizeof roots / sizeof *roots; r++)
                line = strncmp(start, roots[r], strlen(roots[r])) == 0;
            if (line)
                return start;
        }
    }
    return NULL;
}

static int stack_member(const char *name)
{
    static const char *const names[] = {"stacktrace", "stack", "exception", "backtrace", "trace"};
    for (size_t i = 0; name && i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The first sign of internals in v (an extensions member and everything under it). */
static const char *leak_in(const cJSON *v, char *out, size_t len)
{
    if (stack_member(v->string) && !cJSON_IsNull(v) && !cJSON_IsFalse(v)) {
        char *text = cJSON_PrintUnformatted(v);
        char label[300];
        snprintf(label, sizeof label, "\"%s\": %s", v->string, text ? text : "");
        one_line(label, out, len);
        free(text);
        return "stack trace";
    }
    if (cJSON_IsString(v)) {
        const char *label = leak_find(v->valuestring, LEAK_DEBUG, out, len);
        if (label)
            return label;
        const char *path = source_path(v->valuestring);
        if (path) {
            one_line(path, out, len);
            return "internal path";
        }
        return NULL;
    }
    const cJSON *child;
    cJSON_ArrayForEach(child, v)
    {
        const char *label = leak_in(child, out, len);
        if (label)
            return label;
    }
    return NULL;
}

const char *gql_extensions_leak(const struct gql_answer *a, char *out, size_t len)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a->errors)
    {
        const cJSON *ext = cJSON_GetObjectItemCaseSensitive(e, "extensions");
        if (!cJSON_IsObject(ext))
            continue;
        const char *label = leak_in(ext, out, len);
        if (label)
            return label;
    }
    return NULL;
}

const char *gql_other_error_leak(const struct gql_answer *a, const char *body, char *out,
                                 size_t len)
{
    if (a->doc)
        return leak_in(a->doc, out, len);
    if (!body)
        return NULL;
    const char *label = leak_find(body, LEAK_DEBUG, out, len);
    if (label)
        return label;
    const char *path = source_path(body);
    if (!path)
        return NULL;
    one_line(path, out, len);
    return "internal path";
}

size_t gql_batch_executed(const char *body, size_t len)
{
    cJSON *doc = body && len ? cJSON_ParseWithLength(body, len) : NULL;
    size_t executed = 0;
    const cJSON *entry;
    if (cJSON_IsArray(doc))
        cJSON_ArrayForEach(entry, doc)
        {
            executed += cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(entry, "data"));
        }
    cJSON_Delete(doc);
    return executed;
}

char *gql_body(const char *query, const char *variables, const char *extensions)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "query", query);
    const char *const names[] = {"variables", "extensions"};
    const char *const texts[] = {variables, extensions};
    for (size_t i = 0; i < 2; i++) {
        if (!texts[i])
            continue;
        cJSON *v = cJSON_Parse(texts[i]);
        if (!v) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, names[i], v);
    }
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return body;
}

void gql_post_body(struct probe_ctx *ctx, const char *url, const char *body,
                   const char *content_type, struct http_response *r)
{
    char type[128];
    snprintf(type, sizeof type, "Content-Type: %s",
             content_type ? content_type : "application/json");
    struct http_request req = {.method = "POST",
                               .url = url,
                               .body = body,
                               .headers = {type, "Accept: application/json"},
                               .max_body = GQL_MAX_ANSWER,
                               .truncate_ok = 1};
    http_get1(ctx, &req, r);
}

void gql_post(struct probe_ctx *ctx, const char *url, const char *query, struct http_response *r)
{
    char *body = gql_body(query, NULL, NULL);
    gql_post_body(ctx, url, body, NULL, r);
    free(body);
}

void gql_get(struct probe_ctx *ctx, const char *url, const char *query, struct http_response *r)
{
    char *q = curl_easy_escape(NULL, query, 0);
    size_t n = strlen(url) + strlen(q ? q : "") + 16;
    char *full = malloc(n);
    if (!full) {
        curl_free(q);
        *r = (struct http_response){.failure = HTTP_FAIL_NOT_SENT};
        snprintf(r->error, sizeof r->error, "out of memory");
        return;
    }
    snprintf(full, n, "%s%squery=%s", url, strchr(url, '?') ? "&" : "?", q ? q : "");
    struct http_request req = {.url = full,
                               .headers = {"Accept: application/json"},
                               .max_body = GQL_MAX_ANSWER,
                               .truncate_ok = 1};
    http_get1(ctx, &req, r);
    curl_free(q);
    free(full);
}

void gql_evidence(struct probe_ctx *ctx, const struct http_response *r, const char *sent,
                  const char *fmt, ...)
{
    char detail[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    size_t n = strlen(sent);
    if (n > 240)
        http_evidence(ctx, r, "sent %.240s... (%zu bytes); %s", sent, n, detail);
    else
        http_evidence(ctx, r, "sent %s; %s", sent, detail);
}

int gql_begin(struct probe_ctx *ctx, char *url, size_t len)
{
    const struct graphql_api *g = &ctx->cfg->target.graphql;
    char err[300];
    if (!g->path) {
        probe_set(ctx, PROBE_SKIP, "no GraphQL API in the config: set target.graphql.path");
        return -1;
    }
    if (http_endpoint_url(ctx, g->path, NULL, url, len, err, sizeof err) != 0) {
        probe_set(ctx, PROBE_ERROR, "target.graphql.path: %s", err);
        return -1;
    }
    static const char query[] = "{__typename}", sent[] = "{\"query\":\"{__typename}\"}";
    struct http_response r;
    gql_post(ctx, url, query, &r);
    struct gql_answer a;
    int answer = gql_read(r.body, r.body_len, &a) == 0;
    int ok = answer && (a.data || g->persisted_only);
    if (ok) {
        gql_evidence(ctx, &r, sent, "answered with %s",
                     a.data ? "data: the path answers GraphQL"
                            : "errors: a GraphQL answer (persisted queries only)");
    } else if (!r.status) {
        gql_evidence(ctx, &r, sent, "no answer");
        probe_set(ctx, PROBE_ERROR, "no answer from the GraphQL path: %s", r.error);
    } else {
        gql_evidence(ctx, &r, sent, "%s",
                     answer ? "answered with errors only" : "not a GraphQL answer");
        if (answer)
            probe_set(ctx, PROBE_ERROR,
                      "the GraphQL path answered %s with %d and errors, no data: check "
                      "target.graphql.path, or set target.graphql.persisted_only if the store "
                      "runs persisted queries only",
                      query, r.status);
        else
            probe_set(ctx, PROBE_ERROR,
                      "the GraphQL path answered %s with %d and no GraphQL answer (no data or "
                      "errors): check target.graphql.path",
                      query, r.status);
    }
    gql_answer_free(&a);
    http_response_free(&r);
    return ok ? 0 : -1;
}

/* The named type under NON_NULL and LIST wrappers. */
static const cJSON *named_type(const cJSON *t)
{
    for (int i = 0; i < 8 && t; i++) {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(t, "kind");
        if (!cJSON_IsString(kind) ||
            (strcmp(kind->valuestring, "NON_NULL") != 0 && strcmp(kind->valuestring, "LIST") != 0))
            return t;
        t = cJSON_GetObjectItemCaseSensitive(t, "ofType");
    }
    return NULL;
}

static const char *type_name(const cJSON *t)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(named_type(t), "name");
    return cJSON_IsString(n) ? n->valuestring : NULL;
}

/* 1 when a field can be selected without arguments: none of its arguments is non-null
 * without a default. */
static int no_required_args(const cJSON *field)
{
    const cJSON *arg;
    cJSON_ArrayForEach(arg, cJSON_GetObjectItemCaseSensitive(field, "args"))
    {
        const cJSON *kind =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(arg, "type"), "kind");
        const cJSON *def = cJSON_GetObjectItemCaseSensitive(arg, "defaultValue");
        if (cJSON_IsString(kind) && strcmp(kind->valuestring, "NON_NULL") == 0 &&
            !cJSON_IsString(def))
            return 0;
    }
    return 1;
}

static const cJSON *find_type(const cJSON *types, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, types)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "name");
        if (name && cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return t;
    }
    return NULL;
}

/* A field of type t, selectable without arguments, whose type is t again. */
static const char *self_field(const cJSON *t)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "name"), *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(t, "fields"))
    {
        const cJSON *fname = cJSON_GetObjectItemCaseSensitive(f, "name");
        const char *tn = type_name(cJSON_GetObjectItemCaseSensitive(f, "type"));
        if (cJSON_IsString(fname) && tn && cJSON_IsString(n) && strcmp(tn, n->valuestring) == 0 &&
            no_required_args(f))
            return fname->valuestring;
    }
    return NULL;
}

static const char introspection[] =
    "{__schema{queryType{name} types{name kind fields{name args{defaultValue type{kind}} "
    "type{kind name ofType{kind name ofType{kind name ofType{kind name}}}}}}}}";

/* Pick a root field, preferring one whose type has a self-recursive field. */
static void pick_fields(struct gql_schema *s)
{
    const cJSON *types = gql_data_at(&s->answer, "__schema.types");
    const cJSON *qname = gql_data_at(&s->answer, "__schema.queryType.name");
    const cJSON *query = find_type(types, cJSON_IsString(qname) ? qname->valuestring : NULL), *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(query, "fields"))
    {
        const cJSON *fname = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (!cJSON_IsString(fname) || !no_required_args(f))
            continue;
        const cJSON *t = named_type(cJSON_GetObjectItemCaseSensitive(f, "type"));
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(t, "kind");
        const cJSON *full = find_type(types, type_name(t));
        const char *rec = self_field(full);
        if (!s->root_field || (rec && !s->recursive)) {
            s->root_field = fname->valuestring;
            s->root_is_object =
                cJSON_IsString(kind) && (strcmp(kind->valuestring, "OBJECT") == 0 ||
                                         strcmp(kind->valuestring, "INTERFACE") == 0 ||
                                         strcmp(kind->valuestring, "UNION") == 0);
            s->recursive = rec;
        }
    }
}

int gql_schema_parse(const char *body, size_t len, struct gql_schema *s)
{
    *s = (struct gql_schema){0};
    if (gql_read(body, len, &s->answer) != 0 ||
        !cJSON_IsArray(gql_data_at(&s->answer, "__schema.types"))) {
        gql_answer_free(&s->answer);
        return -1;
    }
    pick_fields(s);
    return 0;
}

int gql_schema_read(struct probe_ctx *ctx, const char *url, struct gql_schema *s)
{
    struct http_response r;
    gql_post(ctx, url, introspection, &r);
    int read = gql_schema_parse(r.body, r.body_len, s) == 0;
    char sent[sizeof introspection + 16];
    snprintf(sent, sizeof sent, "{\"query\":\"%s\"}", introspection);
    if (read) {
        gql_evidence(ctx, &r, sent,
                     "the schema answered: %d types; root field %s, recursive "
                     "field %s",
                     cJSON_GetArraySize(gql_data_at(&s->answer, "__schema.types")),
                     s->root_field ? s->root_field : "none", s->recursive ? s->recursive : "none");
    } else {
        gql_evidence(ctx, &r, sent, "the schema was not given");
    }
    http_response_free(&r);
    return read ? 0 : -1;
}

void gql_schema_free(struct gql_schema *s)
{
    gql_answer_free(&s->answer);
    *s = (struct gql_schema){0};
}
