/*
 * Loading a config: YAML text into struct config (config/config.h), every error in one pass
 * as "file:line:col: key.path: message". The reference of the format is docs/config.md.
 */
#ifndef STORECHECK_CONFIG_CONFIG_LOAD_H
#define STORECHECK_CONFIG_CONFIG_LOAD_H

#include <stddef.h>

#include "config/env_expand.h"
#include "config/config.h"
#include "common/diag.h"

/* Larger files are refused before parsing. */
enum { CONFIG_MAX_BYTES = 4 << 20 };

/* Load len bytes of text (no NUL terminator needed) as the config file at path, which names
 * it in messages and anchors relative paths (NULL: "<config>" in the current directory).
 * ${VAR} values come from env (NULL: the process environment). cfg is initialised here;
 * release it with config_free whatever the result. Returns 0, or -1 with the errors added to
 * diags. No message holds a secret. */
int config_load_buffer(struct config *cfg, const char *text, size_t len, const char *path,
                       const struct env_source *env, struct diag_list *diags);

/* The same for a file: a missing, unreadable or oversized file is an error in diags. */
int config_load_file(struct config *cfg, const char *path, const struct env_source *env,
                     struct diag_list *diags);

#endif
