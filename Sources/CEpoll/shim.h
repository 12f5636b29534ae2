#ifndef MINICATALOG_EPOLL_H
#define MINICATALOG_EPOLL_H

/* Linux's epoll, which Glibc's Swift module leaves out: the benchmarks' stream swarm waits on thousands of
   sockets with it. */
#include <sys/epoll.h>

#endif
