/*
 * ${VAR} and ${VAR:-default} in config values, so secrets stay out of config files.
 *   ${VAR}          the variable's value; an error when it is not set
 *   ${VAR:-default} the value, or default when the variable is unset or empty
 *   $${             a literal "${"
 * Every value taken from the environment is recorded as a secret: it is never shown.
 */
#ifndef STORECHECK_CONFIG_ENV_EXPAND_H
#define STORECHECK_CONFIG_ENV_EXPAND_H

#include <stddef.h>

#include "config/yaml_tree.h"
#include "common/arena.h"
#include "config/config.h"
#include "common/diag.h"

/* Where variables come from: getenv in the program, a table in tests. NULL when unset. */
struct env_source {
    const char *(*lookup)(const char *name, void *ctx);
    void *ctx;
};

/* The process environment. */
extern const struct env_source env_process;

/* Expand s into *out (s itself when it holds nothing to expand, else a copy in a), adding
 * each environment value used to secrets. Returns 0, or -1 with the reason in err. */
int env_expand(const char *s, const struct env_source *env, struct arena *a, struct strv *secrets,
               const char **out, char *err, size_t errlen);

/* Expand every scalar value (not keys) of a parsed config in place. Errors go to diags with
 * their position and key path; returns how many there were. */
size_t env_expand_tree(struct yaml_node *root, const char *file, const struct env_source *env,
                       struct arena *a, struct strv *secrets, struct diag_list *diags);

#endif
