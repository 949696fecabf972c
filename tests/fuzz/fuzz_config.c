/* The config loader on arbitrary bytes: it must return errors, never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "checker/config_load.h"

/* A fixed environment, so a run depends on the input alone. */
static const char *fuzz_lookup(const char *name, void *ctx)
{
    (void)ctx;
    if (strcmp(name, "SET") == 0)
        return "s3cret-value";
    if (strcmp(name, "EMPTY") == 0)
        return "";
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct env_source env = {fuzz_lookup, NULL};
    struct config cfg;
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = config_load_buffer(&cfg, (const char *)data, size, "fuzz/c.yaml", &env, &diags);
    /* Either it loaded or it said why. */
    if ((rc == 0) != (diags.count == 0))
        __builtin_trap();
    char buf[2048];
    for (size_t i = 0; i < diags.count; i++)
        diag_format(&diags.items[i], buf, sizeof buf);
    diag_list_free(&diags);
    config_free(&cfg);
    return 0;
}
