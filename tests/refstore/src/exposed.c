#include "exposed.h"

#include <string.h>
#include <zlib.h>

#include "broken.h"

static const char git_config[] = "[core]\n"
                                 "\trepositoryformatversion = 0\n"
                                 "\tfilemode = true\n"
                                 "\tbare = false\n"
                                 "\tlogallrefupdates = true\n"
                                 "[remote \"origin\"]\n"
                                 "\turl = git@git.example.test:shop/storefront.git\n"
                                 "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
                                 "[branch \"main\"]\n"
                                 "\tremote = origin\n"
                                 "\tmerge = refs/heads/main\n";

static const char git_head[] = "ref: refs/heads/main\n";

/* Test values only, shaped like what such a file holds. */
static const char env_file[] = "APP_ENV=production\n"
                               "APP_KEY=base64:dGVzdC1vbmx5LWtleS1mb3ItcmVmc3RvcmUtdGVzdHM=\n"
                               "DB_CONNECTION=mysql\n"
                               "DB_HOST=db-primary.internal\n"
                               "DB_DATABASE=shop_prod\n"
                               "DB_USERNAME=shop\n"
                               "DB_PASSWORD=test-only-password\n"
                               "STRIPE_SECRET=sk_test_refstore_not_a_real_key\n";

static const char backup_sql[] = "-- MySQL dump 10.13  Distrib 8.0.32, for Linux (x86_64)\n"
                                 "--\n"
                                 "-- Host: db-primary.internal    Database: shop_prod\n"
                                 "-- ------------------------------------------------------\n"
                                 "DROP TABLE IF EXISTS `customers`;\n"
                                 "CREATE TABLE `customers` (\n"
                                 "  `id` int NOT NULL AUTO_INCREMENT,\n"
                                 "  `email` varchar(255) NOT NULL,\n"
                                 "  `password_hash` varchar(255) NOT NULL,\n"
                                 "  PRIMARY KEY (`id`)\n"
                                 ") ENGINE=InnoDB;\n"
                                 "INSERT INTO `customers` VALUES "
                                 "(1,'shopper@example.test','$2y$10$testonlyhash');\n";

static const char admin_page[] =
    "<!doctype html>\n<html><head><title>Admin login - Shop backoffice</title></head>\n"
    "<body><h1>Shop backoffice</h1>\n<form method=\"post\" action=\"/admin/login\">\n"
    "<label>Username <input name=\"username\"></label>\n"
    "<label>Password <input type=\"password\" name=\"password\"></label>\n"
    "<button>Sign in</button></form></body></html>\n";

static unsigned char zip[256];
static size_t zip_len;

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, unsigned long v)
{
    put16(p, (unsigned)(v & 0xffff));
    put16(p + 2, (unsigned)(v >> 16));
}

/* A valid one-file zip archive (stored, not compressed) holding the start of the dump. */
static void build_zip(void)
{
    static const char name[] = "backup.sql";
    const size_t nlen = sizeof name - 1, dlen = 64;
    unsigned long crc = crc32(0, (const Bytef *)backup_sql, (uInt)dlen);
    unsigned char *p = zip;
    put32(p, 0x04034b50); /* local file header */
    put16(p + 4, 10);
    put32(p + 14, crc);
    put32(p + 18, dlen);
    put32(p + 22, dlen);
    put16(p + 26, (unsigned)nlen);
    memcpy(p + 30, name, nlen);
    memcpy(p + 30 + nlen, backup_sql, dlen);
    size_t local_len = 30 + nlen + dlen;
    p = zip + local_len;
    put32(p, 0x02014b50); /* central directory */
    put16(p + 4, 20);
    put16(p + 6, 10);
    put32(p + 16, crc);
    put32(p + 20, dlen);
    put32(p + 24, dlen);
    put16(p + 28, (unsigned)nlen);
    memcpy(p + 46, name, nlen);
    size_t central_len = 46 + nlen;
    p += central_len;
    put32(p, 0x06054b50); /* end of central directory */
    put16(p + 8, 1);
    put16(p + 10, 1);
    put32(p + 12, central_len);
    put32(p + 16, local_len);
    zip_len = local_len + central_len + 22;
}

static bool path_is(const struct exchange *x, const char *p)
{
    return x->req->path_len == strlen(p) && memcmp(x->req->path, p, x->req->path_len) == 0;
}

bool exposed_dispatch(struct exchange *x)
{
    const char *text = "text/plain; charset=utf-8";
    if (broken(BROKEN_LEAK_GIT) && path_is(x, "/.git/config"))
        exchange_static(x, 200, text, git_config, sizeof git_config - 1);
    else if (broken(BROKEN_LEAK_GIT) && path_is(x, "/.git/HEAD"))
        exchange_static(x, 200, text, git_head, sizeof git_head - 1);
    else if (broken(BROKEN_LEAK_ENV) && path_is(x, "/.env"))
        exchange_static(x, 200, text, env_file, sizeof env_file - 1);
    else if (broken(BROKEN_LEAK_BACKUP) && path_is(x, "/backup.sql"))
        exchange_static(x, 200, "application/sql", backup_sql, sizeof backup_sql - 1);
    else if (broken(BROKEN_LEAK_BACKUP) && path_is(x, "/backup.zip")) {
        if (!zip_len)
            build_zip();
        exchange_static(x, 200, "application/zip", (const char *)zip, zip_len);
        x->flags |= REPLY_NO_GZIP;
    } else if (broken(BROKEN_ADMIN_EXPOSED) && path_is(x, "/admin")) {
        exchange_static(x, 200, "text/html; charset=utf-8", admin_page, sizeof admin_page - 1);
        x->flags |= REPLY_HTML;
    } else {
        return false;
    }
    return true;
}
