#ifndef CONVEYOR_CLIBPQ_SHIM_H
#define CONVEYOR_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#if __has_include(<sys/eventfd.h>)
// The LISTEN/NOTIFY session waits in poll(2) on the libpq socket plus an eventfd that other
// threads write to when they need the connection's thread; Glibc's Swift overlay lacks eventfd.
#include <sys/eventfd.h>
#endif

#endif
