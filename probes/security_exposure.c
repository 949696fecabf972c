/*
 * S group: files and admin pages that must not be reachable. Every candidate is judged by its
 * content, against a soft-404 baseline: the same path shape with a random name. A store that
 * answers 200 with the same page for every path produces no finding.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/catalog.h"
#include "probes/http.h"

/* Does this body look like the file? len may be < the file's size (bodies are cut). */
typedef int (*signature_fn)(const char *body, size_t len);

struct candidate {
    const char *path;
    const char *what;
    signature_fn looks_like;
};

static int starts(const char *b, size_t len, const void *magic, size_t mlen)
{
    return len >= mlen && memcmp(b, magic, mlen) == 0;
}

static int is_html(const char *b)
{
    while (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')
        b++;
    return *b == '<';
}

static int git_config(const char *b, size_t len)
{
    return strstr(b, "[core]") && (strstr(b, "repositoryformatversion") || strstr(b, "bare ="));
}

static int git_head(const char *b, size_t len)
{
    if (strncmp(b, "ref: refs/", 10) == 0)
        return 1;
    return len >= 40 && strspn(b, "0123456789abcdef") == 40;
}

static int sqlite_file(const char *b, size_t len)
{
    return starts(b, len, "SQLite format 3", 16);
}

static int hg_requires(const char *b, size_t len)
{
    return !is_html(b) && (strstr(b, "revlogv1") || strstr(b, "dotencode"));
}

/* KEY=value lines, as dotenv files hold them: at least two, and not an HTML page. */
static int dotenv(const char *b, size_t len)
{
    if (is_html(b))
        return 0;
    int lines = 0;
    for (const char *p = b; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        size_t k = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (k > 0 && p[0] >= 'A' && p[0] <= 'Z' && p[k] == '=')
            lines++;
    }
    return lines >= 2;
}

static int ds_store(const char *b, size_t len)
{
    return starts(b, len, "\0\0\0\1Bud1", 8);
}

static int sql_dump(const char *b, size_t len)
{
    if (is_html(b))
        return 0;
    return strstr(b, "-- MySQL dump") || strstr(b, "PostgreSQL database dump") ||
           http_strcasestr(b, "CREATE TABLE") || http_strcasestr(b, "INSERT INTO");
}

static int archive(const char *b, size_t len)
{
    return starts(b, len, "PK\3\4", 4) || starts(b, len, "\x1f\x8b", 2) ||
           starts(b, len, "7z\xbc\xaf\x27\x1c", 6) || starts(b, len, "BZh", 3) ||
           (len > 262 && memcmp(b + 257, "ustar", 5) == 0);
}

static int php_config(const char *b, size_t len)
{
    return strstr(b, "<?php") && (strstr(b, "DB_PASSWORD") || strstr(b, "'password'") ||
                                  strstr(b, "\"password\"") || strstr(b, "'crypt'"));
}

static int htpasswd(const char *b, size_t len)
{
    return !is_html(b) && (strstr(b, ":$apr1$") || strstr(b, ":$2y$") || strstr(b, ":{SHA}"));
}

static int yaml_db_config(const char *b, size_t len)
{
    return !is_html(b) && strstr(b, "adapter:") && strstr(b, "database:");
}

static int web_config(const char *b, size_t len)
{
    return strstr(b, "<configuration") && strstr(b, "<system.web");
}

static int npmrc(const char *b, size_t len)
{
    return !is_html(b) && strstr(b, "_authToken=");
}

static int aws_credentials(const char *b, size_t len)
{
    return !is_html(b) && strstr(b, "aws_access_key_id");
}

static int phpinfo(const char *b, size_t len)
{
    return strstr(b, "phpinfo()") && strstr(b, "PHP Version");
}

static const struct candidate vcs[] = {
    {"/.git/config", "Git repository config", git_config},
    {"/.git/HEAD", "Git HEAD", git_head},
    {"/.svn/wc.db", "Subversion working copy", sqlite_file},
    {"/.hg/requires", "Mercurial repository", hg_requires},
};

static const struct candidate envs[] = {
    {"/.env", "dotenv file", dotenv},
    {"/.env.production", "dotenv file", dotenv},
    {"/.env.local", "dotenv file", dotenv},
    {"/.env.bak", "dotenv backup", dotenv},
};

static const struct candidate backups[] = {
    {"/backup.sql", "SQL dump", sql_dump},
    {"/dump.sql", "SQL dump", sql_dump},
    {"/database.sql", "SQL dump", sql_dump},
    {"/db.sql", "SQL dump", sql_dump},
    {"/backup.zip", "backup archive", archive},
    {"/backup.tar.gz", "backup archive", archive},
    {"/site.zip", "site archive", archive},
    {"/www.zip", "site archive", archive},
    {"/backup.sql.gz", "compressed SQL dump", archive},
};

static const struct candidate configs[] = {
    {"/wp-config.php.bak", "WordPress config backup", php_config},
    {"/wp-config.php~", "WordPress config backup", php_config},
    {"/app/etc/env.php", "Magento config", php_config},
    {"/config.php.bak", "PHP config backup", php_config},
    {"/config/database.yml", "database config", yaml_db_config},
    {"/.htpasswd", "password file", htpasswd},
    {"/web.config", "IIS/ASP.NET config", web_config},
    {"/.npmrc", "npm credentials", npmrc},
    {"/.aws/credentials", "AWS credentials", aws_credentials},
    {"/.DS_Store", "macOS folder index", ds_store},
    {"/phpinfo.php", "phpinfo page", phpinfo},
};

enum { MAX_CANDIDATES = 16, PROBE_BODY_MAX = 256 * 1024 };

/* The baseline for path: the same directory and extension with a random name, so that a
 * catch-all route for one extension or one directory is caught too. */
static void baseline_path(const char *path, unsigned token, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = name[0] ? strchr(name + 1, '.') : NULL;
    snprintf(buf, len, "%.*s%s%08x%s", (int)(name - path), path, name[0] == '.' ? "." : "", token,
             dot ? dot : "");
}

static int same_body(const struct http_response *a, const struct http_response *b)
{
    return a->body_len == b->body_len && memcmp(a->body, b->body, a->body_len) == 0;
}

/* A short printable excerpt of a body, for evidence. Values are masked: what follows '=' or
 * ':' on a line, and quoted strings. The report must not spread the secrets and personal data
 * the store leaks; names and structure are enough to show what was found. */
static void excerpt(const struct http_response *r, char *buf, size_t len)
{
    size_t w = 0;
    int to_eol = 0;
    char quote = 0;
    for (size_t i = 0; i < r->body_len && w + 8 < len && i < 160; i++) {
        unsigned char c = (unsigned char)r->body[i];
        if (quote && c != (unsigned char)quote)
            continue;
        if (to_eol && c != '\n')
            continue;
        if (quote || to_eol) {
            w += (size_t)snprintf(buf + w, len - w, "***");
            if (quote)
                buf[w++] = (char)c;
            quote = 0;
            to_eol = 0;
            if (c != '\n')
                continue;
        }
        if (c == '\'' || c == '"')
            quote = (char)c;
        else if (c == '=' || c == ':')
            to_eol = 1;
        if (c >= 32 && c < 127)
            buf[w++] = (char)c;
        else
            w += (size_t)snprintf(buf + w, len - w, c == '\n' ? "\\n" : "\\x%02x", c);
    }
    if (quote || to_eol)
        w += (size_t)snprintf(buf + w, len - w, "***");
    buf[w] = '\0';
}

static void run_exposure(struct probe_ctx *ctx, const struct candidate *cands, size_t n)
{
    struct http_request reqs[MAX_CANDIDATES * 2];
    struct http_response resps[MAX_CANDIDATES * 2];
    char paths[MAX_CANDIDATES][256];
    unsigned token = (unsigned)(probe_now_ms() * 2654435761u);
    for (size_t i = 0; i < n; i++) {
        baseline_path(cands[i].path, token, paths[i], sizeof paths[i]);
        reqs[2 * i] = (struct http_request){
            .url = cands[i].path, .max_body = PROBE_BODY_MAX, .truncate_ok = 1};
        reqs[2 * i + 1] =
            (struct http_request){.url = paths[i], .max_body = PROBE_BODY_MAX, .truncate_ok = 1};
    }
    size_t got = http_run(ctx, reqs, resps, 2 * n, 8);
    int found = 0, soft = 0;
    char first[300] = "", last_error[300] = "";
    for (size_t i = 0; i < n; i++) {
        struct http_response *r = &resps[2 * i], *base = &resps[2 * i + 1];
        if (!r->status) {
            snprintf(last_error, sizeof last_error, "%s", r->error);
            http_evidence(ctx, r, NULL);
            continue;
        }
        if (r->status / 100 != 2 || !cands[i].looks_like(r->body, r->body_len))
            continue;
        char ex[600];
        excerpt(r, ex, sizeof ex);
        int base_ok = base->status / 100 == 2;
        if (base_ok && (same_body(r, base) || cands[i].looks_like(base->body, base->body_len))) {
            /* The random path gets the same thing: a catch-all, not this file. */
            soft++;
            http_evidence(ctx, base,
                          "soft-404: a random path answers alike, so %s is not "
                          "judged exposed",
                          cands[i].path);
            continue;
        }
        if (!found++)
            snprintf(first, sizeof first, "%s (%s)", cands[i].path, cands[i].what);
        http_evidence(ctx, r, "%s served%s: %s", cands[i].what,
                      r->truncated ? " (read up to the probe's limit)" : "", ex);
    }
    for (size_t i = 0; i < 2 * n; i++)
        http_response_free(&resps[i]);
    if (got == 0)
        probe_set(ctx, PROBE_ERROR, "no answer: %s", last_error);
    else if (found)
        probe_set(ctx, PROBE_FAIL, "%d exposed: %s%s", found, first, found > 1 ? " and more" : "");
    else
        probe_set(ctx, PROBE_PASS, "none of %zu paths serves such content%s", n,
                  soft ? " (the store answers unknown paths with a page: judged by content)" : "");
}

static void run_vcs(struct probe_ctx *ctx)
{
    run_exposure(ctx, vcs, sizeof vcs / sizeof *vcs);
}
static void run_env(struct probe_ctx *ctx)
{
    run_exposure(ctx, envs, sizeof envs / sizeof *envs);
}
static void run_backup(struct probe_ctx *ctx)
{
    run_exposure(ctx, backups, sizeof backups / sizeof *backups);
}
static void run_config(struct probe_ctx *ctx)
{
    run_exposure(ctx, configs, sizeof configs / sizeof *configs);
}

/* An admin or login page: a password field, or an admin title. */
static int admin_page(const char *b, size_t len)
{
    if (http_strcasestr(b, "type=\"password\"") || http_strcasestr(b, "type='password'") ||
        http_strcasestr(b, "type=password"))
        return 1;
    const char *title = http_strcasestr(b, "<title");
    if (!title)
        return 0;
    const char *end = http_strcasestr(title, "</title");
    char t[256];
    snprintf(t, sizeof t, "%.*s", end ? (int)(end - title) : 0, title);
    return http_strcasestr(t, "admin") || http_strcasestr(t, "phpmyadmin") ||
           http_strcasestr(t, "adminer") || http_strcasestr(t, "dashboard");
}

static const struct candidate admins[] = {
    {"/admin", "admin page", admin_page},
    {"/admin/", "admin page", admin_page},
    {"/administrator/", "Joomla administrator", admin_page},
    {"/wp-admin/", "WordPress admin", admin_page},
    {"/wp-login.php", "WordPress login", admin_page},
    {"/phpmyadmin/", "phpMyAdmin", admin_page},
    {"/adminer.php", "Adminer", admin_page},
    {"/manager/html", "Tomcat manager", admin_page},
    {"/admin/login", "admin login", admin_page},
    {"/backend", "admin backend", admin_page},
};

static void run_admin(struct probe_ctx *ctx)
{
    run_exposure(ctx, admins, sizeof admins / sizeof *admins);
}

#define EXPOSURE_REMEDIATION                                                                       \
    "Remove the files from the document root and deny dot-files and backups at the server "        \
    "(nginx: location ~ /\\. { deny all; }); rotate any secret they held."

const struct probe probe_s_exposed_vcs = {
    .id = "S-EXPOSED-VCS",
    .group = GROUP_S,
    .title = "No version-control metadata served (.git, .svn, .hg)",
    .severity = SEV_CRITICAL,
    .rationale = "An exposed .git directory gives away the whole source and its history, "
                 "often with credentials.",
    .remediation = EXPOSURE_REMEDIATION,
    .references = "https://owasp.org/www-project-web-security-testing-guide/",
    .run = run_vcs,
};

const struct probe probe_s_exposed_env = {
    .id = "S-EXPOSED-ENV",
    .group = GROUP_S,
    .title = "No environment files served (.env)",
    .severity = SEV_CRITICAL,
    .rationale = ".env files hold database passwords, API keys and payment secrets.",
    .remediation = EXPOSURE_REMEDIATION,
    .references = "https://owasp.org/www-project-web-security-testing-guide/",
    .run = run_env,
};

const struct probe probe_s_exposed_backup = {
    .id = "S-EXPOSED-BACKUP",
    .group = GROUP_S,
    .title = "No backups or SQL dumps served",
    .severity = SEV_CRITICAL,
    .rationale = "A database dump holds customers' personal data and password hashes.",
    .remediation = EXPOSURE_REMEDIATION,
    .references = "https://owasp.org/www-project-web-security-testing-guide/",
    .run = run_backup,
};

const struct probe probe_s_exposed_config = {
    .id = "S-EXPOSED-CONFIG",
    .group = GROUP_S,
    .title = "No platform config or credential files served",
    .severity = SEV_HIGH,
    .rationale = "Config backups (wp-config.php.bak, env.php), .htpasswd, .npmrc and cloud "
                 "credentials give direct access to the platform.",
    .remediation = EXPOSURE_REMEDIATION,
    .references = "https://owasp.org/www-project-web-security-testing-guide/",
    .run = run_config,
};

const struct probe probe_s_admin_surface = {
    .id = "S-ADMIN-SURFACE",
    .group = GROUP_S,
    .title = "Admin interfaces are not reachable from the internet",
    .severity = SEV_MEDIUM,
    .rationale = "A public admin login invites credential stuffing against the accounts that "
                 "control prices, orders and refunds.",
    .remediation = "Serve admin on a separate host reachable only over VPN or an IP allow-list, "
                   "or at least behind SSO with MFA.",
    .references = "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
    .run = run_admin,
};
