#include "scenario/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/oom.h"
#include "loadgen/result.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Compile a template whose values are escaped for where it goes. */
static struct template *compile(struct plan *p, const char *src, enum tpl_escape escape,
                                const char *what, const char *scenario, size_t j, char *err,
                                size_t errlen)
{
    struct parse_error pe;
    struct template *t = template_compile(src, strlen(src), &p->schema, &pe);
    if (!t)
        fail(err, errlen, "load.scenarios.%s[%zu].%s: %s (column %d)", scenario, j, what, pe.msg,
             pe.col);
    else
        template_set_escape(t, escape);
    return t;
}

static enum tpl_escape body_escape(enum body_kind kind)
{
    return kind == BODY_JSON ? TPL_JSON : kind == BODY_FORM ? TPL_FORM : TPL_RAW;
}

/* How HTTP/2 sends the header `name`: Host as the authority, a field of an HTTP/1.1 connection
 * not at all, any other as a field named in lower case. */
static void header_role(struct plan_header *h)
{
    size_t len = strlen(h->name);
    h->host = strcasecmp(h->name, "Host") == 0;
    if (h->host || request_field_hop_by_hop(h->name, len))
        return;
    h->field_name = xmalloc(len + 1);
    request_field_name_lower(h->field_name, h->name, len);
    h->field_name[len] = '\0';
    h->field_name_len = (uint32_t)len;
}

static int build_step(struct plan *p, const struct step *in, struct plan_step *st,
                      const char *scenario, size_t j, char *err, size_t errlen)
{
    st->name = in->name ? in->name : "";
    st->method = in->method ? in->method : "GET";
    st->no_body_response = strcasecmp(st->method, "HEAD") == 0;
    st->path = compile(p, in->path ? in->path : "/", TPL_PATH, "path", scenario, j, err, errlen);
    if (!st->path)
        return -1;
    st->headers = xcalloc(in->headers.count + 1, sizeof *st->headers);
    for (size_t h = 0; h < in->headers.count; h++) {
        const struct kv *kv = &in->headers.items[h];
        st->headers[h].name = kv->key;
        st->headers[h].value = compile(p, kv->value, TPL_HEADER, kv->key, scenario, j, err, errlen);
        if (!st->headers[h].value)
            return -1;
        st->header_count++;
        header_role(&st->headers[h]);
        st->field_count += st->headers[h].field_name != NULL;
    }
    if (in->body_kind != BODY_NONE && in->body) {
        st->body =
            compile(p, in->body, body_escape(in->body_kind), "body", scenario, j, err, errlen);
        if (!st->body)
            return -1;
        int typed = 0;
        for (size_t h = 0; h < in->headers.count; h++)
            typed |= strcasecmp(in->headers.items[h].key, "Content-Type") == 0;
        if (!typed && in->body_kind == BODY_JSON)
            st->content_type = "application/json";
        else if (!typed && in->body_kind == BODY_FORM)
            st->content_type = "application/x-www-form-urlencoded";
    }
    st->field_count +=
        (uint32_t)p->fixed_field_count + (st->content_type != NULL) + (st->body != NULL);
    st->expect = in->expect;
    st->expect_count = in->expect_count;
    st->extracts = xcalloc(in->extraction_count + 1, sizeof *st->extracts);
    for (size_t x = 0; x < in->extraction_count; x++) {
        const struct extraction *e = &in->extractions[x];
        struct plan_extract *pe = &st->extracts[x];
        pe->var = vars_schema_intern(&p->schema, e->var, strlen(e->var));
        pe->source = e->source;
        pe->name = e->expr;
        st->extract_count++;
        if (e->source == EXTRACT_JSON) {
            struct parse_error jerr;
            pe->path = jsonpath_compile(e->expr, strlen(e->expr), &jerr);
            if (!pe->path)
                return fail(err, errlen, "load.scenarios.%s[%zu].extract.%s: %s", scenario, j,
                            e->var, jerr.msg);
        }
    }
    if (in->check_count > LG_STEP_CHECKS_MAX)
        return fail(err, errlen, "load.scenarios.%s[%zu].check: more than %d checks", scenario, j,
                    LG_STEP_CHECKS_MAX);
    st->checks = xcalloc(in->check_count + 1, sizeof *st->checks);
    for (size_t k = 0; k < in->check_count; k++) {
        const char *expr = in->checks[k].expr;
        struct parse_error cerr;
        struct plan_check *pc = &st->checks[st->check_count];
        pc->expr = expr;
        pc->check = check_compile(expr, strlen(expr), &cerr);
        if (!pc->check)
            return fail(err, errlen, "load.scenarios.%s[%zu].check[%zu]: %s", scenario, j, k,
                        cerr.msg);
        st->check_count++;
    }
    st->think_min_us = in->think_min_ms * 1000;
    st->think_max_us = in->think_max_ms * 1000;
    st->graphql_judge = in->graphql && in->graphql_errors == GRAPHQL_ERRORS_FAIL;
    static const char *const default_error_typenames[] = {"Error", "ErrorResult"};
    st->error_typenames = default_error_typenames;
    st->error_typename_count = 2;
    if (in->graphql_error_typenames) {
        st->error_typenames = in->graphql_error_typenames->items;
        st->error_typename_count = in->graphql_error_typenames->count;
    }
    return 0;
}

static int build_feeders(struct plan *p, const struct load *load, char *err, size_t errlen)
{
    p->feeders = xcalloc(load->feeder_count + 1, sizeof *p->feeders);
    for (size_t i = 0; i < load->feeder_count; i++) {
        const struct feeder *f = &load->feeders[i];
        struct parse_error pe;
        struct feeder_data *d = f->file ? feeder_load(f->file, &pe) : NULL;
        if (!d)
            return fail(err, errlen, "load.feeders.%s: %s", f->name, f->file ? pe.msg : "no file");
        struct plan_feeder *pf = &p->feeders[p->feeder_count++];
        pf->name = f->name;
        pf->data = d;
        pf->mode = f->mode;
        pf->ids = xcalloc(d->ncols + 1, sizeof *pf->ids);
        pf->named_ids = xcalloc(d->ncols + 1, sizeof *pf->named_ids);
        feeder_bind(d, NULL, &p->schema, pf->ids);
        feeder_bind(d, f->name, &p->schema, pf->named_ids);
    }
    return 0;
}

static int build_mix(struct plan *p, const struct mix *mix, char *err, size_t errlen)
{
    size_t n = mix && mix->count ? mix->count : p->scenario_count;
    p->mix.items = xcalloc(n, sizeof *p->mix.items);
    p->mix.count = n;
    p->mix_scenario = xcalloc(n, sizeof *p->mix_scenario);
    for (size_t i = 0; i < n; i++) {
        if (!mix || !mix->count) {
            p->mix.items[i] = (struct mix_entry){.name = p->scenarios[i].name, .weight = 1};
            p->mix_scenario[i] = i;
            continue;
        }
        p->mix.items[i] = mix->items[i];
        size_t s = 0;
        while (s < p->scenario_count && strcmp(p->scenarios[s].name, mix->items[i].name) != 0)
            s++;
        if (s == p->scenario_count)
            return fail(err, errlen,
                        "the profile's mix names '%s', which is not in "
                        "load.scenarios",
                        mix->items[i].name);
        p->mix_scenario[i] = s;
    }
    if (mix_prepare(&p->mix))
        return fail(err, errlen, "the mix gives no scenario a weight above 0");
    return 0;
}

/* Record the fixed head's line "Name: value" at p->fixed_head + at as its parts. */
static void fixed_part(struct plan *p, size_t at, size_t line_len, char **names)
{
    const char *line = p->fixed_head + at, *colon = memchr(line, ':', line_len);
    if (!colon)
        return;
    size_t nlen = (size_t)(colon - line), v = nlen + 1;
    while (v < line_len && (line[v] == ' ' || line[v] == '\t'))
        v++;
    struct request_span value = {(uint32_t)(at + v), (uint32_t)(line_len - v)};
    if (nlen == 4 && strncasecmp(line, "Host", 4) == 0) {
        p->fixed_authority = value;
    } else if (!request_field_hop_by_hop(line, nlen)) {
        request_field_name_lower(*names, line, nlen);
        p->fixed_fields[p->fixed_field_count++] =
            (struct request_field){*names, (uint32_t)nlen, value};
        *names += nlen;
    }
}

static void build_fixed_head(struct plan *p, const struct url *base, const char *const *headers,
                             size_t header_count)
{
    char host[URL_HOST_MAX + 16];
    url_host_header(base, host, sizeof host);
    size_t len = strlen("Host: \r\n") + strlen(host) + 1, names_len = 1;
    for (size_t i = 0; i < header_count; i++) {
        len += strlen(headers[i]) + 2;
        names_len += strlen(headers[i]);
    }
    p->fixed_head = xmalloc(len);
    p->fixed_fields = xcalloc(header_count + 1, sizeof *p->fixed_fields);
    char *names = p->fixed_names = xmalloc(names_len);
    int n = snprintf(p->fixed_head, len, "Host: %s\r\n", host);
    p->fixed_len = (size_t)n;
    p->fixed_authority = (struct request_span){6, (uint32_t)strlen(host)};
    for (size_t i = 0; i < header_count; i++) {
        size_t hl = strlen(headers[i]);
        memcpy(p->fixed_head + p->fixed_len, headers[i], hl);
        memcpy(p->fixed_head + p->fixed_len + hl, "\r\n", 2);
        fixed_part(p, p->fixed_len, hl, &names);
        p->fixed_len += hl + 2;
    }
    p->tls = base->tls;
    snprintf(p->prefix, sizeof p->prefix, "%s", base->path);
    char *q = strchr(p->prefix, '?');
    if (q)
        *q = '\0';
    size_t pl = strlen(p->prefix);
    while (pl && p->prefix[pl - 1] == '/')
        p->prefix[--pl] = '\0';
}

int plan_build(struct plan *p, const struct load *load, const struct url *base,
               const char *const *headers, size_t header_count, const struct mix *mix, char *err,
               size_t errlen)
{
    memset(p, 0, sizeof *p);
    vars_schema_init(&p->schema);
    p->seed = load->seed;
    build_fixed_head(p, base, headers, header_count);
    if (load->scenario_count == 0) {
        fail(err, errlen, "no scenarios in load.scenarios");
        goto fail;
    }
    if (build_feeders(p, load, err, errlen))
        goto fail;
    p->scenarios = xcalloc(load->scenario_count, sizeof *p->scenarios);
    for (size_t s = 0; s < load->scenario_count; s++)
        p->step_count += load->scenarios[s].step_count;
    p->steps = xcalloc(p->step_count + 1, sizeof *p->steps);
    size_t k = 0;
    for (size_t s = 0; s < load->scenario_count; s++) {
        const struct scenario *in = &load->scenarios[s];
        struct plan_scenario *ps = &p->scenarios[p->scenario_count++];
        ps->name = in->name;
        ps->steps = xcalloc(in->step_count + 1, sizeof *ps->steps);
        if (in->step_count == 0) {
            fail(err, errlen, "load.scenarios.%s has no steps", in->name);
            goto fail;
        }
        for (size_t j = 0; j < in->step_count; j++) {
            struct plan_step *st = &ps->steps[ps->step_count++];
            st->index = (uint32_t)k;
            p->steps[k++] = st;
            if (build_step(p, &in->steps[j], st, in->name, j, err, errlen))
                goto fail;
        }
    }
    if (build_mix(p, mix, err, errlen))
        goto fail;
    return 0;
fail:
    plan_free(p);
    return -1;
}

void plan_free(struct plan *p)
{
    for (size_t s = 0; s < p->scenario_count; s++) {
        struct plan_scenario *ps = &p->scenarios[s];
        for (size_t j = 0; j < ps->step_count; j++) {
            struct plan_step *st = &ps->steps[j];
            template_free(st->path);
            for (size_t h = 0; h < st->header_count; h++) {
                template_free(st->headers[h].value);
                free(st->headers[h].field_name);
            }
            free(st->headers);
            template_free(st->body);
            for (size_t x = 0; x < st->extract_count; x++)
                jsonpath_free(st->extracts[x].path);
            free(st->extracts);
            for (size_t k = 0; k < st->check_count; k++)
                check_free(st->checks[k].check);
            free(st->checks);
        }
        free(ps->steps);
    }
    free(p->scenarios);
    free(p->steps);
    for (size_t i = 0; i < p->feeder_count; i++) {
        feeder_free(p->feeders[i].data);
        free(p->feeders[i].ids);
        free(p->feeders[i].named_ids);
    }
    free(p->feeders);
    free(p->mix.items);
    free(p->mix_scenario);
    free(p->fixed_head);
    free(p->fixed_fields);
    free(p->fixed_names);
    vars_schema_free(&p->schema);
    memset(p, 0, sizeof *p);
}

size_t plan_pick(const struct plan *p, uint64_t seed, uint64_t index)
{
    return p->mix_scenario[mix_pick_at(&p->mix, seed, index)];
}

/* Append src[0..n) at *off; -1 when it does not fit. */
static int put(char *buf, size_t cap, size_t *off, const char *src, size_t n)
{
    if (n > cap - *off)
        return -1;
    memcpy(buf + *off, src, n);
    *off += n;
    return 0;
}

static int put_str(char *buf, size_t cap, size_t *off, const char *s)
{
    return put(buf, cap, off, s, strlen(s));
}

/* Render a template at *off. */
static enum tpl_status put_tpl(const struct template *t, const struct tpl_ctx *ctx, char *buf,
                               size_t cap, size_t *off, int *unset_var)
{
    size_t n = 0;
    enum tpl_status rc = template_render(t, ctx, buf + *off, cap - *off, &n, unset_var);
    if (rc == TPL_OK)
        *off += n;
    return rc;
}

/* The stretch of buf from `from` to *off. */
static struct request_span since(size_t from, size_t off)
{
    return (struct request_span){(uint32_t)from, (uint32_t)(off - from)};
}

enum tpl_status plan_render(const struct plan *p, const struct plan_step *st,
                            const struct tpl_ctx *ctx, const struct cookie_jar *jar, char *buf,
                            size_t cap, char *scratch, size_t scratch_cap, size_t *len,
                            struct request_parts *parts, int *unset_var)
{
    size_t body_len = 0;
    enum tpl_status rc;
    if (st->body &&
        (rc = template_render(st->body, ctx, scratch, scratch_cap, &body_len, unset_var)))
        return rc;
    /* The fields go at the end of buf; the request's bytes get what is left before them. */
    int cookie = jar && cookie_jar_count(jar);
    size_t nfields = st->field_count + (size_t)cookie;
    uintptr_t end = ((uintptr_t)buf + cap) & ~(uintptr_t)(_Alignof(struct request_field) - 1);
    if (end < (uintptr_t)buf || (end - (uintptr_t)buf) / sizeof(struct request_field) < nfields)
        return TPL_ERR_SPACE;
    struct request_field *fields = (struct request_field *)end - nfields, *f = fields;
    cap = (size_t)((char *)fields - buf);
    *parts = (struct request_parts){.fields = fields, .tls = (uint8_t)p->tls};

    size_t off = 0, at;
    if (put_str(buf, cap, &off, st->method))
        return TPL_ERR_SPACE;
    parts->method = since(0, off);
    if (put(buf, cap, &off, " ", 1) || put_str(buf, cap, &off, p->prefix))
        return TPL_ERR_SPACE;
    at = parts->method.len + 1;
    if ((rc = put_tpl(st->path, ctx, buf, cap, &off, unset_var)))
        return rc;
    parts->path = since(at, off);
    at = off + 11;
    if (put(buf, cap, &off, " HTTP/1.1\r\n", 11) ||
        put(buf, cap, &off, p->fixed_head, p->fixed_len))
        return TPL_ERR_SPACE;
    parts->authority =
        (struct request_span){(uint32_t)at + p->fixed_authority.off, p->fixed_authority.len};
    for (size_t i = 0; i < p->fixed_field_count; i++) {
        *f = p->fixed_fields[i];
        f++->value.off += (uint32_t)at;
    }
    for (size_t h = 0; h < st->header_count; h++) {
        const struct plan_header *ph = &st->headers[h];
        if (put_str(buf, cap, &off, ph->name) || put(buf, cap, &off, ": ", 2))
            return TPL_ERR_SPACE;
        at = off;
        if ((rc = put_tpl(ph->value, ctx, buf, cap, &off, unset_var)))
            return rc;
        if (ph->host)
            parts->authority = since(at, off);
        else if (ph->field_name)
            *f++ = (struct request_field){ph->field_name, ph->field_name_len, since(at, off)};
        if (put(buf, cap, &off, "\r\n", 2))
            return TPL_ERR_SPACE;
    }
    if (cookie) {
        size_t n = 0;
        if (put(buf, cap, &off, "Cookie: ", 8) || cookie_jar_header(jar, buf + off, cap - off, &n))
            return TPL_ERR_SPACE;
        *f++ = (struct request_field){"cookie", 6, since(off, off + n)};
        off += n;
        if (put(buf, cap, &off, "\r\n", 2))
            return TPL_ERR_SPACE;
    }
    if (st->content_type) {
        if (put(buf, cap, &off, "Content-Type: ", 14))
            return TPL_ERR_SPACE;
        at = off;
        if (put_str(buf, cap, &off, st->content_type) || put(buf, cap, &off, "\r\n", 2))
            return TPL_ERR_SPACE;
        *f++ = (struct request_field){"content-type", 12, since(at, off - 2)};
    }
    if (st->body) {
        char cl[48];
        int n = snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", body_len);
        if (put(buf, cap, &off, cl, (size_t)n))
            return TPL_ERR_SPACE;
        *f++ = (struct request_field){"content-length", 14, since(off - (size_t)n + 16, off - 2)};
    }
    if (put(buf, cap, &off, "\r\n", 2))
        return TPL_ERR_SPACE;
    parts->body = (struct request_span){(uint32_t)off, (uint32_t)body_len};
    if (put(buf, cap, &off, scratch, body_len))
        return TPL_ERR_SPACE;
    parts->field_count = (uint32_t)(f - fields);
    *len = off;
    return TPL_OK;
}

int plan_status_ok(const struct plan_step *st, int status)
{
    if (st->expect_count == 0)
        return status >= 200 && status < 400;
    for (size_t i = 0; i < st->expect_count; i++)
        if (st->expect[i] == status)
            return 1;
    return 0;
}
