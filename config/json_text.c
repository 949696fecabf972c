#include "config/json_text.h"

#include <stdio.h>
#include <string.h>

#include "common/strbuf.h"

/* The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        s += strspn(s, "0123456789");
    else
        return 0;
    if (*s == '.') {
        size_t n = strspn(++s, "0123456789");
        if (!n)
            return 0;
        s += n;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        size_t n = strspn(s, "0123456789");
        if (!n)
            return 0;
        s += n;
    }
    return *s == '\0';
}

/* A value that is one template expression giving a number ("{{randint 1 9}}", "{{now}}",
 * "{{now_ms}}") goes into a JSON body as a number, not a string. */
static int is_number_template(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || strncmp(s, "{{", 2) != 0 || strcmp(s + n - 2, "}}") != 0 ||
        memchr(s + 2, '}', n - 4) || strstr(s + 2, "{{"))
        return 0;
    const char *p = s + 2;
    while (*p == ' ')
        p++;
    size_t w = strcspn(p, " }");
    return (w == 7 && strncmp(p, "randint", 7) == 0) || (w == 3 && strncmp(p, "now", 3) == 0) ||
           (w == 6 && strncmp(p, "now_ms", 6) == 0);
}

static void put_string(struct strbuf *b, const char *s)
{
    strbuf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            strbuf_putc(b, '\\');
            strbuf_putc(b, (char)c);
        } else if (c == '\n') {
            strbuf_puts(b, "\\n");
        } else if (c == '\t') {
            strbuf_puts(b, "\\t");
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            strbuf_puts(b, esc);
        } else {
            strbuf_putc(b, (char)c);
        }
    }
    strbuf_putc(b, '"');
}

static void put_value(struct strbuf *b, const struct yaml_node *n)
{
    int flag;
    switch (n->kind) {
    case YAML_MAP:
    case YAML_LIST:
        strbuf_putc(b, n->kind == YAML_MAP ? '{' : '[');
        for (const struct yaml_node *c = n->first; c; c = c->next) {
            if (c != n->first)
                strbuf_putc(b, ',');
            if (n->kind == YAML_MAP) {
                put_string(b, c->key);
                strbuf_putc(b, ':');
            }
            put_value(b, c);
        }
        strbuf_putc(b, n->kind == YAML_MAP ? '}' : ']');
        return;
    case YAML_SCALAR:
        if (yaml_tree_is_null(n))
            strbuf_puts(b, "null");
        else if (yaml_tree_bool(n, &flag))
            strbuf_puts(b, flag ? "true" : "false");
        else if ((!n->quoted && is_json_number(n->value)) || is_number_template(n->value))
            strbuf_puts(b, n->value);
        else
            put_string(b, n->value);
        return;
    }
}

const char *json_text_from_yaml(const struct yaml_node *n, struct arena *a)
{
    struct strbuf b = {0};
    put_value(&b, n);
    const char *out = arena_strndup(a, b.p, b.len);
    strbuf_free(&b);
    return out;
}
