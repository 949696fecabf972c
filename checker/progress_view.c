#include "checker/progress_view.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/units.h"

enum { BAR_MAX = 24, BAR_MIN = 10, MIN_WIDTH = 20, TEXT_MAX = 512 };

/* Appends to a line that may not grow past its cap (the width, or the buffer). */
struct line {
    char *buf;
    size_t len, cap;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
    if (l->len >= l->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, l->cap - l->len + 1, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n < l->cap - l->len ? (size_t)n : l->cap - l->len;
}

static struct line line_of(char *buf, size_t len, int width)
{
    size_t cols = (size_t)(width < MIN_WIDTH ? MIN_WIDTH : width) - 1;
    struct line l = {buf, 0, len ? len - 1 : 0};
    if (l.cap > cols)
        l.cap = cols;
    if (len)
        buf[0] = '\0';
    return l;
}

/* Whole seconds, as a clock that ticks once a second shows them: "7s", "2m05s". */
static void seconds(char *buf, size_t len, uint64_t us)
{
    unsigned long long s = us / 1000000;
    if (s < 60)
        snprintf(buf, len, "%llus", s);
    else
        snprintf(buf, len, "%llum%02llus", s / 60, s % 60);
}

size_t progress_format_audit(char *buf, size_t len, const struct progress_audit_view *v, int width)
{
    struct line l = line_of(buf, len, width);
    char el[32];
    seconds(el, sizeof el, v->elapsed_ms * 1000);
    add(&l, "%s  %zu/%zu probes done  %s", v->phase, v->done, v->total, el);
    if (!v->running_count)
        return l.len;
    add(&l, "  running: ");
    for (size_t i = 0; i < v->running_count; i++) {
        /* Room for this id and for the count of those that do not fit after it. */
        size_t left = v->running_count - i - 1;
        int more = left ? snprintf(NULL, 0, " +%zu", left) : 0;
        size_t need = strlen(v->running[i]) + (i ? 2 : 0) + (size_t)more;
        if (i && l.len + need > l.cap) {
            add(&l, " +%zu", v->running_count - i);
            break;
        }
        add(&l, "%s%s", i ? ", " : "", v->running[i]);
    }
    return l.len;
}

static void bar(struct line *l, uint64_t done, uint64_t total, size_t width)
{
    size_t filled = total ? (size_t)(done >= total ? width : done * width / total) : 0;
    char b[BAR_MAX + 1];
    for (size_t i = 0; i < width; i++)
        b[i] = i < filled ? '=' : i == filled ? '>' : ' ';
    b[width] = '\0';
    add(l, "[%s]", b);
}

size_t progress_format_load(char *buf, size_t len, const struct progress_load_view *v, int width)
{
    /* The numbers first: the bar gives up room for them on a narrow terminal. */
    char tail[TEXT_MAX], el[32], total[32];
    struct line t = line_of(tail, sizeof tail, TEXT_MAX);
    seconds(el, sizeof el, v->elapsed_us);
    seconds(total, sizeof total, v->duration_us);
    add(&t, " %s/%s  %s %llu/%llu", el, total, v->users ? "users" : "connections",
        (unsigned long long)v->active, (unsigned long long)v->most);
    if (v->iterations_kept)
        add(&t, "  iterations %llu (%llu failed)", (unsigned long long)v->iterations,
            (unsigned long long)v->iterations_failed);
    add(&t, "  %llu req/s", (unsigned long long)v->rate);
    if (v->p95_us) {
        char p95[32];
        units_format_duration_us(v->p95_us, p95, sizeof p95);
        add(&t, "  p95 %s", p95);
    }
    add(&t, "  errors %llu", (unsigned long long)v->errors);
    if (v->extra && *v->extra)
        add(&t, "  %s", v->extra);

    struct line l = line_of(buf, len, width);
    size_t fixed = strlen(v->phase) + 3 + t.len, room = l.cap > fixed ? l.cap - fixed : 0;
    size_t bar_len = room < BAR_MIN ? BAR_MIN : room > BAR_MAX ? BAR_MAX : room;
    add(&l, "%s ", v->phase);
    bar(&l, v->elapsed_us, v->duration_us, bar_len);
    add(&l, "%s", tail);
    if (fixed + bar_len > l.cap) { /* cut: end at the last whole number, not inside one */
        size_t numbers = strlen(v->phase) + 3 + bar_len; /* past the bar and its blanks */
        char *gap = NULL;
        for (char *p = strstr(buf + (numbers < l.len ? numbers : l.len), "  "); p;
             p = strstr(p + 1, "  "))
            gap = p;
        if (gap) {
            *gap = '\0';
            l.len = (size_t)(gap - buf);
        }
    }
    return l.len;
}
