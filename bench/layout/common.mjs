// Shared helpers of the peer layout scripts: read the graph the Rust bench
// wrote (bench/out/estate_*.json), write positions and timings back as JSON.
import {readFileSync, writeFileSync} from 'node:fs';

export function readGraph(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Traffic edges plus one membership link per process (child -> machine), so
// peers without a parent concept still keep processes near their machine.
export function allLinks(graph) {
  const links = graph.edges.map(([source, target, weight]) => ({source, target, weight}));
  for (const [child, parent] of graph.membership) links.push({source: child, target: parent, weight: 1});
  return links;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

export function writeResult(path, positions, iterationMs, totalMs, iterations) {
  writeFileSync(path, JSON.stringify({
    positions,
    iterations,
    median_iteration_ms: median(iterationMs),
    total_ms: totalMs,
  }));
}
