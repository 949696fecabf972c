#include "config/yaml_tree.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config/keypath.h"
#include "common/oom.h"

struct frame {
    struct yaml_node *node;
    struct yaml_node *last;
    /* A mapping between a key and its value: the key; NULL while a key is expected. */
    const char *key;
    struct srcpos key_pos;
};

struct builder {
    const char *file;
    struct arena *a;
    struct diag_list *diags;
    struct frame stack[YAML_TREE_MAX_DEPTH];
    int depth;
    size_t nodes;
    int documents;
    struct yaml_node *root;
};

static struct srcpos mark_pos(yaml_mark_t m)
{
    return (struct srcpos){(int)m.line + 1, (int)m.column + 1};
}

/* The key path of the container open at stack[top]. */
static void frame_path(const struct builder *b, int top, struct keypath *p)
{
    keypath_init(p);
    for (int i = 1; i <= top; i++) {
        const struct yaml_node *n = b->stack[i].node;
        if (b->stack[i - 1].node->kind == YAML_MAP)
            keypath_push_key(p, n->key);
        else
            keypath_push_index(p, n->index);
    }
}

/* UTF-8 text without NUL bytes or control characters, checked up front so binary input
 * gets a plain answer. */
static int check_text(const struct builder *b, const unsigned char *s, size_t len)
{
    int line = 1, col = 1;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n = c < 0x80             ? 1
                   : (c & 0xe0) == 0xc0 ? 2
                   : (c & 0xf0) == 0xe0 ? 3
                   : (c & 0xf8) == 0xf0 ? 4
                                        : 0;
        if (c == 0) {
            diag_add(b->diags, b->file, line, col, NULL,
                     "NUL byte in the file: a config is YAML text, not binary data");
            return -1;
        }
        uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
        int ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++) {
            ok = (s[i + k] & 0xc0) == 0x80;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
        if (!ok || cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            diag_add(b->diags, b->file, line, col, NULL,
                     "invalid UTF-8 (byte 0x%02x): a config is UTF-8 text", c);
            return -1;
        }
        /* YAML's printable set: C0 and C1 controls other than tab, line breaks and NEL
         * are refused here, at their own position rather than libyaml's. */
        int control = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f ||
                      (cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff;
        if (control) {
            diag_add(b->diags, b->file, line, col, NULL,
                     "control character 0x%02x: a config is YAML text, not binary data",
                     (unsigned)cp);
            return -1;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return 0;
}

static int cmp_entries(const void *pa, const void *pb)
{
    const struct yaml_node *a = *(const struct yaml_node *const *)pa;
    const struct yaml_node *b = *(const struct yaml_node *const *)pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    if (a->key_pos.line != b->key_pos.line)
        return a->key_pos.line < b->key_pos.line ? -1 : 1;
    return a->key_pos.col < b->key_pos.col ? -1 : a->key_pos.col > b->key_pos.col;
}

/* Report every key that repeats an earlier one in the mapping open at stack[top]. */
static void check_duplicates(struct builder *b, int top)
{
    const struct yaml_node *map = b->stack[top].node;
    if (map->count < 2)
        return;
    const struct yaml_node **v = xmalloc(map->count * sizeof *v);
    size_t n = 0;
    for (const struct yaml_node *e = map->first; e; e = e->next)
        v[n++] = e;
    qsort(v, n, sizeof *v, cmp_entries);
    struct keypath p;
    frame_path(b, top, &p);
    size_t first = 0; /* the first entry of the current run of equal keys */
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i]->key, v[first]->key) != 0) {
            first = i;
            continue;
        }
        size_t mark = keypath_push_key(&p, v[i]->key);
        diag_add(b->diags, b->file, v[i]->key_pos.line, v[i]->key_pos.col, p.buf,
                 "duplicate key '%s' (first at line %d)", v[i]->key, v[first]->key_pos.line);
        keypath_pop(&p, mark);
    }
    free(v);
}

/* Keys and values both count, so a file of empty keys is bounded too. */
static int count_node(struct builder *b, yaml_mark_t m)
{
    if (++b->nodes <= YAML_TREE_MAX_NODES)
        return 0;
    diag_add(b->diags, b->file, (int)m.line + 1, (int)m.column + 1, NULL,
             "more than %d keys and values in one file: refusing to load it", YAML_TREE_MAX_NODES);
    return -1;
}

static struct yaml_node *new_node(struct builder *b, enum yaml_kind kind, yaml_mark_t m)
{
    if (count_node(b, m))
        return NULL;
    struct yaml_node *n = arena_alloc(b->a, sizeof *n);
    n->kind = kind;
    n->pos = mark_pos(m);
    return n;
}

static void attach(struct builder *b, struct yaml_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return;
    }
    struct frame *f = &b->stack[b->depth - 1];
    if (f->node->kind == YAML_MAP) {
        n->key = f->key;
        n->key_pos = f->key_pos;
        f->key = NULL;
    }
    n->index = f->node->count++;
    if (f->last)
        f->last->next = n;
    else
        f->node->first = n;
    f->last = n;
}

static const char *scalar_text(struct builder *b, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(v, '\0', len)) {
        struct srcpos pos = mark_pos(ev->start_mark);
        diag_add(b->diags, b->file, pos.line, pos.col, NULL,
                 "a NUL character is not allowed in a value");
        return NULL;
    }
    return arena_strndup(b->a, v, len);
}

static int expecting_key(const struct builder *b)
{
    return b->depth > 0 && b->stack[b->depth - 1].node->kind == YAML_MAP &&
           !b->stack[b->depth - 1].key;
}

/* Handle one event; -1 stops the parse. */
static int on_event(struct builder *b, const yaml_event_t *ev)
{
    struct srcpos pos = mark_pos(ev->start_mark);
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1) {
            diag_add(b->diags, b->file, pos.line, pos.col, NULL,
                     "more than one YAML document: a config is a single document");
            return -1;
        }
        return 0;
    case YAML_ALIAS_EVENT:
        diag_add(b->diags, b->file, pos.line, pos.col, NULL,
                 "YAML aliases (*%s) are not supported: write the value out",
                 (const char *)ev->data.alias.anchor);
        return -1;
    case YAML_SCALAR_EVENT: {
        const char *text = scalar_text(b, ev);
        if (!text)
            return -1;
        if (expecting_key(b)) {
            struct frame *f = &b->stack[b->depth - 1];
            if (count_node(b, ev->start_mark))
                return -1;
            f->key = text;
            f->key_pos = pos;
            return 0;
        }
        struct yaml_node *n = new_node(b, YAML_SCALAR, ev->start_mark);
        if (!n)
            return -1;
        n->value = text;
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        attach(b, n);
        return 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (expecting_key(b)) {
            diag_add(b->diags, b->file, pos.line, pos.col, NULL,
                     "a mapping key must be a plain string, not a list or mapping");
            return -1;
        }
        if (b->depth == YAML_TREE_MAX_DEPTH) {
            diag_add(b->diags, b->file, pos.line, pos.col, NULL,
                     "nested more than %d levels deep: refusing to load it", YAML_TREE_MAX_DEPTH);
            return -1;
        }
        struct yaml_node *n = new_node(
            b, ev->type == YAML_MAPPING_START_EVENT ? YAML_MAP : YAML_LIST, ev->start_mark);
        if (!n)
            return -1;
        attach(b, n);
        b->stack[b->depth++] = (struct frame){.node = n};
        return 0;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (ev->type == YAML_MAPPING_END_EVENT)
            check_duplicates(b, b->depth - 1);
        b->depth--;
        return 0;
    default:
        return 0;
    }
}

/* When libyaml stops at or just after the indentation of a line that holds a tab, the
 * column of that tab (1-based); else 0. YAML indents with spaces only, and libyaml's own
 * words for it ("cannot start any token") do not say so. */
static int tab_in_indent(const char *text, size_t len, yaml_mark_t m)
{
    if (m.index > len)
        return 0;
    size_t start = m.index;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    size_t end = start, tab = len;
    for (; end < len && (text[end] == ' ' || text[end] == '\t'); end++)
        if (text[end] == '\t' && tab == len)
            tab = end;
    if (tab == len || m.index > end)
        return 0;
    return (int)(tab - start) + 1;
}

int yaml_tree_parse(const char *text, size_t len, const char *file, struct arena *a,
                    struct diag_list *diags, struct yaml_node **root)
{
    struct builder b = {.file = file, .a = a, .diags = diags};
    size_t errors_before = diags->count;
    *root = NULL;
    if (check_text(&b, (const unsigned char *)text, len))
        return -1;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        oom_abort(sizeof parser);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            struct srcpos pos = mark_pos(parser.problem_mark);
            if (parser.error == YAML_MEMORY_ERROR)
                oom_abort(len);
            int tab_col = tab_in_indent(text, len, parser.problem_mark);
            if (tab_col)
                diag_add(diags, file, pos.line, tab_col, NULL,
                         "tabs are not allowed for indentation: indent with spaces");
            else if (parser.context)
                diag_add(diags, file, pos.line, pos.col, NULL, "not valid YAML: %s %s",
                         parser.problem ? parser.problem : "syntax error", parser.context);
            else
                diag_add(diags, file, pos.line, pos.col, NULL, "not valid YAML: %s",
                         parser.problem ? parser.problem : "syntax error");
            break;
        }
        int stop = on_event(&b, &ev) != 0;
        int end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (stop || end)
            break;
    }
    yaml_parser_delete(&parser);
    if (diags->count != errors_before)
        return -1;
    *root = b.root;
    return 0;
}

int yaml_tree_is_null(const struct yaml_node *n)
{
    return n->kind == YAML_SCALAR && !n->quoted &&
           (!*n->value || strcmp(n->value, "~") == 0 || strcasecmp(n->value, "null") == 0);
}

int yaml_tree_bool(const struct yaml_node *n, int *out)
{
    if (n->kind != YAML_SCALAR || n->quoted)
        return 0;
    if (strcasecmp(n->value, "true") == 0)
        *out = 1;
    else if (strcasecmp(n->value, "false") == 0)
        *out = 0;
    else
        return 0;
    return 1;
}

const char *yaml_tree_kind_name(const struct yaml_node *n)
{
    switch (n->kind) {
    case YAML_MAP:
        return "a mapping";
    case YAML_LIST:
        return "a list";
    default:
        return yaml_tree_is_null(n) ? "null" : "a string";
    }
}

const struct yaml_node *yaml_tree_find(const struct yaml_node *map, const char *key)
{
    if (map->kind != YAML_MAP)
        return NULL;
    for (const struct yaml_node *e = map->first; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}
