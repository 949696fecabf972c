/*
 * Readers of what a scenario step and an endpoint request share: the statuses a good answer
 * has (expect:), checks on the answer (check:) and the body (json:, form:, body: or graphql:). Each
 * writes into the fields it is handed, so a step and an endpoint keep their own structs.
 */
#ifndef STORECHECK_CONFIG_CFG_REQUEST_H
#define STORECHECK_CONFIG_CFG_REQUEST_H

#include <stddef.h>

#include "config/cfg_walk.h"

/* A list of HTTP statuses, or one, into a new array. */
void cfg_request_read_statuses(struct cfg_walk *w, const struct yaml_node *v, int **items,
                               size_t *count);

/* A list of check expressions (scenario/check.h), or one, kept as text with their positions. */
void cfg_request_read_checks(struct cfg_walk *w, const struct yaml_node *v,
                             struct step_check **items, size_t *count);

/* Where a request's one body goes; owner names the request in the error for a second body
 * ("a step"). */
struct cfg_body_ref {
    enum body_kind *kind;
    const char **text;
    struct srcpos *pos;
    const char *owner;
};

/* json: any YAML value, kept as JSON text with {{templates}} as written. */
void cfg_request_read_json(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b);
/* form: a mapping of fields, kept urlencoded with {{templates}} as written. */
void cfg_request_read_form(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b);
/* graphql: an operation (config/cfg_graphql.h), sent as its JSON body. */
void cfg_request_read_graphql(struct cfg_walk *w, const struct yaml_node *v,
                              struct cfg_body_ref b);
/* body: a string sent as is. */
void cfg_request_read_raw(struct cfg_walk *w, const struct yaml_node *v, struct cfg_body_ref b);

#endif
