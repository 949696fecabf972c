/* A YAML value as JSON text: how a step's `json:` body is stored. */
#ifndef STORECHECK_CONFIG_JSON_TEXT_H
#define STORECHECK_CONFIG_JSON_TEXT_H

#include "config/yaml_tree.h"
#include "common/arena.h"

/* Compact JSON for n, allocated in a: mappings become objects, lists arrays; unquoted null,
 * true, false and JSON-shaped numbers stay literals; every other scalar is a string, so
 * {{templates}} stay inside their strings as written. */
const char *json_text_from_yaml(const struct yaml_node *n, struct arena *a);

#endif
