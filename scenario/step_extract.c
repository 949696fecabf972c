#include "scenario/step_extract.h"

#include "scenario/extract.h"

enum jp_status step_extract(const struct plan_extract *x, const struct response_view *rv,
                            struct rng *rng, char *scratch, size_t cap, const char **val,
                            size_t *len)
{
    *val = scratch;
    *len = 0;
    if (x->source == EXTRACT_JSON)
        return jsonpath_eval(x->path, rv->body, rv->body_len, rng, scratch, cap, len);
    int rc = x->source == EXTRACT_HEADER
                 ? extract_header(rv->head, rv->head_len, x->name, val, len)
                 : extract_cookie(rv->head, rv->head_len, x->name, val, len);
    return rc == 0 ? JP_MATCH : JP_NO_MATCH;
}
