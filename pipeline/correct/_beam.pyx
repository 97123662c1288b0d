# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The corrector's language-model loops compiled: the lockstep beam of
:mod:`pipeline.correct.batch_decoder` (:func:`decode_pieces`), ``decoder._advance``
(:func:`advance`) and the edit log's ranking of alternatives (:func:`top_ranks`).

The same search, state for state: paths are scored in the same order of sums with the same
float32 backoff arithmetic, recombined per state (u, v) keeping the first best path, and the
``beam`` best states kept, equal scores in the order of their state keys; so the chosen
candidates are those of the numpy beam (tests/correct/test_decoder.py runs both). The numpy
beam pays about 200 numpy calls per step; this pays none, which makes decoding several times
faster (bench/correct.py). Built when vanthu is installed, if a C compiler is there; without it
the numpy code runs (``pipeline.correct.decoder.COMPILED``).
"""

from libc.stdint cimport int64_t, int32_t, uint64_t, uint8_t
from libc.math cimport INFINITY
from libc.stdlib cimport calloc, free, malloc

cdef int BITS = 21
cdef int64_t MASK = (1 << 21) - 1
cdef int FILTER_BITS = 4
cdef uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL


cdef struct Index:
    const int64_t* keys
    const int32_t* start
    const uint8_t* filter
    uint64_t shift


cdef struct Model:
    Index bi
    Index tri
    const float* uni_lp
    const float* uni_bow
    const float* bi_lp
    const float* bi_bow
    const float* tri_lp
    const float* context_max


cdef struct Pair:
    double total
    int64_t key
    int32_t index


cdef inline int64_t find(const Index* ix, int64_t key) noexcept nogil:
    """Position of ``key`` in the index, -1 when absent (HashIndex.find, one key)."""
    cdef uint64_t fine = (<uint64_t> key * GOLDEN) >> ix.shift
    if not ((ix.filter[fine >> 3] >> (fine & 7)) & 1):
        return -1
    cdef uint64_t bucket = fine >> FILTER_BITS
    cdef int64_t i
    for i in range(ix.start[bucket], ix.start[bucket + 1]):
        if ix.keys[i] == key:
            return i
    return -1


cdef inline int64_t _context(const Model* m, int64_t u, int64_t v) noexcept nogil:
    """Position of the bigram (u v) whose backoff weight context (u v) has, -1 when none."""
    return find(&m.bi, (u << BITS) | v)


cdef inline float _bigram(const Model* m, int64_t v, int64_t w) noexcept nogil:
    cdef int64_t bi = find(&m.bi, (v << BITS) | w)
    return m.bi_lp[bi] if bi >= 0 else m.uni_bow[v] + m.uni_lp[w]


cdef inline double _after(const Model* m, int64_t ctx, int64_t u, int64_t v, int64_t w,
                          float back) noexcept nogil:
    """log P(w | u v) given ``back`` = context weight + bigram (float32, as numpy adds them): the
    stored trigram if there is one. The model stores trigrams under their context bigram, so
    after a context that is none (``ctx`` -1) there is no trigram to look up (a test checks
    this of the shipped model)."""
    if ctx < 0:
        return back
    cdef int64_t tri = find(&m.tri, (u << (2 * BITS)) | (v << BITS) | w)
    return <double> m.tri_lp[tri] if tri >= 0 else <double> back


cdef inline double logprob(const Model* m, int64_t u, int64_t v, int64_t w) noexcept nogil:
    cdef int64_t ctx = _context(m, u, v)
    cdef float weight = m.bi_bow[ctx] if ctx >= 0 else 0.0
    return _after(m, ctx, u, v, w, weight + _bigram(m, v, w))


cdef double FLOOR_MARGIN = 1e-6  # sums in another order may differ in the last bits


cdef double _kth_distinct(const Pair* pairs, int n_pairs, int beam, int32_t* seen) noexcept nogil:
    """The ``beam``-th best total among the distinct state keys of ``pairs`` (each key at its
    best), -inf when there are fewer: that many states already score at least this."""
    cdef int i, j, n_seen = 0, k, kept = 0
    cdef double best[64]
    for i in range(n_pairs):  # the first pair of each key, then its best total
        for j in range(n_seen):
            if pairs[seen[j]].key == pairs[i].key:
                if pairs[i].total > pairs[seen[j]].total:
                    seen[j] = i
                break
        else:
            seen[n_seen] = i
            n_seen += 1
    for j in range(n_seen):
        if kept == beam and not pairs[seen[j]].total > best[kept - 1]:
            continue
        if kept < beam:
            kept += 1
        k = kept - 1
        while k > 0 and pairs[seen[j]].total > best[k - 1]:
            best[k] = best[k - 1]
            k -= 1
        best[k] = pairs[seen[j]].total
    return best[beam - 1] if kept == beam else -INFINITY


cdef inline bint better(const Pair* p, const Pair* q) noexcept nogil:
    """Higher score first; equal scores by state key."""
    return p.total > q.total or (p.total == q.total and p.key < q.key)


cdef int _best_states(const Pair* pairs, int n_pairs, int beam, int32_t* table, int32_t* stamp,
                      uint64_t mask, int32_t now, int32_t* used, Pair* top) noexcept nogil:
    """The ``beam`` best states into ``top``, best first; returns how many.

    A state's path is its best pair, the first in pair order among equal ones (numpy's stable
    sort). ``used`` lists the best pair of each state seen; ``table`` is an open-addressing
    hash from state key to its place in ``used``, its slots live where ``stamp`` holds ``now``
    (no clearing between steps).
    """
    cdef int i, j, k, n_used = 0, kept = 0
    cdef uint64_t h
    for i in range(n_pairs):
        h = ((<uint64_t> pairs[i].key * GOLDEN) >> 32) & mask
        while True:
            if stamp[h] != now:
                stamp[h] = now
                table[h] = n_used
                used[n_used] = i
                n_used += 1
                break
            j = used[table[h]]
            if pairs[j].key == pairs[i].key:
                if pairs[i].total > pairs[j].total:
                    used[table[h]] = i
                break
            h = (h + 1) & mask
    for j in range(n_used):
        i = used[j]
        if kept == beam and not better(&pairs[i], &top[kept - 1]):
            continue
        if kept < beam:
            kept += 1
        k = kept - 1
        while k > 0 and better(&pairs[i], &top[k - 1]):
            top[k] = top[k - 1]
            k -= 1
        top[k] = pairs[i]
    return kept


cdef void index_of(Index* ix, object hash_index):
    cdef const int64_t[::1] keys = hash_index.keys
    cdef const int32_t[::1] start = hash_index.start
    cdef const uint8_t[::1] filt = hash_index.filter
    ix.keys = &keys[0] if keys.shape[0] else NULL
    ix.start = &start[0]
    ix.filter = &filt[0]
    ix.shift = <uint64_t> int(hash_index.shift)


cdef void _model(Model* m, object lm):
    """Pointers into the arrays of a LanguageModel (which outlives every call that uses them)."""
    index_of(&m.bi, lm.bi)
    index_of(&m.tri, lm.tri)
    cdef const float[::1] uni_lp = lm.uni_lp, uni_bow = lm.uni_bow, bi_lp = lm.bi_lp, bi_bow = lm.bi_bow
    cdef const float[::1] tri_lp = lm.tri_lp
    m.uni_lp, m.uni_bow, m.bi_lp, m.bi_bow = &uni_lp[0], &uni_bow[0], &bi_lp[0], &bi_bow[0]
    m.tri_lp = &tri_lp[0] if tri_lp.shape[0] else NULL
    cdef const float[::1] context_max = lm.context_max
    m.context_max = &context_max[0] if context_max.shape[0] else NULL


cdef struct Buffers:
    Pair* pairs
    int32_t* back_state
    int32_t* back_cand
    double* cand_later
    float* cand_bigram
    int64_t* cand_key
    int32_t* group
    int32_t* table
    int32_t* stamp
    int32_t* used
    Pair* top
    uint64_t mask
    int32_t now


cdef void _free(Buffers* b) noexcept nogil:
    free(b.pairs); free(b.back_state); free(b.back_cand); free(b.cand_later); free(b.cand_bigram)
    free(b.cand_key); free(b.group); free(b.table); free(b.stamp); free(b.used); free(b.top)


def decode_pieces(lm, const int64_t[:, ::1] ids, const double[::1] scores,
                  const int64_t[::1] offset, const int64_t[::1] count, const int64_t[::1] bounds,
                  const int64_t[::1] start_u, const int64_t[::1] start_v, int beam, int64_t[::1] chosen):
    """Choose a candidate for every slot of every piece.

    Piece ``p`` is slots ``bounds[p]:bounds[p+1]``, starting in state (start_u[p], start_v[p]);
    slot ``s`` has candidates ``offset[s]:offset[s]+count[s]`` of ``ids`` (LM ids, -1 padded)
    and ``scores``; a candidate scored -inf is left out (every slot needs one that is not). The
    index of the chosen candidate of slot ``s`` is written to chosen[s].
    The language model's arrays must be the float32 ones it is loaded with (see
    ``decoder.compiled_lm``).
    """
    cdef Model m
    _model(&m, lm)
    cdef int64_t eos = lm.eos
    cdef Py_ssize_t n_slots = offset.shape[0], width = ids.shape[1], n_pieces = bounds.shape[0] - 1
    cdef Py_ssize_t widest = 1, s
    if n_slots == 0:
        return
    for s in range(n_slots):
        if count[s] < 1:
            raise ValueError(f"slot {s} has no candidate")
        for k in range(offset[s], offset[s] + count[s]):
            if scores[k] != -INFINITY:
                break
        else:
            raise ValueError(f"slot {s} has no candidate with a finite score")
        if count[s] > widest:
            widest = count[s]
    if not 1 <= beam <= 64:
        raise ValueError("the compiled beam keeps 1 to 64 states")
    cdef size_t pairs_size = <size_t> (beam * widest)
    cdef Pair* pairs = <Pair*> malloc(pairs_size * sizeof(Pair))
    cdef int32_t* back_state = <int32_t*> malloc(<size_t> (n_slots * beam + 1) * sizeof(int32_t))
    cdef int32_t* back_cand = <int32_t*> malloc(<size_t> (n_slots * beam + 1) * sizeof(int32_t))
    cdef double* cand_later = <double*> malloc(pairs_size * sizeof(double))
    cdef float* cand_bigram = <float*> malloc(pairs_size * sizeof(float))
    cdef int64_t* cand_key = <int64_t*> malloc(pairs_size * sizeof(int64_t))
    cdef int32_t* group = <int32_t*> malloc(<size_t> beam * sizeof(int32_t))
    cdef size_t table_size = 64
    while table_size < 2 * pairs_size:
        table_size *= 2
    cdef int32_t* table = <int32_t*> malloc(table_size * sizeof(int32_t))
    cdef int32_t* stamp = <int32_t*> calloc(table_size, sizeof(int32_t))
    cdef int32_t* used = <int32_t*> malloc(pairs_size * sizeof(int32_t))
    cdef Pair* top = <Pair*> malloc(<size_t> beam * sizeof(Pair))
    cdef Buffers buf
    buf.pairs, buf.back_state, buf.back_cand, buf.cand_later = pairs, back_state, back_cand, cand_later
    buf.cand_bigram, buf.cand_key, buf.group, buf.table, buf.stamp = cand_bigram, cand_key, group, table, stamp
    buf.used, buf.top, buf.mask, buf.now = used, top, table_size - 1, 0
    if not (pairs and back_state and back_cand and cand_later and cand_bigram and cand_key and group
            and table and stamp and used and top):
        _free(&buf)
        raise MemoryError()
    try:
        with nogil:
            for s in range(n_pieces):
                _piece(&m, &ids[0, 0], width, &scores[0], &offset[0], &count[0], bounds[s], bounds[s + 1],
                       start_u[s], start_v[s], beam, eos, &buf, &chosen[0])
    finally:
        _free(&buf)


cdef void _piece(const Model* m, const int64_t* ids, Py_ssize_t width, const double* scores,
                 const int64_t* offset, const int64_t* count, Py_ssize_t first_slot, Py_ssize_t end_slot,
                 int64_t u0, int64_t v0, int beam, int64_t eos, Buffers* buf, int64_t* chosen) noexcept nogil:
    cdef Pair* pairs = buf.pairs
    cdef Pair* top = buf.top
    cdef int32_t* back_state = buf.back_state
    cdef int32_t* back_cand = buf.back_cand
    cdef double* cand_later = buf.cand_later
    cdef float* cand_bigram = buf.cand_bigram
    cdef int64_t* cand_key = buf.cand_key
    cdef int32_t* group = buf.group
    # states: the beam, best first (at most ``beam``); before the first slot, the start state
    cdef int64_t su[64]
    cdef int64_t sv[64]
    cdef double st[64]
    cdef float sw[64]         # the state's context weight
    cdef int64_t sctx[64]     # and where its context is stored (-1: it is not)
    cdef int n_states = 1, n_pairs, kept, i, j, g, n_groups
    cdef Py_ssize_t t, c, n, row, k
    cdef int64_t u, v, w, first, last_u, last_v
    cdef double later, step, floor, bound
    cdef float back
    su[0], sv[0], st[0] = u0, v0, 0.0
    for t in range(first_slot, end_slot):
        n = count[t]
        # the parts that depend on v alone (bigram of the first word, the later words and the
        # new state), once per distinct v among the states (its group)
        n_groups = 0
        for i in range(n_states):
            group[i] = -1
            for j in range(i):
                if sv[j] == sv[i]:
                    group[i] = group[j]
                    break
            if group[i] < 0:
                group[i] = n_groups
                v = sv[i]
                for c in range(n):
                    if scores[offset[t] + c] == -INFINITY:  # left out (see decode_pieces)
                        continue
                    row = (offset[t] + c) * width
                    first = ids[row]
                    last_u, last_v, later = v, first, 0.0
                    for k in range(1, width):
                        w = ids[row + k]
                        if w < 0:
                            break
                        later = later + logprob(m, last_u, last_v, w)
                        last_u, last_v = last_v, w
                    cand_bigram[n_groups * n + c] = _bigram(m, v, first)
                    cand_later[n_groups * n + c] = later
                    cand_key[n_groups * n + c] = (last_u << BITS) | last_v
                n_groups += 1
            sctx[i] = _context(m, su[i], sv[i])
            sw[i] = m.bi_bow[sctx[i]] if sctx[i] >= 0 else 0.0
        n_pairs = 0
        floor = -INFINITY
        for i in range(n_states):
            g = group[i]
            u, v = su[i], sv[i]
            if i == 1:
                floor = _kth_distinct(pairs, n_pairs, beam, buf.used) - FLOOR_MARGIN
            for c in range(n):
                if scores[offset[t] + c] == -INFINITY:
                    continue
                back = sw[i] + cand_bigram[g * n + c]
                if i > 0 and floor > -INFINITY:
                    # no word after this context scores more than its best stored trigram or
                    # the backoff: a pair below the best state's beam-th state cannot enter
                    bound = st[i] + scores[offset[t] + c] + cand_later[g * n + c] + (
                        max(<double> back, <double> m.context_max[sctx[i]]) if sctx[i] >= 0 else <double> back)
                    if bound < floor:
                        continue
                first = ids[(offset[t] + c) * width]
                step = st[i] + scores[offset[t] + c] + _after(m, sctx[i], u, v, first, back) + cand_later[g * n + c]
                pairs[n_pairs].total = step
                pairs[n_pairs].key = cand_key[g * n + c]
                pairs[n_pairs].index = <int32_t> (i * n + c)
                n_pairs += 1
        # best path per state (the first of equal ones), then the beam's best states
        buf.now += 1
        kept = _best_states(pairs, n_pairs, beam, buf.table, buf.stamp, buf.mask, buf.now, buf.used, top)
        for i in range(kept):
            back_state[t * beam + i] = top[i].index // n
            back_cand[t * beam + i] = top[i].index % n
            su[i] = top[i].key >> BITS
            sv[i] = top[i].key & MASK
            st[i] = top[i].total
        n_states = kept
    # the best final state (first of equal ones), then back along the pointers
    cdef int best = 0
    cdef double final, best_final = 0.0
    for i in range(n_states):
        final = st[i] + logprob(m, su[i], sv[i], eos)
        if i == 0 or final > best_final:
            best, best_final = i, final
    for t in range(end_slot - 1, first_slot - 1, -1):
        chosen[t] = back_cand[t * beam + best]
        best = back_state[t * beam + best]


def advance(lm, const int64_t[::1] u, const int64_t[::1] v, const double[::1] total,
            const int64_t[:, ::1] ids, const int64_t[::1] rows):
    """``decoder._advance`` compiled: score the words ``ids[rows[k]]`` (-1: none, skipped) one
    after the other from state (u[k], v[k]); returns the final (u, v, total) as numpy arrays."""
    import numpy as np
    cdef Model m
    _model(&m, lm)
    cdef Py_ssize_t n = rows.shape[0], width = ids.shape[1], k, j
    out_u = np.empty(n, dtype=np.int64)
    out_v = np.empty(n, dtype=np.int64)
    out_total = np.empty(n, dtype=np.float64)
    cdef int64_t[::1] nu = out_u, nv = out_v
    cdef double[::1] nt = out_total
    cdef int64_t a, b, w
    cdef double score
    with nogil:
        for k in range(n):
            a, b, score = u[k], v[k], total[k]
            for j in range(width):
                w = ids[rows[k], j]
                if w >= 0:
                    score = score + logprob(&m, a, b, w)
                    a, b = b, w
            nu[k], nv[k], nt[k] = a, b, score
    return out_u, out_v, out_total


def top_ranks(const double[::1] probs, const int64_t[::1] starts, int keep):
    """``api._top_ranks`` compiled: for each segment of ``probs`` (starting at ``starts``), the
    indices within it of its ``keep`` likeliest entries, likeliest first, equal ones in order."""
    cdef Py_ssize_t n_segments = starts.shape[0], k, i, end, j, kept
    cdef int64_t best[16]
    if not 0 <= keep <= 16:
        raise ValueError("keep 0 to 16 entries")
    out = []
    for k in range(n_segments):
        end = starts[k + 1] if k + 1 < n_segments else probs.shape[0]
        kept = 0
        for i in range(starts[k], end):
            if kept == keep and not probs[i] > probs[best[kept - 1]]:
                continue
            if kept < keep:
                kept += 1
            j = kept - 1
            while j > 0 and probs[i] > probs[best[j - 1]]:
                best[j] = best[j - 1]
                j -= 1
            best[j] = i
        out.append([best[j] - starts[k] for j in range(kept)])
    return out
