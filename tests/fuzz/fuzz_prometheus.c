/* The Prometheus text reader: any bytes. It must never read past the input (the copy has no
 * NUL after it), and what it accepts must end in a newline and count no more samples than
 * lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/prometheus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct prom_stats st;
    char err[200];
    if (prom_parse(copy, size, &st, err, sizeof err) == 0) {
        size_t lines = 0;
        for (size_t i = 0; i < size; i++)
            lines += copy[i] == '\n';
        if (size == 0 || copy[size - 1] != '\n' || st.samples > lines || st.families > lines)
            abort();
    }
    free(copy);
    return 0;
}
