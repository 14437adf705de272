"""The in-memory object store: one global resourceVersion counter across all kinds, a bounded
history of changes (for watches and exact-version lists) and the set of live watchers.

Stored objects are never mutated in place: writers copy what they change, then call update().
Versions may share unchanged sub-objects (a writer copies the dicts on the path to its change, not
necessarily the whole object), so nothing nested in a stored object may be changed in place either."""
import asyncio
import collections
import itertools

from .errors import gone


class Change:
    __slots__ = ("rv", "type", "resource", "obj", "prev")

    def __init__(self, rv, type_, resource, obj, prev):
        self.rv, self.type, self.resource, self.obj, self.prev = rv, type_, resource, obj, prev


class Watcher:
    _ids = itertools.count(1)

    def __init__(self, resource, namespace, match):
        self.id = next(self._ids)
        self.resource = resource
        self.namespace = namespace
        self.match = match  # obj -> bool (label/field selectors)
        self.queue: asyncio.Queue = asyncio.Queue()
        self.closed = False

    def offer(self, change: Change, encoded: dict | None = None):
        """Queues the event(s) this change means for the watcher. `encoded` ({event type: JSON line})
        is shared by the watchers offered the same change, so that it is encoded once (watch.py)."""
        obj, prev = change.obj, change.prev
        if self.namespace and obj["metadata"].get("namespace") != self.namespace:
            return
        now_m = self.match(obj)
        if change.type == "MODIFIED":
            was_m = prev is not None and self.match(prev)
            if now_m and was_m:
                self.queue.put_nowait(("MODIFIED", obj, encoded))
            elif now_m:
                self.queue.put_nowait(("ADDED", obj, encoded))
            elif was_m:
                self.queue.put_nowait(("DELETED", obj, encoded))
        elif now_m:
            self.queue.put_nowait((change.type, obj, encoded))

    def close(self):
        if not self.closed:
            self.closed = True
            self.queue.put_nowait(None)


class Store:
    def __init__(self, window: int = 1000, start_rv: int = 100):
        self.rv = start_rv
        self.window = window
        self.objects: dict[str, dict[tuple[str, str], dict]] = collections.defaultdict(dict)
        self.history: collections.deque[Change] = collections.deque()
        self.compacted_rv = start_rv  # every change with rv > compacted_rv is in history
        self.watchers: set[Watcher] = set()
        self.listeners = []  # callables (change) -> None, run after every change

    # ---- reads -------------------------------------------------------------------------------
    def get(self, resource, namespace, name):
        return self.objects[resource].get((namespace or "", name))

    def list(self, resource, namespace=None):
        objs = self.objects[resource]
        keys = sorted(k for k in objs if not namespace or k[0] == namespace)
        return [objs[k] for k in keys]

    # ---- writes ------------------------------------------------------------------------------
    def next_rv(self) -> str:
        self.rv += 1
        return str(self.rv)

    def create(self, resource, obj) -> dict:
        md = obj["metadata"]
        md["resourceVersion"] = self.next_rv()
        self.objects[resource][(md.get("namespace", ""), md["name"])] = obj
        self._record("ADDED", resource, obj, None)
        return obj

    def update(self, resource, obj) -> dict:
        md = obj["metadata"]
        key = (md.get("namespace", ""), md["name"])
        prev = self.objects[resource].get(key)
        md["resourceVersion"] = self.next_rv()
        self.objects[resource][key] = obj
        self._record("MODIFIED", resource, obj, prev)
        return obj

    def delete(self, resource, namespace, name) -> dict | None:
        prev = self.objects[resource].pop((namespace or "", name), None)
        if prev is None:
            return None
        obj = dict(prev, metadata=dict(prev["metadata"]))  # only the resourceVersion changes
        obj["metadata"]["resourceVersion"] = self.next_rv()
        self._record("DELETED", resource, obj, prev)
        return obj

    def _record(self, type_, resource, obj, prev):
        ch = Change(self.rv, type_, resource, obj, prev)
        self.history.append(ch)
        while len(self.history) > self.window:
            self.compacted_rv = self.history.popleft().rv
        if self.watchers:
            encoded: dict = {}
            for w in list(self.watchers):
                if w.resource == resource:
                    w.offer(ch, encoded)
        for fn in self.listeners:
            fn(ch)

    # ---- history -----------------------------------------------------------------------------
    def check_watch_rv(self, rv: int):
        if rv < self.compacted_rv:
            raise gone(f"too old resource version: {rv} ({self.compacted_rv + 1})")

    def changes_since(self, resource, rv: int):
        return [c for c in self.history if c.rv > rv and c.resource == resource]

    def snapshot_at(self, resource, rv: int, namespace=None):
        """The objects of a resource as they were at rv (Exact-version lists)."""
        if rv < self.compacted_rv or rv > self.rv:
            raise gone("The resourceVersion for the provided list is too old.")
        state = dict(self.objects[resource])
        for ch in reversed(self.history):
            if ch.rv <= rv:
                break
            if ch.resource != resource:
                continue
            md = ch.obj["metadata"]
            key = (md.get("namespace", ""), md["name"])
            if ch.prev is None:
                state.pop(key, None)
            else:
                state[key] = ch.prev
        keys = sorted(k for k in state if not namespace or k[0] == namespace)
        return [state[k] for k in keys]

    def compact(self):
        self.history.clear()
        self.compacted_rv = self.rv

    def restart(self, jump: int = 1000):
        for w in list(self.watchers):
            w.close()
        self.watchers.clear()
        self.rv += jump
        self.compact()

    # ---- watchers ----------------------------------------------------------------------------
    def add_watcher(self, w: Watcher):
        self.watchers.add(w)

    def remove_watcher(self, w: Watcher):
        self.watchers.discard(w)
