/*
 * Inline SVG charts for the HTML report: drawn as text, no script, no external fonts, sized by
 * a viewBox so they scale to the page and print.
 */
#ifndef STORECHECK_REPORTS_REPORT_SVG_H
#define STORECHECK_REPORTS_REPORT_SVG_H

#include <stddef.h>

#include "reports/textbuf.h"

struct svg_series {
    const char *name;
    const double *values; /* one per second */
    size_t count;
    const char *color; /* a CSS colour */
};

/* A shaded span of seconds on a line chart (the injected fault). */
struct svg_band {
    double from, to;
    const char *label;
};

typedef void (*svg_fmt_fn)(double v, char *buf, size_t len);

/* Lines over seconds 0..count-1, y from 0 to the largest value; band may be NULL. */
void svg_line_chart(struct textbuf *b, const char *title, const struct svg_series *series, size_t n,
                    svg_fmt_fn fmt, const struct svg_band *band);

/* Points (xs[i], ys[i]) joined in order of x, both axes from 0; the point at index mark (when
 * below n) is ringed and labelled with mark_label. x_unit follows the x axis' numbers. */
void svg_xy_chart(struct textbuf *b, const char *title, const double *xs, const double *ys,
                  size_t n, const char *x_unit, svg_fmt_fn fmt_y, size_t mark,
                  const char *mark_label, const char *color);

/* How a line chart is drawn. */
struct svg_style {
    /* y by decades (1, 10, 100, ...) instead of from 0: a p50 of 2ms stays readable beside a
     * p99 of 900ms. Values of 0 (a second without data) get no point. */
    int log_scale;
    /* A small multiple: a narrower chart for a grid of them, readable on a phone. */
    int small;
};

/* svg_line_chart drawn as style says. */
void svg_line_chart_styled(struct textbuf *b, const char *title, const struct svg_series *series,
                           size_t n, svg_fmt_fn fmt, const struct svg_band *band,
                           const struct svg_style *style);

/* One bar per label. */
void svg_bar_chart(struct textbuf *b, const char *title, const char *const *labels,
                   const double *values, size_t n, const char *color);
/* svg_bar_chart, small as style says (its log_scale is not used). */
void svg_bar_chart_styled(struct textbuf *b, const char *title, const char *const *labels,
                          const double *values, size_t n, const char *color,
                          const struct svg_style *style);

#endif
