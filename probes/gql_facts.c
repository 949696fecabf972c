#include "probes/gql_facts.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

const char gql_facts_schema_query[] =
    "{ __schema { queryType { name } types { name fields(includeDeprecated: true) { name "
    "isDeprecated deprecationReason args { name } type { kind name ofType { kind name ofType { "
    "kind name ofType { kind name } } } } } } } }";

static const char *string_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *first_error(const cJSON *doc)
{
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
    return cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0) : NULL;
}

/* The arguments that page a list: offset, page or cursor style. */
static int is_paging_arg(const char *name)
{
    static const char *const names[] = {"first",   "last",     "after",    "limit",
                                        "take",    "page",     "pageSize", "page_size",
                                        "perPage", "per_page", "offset",   "skip"};
    for (size_t i = 0; name && i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The named type under NON_NULL/LIST wrappers; *list set when a LIST wraps it. */
static const char *unwrap(const cJSON *type, int *list)
{
    *list = 0;
    for (int depth = 0; type && depth < 8; depth++) {
        const char *kind = string_of(type, "kind");
        if (kind && strcmp(kind, "LIST") == 0)
            *list = 1;
        const char *name = string_of(type, "name");
        if (name)
            return name;
        type = cJSON_GetObjectItemCaseSensitive(type, "ofType");
    }
    return NULL;
}

static const cJSON *type_named(const cJSON *schema, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(schema, "types"))
    {
        const char *n = string_of(t, "name");
        if (n && name && strcmp(n, name) == 0)
            return t;
    }
    return NULL;
}

static int has_field(const cJSON *type, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(type, "fields"))
    {
        const char *n = string_of(f, "name");
        if (n && strcmp(n, name) == 0)
            return 1;
    }
    return 0;
}

static int is_deprecated(const cJSON *field)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(field, "isDeprecated"));
}

static void count_deprecated(const cJSON *schema, struct gql_schema_facts *f)
{
    const cJSON *type, *field;
    cJSON_ArrayForEach(type, cJSON_GetObjectItemCaseSensitive(schema, "types"))
    {
        const char *tname = string_of(type, "name");
        if (!tname || strncmp(tname, "__", 2) == 0)
            continue;
        cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(type, "fields"))
        {
            if (!is_deprecated(field))
                continue;
            f->deprecated++;
            const char *why = string_of(field, "deprecationReason");
            const char *fname = string_of(field, "name");
            if ((!why || !why[0]) && !f->unexplained++)
                snprintf(f->unexplained_example, sizeof f->unexplained_example, "%.80s.%.80s",
                         tname, fname ? fname : "?");
        }
    }
}

static void count_lists(const cJSON *schema, struct gql_schema_facts *f)
{
    const char *qname = string_of(cJSON_GetObjectItemCaseSensitive(schema, "queryType"), "name");
    const cJSON *query = type_named(schema, qname ? qname : "Query"), *field;
    cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(query, "fields"))
    {
        int list;
        const char *tname = unwrap(cJSON_GetObjectItemCaseSensitive(field, "type"), &list);
        int connection = !list && has_field(type_named(schema, tname), "pageInfo");
        /* A retired field is on its way out: its replacement is what to judge. */
        if ((!list && !connection) || is_deprecated(field))
            continue;
        int paging = 0;
        const cJSON *arg;
        cJSON_ArrayForEach(arg, cJSON_GetObjectItemCaseSensitive(field, "args")) paging |=
            is_paging_arg(string_of(arg, "name"));
        const char *fname = string_of(field, "name");
        if (connection)
            f->connections++;
        else if (paging)
            f->paged++;
        else if (!f->unpaged++)
            snprintf(f->unpaged_example, sizeof f->unpaged_example, "%.100s", fname ? fname : "?");
    }
}

int gql_facts_schema(const char *body, struct gql_schema_facts *f, char *message, size_t mlen)
{
    memset(f, 0, sizeof *f);
    message[0] = '\0';
    cJSON *doc = cJSON_Parse(body ? body : "");
    const cJSON *schema =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "data"), "__schema");
    int rc = -1;
    if (cJSON_IsObject(schema)) {
        count_deprecated(schema, f);
        count_lists(schema, f);
        rc = 0;
    } else {
        const char *msg = string_of(first_error(doc), "message");
        snprintf(message, mlen, "%s", msg ? msg : "");
    }
    cJSON_Delete(doc);
    return rc;
}
