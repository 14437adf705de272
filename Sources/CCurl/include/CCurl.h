#ifndef SORTIE_CCURL_H
#define SORTIE_CCURL_H
// libcurl for Swift: Debian's <curl/curl.h> for the types and constants, and a function for every
// libcurl call the package makes. libcurl itself is not linked: CurlLibrary.c loads it with dlopen
// the first time one of these functions runs. Its dependency tree (about 38 shared libraries: TLS,
// Kerberos, LDAP, IDN, compression) cost ~6 ms at every start, and commands that never reach a
// cluster (version --client, help, completions, apps) need none of it.
//
// When libcurl cannot be loaded, the functions that make handles return NULL (and global_init
// CURLE_FAILED_INIT); sortie_curl_load_error() says why. No handle exists then, so the functions
// that take one are never reached.
//
// The typed setopt/getinfo variants exist because Swift cannot call C variadic functions (the same
// approach as swift-corelibs-foundation's _CFURLSessionInterface).
#include <curl/curl.h>
#include <stddef.h>

/// Why libcurl could not be loaded (dlopen's or dlsym's message), or NULL once it is loaded.
/// Loads it if nothing did yet.
const char *sortie_curl_load_error(void);

/// Loads `soname` and resolves every function the package needs, without installing it as the
/// library the other functions use; returns NULL on success or why not. For tests of the failure.
const char *sortie_curl_probe_library(const char *soname);

CURLcode sortie_curl_global_init(long flags);
CURL *sortie_curl_easy_init(void);
CURLcode sortie_curl_easy_perform(CURL *handle);
void sortie_curl_easy_cleanup(CURL *handle);
const char *sortie_curl_easy_strerror(CURLcode code);
CURLcode sortie_curl_easy_send(CURL *handle, const void *buffer, size_t length, size_t *sent);
CURLcode sortie_curl_easy_recv(CURL *handle, void *buffer, size_t length, size_t *received);
CURLM *sortie_curl_multi_init(void);
CURLMcode sortie_curl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode sortie_curl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode sortie_curl_multi_perform(CURLM *multi, int *running);
CURLMcode sortie_curl_multi_poll(CURLM *multi, struct curl_waitfd *fds, unsigned int count, int timeoutMilliseconds, int *ready);
CURLMcode sortie_curl_multi_wakeup(CURLM *multi);
CURLMsg *sortie_curl_multi_info_read(CURLM *multi, int *remaining);
CURLMcode sortie_curl_multi_cleanup(CURLM *multi);
struct curl_slist *sortie_curl_slist_append(struct curl_slist *list, const char *string);
void sortie_curl_slist_free_all(struct curl_slist *list);

typedef size_t (*sortie_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*sortie_curl_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

CURLcode sortie_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode sortie_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode sortie_easy_setopt_ptr(CURL *handle, CURLoption option, const void *value);
CURLcode sortie_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode sortie_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode sortie_easy_setopt_data_cb(CURL *handle, CURLoption option, sortie_curl_data_cb value);
CURLcode sortie_easy_setopt_xferinfo_cb(CURL *handle, sortie_curl_xferinfo_cb value);
/// Sets a blob option (CURLOPT_CAINFO_BLOB, CURLOPT_SSLCERT_BLOB, CURLOPT_SSLKEY_BLOB); libcurl copies
/// the bytes, so the caller's buffer need not outlive the call.
CURLcode sortie_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);

CURLcode sortie_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode sortie_easy_getinfo_ptr(CURL *handle, CURLINFO info, void **value);
CURLcode sortie_easy_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode sortie_easy_getinfo_socket(CURL *handle, curl_socket_t *value);

CURLMcode sortie_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

static inline size_t sortie_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline int sortie_curl_socket_bad(void) { return CURL_SOCKET_BAD; }

#endif
