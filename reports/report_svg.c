#include "reports/report_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/oom.h"

enum { LEFT = 70, RIGHT = 20, TOP = 30, BOTTOM = 40 };

/* The size of one chart in viewBox units: full width, or a small multiple of a grid. A small
 * one starts its title and legend at the left edge, and spaces its legend by the names'
 * length (legend_step 0) to fit more series in less width. */
struct frame {
    int w, h, legend_step, title_x;
    size_t x_labels, bar_labels; /* at most this many labels on the x axis */
};
static const struct frame full = {800, 240, 150, LEFT, 10, 12}, small = {420, 230, 0, 8, 5, 6};
#define PLOT_W(f) ((f)->w - LEFT - RIGHT)
#define PLOT_H(f) ((f)->h - TOP - BOTTOM)

/* A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
static double nice_max(double v)
{
    if (!(v > 0))
        return 1;
    double p = pow(10, floor(log10(v)));
    for (int i = 0; i < 3; i++) {
        double m = (double[]){1, 2, 5}[i] * p;
        if (v <= m)
            return m;
    }
    return 10 * p;
}

static void open_chart(struct textbuf *b, const struct frame *f, const char *title)
{
    tb_printf(b,
              "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" "
              "xmlns=\"http://www.w3.org/2000/svg\"><title>",
              f->w, f->h);
    tb_add_escaped(b, title);
    tb_printf(b, "</title><text x=\"%d\" y=\"18\" class=\"ct\">", f->title_x);
    tb_add_escaped(b, title);
    tb_add(b, "</text>");
}

static void y_tick(struct textbuf *b, const struct frame *f, double v, double y, svg_fmt_fn fmt)
{
    char label[32];
    fmt(v, label, sizeof label);
    tb_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", LEFT,
              f->w - RIGHT, y, y);
    tb_printf(b, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">", LEFT - 6, y + 4);
    tb_add_escaped(b, label);
    tb_add(b, "</text>");
}

/* Where v goes on the y axis: linear from 0 to ymax, or by decades from ymin to ymax. */
struct y_scale {
    int log;
    double ymin, ymax;
};

static double y_of(const struct frame *f, const struct y_scale *sc, double v)
{
    if (!sc->log)
        return TOP + PLOT_H(f) - PLOT_H(f) * v / sc->ymax;
    double share =
        (log10(fmax(v, sc->ymin)) - log10(sc->ymin)) / (log10(sc->ymax) - log10(sc->ymin));
    return TOP + PLOT_H(f) - PLOT_H(f) * share;
}

static void y_axis(struct textbuf *b, const struct frame *f, const struct y_scale *sc,
                   svg_fmt_fn fmt)
{
    if (!sc->log) {
        for (int i = 0; i <= 4; i++)
            y_tick(b, f, sc->ymax * i / 4, TOP + PLOT_H(f) - PLOT_H(f) * i / 4.0, fmt);
        return;
    }
    for (double v = sc->ymin; v <= sc->ymax * 1.001; v *= 10)
        y_tick(b, f, v, y_of(f, sc, v), fmt);
}

/* Decades around the positive values: from the one at or below the smallest to the one at
 * or above the largest. */
static struct y_scale log_scale(const struct svg_series *series, size_t n)
{
    double lo = INFINITY, hi = 0;
    for (size_t s = 0; s < n; s++)
        for (size_t i = 0; i < series[s].count; i++)
            if (series[s].values[i] > 0) {
                lo = fmin(lo, series[s].values[i]);
                hi = fmax(hi, series[s].values[i]);
            }
    if (!(hi > 0))
        return (struct y_scale){1, 1, 10};
    struct y_scale sc = {1, pow(10, floor(log10(lo))), pow(10, ceil(log10(hi)))};
    if (sc.ymax <= sc.ymin)
        sc.ymax = sc.ymin * 10;
    return sc;
}

void svg_line_chart(struct textbuf *b, const char *title, const struct svg_series *series, size_t n,
                    svg_fmt_fn fmt, const struct svg_band *band)
{
    svg_line_chart_styled(b, title, series, n, fmt, band, &(struct svg_style){0, 0});
}

void svg_line_chart_styled(struct textbuf *b, const char *title, const struct svg_series *series,
                           size_t n, svg_fmt_fn fmt, const struct svg_band *band,
                           const struct svg_style *style)
{
    const struct frame *f = style->small ? &small : &full;
    size_t count = 0;
    double ymax = 0;
    for (size_t s = 0; s < n; s++) {
        if (series[s].count > count)
            count = series[s].count;
        for (size_t i = 0; i < series[s].count; i++)
            ymax = fmax(ymax, series[s].values[i]);
    }
    struct y_scale sc =
        style->log_scale ? log_scale(series, n) : (struct y_scale){0, 0, nice_max(ymax)};
    double xspan = count > 1 ? (double)(count - 1) : 1;
    open_chart(b, f, title);
    if (band && band->to > band->from) {
        double x0 = LEFT + PLOT_W(f) * fmin(band->from, xspan) / xspan;
        double x1 = LEFT + PLOT_W(f) * fmin(band->to, xspan) / xspan;
        tb_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"band\"/>", x0,
                  TOP, x1 - x0, PLOT_H(f));
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"bl\">", x0 + 4, TOP + 12);
        tb_add_escaped(b, band->label);
        tb_add(b, "</text>");
    }
    y_axis(b, f, &sc, fmt);
    size_t step = count > f->x_labels ? (count + f->x_labels - 1) / f->x_labels : 1;
    for (size_t i = 0; i < count; i += step)
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%zus</text>",
                  LEFT + PLOT_W(f) * (double)i / xspan, f->h - BOTTOM + 16, i);
    double lx = f->title_x;
    for (size_t s = 0; s < n; s++) {
        tb_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                  series[s].color);
        for (size_t i = 0; i < series[s].count; i++)
            if (!sc.log || series[s].values[i] > 0)
                tb_printf(b, "%.1f,%.1f ", LEFT + PLOT_W(f) * (double)i / xspan,
                          y_of(f, &sc, series[s].values[i]));
        tb_add(b, "\"/>");
        tb_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", lx,
                  f->h - 12, series[s].color);
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"lg\">", lx + 16, f->h - 7);
        tb_add_escaped(b, series[s].name);
        tb_add(b, "</text>");
        /* About 6.5 units a character at the legend's 12px. */
        lx += f->legend_step ? f->legend_step : 28 + 6.5 * (double)strlen(series[s].name);
    }
    tb_add(b, "</svg></figure>\n");
}

/* order[0..n) = 0..n-1 sorted by xs (n is a handful of steps: insertion sort). */
static void sort_by_x(size_t *order, const double *xs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        for (; k > 0 && xs[order[k - 1]] > xs[i]; k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
}

void svg_xy_chart(struct textbuf *b, const char *title, const double *xs, const double *ys,
                  size_t n, const char *x_unit, svg_fmt_fn fmt_y, size_t mark,
                  const char *mark_label, const char *color)
{
    double xmax = 0, ymax = 0;
    for (size_t i = 0; i < n; i++) {
        xmax = fmax(xmax, xs[i]);
        ymax = fmax(ymax, ys[i]);
    }
    xmax = nice_max(xmax);
    const struct frame *f = &full;
    struct y_scale sc = {0, 0, nice_max(ymax)};
    open_chart(b, f, title);
    y_axis(b, f, &sc, fmt_y);
    for (int i = 0; i <= 4; i++)
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%g%s</text>",
                  LEFT + PLOT_W(f) * i / 4.0, f->h - BOTTOM + 16, xmax * i / 4,
                  i == 4 ? x_unit : "");
    size_t *order = xcalloc(n + 1, sizeof *order);
    sort_by_x(order, xs, n);
    tb_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
    for (size_t k = 0; k < n; k++)
        tb_printf(b, "%.1f,%.1f ", LEFT + PLOT_W(f) * xs[order[k]] / xmax,
                  y_of(f, &sc, ys[order[k]]));
    tb_add(b, "\"/>");
    free(order);
    for (size_t i = 0; i < n; i++)
        tb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                  LEFT + PLOT_W(f) * xs[i] / xmax, y_of(f, &sc, ys[i]), color);
    if (mark < n) {
        double x = LEFT + PLOT_W(f) * xs[mark] / xmax, y = y_of(f, &sc, ys[mark]);
        tb_printf(b,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\" "
                  "stroke=\"#c0392b\" stroke-width=\"2\" class=\"knee\"/>",
                  x, y);
        tb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"bl\">", x + 10, y - 10);
        tb_add_escaped(b, mark_label);
        tb_add(b, "</text>");
    }
    tb_add(b, "</svg></figure>\n");
}

/* A count axis: 12.5 stays 12.5 (a quarter of 50), not a rounded 12. */
static void fmt_count(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%g", v);
}

void svg_bar_chart(struct textbuf *b, const char *title, const char *const *labels,
                   const double *values, size_t n, const char *color)
{
    svg_bar_chart_styled(b, title, labels, values, n, color, &(struct svg_style){0, 0});
}

void svg_bar_chart_styled(struct textbuf *b, const char *title, const char *const *labels,
                          const double *values, size_t n, const char *color,
                          const struct svg_style *style)
{
    double ymax = 0;
    for (size_t i = 0; i < n; i++)
        ymax = fmax(ymax, values[i]);
    const struct frame *f = style->small ? &small : &full;
    struct y_scale sc = {0, 0, nice_max(ymax)};
    open_chart(b, f, title);
    y_axis(b, f, &sc, fmt_count);
    double slot = n ? (double)PLOT_W(f) / (double)n : PLOT_W(f);
    size_t step = n > f->bar_labels ? (n + f->bar_labels - 1) / f->bar_labels : 1;
    for (size_t i = 0; i < n; i++) {
        double h = PLOT_H(f) * values[i] / sc.ymax;
        tb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                  LEFT + slot * (double)i + 1, TOP + PLOT_H(f) - h, slot > 2 ? slot - 2 : slot, h,
                  color);
        if (i % step)
            continue;
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">", LEFT + slot * (double)i,
                  f->h - BOTTOM + 16);
        tb_add_escaped(b, labels[i]);
        tb_add(b, "</text>");
    }
    tb_add(b, "</svg></figure>\n");
}
