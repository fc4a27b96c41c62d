#ifndef CONVEYOR_C_THREAD_NAME_H
#define CONVEYOR_C_THREAD_NAME_H

/// Names the calling thread (Linux keeps the first 15 bytes). Returns 0 or an errno value.
///
/// pthread_setname_np is a GNU extension the Swift Glibc module does not export.
int conveyor_set_current_thread_name(const char *name);

#endif
