/* Accepted-findings files: any input either loads (every entry complete, with a real expiry
 * day) or fails with at least one located error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/accept.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct accept_list l;
    struct diag_list d;
    diag_list_init(&d);
    int rc = accept_parse(&l, (const char *)data, size, "fuzz.yaml", NULL, &d);
    if (rc != 0 && d.count == 0)
        abort();
    if (rc == 0) {
        if (d.count != 0)
            abort();
        for (size_t i = 0; i < l.count; i++) {
            const struct acceptance *a = &l.items[i];
            if (!*a->probe_id || !*a->target || !*a->reason || strlen(a->expires) != 10)
                abort();
            /* Each entry is found for its own target; "*" for any. */
            const char *t = strcmp(a->target, "*") == 0 ? "https://any.example" : a->target;
            if (!accept_find(&l, a->probe_id, t))
                abort();
        }
    }
    accept_free(&l);
    diag_list_free(&d);
    return 0;
}
