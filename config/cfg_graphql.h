/*
 * A GraphQL operation in the config, as a scenario step (and any other request) writes it:
 *
 *   graphql:
 *     query: "mutation Pay($id: ID!) { pay(id: $id) { __typename ... on Error { code } } }"
 *     variables: { id: "{{order_id}}" }
 *     operation_name: Pay
 *
 * It is sent as a POST whose JSON body is {"query", "variables", "operationName"}.
 */
#ifndef STORECHECK_CONFIG_CFG_GRAPHQL_H
#define STORECHECK_CONFIG_CFG_GRAPHQL_H

#include "config/cfg_walk.h"

/* The JSON body carrying the operation at v, in the config's arena. The query and the
 * operation name are sent as written (a "{{" in the query is not a template); variables may
 * hold {{templates}} as a json: body does. *is_mutation is 1 when the document defines a
 * mutation. NULL after reporting each error at its key (unknown keys with did-you-mean). */
const char *cfg_graphql_read(struct cfg_walk *w, const struct yaml_node *v, int *is_mutation);

/* The keys cfg_graphql_read knows, for did-you-mean across the tree. */
extern const struct cfg_field cfg_graphql_fields[];

/* Each GraphQL step of load.scenarios and each GraphQL endpoint of target.endpoints without a
 * path of its own goes to target.graphql.path (an error when there is none); steps are judged
 * with target.graphql.error_typenames. Runs once the target and load sections are read. */
void cfg_graphql_bind(struct cfg_walk *w, struct config *cfg);

#endif
