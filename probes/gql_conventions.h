/*
 * The E probes' judgements of a GraphQL API by its own conventions, used in place of the REST
 * ones (problem+json, path versions, page links) when target.graphql.path is set: errors in
 * errors[] with extensions.code, versioning by schema evolution and @deprecated, lists paged
 * through connections (pageInfo) or paging arguments. What needs the schema is read through
 * introspection; with introspection off (as production stores should run) those skip and say
 * so. Only queries are sent, never a mutation.
 */
#ifndef STORECHECK_PROBES_GQL_CONVENTIONS_H
#define STORECHECK_PROBES_GQL_CONVENTIONS_H

#include "probes/probe.h"

/* E-PROBLEM-JSON for GraphQL: a query with a syntax error and one asking for a field that does
 * not exist must be answered with errors[] (message, and extensions.code to tell errors apart
 * by machine), never with a server error or a page. */
void gql_conventions_errors(struct probe_ctx *ctx);

/* E-API-VERSION for GraphQL: the schema evolves without versions; retired fields carry
 * @deprecated with a reason. */
void gql_conventions_versioning(struct probe_ctx *ctx);

/* E-PAGINATION for GraphQL: the query type's lists are connections with pageInfo or take a
 * paging argument. */
void gql_conventions_pagination(struct probe_ctx *ctx);

#endif
