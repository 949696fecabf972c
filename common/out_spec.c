#include "common/out_spec.h"

#include <stdio.h>
#include <string.h>

#include "common/url.h"

const char *const out_kind_names[OUT_KIND_COUNT] = {
    [OUT_JSON] = "json",
    [OUT_CSV] = "csv",
    [OUT_PROMETHEUS_RW] = "prometheus-rw",
};

int out_spec_parse(const char *text, struct out_spec *out, char *err, size_t errlen)
{
    const char *eq = strchr(text, '=');
    if (!eq) {
        snprintf(err, errlen,
                 "'%s': expected KIND=TARGET (json=FILE, csv=FILE, "
                 "prometheus-rw=URL)",
                 text);
        return -1;
    }
    size_t n = (size_t)(eq - text);
    int kind = -1;
    for (int k = 0; k < OUT_KIND_COUNT; k++)
        if (strlen(out_kind_names[k]) == n && strncmp(text, out_kind_names[k], n) == 0)
            kind = k;
    if (kind < 0) {
        snprintf(err, errlen, "unknown output '%.*s': use json, csv or prometheus-rw",
                 (int)(n > 64 ? 64 : n), text);
        return -1;
    }
    if (!eq[1]) {
        snprintf(err, errlen, "%s= needs a %s", out_kind_names[kind],
                 kind == OUT_PROMETHEUS_RW ? "URL" : "file");
        return -1;
    }
    if (kind == OUT_PROMETHEUS_RW) {
        struct url u;
        char why[256];
        if (url_parse(eq + 1, &u, why, sizeof why)) {
            snprintf(err, errlen, "prometheus-rw: %s", why);
            return -1;
        }
    }
    out->kind = (enum out_kind)kind;
    out->target = eq + 1;
    return 0;
}
