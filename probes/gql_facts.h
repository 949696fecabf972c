/*
 * What an introspection answer shows about deprecated fields and how the query type's lists
 * page. Pure reading, no network: the E probes judge on it
 * (probes/gql_conventions.h) and the fuzz target feeds it any bytes.
 */
#ifndef STORECHECK_PROBES_GQL_FACTS_H
#define STORECHECK_PROBES_GQL_FACTS_H

#include <stddef.h>

/* The introspection query gql_facts_schema reads the answer of: every type's fields, deprecated
 * ones included, with their arguments and their type up to three wrappers deep. */
extern const char gql_facts_schema_query[];

struct gql_schema_facts {
    int connections; /* query fields returning an object with a pageInfo field */
    int paged;       /* query fields returning a list and taking a paging argument */
    int unpaged;     /* query fields returning a list without one */
    char unpaged_example[128];
    int deprecated;  /* fields marked deprecated, in any type but the introspection ones */
    int unexplained; /* of those, the ones without a deprecationReason */
    char unexplained_example[192];
};

/* Read an answer to gql_facts_schema_query. 0 when it holds data.__schema (f filled; deprecated
 * fields are not counted as lists); -1 when not, as with introspection off, with the first
 * error's message in message ("" when none). */
int gql_facts_schema(const char *body, struct gql_schema_facts *f, char *message, size_t mlen);

#endif
