#include "tests/loadgen/nginx_fixture.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *nginx_path(void)
{
    static const char *const paths[] = {"/usr/sbin/nginx", "/usr/local/sbin/nginx",
                                        "/usr/bin/nginx"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    return NULL;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int answers(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* On the HTTP/2 servers, for scenario steps: an item as JSON that sets a cookie, and a page
 * that echoes the cookie and the path it was asked for. */
#define SHOP_LOCATIONS                                                                             \
    "    location = /api/item { add_header Set-Cookie \"sid=abc; Path=/\";\n"                      \
    "      default_type application/json; return 200 '{\"id\":\"42\"}'; }\n"                       \
    "    location /echo/ { default_type text/plain; return 200 \"sid=$cookie_sid at $uri\"; }\n"

int nginx_start(struct nginx_fixture *n)
{
    memset(n, 0, sizeof *n);
    const char *bin = nginx_path();
    if (!bin)
        return -1;
    snprintf(n->dir, sizeof n->dir, "/tmp/storecheck-nginx-XXXXXX");
    if (!mkdtemp(n->dir))
        return -1;
    n->port = free_port();
    n->tls_port = free_port();
    n->h2_port = free_port();
    n->h2c_port = free_port();
    snprintf(n->cert, sizeof n->cert, "%s/cert.pem", n->dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
             "-keyout %s/key.pem -out %s 2>/dev/null",
             n->dir, n->cert);
    if (system(cmd) != 0)
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/index.html", n->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 0; i < 200; i++)
        fputc('x', f);
    fclose(f);
    snprintf(path, sizeof path, "%s/nginx.conf", n->dir);
    f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f,
            "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            "pid %s/nginx.pid;\nerror_log %s/error.log warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n  access_log off;\n  keepalive_requests 1000000;\n"
            "  client_body_temp_path %s;\n  proxy_temp_path %s;\n  fastcgi_temp_path %s;\n"
            "  uwsgi_temp_path %s;\n  scgi_temp_path %s;\n"
            "  server {\n    listen 127.0.0.1:%d;\n    listen [::1]:%d;\n    root %s;\n  }\n"
            "  server {\n    listen 127.0.0.1:%d ssl;\n    listen [::1]:%d ssl;\n    root %s;\n"
            "    ssl_certificate %s;\n    ssl_certificate_key %s/key.pem;\n"
            "    keepalive_requests 20;\n  }\n"
            /* nginx before 1.25 turns HTTP/2 on per listen socket. */
            "  server {\n    listen 127.0.0.1:%d ssl http2;\n    root %s;\n"
            "    ssl_certificate %s;\n    ssl_certificate_key %s/key.pem;\n"
            "    keepalive_requests 50;\n" SHOP_LOCATIONS "  }\n"
            "  server {\n    listen 127.0.0.1:%d http2;\n    root %s;\n"
            "    http2_max_concurrent_streams 16;\n" SHOP_LOCATIONS "  }\n}\n",
            n->dir, n->dir, n->dir, n->dir, n->dir, n->dir, n->dir, n->port, n->port, n->dir,
            n->tls_port, n->tls_port, n->dir, n->cert, n->dir, n->h2_port, n->dir, n->cert, n->dir,
            n->h2c_port, n->dir);
    fclose(f);
    n->pid = fork();
    if (n->pid == 0) {
        execl(bin, bin, "-p", n->dir, "-c", path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        if (answers(n->port))
            return 0;
        if (waitpid(n->pid, NULL, WNOHANG) == n->pid) {
            n->pid = 0;
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    nginx_stop(n);
    return -1;
}

void nginx_stop(struct nginx_fixture *n)
{
    if (n->pid > 0) {
        kill(n->pid, SIGCONT);
        kill(n->pid, SIGTERM);
        waitpid(n->pid, NULL, 0);
        n->pid = 0;
    }
    if (n->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", n->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", n->dir);
    }
}
