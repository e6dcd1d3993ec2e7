#!/usr/bin/env python3
"""Peers of vmi-map's move groups on the same machine graph, one thread each.

Reads an edge list (`a b weight`, one undirected edge per line, nodes 0..n-1 with `n` on the
first line) and vmi-map's partition (`node community` lines), runs networkx
`louvain_communities` and, when installed, leidenalg's `ModularityVertexPartition` (with
python-igraph), and prints one JSON object: per engine the median seconds of `runs` runs,
the number of communities and the modularity of its partition, with vmi-map's partition
scored by the same networkx modularity function.
"""
import json
import statistics
import sys
import time

import networkx as nx
from networkx.algorithms.community import louvain_communities, modularity


def read_graph(path):
    with open(path) as f:
        n = int(f.readline())
        g = nx.Graph()
        g.add_nodes_from(range(n))
        for line in f:
            a, b, w = line.split()
            g.add_edge(int(a), int(b), weight=float(w))
    return g


def read_partition(path, n):
    groups = {}
    with open(path) as f:
        for line in f:
            node, community = map(int, line.split())
            groups.setdefault(community, set()).add(node)
    return list(groups.values())


def timed(run, runs):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    edges, ours, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5
    g = read_graph(edges)
    out = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    out["vmi-map"] = {"modularity": modularity(g, read_partition(ours, g.number_of_nodes()), weight="weight")}
    secs, parts = timed(lambda: louvain_communities(g, weight="weight", seed=1), runs)
    out["networkx louvain_communities"] = {
        "secs": secs,
        "communities": len(parts),
        "modularity": modularity(g, parts, weight="weight"),
    }
    try:
        import igraph as ig
        import leidenalg

        h = ig.Graph(n=g.number_of_nodes(), edges=[(a, b) for a, b in g.edges()])
        h.es["weight"] = [d["weight"] for _, _, d in g.edges(data=True)]
        secs, part = timed(
            lambda: leidenalg.find_partition(h, leidenalg.ModularityVertexPartition, weights="weight", seed=1), runs
        )
        parts = [set(c) for c in part]
        out["leidenalg (igraph)"] = {
            "secs": secs,
            "communities": len(parts),
            "modularity": modularity(g, parts, weight="weight"),
        }
    except ImportError as e:
        out["leidenalg (igraph)"] = {"missing": str(e)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
