# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The channel model's backward search (:meth:`pipeline.correct.channel.SkeletonSearch.search`)
compiled.

The same beam over the same hypotheses, with numbers where the Python search has strings: a
skeleton prefix is a node of a trie of the syllable skeletons, a hypothesis is its node and,
after a lost space, the node of the complete syllable before it. Layers keep the best score
per hypothesis, are pruned to the same beam in the same order (score, then the hypothesis's
text, both descending) and every score is the same sum, so the skeletons and scores found are
those of the Python search (tests/correct/test_channel.py compares them).
"""

from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memset

cdef enum:
    NO_HEAD = 0  # head field of a hypothesis without a space (heads are node + 1)
    MAX_LAYERS = 64


cdef int64_t NODE_MASK = 0xFFFFFFFF  # the node field of a hypothesis key
cdef uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL


cdef struct Option:
    int32_t first   # alphabet index of the segment's first character
    int32_t second  # ... of its second, -1 for a one-character segment
    double lp


cdef struct Entry:
    int64_t key     # head << 32 | node
    double score
    int32_t layer
    int32_t alive


cdef class CompiledSearch:
    """Built from a :class:`SkeletonSearch` (its prior, prefixes, alphabet and rewrites)."""

    cdef object source
    cdef list node_text         # node -> its skeleton prefix
    cdef dict letter            # character -> alphabet index
    cdef int n_letters, n_nodes
    cdef int32_t* child         # node * n_letters + letter -> child node, -1: none
    cdef double* complete       # node -> prior of its skeleton, -inf: not a whole skeleton
    cdef dict option_at         # observed piece (or "\0" + char for generic) -> (start, count)
    cdef Option* options
    cdef int n_options, cap_options
    cdef double merge_lp, insert_lp, margin
    cdef int beam, generic_beam, max_rewrites, max_len
    # per search
    cdef Entry* entries
    cdef int n_entries, cap_entries
    cdef int32_t* table
    cdef int32_t* stamp
    cdef uint64_t mask
    cdef int32_t now
    cdef int32_t* lists[MAX_LAYERS]
    cdef int n_list[MAX_LAYERS]
    cdef int cap_list[MAX_LAYERS]

    def __cinit__(self, source, int beam, double margin, int generic_beam, int max_rewrites, int max_len):
        cdef int i
        self.child = NULL
        self.complete = NULL
        self.options = NULL
        self.entries = NULL
        self.table = NULL
        self.stamp = NULL
        for i in range(MAX_LAYERS):
            self.lists[i] = NULL
            self.n_list[i] = self.cap_list[i] = 0
        if max_len + 1 > MAX_LAYERS:
            raise ValueError("tokens searched are too long for the compiled search")
        self.source = source
        self.beam, self.margin, self.generic_beam = beam, margin, generic_beam
        self.max_rewrites, self.max_len = max_rewrites, max_len
        self.merge_lp, self.insert_lp = source.merge_lp, source.insert_lp
        alphabet = list(source.alphabet)
        self.letter = {ch: k for k, ch in enumerate(alphabet)}
        self.n_letters = len(alphabet)
        texts = [""] + sorted(source.prefixes, key=lambda p: (len(p), p))
        self.node_text = texts
        self.n_nodes = len(texts)
        node_of = {p: k for k, p in enumerate(texts)}
        self.child = <int32_t*> malloc(<size_t> self.n_nodes * self.n_letters * sizeof(int32_t))
        self.complete = <double*> malloc(<size_t> self.n_nodes * sizeof(double))
        if self.child is NULL or self.complete is NULL:
            raise MemoryError()
        memset(self.child, 0xFF, <size_t> self.n_nodes * self.n_letters * sizeof(int32_t))
        prior = source.prior
        for k, text in enumerate(texts):
            self.complete[k] = prior.get(text, -INFINITY) if k else -INFINITY
            if k:
                n = len(text)
                self.child[node_of[text[: n - 1]] * self.n_letters + self.letter[text[n - 1]]] = k
        self.option_at = {}
        self.n_options = self.cap_options = 0
        self.cap_entries = 256
        self.entries = <Entry*> malloc(<size_t> self.cap_entries * sizeof(Entry))
        self.mask = 4095
        self.table = <int32_t*> malloc((self.mask + 1) * sizeof(int32_t))
        self.stamp = <int32_t*> malloc((self.mask + 1) * sizeof(int32_t))
        if self.entries is NULL or self.table is NULL or self.stamp is NULL:
            raise MemoryError()
        memset(self.stamp, 0, (self.mask + 1) * sizeof(int32_t))
        self.now = 0

    def __dealloc__(self):
        cdef int i
        free(self.child)
        free(self.complete)
        free(self.options)
        free(self.entries)
        free(self.table)
        free(self.stamp)
        for i in range(MAX_LAYERS):
            free(self.lists[i])

    # ------------------------------------------------------------------ segment options

    cdef tuple _options(self, str key, list found):
        """(start, count) of a list of (skeleton segment, lp) as Options, kept under ``key``."""
        cached = self.option_at.get(key)
        if cached is not None:
            return cached
        cdef int start = self.n_options
        cdef Option* grown
        for sigma, lp in found:
            if self.n_options == self.cap_options:
                self.cap_options = 2 * self.cap_options + 64
                grown = <Option*> realloc(self.options, <size_t> self.cap_options * sizeof(Option))
                if grown is NULL:
                    raise MemoryError()
                self.options = grown
            self.options[self.n_options].first = self.letter[sigma[0]]
            self.options[self.n_options].second = self.letter[sigma[1]] if len(sigma) > 1 else -1
            self.options[self.n_options].lp = lp
            self.n_options += 1
        cached = (start, self.n_options - start)
        self.option_at[key] = cached
        return cached

    cdef tuple _reverse(self, str piece):
        return self._options(piece, self.source.reverse.get(piece, []))

    cdef tuple _generic(self, str char):
        return self._options("\0" + char, self.source.generic(char))

    # ------------------------------------------------------------------ layers

    cdef int _relax(self, int layer, int64_t key, double value) except -1:
        """Keep ``value`` for hypothesis ``key`` of ``layer`` if it is better (or new)."""
        if not value > -INFINITY:
            return 0
        cdef uint64_t h = ((<uint64_t> (key ^ (<int64_t> layer << 56))) * GOLDEN >> 40) & self.mask
        cdef int32_t e
        while self.stamp[h] == self.now:
            e = self.table[h]
            if self.entries[e].key == key and self.entries[e].layer == layer:
                if not self.entries[e].alive:
                    self.entries[e].alive = 1
                    self.entries[e].score = value
                    self._append(layer, e)
                elif value > self.entries[e].score:
                    self.entries[e].score = value
                return 0
            h = (h + 1) & self.mask
        if self.n_entries == self.cap_entries:
            self._grow_entries()
        e = self.n_entries
        self.n_entries += 1
        self.entries[e].key, self.entries[e].score = key, value
        self.entries[e].layer, self.entries[e].alive = layer, 1
        self.stamp[h] = self.now
        self.table[h] = e
        self._append(layer, e)
        if 2 * self.n_entries > <int> self.mask:
            self._rehash()
        return 0

    cdef int _grow_entries(self) except -1:
        cdef Entry* grown = <Entry*> realloc(self.entries, <size_t> 2 * self.cap_entries * sizeof(Entry))
        if grown is NULL:
            raise MemoryError()
        self.entries = grown
        self.cap_entries *= 2
        return 0

    cdef int _rehash(self) except -1:
        """Double the hash table and put every entry back (stamps restart)."""
        cdef uint64_t size = 2 * (self.mask + 1), h
        cdef int32_t* table = <int32_t*> malloc(size * sizeof(int32_t))
        cdef int32_t* stamp = <int32_t*> malloc(size * sizeof(int32_t))
        cdef int e
        if table is NULL or stamp is NULL:
            free(table)
            free(stamp)
            raise MemoryError()
        memset(stamp, 0, size * sizeof(int32_t))
        free(self.table)
        free(self.stamp)
        self.table, self.stamp, self.mask, self.now = table, stamp, size - 1, 1
        for e in range(self.n_entries):
            h = ((<uint64_t> (self.entries[e].key ^ (<int64_t> self.entries[e].layer << 56)))
                 * GOLDEN >> 40) & self.mask
            while self.stamp[h] == self.now:
                h = (h + 1) & self.mask
            self.stamp[h] = self.now
            self.table[h] = e
        return 0

    cdef int _append(self, int layer, int32_t e) except -1:
        cdef int32_t* grown
        if self.n_list[layer] == self.cap_list[layer]:
            self.cap_list[layer] = 2 * self.cap_list[layer] + 32
            grown = <int32_t*> realloc(self.lists[layer], <size_t> self.cap_list[layer] * sizeof(int32_t))
            if grown is NULL:
                raise MemoryError()
            self.lists[layer] = grown
        self.lists[layer][self.n_list[layer]] = e
        self.n_list[layer] += 1
        return 0

    cdef str _text(self, int64_t key):
        """The hypothesis as the Python search spells it ("cong tac", "ngh")."""
        cdef int64_t head = key >> 32
        cdef str last = self.node_text[key & NODE_MASK]
        return last if head == NO_HEAD else self.node_text[head - 1] + " " + last

    cdef bint _before(self, int32_t a, int32_t b):
        """Whether entry ``a`` comes before ``b`` in a pruned layer: score, then text, descending."""
        if self.entries[a].score != self.entries[b].score:
            return self.entries[a].score > self.entries[b].score
        return self._text(self.entries[a].key) > self._text(self.entries[b].key)

    cdef int _prune(self, int layer) except -1:
        """The ``beam`` best live hypotheses within ``margin`` of the best, best first; the
        others are dropped (dead, until a later relax brings them back)."""
        cdef int32_t* items = self.lists[layer]
        cdef int n = self.n_list[layer], i, k, kept = 0
        cdef double best = -INFINITY
        cdef int32_t e
        if n == 0:
            return 0
        for i in range(n):
            if self.entries[items[i]].score > best:
                best = self.entries[items[i]].score
        cdef int32_t* top = <int32_t*> malloc(<size_t> (self.beam + 1) * sizeof(int32_t))
        if top is NULL:
            raise MemoryError()
        for i in range(n):
            e = items[i]
            if not self.entries[e].score > best - self.margin:
                self.entries[e].alive = 0
                continue
            if kept == self.beam and not self._before(e, top[kept - 1]):
                self.entries[e].alive = 0
                continue
            if kept == self.beam:
                self.entries[top[kept - 1]].alive = 0
            else:
                kept += 1
            k = kept - 1
            while k > 0 and self._before(e, top[k - 1]):
                top[k] = top[k - 1]
                k -= 1
            top[k] = e
        for i in range(kept):
            items[i] = top[i]
        self.n_list[layer] = kept
        free(top)
        return 0

    cdef int _snapshot(self, int layer, int count, int64_t** keys, double** scores) except -1:
        """Copies of the keys and scores of the first ``count`` hypotheses of ``layer`` (the
        caller frees them): what is iterated while the layer itself may change."""
        keys[0] = <int64_t*> malloc(<size_t> (count + 1) * sizeof(int64_t))
        scores[0] = <double*> malloc(<size_t> (count + 1) * sizeof(double))
        if keys[0] is NULL or scores[0] is NULL:
            free(keys[0])
            free(scores[0])
            raise MemoryError()
        cdef int i
        for i in range(count):
            keys[0][i] = self.entries[self.lists[layer][i]].key
            scores[0][i] = self.entries[self.lists[layer][i]].score
        return 0

    cdef int _extend(self, int layer, int target, int count, int start, int n_options) except -1:
        """Every option after the first ``count`` hypotheses of ``layer`` (as they are now)."""
        cdef int i, o, node, nxt
        cdef int64_t key
        cdef double score
        cdef Option* opt
        # a snapshot: relaxing may add to or better ``layer`` itself (dropped letters)
        cdef int64_t* keys = NULL
        cdef double* scores = NULL
        self._snapshot(layer, count, &keys, &scores)
        try:
            for i in range(count):
                key, score = keys[i], scores[i]
                for o in range(start, start + n_options):
                    opt = &self.options[o]
                    node = self.child[(key & NODE_MASK) * self.n_letters + opt.first]
                    if node >= 0 and opt.second >= 0:
                        node = self.child[node * self.n_letters + opt.second]
                    if node >= 0:
                        self._relax(target, (key & ~NODE_MASK) | node, score + opt.lp)
        finally:
            free(keys)
            free(scores)
        return 0

    cdef bint _spaces(self, int layer) except -1:
        """A lost space after every complete first syllable; True if any was added."""
        cdef int n = self.n_list[layer], i
        cdef int64_t key
        cdef double value
        cdef bint added = False
        cdef int64_t* keys = NULL
        cdef double* scores = NULL
        self._snapshot(layer, n, &keys, &scores)
        for i in range(n):
            key = keys[i]
            if key >> 32 == NO_HEAD and self.complete[key] > -INFINITY:
                value = scores[i] + self.complete[key] + self.merge_lp
                spaced = (key + 1) << 32  # head: this syllable; node: the root
                if self._improves(layer, spaced, value):
                    self._relax(layer, spaced, value)
                    added = True
        free(keys)
        free(scores)
        return added

    cdef bint _improves(self, int layer, int64_t key, double value):
        """Whether ``value`` beats the live score of ``key`` in ``layer`` (or it has none)."""
        cdef uint64_t h = ((<uint64_t> (key ^ (<int64_t> layer << 56))) * GOLDEN >> 40) & self.mask
        cdef int32_t e
        while self.stamp[h] == self.now:
            e = self.table[h]
            if self.entries[e].key == key and self.entries[e].layer == layer:
                return not self.entries[e].alive or value > self.entries[e].score
            h = (h + 1) & self.mask
        return value > -INFINITY

    # ------------------------------------------------------------------ the search

    def search(self, str observed):
        """All complete skeletons found, best first, scored log P(obs | s) + log P(s)."""
        cdef int m = len(observed), j, b, start, count, top
        cdef int32_t e
        cdef int64_t key
        if m == 0 or m > self.max_len:
            return []
        self.now += 1
        if self.now == 0x7FFFFFFF:
            memset(self.stamp, 0, (self.mask + 1) * sizeof(int32_t))
            self.now = 1
        self.n_entries = 0
        for j in range(m + 1):
            self.n_list[j] = 0
        self._relax(0, 0, 0.0)
        dropped_start, dropped_count = self._reverse("")
        for j in range(m + 1):
            self._extend(j, j, self.n_list[j], dropped_start, dropped_count)
            self._prune(j)
            if self._spaces(j):
                self._prune(j)
            if j < m:
                top = min(self.generic_beam, self.n_list[j])
                start, count = self._generic(observed[j])
                self._extend(j, j + 1, top, start, count)
                for b in range(top):
                    e = self.lists[j][b]
                    self._relax(j + 1, self.entries[e].key, self.entries[e].score + self.insert_lp)
            for b in range(1, min(3, m - j) + 1):
                start, count = self._reverse(observed[j : j + b])
                self._extend(j, j + b, self.n_list[j], start, count)
        finals = []
        for b in range(self.n_list[m]):
            key = self.entries[self.lists[m][b]].key
            if self.complete[key & NODE_MASK] > -INFINITY:
                finals.append((self.entries[self.lists[m][b]].score + self.complete[key & NODE_MASK],
                               self._text(key)))
        finals.sort(reverse=True)
        return [(w, s) for s, w in finals[: self.max_rewrites]]
