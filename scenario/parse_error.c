#include "scenario/parse_error.h"

#include <stdarg.h>
#include <stdio.h>

int parse_error_set(struct parse_error *e, int line, int col, const char *fmt, ...)
{
    if (e) {
        e->line = line;
        e->col = col;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
