vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8080";
}

sub vcl_recv {
    if (req.url ~ "^/static/") {
        unset req.http.Cookie;
        return (hash);
    }
    # WRONG: every page from the cache, whoever asks: the checkout page with the shopper's
    # cart, the account page and the home page that starts a session.
    if (req.method == "GET" && req.url !~ "^/api/") {
        unset req.http.Cookie;
        return (hash);
    }
}

sub vcl_backend_response {
    # WRONG: five minutes for every page, whatever its Cache-Control says, its Set-Cookie
    # kept in the cache; returning here skips the built-in rules that would refuse both.
    if (bereq.url !~ "^/api/") {
        set beresp.ttl = 5m;
        return (deliver);
    }
}
