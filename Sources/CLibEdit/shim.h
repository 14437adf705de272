#ifndef SORTIE_CLIBEDIT_SHIM_H
#define SORTIE_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <wchar.h>
#include <histedit.h>

// Typed wrappers for the variadic el_set/el_get/history calls `sortiectl shell` uses
// (Swift cannot call C variadic functions). One wrapper per operation; see editline(3).

typedef char *(*sortie_el_prompt_fn)(EditLine *);
typedef unsigned char (*sortie_el_command_fn)(EditLine *, int);

/// EL_PROMPT: the function returning the prompt string.
static inline int sortie_el_set_prompt(EditLine *el, sortie_el_prompt_fn fn) { return el_set(el, EL_PROMPT, fn); }
/// EL_EDITOR: "emacs" or "vi" key bindings.
static inline int sortie_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
/// EL_GETCFN: the function that reads one character (NULL restores the built-in one).
static inline int sortie_el_set_getcfn(EditLine *el, el_rfunc_t fn) { return el_set(el, EL_GETCFN, fn); }
/// EL_CLIENTDATA: an opaque pointer the callbacks read back with sortie_el_get_clientdata.
static inline int sortie_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *sortie_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
/// EL_ADDFN: a named editor function (e.g. completion) that keys can be bound to.
static inline int sortie_el_addfn(EditLine *el, const char *name, const char *help, sortie_el_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
/// EL_BIND: binds a key sequence ("^I") to an editor function.
static inline int sortie_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
/// EL_HIST: the history the editor's up/down keys walk.
static inline int sortie_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }

static inline int sortie_history_setsize(History *h, int size) { HistEvent ev; return history(h, &ev, H_SETSIZE, size); }
static inline int sortie_history_setunique(History *h, int unique) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, unique); }
static inline int sortie_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int sortie_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int sortie_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }
#endif
