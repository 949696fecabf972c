#include "reports/report_page.h"

#include "reports/report_doc.h"

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
    "max-width:1100px;padding:16px 24px;color:#1d232a;background:#fff}"
    "h1{margin:0 0 4px;font-size:28px}h2{border-bottom:2px solid #d8dde3;padding-bottom:4px;"
    "margin-top:32px}h3{margin:20px 0 8px}"
    ".verdict{padding:16px 20px;border-radius:8px;border:2px solid}"
    ".v-passed{background:#e9f7ee;border-color:#2e8540}.v-failed{background:#fdecea;"
    "border-color:#c62828}.v-incomplete,.v-interrupted{background:#fff6e0;border-color:#b26a00}"
    ".meta{color:#4a5561;margin:0}ul.reasons{margin:8px 0 0;padding-left:20px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;"
    "padding:4px 8px;border-bottom:1px solid #e3e7eb;vertical-align:top}"
    "th{background:#f3f5f7}.num,table.nums th,table.nums td{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    ".grade{display:inline-block;min-width:2.2em;text-align:center;font-weight:700;"
    "border-radius:4px;padding:1px 6px;color:#fff}.g-A,.g-Ap{background:#2e8540}"
    ".g-B{background:#6a9a1f}.g-C{background:#b26a00}.g-D{background:#d0550b}"
    ".g-F{background:#c62828}.g-none{background:#8a949e}"
    ".st{font-weight:700;text-transform:uppercase;font-size:12px;padding:1px 5px;"
    "border-radius:3px;border:1px solid}.st-fail,.st-error{color:#c62828}"
    ".st-warn{color:#b26a00}.st-pass{color:#2e8540}.st-skip{color:#5b6670}"
    ".st-accepted{color:#3559a8}"
    ".card{border:1px solid #d8dde3;border-left:5px solid #8a949e;border-radius:6px;"
    "padding:8px 12px;margin:10px 0;break-inside:avoid}.c-fail,.c-error{border-left-color:"
    "#c62828}.c-warn{border-left-color:#b26a00}.c-accepted{border-left-color:#3559a8}"
    ".card p{margin:4px 0}.ev{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;"
    "white-space:pre-wrap;word-break:break-all}.small{color:#5b6670;font-size:13px}"
    ".chart{margin:12px 0}.chart svg{width:100%;height:auto}.ct{font-size:14px;"
    "font-weight:700}.yl{font-size:11px;text-anchor:end;fill:#4a5561}.xl{font-size:11px;"
    "fill:#4a5561}.lg{font-size:12px}.grid{stroke:#e3e7eb}.band{fill:#fdecea}"
    ".bl{font-size:11px;fill:#c62828}"
    ".card code{overflow-wrap:anywhere}"
    "@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}"
    ".verdict,.card,.chart,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}";

void report_page_open(struct textbuf *b)
{
    tb_add(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              "<title>");
}

void report_page_body(struct textbuf *b, const char *extra_style)
{
    tb_printf(b, "</title><style>%s%s</style></head><body>\n", style, extra_style);
}

void report_page_close(struct textbuf *b, const char *tool_version, double schema_version)
{
    tb_add(b, "<footer class=\"small\"><p>storecheck ");
    tb_add_escaped(b, tool_version);
    tb_printf(b, ", report schema %.0f</p></footer>\n</body></html>", schema_version);
}
