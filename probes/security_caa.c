/* S-CAA: the DNS CAA records (RFC 8659) that say which CAs may issue certificates for the
 * store's host, looked up through the system resolver as a CA does: the host's name first,
 * then each parent up to the top-level domain, until a name has CAA records. */
#include <netdb.h> /* HOST_NOT_FOUND, NO_DATA, TRY_AGAIN */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probes/caa.h"
#include "probes/catalog.h"
#include "probes/dns_query.h"
#include "probes/tls.h"

enum { MAX_TRY_S = 5, RETRIES = 2 };

static int should_stop(void *ctx)
{
    return probe_should_stop(ctx);
}

static int loopback_name(const char *host)
{
    size_t n = strlen(host);
    if (n && host[n - 1] == '.')
        n--;
    return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
           (n > 10 && strncasecmp(host + n - 10, ".localhost", 10) == 0);
}

/* Judge the CAA records found at name. */
static void judge(struct probe_ctx *ctx, const char *host, const char *name,
                  const struct caa_set *set)
{
    char issuers[1024] = "", critical[256] = "";
    int issue = 0, issue_none = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct caa_record *r = &set->records[i];
        if (strcmp(r->tag, "issue") == 0) {
            char ca[CAA_VALUE_MAX + 1];
            caa_issuer(r->value, ca, sizeof ca);
            issue++;
            issue_none += ca[0] == '\0';
            size_t w = strlen(issuers);
            if (ca[0] && !strstr(issuers, ca))
                snprintf(issuers + w, sizeof issuers - w, "%s%s", w ? ", " : "", ca);
        } else if ((r->flags & 0x80) && strcmp(r->tag, "issuewild") != 0 &&
                   strcmp(r->tag, "iodef") != 0) {
            size_t w = strlen(critical);
            snprintf(critical + w, sizeof critical - w, "%s%s", w ? ", " : "", r->tag);
        }
    }
    const char *at = strcasecmp(name, host) == 0 ? "" : " (inherited)";
    if (critical[0])
        probe_set(ctx, PROBE_WARN,
                  "the CAA records at %s mark %s critical, which CAs do not "
                  "know: no CA will issue for %s",
                  name, critical, host);
    else if (!issue)
        probe_set(ctx, PROBE_WARN,
                  "the CAA records at %s have no issue property: they restrict "
                  "no CA for %s",
                  name, host);
    else if (issue == issue_none)
        probe_set(ctx, PROBE_WARN,
                  "the CAA records at %s allow no CA at all (issue \";\"): "
                  "renewing the certificate for %s will fail",
                  name, host);
    else
        probe_set(ctx, PROBE_PASS, "CAA at %s%s: only %s may issue for %s", name, at, issuers,
                  host);
}

static void run_caa(struct probe_ctx *ctx)
{
    const char *host = ctx->cfg->target.base.host;
    if (tls_host_is_ip(host)) {
        probe_set(ctx, PROBE_SKIP, "%s is an IP address: CAA records belong to DNS names", host);
        return;
    }
    if (loopback_name(host)) {
        probe_set(ctx, PROBE_SKIP, "%s is a loopback name: no CA issues for it", host);
        return;
    }
    char name[URL_HOST_MAX];
    snprintf(name, sizeof name, "%s", host);
    size_t nl = strlen(name);
    if (nl && name[nl - 1] == '.')
        name[nl - 1] = '\0';
    const char *at = name;
    while (at && *at && !probe_should_stop(ctx)) {
        struct dns_answer a;
        char request[URL_HOST_MAX + 16], err[256];
        snprintf(request, sizeof request, "DNS CAA %s", at);
        enum dns_outcome got = dns_query(at, DNS_TYPE_CAA, probe_remaining_ms(ctx), RETRIES,
                                         MAX_TRY_S, &a, should_stop, ctx);
        if (got == DNS_STOPPED)
            return;
        if (got == DNS_NO_RESOLVER) {
            probe_set(ctx, PROBE_ERROR, "cannot read the system resolver's configuration");
            return;
        }
        if (a.len < 0) {
            if (a.h_err != HOST_NOT_FOUND && a.h_err != NO_DATA) {
                const char *why =
                    a.h_err == TRY_AGAIN ? "server failure or timed out" : "query refused";
                probe_evidence(ctx, request, 0, "%s",
                               a.h_err == TRY_AGAIN ? "no answer (server failure or timed out)"
                                                    : "refused or unanswerable");
                probe_set(ctx, PROBE_ERROR, "the resolver could not answer for %s: %s", at, why);
                return;
            }
            probe_evidence(ctx, request, 0, "%s",
                           a.h_err == HOST_NOT_FOUND ? "no such name" : "no CAA records");
        } else {
            struct caa_set set;
            if (caa_parse_answer(a.buf, (size_t)a.len, &set, err, sizeof err) != 0) {
                probe_evidence(ctx, request, 0, "%s", err);
                probe_set(ctx, PROBE_ERROR, "cannot read the CAA answer for %s: %s", at, err);
                return;
            }
            for (size_t i = 0; i < set.count; i++)
                probe_evidence(ctx, request, 0, "%u %s \"%s\"", set.records[i].flags,
                               set.records[i].tag, set.records[i].value);
            if (set.total) {
                judge(ctx, host, at, &set);
                return;
            }
            probe_evidence(ctx, request, 0, "no CAA records");
        }
        at = strchr(at, '.');
        at = at ? at + 1 : NULL;
    }
    if (!probe_should_stop(ctx))
        probe_set(ctx, PROBE_FAIL,
                  "no CAA records for %s or any parent domain: any CA may "
                  "issue certificates for the store's name",
                  host);
}

const struct probe probe_s_caa = {
    .id = "S-CAA",
    .group = GROUP_S,
    .title = "DNS CAA records name the CAs that may issue for the host",
    .severity = SEV_LOW,
    .rationale = "Without CAA records any of the hundreds of public CAs may issue a certificate "
                 "for the store's name; with them, a CA that is not named must refuse.",
    .remediation = "Publish CAA records for the store's domain naming its CA "
                   "(example.com. CAA 0 issue \"letsencrypt.org\"), and an iodef contact.",
    .references = "https://www.rfc-editor.org/rfc/rfc8659",
    .run = run_caa,
};
