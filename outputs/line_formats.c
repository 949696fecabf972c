#include "outputs/line_formats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

/* 2026-12-06T18:30:01.123Z */
static void rfc3339(int64_t unix_ms, char *buf, size_t len)
{
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03dZ", day, (int)(unix_ms % 1000));
}

int line_json_write(FILE *f, const struct live_samples *s, const struct line_context *c)
{
    char when[48], seg[16];
    rfc3339(c->unix_ms, when, sizeof when);
    snprintf(seg, sizeof seg, "%u", c->segment);
    int rc = 0;
    for (size_t i = 0; i < s->count && !rc; i++) {
        const struct live_sample *x = &s->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "Point");
        cJSON_AddStringToObject(o, "metric", x->name);
        cJSON *d = cJSON_AddObjectToObject(o, "data");
        cJSON_AddStringToObject(d, "time", when);
        cJSON_AddNumberToObject(d, "value", x->value);
        cJSON *tags = cJSON_AddObjectToObject(d, "tags");
        cJSON_AddStringToObject(tags, "run_id", c->run_id);
        cJSON_AddStringToObject(tags, "segment", seg);
        for (size_t k = 0; k < x->label_count; k++)
            cJSON_AddStringToObject(tags, x->labels[k].name, x->labels[k].value);
        char *line = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!line || fprintf(f, "%s\n", line) < 0)
            rc = -1;
        free(line);
    }
    return rc;
}

static const char *const csv_labels[] = {"scenario", "step", "status", "class", "reason", "le"};
enum { CSV_LABELS = sizeof csv_labels / sizeof *csv_labels };

int line_csv_header(FILE *f)
{
    if (fputs("metric_name,timestamp,metric_value,run_id,segment", f) < 0)
        return -1;
    for (size_t i = 0; i < CSV_LABELS; i++)
        if (fprintf(f, ",%s", csv_labels[i]) < 0)
            return -1;
    return fputc('\n', f) < 0 ? -1 : 0;
}

/* A field as RFC 4180 has it: quoted, quotes doubled, when it holds a comma, quote or line
 * break. */
static void csv_field(FILE *f, const char *v)
{
    fputc(',', f);
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
}

/* The shortest of 15 or 17 significant digits that reads back as the same value. */
static void csv_number(FILE *f, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, f);
}

int line_csv_write(FILE *f, const struct live_samples *s, const struct line_context *c)
{
    for (size_t i = 0; i < s->count; i++) {
        const struct live_sample *x = &s->items[i];
        fprintf(f, "%s,%lld.%03d,", x->name, (long long)(c->unix_ms / 1000),
                (int)(c->unix_ms % 1000));
        csv_number(f, x->value);
        csv_field(f, c->run_id);
        fprintf(f, ",%u", c->segment);
        for (size_t k = 0; k < CSV_LABELS; k++) {
            const char *v = "";
            for (size_t j = 0; j < x->label_count; j++)
                if (strcmp(x->labels[j].name, csv_labels[k]) == 0)
                    v = x->labels[j].value;
            csv_field(f, v);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}
