/* step_sweep.h: the block sweep of the fused step, included by step.c once per code path with
 * SWEEP_NAME (the function's name), SWEEP_TARGET (its target attribute, possibly empty), VEC and
 * VECL (a native vector of VW doubles and its integer twin) defined.  A block of 8 neurons is
 * NV = 8 / VW vectors; the lanes are independent, so slice u (lanes u VW .. u VW + VW - 1) runs
 * the whole computation alone: entry q of a blocked array is AT(p + u, q).  No FMA contraction
 * (-std=c11 turns it off): every path does the same IEEE operations on every lane, in the same
 * order, whatever VW is.  The data layout and the arrays are described in step.c (sweep_args). */

#define NV (8 / VW)
#define SB 4 /* blocks per superblock */
#define AT(p, q) ((p)[(size_t)(q) * NV])

SWEEP_TARGET static void SWEEP_NAME(const sweep_args *a)
{
    const size_t N = a->N, d = a->d, T = a->T, B = d + 1 + T;
    const double *X = a->X, *dF = a->dF;
    const VEC zero = {0};
    const VEC tl = zero + a->twolam;
    VEC pen[NV], gsq[NV];
    for (int u = 0; u < NV; u++) pen[u] = gsq[u] = zero;
    VEC *restrict Facc = (VEC *)a->Facc; /* T x N blocked vectors */
    for (size_t q = 0; q < T * N * NV; q++) Facc[q] = zero;
    for (size_t sb = 0; sb < a->nb; sb += SB) {
      const size_t ns = a->nb - sb < SB ? a->nb - sb : SB;
      for (size_t blk = sb; blk < sb + ns; blk++) {
        const VEC *xb = (const VEC *)(a->cur + 8 * blk * B);
        VEC *xnb = (VEC *)(a->nxt + 8 * blk * B), *Hb = (VEC *)(a->H + 8 * blk * N);
        VEC *gb = (VEC *)a->g, *ghb = (VEC *)a->gh;
        for (int u = 0; u < NV; u++) {
            const VEC *restrict x = xb + u, *restrict V = x + (d + 1) * NV;
            const VEC *restrict H = Hb + u;
            VEC *restrict g = gb + u, *restrict gh = ghb + u, *restrict gV = g + (d + 1) * NV;
            /* gv_t = sum_i h_i dF_it and gh_i = sum_t dF_it v_t, four rows at a time (each sum
             * is still taken in row order, so the blocking does not change the rounding) */
            for (size_t t = 0; t < T; t++) AT(gV, t) = zero;
            size_t i = 0;
            for (; i + 4 <= N; i += 4) {
                const VEC h0 = AT(H, i), h1 = AT(H, i + 1), h2 = AT(H, i + 2), h3 = AT(H, i + 3);
                VEC s0 = zero, s1 = zero, s2 = zero, s3 = zero;
                const double *e = dF + i * T;
                for (size_t t = 0; t < T; t++) {
                    const VEC vt = AT(V, t);
                    const double e0 = e[t], e1 = e[T + t], e2 = e[2 * T + t], e3 = e[3 * T + t];
                    VEC acc = AT(gV, t);
                    acc = acc + h0 * e0;
                    acc = acc + h1 * e1;
                    acc = acc + h2 * e2;
                    acc = acc + h3 * e3;
                    AT(gV, t) = acc;
                    s0 = s0 + vt * e0;
                    s1 = s1 + vt * e1;
                    s2 = s2 + vt * e2;
                    s3 = s3 + vt * e3;
                }
                AT(gh, i) = (VEC)((VECL)s0 & (h0 > zero));
                AT(gh, i + 1) = (VEC)((VECL)s1 & (h1 > zero));
                AT(gh, i + 2) = (VEC)((VECL)s2 & (h2 > zero));
                AT(gh, i + 3) = (VEC)((VECL)s3 & (h3 > zero));
            }
            for (; i < N; i++) {
                const VEC h0 = AT(H, i);
                VEC s0 = zero;
                const double *e = dF + i * T;
                for (size_t t = 0; t < T; t++) {
                    AT(gV, t) = AT(gV, t) + h0 * e[t];
                    s0 = s0 + AT(V, t) * e[t];
                }
                AT(gh, i) = (VEC)((VECL)s0 & (h0 > zero));
            }
            /* gw_j = sum_i gh_i x_ij, gb = sum_i gh_i; weight decay on w and v (not b) */
            size_t j = 0;
            for (; j + 4 <= d; j += 4) { /* four inputs at a time, each sum in row order */
                VEC s0 = zero, s1 = zero, s2 = zero, s3 = zero;
                for (i = 0; i < N; i++) {
                    const VEC ghi = AT(gh, i);
                    const double *xi = X + i * d + j;
                    s0 = s0 + ghi * xi[0];
                    s1 = s1 + ghi * xi[1];
                    s2 = s2 + ghi * xi[2];
                    s3 = s3 + ghi * xi[3];
                }
                AT(g, j) = s0;
                AT(g, j + 1) = s1;
                AT(g, j + 2) = s2;
                AT(g, j + 3) = s3;
            }
            for (; j < d; j++) {
                VEC s0 = zero;
                for (i = 0; i < N; i++) s0 = s0 + AT(gh, i) * X[i * d + j];
                AT(g, j) = s0;
            }
            VEC sbias = zero;
            for (i = 0; i < N; i++) sbias = sbias + AT(gh, i);
            AT(g, d) = sbias;
            for (j = 0; j < d; j++) AT(g, j) = AT(g, j) + tl * AT(x, j);
            for (size_t t = 0; t < T; t++) AT(gV, t) = AT(gV, t) + tl * AT(V, t);
            VEC s = gsq[u];
            for (size_t q = 0; q < B; q++) s = s + AT(g, q) * AT(g, q);
            gsq[u] = s;
        }
        repro_optim_adam_update(8 * B, a->b1, a->b2, a->step, a->isbc2, a->eps, a->g,
                                a->cur + 8 * blk * B, a->m + 8 * blk * B, a->v + 8 * blk * B,
                                a->nxt + 8 * blk * B);
        /* the block's share of the next forward pass, and its penalty */
        for (int u = 0; u < NV; u++) {
            const VEC *restrict xn = xnb + u, *restrict Vn = xn + (d + 1) * NV;
            VEC *restrict H = Hb + u;
            const VEC bn = AT(xn, d);
            VEC p = pen[u];
            for (size_t j = 0; j < d; j++) p = p + AT(xn, j) * AT(xn, j);
            for (size_t t = 0; t < T; t++) p = p + AT(Vn, t) * AT(Vn, t);
            pen[u] = p;
            size_t i = 0;
            for (; i + 4 <= N; i += 4) { /* four rows at a time, each sum in input order */
                const double *x0 = X + i * d;
                VEC z0 = zero, z1 = zero, z2 = zero, z3 = zero;
                for (size_t j = 0; j < d; j++) {
                    const VEC wj = AT(xn, j);
                    z0 = z0 + x0[j] * wj;
                    z1 = z1 + x0[d + j] * wj;
                    z2 = z2 + x0[2 * d + j] * wj;
                    z3 = z3 + x0[3 * d + j] * wj;
                }
                z0 = z0 + bn;
                z1 = z1 + bn;
                z2 = z2 + bn;
                z3 = z3 + bn;
                AT(H, i) = (VEC)((VECL)z0 & ~(z0 <= zero)); /* ReLU keeping a NaN */
                AT(H, i + 1) = (VEC)((VECL)z1 & ~(z1 <= zero));
                AT(H, i + 2) = (VEC)((VECL)z2 & ~(z2 <= zero));
                AT(H, i + 3) = (VEC)((VECL)z3 & ~(z3 <= zero));
            }
            for (; i < N; i++) {
                const double *xi = X + i * d;
                VEC z = zero;
                for (size_t j = 0; j < d; j++) z = z + xi[j] * AT(xn, j);
                z = z + bn;
                AT(H, i) = (VEC)((VECL)z & ~(z <= zero));
            }
        }
      }
      /* the superblock's share of the next forward pass: Facc += h_k v_k block after block (the
       * same additions, in the same order, as one block at a time, with a quarter of the
       * accumulator traffic) */
      for (int u = 0; u < NV; u++) {
          const size_t BN = 8 * B / VW, HN = 8 * N / VW; /* a block's stride in VECs */
          const VEC *restrict Vn = (const VEC *)(a->nxt + 8 * sb * B) + u + (d + 1) * NV;
          const VEC *restrict H = (const VEC *)(a->H + 8 * sb * N) + u;
          VEC *restrict F = Facc + u;
          if (ns == SB) {
              for (size_t t = 0; t < T; t++) {
                  const VEC v0 = AT(Vn, t), v1 = AT(Vn + BN, t), v2 = AT(Vn + 2 * BN, t),
                            v3 = AT(Vn + 3 * BN, t);
                  VEC *restrict Ft = F + t * N * NV;
                  for (size_t i = 0; i < N; i++) {
                      VEC acc = AT(Ft, i);
                      acc = acc + AT(H, i) * v0;
                      acc = acc + AT(H + HN, i) * v1;
                      acc = acc + AT(H + 2 * HN, i) * v2;
                      acc = acc + AT(H + 3 * HN, i) * v3;
                      AT(Ft, i) = acc;
                  }
              }
          } else {
              for (size_t s = 0; s < ns; s++)
                  for (size_t t = 0; t < T; t++) {
                      const VEC vt = AT(Vn + s * BN, t);
                      VEC *restrict Ft = F + t * N * NV;
                      for (size_t i = 0; i < N; i++) AT(Ft, i) = AT(Ft, i) + AT(H + s * HN, i) * vt;
                  }
          }
      }
    }
    for (int u = 0; u < NV; u++) {
        memcpy(a->pen + u * VW, &pen[u], sizeof pen[u]);
        memcpy(a->gsq + u * VW, &gsq[u], sizeof gsq[u]);
    }
}

#undef NV
#undef SB
#undef AT
