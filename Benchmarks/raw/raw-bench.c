/*
 * raw-bench: baseline throughput of rabbitmq-c and libpq, used directly from C,
 * for the same workloads conveyor-bench runs through Conveyor's Swift Messaging
 * and Storage modules.
 *
 * Workloads (each AMQP workload uses its own durable queue, quorum by default,
 * reached through the default exchange and deleted afterwards):
 *   publish          persistent (delivery_mode 2), mandatory, publisher confirms,
 *                    up to --window unconfirmed; timed from the first publish to
 *                    the last confirm.
 *   consume+ack      basic.qos --prefetch, basic.consume, amqp_consume_message,
 *                    one basic.ack per message; variant: basic.ack multiple
 *                    every --batch messages. Timed from basic.consume to the
 *                    last ack.
 *   consume+insert   collect --batch messages, BEGIN, one multi-row parameterized
 *                    INSERT, COMMIT, then ack the batch (one ack per message;
 *                    variant: one ack with multiple). The table lives in its own
 *                    schema bench_<random>, dropped afterwards.
 *   db round trips   --db-workers threads, each with its own PGconn, run
 *                    PQexecParams("SELECT $1::int8") until --queries in total;
 *                    variant: one connection.
 * The consume workloads first publish --messages messages (untimed) with the
 * same publisher code.
 *
 * Build:  gcc -O2 -Wall -Wextra $(pkg-config --cflags libpq) raw-bench.c \
 *             -o raw-bench -lrabbitmq -lpq -lpthread
 * Run:    ./raw-bench --amqp-url amqp://user:pass@host:5672/vhost \
 *             --postgres-url postgres://user:pass@host:5432/db [--json]
 *         ./raw-bench --help lists every option.
 */

#define _POSIX_C_SOURCE 200809L

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <libpq-fe.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHANNEL 1
#define FRAME_MAX 131072
#define WAIT_SECONDS 30
#define ID_DIGITS 20
#define PG_INT8_OID 20
#define PG_TEXT_OID 25

/* ------------------------------------------------------------------------- */
/* Configuration                                                             */

typedef struct {
    char *user;
    char *password;
    char *host;
    char *vhost;
    int port;
    int heartbeat;          /* seconds, 0 disables */
    int connect_timeout_ms;
} amqp_url_t;

typedef struct {
    amqp_url_t amqp;
    const char *postgres_url;
    long messages;
    long body_bytes;
    long window;
    long prefetch;
    long batch;
    long queries;
    long db_workers;
    const char *queue_type;
    bool json;
    bool run_publish, run_consume, run_insert, run_db;
} config_t;

typedef struct {
    const char *key;
    const char *label;
    const char *unit;
    long count;
    double seconds;
} result_t;

/* What a failed run would leave behind; fatal() removes it on a fresh connection. */
static struct {
    const config_t *config;
    char queue[96];
    char schema[64];
    bool cleaning;
} leftovers;

static void cleanup_leftovers(void);

static void fatal(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fatal(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("raw-bench: error: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    cleanup_leftovers();
    exit(1);
}

static void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) fatal("out of memory (%zu bytes)", size);
    return p;
}

static double now_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) fatal("clock_gettime: %s", strerror(errno));
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------- */
/* AMQP URL: amqp://user:pass@host:port/vhost?heartbeat=S&connection_timeout=MS */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [begin, end) into a new string; NULL if malformed or if it decodes to NUL. */
static char *percent_decode(const char *begin, const char *end)
{
    char *out = xmalloc((size_t)(end - begin) + 1);
    char *o = out;
    for (const char *p = begin; p < end; p++) {
        if (*p == '%') {
            int hi = end - p >= 3 ? hex_value(p[1]) : -1;
            int lo = end - p >= 3 ? hex_value(p[2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static long parse_long(const char *text, const char *what, long min, long max)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        fatal("%s must be an integer from %ld to %ld, not '%s'", what, min, max, text);
    return value;
}

static long parse_long_range(const char *begin, const char *end, const char *what, long min, long max)
{
    size_t len = (size_t)(end - begin);
    char *copy = xmalloc(len + 1);
    memcpy(copy, begin, len);
    copy[len] = '\0';
    long value = parse_long(copy, what, min, max);
    free(copy);
    return value;
}

static void parse_amqp_url(const char *url, amqp_url_t *out)
{
    static const char scheme[] = "amqp://";
    if (strncmp(url, "amqps://", 8) == 0) fatal("--amqp-url: amqps (TLS) is not supported by raw-bench");
    if (strncmp(url, scheme, sizeof scheme - 1) != 0) fatal("--amqp-url must start with amqp://");

    const char *authority = url + sizeof scheme - 1;
    const char *authority_end = authority + strcspn(authority, "/?#");
    if (*authority_end == '#') fatal("--amqp-url must not contain a fragment");

    /* userinfo ends at the last '@' of the authority */
    const char *at = NULL;
    for (const char *p = authority; p < authority_end; p++)
        if (*p == '@') at = p;
    const char *hostport = authority;
    out->user = NULL;
    out->password = NULL;
    if (at) {
        const char *colon = memchr(authority, ':', (size_t)(at - authority));
        const char *user_end = colon ? colon : at;
        out->user = percent_decode(authority, user_end);
        if (!out->user) fatal("--amqp-url: malformed percent-encoding in the user");
        if (colon) {
            out->password = percent_decode(colon + 1, at);
            if (!out->password) fatal("--amqp-url: malformed percent-encoding in the password");
        }
        hostport = at + 1;
    }
    if (!out->user || !*out->user) {
        free(out->user);
        out->user = strdup("guest");
    }
    if (!out->password) out->password = strdup("guest");

    const char *host_begin = hostport, *host_end, *port_begin = NULL;
    if (*hostport == '[') {
        const char *close = memchr(hostport, ']', (size_t)(authority_end - hostport));
        if (!close) fatal("--amqp-url: unterminated '[' in the host");
        host_begin = hostport + 1;
        host_end = close;
        if (close + 1 < authority_end) {
            if (close[1] != ':') fatal("--amqp-url: unexpected text after ']'");
            port_begin = close + 2;
        }
    } else {
        const char *colon = memchr(hostport, ':', (size_t)(authority_end - hostport));
        host_end = colon ? colon : authority_end;
        if (colon) port_begin = colon + 1;
    }
    if (host_end == host_begin) fatal("--amqp-url has no host");
    out->host = percent_decode(host_begin, host_end);
    if (!out->host) fatal("--amqp-url: malformed percent-encoding in the host");
    out->port = port_begin ? (int)parse_long_range(port_begin, authority_end, "--amqp-url port", 1, 65535) : 5672;

    const char *path = authority_end;
    const char *path_end = path + strcspn(path, "?");
    if (*path == '/') path++;
    if (memchr(path, '/', (size_t)(path_end - path)))
        fatal("--amqp-url: the virtual host contains '/': encode it as %%2F");
    if (path == path_end) {
        out->vhost = strdup("/");
    } else {
        out->vhost = percent_decode(path, path_end);
        if (!out->vhost) fatal("--amqp-url: malformed percent-encoding in the virtual host");
    }
    if (!out->user || !out->password || !out->vhost) fatal("out of memory");

    out->heartbeat = 10;
    out->connect_timeout_ms = 10000;
    const char *query = *path_end == '?' ? path_end + 1 : NULL;
    while (query && *query) {
        const char *item_end = query + strcspn(query, "&");
        const char *eq = memchr(query, '=', (size_t)(item_end - query));
        if (!eq) fatal("--amqp-url: query option without '=': %.*s", (int)(item_end - query), query);
        size_t name_len = (size_t)(eq - query);
        if (name_len == 9 && strncmp(query, "heartbeat", 9) == 0) {
            out->heartbeat = (int)parse_long_range(eq + 1, item_end, "--amqp-url heartbeat", 0, 65535);
        } else if (name_len == 18 && strncmp(query, "connection_timeout", 18) == 0) {
            out->connect_timeout_ms =
                (int)parse_long_range(eq + 1, item_end, "--amqp-url connection_timeout", 1, INT_MAX);
        } else {
            fatal("--amqp-url: unsupported query option '%.*s' (heartbeat and connection_timeout are)",
                  (int)name_len, query);
        }
        query = *item_end ? item_end + 1 : NULL;
    }
}

static void free_amqp_url(amqp_url_t *url)
{
    free(url->user);
    free(url->password);
    free(url->host);
    free(url->vhost);
}

/* ------------------------------------------------------------------------- */
/* rabbitmq-c helpers                                                        */

/* Describes a failed RPC reply in buf; returns false when the reply is normal. */
static bool describe_rpc_failure(amqp_rpc_reply_t reply, char *buf, size_t len)
{
    switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return false;
    case AMQP_RESPONSE_NONE:
        snprintf(buf, len, "no RPC reply (missing reply type)");
        return true;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        snprintf(buf, len, "%s", amqp_error_string2(reply.library_error));
        return true;
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            const amqp_connection_close_t *m = reply.reply.decoded;
            snprintf(buf, len, "broker closed the connection: %u %.*s", m->reply_code,
                     (int)m->reply_text.len, (const char *)m->reply_text.bytes);
        } else if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            const amqp_channel_close_t *m = reply.reply.decoded;
            snprintf(buf, len, "broker closed the channel: %u %.*s", m->reply_code,
                     (int)m->reply_text.len, (const char *)m->reply_text.bytes);
        } else {
            snprintf(buf, len, "unexpected server reply, method 0x%08" PRIx32, reply.reply.id);
        }
        return true;
    }
    snprintf(buf, len, "unknown RPC reply type %d", (int)reply.reply_type);
    return true;
}

static void check_rpc(amqp_rpc_reply_t reply, const char *what)
{
    char buf[512];
    if (describe_rpc_failure(reply, buf, sizeof buf)) fatal("%s: %s", what, buf);
}

static void check_status(int status, const char *what)
{
    if (status != AMQP_STATUS_OK) fatal("%s: %s", what, amqp_error_string2(status));
}

/* Opens a connection with channel 1; on failure returns NULL with a message in err. */
static amqp_connection_state_t amqp_open(const amqp_url_t *url, const char *name, char *err, size_t errlen)
{
    amqp_connection_state_t conn = amqp_new_connection();
    if (!conn) {
        snprintf(err, errlen, "amqp_new_connection failed");
        return NULL;
    }
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    if (!socket) {
        snprintf(err, errlen, "amqp_tcp_socket_new failed");
        amqp_destroy_connection(conn);
        return NULL;
    }
    struct timeval timeout = {url->connect_timeout_ms / 1000, (url->connect_timeout_ms % 1000) * 1000};
    int status = amqp_socket_open_noblock(socket, url->host, url->port, &timeout);
    if (status != AMQP_STATUS_OK) {
        snprintf(err, errlen, "connect to %s:%d: %s", url->host, url->port, amqp_error_string2(status));
        amqp_destroy_connection(conn);
        return NULL;
    }
    /* The same client properties Conveyor's Messaging module sends. */
    amqp_table_entry_t capabilities[3];
    const char *capability_names[3] = {"consumer_cancel_notify", "connection.blocked", "authentication_failure_close"};
    for (int i = 0; i < 3; i++) {
        capabilities[i].key = amqp_cstring_bytes(capability_names[i]);
        capabilities[i].value.kind = AMQP_FIELD_KIND_BOOLEAN;
        capabilities[i].value.value.boolean = 1;
    }
    amqp_table_entry_t property[3];
    property[0].key = amqp_cstring_bytes("connection_name");
    property[0].value.kind = AMQP_FIELD_KIND_UTF8;
    property[0].value.value.bytes = amqp_cstring_bytes(name);
    property[1].key = amqp_cstring_bytes("product");
    property[1].value.kind = AMQP_FIELD_KIND_UTF8;
    property[1].value.value.bytes = amqp_cstring_bytes("raw-bench");
    property[2].key = amqp_cstring_bytes("capabilities");
    property[2].value.kind = AMQP_FIELD_KIND_TABLE;
    property[2].value.value.table = (amqp_table_t){3, capabilities};
    amqp_table_t properties = {3, property};
    char why[512];
    amqp_rpc_reply_t reply = amqp_login_with_properties(conn, url->vhost, 0, FRAME_MAX, url->heartbeat, &properties,
                                                        AMQP_SASL_METHOD_PLAIN, url->user, url->password);
    if (describe_rpc_failure(reply, why, sizeof why)) {
        snprintf(err, errlen, "log in to %s:%d vhost '%s' as '%s': %s", url->host, url->port, url->vhost, url->user,
                 why);
        amqp_destroy_connection(conn);
        return NULL;
    }
    amqp_channel_open(conn, CHANNEL);
    if (describe_rpc_failure(amqp_get_rpc_reply(conn), why, sizeof why)) {
        snprintf(err, errlen, "open channel: %s", why);
        amqp_destroy_connection(conn);
        return NULL;
    }
    return conn;
}

static amqp_connection_state_t amqp_open_or_die(const amqp_url_t *url, const char *name)
{
    char err[768];
    amqp_connection_state_t conn = amqp_open(url, name, err, sizeof err);
    if (!conn) fatal("%s", err);
    return conn;
}

static void amqp_close_or_die(amqp_connection_state_t conn)
{
    check_rpc(amqp_channel_close(conn, CHANNEL, AMQP_REPLY_SUCCESS), "close channel");
    check_rpc(amqp_connection_close(conn, AMQP_REPLY_SUCCESS), "close connection");
    check_status(amqp_destroy_connection(conn), "destroy connection");
}

static void declare_queue(amqp_connection_state_t conn, const char *queue, const char *type)
{
    amqp_table_entry_t entry;
    entry.key = amqp_cstring_bytes("x-queue-type");
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = amqp_cstring_bytes(type);
    amqp_table_t arguments = {1, &entry};
    amqp_queue_declare(conn, CHANNEL, amqp_cstring_bytes(queue), 0, 1, 0, 0, arguments);
    check_rpc(amqp_get_rpc_reply(conn), "declare queue");
    snprintf(leftovers.queue, sizeof leftovers.queue, "%s", queue);
}

static void delete_queue(amqp_connection_state_t conn, const char *queue)
{
    amqp_queue_delete(conn, CHANNEL, amqp_cstring_bytes(queue), 0, 0);
    check_rpc(amqp_get_rpc_reply(conn), "delete queue");
    leftovers.queue[0] = '\0';
}

/* Reads the method frame that amqp_consume_message left pushed back and fails with it. */
static void fail_on_pending_frame(amqp_connection_state_t conn, const char *what)
{
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame(conn, &frame);
    if (status != AMQP_STATUS_OK) fatal("%s: %s", what, amqp_error_string2(status));
    if (frame.frame_type != AMQP_FRAME_METHOD) fatal("%s: unexpected frame type %d", what, frame.frame_type);
    switch (frame.payload.method.id) {
    case AMQP_CONNECTION_CLOSE_METHOD: {
        const amqp_connection_close_t *m = frame.payload.method.decoded;
        fatal("%s: broker closed the connection: %u %.*s", what, m->reply_code, (int)m->reply_text.len,
              (const char *)m->reply_text.bytes);
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
        const amqp_channel_close_t *m = frame.payload.method.decoded;
        fatal("%s: broker closed the channel: %u %.*s", what, m->reply_code, (int)m->reply_text.len,
              (const char *)m->reply_text.bytes);
    }
    case AMQP_BASIC_CANCEL_METHOD:
        fatal("%s: the broker cancelled the consumer (queue deleted?)", what);
    default:
        fatal("%s: unexpected method 0x%08" PRIx32 " on channel %u", what, frame.payload.method.id, frame.channel);
    }
}

/* ------------------------------------------------------------------------- */
/* Publisher with confirms                                                   */

typedef struct {
    unsigned char *settled; /* by delivery tag, 1..n */
    uint64_t lowest_unsettled;
    long settled_count;
    long nacked;
    long returned;
} confirms_t;

static void settle(confirms_t *c, uint64_t tag, bool multiple, bool nack, uint64_t published)
{
    if (tag == 0 || tag > published) fatal("confirm for delivery tag %" PRIu64 " that was never published", tag);
    uint64_t from = multiple ? c->lowest_unsettled : tag;
    for (uint64_t t = from; t <= tag; t++) {
        if (!c->settled[t]) {
            c->settled[t] = 1;
            c->settled_count++;
            if (nack) c->nacked++;
        }
    }
    while (c->lowest_unsettled <= published && c->settled[c->lowest_unsettled]) c->lowest_unsettled++;
}

/* Reads one frame (waiting up to timeout); returns false if none arrived in time. */
static bool read_confirm_frame(amqp_connection_state_t conn, confirms_t *c, uint64_t published, struct timeval *timeout)
{
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame_noblock(conn, &frame, timeout);
    if (status == AMQP_STATUS_TIMEOUT) return false;
    check_status(status, "wait for publisher confirms");
    if (frame.frame_type == AMQP_FRAME_HEARTBEAT) return true;
    if (frame.frame_type != AMQP_FRAME_METHOD)
        fatal("publisher: unexpected frame type %d on channel %u", frame.frame_type, frame.channel);
    switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
        const amqp_basic_ack_t *ack = frame.payload.method.decoded;
        settle(c, ack->delivery_tag, ack->multiple, false, published);
        return true;
    }
    case AMQP_BASIC_NACK_METHOD: {
        const amqp_basic_nack_t *nack = frame.payload.method.decoded;
        settle(c, nack->delivery_tag, nack->multiple, true, published);
        return true;
    }
    case AMQP_BASIC_RETURN_METHOD: {
        c->returned++;
        amqp_message_t message;
        check_rpc(amqp_read_message(conn, frame.channel, &message, 0), "read returned message");
        amqp_destroy_message(&message);
        return true;
    }
    case AMQP_CONNECTION_BLOCKED_METHOD:
    case AMQP_CONNECTION_UNBLOCKED_METHOD:
        return true; /* a resource alarm: confirms stop, and the wait times out with a message */
    case AMQP_CONNECTION_CLOSE_METHOD: {
        const amqp_connection_close_t *m = frame.payload.method.decoded;
        fatal("publisher: broker closed the connection: %u %.*s", m->reply_code, (int)m->reply_text.len,
              (const char *)m->reply_text.bytes);
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
        const amqp_channel_close_t *m = frame.payload.method.decoded;
        fatal("publisher: broker closed the channel: %u %.*s", m->reply_code, (int)m->reply_text.len,
              (const char *)m->reply_text.bytes);
    }
    default:
        fatal("publisher: unexpected method 0x%08" PRIx32 " on channel %u", frame.payload.method.id, frame.channel);
    }
}

static char *make_body(long body_bytes)
{
    char *body = xmalloc((size_t)body_bytes);
    for (long i = 0; i < body_bytes; i++) body[i] = (char)('a' + i % 26);
    return body;
}

/* The first ID_DIGITS bytes of a body carry the message id in decimal. */
static void stamp_id(char *body, uint64_t id)
{
    char digits[ID_DIGITS + 1];
    snprintf(digits, sizeof digits, "%0*" PRIu64, ID_DIGITS, id);
    memcpy(body, digits, ID_DIGITS);
}

/* Publishes n messages to queue with confirms; returns the seconds from the first publish to the last confirm. */
static double publish_messages(amqp_connection_state_t conn, const config_t *cfg, const char *queue, long n)
{
    amqp_confirm_select(conn, CHANNEL);
    check_rpc(amqp_get_rpc_reply(conn), "confirm.select");

    confirms_t c = {0};
    c.settled = calloc((size_t)n + 1, 1);
    if (!c.settled) fatal("out of memory");
    c.lowest_unsettled = 1;

    char *body_bytes = make_body(cfg->body_bytes);
    amqp_bytes_t body = {(size_t)cfg->body_bytes, body_bytes};
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.delivery_mode = 2;
    amqp_bytes_t exchange = amqp_empty_bytes;
    amqp_bytes_t routing_key = amqp_cstring_bytes(queue);

    uint64_t published = 0;
    double start = now_seconds();
    while (c.settled_count < n) {
        while ((long)published < n && (long)published - c.settled_count < cfg->window) {
            stamp_id(body_bytes, published + 1);
            check_status(amqp_basic_publish(conn, CHANNEL, exchange, routing_key, 1, 0, &props, body), "basic.publish");
            published++;
        }
        /* Window full or everything sent: wait for at least one frame, then take whatever else is buffered. */
        struct timeval wait = {WAIT_SECONDS, 0};
        if (!read_confirm_frame(conn, &c, published, &wait))
            fatal("no publisher confirm within %d s (%ld of %ld confirmed; a resource alarm?)", WAIT_SECONDS,
                  c.settled_count, n);
        struct timeval zero = {0, 0};
        while (read_confirm_frame(conn, &c, published, &zero)) {
        }
        amqp_maybe_release_buffers(conn);
    }
    double elapsed = now_seconds() - start;

    free(body_bytes);
    free(c.settled);
    if (c.nacked) fatal("the broker nacked %ld of %ld messages", c.nacked, n);
    if (c.returned) fatal("%ld of %ld messages came back unroutable (basic.return)", c.returned, n);
    return elapsed;
}

/* ------------------------------------------------------------------------- */
/* PostgreSQL helpers                                                        */

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Connects; on failure returns NULL with a message in err. */
static PGconn *pg_open(const char *url, char *err, size_t errlen)
{
    PGconn *conn = PQconnectdb(url);
    if (!conn) {
        snprintf(err, errlen, "PQconnectdb: out of memory");
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(err, errlen, "connect to PostgreSQL: %s", PQerrorMessage(conn));
        size_t len = strlen(err);
        if (len && err[len - 1] == '\n') err[len - 1] = '\0';
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, quiet_notices, NULL);
    return conn;
}

static PGconn *pg_open_or_die(const char *url)
{
    char err[1024];
    PGconn *conn = pg_open(url, err, sizeof err);
    if (!conn) fatal("%s", err);
    return conn;
}

static void pg_check(PGconn *conn, PGresult *res, ExecStatusType expected, const char *what)
{
    if (!res) fatal("%s: %s", what, PQerrorMessage(conn));
    ExecStatusType status = PQresultStatus(res);
    if (status != expected) {
        char message[1024];
        snprintf(message, sizeof message, "%s", PQresultErrorMessage(res));
        size_t len = strlen(message);
        if (len && message[len - 1] == '\n') message[len - 1] = '\0';
        PQclear(res);
        fatal("%s: %s (%s)", what, message[0] ? message : "unexpected result", PQresStatus(status));
    }
}

static void pg_command(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    pg_check(conn, res, PGRES_COMMAND_OK, sql);
    PQclear(res);
}

/* ------------------------------------------------------------------------- */
/* Workloads                                                                 */

static char run_id[17];

static void make_run_id(void)
{
    uint64_t bits = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&bits, sizeof bits, 1, f) != 1) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        bits = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 16);
    }
    if (f) fclose(f);
    snprintf(run_id, sizeof run_id, "%016" PRIx64, bits);
}

static void queue_name(char *buf, size_t len, const char *workload)
{
    snprintf(buf, len, "raw-bench.%s.%s", run_id, workload);
}

static double workload_publish(const config_t *cfg)
{
    char queue[96];
    queue_name(queue, sizeof queue, "publish");
    amqp_connection_state_t conn = amqp_open_or_die(&cfg->amqp, "raw-bench publisher");
    declare_queue(conn, queue, cfg->queue_type);
    double elapsed = publish_messages(conn, cfg, queue, cfg->messages);
    delete_queue(conn, queue);
    amqp_close_or_die(conn);
    return elapsed;
}

/* Declares the queue and fills it with n messages (untimed) on its own connection. */
static void prefill(const config_t *cfg, const char *queue, long n)
{
    amqp_connection_state_t conn = amqp_open_or_die(&cfg->amqp, "raw-bench prefill");
    declare_queue(conn, queue, cfg->queue_type);
    publish_messages(conn, cfg, queue, n);
    amqp_close_or_die(conn);
}

/* Returns the consumer tag (to free). */
static char *start_consumer(amqp_connection_state_t conn, const char *queue, long prefetch)
{
    amqp_basic_qos(conn, CHANNEL, 0, (uint16_t)prefetch, 0);
    check_rpc(amqp_get_rpc_reply(conn), "basic.qos");
    amqp_basic_consume_ok_t *ok =
        amqp_basic_consume(conn, CHANNEL, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    check_rpc(amqp_get_rpc_reply(conn), "basic.consume");
    char *tag = xmalloc(ok->consumer_tag.len + 1);
    memcpy(tag, ok->consumer_tag.bytes, ok->consumer_tag.len);
    tag[ok->consumer_tag.len] = '\0';
    return tag;
}

static void consume_one(amqp_connection_state_t conn, amqp_envelope_t *envelope, long received, long n)
{
    amqp_maybe_release_buffers(conn);
    struct timeval timeout = {WAIT_SECONDS, 0};
    amqp_rpc_reply_t reply = amqp_consume_message(conn, envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
        if (reply.library_error == AMQP_STATUS_TIMEOUT)
            fatal("consume: no message within %d s (%ld of %ld received)", WAIT_SECONDS, received, n);
        if (reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) fail_on_pending_frame(conn, "consume");
    }
    check_rpc(reply, "consume");
}

static void stop_consumer(amqp_connection_state_t conn, char *tag)
{
    amqp_basic_cancel(conn, CHANNEL, amqp_cstring_bytes(tag));
    check_rpc(amqp_get_rpc_reply(conn), "basic.cancel");
    free(tag);
}

/* Messages per multiple ack when only consuming: --batch, but never more than the prefetch allows. */
static long ack_every(const config_t *cfg)
{
    return cfg->batch < cfg->prefetch ? cfg->batch : cfg->prefetch;
}

static double workload_consume_ack(const config_t *cfg, bool multiple)
{
    char queue[96];
    queue_name(queue, sizeof queue, multiple ? "consume-ack-multiple" : "consume-ack");
    long n = cfg->messages;
    prefill(cfg, queue, n);

    amqp_connection_state_t conn = amqp_open_or_die(&cfg->amqp, "raw-bench consumer");
    double start = now_seconds();
    char *consumer_tag = start_consumer(conn, queue, cfg->prefetch);
    long since_ack = 0;
    for (long received = 0; received < n; received++) {
        amqp_envelope_t envelope;
        consume_one(conn, &envelope, received, n);
        uint64_t tag = envelope.delivery_tag;
        amqp_destroy_envelope(&envelope);
        if (!multiple) {
            check_status(amqp_basic_ack(conn, CHANNEL, tag, 0), "basic.ack");
        } else if (++since_ack == ack_every(cfg) || received + 1 == n) {
            check_status(amqp_basic_ack(conn, CHANNEL, tag, 1), "basic.ack multiple");
            since_ack = 0;
        }
    }
    double elapsed = now_seconds() - start;

    stop_consumer(conn, consumer_tag);
    delete_queue(conn, queue);
    amqp_close_or_die(conn);
    return elapsed;
}

typedef struct {
    char *text;
    size_t cap;
} slot_t;

static char *insert_sql(const char *table, long rows)
{
    size_t cap = strlen(table) + 64 + (size_t)rows * 32;
    char *sql = xmalloc(cap);
    size_t len = (size_t)snprintf(sql, cap, "INSERT INTO %s (id, body) VALUES ", table);
    for (long i = 0; i < rows; i++)
        len += (size_t)snprintf(sql + len, cap - len, "%s($%ld,$%ld)", i ? "," : "", 2 * i + 1, 2 * i + 2);
    return sql;
}

static double workload_consume_insert(const config_t *cfg, bool multiple)
{
    char queue[96];
    queue_name(queue, sizeof queue, multiple ? "consume-insert-multiple" : "consume-insert");
    long n = cfg->messages, batch = cfg->batch;

    char schema[64], table[96];
    snprintf(schema, sizeof schema, "bench_%s%s", run_id, multiple ? "_m" : "");
    snprintf(table, sizeof table, "%s.messages", schema);
    PGconn *db = pg_open_or_die(cfg->postgres_url);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
    pg_command(db, sql);
    snprintf(leftovers.schema, sizeof leftovers.schema, "%s", schema);
    snprintf(sql, sizeof sql, "CREATE TABLE %s (id bigint PRIMARY KEY, body text)", table);
    pg_command(db, sql);

    prefill(cfg, queue, n);

    char *full_sql = insert_sql(table, batch);
    char *tail_sql = n % batch ? insert_sql(table, n % batch) : NULL;
    Oid *types = xmalloc(sizeof(Oid) * 2 * (size_t)batch);
    const char **values = xmalloc(sizeof(char *) * 2 * (size_t)batch);
    char (*ids)[ID_DIGITS + 1] = xmalloc(sizeof *ids * (size_t)batch);
    slot_t *bodies = calloc((size_t)batch, sizeof *bodies);
    uint64_t *tags = xmalloc(sizeof *tags * (size_t)batch);
    if (!bodies) fatal("out of memory");
    for (long i = 0; i < batch; i++) {
        types[2 * i] = PG_INT8_OID;
        types[2 * i + 1] = PG_TEXT_OID;
        values[2 * i] = ids[i];
    }

    amqp_connection_state_t conn = amqp_open_or_die(&cfg->amqp, "raw-bench consumer");
    double start = now_seconds();
    char *consumer_tag = start_consumer(conn, queue, cfg->prefetch);
    for (long received = 0; received < n;) {
        long count = n - received < batch ? n - received : batch;
        for (long i = 0; i < count; i++) {
            amqp_envelope_t envelope;
            consume_one(conn, &envelope, received + i, n);
            amqp_bytes_t body = envelope.message.body;
            if (body.len < ID_DIGITS) fatal("consume: a %zu-byte body carries no message id", body.len);
            if (memchr(body.bytes, '\0', body.len)) fatal("consume: a body contains NUL, which text cannot hold");
            memcpy(ids[i], body.bytes, ID_DIGITS);
            ids[i][ID_DIGITS] = '\0';
            if (bodies[i].cap < body.len + 1) {
                free(bodies[i].text);
                bodies[i].cap = body.len + 1;
                bodies[i].text = xmalloc(bodies[i].cap);
            }
            memcpy(bodies[i].text, body.bytes, body.len);
            bodies[i].text[body.len] = '\0';
            values[2 * i + 1] = bodies[i].text;
            tags[i] = envelope.delivery_tag;
            amqp_destroy_envelope(&envelope);
        }

        pg_command(db, "BEGIN");
        PGresult *res = PQexecParams(db, count == batch ? full_sql : tail_sql, (int)(2 * count), types, values, NULL,
                                     NULL, 0);
        pg_check(db, res, PGRES_COMMAND_OK, "INSERT");
        if (strtol(PQcmdTuples(res), NULL, 10) != count)
            fatal("INSERT: %s rows inserted, expected %ld", PQcmdTuples(res), count);
        PQclear(res);
        pg_command(db, "COMMIT");

        if (multiple) {
            check_status(amqp_basic_ack(conn, CHANNEL, tags[count - 1], 1), "basic.ack multiple");
        } else {
            for (long i = 0; i < count; i++) check_status(amqp_basic_ack(conn, CHANNEL, tags[i], 0), "basic.ack");
        }
        received += count;
    }
    double elapsed = now_seconds() - start;

    stop_consumer(conn, consumer_tag);
    delete_queue(conn, queue);
    amqp_close_or_die(conn);

    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    PGresult *res = PQexec(db, sql);
    pg_check(db, res, PGRES_TUPLES_OK, sql);
    if (strtol(PQgetvalue(res, 0, 0), NULL, 10) != n)
        fatal("the table holds %s rows, expected %ld", PQgetvalue(res, 0, 0), n);
    PQclear(res);
    snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
    pg_command(db, sql);
    leftovers.schema[0] = '\0';
    PQfinish(db);

    for (long i = 0; i < batch; i++) free(bodies[i].text);
    free(bodies);
    free(tags);
    free(ids);
    free(values);
    free(types);
    free(tail_sql);
    free(full_sql);
    return elapsed;
}

typedef struct {
    PGconn *conn;
    long total;
    atomic_long *next;
    atomic_bool *stop;
    pthread_barrier_t *barrier;
    long done;
    char error[1024];
} db_worker_t;

static void *db_worker(void *arg)
{
    db_worker_t *w = arg;
    const Oid types[1] = {PG_INT8_OID};
    char text[32];
    const char *values[1] = {text};
    pthread_barrier_wait(w->barrier);
    while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
        long i = atomic_fetch_add_explicit(w->next, 1, memory_order_relaxed);
        if (i >= w->total) break;
        snprintf(text, sizeof text, "%ld", i);
        PGresult *res = PQexecParams(w->conn, "SELECT $1::int8", 1, types, values, NULL, NULL, 0);
        const char *problem = NULL;
        if (!res) {
            problem = PQerrorMessage(w->conn);
        } else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            problem = PQresultErrorMessage(res);
        } else if (PQntuples(res) != 1 || PQnfields(res) != 1 || strcmp(PQgetvalue(res, 0, 0), text) != 0) {
            problem = "unexpected result";
        }
        if (problem) {
            snprintf(w->error, sizeof w->error, "SELECT $1::int8: %s", problem);
            size_t len = strlen(w->error);
            if (len && w->error[len - 1] == '\n') w->error[len - 1] = '\0';
            atomic_store(w->stop, true);
            PQclear(res);
            break;
        }
        PQclear(res);
        w->done++;
    }
    return NULL;
}

static double workload_db(const config_t *cfg, long workers)
{
    db_worker_t *w = calloc((size_t)workers, sizeof *w);
    pthread_t *threads = xmalloc(sizeof *threads * (size_t)workers);
    if (!w) fatal("out of memory");
    atomic_long next = 0;
    atomic_bool stop = false;
    pthread_barrier_t barrier;
    int rc = pthread_barrier_init(&barrier, NULL, (unsigned)workers + 1);
    if (rc != 0) fatal("pthread_barrier_init: %s", strerror(rc));
    for (long i = 0; i < workers; i++) {
        w[i].conn = pg_open_or_die(cfg->postgres_url);
        w[i].total = cfg->queries;
        w[i].next = &next;
        w[i].stop = &stop;
        w[i].barrier = &barrier;
    }
    for (long i = 0; i < workers; i++) {
        rc = pthread_create(&threads[i], NULL, db_worker, &w[i]);
        if (rc != 0) fatal("pthread_create: %s", strerror(rc));
    }
    pthread_barrier_wait(&barrier);
    double start = now_seconds();
    for (long i = 0; i < workers; i++) {
        rc = pthread_join(threads[i], NULL);
        if (rc != 0) fatal("pthread_join: %s", strerror(rc));
    }
    double elapsed = now_seconds() - start;

    long done = 0;
    const char *error = NULL;
    for (long i = 0; i < workers; i++) {
        done += w[i].done;
        if (w[i].error[0] && !error) error = w[i].error;
    }
    if (error) fatal("db worker: %s", error);
    if (done != cfg->queries) fatal("db workers ran %ld queries, expected %ld", done, cfg->queries);
    for (long i = 0; i < workers; i++) PQfinish(w[i].conn);
    pthread_barrier_destroy(&barrier);
    free(threads);
    free(w);
    return elapsed;
}

/* Best effort after a failure: remove the queue and schema the failed workload created. */
static void cleanup_leftovers(void)
{
    if (leftovers.cleaning || !leftovers.config) return;
    leftovers.cleaning = true;
    char err[1024];
    if (leftovers.queue[0]) {
        amqp_connection_state_t conn = amqp_open(&leftovers.config->amqp, "raw-bench cleanup", err, sizeof err);
        if (conn) {
            char why[512];
            amqp_queue_delete(conn, CHANNEL, amqp_cstring_bytes(leftovers.queue), 0, 0);
            if (describe_rpc_failure(amqp_get_rpc_reply(conn), why, sizeof why)) {
                fprintf(stderr, "raw-bench: could not delete queue %s: %s\n", leftovers.queue, why);
            } else {
                fprintf(stderr, "raw-bench: deleted queue %s\n", leftovers.queue);
                amqp_channel_close(conn, CHANNEL, AMQP_REPLY_SUCCESS);
                amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
            }
            amqp_destroy_connection(conn);
        } else {
            fprintf(stderr, "raw-bench: could not delete queue %s: %s\n", leftovers.queue, err);
        }
    }
    if (leftovers.schema[0]) {
        PGconn *db = pg_open(leftovers.config->postgres_url, err, sizeof err);
        if (db) {
            char sql[128];
            snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", leftovers.schema);
            PGresult *res = PQexec(db, sql);
            if (res && PQresultStatus(res) == PGRES_COMMAND_OK)
                fprintf(stderr, "raw-bench: dropped schema %s\n", leftovers.schema);
            else
                fprintf(stderr, "raw-bench: could not drop schema %s: %s", leftovers.schema, PQerrorMessage(db));
            PQclear(res);
            PQfinish(db);
        } else {
            fprintf(stderr, "raw-bench: could not drop schema %s: %s\n", leftovers.schema, err);
        }
    }
}

/* ------------------------------------------------------------------------- */
/* Command line and output                                                   */

static void usage(FILE *out)
{
    fputs("Usage: raw-bench --amqp-url URL --postgres-url URL [options]\n"
          "\n"
          "  --amqp-url URL        amqp://user:pass@host:port/vhost[?heartbeat=S&connection_timeout=MS]\n"
          "                        (percent-decoded; heartbeat defaults to 10 s like Conveyor's)\n"
          "  --postgres-url URL    libpq connection string or URL, passed to PQconnectdb\n"
          "  --messages N          messages per AMQP workload (100000)\n"
          "  --body-bytes B        message body size, at least 20 (512)\n"
          "  --window W            unconfirmed messages in flight when publishing (1000)\n"
          "  --prefetch P          consumer prefetch, 1-65535 (1000)\n"
          "  --batch B             messages per INSERT transaction and per multiple ack (100)\n"
          "  --queries Q           SELECT round trips per database workload (100000)\n"
          "  --db-workers K        concurrent database connections (8)\n"
          "  --queue-type T        quorum or classic (quorum)\n"
          "  --only LIST           comma-separated subset of publish,consume,insert,db\n"
          "  --json                print one JSON object instead of the table\n"
          "  --help                this text\n",
          out);
}

static void parse_only(config_t *cfg, const char *list)
{
    cfg->run_publish = cfg->run_consume = cfg->run_insert = cfg->run_db = false;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 7 && strncmp(p, "publish", 7) == 0) cfg->run_publish = true;
        else if (len == 7 && strncmp(p, "consume", 7) == 0) cfg->run_consume = true;
        else if (len == 6 && strncmp(p, "insert", 6) == 0) cfg->run_insert = true;
        else if (len == 2 && strncmp(p, "db", 2) == 0) cfg->run_db = true;
        else fatal("--only: unknown workload '%.*s' (publish, consume, insert, db)", (int)len, p);
        p += len;
        if (*p == ',') p++;
    }
}

static void parse_args(int argc, char **argv, config_t *cfg)
{
    const char *amqp_url = NULL;
    cfg->postgres_url = NULL;
    cfg->messages = 100000;
    cfg->body_bytes = 512;
    cfg->window = 1000;
    cfg->prefetch = 1000;
    cfg->batch = 100;
    cfg->queries = 100000;
    cfg->db_workers = 8;
    cfg->queue_type = "quorum";
    cfg->json = false;
    cfg->run_publish = cfg->run_consume = cfg->run_insert = cfg->run_db = true;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(arg, "--json") == 0) {
            cfg->json = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) fatal("unexpected argument '%s' (see --help)", arg);
        if (i + 1 >= argc) fatal("%s needs a value", arg);
        const char *value = argv[++i];
        if (strcmp(arg, "--amqp-url") == 0) amqp_url = value;
        else if (strcmp(arg, "--postgres-url") == 0) cfg->postgres_url = value;
        else if (strcmp(arg, "--messages") == 0) cfg->messages = parse_long(value, arg, 1, 100000000);
        else if (strcmp(arg, "--body-bytes") == 0) cfg->body_bytes = parse_long(value, arg, ID_DIGITS, 16 << 20);
        else if (strcmp(arg, "--window") == 0) cfg->window = parse_long(value, arg, 1, 1000000);
        else if (strcmp(arg, "--prefetch") == 0) cfg->prefetch = parse_long(value, arg, 1, 65535);
        else if (strcmp(arg, "--batch") == 0) cfg->batch = parse_long(value, arg, 1, 32767);
        else if (strcmp(arg, "--queries") == 0) cfg->queries = parse_long(value, arg, 1, 1000000000);
        else if (strcmp(arg, "--db-workers") == 0) cfg->db_workers = parse_long(value, arg, 1, 1024);
        else if (strcmp(arg, "--queue-type") == 0) {
            if (strcmp(value, "quorum") != 0 && strcmp(value, "classic") != 0)
                fatal("--queue-type must be quorum or classic, not '%s'", value);
            cfg->queue_type = value;
        } else if (strcmp(arg, "--only") == 0) parse_only(cfg, value);
        else fatal("unknown option '%s' (see --help)", arg);
    }
    if (!amqp_url && (cfg->run_publish || cfg->run_consume || cfg->run_insert)) fatal("--amqp-url is required");
    if (!cfg->postgres_url && (cfg->run_insert || cfg->run_db)) fatal("--postgres-url is required");
    if (amqp_url) parse_amqp_url(amqp_url, &cfg->amqp);
    /* A batch larger than the prefetch would wait for messages the broker never sends. */
    if (cfg->run_insert && cfg->prefetch < cfg->batch)
        fatal("--prefetch (%ld) must be at least --batch (%ld)", cfg->prefetch, cfg->batch);
}

static void print_table(const config_t *cfg, const result_t *results, int count)
{
    int pq = PQlibVersion();
    printf("raw-bench: rabbitmq-c %s, libpq %d.%d\n", amqp_version(), pq / 10000, pq % 10000);
    printf("messages %ld, body %ld B, window %ld, prefetch %ld, batch %ld, %s queues, "
           "queries %ld, db workers %ld\n\n",
           cfg->messages, cfg->body_bytes, cfg->window, cfg->prefetch, cfg->batch, cfg->queue_type, cfg->queries,
           cfg->db_workers);
    printf("%-52s %10s %10s %12s\n", "workload", "count", "seconds", "rate");
    for (int i = 0; i < count; i++) {
        const result_t *r = &results[i];
        printf("%-52s %10ld %10.3f %12.0f %s\n", r->label, r->count, r->seconds, (double)r->count / r->seconds,
               r->unit);
    }
}

static void print_json(const config_t *cfg, const result_t *results, int count)
{
    int pq = PQlibVersion();
    printf("{\"tool\":\"raw-bench\",\"rabbitmq_c\":\"%s\",\"libpq\":%d,", amqp_version(), pq);
    printf("\"config\":{\"messages\":%ld,\"body_bytes\":%ld,\"window\":%ld,\"prefetch\":%ld,\"batch\":%ld,"
           "\"ack_multiple_every\":%ld,\"queries\":%ld,\"db_workers\":%ld,\"queue_type\":\"%s\","
           "\"heartbeat_s\":%d},",
           cfg->messages, cfg->body_bytes, cfg->window, cfg->prefetch, cfg->batch, ack_every(cfg), cfg->queries,
           cfg->db_workers, cfg->queue_type, cfg->amqp.heartbeat);
    printf("\"results\":{");
    for (int i = 0; i < count; i++) {
        const result_t *r = &results[i];
        printf("%s\"%s\":{\"count\":%ld,\"elapsed_s\":%.6f,\"%s\":%.1f}", i ? "," : "", r->key, r->count,
               r->seconds, strcmp(r->unit, "msgs/s") == 0 ? "msgs_per_s" : "queries_per_s",
               (double)r->count / r->seconds);
    }
    printf("}}\n");
}

int main(int argc, char **argv)
{
    config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    parse_args(argc, argv, &cfg);
    leftovers.config = &cfg;
    make_run_id();

    result_t results[8];
    int count = 0;
    char multiple_label[64], db_label[64];
    if (cfg.run_publish) {
        results[count++] = (result_t){"publish", "publish (persistent, mandatory, confirms)", "msgs/s", cfg.messages,
                                      workload_publish(&cfg)};
    }
    if (cfg.run_consume) {
        results[count++] = (result_t){"consume_ack", "consume + ack each", "msgs/s", cfg.messages,
                                      workload_consume_ack(&cfg, false)};
        snprintf(multiple_label, sizeof multiple_label, "consume + ack multiple every %ld", ack_every(&cfg));
        results[count++] = (result_t){"consume_ack_multiple", multiple_label, "msgs/s", cfg.messages,
                                      workload_consume_ack(&cfg, true)};
    }
    if (cfg.run_insert) {
        results[count++] = (result_t){"consume_insert", "consume + INSERT batch + ack each", "msgs/s", cfg.messages,
                                      workload_consume_insert(&cfg, false)};
        results[count++] = (result_t){"consume_insert_multiple", "consume + INSERT batch + ack multiple", "msgs/s",
                                      cfg.messages, workload_consume_insert(&cfg, true)};
    }
    if (cfg.run_db) {
        snprintf(db_label, sizeof db_label, "SELECT $1::int8, %ld connections", cfg.db_workers);
        results[count++] = (result_t){"db_round_trips", db_label, "queries/s", cfg.queries,
                                      workload_db(&cfg, cfg.db_workers)};
        results[count++] = (result_t){"db_round_trips_single", "SELECT $1::int8, 1 connection", "queries/s",
                                      cfg.queries, workload_db(&cfg, 1)};
    }

    if (cfg.json) print_json(&cfg, results, count);
    else print_table(&cfg, results, count);

    leftovers.config = NULL;
    if (cfg.amqp.host) free_amqp_url(&cfg.amqp);
    return 0;
}
