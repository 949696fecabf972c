/*
 * Reading a parsed config tree into struct config: the walk state (key path, errors) and the
 * readers the sections share. Readers record an error and leave the field at its default when
 * a value is wrong, so one pass reports every error.
 */
#ifndef STORECHECK_CONFIG_CFG_WALK_H
#define STORECHECK_CONFIG_CFG_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "config/keypath.h"
#include "config/yaml_tree.h"
#include "config/config.h"
#include "common/diag.h"

/* After this many errors the rest are dropped: a wrong file says enough by then. */
enum { CFG_WALK_MAX_ERRORS = 100 };

struct cfg_section;

struct cfg_walk {
    struct config *cfg;
    struct diag_list *diags;
    const char *file;
    struct keypath path;
    size_t errors;
    /* Every mapping read through a field table, for did-you-mean across the whole key tree;
     * NULL-terminated, may be NULL. */
    const struct cfg_section *const *sections;
};

/* Reads the value v of one key into the field at dst. */
typedef void (*cfg_read_fn)(struct cfg_walk *w, const struct yaml_node *v, void *dst);

struct cfg_field {
    const char *name;
    cfg_read_fn read;
    size_t offset; /* of the field in the struct being filled */
    int required;
};

/* A mapping read through a field table, by its key path ("target.tls"). Each section file
 * lists its own, ending with a NULL path. */
struct cfg_section {
    const char *path;
    const struct cfg_field *fields;
};

void cfg_walk_init(struct cfg_walk *w, struct config *cfg, const char *file,
                   struct diag_list *diags);

/* An error at pos, under the current key path. */
void cfg_walk_error_at(struct cfg_walk *w, struct srcpos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An error at n, under the current key path; none if n already had one. */
void cfg_walk_error(struct cfg_walk *w, const struct yaml_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "unknown key 'x' (did you mean 'y'?)" at the key of entry e; the key is on the path. y is
 * the closest of known, or else the full path of the closest key anywhere in the tree. */
void cfg_walk_unknown_key(struct cfg_walk *w, const struct yaml_node *e, const char *const *known,
                          size_t n);

/* Read a mapping through a field table (NULL-name terminated) into obj: each entry's value
 * is read with its key on the path; unknown and missing required keys are errors. Returns 0
 * if map was a mapping. */
int cfg_walk_fields(struct cfg_walk *w, const struct yaml_node *map, const struct cfg_field *fields,
                    void *obj);

/* Call fn for every entry of a mapping with its key on the path (the entry node carries the
 * key). Returns 0 if map was a mapping. */
int cfg_walk_entries(struct cfg_walk *w, const struct yaml_node *map,
                     void (*fn)(struct cfg_walk *w, const struct yaml_node *e, void *ctx),
                     void *ctx);

/* Like cfg_walk_entries for the items of a list (with "[i]" on the path). A single value
 * that is not a list counts as a list of one. */
void cfg_walk_items(struct cfg_walk *w, const struct yaml_node *list,
                    void (*fn)(struct cfg_walk *w, const struct yaml_node *item, void *ctx),
                    void *ctx);

/* The text of a non-null scalar, or NULL after "expected <what>, got a list". */
const char *cfg_walk_scalar(struct cfg_walk *w, const struct yaml_node *v, const char *what);
/* A mapping, or 0 after "expected <what>, got ...". */
int cfg_walk_expect_map(struct cfg_walk *w, const struct yaml_node *v, const char *what);

/* Name checks: [A-Za-z0-9_.-]+ for names, [A-Za-z_][A-Za-z0-9_]* for template variables. */
int cfg_walk_is_name(const char *s);
int cfg_walk_is_var(const char *s);
/* An HTTP token (RFC 9110 tchar+), as methods and header names are. */
int cfg_walk_is_token(const char *s);
/* A path: starts with '/' (or a {{template}}), no control characters. Errors at v. */
int cfg_walk_check_path(struct cfg_walk *w, const struct yaml_node *v, const char *s);

/* An HTTP status code (100-599) written as three digits; 0 after reporting an error at v. */
int cfg_walk_status(struct cfg_walk *w, const struct yaml_node *v);

/* A duration in milliseconds, 0 allowed: 1 when read, 0 after an error at v. */
int cfg_walk_duration_ms(struct cfg_walk *w, const struct yaml_node *v, uint64_t *ms);

/* Resolve a relative file path against the config's directory. */
const char *cfg_walk_resolve(struct cfg_walk *w, const char *path);

/* Field readers (cfg_read_fn), by what dst points at:
 *   str       const char *           any non-null scalar
 *   file      const char *           resolved against the config's directory
 *   url_path  const char *           "/..." (cfg_walk_check_path)
 *   bool      int                    true or false
 *   duration  uint64_t milliseconds  above 0
 *   rate      double per second      above 0
 *   u32       uint32_t               a count, at least 1
 *   u64       uint64_t               a whole number
 *   severity  enum severity
 *   strv      struct strv            a list of strings, or one string
 *   method    const char *           an HTTP token */
void cfg_read_str(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_file(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_url_path(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_bool(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_duration(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_rate(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_u32(struct cfg_walk *w, const struct yaml_node *v, void *dst);
/* A whole number from lo to hi into *out (what names the expected value when v is no scalar);
 * an error naming the range, and 0, otherwise. */
int cfg_walk_count_between(struct cfg_walk *w, const struct yaml_node *v, const char *what,
                           uint64_t lo, uint64_t hi, uint64_t *out);
void cfg_read_u64(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_severity(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_strv(struct cfg_walk *w, const struct yaml_node *v, void *dst);
void cfg_read_method(struct cfg_walk *w, const struct yaml_node *v, void *dst);
/* struct kv_list of header name -> value; credential headers' values become secrets. */
void cfg_read_headers(struct cfg_walk *w, const struct yaml_node *v, void *dst);

#endif
