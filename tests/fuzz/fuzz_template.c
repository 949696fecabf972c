/* Templates: compile any text; when it compiles, render it with some variables unset, into
 * buffers of every small size, with every way of escaping values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vars_schema schema;
    vars_schema_init(&schema);
    vars_schema_intern(&schema, "set", 3);
    struct parse_error err;
    struct template *t = template_compile((const char *)data, size, &schema, &err);
    if (!t) {
        if (err.line < 1 || err.col < 1 || !err.msg[0])
            abort();
        vars_schema_free(&schema);
        return 0;
    }
    struct vars *v = vars_create(schema.count, 256);
    /* Every other variable gets a value (the input's first bytes, which may hold anything);
     * the rest stay unset. */
    for (size_t i = 0; i < schema.count; i += 2)
        vars_set(v, (int)i, (const char *)data, size < 64 ? size : 64);
    for (size_t i = 0; i < template_var_count(t); i++) {
        struct tpl_var_ref r = template_var(t, i);
        if (r.id < 0 || (size_t)r.id >= schema.count || r.line < 1 || r.col < 1)
            abort();
    }
    struct rng rng;
    rng_seed(&rng, size, 0);
    struct tpl_ctx ctx = {v, &rng, 1700000000000000ULL};
    size_t cap = size * 2 + 64;
    char *buf = malloc(cap);
    for (size_t c = 0; c < 48 && c <= cap; c++) {
        size_t n = SIZE_MAX;
        if (template_render(t, &ctx, buf + cap - c, c, &n, NULL) == TPL_OK && n > c)
            abort();
    }
    cap = size * 80 + 512; /* room for any escaping: {{a}} may become 6 x 64 bytes */
    buf = realloc(buf, cap);
    for (int e = TPL_RAW; e <= TPL_HEADER; e++) {
        template_set_escape(t, (enum tpl_escape)e);
        size_t n;
        int bad = -1;
        enum tpl_status st = template_render(t, &ctx, buf, cap, &n, &bad);
        if (st == TPL_OK && n > cap)
            abort();
        if (st == TPL_ERR_UNSET && (bad < 0 || (size_t)bad >= schema.count || bad % 2 == 0))
            abort();
        if (st == TPL_ERR_VALUE && (e != TPL_HEADER || bad % 2 != 0))
            abort();
        if (st == TPL_ERR_SPACE || (template_is_constant(t) && st != TPL_OK))
            abort();
    }
    free(buf);
    vars_destroy(v);
    template_free(t);
    vars_schema_free(&schema);
    return 0;
}
