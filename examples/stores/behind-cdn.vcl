vcl 4.1;

# The web server behind the cache: nginx, which proxies the store.
backend default {
    .host = "127.0.0.1";
    .port = "8080";
}

sub vcl_recv {
    # Static assets are the same for every shopper: without the shopper's cookies, a browser
    # that has a session still gets them from the cache.
    if (req.url ~ "^/static/") {
        unset req.http.Cookie;
        return (hash);
    }
    # The cart, checkout, account and everything that acts for a shopper: never from the cache,
    # with or without a cookie.
    if (req.url ~ "^/(account|checkout)(/|$)" ||
        req.url ~ "^/api/v1/(carts|checkout|orders|login|session)") {
        return (pass);
    }
    # The rest falls through to the built-in vcl_recv: cached only without Cookie and
    # Authorization, and only GET and HEAD.
}

# No vcl_backend_response of its own: the built-in one never stores an answer that sets a
# cookie or says private, no-store or no-cache, and keeps the rest for their max-age (the
# catalog API's 60 s, the assets' year).
