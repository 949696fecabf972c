#include "scenario/graphql_answer.h"

#include <stdio.h>
#include <string.h>

struct span {
    const char *p; /* NULL: absent */
    size_t len;
};

/* What an object says about an error, from its own keys. */
struct fields {
    struct span typename, error_code, code, message, ext_code;
};

/* How a value is read: only checked, as a result in data, or as a list of errors. */
enum role { ROLE_SKIP, ROLE_DATA, ROLE_ERROR_LIST };

struct reader {
    const char *p, *end;
    const char *const *typenames;
    size_t n;
    int errors_seen; /* a non-empty top-level errors array */
    struct fields errors;
    int result_seen; /* the first error result or error list in data */
    struct fields result;
};

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at r->p: its text between the quotes, escapes as written. -1 if malformed. */
static int string(struct reader *r, struct span *out)
{
    if (r->p >= r->end || *r->p != '"')
        return -1;
    const char *start = ++r->p;
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p;
        if (c < 0x20)
            return -1;
        if (c == '\\') {
            if (r->end - r->p < 2)
                return -1;
            char e = r->p[1];
            if (e == 'u') {
                if (r->end - r->p < 6 || !is_hex(r->p[2]) || !is_hex(r->p[3]) ||
                    !is_hex(r->p[4]) || !is_hex(r->p[5]))
                    return -1;
                r->p += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || !e)
                return -1;
            r->p += 2;
            continue;
        }
        r->p++;
    }
    if (r->p >= r->end)
        return -1;
    if (out)
        *out = (struct span){start, (size_t)(r->p - start)};
    r->p++;
    return 0;
}

/* A number or true/false/null at r->p; its text in out. */
static int scalar(struct reader *r, struct span *out)
{
    const char *start = r->p;
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(r->end - r->p) >= n && memcmp(r->p, words[i], n) == 0) {
            r->p += n;
            goto done;
        }
    }
    int digits = 0;
    while (r->p < r->end && strchr("-+.eE0123456789", *r->p) && *r->p) {
        digits |= *r->p >= '0' && *r->p <= '9';
        r->p++;
    }
    if (!digits)
        return -1;
done:
    if (out)
        *out = (struct span){start, (size_t)(r->p - start)};
    return 0;
}

static int span_is(struct span s, const char *word)
{
    return s.p && s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

static int value(struct reader *r, enum role role, int depth, struct span *text);
static int object(struct reader *r, enum role role, int depth, struct fields *f);
static int array(struct reader *r, enum role role, int depth, struct fields *first,
                 size_t *count);

/* The members of the object at r->p ('{'): member() is handed each key with r->p at its
 * value, and reads the value. */
static int members(struct reader *r,
                   int (*member)(struct reader *r, struct span key, void *ctx), void *ctx)
{
    r->p++; /* '{' */
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return 0;
    }
    for (;;) {
        struct span key;
        skip_ws(r);
        if (string(r, &key))
            return -1;
        skip_ws(r);
        if (r->p >= r->end || *r->p++ != ':')
            return -1;
        skip_ws(r);
        if (member(r, key, ctx))
            return -1;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == '}') {
            r->p++;
            return 0;
        }
        if (*r->p++ != ',')
            return -1;
    }
}

struct object_reading {
    enum role role;
    int depth;
    struct fields *f;
};

static int object_member(struct reader *r, struct span key, void *ctx)
{
    const struct object_reading *o = ctx;
    struct fields *f = o->f;
    enum role child = o->role == ROLE_SKIP || o->depth >= GRAPHQL_RESULT_DEPTH ? ROLE_SKIP
                                                                              : ROLE_DATA;
    struct span *text = NULL;
    if (span_is(key, "__typename"))
        text = &f->typename;
    else if (span_is(key, "errorCode"))
        text = &f->error_code;
    else if (span_is(key, "code"))
        text = &f->code;
    else if (span_is(key, "message"))
        text = &f->message;
    else if (child == ROLE_DATA && (span_is(key, "errors") || span_is(key, "userErrors")))
        child = ROLE_ERROR_LIST;
    if (span_is(key, "extensions") && r->p < r->end && *r->p == '{') {
        struct fields ext = {0};
        if (object(r, ROLE_SKIP, o->depth + 1, &ext))
            return -1;
        f->ext_code = ext.code;
        return 0;
    }
    return value(r, child, o->depth + 1, text);
}

/* An object at r->p, read in role; fields filled from its keys. */
static int object(struct reader *r, enum role role, int depth, struct fields *f)
{
    if (depth > GRAPHQL_JSON_DEPTH)
        return -1;
    struct object_reading o = {role, depth, f};
    return members(r, object_member, &o);
}

static int ends_with_error_type(const struct reader *r, struct span t)
{
    for (size_t i = 0; t.p && i < r->n; i++) {
        size_t k = strlen(r->typenames[i]);
        if (k && k <= t.len && memcmp(t.p + t.len - k, r->typenames[i], k) == 0)
            return 1;
    }
    return 0;
}

/* An array at r->p with *count items. In ROLE_ERROR_LIST the first item, if an object, fills
 * first, and no item is read as a result. */
static int array(struct reader *r, enum role role, int depth, struct fields *first,
                 size_t *count)
{
    if (depth > GRAPHQL_JSON_DEPTH)
        return -1;
    r->p++; /* '[' */
    *count = 0;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return 0;
    }
    for (;;) {
        skip_ws(r);
        if (role == ROLE_ERROR_LIST && *count == 0 && r->p < r->end && *r->p == '{') {
            if (object(r, ROLE_SKIP, depth + 1, first))
                return -1;
        } else if (value(r, role == ROLE_ERROR_LIST ? ROLE_SKIP : role, depth + 1, NULL)) {
            return -1;
        }
        ++*count;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == ']') {
            r->p++;
            return 0;
        }
        if (*r->p++ != ',')
            return -1;
    }
}

/* Any value; a string or scalar's text goes to text when given. */
static int value(struct reader *r, enum role role, int depth, struct span *text)
{
    skip_ws(r);
    if (r->p >= r->end)
        return -1;
    struct fields f = {0};
    size_t count;
    switch (*r->p) {
    case '"':
        return string(r, text);
    case '[':
        if (array(r, role, depth, &f, &count))
            return -1;
        if (role == ROLE_ERROR_LIST && count && !r->result_seen) {
            r->result_seen = 1;
            r->result = f;
        }
        return 0;
    case '{':
        if (object(r, role, depth, &f))
            return -1;
        if (role == ROLE_DATA && !r->result_seen && ends_with_error_type(r, f.typename)) {
            r->result_seen = 1;
            r->result = f;
        }
        return 0;
    default:
        return scalar(r, text);
    }
}

static int top_member(struct reader *r, struct span key, void *ctx)
{
    (void)ctx;
    size_t count;
    if (span_is(key, "errors") && r->p < r->end && *r->p == '[') {
        if (array(r, ROLE_ERROR_LIST, 1, &r->errors, &count))
            return -1;
        r->errors_seen = count > 0;
        return 0;
    }
    return value(r, span_is(key, "data") ? ROLE_DATA : ROLE_SKIP, 1, NULL);
}

/* The top-level object: errors and data are read by their rules, the rest only checked. */
static int top(struct reader *r)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '{' || members(r, top_member, NULL))
        return -1;
    skip_ws(r);
    return r->p == r->end ? 0 : -1;
}

/* s as printable ASCII into buf (cap bytes with the NUL), "..." when cut. */
static void put_text(char *buf, size_t cap, struct span s)
{
    size_t o = 0;
    for (size_t i = 0; i < s.len && o + 1 < cap; i++) {
        if (o + 4 >= cap && i + 1 < s.len) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)s.p[i];
        buf[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    buf[o] = '\0';
}

static void describe(const struct fields *f, int top_level, struct graphql_failure *out)
{
    struct span code = top_level ? f->ext_code : f->error_code.p ? f->error_code : f->code;
    if (!code.p && top_level)
        code = f->code;
    char text[GRAPHQL_REASON_MAX - 16];
    if (code.p) {
        put_text(text, sizeof text, code);
        snprintf(out->reason, sizeof out->reason, "graphql %s", text);
    } else if (f->typename.p) {
        put_text(text, sizeof text, f->typename);
        snprintf(out->reason, sizeof out->reason, "graphql %s", text);
    } else if (f->message.p) {
        put_text(text, 60, f->message);
        snprintf(out->reason, sizeof out->reason, "graphql \"%s\"", text);
    } else {
        snprintf(out->reason, sizeof out->reason, "graphql %s",
                 top_level ? "errors" : "error result");
    }
    if (f->message.p) {
        put_text(text, CHECK_GOT_MAX - 8, f->message);
        snprintf(out->got, sizeof out->got, "\"%s\"", text);
    } else {
        snprintf(out->got, sizeof out->got, "no message");
    }
}

enum graphql_verdict graphql_answer_judge(const char *body, size_t len,
                                          const char *const *typenames, size_t n,
                                          struct graphql_failure *f)
{
    struct reader r = {.p = body, .end = body + len, .typenames = typenames, .n = n};
    memset(f, 0, sizeof *f);
    if (!body || top(&r)) {
        snprintf(f->reason, sizeof f->reason, "graphql answer is not JSON");
        snprintf(f->got, sizeof f->got, "a body that is not a JSON object");
        return GRAPHQL_NOT_JSON;
    }
    if (r.errors_seen) {
        describe(&r.errors, 1, f);
        return GRAPHQL_ERRORS;
    }
    if (r.result_seen) {
        describe(&r.result, 0, f);
        return GRAPHQL_ERROR_RESULT;
    }
    return GRAPHQL_OK;
}
