/*
 * Running the storecheck binary from a test: a config and profile written to a scratch
 * folder, the command run with a deadline (killed past it), its output and JSON result read.
 */
#ifndef STORECHECK_TESTS_SCENARIOS_SC_CLI_H
#define STORECHECK_TESTS_SCENARIOS_SC_CLI_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sc_ran {
    int code;        /* exit status; 128 + signal; -1 when it had to be killed */
    char *out, *err; /* whole stdout and stderr, NUL-terminated (sc_ran_free) */
    uint64_t wall_ms;
};

/* A fresh scratch folder; returns its path (static). */
const char *sc_tmpdir(void);
/* Remove the scratch folder and everything in it. */
void sc_tmpdir_remove(void);
/* Write text to DIR/name; returns the path (static ring of a few). */
const char *sc_write(const char *name, const char *text);
/* Start storecheck with args (NULL-terminated), stdout and stderr to the files out and err;
 * its pid, or -1. */
pid_t sc_spawn(const char *const *args, const char *out, const char *err);
/* Wait at most timeout_s for pid; its exit status, 128 + signal, or -1 (killed past it). */
int sc_reap(pid_t pid, int timeout_s);
/* Run storecheck with args (NULL-terminated) for at most timeout_s seconds. */
struct sc_ran sc_run(int timeout_s, const char *const *args);
void sc_ran_free(struct sc_ran *r);
/* A whole file, NUL-terminated, or NULL (free it). */
char *sc_read(const char *path);
/* The JSON in path, or NULL. */
cJSON *sc_json(const char *path);

/* 1 when the JSON in path follows reports/load-result.schema.json, 0 when it does not, -1
 * when python3's jsonschema is not there to tell. */
int sc_schema_check(const char *path);
/* The same against another schema of reports/ ("capacity-result.schema.json"). */
int sc_schema_check_against(const char *path, const char *schema);

/* Lookups in a load result: a scenario or step object by name, a number by key. */
const cJSON *sc_scenario(const cJSON *root, const char *name);
const cJSON *sc_step(const cJSON *root, const char *scenario, const char *name);
double sc_num(const cJSON *obj, const char *key);
/* failed.<reason> of a scenario or step object. */
double sc_failed(const cJSON *obj, const char *reason);

#endif
