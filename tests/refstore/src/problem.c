#include "problem.h"

#include <string.h>

#include "broken.h"
#include "pages.h"

void problem_reply(struct exchange *x, int status, const char *title, const char *detail)
{
    if (broken(BROKEN_STACK_TRACES)) {
        pages_error(x, status, detail ? detail : title);
        return;
    }
    if (broken(BROKEN_NO_PROBLEM_JSON)) {
        struct buf *b = exchange_body(x, status, "text/plain; charset=utf-8");
        buf_printf(b, "%s\n", title);
        return;
    }
    struct buf *b = exchange_body(x, status, "application/problem+json");
    buf_puts(b, "{\"type\":\"about:blank\",\"title\":\"");
    buf_json_str(b, title, strlen(title));
    buf_printf(b, "\",\"status\":%d", status);
    if (detail) {
        buf_puts(b, ",\"detail\":\"");
        buf_json_str(b, detail, strlen(detail));
        buf_puts(b, "\"");
    }
    if (x->req && x->req->path) {
        buf_puts(b, ",\"instance\":\"");
        buf_json_str(b, x->req->path, x->req->path_len);
        buf_puts(b, "\"");
    }
    buf_puts(b, "}");
}

void problem_error(struct exchange *x, int status, const char *detail)
{
    if (exchange_is_api(x))
        problem_reply(x, status, http_reason(status), detail);
    else
        pages_error(x, status, detail ? detail : http_reason(status));
}
