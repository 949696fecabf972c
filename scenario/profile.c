#include "scenario/profile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "common/units.h"

#ifndef STORECHECK_PROFILE_DIR
#define STORECHECK_PROFILE_DIR "/usr/local/share/storecheck/profiles"
#endif

/* A run longer than this is a typo, and keeps the arithmetic far from overflow. */
#define PROFILE_MAX_DURATION_US (366ULL * 24 * 3600 * 1000000)

enum target_key { KEY_NONE, KEY_RATE, KEY_USERS };

struct loader {
    yaml_document_t *doc;
    struct profile *p;
    const char *file;
    struct diag_list *diags;
    int errors;
    enum target_key start_key;
    struct srcpos start_pos;
    enum target_key *stage_keys;
};

__attribute__((format(printf, 4, 5))) static void
fail_at(struct loader *l, const yaml_node_t *n, const char *key_path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(l->diags, l->file, n ? (int)n->start_mark.line + 1 : 0,
             n ? (int)n->start_mark.column + 1 : 0, key_path, "%s", msg);
    l->errors++;
}

static struct srcpos pos_of(const yaml_node_t *n)
{
    return (struct srcpos){(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
}

/* The text of a scalar node, or NULL (with an error) for anything else. */
static const char *scalar(struct loader *l, const yaml_node_t *n, const char *key_path)
{
    if (n->type == YAML_SCALAR_NODE)
        return (const char *)n->data.scalar.value;
    fail_at(l, n, key_path, "expected a single value");
    return NULL;
}

static int get_duration(struct loader *l, const yaml_node_t *n, const char *kp, uint64_t *us)
{
    const char *s = scalar(l, n, kp);
    char err[160];
    if (!s)
        return -1;
    if (units_parse_duration_us(s, us, err, sizeof err)) {
        fail_at(l, n, kp, "%s", err);
        return -1;
    }
    return 0;
}

/* A rate (open model) or a user count (closed model). */
static int get_target(struct loader *l, const yaml_node_t *n, const char *kp, enum target_key key,
                      double *out)
{
    const char *s = scalar(l, n, kp);
    char err[160];
    uint64_t count;
    if (!s)
        return -1;
    if (key == KEY_RATE ? units_parse_rate(s, out, err, sizeof err)
                        : units_parse_count(s, &count, err, sizeof err)) {
        fail_at(l, n, kp, "%s", err);
        return -1;
    }
    if (key == KEY_USERS)
        *out = (double)count;
    return 0;
}

static int get_u32(struct loader *l, const yaml_node_t *n, const char *kp, uint32_t *out)
{
    const char *s = scalar(l, n, kp);
    char err[160];
    uint64_t v;
    if (!s)
        return -1;
    if (units_parse_count(s, &v, err, sizeof err)) {
        fail_at(l, n, kp, "%s", err);
        return -1;
    }
    if (v > UINT32_MAX) {
        fail_at(l, n, kp, "'%s' is too large", s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static yaml_node_t *node(struct loader *l, int index)
{
    return yaml_document_get_node(l->doc, index);
}

/* Was key already given by a pair before pr in this mapping? Reports it when it was. */
static int repeated_key(struct loader *l, const yaml_node_t *map, const yaml_node_pair_t *pr,
                        const char *key, const char *key_path)
{
    for (const yaml_node_pair_t *q = map->data.mapping.pairs.start; q < pr; q++) {
        const yaml_node_t *k = node(l, q->key);
        if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0) {
            fail_at(l, node(l, pr->key), key_path, "'%s' is given twice", key);
            return 1;
        }
    }
    return 0;
}

static enum target_key target_key_of(const char *key, const char *rate_name, const char *users_name)
{
    if (strcmp(key, rate_name) == 0)
        return KEY_RATE;
    if (strcmp(key, users_name) == 0)
        return KEY_USERS;
    return KEY_NONE;
}

static void load_stage(struct loader *l, const yaml_node_t *n, size_t i)
{
    char kp[64];
    snprintf(kp, sizeof kp, "stages[%zu]", i);
    struct profile_stage *st = &l->p->stages[i];
    st->pos = pos_of(n);
    if (n->type != YAML_MAPPING_NODE) {
        fail_at(l, n, kp, "a stage is a mapping: { duration: 1m, rate: 100 }");
        return;
    }
    int have_duration = 0;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
        const char *key = scalar(l, k, kp);
        if (!key)
            continue;
        char vkp[128];
        snprintf(vkp, sizeof vkp, "%s.%.40s", kp, key);
        if (repeated_key(l, n, pr, key, vkp))
            continue;
        enum target_key tk = target_key_of(key, "rate", "users");
        if (strcmp(key, "duration") == 0) {
            have_duration = get_duration(l, v, vkp, &st->duration_us) == 0;
        } else if (tk != KEY_NONE) {
            if (l->stage_keys[i] != KEY_NONE)
                fail_at(l, k, vkp, "a stage sets one of rate or users");
            else if (get_target(l, v, vkp, tk, &st->target) == 0)
                l->stage_keys[i] = tk;
        } else {
            fail_at(l, k, vkp, "unknown key '%s' (a stage has duration and rate or users)", key);
        }
    }
    if (!have_duration)
        fail_at(l, n, kp, "a stage needs a duration");
    else if (l->stage_keys[i] == KEY_NONE)
        fail_at(l, n, kp, "a stage needs a target: rate (open model) or users (closed)");
}

static void load_stages(struct loader *l, const yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        fail_at(l, n, "stages", "expected a list of stages");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count > PROFILE_MAX_STAGES) {
        fail_at(l, n, "stages", "more than %d stages", PROFILE_MAX_STAGES);
        return;
    }
    struct profile *p = l->p;
    p->stages = arena_alloc(&p->arena, count * sizeof *p->stages);
    l->stage_keys = arena_alloc(&p->arena, count * sizeof *l->stage_keys);
    p->stage_count = count;
    for (size_t i = 0; i < count; i++)
        load_stage(l, node(l, n->data.sequence.items.start[i]), i);
}

static void load_mix(struct loader *l, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) {
        fail_at(l, n, "mix", "expected scenario names with weights: { browse: 70, cart: 30 }");
        return;
    }
    struct mix *m = &l->p->mix;
    size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    m->items = arena_alloc(&l->p->arena, (count ? count : 1) * sizeof *m->items);
    for (size_t i = 0; i < count; i++) {
        yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
        yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
        const char *name = scalar(l, k, "mix");
        if (!name)
            continue;
        char kp[160];
        snprintf(kp, sizeof kp, "mix.%.100s", name);
        const char *w = scalar(l, v, kp);
        if (!w)
            continue;
        char *end;
        errno = 0;
        double weight = strtod(w, &end);
        if (end == w || *end || errno || !isfinite(weight) || weight < 0) {
            fail_at(l, v, kp, "a weight is a number >= 0, not '%s'", w);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < m->count; j++)
            dup |= strcmp(m->items[j].name, name) == 0;
        if (dup) {
            fail_at(l, k, kp, "scenario '%s' is in the mix twice", name);
            continue;
        }
        m->items[m->count++] = (struct mix_entry){
            .name = arena_strdup(&l->p->arena, name), .weight = weight, .pos = pos_of(k)};
    }
    if (m->count && mix_prepare(m))
        fail_at(l, n, "mix", "every weight is 0");
}

static void load_think_time(struct loader *l, const yaml_node_t *n)
{
    const char *s = scalar(l, n, "think_time");
    if (!s)
        return;
    const char *dash = strchr(s, '-'); /* durations are never negative: "1s-3s" is a range */
    char err[160];
    struct profile *p = l->p;
    if (!dash) {
        if (units_parse_duration_us(s, &p->think_min_us, err, sizeof err))
            fail_at(l, n, "think_time", "%s", err);
        else if (p->think_min_us == 0)
            fail_at(l, n, "think_time",
                    "the pause must be above 0 (leave think_time out for none)");
        p->think_max_us = p->think_min_us;
        return;
    }
    char lo[64];
    size_t len = (size_t)(dash - s);
    if (len >= sizeof lo) {
        fail_at(l, n, "think_time", "expected a duration or a range like 1s-3s");
        return;
    }
    memcpy(lo, s, len);
    lo[len] = '\0';
    if (units_parse_duration_us(lo, &p->think_min_us, err, sizeof err) ||
        units_parse_duration_us(dash + 1, &p->think_max_us, err, sizeof err))
        fail_at(l, n, "think_time", "%s", err);
    else if (p->think_min_us > p->think_max_us)
        fail_at(l, n, "think_time", "the range %s runs backwards", s);
    else if (p->think_max_us == 0) /* a range may start at 0, but must pause at all */
        fail_at(l, n, "think_time", "the range %s must end above 0 (leave think_time out for none)",
                s);
}

static void load_root(struct loader *l, const yaml_node_t *root)
{
    struct profile *p = l->p;
    const yaml_node_t *model = NULL, *stages = NULL, *think = NULL, *vus = NULL;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
        const char *key = scalar(l, k, NULL);
        if (!key || repeated_key(l, root, pr, key, key))
            continue;
        enum target_key tk = target_key_of(key, "start_rate", "start_users");
        if (strcmp(key, "model") == 0) {
            const char *s = scalar(l, v, key);
            model = v;
            if (s && strcmp(s, "open") == 0)
                p->model = PROFILE_OPEN;
            else if (s && strcmp(s, "closed") == 0)
                p->model = PROFILE_CLOSED;
            else if (s)
                fail_at(l, v, key, "the model is open or closed, not '%s'", s);
        } else if (strcmp(key, "description") == 0) {
            const char *s = scalar(l, v, key);
            if (s)
                p->description = arena_strdup(&p->arena, s);
        } else if (tk != KEY_NONE) {
            if (get_target(l, v, key, tk, &p->start) == 0) {
                l->start_key = tk;
                l->start_pos = pos_of(k);
            }
        } else if (strcmp(key, "stages") == 0) {
            stages = v;
            load_stages(l, v);
        } else if (strcmp(key, "mix") == 0) {
            load_mix(l, v);
        } else if (strcmp(key, "max_vus") == 0) {
            vus = k;
            get_u32(l, v, key, &p->max_vus);
        } else if (strcmp(key, "pre_allocated_vus") == 0) {
            vus = k;
            get_u32(l, v, key, &p->pre_allocated_vus);
        } else if (strcmp(key, "think_time") == 0) {
            think = k;
            load_think_time(l, v);
        } else if (strcmp(key, "timeout") == 0) {
            const char *s = scalar(l, v, key);
            char err[160];
            if (s && units_parse_duration_ms(s, &p->timeout_ms, err, sizeof err))
                fail_at(l, v, key, "%s", err);
        } else {
            fail_at(l, k, key,
                    "unknown key '%s' (a profile has model, description, stages, mix, "
                    "start_rate or start_users, max_vus, pre_allocated_vus, think_time, "
                    "timeout)",
                    key);
        }
    }
    if (!model)
        fail_at(l, root, NULL, "a profile needs 'model: open' or 'model: closed'");
    if (!stages)
        fail_at(l, root, NULL, "a profile needs stages");
    else if (p->stage_count == 0)
        fail_at(l, stages, "stages", "a profile needs at least one stage");
    if (!model)
        return;

    /* Checks that depend on the model, which may come after the keys it governs. */
    int open = p->model == PROFILE_OPEN;
    enum target_key want = open ? KEY_RATE : KEY_USERS;
    const char *want_name = open ? "rate" : "users";
    if (l->start_key != KEY_NONE && l->start_key != want) {
        diag_add(l->diags, l->file, l->start_pos.line, l->start_pos.col, NULL,
                 "%s profile starts with start_%s", open ? "an open-model" : "a closed-model",
                 want_name);
        l->errors++;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < p->stage_count; i++) {
        if (l->stage_keys[i] != KEY_NONE && l->stage_keys[i] != want) {
            char kp[64];
            snprintf(kp, sizeof kp, "stages[%zu]", i);
            diag_add(l->diags, l->file, p->stages[i].pos.line, p->stages[i].pos.col, kp,
                     "%s stage sets %s", open ? "an open-model" : "a closed-model", want_name);
            l->errors++;
        }
        total += p->stages[i].duration_us;
        if (total > PROFILE_MAX_DURATION_US) {
            fail_at(l, stages, "stages", "the stages last longer than a year");
            break;
        }
    }
    if (p->stage_count && total == 0 && l->errors == 0)
        fail_at(l, stages, "stages", "the stages last 0s in total");
    if (open && think)
        fail_at(l, think, "think_time",
                "think_time belongs to the closed model (an open "
                "model's pauses are in its scenarios' steps)");
    if (!open && vus)
        fail_at(l, vus, NULL,
                "max_vus and pre_allocated_vus belong to the open model (a closed model "
                "runs exactly its users)");
    if (p->max_vus && p->pre_allocated_vus > p->max_vus)
        fail_at(l, vus, "pre_allocated_vus", "pre_allocated_vus is above max_vus");
}

int profile_parse(struct profile *p, const char *text, size_t len, const char *file,
                  struct diag_list *diags)
{
    memset(p, 0, sizeof *p);
    arena_init(&p->arena);
    p->file = file ? arena_strdup(&p->arena, file) : NULL;
    struct loader l = {.p = p, .file = file, .diags = diags};
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        diag_add(diags, file, 0, 0, NULL, "out of memory");
        profile_free(p);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        diag_add(diags, file, (int)parser.problem_mark.line + 1,
                 (int)parser.problem_mark.column + 1, NULL, "YAML: %s%s%s",
                 parser.problem ? parser.problem : "syntax error", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        profile_free(p);
        return -1;
    }
    l.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root)
        fail_at(&l, NULL, NULL, "empty profile");
    else if (root->type != YAML_MAPPING_NODE)
        fail_at(&l, root, NULL, "a profile is a mapping (model:, stages:, mix:)");
    else
        load_root(&l, root);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (l.errors) {
        profile_free(p);
        return -1;
    }
    return 0;
}

int profile_load(struct profile *p, const char *path, struct diag_list *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_add(diags, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
        memset(p, 0, sizeof *p);
        return -1;
    }
    /* Profiles are small; a bigger file is not one. */
    static const size_t max = 1 << 20;
    char *buf = malloc(max);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    int bad = !buf || ferror(f) || !feof(f);
    fclose(f);
    int r = -1;
    if (bad) {
        diag_add(diags, path, 0, 0, NULL, "cannot read (or larger than 1 MiB)");
        memset(p, 0, sizeof *p);
    } else {
        r = profile_parse(p, buf, n, path, diags);
    }
    free(buf);
    return r;
}

void profile_free(struct profile *p)
{
    arena_free(&p->arena);
    memset(p, 0, sizeof *p);
}

const char *profile_installed_dir(void)
{
    return STORECHECK_PROFILE_DIR;
}

size_t profile_search_dirs(const char *dirs[3])
{
    size_t n = 0;
    const char *env = getenv("STORECHECK_PROFILE_DIR");
    if (env && *env)
        dirs[n++] = env;
    dirs[n++] = STORECHECK_PROFILE_DIR;
#ifdef STORECHECK_SOURCE_PROFILE_DIR
    dirs[n++] = STORECHECK_SOURCE_PROFILE_DIR;
#endif
    return n;
}

size_t profile_dirs(const char *config_dir, const char *dirs[PROFILE_DIRS])
{
    dirs[0] = config_dir;
    dirs[1] = "profiles";
    return 2 + profile_search_dirs(dirs + 2);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int profile_resolve(const char *arg, const char *const *dirs, size_t ndirs, char *out,
                    size_t outlen, char *err, size_t errlen)
{
    if (strchr(arg, '/') || ends_with(arg, ".yaml") || ends_with(arg, ".yml")) {
        if (access(arg, R_OK) != 0) {
            snprintf(err, errlen, "profile file '%s': %s", arg, strerror(errno));
            return -1;
        }
        if ((size_t)snprintf(out, outlen, "%s", arg) >= outlen) {
            snprintf(err, errlen, "profile path too long");
            return -1;
        }
        return 0;
    }
    if (!*arg || strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                     strlen(arg)) {
        snprintf(err, errlen,
                 "'%s' is not a profile name (letters, digits, _ and -) nor a .yaml file", arg);
        return -1;
    }
    char looked[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < ndirs; i++) {
        if (!dirs[i])
            continue;
        int w = snprintf(out, outlen, "%s/%s.yaml", dirs[i], arg);
        if (w > 0 && (size_t)w < outlen && access(out, R_OK) == 0)
            return 0;
        if (used < sizeof looked) {
            int k =
                snprintf(looked + used, sizeof looked - used, "%s%s", used ? ", " : "", dirs[i]);
            if (k > 0)
                used += (size_t)k;
        }
    }
    snprintf(err, errlen, "unknown profile '%s' (looked in %s)", arg, used ? looked : "no folder");
    return -1;
}

uint64_t profile_duration_us(const struct profile *p)
{
    uint64_t total = 0;
    for (size_t i = 0; i < p->stage_count; i++)
        total += p->stages[i].duration_us;
    return total;
}

double profile_peak(const struct profile *p)
{
    double peak = p->start;
    for (size_t i = 0; i < p->stage_count; i++)
        peak = fmax(peak, p->stages[i].target);
    return peak;
}

double profile_target_at(const struct profile *p, uint64_t t_us)
{
    double prev = p->start;
    uint64_t at = 0;
    for (size_t i = 0; i < p->stage_count; i++) {
        const struct profile_stage *s = &p->stages[i];
        if (t_us < at + s->duration_us)
            return prev + (s->target - prev) * (double)(t_us - at) / (double)s->duration_us;
        at += s->duration_us;
        prev = s->target;
    }
    return prev;
}

double profile_arrivals_until(const struct profile *p, uint64_t t_us)
{
    double prev = p->start, sum = 0;
    uint64_t at = 0;
    for (size_t i = 0; i < p->stage_count && at < t_us; i++) {
        const struct profile_stage *s = &p->stages[i];
        uint64_t d = s->duration_us;
        double x = (double)((t_us - at < d ? t_us - at : d)) / 1e6; /* seconds into it */
        double slope = d ? (s->target - prev) / ((double)d / 1e6) : 0;
        sum += prev * x + slope * x * x / 2;
        at += d;
        prev = s->target;
    }
    return sum;
}

int profile_arrival_time(const struct profile *p, double n, uint64_t *t_us)
{
    if (!(n >= 0))
        return -1;
    double prev = p->start, rem = n;
    uint64_t at = 0;
    for (size_t i = 0; i < p->stage_count; i++) {
        const struct profile_stage *s = &p->stages[i];
        double d = (double)s->duration_us / 1e6;
        double area = (prev + s->target) / 2 * d;
        if (s->duration_us && rem < area) {
            /* Solve prev*x + slope*x^2/2 = rem in the form that is stable for either sign
             * of the slope: x = 2 rem / (prev + sqrt(prev^2 + 2 slope rem)). */
            double slope = (s->target - prev) / d;
            double disc = prev * prev + 2 * slope * rem;
            double den = prev + sqrt(disc > 0 ? disc : 0);
            double x = den > 0 ? 2 * rem / den : 0;
            if (x > d)
                x = d;
            *t_us = at + (uint64_t)llround(x * 1e6);
            return 0;
        }
        rem -= area;
        at += s->duration_us;
        prev = s->target;
    }
    return -1;
}

int profile_scale_duration(struct profile *p, uint64_t total_us)
{
    uint64_t cur = profile_duration_us(p);
    if (cur == 0 || total_us > PROFILE_MAX_DURATION_US)
        return -1;
    double f = (double)total_us / (double)cur;
    uint64_t sum = 0;
    for (size_t i = 0; i < p->stage_count; i++) {
        p->stages[i].duration_us = (uint64_t)llround((double)p->stages[i].duration_us * f);
        sum += p->stages[i].duration_us;
    }
    /* Rounding leftovers go to the last stage that has a duration, so the total is exact. */
    for (size_t i = p->stage_count; i-- > 0;) {
        if (p->stages[i].duration_us) {
            p->stages[i].duration_us += total_us - sum;
            break;
        }
    }
    return 0;
}

int profile_scale_peak(struct profile *p, double peak)
{
    double cur = profile_peak(p);
    if (cur <= 0 || !(peak >= 0) || !isfinite(peak))
        return -1;
    double f = peak / cur;
    p->start *= f;
    for (size_t i = 0; i < p->stage_count; i++)
        p->stages[i].target *= f;
    return 0;
}

size_t profile_check_mix(const struct profile *p, const struct scenario *scenarios,
                         size_t scenario_count, struct diag_list *diags)
{
    size_t bad = 0;
    for (size_t i = 0; i < p->mix.count; i++) {
        const struct mix_entry *e = &p->mix.items[i];
        size_t j = 0;
        while (j < scenario_count && strcmp(scenarios[j].name, e->name) != 0)
            j++;
        if (j < scenario_count)
            continue;
        char kp[160];
        snprintf(kp, sizeof kp, "mix.%.100s", e->name);
        diag_add(diags, p->file, e->pos.line, e->pos.col, kp,
                 "scenario '%s' is not defined in the config's load.scenarios", e->name);
        bad++;
    }
    return bad;
}
