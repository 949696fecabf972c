/* The CAA reader on any bytes, as a whole DNS answer and as one CAA RDATA: it must end in
 * records or an error, never read outside the input, and keep what it reports in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/caa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct caa_set set;
    char err[256];
    if (caa_parse_answer(data, size, &set, err, sizeof err) == 0) {
        if (set.count > CAA_MAX_RECORDS || set.count > set.total)
            abort();
        for (size_t i = 0; i < set.count; i++) {
            char ca[CAA_VALUE_MAX + 1];
            if (strlen(set.records[i].tag) == 0 || strlen(set.records[i].tag) > CAA_TAG_MAX)
                abort();
            caa_issuer(set.records[i].value, ca, sizeof ca);
        }
    }
    struct caa_record r;
    if (caa_parse_rdata(data, size, &r) == 0 && strlen(r.value) > CAA_VALUE_MAX)
        abort();
    return 0;
}
