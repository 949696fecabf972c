#include "pages.h"

#include <stdlib.h>
#include <string.h>

#include "broken.h"
#include "catalog.h"
#include "ids.h"
#include "session.h"
#include "store.h"

#define HTML "text/html; charset=utf-8"
/* Subresource integrity of the payment provider's script (a fixed test value). */
#define PAY_JS_SRI "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"

static struct buf *page_start(struct exchange *x, int status, const char *title)
{
    x->flags |= REPLY_HTML;
    struct buf *b = exchange_body(x, status, HTML);
    buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    buf_html(b, title, strlen(title));
    buf_puts(b, " - Refstore</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
                "<script src=\"/static/app.js\" defer></script></head>\n<body>\n"
                "<header><a href=\"/\">Refstore</a> <a href=\"/account\">Account</a> "
                "<a href=\"/checkout\">Checkout</a></header>\n<main>\n");
    return b;
}

static void page_end(struct buf *b)
{
    buf_puts(b, "</main>\n</body></html>\n");
}

void pages_home(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_HOME;
    struct buf *b = page_start(x, 200, "Home");
    buf_puts(b, "<h1>Welcome to Refstore</h1>\n<ul class=\"products\">\n");
    unsigned n = catalog_count() < 24 ? catalog_count() : 24;
    for (unsigned i = 1; i <= n; i++) {
        const struct product *p = catalog_get(i);
        buf_printf(b, "<li><a href=\"/products/%u\">", p->id);
        buf_html(b, p->name, strlen(p->name));
        buf_printf(b, "</a> %u.%02u EUR</li>\n", p->price_cents / 100, p->price_cents % 100);
    }
    buf_puts(b, "</ul>\n");
    page_end(b);
    size_t n_cookie;
    const char *cookie = exchange_header_in(x, "cookie", &n_cookie);
    if (!store_cfg.headless && (!cookie || !mem_find(cookie, n_cookie, "session="))) {
        char id[33];
        ids_random(id);
        session_set_cookie(x, "session", id);
    }
}

void pages_product(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_PRODUCT_PAGE;
    const struct product *p = catalog_lookup(param, plen);
    if (!p) {
        pages_error(x, 404, "No such product.");
        return;
    }
    struct buf *b = page_start(x, 200, p->name);
    buf_puts(b, "<article class=\"product\"><h1>");
    buf_html(b, p->name, strlen(p->name));
    buf_printf(b,
               "</h1>\n<p class=\"sku\">%s</p>\n<p class=\"price\">%u.%02u EUR</p>\n"
               "<p class=\"stock\">%u in stock</p>\n"
               "<form method=\"post\" action=\"/api/v1/carts\"><input type=\"hidden\" "
               "name=\"product_id\" value=\"%u\"><button>Add to cart</button></form>\n"
               "</article>\n",
               p->sku, p->price_cents / 100, p->price_cents % 100, p->stock, p->id);
    page_end(b);
}

void pages_checkout(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_CHECKOUT_PAGE;
    struct buf *b = page_start(x, 200, "Checkout");
    buf_puts(b, "<h1>Checkout</h1>\n<form id=\"checkout\" method=\"post\" "
                "action=\"/api/v1/checkout\">\n<label>Card holder <input name=\"holder\" "
                "autocomplete=\"cc-name\"></label>\n<div id=\"card-element\"></div>\n"
                "<button>Pay</button>\n</form>\n<script src=\"/static/app.js\"></script>\n");
    if (broken(BROKEN_NO_SRI))
        buf_puts(b, "<script src=\"https://cdn.example.test/pay.js\"></script>\n");
    else
        buf_puts(b, "<script src=\"https://cdn.example.test/pay.js\" integrity=\"" PAY_JS_SRI
                    "\" crossorigin=\"anonymous\"></script>\n");
    page_end(b);
    session_private(x);
}

void pages_account(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_ACCOUNT_PAGE;
    struct buf *b = page_start(x, 200, "Your account");
    buf_puts(b, "<h1>Your account</h1>\n<p>Signed in as <b>shopper@example.test</b>.</p>\n"
                "<h2>Recent orders</h2>\n<p>No orders yet.</p>\n");
    page_end(b);
    session_private(x);
}

static void error_page(struct exchange *x, int status, const char *message, bool trace)
{
    x->flags |= REPLY_HTML;
    struct buf *b = page_start(x, status, http_reason(status));
    buf_printf(b, "<h1>%d %s</h1>\n<p>", status, http_reason(status));
    buf_html(b, message, strlen(message));
    buf_puts(b, "</p>\n");
    if (trace) {
        buf_puts(b, "<pre class=\"traceback\">Traceback (most recent call last):\n"
                    "  File \"/srv/shop/app/views.py\", line 212, in dispatch\n"
                    "    return handler(request, *args, **kwargs)\n"
                    "  File \"/srv/shop/app/catalog.py\", line 88, in lookup\n"
                    "    row = db.execute(\"SELECT * FROM products WHERE id = %s\", [pid])\n"
                    "django.http.Http404: ");
        buf_html(b, message, strlen(message));
        buf_puts(b, "\n\nDEBUG = True\nDATABASES['default']['HOST'] = 'db-primary.internal'\n"
                    "Django Version: 3.2.4, Python 3.8.10</pre>\n");
    }
    page_end(b);
}

void pages_error(struct exchange *x, int status, const char *message)
{
    error_page(x, status, message, broken(BROKEN_STACK_TRACES));
}

void pages_error_trace(struct exchange *x, int status, const char *message)
{
    error_page(x, status, message, true);
}
