#include "reports/report_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/oom.h"

enum { W = 800, H = 240, LEFT = 70, RIGHT = 20, TOP = 30, BOTTOM = 40 };
#define PLOT_W (W - LEFT - RIGHT)
#define PLOT_H (H - TOP - BOTTOM)

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

static void open_chart(struct textbuf *b, const char *title)
{
    tb_printf(b,
              "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" "
              "xmlns=\"http://www.w3.org/2000/svg\"><title>",
              W, H);
    tb_add_escaped(b, title);
    tb_printf(b, "</title><text x=\"%d\" y=\"18\" class=\"ct\">", LEFT);
    tb_add_escaped(b, title);
    tb_add(b, "</text>");
}

static void y_axis(struct textbuf *b, double ymax, svg_fmt_fn fmt)
{
    for (int i = 0; i <= 4; i++) {
        double v = ymax * i / 4;
        double y = TOP + PLOT_H - PLOT_H * i / 4.0;
        char label[32];
        fmt(v, label, sizeof label);
        tb_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", LEFT,
                  W - RIGHT, y, y);
        tb_printf(b, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">", LEFT - 6, y + 4);
        tb_add_escaped(b, label);
        tb_add(b, "</text>");
    }
}

void svg_line_chart(struct textbuf *b, const char *title, const struct svg_series *series, size_t n,
                    svg_fmt_fn fmt, const struct svg_band *band)
{
    size_t count = 0;
    double ymax = 0;
    for (size_t s = 0; s < n; s++) {
        if (series[s].count > count)
            count = series[s].count;
        for (size_t i = 0; i < series[s].count; i++)
            ymax = fmax(ymax, series[s].values[i]);
    }
    ymax = nice_max(ymax);
    double xspan = count > 1 ? (double)(count - 1) : 1;
    open_chart(b, title);
    if (band && band->to > band->from) {
        double x0 = LEFT + PLOT_W * fmin(band->from, xspan) / xspan;
        double x1 = LEFT + PLOT_W * fmin(band->to, xspan) / xspan;
        tb_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"band\"/>", x0,
                  TOP, x1 - x0, PLOT_H);
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"bl\">", x0 + 4, TOP + 12);
        tb_add_escaped(b, band->label);
        tb_add(b, "</text>");
    }
    y_axis(b, ymax, fmt);
    size_t step = count > 10 ? (count + 9) / 10 : 1;
    for (size_t i = 0; i < count; i += step)
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%zus</text>",
                  LEFT + PLOT_W * (double)i / xspan, H - BOTTOM + 16, i);
    for (size_t s = 0; s < n; s++) {
        tb_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                  series[s].color);
        for (size_t i = 0; i < series[s].count; i++)
            tb_printf(b, "%.1f,%.1f ", LEFT + PLOT_W * (double)i / xspan,
                      TOP + PLOT_H - PLOT_H * series[s].values[i] / ymax);
        tb_add(b, "\"/>");
        double lx = LEFT + 150.0 * (double)s;
        tb_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", lx,
                  H - 12, series[s].color);
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"lg\">", lx + 16, H - 7);
        tb_add_escaped(b, series[s].name);
        tb_add(b, "</text>");
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
    ymax = nice_max(ymax);
    open_chart(b, title);
    y_axis(b, ymax, fmt_y);
    for (int i = 0; i <= 4; i++)
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%g%s</text>",
                  LEFT + PLOT_W * i / 4.0, H - BOTTOM + 16, xmax * i / 4, i == 4 ? x_unit : "");
    size_t *order = xcalloc(n + 1, sizeof *order);
    sort_by_x(order, xs, n);
    tb_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
    for (size_t k = 0; k < n; k++)
        tb_printf(b, "%.1f,%.1f ", LEFT + PLOT_W * xs[order[k]] / xmax,
                  TOP + PLOT_H - PLOT_H * ys[order[k]] / ymax);
    tb_add(b, "\"/>");
    free(order);
    for (size_t i = 0; i < n; i++)
        tb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                  LEFT + PLOT_W * xs[i] / xmax, TOP + PLOT_H - PLOT_H * ys[i] / ymax, color);
    if (mark < n) {
        double x = LEFT + PLOT_W * xs[mark] / xmax, y = TOP + PLOT_H - PLOT_H * ys[mark] / ymax;
        tb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\" "
                     "stroke=\"#c0392b\" stroke-width=\"2\" class=\"knee\"/>",
                  x, y);
        tb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"bl\">", x + 10, y - 10);
        tb_add_escaped(b, mark_label);
        tb_add(b, "</text>");
    }
    tb_add(b, "</svg></figure>\n");
}

static void fmt_count(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.0f", v);
}

void svg_bar_chart(struct textbuf *b, const char *title, const char *const *labels,
                   const double *values, size_t n, const char *color)
{
    double ymax = 0;
    for (size_t i = 0; i < n; i++)
        ymax = fmax(ymax, values[i]);
    ymax = nice_max(ymax);
    open_chart(b, title);
    y_axis(b, ymax, fmt_count);
    double slot = n ? (double)PLOT_W / (double)n : PLOT_W;
    size_t step = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i++) {
        double h = PLOT_H * values[i] / ymax;
        tb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                  LEFT + slot * (double)i + 1, TOP + PLOT_H - h, slot > 2 ? slot - 2 : slot, h,
                  color);
        if (i % step)
            continue;
        tb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">", LEFT + slot * (double)i,
                  H - BOTTOM + 16);
        tb_add_escaped(b, labels[i]);
        tb_add(b, "</text>");
    }
    tb_add(b, "</svg></figure>\n");
}
