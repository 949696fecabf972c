#include "loadgen/source.h"

#include <string.h>

void slot_capture(struct lg_slot *s, const char *data, size_t n)
{
    size_t room = SLOT_CAPTURE - s->cap_len;
    if (n > room) {
        n = room;
        s->cap_over = 1;
    }
    memcpy(s->cap + s->cap_len, data, n);
    s->cap_len += n;
}
