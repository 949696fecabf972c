/*
 * A YAML document as a small tree with source positions, built from libyaml events under the
 * limits a config file needs: one document, UTF-8 only, no NUL bytes, no aliases (so no
 * alias bombs), bounded nesting and node count, no duplicate keys.
 */
#ifndef STORECHECK_CONFIG_YAML_TREE_H
#define STORECHECK_CONFIG_YAML_TREE_H

#include <stddef.h>

#include "common/arena.h"
#include "config/config.h"
#include "common/diag.h"

enum {
    YAML_TREE_MAX_DEPTH = 64,     /* nested mappings and lists */
    YAML_TREE_MAX_NODES = 100000, /* values in one file */
};

enum yaml_kind { YAML_SCALAR, YAML_LIST, YAML_MAP };

struct yaml_node {
    enum yaml_kind kind;
    struct srcpos pos;
    /* As an entry of a mapping: its key and where the key stood; otherwise NULL. */
    const char *key;
    struct srcpos key_pos;
    size_t index; /* position in the parent list or mapping */
    /* YAML_SCALAR: the text, NUL-terminated and free of NUL bytes. */
    const char *value;
    int quoted; /* quoted or block scalar: always a string, never null/bool/number */
    int broken; /* an error about this value was reported already */
    /* YAML_LIST, YAML_MAP: the items or entries in order. */
    struct yaml_node *first;
    struct yaml_node *next;
    size_t count;
};

/* Parse len bytes of text into a tree allocated in a. Returns 0 and the root in *root (NULL
 * for an empty document), or -1 with the errors added to diags, located in file. */
int yaml_tree_parse(const char *text, size_t len, const char *file, struct arena *a,
                    struct diag_list *diags, struct yaml_node **root);

/* Plain-scalar typing of the YAML core schema: null is "", "~" or "null" (any case). */
int yaml_tree_is_null(const struct yaml_node *n);
/* 1 and *out for "true"/"false" (any case) unquoted; 0 otherwise. */
int yaml_tree_bool(const struct yaml_node *n, int *out);
/* "a mapping", "a list", "null" or "a string": for "expected X, got Y" messages. */
const char *yaml_tree_kind_name(const struct yaml_node *n);
/* The entry of a mapping with that key, or NULL. */
const struct yaml_node *yaml_tree_find(const struct yaml_node *map, const char *key);

#endif
