#include "broken.h"

#include <stdio.h>
#include <string.h>

bool broken_on[BROKEN_COUNT];

static const char *const names[BROKEN_COUNT] = {
#define BROKEN_NAME(id, name) name,
    BROKEN_LIST(BROKEN_NAME)
#undef BROKEN_NAME
};

const char *broken_name(enum broken_id id)
{
    return names[id];
}

int broken_enable_list(const char *list, char *err, size_t errlen)
{
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        bool found = false;
        if (n == 3 && memcmp(p, "all", 3) == 0) {
            for (int i = 0; i < BROKEN_COUNT; i++)
                broken_on[i] = true;
            found = true;
        }
        for (int i = 0; i < BROKEN_COUNT && !found; i++) {
            if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0) {
                broken_on[i] = true;
                found = true;
            }
        }
        if (!found) {
            snprintf(err, errlen, "unknown broken variant '%.*s'", (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}
