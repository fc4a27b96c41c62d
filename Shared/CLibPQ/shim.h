#ifndef CONVEYOR_CLIBPQ_SHIM_H
#define CONVEYOR_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
