#!/usr/bin/python3
"""peer.py: the batch benchmark's peer: a numpy/scipy sparse-matrix ranker over the same kb.

Usage: peer.py KB.json REGIONS.json < batch lines > results
  KB.json       `myomap kb export --json` (every trigger point on the patient's left side)
  REGIONS.json  `myomap regions --json` (each region's mirror, for the right side)

Reads the presentations of `myomap where --batch` (one JSON object per line), and scores every
trigger point on each side at once by one sparse matrix product: the drawing (presentations x
regions, each painful region weighted by intensity as myomap does, 0.6 + 0.08 * intensity or 1)
times the zones (regions x point-sides, log(0.7/0.08) for an essential region, log(0.35/0.08)
for a spillover one), less the tempered cost of each point's zone size.  Writes its top 10 per
line as a JSON line: {"candidates":[{"trigger_point","side","score"},...]}; a bad line gives
{"line":N,"error":...}.  A simpler model than myomap's (no reach weights, sensations, one per
muscle or differential): the peer is the speed of the obvious vectorised approach.
"""
import json
import math
import sys

import numpy as np
import scipy.sparse as sp

CHUNK = 8192
TOP = 10


def main():
    kb = json.load(open(sys.argv[1]))
    regions = json.load(open(sys.argv[2]))["regions"]
    index = {r["id"]: i for i, r in enumerate(regions)}
    mirror = [index[r["mirror"]] for r in regions]
    paired = {m["id"]: m["paired"] for m in kb["muscles"]}
    g_ess, g_spill = math.log(0.7 / 0.08), math.log(0.35 / 0.08)
    miss_ess, miss_spill = 0.7 * math.log(0.3 / 0.92), 0.7 * math.log(0.65 / 0.92)
    rows, cols, vals, names, base = [], [], [], [], []
    for tp in kb["trigger_points"]:
        ess = [index[r] for r in tp["referral"]["essential"]]
        spill = [index[r] for r in tp["referral"]["spillover"]]
        sides = ["l", "r"] if paired[tp["muscle"]] else ["mid"]
        for side in sides:
            c = len(names)
            names.append('{"trigger_point":"%s","side":"%s","score":' % (tp["id"], side))
            flip = (lambda r: mirror[r]) if side == "r" else (lambda r: r)
            for r in ess:
                rows.append(flip(r)); cols.append(c); vals.append(g_ess)
            for r in spill:
                rows.append(flip(r)); cols.append(c); vals.append(g_spill)
            base.append(len(ess) * miss_ess + len(spill) * miss_spill)
    zones = sp.csr_matrix((vals, (rows, cols)), shape=(len(regions), len(names)))
    base = np.array(base)
    out = sys.stdout
    lineno = 0
    while True:
        lines = sys.stdin.readlines(CHUNK * 256)
        if not lines:
            break
        drow, dcol, dval, ok, errors = [], [], [], [], {}
        for line in lines:
            lineno += 1
            try:
                p = json.loads(line)
                k = len(ok)
                for e in p["pain"]:
                    if isinstance(e, str):
                        e = {"region": e}
                    i = e.get("intensity")
                    drow.append(k); dcol.append(index[e["region"]])
                    dval.append(1.0 if i is None else 0.6 + 0.08 * i)
                ok.append(lineno)
            except (ValueError, KeyError, TypeError) as err:
                errors[lineno] = json.dumps({"line": lineno, "error": str(err)})
        drawing = sp.csr_matrix((dval, (drow, dcol)), shape=(len(ok), len(regions)))
        scores = (drawing @ zones).toarray() + base
        top = np.argpartition(-scores, TOP, axis=1)[:, :TOP]
        part = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        part = np.take_along_axis(part, order, axis=1)
        res, k = [], 0
        for n in range(lineno - len(lines) + 1, lineno + 1):
            if n in errors:
                res.append(errors[n])
                continue
            res.append('{"candidates":[' + ",".join(
                "%s%.3f}" % (names[c], s) for c, s in zip(top[k].tolist(), part[k].tolist())) + "]}")
            k += 1
        out.write("\n".join(res) + "\n")


if __name__ == "__main__":
    main()
