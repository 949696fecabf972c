/*
 * Every config key a probe names to the user (in a reason, an evidence line or a remediation:
 * the string literals of the C files in probes/) is one the config reader knows: a field of one of
 * its field tables, or a name of target.endpoints. A user told to set a key that does not exist
 * gets an "unknown key" error instead of the fix.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg_sections.h"
#include "config/config.h"
#include "tests/support/check.h"

static const struct cfg_section *const tables[] = {cfg_target_sections, cfg_audit_sections,
                                                   cfg_load_sections};

static const struct cfg_field *field_of(const struct cfg_section *s, const char *name)
{
    for (const struct cfg_field *f = s->fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* The section whose path is the first len characters of key, or NULL. */
static const struct cfg_section *section_of(const char *key, size_t len)
{
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct cfg_section *s = tables[t]; s->path; s++)
            if (strlen(s->path) == len && strncmp(s->path, key, len) == 0)
                return s;
    return NULL;
}

static int is_endpoint_name(const char *name)
{
    for (size_t i = 0; i < EP_COUNT; i++)
        if (strcmp(endpoint_names[i], name) == 0)
            return 1;
    return 0;
}

/* Does the reader know key ("audit.latency_budget", "target.tls.ca_file",
 * "target.endpoints.login")? The longest section path that prefixes it must have the next
 * segment as a field; a name under target.endpoints must be an endpoint's. */
static int key_known(const char *key)
{
    if (section_of(key, strlen(key)))
        return 1;
    for (size_t len = strlen(key); len-- > 0;) {
        if (key[len] != '.')
            continue;
        const struct cfg_section *s = section_of(key, len);
        if (!s)
            continue;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(key + len + 1, "."), key + len + 1);
        if (!field_of(s, name))
            return 0;
        if (strncmp(key, "target.endpoints.", 17) == 0)
            return is_endpoint_name(key + 17);
        return 1;
    }
    return 0;
}

static int key_char(int c)
{
    return islower(c) || isdigit(c) || c == '_' || c == '.';
}

/* The keys named in one string literal's text: "audit." "target." or "load." followed by key
 * characters, not part of a longer word. */
static size_t check_literal(const char *file, int line, const char *s, size_t n)
{
    static const char *const roots[] = {"audit.", "target.", "load."};
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '.'))
            continue;
        for (size_t r = 0; r < sizeof roots / sizeof *roots; r++) {
            size_t rl = strlen(roots[r]);
            if (i + rl >= n || strncmp(s + i, roots[r], rl) != 0 ||
                !islower((unsigned char)s[i + rl]))
                continue;
            size_t e = i + rl;
            while (e < n && key_char((unsigned char)s[e]))
                e++;
            while (e > i && s[e - 1] == '.') /* a full stop ends the sentence, not the key */
                e--;
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(e - i), s + i);
            found++;
            if (!key_known(key)) {
                fprintf(stderr, "%s:%d: names '%s', which the config reader does not know\n", file,
                        line, key);
                CHECK(!"every config key named by a probe exists");
            }
        }
    }
    return found;
}

/* Walk a C source's string literals (comments and character literals skipped). */
static size_t check_source(const char *path, const char *text)
{
    size_t found = 0;
    int line = 1;
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            line++;
        else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            for (const char *q = p; q < (end ? end : p + strlen(p)); q++)
                line += *q == '\n';
            if (!end)
                break;
            p = end + 1;
        } else if (p[0] == '/' && p[1] == '/') {
            p += strcspn(p, "\n") - 1;
        } else if (*p == '\'') {
            p += p[1] == '\\' ? 3 : 2;
        } else if (*p == '"') {
            const char *start = ++p;
            while (*p && *p != '"')
                p += *p == '\\' && p[1] ? 2 : 1;
            found += check_literal(path, line, start, (size_t)(p - start));
            if (!*p)
                break;
        }
    }
    return found;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (buf)
        buf[got] = '\0';
    return buf;
}

static void test_probe_sources(void)
{
    const char *src = getenv("STORECHECK_SOURCE_DIR");
    CHECK(src != NULL);
    if (!src)
        return;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/probes", src);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    size_t files = 0, keys = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = slurp(path);
        CHECK(text != NULL);
        if (!text)
            continue;
        files++;
        keys += check_source(e->d_name, text);
        free(text);
    }
    closedir(d);
    printf("%zu config keys named in %zu probe sources\n", keys, files);
    /* The scan itself works: the probes name keys in many places. */
    CHECK(files > 20);
    CHECK(keys > 10);
}

/* The rule on known and unknown keys, so that a pass above means something. */
static void test_key_rule(void)
{
    CHECK(key_known("audit.latency_budget"));
    CHECK(!key_known("audit.latency_budget_ms"));
    CHECK(key_known("target.tls.ca_file"));
    CHECK(!key_known("target.ca_file"));
    CHECK(key_known("target.endpoints"));
    CHECK(key_known("target.endpoints.login"));
    CHECK(!key_known("target.endpoints.signin"));
    CHECK(key_known("target.webhooks.subscribe"));
    CHECK(key_known("load.fault"));
    CHECK(!key_known("load.speed"));
}

int main(void)
{
    RUN(test_key_rule);
    RUN(test_probe_sources);
    return check_summary();
}
