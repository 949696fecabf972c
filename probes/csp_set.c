#include "probes/csp_set.h"

#include <stdlib.h>
#include <string.h>

#include "common/oom.h"
#include "probes/csp.h"
#include "probes/html.h"
#include "probes/http.h"

void csp_set_add(struct csp_set *s, const char *list, enum csp_source from)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        size_t blank = strspn(p, " \t");
        if (blank < n) {
            if (s->n == CSP_SET_MAX) {
                s->ignored++;
            } else {
                char *policy = xmalloc(n + 1);
                memcpy(policy, p, n);
                policy[n] = '\0';
                s->from[s->n] = from;
                s->policy[s->n++] = policy;
            }
        }
        p += n + (p[n] == ',');
    }
}

void csp_set_of_page(struct csp_set *s, const struct http_response *r)
{
    const char *field;
    for (size_t i = 0; (field = http_header_nth(r, "Content-Security-Policy", i)); i++)
        csp_set_add(s, field, CSP_FROM_HEADER);
    char meta[4096];
    if (r->body && html_meta_http_equiv(r->body, "Content-Security-Policy", meta, sizeof meta))
        csp_set_add(s, meta, CSP_FROM_META);
}

void csp_set_free(struct csp_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->policy[i]);
    s->n = 0;
}

int csp_set_governs_scripts(const struct csp_set *s)
{
    char sources[2048];
    for (size_t i = 0; i < s->n; i++)
        if (csp_script_sources(s->policy[i], sources, sizeof sources))
            return 1;
    return 0;
}

int csp_set_allows_script(const struct csp_set *s, const char *origin)
{
    char sources[2048];
    for (size_t i = 0; i < s->n; i++)
        if (csp_script_sources(s->policy[i], sources, sizeof sources) &&
            !csp_allows(sources, origin))
            return 0;
    return 1;
}
