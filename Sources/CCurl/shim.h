#ifndef SORTIE_CCURL_SHIM_H
#define SORTIE_CCURL_SHIM_H
// Typed wrappers around libcurl's variadic functions, which Swift cannot call directly
// (the same approach as swift-corelibs-foundation's _CFURLSessionInterface).
#include <curl/curl.h>
#include <poll.h>

typedef size_t (*sortie_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*sortie_curl_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode sortie_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sortie_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sortie_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sortie_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sortie_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sortie_easy_setopt_data_cb(CURL *h, CURLoption o, sortie_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sortie_easy_setopt_xferinfo_cb(CURL *h, sortie_curl_xferinfo_cb v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }

/// Sets a blob option (CURLOPT_CAINFO_BLOB, CURLOPT_SSLCERT_BLOB, CURLOPT_SSLKEY_BLOB); libcurl copies
/// the bytes, so the caller's buffer need not outlive the call.
static inline CURLcode sortie_easy_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = len;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(h, o, &blob);
}

static inline CURLcode sortie_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sortie_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sortie_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sortie_easy_getinfo_socket(CURL *h, curl_socket_t *v) { return curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, v); }

static inline CURLMcode sortie_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

static inline size_t sortie_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline int sortie_curl_socket_bad(void) { return CURL_SOCKET_BAD; }

#endif
