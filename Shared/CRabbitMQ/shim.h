#ifndef CONVEYOR_CRABBITMQ_SHIM_H
#define CONVEYOR_CRABBITMQ_SHIM_H

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/tcp_socket.h>
#include <rabbitmq-c/ssl_socket.h>
#else
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#endif

/* amqp_login_with_properties is C-variadic, which Swift cannot call: SASL PLAIN here. */
static inline amqp_rpc_reply_t conveyor_amqp_login_plain(
    amqp_connection_state_t state, char const *vhost, int channel_max, int frame_max,
    int heartbeat, const amqp_table_t *properties, char const *user, char const *password) {
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat,
                                      properties, AMQP_SASL_METHOD_PLAIN, user, password);
}

/* C globals are not accessible from Swift 6's strict concurrency: return copies. */
static inline amqp_table_t conveyor_amqp_empty_table(void) { return amqp_empty_table; }
static inline amqp_bytes_t conveyor_amqp_empty_bytes(void) { return amqp_empty_bytes; }

#endif
