// Loads libcurl with dlopen on first use and forwards every call the package makes to it.
// See include/CCurl.h for why.
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>

// Debian's libcurl4 (OpenSSL flavour), the package the headers come from.
static const char *const sortie_curl_soname = "libcurl.so.4";

// Every libcurl function the package calls: the table's field, the symbol, its type.
#define SORTIE_CURL_FUNCTIONS(X) \
    X(global_init, "curl_global_init", CURLcode (*)(long)) \
    X(easy_init, "curl_easy_init", CURL *(*)(void)) \
    X(easy_setopt, "curl_easy_setopt", CURLcode (*)(CURL *, CURLoption, ...)) \
    X(easy_getinfo, "curl_easy_getinfo", CURLcode (*)(CURL *, CURLINFO, ...)) \
    X(easy_perform, "curl_easy_perform", CURLcode (*)(CURL *)) \
    X(easy_cleanup, "curl_easy_cleanup", void (*)(CURL *)) \
    X(easy_strerror, "curl_easy_strerror", const char *(*)(CURLcode)) \
    X(easy_send, "curl_easy_send", CURLcode (*)(CURL *, const void *, size_t, size_t *)) \
    X(easy_recv, "curl_easy_recv", CURLcode (*)(CURL *, void *, size_t, size_t *)) \
    X(multi_init, "curl_multi_init", CURLM *(*)(void)) \
    X(multi_setopt, "curl_multi_setopt", CURLMcode (*)(CURLM *, CURLMoption, ...)) \
    X(multi_add_handle, "curl_multi_add_handle", CURLMcode (*)(CURLM *, CURL *)) \
    X(multi_remove_handle, "curl_multi_remove_handle", CURLMcode (*)(CURLM *, CURL *)) \
    X(multi_perform, "curl_multi_perform", CURLMcode (*)(CURLM *, int *)) \
    X(multi_poll, "curl_multi_poll", CURLMcode (*)(CURLM *, struct curl_waitfd *, unsigned int, int, int *)) \
    X(multi_wakeup, "curl_multi_wakeup", CURLMcode (*)(CURLM *)) \
    X(multi_info_read, "curl_multi_info_read", CURLMsg *(*)(CURLM *, int *)) \
    X(multi_cleanup, "curl_multi_cleanup", CURLMcode (*)(CURLM *)) \
    X(slist_append, "curl_slist_append", struct curl_slist *(*)(struct curl_slist *, const char *)) \
    X(slist_free_all, "curl_slist_free_all", void (*)(struct curl_slist *))

typedef struct sortie_curl_table {
#define SORTIE_CURL_FIELD(field, symbol, type) __typeof__(type) field;
    SORTIE_CURL_FUNCTIONS(SORTIE_CURL_FIELD)
#undef SORTIE_CURL_FIELD
} sortie_curl_table;

/// Opens `soname` and fills `table`; NULL on success, or why not. The handle stays open for the
/// life of the process (libcurl keeps global state).
static const char *sortie_curl_open(const char *soname, sortie_curl_table *table) {
    void *library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        return why ? why : "dlopen failed";
    }
#define SORTIE_CURL_RESOLVE(field, symbol, type) \
    *(void **)(&table->field) = dlsym(library, symbol); \
    if (!table->field) return "the library has no " symbol;
    SORTIE_CURL_FUNCTIONS(SORTIE_CURL_RESOLVE)
#undef SORTIE_CURL_RESOLVE
    return NULL;
}

static sortie_curl_table sortie_curl_loaded;
static const char *sortie_curl_failure;
static pthread_once_t sortie_curl_once = PTHREAD_ONCE_INIT;

static void sortie_curl_load(void) {
    sortie_curl_failure = sortie_curl_open(sortie_curl_soname, &sortie_curl_loaded);
}

/// The loaded table (loading it the first time; thread-safe), or NULL when libcurl is missing.
static const sortie_curl_table *sortie_curl(void) {
    pthread_once(&sortie_curl_once, sortie_curl_load);
    return sortie_curl_failure ? NULL : &sortie_curl_loaded;
}

const char *sortie_curl_load_error(void) {
    return sortie_curl() ? NULL : sortie_curl_failure;
}

const char *sortie_curl_probe_library(const char *soname) {
    sortie_curl_table table;
    return sortie_curl_open(soname, &table);
}

// The functions that create handles, and the ones that run before one exists, fail like libcurl
// itself would when it is missing; the rest are only reachable with a handle, i.e. once loaded.

CURLcode sortie_curl_global_init(long flags) {
    const sortie_curl_table *curl = sortie_curl();
    return curl ? curl->global_init(flags) : CURLE_FAILED_INIT;
}

CURL *sortie_curl_easy_init(void) {
    const sortie_curl_table *curl = sortie_curl();
    return curl ? curl->easy_init() : NULL;
}

CURLM *sortie_curl_multi_init(void) {
    const sortie_curl_table *curl = sortie_curl();
    return curl ? curl->multi_init() : NULL;
}

const char *sortie_curl_easy_strerror(CURLcode code) {
    const sortie_curl_table *curl = sortie_curl();
    return curl ? curl->easy_strerror(code) : "libcurl is not loaded";
}

struct curl_slist *sortie_curl_slist_append(struct curl_slist *list, const char *string) {
    const sortie_curl_table *curl = sortie_curl();
    return curl ? curl->slist_append(list, string) : NULL;
}

void sortie_curl_slist_free_all(struct curl_slist *list) {
    const sortie_curl_table *curl = sortie_curl();
    if (curl) curl->slist_free_all(list);
}

CURLcode sortie_curl_easy_perform(CURL *handle) { return sortie_curl()->easy_perform(handle); }
void sortie_curl_easy_cleanup(CURL *handle) { sortie_curl()->easy_cleanup(handle); }
CURLcode sortie_curl_easy_send(CURL *handle, const void *buffer, size_t length, size_t *sent) {
    return sortie_curl()->easy_send(handle, buffer, length, sent);
}
CURLcode sortie_curl_easy_recv(CURL *handle, void *buffer, size_t length, size_t *received) {
    return sortie_curl()->easy_recv(handle, buffer, length, received);
}
CURLMcode sortie_curl_multi_add_handle(CURLM *multi, CURL *handle) { return sortie_curl()->multi_add_handle(multi, handle); }
CURLMcode sortie_curl_multi_remove_handle(CURLM *multi, CURL *handle) { return sortie_curl()->multi_remove_handle(multi, handle); }
CURLMcode sortie_curl_multi_perform(CURLM *multi, int *running) { return sortie_curl()->multi_perform(multi, running); }
CURLMcode sortie_curl_multi_poll(CURLM *multi, struct curl_waitfd *fds, unsigned int count, int timeoutMilliseconds, int *ready) {
    return sortie_curl()->multi_poll(multi, fds, count, timeoutMilliseconds, ready);
}
CURLMcode sortie_curl_multi_wakeup(CURLM *multi) { return sortie_curl()->multi_wakeup(multi); }
CURLMsg *sortie_curl_multi_info_read(CURLM *multi, int *remaining) { return sortie_curl()->multi_info_read(multi, remaining); }
CURLMcode sortie_curl_multi_cleanup(CURLM *multi) { return sortie_curl()->multi_cleanup(multi); }

CURLcode sortie_easy_setopt_long(CURL *handle, CURLoption option, long value) { return sortie_curl()->easy_setopt(handle, option, value); }
CURLcode sortie_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) { return sortie_curl()->easy_setopt(handle, option, value); }
CURLcode sortie_easy_setopt_ptr(CURL *handle, CURLoption option, const void *value) { return sortie_curl()->easy_setopt(handle, option, value); }
CURLcode sortie_easy_setopt_string(CURL *handle, CURLoption option, const char *value) { return sortie_curl()->easy_setopt(handle, option, value); }
CURLcode sortie_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) { return sortie_curl()->easy_setopt(handle, option, value); }
CURLcode sortie_easy_setopt_data_cb(CURL *handle, CURLoption option, sortie_curl_data_cb value) { return sortie_curl()->easy_setopt(handle, option, value); }
CURLcode sortie_easy_setopt_xferinfo_cb(CURL *handle, sortie_curl_xferinfo_cb value) {
    return sortie_curl()->easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}
CURLcode sortie_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return sortie_curl()->easy_setopt(handle, option, &blob);
}

CURLcode sortie_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return sortie_curl()->easy_getinfo(handle, info, value); }
CURLcode sortie_easy_getinfo_ptr(CURL *handle, CURLINFO info, void **value) { return sortie_curl()->easy_getinfo(handle, info, value); }
CURLcode sortie_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) { return sortie_curl()->easy_getinfo(handle, info, value); }
CURLcode sortie_easy_getinfo_socket(CURL *handle, curl_socket_t *value) {
    return sortie_curl()->easy_getinfo(handle, CURLINFO_ACTIVESOCKET, value);
}

CURLMcode sortie_multi_setopt_long(CURLM *multi, CURLMoption option, long value) { return sortie_curl()->multi_setopt(multi, option, value); }
