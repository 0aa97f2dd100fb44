/* step_sweep.h: the block sweep of the fused step (sweep.h states its contract), included once
 * by each code path's file (step_portable.c, step_avx2.c, step_avx512.c) after sweep.h, with
 * SWEEP_NAME (the function's name), SWEEP_TARGET (its target attribute, possibly empty), VEC and
 * VECL (a native vector of VW doubles and its integer twin) and VSQRT (its exact square root)
 * defined.  A block of 8 neurons is NV = 8 / VW vectors; the lanes are independent, so slice u
 * (lanes u VW .. u VW + VW - 1) runs the whole computation alone: entry q of a blocked array is
 * AT(p + u, q).  No FMA contraction (-std=c11 turns it off): every path does the same IEEE
 * operations on every lane, in the same order, whatever VW is.  Adam's update is optim.c's
 * formula operation for operation (repro_optim_adam_update), written here on vectors; the output
 * weights' update is split in two, the moments in the loop that computes their gradient and the
 * square roots and divisions in the superblock's forward pass, which otherwise waits on its
 * accumulators (the divider works while the loads and the multipliers do: 11 % off a T = 101
 * step, bench/).  The penalty ||W||^2 + ||V||^2 at the new point is summed neuron by neuron (its
 * w, then its v task by task; step.c adds the neurons up by their index, so that f does not
 * depend on where they sit).  A slice whose neurons are all inactive at the current point (ALIVE)
 * skips its products: its gradient is the weight decay's alone, computed as the full sweep would
 * (the data's share is an exact +0); a block inactive at the new point adds nothing to the next
 * forward pass.  The data layout and the arrays are described in sweep.h (sweep_args).  The
 * parameters are #undef'd at the end.  SWEEP_DROP (optional, default 0: the sweep as above) is
 * for `make bench` only: a mask of sweep.h's SWEEP_DROP_* parts left out (results wrong, time
 * only); every test of KEEP below is a constant, so the sweep's own code is not changed by it. */

#ifndef SWEEP_DROP
#define SWEEP_DROP 0
#endif
#define KEEP(PART) (!(SWEEP_DROP & (PART)))
#define NV (8 / VW)
#define SB 4 /* blocks per superblock */
#define LANES ((1u << VW) - 1)
#define AT(p, q) ((p)[(size_t)(q) * NV])
/* x_ij broadcast to a vector (XB: N x d groups of 8 equal doubles) */
#define XV(i, j) (*(const VEC *)(XB + 8 * ((size_t)(i) * d + (j))))
/* Adam's quotient (step m) / (sqrt(v) isbc2 + eps) from STEPM = step m and VV = v (optim.c's
 * operation order) */
#define ADAM_QUOT(STEPM, VV)                                                                       \
    (KEEP(SWEEP_DROP_DIVIDE) ? (STEPM) / (VSQRT(VV) * isbc2 + eps) : (STEPM) * ((VV) * isbc2 + eps))
/* Adam on entry Q of the slice with gradient G (optim.c's formula, same operation order); the
 * squared gradient goes into gs (its finiteness), the squared new value into pn */
#define ADAM_ENTRY(G, Q)                                                                           \
    do {                                                                                           \
        ADAM_MOMENTS(G, Q);                                                                        \
        const VEC x_ = AT(x, Q) - ADAM_QUOT(step * mi_, vi_);                                      \
        AT(xn, Q) = x_;                                                                            \
        pn = pn + x_ * x_;                                                                         \
    } while (0)
/* Its first half, the moments (stored, and left in mi_, vi_) ... */
#define ADAM_MOMENTS(G, Q)                                                                         \
    const VEC g_ = (G), mi_ = b1 * AT(m, Q) + c1 * g_, vi_ = b2 * AT(v, Q) + c2 * g_ * g_;         \
    AT(m, Q) = mi_;                                                                                \
    AT(v, Q) = vi_;                                                                                \
    gs = gs + g_ * g_
/* ... and its second half from the stored moments: the same operations on the same values */
#define ADAM_FINISH(X, M, V, Q) (AT(X, Q) - ADAM_QUOT(step * AT(M, Q), AT(V, Q)))

#define SWEEP_CAT_(x, y) x##y
#define SWEEP_CAT(x, y) SWEEP_CAT_(x, y)
#define SWEEP_IMPL SWEEP_CAT(SWEEP_NAME, _impl)
/* The sweep for N, d, T (always inlined: SWEEP_NAME calls it with T = 1 as a constant, which
 * turns the loops over t into straight code for the single-task problems, and with d = 2 for
 * the planar multi-task ones, 27 % off a two-squares T = 101 step; d = 1 and T = 1 with d = 2
 * were specialised too, within 0.1 us of the general code per step, for 40 % of the three
 * files' compile time, on a clean build's critical path) */
SWEEP_TARGET static inline __attribute__((always_inline)) void SWEEP_IMPL(const sweep_args *a,
                                                                          const size_t N,
                                                                          const size_t d,
                                                                          const size_t T)
{
    const size_t B = d + 1 + T;
    const double *XB = a->XB, *dF = a->dF;
    const double b1 = a->b1, b2 = a->b2, c1 = 1 - b1, c2 = 1 - b2, step = a->step;
    const double isbc2 = a->isbc2, eps = a->eps;
    const VEC zero = {0};
    const VEC tl = zero + a->twolam;
    /* the four-row group whose pass over t completes the v gradients (and runs their Adam) */
    const size_t last = N % 4 == 0 ? N - 4 : N;
    VEC gsq[NV];
    for (int u = 0; u < NV; u++) gsq[u] = zero;
    VEC *restrict PN = (VEC *)a->pen; /* per block NV vectors: each neuron's own penalty */
    VEC *restrict Facc = (VEC *)a->Facc; /* T x N blocked vectors */
    for (size_t q = 0; q < T * N * NV; q++) Facc[q] = zero;
    for (size_t sb = 0; sb < a->nb; sb += SB) {
      const size_t ns = a->nb - sb < SB ? a->nb - sb : SB;
      unsigned amask[NV]; /* per slice: which blocks of the superblock have an active lane */
      for (int u = 0; u < NV; u++) amask[u] = 0;
      for (size_t blk = sb; blk < sb + ns; blk++) {
        const size_t off = 8 * blk * B;
        const unsigned alive_in = KEEP(SWEEP_DROP_SKIP) ? a->alive[blk] : 0xffu;
        unsigned alive_out = 0;
        for (int u = 0; u < NV; u++) {
            const VEC *restrict x = (const VEC *)(a->cur + off) + u, *restrict V = x + (d + 1) * NV;
            VEC *restrict xn = (VEC *)(a->nxt + off) + u, *restrict m = (VEC *)(a->m + off) + u;
            VEC *restrict v = (VEC *)(a->v + off) + u, *restrict H = (VEC *)(a->H + 8 * blk * N) + u;
            VEC *restrict g = (VEC *)a->g + u, *restrict gh = (VEC *)a->gh + u;
            VEC *restrict gV = g + (d + 1) * NV;
            VEC gs = gsq[u], pn = zero;
            if (!((alive_in >> (u * VW)) & LANES)) {
                /* every neuron of the slice is inactive on every row: the data's share of each
                 * gradient is an exact +0 (the sums below start from +0 and add +0 h_i terms,
                 * or +-0 products masked to +0), so each gradient is +0 + 2 lambda x, the bias's
                 * +0: the same values, in the same order into gs and pn, as the full sweep */
                for (size_t t = 0; t < T; t++) {
                    ADAM_MOMENTS(zero + tl * AT(V, t), d + 1 + t);
                }
                for (size_t j = 0; j < d; j++) ADAM_ENTRY(zero + tl * AT(x, j), j);
                ADAM_MOMENTS(zero, d);
                AT(xn, d) = AT(x, d) - ADAM_QUOT(step * mi_, vi_);
            } else {
                /* gv_t = sum_i h_i dF_it and gh_i = sum_t dF_it v_t, four rows at a time (each sum
                 * is still taken in row order, so the blocking does not change the rounding).  The
                 * first group starts its sums from a zero register, the last one (when N % 4 == 0)
                 * runs the v entries' Adam: separate loops, so that none tests per entry. */
                size_t i = 0;
                if (N < 4)
                    for (size_t t = 0; t < T; t++) AT(gV, t) = zero;
                for (; i + 4 <= N; i += 4) {
                    const VEC h0 = AT(H, i), h1 = AT(H, i + 1), h2 = AT(H, i + 2),
                              h3 = AT(H, i + 3);
                    VEC s0 = zero, s1 = zero, s2 = zero, s3 = zero;
                    const double *e = dF + i * T;
#define ROWS4(ACC0, TAIL)                                                                          \
    for (size_t t = 0; t < T; t++) {                                                               \
        const VEC vt = AT(V, t);                                                                   \
        const double e0 = e[t], e1 = e[T + t], e2 = e[2 * T + t], e3 = e[3 * T + t];               \
        VEC acc = (ACC0);                                                                          \
        if (KEEP(SWEEP_DROP_BACKWARD)) {                                                           \
            acc = acc + h0 * e0;                                                                   \
            acc = acc + h1 * e1;                                                                   \
            acc = acc + h2 * e2;                                                                   \
            acc = acc + h3 * e3;                                                                   \
            s0 = s0 + vt * e0;                                                                     \
            s1 = s1 + vt * e1;                                                                     \
            s2 = s2 + vt * e2;                                                                     \
            s3 = s3 + vt * e3;                                                                     \
        }                                                                                          \
        TAIL;                                                                                      \
    }
                    if (i == last) {
                        if (i == 0)
                            ROWS4(zero, ADAM_MOMENTS(acc + tl * vt, d + 1 + t))
                        else
                            ROWS4(AT(gV, t), ADAM_MOMENTS(acc + tl * vt, d + 1 + t))
                    } else if (i == 0) {
                        ROWS4(zero, AT(gV, t) = acc)
                    } else {
                        ROWS4(AT(gV, t), AT(gV, t) = acc)
                    }
#undef ROWS4
                    AT(gh, i) = (VEC)((VECL)s0 & (h0 > zero));
                    AT(gh, i + 1) = (VEC)((VECL)s1 & (h1 > zero));
                    AT(gh, i + 2) = (VEC)((VECL)s2 & (h2 > zero));
                    AT(gh, i + 3) = (VEC)((VECL)s3 & (h3 > zero));
                }
                for (; i < N; i++) {
                    const VEC h0 = AT(H, i);
                    VEC s0 = zero;
                    const double *e = dF + i * T;
                    for (size_t t = 0; t < T && KEEP(SWEEP_DROP_BACKWARD); t++) {
                        AT(gV, t) = AT(gV, t) + h0 * e[t];
                        s0 = s0 + AT(V, t) * e[t];
                    }
                    AT(gh, i) = (VEC)((VECL)s0 & (h0 > zero));
                }
                if (last == N)
                    for (size_t t = 0; t < T; t++) {
                        ADAM_MOMENTS(AT(gV, t) + tl * AT(V, t), d + 1 + t);
                    }
                /* gw_j = sum_i gh_i x_ij + 2 lambda w_j, gb = sum_i gh_i, and their Adam (w_1..w_d,
                 * then b): up to eight inputs per pass over the rows (independent sums, for the
                 * latency), the bias sum in the last pass, each sum in row order */
#define GW_PASS(NJ, BIAS)                                                                          \
    do {                                                                                           \
        VEC s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero, s6 = zero,           \
            s7 = zero, sb_ = zero;                                                                 \
        _Pragma("GCC unroll 2") for (i = 0; i < N && KEEP(SWEEP_DROP_HIDDEN); i++) {               \
            const VEC ghi = AT(gh, i);                                                             \
            if (NJ > 0) s0 = s0 + ghi * XV(i, j);                                                  \
            if (NJ > 1) s1 = s1 + ghi * XV(i, j + 1);                                              \
            if (NJ > 2) s2 = s2 + ghi * XV(i, j + 2);                                              \
            if (NJ > 3) s3 = s3 + ghi * XV(i, j + 3);                                              \
            if (NJ > 4) s4 = s4 + ghi * XV(i, j + 4);                                              \
            if (NJ > 5) s5 = s5 + ghi * XV(i, j + 5);                                              \
            if (NJ > 6) s6 = s6 + ghi * XV(i, j + 6);                                              \
            if (NJ > 7) s7 = s7 + ghi * XV(i, j + 7);                                              \
            if (BIAS) sb_ = sb_ + ghi;                                                             \
        }                                                                                          \
        if (NJ > 0) ADAM_ENTRY(s0 + tl * AT(x, j), j);                                             \
        if (NJ > 1) ADAM_ENTRY(s1 + tl * AT(x, j + 1), j + 1);                                     \
        if (NJ > 2) ADAM_ENTRY(s2 + tl * AT(x, j + 2), j + 2);                                     \
        if (NJ > 3) ADAM_ENTRY(s3 + tl * AT(x, j + 3), j + 3);                                     \
        if (NJ > 4) ADAM_ENTRY(s4 + tl * AT(x, j + 4), j + 4);                                     \
        if (NJ > 5) ADAM_ENTRY(s5 + tl * AT(x, j + 5), j + 5);                                     \
        if (NJ > 6) ADAM_ENTRY(s6 + tl * AT(x, j + 6), j + 6);                                     \
        if (NJ > 7) ADAM_ENTRY(s7 + tl * AT(x, j + 7), j + 7);                                     \
        if (BIAS) sbias = sb_;                                                                     \
    } while (0)
                VEC sbias = zero;
                size_t j = 0;
                for (; j + 8 < d; j += 8) GW_PASS(8, 0);
                switch (d - j) {
                case 0: GW_PASS(0, 1); break;
                case 1: GW_PASS(1, 1); break;
                case 2: GW_PASS(2, 1); break;
                case 3: GW_PASS(3, 1); break;
                case 4: GW_PASS(4, 1); break;
                case 5: GW_PASS(5, 1); break;
                case 6: GW_PASS(6, 1); break;
                case 7: GW_PASS(7, 1); break;
                default: GW_PASS(8, 1); break;
                }
#undef GW_PASS
                {
                    ADAM_MOMENTS(sbias, d);
                    AT(xn, d) = AT(x, d) - ADAM_QUOT(step * mi_, vi_);
                }
            }
            gsq[u] = gs;
            AT(PN + u, blk) = pn;
            /* the activations at the new point, and which lanes are active on some row */
            const VEC bn = AT(xn, d);
            VECL nz = {0};
            size_t i = 0, j;
            for (; i + 4 <= N; i += 4) { /* four rows at a time, each sum in input order */
                VEC z0 = zero, z1 = zero, z2 = zero, z3 = zero;
                _Pragma("GCC unroll 4") for (j = 0; j < d && KEEP(SWEEP_DROP_FORWARD); j++) {
                    const VEC wj = AT(xn, j);
                    z0 = z0 + XV(i, j) * wj;
                    z1 = z1 + XV(i + 1, j) * wj;
                    z2 = z2 + XV(i + 2, j) * wj;
                    z3 = z3 + XV(i + 3, j) * wj;
                }
                z0 = z0 + bn;
                z1 = z1 + bn;
                z2 = z2 + bn;
                z3 = z3 + bn;
                AT(H, i) = (VEC)((VECL)z0 & ~(z0 <= zero)); /* ReLU keeping a NaN */
                AT(H, i + 1) = (VEC)((VECL)z1 & ~(z1 <= zero));
                AT(H, i + 2) = (VEC)((VECL)z2 & ~(z2 <= zero));
                AT(H, i + 3) = (VEC)((VECL)z3 & ~(z3 <= zero));
                nz = nz | ~(z0 <= zero) | ~(z1 <= zero) | ~(z2 <= zero) | ~(z3 <= zero);
            }
            for (; i < N; i++) {
                VEC z = zero;
                for (j = 0; j < d && KEEP(SWEEP_DROP_FORWARD); j++) z = z + XV(i, j) * AT(xn, j);
                z = z + bn;
                AT(H, i) = (VEC)((VECL)z & ~(z <= zero));
                nz = nz | ~(z <= zero);
            }
            for (int l = 0; l < VW; l++)
                if (nz[l]) alive_out |= 1u << (u * VW + l);
            if (((alive_out >> (u * VW)) & LANES) || !KEEP(SWEEP_DROP_SKIP))
                amask[u] |= 1u << (blk - sb);
        }
        a->alive[blk] = (unsigned char)alive_out;
      }
      /* the superblock's output weights: their Adam finished (the square roots and divisions
       * here, where the divider works while the multipliers and the accumulators' loads do:
       * in the gradient's loop they held it up), their squares into the penalty (task by task,
       * block after block), and their share of the next forward pass, Facc += h_k v_k block
       * after block (the additions of one block at a time, in the same order, with a quarter
       * of the accumulator traffic) */
      for (int u = 0; u < NV; u++) {
          const size_t BN = 8 * B / VW, HN = 8 * N / VW; /* a block's stride in VECs */
          const size_t o = 8 * sb * B;
          const VEC *restrict x = (const VEC *)(a->cur + o) + u,
                    *restrict m = (const VEC *)(a->m + o) + u,
                    *restrict v = (const VEC *)(a->v + o) + u;
          VEC *restrict xn = (VEC *)(a->nxt + o) + u;
          const VEC *restrict H = (const VEC *)(a->H + 8 * sb * N) + u;
          VEC *restrict F = Facc + u;
          VEC *restrict pk = PN + NV * sb + u; /* the superblock's neurons' penalties */
          const unsigned am = amask[u];
          /* a block of the superblock inactive at the new point adds exact zeros (+0 h_i
           * terms to sums that start from +0, so never -0): the full superblock's code stays
           * exact with any of its blocks inactive, and only all four inactive skip the share */
          if (ns == SB) {
              VEC pn0 = AT(pk, 0), pn1 = AT(pk, 1), pn2 = AT(pk, 2), pn3 = AT(pk, 3);
              for (size_t t = 0; t < T; t++) {
                  const size_t q = d + 1 + t;
                  const VEC v0 = ADAM_FINISH(x, m, v, q),
                            v1 = ADAM_FINISH(x + BN, m + BN, v + BN, q),
                            v2 = ADAM_FINISH(x + 2 * BN, m + 2 * BN, v + 2 * BN, q),
                            v3 = ADAM_FINISH(x + 3 * BN, m + 3 * BN, v + 3 * BN, q);
                  AT(xn, q) = v0;
                  AT(xn + BN, q) = v1;
                  AT(xn + 2 * BN, q) = v2;
                  AT(xn + 3 * BN, q) = v3;
                  pn0 = pn0 + v0 * v0;
                  pn1 = pn1 + v1 * v1;
                  pn2 = pn2 + v2 * v2;
                  pn3 = pn3 + v3 * v3;
                  if (!am || !KEEP(SWEEP_DROP_FORWARD)) continue;
                  VEC *restrict Ft = F + t * N * NV;
#define FROW(I)                                                                                    \
    do {                                                                                           \
        VEC acc = AT(Ft, I);                                                                       \
        acc = acc + AT(H, I) * v0;                                                                 \
        acc = acc + AT(H + HN, I) * v1;                                                            \
        acc = acc + AT(H + 2 * HN, I) * v2;                                                        \
        acc = acc + AT(H + 3 * HN, I) * v3;                                                        \
        AT(Ft, I) = acc;                                                                           \
    } while (0)
                  size_t i = 0;
                  for (; i + 4 <= N; i += 4) { /* four rows per trip: less loop control */
                      FROW(i);
                      FROW(i + 1);
                      FROW(i + 2);
                      FROW(i + 3);
                  }
                  for (; i < N; i++) FROW(i);
#undef FROW
              }
              AT(pk, 0) = pn0;
              AT(pk, 1) = pn1;
              AT(pk, 2) = pn2;
              AT(pk, 3) = pn3;
          } else {
              for (size_t t = 0; t < T; t++) {
                  const size_t q = d + 1 + t;
                  VEC *restrict Ft = F + t * N * NV;
                  for (size_t k = 0; k < ns; k++) {
                      const VEC vt = ADAM_FINISH(x + k * BN, m + k * BN, v + k * BN, q);
                      AT(xn + k * BN, q) = vt;
                      AT(pk, k) = AT(pk, k) + vt * vt;
                      if (((am >> k) & 1) && KEEP(SWEEP_DROP_FORWARD))
                          for (size_t i = 0; i < N; i++)
                              AT(Ft, i) = AT(Ft, i) + AT(H + k * HN, i) * vt;
                  }
              }
          }
      }
    }
    for (int u = 0; u < NV; u++) memcpy(a->gsq + u * VW, &gsq[u], sizeof gsq[u]);
}

SWEEP_TARGET void SWEEP_NAME(const sweep_args *a)
{
    if (a->T == 1)
        SWEEP_IMPL(a, a->N, a->d, 1);
    else if (a->d == 2)
        SWEEP_IMPL(a, a->N, 2, a->T);
    else
        SWEEP_IMPL(a, a->N, a->d, a->T);
}

#undef SWEEP_DROP
#undef KEEP
#undef ADAM_QUOT
#undef ADAM_MOMENTS
#undef ADAM_FINISH
#undef NV
#undef SB
#undef LANES
#undef AT
#undef XV
#undef ADAM_ENTRY
#undef SWEEP_NAME
#undef SWEEP_IMPL
#undef SWEEP_CAT
#undef SWEEP_CAT_
#undef SWEEP_TARGET
#undef VEC
#undef VECL
#undef VW
#undef VSQRT
