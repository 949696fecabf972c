#include "probes/stack_fixes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Probes fixed by sending one response header: the fix is that header in each stack's words
 * (header_fix), unless fixes[] has a better one for the probe and stack (helmet in Express,
 * the CDN's own HSTS setting). */
static const struct {
    const char *probe_id, *name, *value;
} header_probes[] = {
    {"S-HSTS", "Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
    {"S-CSP", "Content-Security-Policy",
     "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
     "frame-ancestors 'self'"},
    {"S-X-FRAME-OPTIONS", "X-Frame-Options", "DENY"},
    {"S-CORP", "Cross-Origin-Resource-Policy", "same-origin"},
    {"S-NOSNIFF", "X-Content-Type-Options", "nosniff"},
    {"S-REFERRER-POLICY", "Referrer-Policy", "strict-origin-when-cross-origin"},
    {"S-PERMISSIONS-POLICY", "Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

/* Each stack's words for sending a header: before the name, between name and value, after. */
static const struct {
    const char *pre, *mid, *post;
} header_fix[STACK_COUNT] = {
    [STACK_CLOUDFLARE] = {"a Response Header Transform Rule (Rules > Transform Rules) that sets ",
                          ": ", ""},
    [STACK_FASTLY] = {"set resp.http.", " = \"", "\"; in a deliver VCL snippet"},
    [STACK_CLOUDFRONT] = {"a response headers policy on the cache behavior that sets ", ": ", ""},
    [STACK_AKAMAI] = {"a Modify Outgoing Response Header behavior (Add) that sets ", ": ", ""},
    [STACK_VARNISH] = {"set resp.http.", " = \"", "\"; in sub vcl_deliver"},
    [STACK_NGINX] = {"add_header ", " \"",
                     "\" always; (a location with add_header directives of its own inherits "
                     "none: repeat it there)"},
    [STACK_APACHE] = {"Header always set ", " \"", "\" (mod_headers)"},
    [STACK_CADDY] = {"header ", " \"", "\" in the site block"},
    [STACK_ENVOY] = {"response_headers_to_add: [{header: {key: ", ", value: \"",
                     "\"}}] on the virtual host"},
    [STACK_EXPRESS] = {"app.use((req, res, next) => { res.setHeader(\"", "\", \"",
                       "\"); next(); })"},
    [STACK_PHP] = {"header(\"", ": ", "\"); before any output (or set it in the web server)"},
};

#define MOZILLA_INTERMEDIATE                                                                       \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"     \
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

struct fix_row {
    const char *probe_id;
    enum stack_id stack;
    const char *text;
};

static const struct fix_row fixes[] = {
    /* Version leak: the header that names the software and where it comes from. */
    {"S-VERSION-LEAK", STACK_CLOUDFLARE,
     "a Response Header Transform Rule that removes X-Powered-By coming from the origin"},
    {"S-VERSION-LEAK", STACK_FASTLY,
     "unset resp.http.Server; unset resp.http.X-Powered-By; in a deliver VCL snippet"},
    {"S-VERSION-LEAK", STACK_CLOUDFRONT,
     "a response headers policy that removes X-Powered-By coming from the origin"},
    {"S-VERSION-LEAK", STACK_AKAMAI,
     "a Modify Outgoing Response Header behavior (Remove) for X-Powered-By"},
    {"S-VERSION-LEAK", STACK_VARNISH,
     "unset resp.http.Via; unset resp.http.X-Varnish; unset resp.http.X-Powered-By; in sub "
     "vcl_deliver"},
    {"S-VERSION-LEAK", STACK_NGINX,
     "server_tokens off; in the http block, and proxy_hide_header X-Powered-By; where nginx "
     "proxies an application"},
    {"S-VERSION-LEAK", STACK_APACHE,
     "ServerTokens Prod and ServerSignature Off in the server config; Header unset "
     "X-Powered-By (mod_headers) in front of an application"},
    {"S-VERSION-LEAK", STACK_CADDY,
     "header -Server and header -X-Powered-By in the site block (deletions apply as the "
     "response is written, so proxied answers lose them too)"},
    {"S-VERSION-LEAK", STACK_ENVOY,
     "response_headers_to_remove: [x-powered-by] on the route configuration; server_name in the "
     "HTTP connection manager replaces \"envoy\""},
    {"S-VERSION-LEAK", STACK_EXPRESS,
     "app.disable(\"x-powered-by\") (app.use(helmet()) removes it too)"},
    {"S-VERSION-LEAK", STACK_PHP, "expose_php = Off in php.ini (drops X-Powered-By: PHP/...)"},

    /* Header probes where the stack has a better way than setting the header by hand. */
    {"S-HSTS", STACK_CLOUDFLARE,
     "SSL/TLS > Edge Certificates > HTTP Strict Transport Security (HSTS): enable it, with "
     "Include subdomains"},
    {"S-HSTS", STACK_AKAMAI,
     "the HTTP Strict Transport Security (HSTS) behavior: enable it with a max age of a year "
     "and includeSubDomains"},
    {"S-HSTS", STACK_EXPRESS,
     "app.use(helmet()): helmet sends Strict-Transport-Security by default"},
    {"S-CSP", STACK_EXPRESS,
     "app.use(helmet()) sends a default policy (default-src 'self', object-src 'none', "
     "base-uri 'self', form-action 'self', frame-ancestors 'self'); "
     "add the payment provider with helmet({ contentSecurityPolicy: { directives: { scriptSrc: "
     "[\"'self'\", \"https://js.psp.example\"] } } })"},
    {"S-X-FRAME-OPTIONS", STACK_EXPRESS,
     "app.use(helmet()): helmet sends frame-ancestors 'self' and X-Frame-Options: SAMEORIGIN "
     "by default"},
    {"S-CORP", STACK_EXPRESS,
     "app.use(helmet()): helmet sends Cross-Origin-Resource-Policy: same-origin by default"},
    {"S-NOSNIFF", STACK_EXPRESS,
     "app.use(helmet()): helmet sends X-Content-Type-Options: nosniff by default"},
    {"S-REFERRER-POLICY", STACK_EXPRESS,
     "app.use(helmet()): helmet sends Referrer-Policy: no-referrer; helmet({ referrerPolicy: { "
     "policy: \"strict-origin-when-cross-origin\" } }) relaxes it"},

    /* HTTP to HTTPS. */
    {"S-HTTPS-REDIRECT", STACK_CLOUDFLARE, "SSL/TLS > Edge Certificates > Always Use HTTPS: on"},
    {"S-HTTPS-REDIRECT", STACK_CLOUDFRONT,
     "Viewer protocol policy: Redirect HTTP to HTTPS on every cache behavior"},
    {"S-HTTPS-REDIRECT", STACK_NGINX,
     "server { listen 80; return 301 https://$host$request_uri; }"},
    {"S-HTTPS-REDIRECT", STACK_APACHE,
     "Redirect permanent / https://shop.example/ in the port-80 VirtualHost"},
    {"S-HTTPS-REDIRECT", STACK_CADDY,
     "address the site by its domain name (shop.example, not :80 or http://): Caddy then "
     "redirects HTTP to HTTPS itself"},
    {"S-HTTPS-REDIRECT", STACK_ENVOY,
     "require_tls: ALL on the plain-HTTP listener's virtual host (Envoy answers 301 to https)"},
    {"S-HTTPS-REDIRECT", STACK_EXPRESS,
     "app.set(\"trust proxy\", 1); app.use((req, res, next) => req.secure ? next() : "
     "res.redirect(301, \"https://\" + req.hostname + req.originalUrl))"},

    /* TLS. */
    {"S-TLS-VERSIONS", STACK_CLOUDFLARE,
     "SSL/TLS > Edge Certificates > Minimum TLS Version: TLS 1.2"},
    {"S-TLS-VERSIONS", STACK_CLOUDFRONT,
     "the viewer certificate's security policy TLSv1.2_2021 (or newer)"},
    {"S-TLS-VERSIONS", STACK_NGINX, "ssl_protocols TLSv1.2 TLSv1.3;"},
    {"S-TLS-VERSIONS", STACK_APACHE, "SSLProtocol -all +TLSv1.2 +TLSv1.3 (mod_ssl)"},
    {"S-TLS-VERSIONS", STACK_CADDY,
     "protocols tls1.2 in the site's tls block (TLS 1.2 is Caddy's default minimum)"},
    {"S-TLS-VERSIONS", STACK_ENVOY,
     "tls_params: { tls_minimum_protocol_version: TLSv1_2 } in the DownstreamTlsContext's "
     "common_tls_context"},
    {"S-TLS-VERSIONS", STACK_EXPRESS,
     "https.createServer({ minVersion: \"TLSv1.2\", ... }, app) (or terminate TLS in front)"},
    {"S-TLS-CIPHERS", STACK_CLOUDFRONT,
     "the viewer certificate's security policy TLSv1.2_2021 (ECDHE with AES-GCM or ChaCha20)"},
    {"S-TLS-CIPHERS", STACK_NGINX,
     "ssl_ciphers " MOZILLA_INTERMEDIATE "; ssl_prefer_server_ciphers off;"},
    {"S-TLS-CIPHERS", STACK_APACHE,
     "SSLCipherSuite " MOZILLA_INTERMEDIATE " and SSLHonorCipherOrder off"},
    {"S-TLS-CIPHERS", STACK_ENVOY,
     "tls_params: { cipher_suites: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256, "
     "ECDHE-ECDSA-CHACHA20-POLY1305, ECDHE-RSA-CHACHA20-POLY1305] } in the common_tls_context"},
    {"S-TLS-CIPHERS", STACK_EXPRESS,
     "https.createServer({ ciphers: \"" MOZILLA_INTERMEDIATE "\", ... }, app)"},

    /* Cookies and CORS are the application's, or the proxy's in front of it. */
    {"S-COOKIE-FLAGS", STACK_NGINX, "proxy_cookie_flags ~ secure httponly samesite=lax;"},
    {"S-COOKIE-FLAGS", STACK_APACHE,
     "Header edit Set-Cookie \"^(.*)$\" \"$1; Secure; HttpOnly; SameSite=Lax\" (mod_headers)"},
    {"S-COOKIE-FLAGS", STACK_EXPRESS,
     "session({ cookie: { secure: true, httpOnly: true, sameSite: \"lax\" } }) "
     "(express-session), with app.set(\"trust proxy\", 1) behind a TLS proxy"},
    {"S-COOKIE-FLAGS", STACK_PHP,
     "session.cookie_secure = 1, session.cookie_httponly = 1 and session.cookie_samesite = "
     "\"Lax\" in php.ini"},
    {"S-CORS", STACK_NGINX,
     "map $http_origin $cors_origin { default \"\"; \"https://shop.example\" $http_origin; } and "
     "add_header Access-Control-Allow-Origin $cors_origin always; (nginx sends no header for "
     "an empty value)"},
    {"S-CORS", STACK_APACHE,
     "SetEnvIf Origin \"^https://shop\\.example$\" CORS_OK and Header always set "
     "Access-Control-Allow-Origin \"https://shop.example\" env=CORS_OK"},
    {"S-CORS", STACK_ENVOY,
     "a CorsPolicy with allow_origin_string_match: [{exact: \"https://shop.example\"}] "
     "(envoy.filters.http.cors)"},
    {"S-CORS", STACK_EXPRESS,
     "cors({ origin: [\"https://shop.example\"], credentials: true }) (the cors package)"},
    {"S-CORS", STACK_PHP,
     "send Access-Control-Allow-Origin only when in_array($_SERVER[\"HTTP_ORIGIN\"] ?? \"\", "
     "[\"https://shop.example\"], true)"},

    /* Traffic. */
    {"T-COMPRESSION", STACK_CLOUDFRONT,
     "Compress objects automatically: Yes on the cache behavior, with a cache policy that "
     "enables Gzip and Brotli"},
    {"T-COMPRESSION", STACK_VARNISH,
     "set beresp.do_gzip = true; for text types in sub vcl_backend_response"},
    {"T-COMPRESSION", STACK_NGINX,
     "gzip on; gzip_types text/css application/javascript application/json image/svg+xml; "
     "(text/html is always included)"},
    {"T-COMPRESSION", STACK_APACHE,
     "AddOutputFilterByType DEFLATE text/html text/css application/javascript application/json "
     "(mod_deflate)"},
    {"T-COMPRESSION", STACK_CADDY, "encode zstd gzip in the site block"},
    {"T-COMPRESSION", STACK_ENVOY,
     "the envoy.filters.http.compressor filter with the envoy.compression.gzip.compressor "
     "library"},
    {"T-COMPRESSION", STACK_EXPRESS, "app.use(compression()) (the compression package)"},
    {"T-COMPRESSION", STACK_PHP, "zlib.output_compression = On in php.ini"},
    {"T-STATIC-CACHE", STACK_NGINX,
     "location ~* \\.(css|js|woff2|svg|png|jpg|webp)$ { add_header Cache-Control \"public, "
     "max-age=31536000, immutable\"; } for fingerprinted files"},
    {"T-STATIC-CACHE", STACK_APACHE,
     "Header set Cache-Control \"public, max-age=31536000, immutable\" inside <FilesMatch "
     "\"\\.(css|js|woff2|svg|png|jpg|webp)$\"> (mod_headers)"},
    {"T-STATIC-CACHE", STACK_CADDY,
     "@assets path *.css *.js *.woff2 *.svg *.png *.jpg *.webp and header @assets "
     "Cache-Control \"public, max-age=31536000, immutable\""},
    {"T-STATIC-CACHE", STACK_EXPRESS,
     "app.use(\"/static\", express.static(\"public\", { maxAge: \"1y\", immutable: true }))"},
    {"T-PRIVATE-CACHE", STACK_CLOUDFLARE,
     "a Cache Rule that bypasses the cache for the cart, checkout and account paths (no Cache "
     "Everything there)"},
    {"T-PRIVATE-CACHE", STACK_CLOUDFRONT,
     "a cache behavior for the cart, checkout and account paths with the managed "
     "CachingDisabled cache policy"},
    {"T-PRIVATE-CACHE", STACK_VARNISH,
     "keep the built-in vcl_backend_response logic (it never caches Set-Cookie or private, "
     "no-store answers): a custom vcl_backend_response must not return before it does"},
    {"T-PRIVATE-CACHE", STACK_NGINX,
     "no proxy_ignore_headers Cache-Control Set-Cookie where carts are proxied: nginx then "
     "caches neither private/no-store answers nor those with Set-Cookie"},
    {"T-PRIVATE-CACHE", STACK_EXPRESS,
     "res.set(\"Cache-Control\", \"private, no-store\") on the cart, checkout and account "
     "routes"},
    {"T-PRIVATE-CACHE", STACK_PHP,
     "session.cache_limiter = nocache in php.ini (PHP's default: no-store, no-cache on every "
     "page that starts a session)"},
    {"T-HTTP2", STACK_CLOUDFRONT, "Supported HTTP versions: HTTP/2 on the distribution"},
    {"T-HTTP2", STACK_NGINX,
     "http2 on; in the TLS server block (before nginx 1.25.1: listen 443 ssl http2;)"},
    {"T-HTTP2", STACK_APACHE, "Protocols h2 http/1.1 (mod_http2)"},
    {"T-HTTP2", STACK_CADDY,
     "Caddy serves HTTP/2 over HTTPS by default: check the servers { protocols } global option "
     "keeps h2"},
    {"T-HTTP2", STACK_ENVOY,
     "alpn_protocols: [h2, http/1.1] in the listener's common_tls_context, codec_type: AUTO"},
    {"T-RATE-LIMIT", STACK_CLOUDFLARE,
     "Security > WAF > Rate limiting rules on the login and search paths"},
    {"T-RATE-LIMIT", STACK_CLOUDFRONT, "an AWS WAF rate-based rule on the distribution"},
    {"T-RATE-LIMIT", STACK_NGINX,
     "limit_req_zone $binary_remote_addr zone=login:10m rate=5r/s; and in the login location "
     "limit_req zone=login burst=10 nodelay; limit_req_status 429;"},
    {"T-RATE-LIMIT", STACK_ENVOY,
     "the envoy.filters.http.local_ratelimit filter with a token_bucket on the login route "
     "(over the limit it answers 429)"},
    {"T-RATE-LIMIT", STACK_EXPRESS,
     "app.use(\"/login\", rateLimit({ windowMs: 60000, limit: 10 })) (express-rate-limit; "
     "max before v7)"},

    /* Operations. */
    {"O-ERROR-PAGES", STACK_NGINX,
     "proxy_intercept_errors on; error_page 500 502 503 504 /50x.html;"},
    {"O-ERROR-PAGES", STACK_APACHE,
     "ErrorDocument 500 /errors/500.html, with ProxyErrorOverride On in front of an "
     "application"},
    {"O-ERROR-PAGES", STACK_CADDY,
     "handle_errors { respond \"{err.status_code} {err.status_text}\" }"},
    {"O-ERROR-PAGES", STACK_EXPRESS,
     "NODE_ENV=production (Express's default error handler then sends no stack) and an error "
     "handler (err, req, res, next) that renders a template with res.status(err.status || 500), "
     "so that body-parser's 400 for malformed JSON stays a 400"},
    {"O-ERROR-PAGES", STACK_PHP, "display_errors = Off and log_errors = On in php.ini"},
    {"O-BODY-LIMIT", STACK_NGINX, "client_max_body_size 1m; (nginx answers 413 above it)"},
    {"O-BODY-LIMIT", STACK_APACHE, "LimitRequestBody 1048576 (Apache answers 413 above it)"},
    {"O-BODY-LIMIT", STACK_ENVOY,
     "the envoy.filters.http.buffer filter with max_request_bytes: 1048576 (it answers 413)"},
    {"O-BODY-LIMIT", STACK_EXPRESS,
     "app.use(express.json({ limit: \"100kb\" })) (body-parser answers 413 above it), and an "
     "error handler that keeps it: res.status(err.status || 500)"},
    {"O-REQUEST-ID", STACK_NGINX,
     "add_header X-Request-Id $request_id always; and proxy_set_header X-Request-Id "
     "$request_id;"},
    {"O-REQUEST-ID", STACK_APACHE,
     "Header always set X-Request-Id \"%{UNIQUE_ID}e\" (mod_unique_id, mod_headers)"},
    {"O-REQUEST-ID", STACK_CADDY, "header X-Request-Id {http.request.uuid}"},
    {"O-REQUEST-ID", STACK_ENVOY,
     "always_set_request_id_in_response: true in the HTTP connection manager"},
    {"O-REQUEST-ID", STACK_EXPRESS,
     "app.use((req, res, next) => { res.setHeader(\"X-Request-Id\", req.get(\"X-Request-Id\") "
     "|| crypto.randomUUID()); next(); })"},
};

/* Probes judging the same cause from another side share its fixes. */
static const struct {
    const char *probe_id, *same_as;
} same_fix[] = {
    {"T-SESSION-ISOLATION", "T-PRIVATE-CACHE"},
};

int stack_fix(const char *probe_id, enum stack_id stack, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof same_fix / sizeof *same_fix; i++)
        if (strcasecmp(same_fix[i].probe_id, probe_id) == 0)
            probe_id = same_fix[i].same_as;
    for (size_t i = 0; i < sizeof fixes / sizeof *fixes; i++)
        if (fixes[i].stack == stack && strcasecmp(fixes[i].probe_id, probe_id) == 0) {
            snprintf(buf, len, "%s", fixes[i].text);
            return 0;
        }
    for (size_t i = 0; i < sizeof header_probes / sizeof *header_probes; i++)
        if (strcasecmp(header_probes[i].probe_id, probe_id) == 0 && header_fix[stack].pre) {
            snprintf(buf, len, "%s%s%s%s%s", header_fix[stack].pre, header_probes[i].name,
                     header_fix[stack].mid, header_probes[i].value, header_fix[stack].post);
            return 0;
        }
    return -1;
}

size_t stack_fixes_for(const char *probe_id, const struct stack_report *st, struct stack_fix *out,
                       size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; st && i < st->count && n < cap; i++) {
        out[n].stack = st->components[i].id;
        if (stack_fix(probe_id, out[n].stack, out[n].text, sizeof out[n].text) == 0)
            n++;
    }
    return n;
}
