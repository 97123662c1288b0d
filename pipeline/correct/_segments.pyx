# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The channel model's segment DP (:meth:`pipeline.correct.align.SegmentTable.score`) compiled.

A :class:`Lattice` scores many intended strings against one observed token. What depends on
the observed token alone is found once: for every intended character met, the log
probability of each observed segment it may be read as (one row of numbers, each looked up
when the DP first reaches it: from the table's cache, else smoothed as ``SegmentTable.lp``
smooths it, and cached there), and for every learned two-character segment where its
readings occur in the token. Each intended string then costs one loop over numbers, the same
maxima of the same sums as the Python DP, so the scores are equal
(tests/correct/test_channel.py compares them). :func:`mixture_scores` scores a list of words
under several tables at once, as ``ChannelModel`` mixes its engines.
"""

from libc.math cimport INFINITY, NAN, exp, log
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memset

from pipeline.correct.orthography import skeleton

cdef enum:
    MAX_BETA = 3  # longest observed segment (align.MAX_BETA)
    DIRECT = 0x2000  # characters below this find their row in an array, others in a dict
    STACK_ROWS = 4096  # DP cells kept on the stack; longer pairs allocate


cdef struct Match:
    int end      # observed position the segment ends at
    int length   # observed characters it reads
    double lp


cdef class Lattice:
    """Scores of intended strings given one observed token, under one :class:`SegmentTable`."""

    cdef object table
    cdef str observed
    cdef int m
    cdef list pieces          # pieces[j * 4 + b]: observed[j - b : j]
    cdef list row_alpha       # the intended character of each emission row
    cdef list row_known       # ... and the table's cache of its log probabilities
    cdef dict shares, totals, single  # the table's back-off shares and counts
    cdef int* direct          # character -> its emission row, -1: not made yet
    cdef dict others          # the same for characters past DIRECT
    cdef double* emissions    # rows of (m + 1) * 4 log probabilities
    cdef int n_rows, cap_rows
    cdef dict pair_at         # learned pair -> (first match, count)
    cdef Match* matches
    cdef int n_matches, cap_matches
    cdef dict pair_rows

    def __cinit__(self, table, str observed):
        self.table = table
        self.observed = observed
        self.m = len(observed)
        self.row_alpha = []
        self.row_known = []
        self.shares, self.totals, self.single = table._shares, table._totals, table.single
        self.pieces = [observed[j - b : j] if b <= j else None for j in range(self.m + 1) for b in range(4)]
        self.direct = <int*> malloc(DIRECT * sizeof(int))
        self.emissions = NULL
        self.matches = NULL
        if self.direct is NULL:
            raise MemoryError()
        memset(self.direct, 0xFF, DIRECT * sizeof(int))  # every entry -1
        self.others = {}
        self.n_rows = self.cap_rows = 0
        self.pair_at = {}
        self.n_matches = self.cap_matches = 0
        self.pair_rows = table._pair_rows

    def __dealloc__(self):
        free(self.direct)
        free(self.emissions)
        free(self.matches)

    cdef int _row_of(self, Py_UCS4 ch) except -1:
        """Index of the emission row of intended character ``ch``, made on first use."""
        cdef int row
        if ch < DIRECT:
            row = self.direct[ch]
            if row >= 0:
                return row
        else:
            found = self.others.get(ch)
            if found is not None:
                return found
        row = self._new_row(ch)
        if ch < DIRECT:
            self.direct[ch] = row
        else:
            self.others[ch] = row
        return row

    cdef int _new_row(self, Py_UCS4 ch) except -1:
        """A new emission row for ``ch``, every cell still to look up (NaN)."""
        cdef int width = (self.m + 1) * 4, j
        cdef double* grown
        if self.n_rows == self.cap_rows:
            self.cap_rows = 2 * self.cap_rows + 8
            grown = <double*> realloc(self.emissions, <size_t> self.cap_rows * width * sizeof(double))
            if grown is NULL:
                raise MemoryError()
            self.emissions = grown
        cdef double* row = self.emissions + self.n_rows * width
        for j in range(width):
            row[j] = NAN  # looked up when the DP first reaches the cell (see _emission)
        self.row_alpha.append(ch)
        self.row_known.append(self.table._row(ch))  # the table's cache of lp(ch, ...)
        self.n_rows += 1
        return self.n_rows - 1

    cdef double _emission(self, int row, int j, int b) except? -1.5:
        """lp(alpha of ``row``, observed[j - b : j]), kept in the row: from the table's cache of
        log probabilities, else computed as ``SegmentTable.lp`` computes it (and cached there)."""
        cdef str alpha = self.row_alpha[row]
        cdef dict known = self.row_known[row]
        piece = self.pieces[j * 4 + b]
        value = known.get(piece)
        cdef double lp
        if value is not None:
            lp = value
        else:
            lp = log(self._smoothed(alpha, piece))
            known[piece] = lp
        self.emissions[(row * (self.m + 1) + j) * 4 + b] = lp
        return lp

    cdef double _smoothed(self, str alpha, str beta) except? -1.5:
        """Witten-Bell P(beta | alpha) towards the share of its back-off class (SegmentTable.lp)."""
        cdef double share
        if beta == alpha:
            share = self.shares["same"]
        elif not beta:
            share = self.shares["delete"]
        elif len(beta) == 1:
            share = self.shares["mark" if skeleton(beta) == skeleton(alpha) else "char"]
        else:
            share = self.shares["two" if len(beta) == 2 else "three"]
        totals = self.totals.get(alpha)
        if totals is None or not totals[0]:
            return share
        cdef long total = totals[0], types = totals[1]
        cdef long count = self.single[alpha].get(beta, 0)
        return (count + types * share) / <double> (total + types)

    cdef tuple _pair(self, str alpha2):
        """(first match, count) of the readings of a learned pair in the observed token."""
        found = self.pair_at.get(alpha2)
        if found is not None:
            return found
        cdef int first = self.n_matches, j, length
        cdef Match* grown
        for beta, lp in self.pair_rows[alpha2].items():
            length = len(beta)
            for j in range(length, self.m + 1):
                if self.observed.startswith(beta, j - length):
                    if self.n_matches == self.cap_matches:
                        self.cap_matches = 2 * self.cap_matches + 16
                        grown = <Match*> realloc(self.matches, <size_t> self.cap_matches * sizeof(Match))
                        if grown is NULL:
                            raise MemoryError()
                        self.matches = grown
                    self.matches[self.n_matches].end = j
                    self.matches[self.n_matches].length = length
                    self.matches[self.n_matches].lp = lp
                    self.n_matches += 1
        found = (first, self.n_matches - first)
        self.pair_at[alpha2] = found
        return found

    def score(self, str intended):
        """log P(observed | intended) of the best partition into segments (-inf: none)."""
        return self._score(intended)

    cdef double _score(self, str intended) except? -1.5:
        cdef int n = len(intended), m = self.m, width = m + 1
        cdef double stack_cells[STACK_ROWS]
        cdef double* cells = stack_cells
        if (n + 1) * width > STACK_ROWS:
            cells = <double*> malloc(<size_t> (n + 1) * width * sizeof(double))
            if cells is NULL:
                raise MemoryError()
        try:
            return self._fill(intended, n, cells)
        finally:
            if cells is not stack_cells:
                free(cells)

    cdef double _fill(self, str intended, int n, double* cells) except? -1.5:
        cdef int m = self.m, width = m + 1, i, j, b, k, first, count
        cdef double best, start, value, lp
        cdef double* prev
        cdef double* row
        cdef double* emission
        cdef Match* match
        cells[0] = 0.0
        for j in range(1, width):
            cells[j] = -INFINITY
        for i in range(1, n + 1):
            prev = cells + (i - 1) * width
            row = cells + i * width
            k = self._row_of(intended[i - 1])  # may move the emission rows
            emission = self.emissions + k * width * 4
            for j in range(width):
                best = -INFINITY
                for b in range(min(MAX_BETA, j) + 1):
                    start = prev[j - b]
                    if start != -INFINITY:
                        lp = emission[j * 4 + b]
                        if lp != lp:  # NaN: not looked up yet
                            lp = self._emission(k, j, b)
                        value = start + lp
                        if value > best:
                            best = value
                row[j] = best
            if i >= 2 and self.pair_rows:
                alpha2 = intended[i - 2 : i]
                if alpha2 in self.pair_rows:
                    first, count = self._pair(alpha2)
                    prev = cells + (i - 2) * width
                    for k in range(first, first + count):
                        match = &self.matches[k]
                        value = prev[match.end - match.length] + match.lp
                        if value > row[match.end]:
                            row[match.end] = value
        return cells[n * width + m]


def mixture_scores(list lattices, list weights, list words):
    """For each intended word, ``ChannelModel._score``: the one lattice's score, or the log of
    the weighted sum of the lattices' probabilities, summed as that method sums them."""
    cdef Py_ssize_t n_tables = len(lattices), k
    cdef double top, total, value
    cdef double values[8]
    cdef double w[8]
    if n_tables > 8 or n_tables != len(weights) or n_tables == 0:
        raise ValueError("1 to 8 lattices, one weight each")
    for k in range(n_tables):
        w[k] = weights[k]
    out = []
    for word in words:
        if n_tables == 1:
            out.append((<Lattice> lattices[0])._score(word))
            continue
        top = -INFINITY
        for k in range(n_tables):
            values[k] = w[k] + (<Lattice> lattices[k])._score(word)
            if values[k] > top:
                top = values[k]
        if top == -INFINITY:
            out.append(-INFINITY)
            continue
        total = 0.0
        for k in range(n_tables):
            total = total + exp(values[k] - top)
        out.append(top + log(total))
    return out
