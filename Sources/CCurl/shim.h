#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic: Swift cannot call them, so typed wrappers.
static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode ccurl_setopt_write_function(CURL *handle, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode ccurl_setopt_header_function(CURL *handle, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}
static inline CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

// The multi-socket interface: curl says which sockets to watch, an epoll set watches them.
static inline CURLMcode ccurl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}
typedef int (*ccurl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *context, void *socketContext);
static inline CURLMcode ccurl_multi_setopt_socket_function(CURLM *multi, ccurl_socket_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
}
typedef int (*ccurl_timer_callback)(CURLM *multi, long timeoutMilliseconds, void *context);
static inline CURLMcode ccurl_multi_setopt_timer_function(CURLM *multi, ccurl_timer_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
}

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

// epoll's event struct is packed on x86-64; these keep its layout on the C side.
static inline int ccurl_epoll_watch(int set, int fd, int readable, int writable, int modify) {
    struct epoll_event event;
    event.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
    event.data.fd = fd;
    return epoll_ctl(set, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
}
static inline int ccurl_epoll_unwatch(int set, int fd) {
    return epoll_ctl(set, EPOLL_CTL_DEL, fd, NULL);
}
// Waits; writes up to `capacity` ready descriptors and their curl event masks (CURL_CSELECT_*).
static inline int ccurl_epoll_wait(int set, int *fds, int *masks, int capacity, int timeoutMilliseconds) {
    struct epoll_event events[512];
    if (capacity > 512) capacity = 512;
    int count = epoll_wait(set, events, capacity, timeoutMilliseconds);
    for (int i = 0; i < count; i++) {
        fds[i] = events[i].data.fd;
        int mask = 0;
        if (events[i].events & (EPOLLIN | EPOLLHUP)) mask |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (events[i].events & EPOLLERR) mask |= CURL_CSELECT_ERR;
        masks[i] = mask;
    }
    return count;
}
#endif
