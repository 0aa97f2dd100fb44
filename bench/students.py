#!/usr/bin/python3
"""The 25 single-task students of Figure 8 in PyTorch (float64, Adam, the engine's objective):
each student learns one task of the teacher_T25 problem (bench/problems.lua) with K neurons, no
skip connection, STEPS Adam steps at rate 1e-2.

    students.py PROBLEMS.tsv NAME MODE STEPS [K]
MODE: seq  one network and one Adam per student, trained one after the other (the plain loop);
      bmm  all students in one batched model: torch.bmm over the student axis and one Adam over
           the stacked parameters (what a careful PyTorch user writes; Adam is elementwise and the
           loss a sum of the students' losses, so each student follows its own Adam trajectory).
Prints one line: mode, students, steps, seconds (inside Python, after import), final mean objective.
The whole process (import torch included) is timed by bench/run.sh.
"""
import sys
import time

import torch


def load(path, name):
    import os
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(head, line.rstrip("\n").split("\t")))
            if r["name"] == name:
                break
        else:
            sys.exit("students.py: no problem %s in %s" % (name, path))
    d, T = int(r["d"]), int(r["T"])
    with open(os.path.join(os.path.dirname(path), r["file"])) as f:
        f.readline()
        data = [[float(v) for v in line.split(",")] for line in f if line.strip()]
    t = torch.tensor(data, dtype=torch.float64)
    return t[:, :d].contiguous(), t[:, d:].contiguous(), float(r["lambda"])


def main():
    problems, name, mode, steps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    K = int(sys.argv[5]) if len(sys.argv) > 5 else 800
    torch.set_num_threads(1)
    torch.manual_seed(1)
    X, Y, lam = load(problems, name)
    N, d = X.shape
    S = Y.shape[1]
    t0 = time.perf_counter()
    if mode == "seq":
        final = 0.0
        for s in range(S):
            hidden = torch.nn.Linear(d, K).double()
            out = torch.nn.Linear(K, 1, bias=True).double()   # c is the output bias
            params = list(hidden.parameters()) + list(out.parameters())
            opt = torch.optim.Adam(params, lr=1e-2)
            y = Y[:, s:s + 1]
            for _ in range(steps):
                opt.zero_grad(set_to_none=True)
                f = out(torch.relu(hidden(X)))
                loss = ((f - y) ** 2).mean() + lam * (hidden.weight.pow(2).sum() +
                                                      out.weight.pow(2).sum())
                loss.backward()
                opt.step()
            final += loss.item()
        final /= S
    elif mode == "bmm":
        a = 1 / d ** 0.5
        W = ((torch.rand(S, d, K, dtype=torch.float64) * 2 - 1) * a).requires_grad_()
        b = ((torch.rand(S, 1, K, dtype=torch.float64) * 2 - 1) * a).requires_grad_()
        V = ((torch.rand(S, K, 1, dtype=torch.float64) * 2 - 1) / K ** 0.5).requires_grad_()
        c = ((torch.rand(S, 1, 1, dtype=torch.float64) * 2 - 1) / K ** 0.5).requires_grad_()
        opt = torch.optim.Adam([W, b, V, c], lr=1e-2)
        Xb = X.unsqueeze(0).expand(S, N, d)
        Yb = Y.t().unsqueeze(2)                                # S x N x 1
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            F = torch.bmm(torch.relu(torch.bmm(Xb, W) + b), V) + c
            per = ((F - Yb) ** 2).mean(dim=(1, 2)) + lam * (W.pow(2).sum(dim=(1, 2)) +
                                                            V.pow(2).sum(dim=(1, 2)))
            per.sum().backward()
            opt.step()
        final = per.mean().item()
    else:
        sys.exit("students.py: MODE must be seq or bmm, got %r" % mode)
    print("%s\t%d\t%d\t%.6f\t%.9g" % (mode, S, steps, time.perf_counter() - t0, final))


if __name__ == "__main__":
    main()
