// graphology-layout-forceatlas2 with barnesHutOptimize, timed per iteration.
// usage: node fa2.mjs graph.json out.json iterations
import Graph from 'graphology';
import helpers from 'graphology-layout-forceatlas2/helpers.js';
import iterate from 'graphology-layout-forceatlas2/iterate.js';
import DEFAULTS from 'graphology-layout-forceatlas2/defaults.js';
import {readGraph, allLinks, writeResult} from './common.mjs';

const [input, output, iterationsArg] = process.argv.slice(2);
const iterations = Number(iterationsArg);
const started = performance.now();
const data = readGraph(input);
const graph = new Graph({type: 'undirected', multi: false});
data.nodes.forEach((node, i) => {
  graph.addNode(i, {x: data.initial[i][0], y: data.initial[i][1], size: node.radius});
});
for (const link of allLinks(data)) {
  if (!graph.hasEdge(link.source, link.target)) graph.addEdge(link.source, link.target, {weight: link.weight});
}
// Same model parameters as vmi-map's defaults (FA2 as in Gephi).
const settings = {...DEFAULTS, barnesHutOptimize: true, barnesHutTheta: 1.2, scalingRatio: 2, gravity: 1};
const matrices = helpers.graphToByteArrays(graph, (edge, attr) => attr.weight);
const iterationMs = [];
for (let i = 0; i < iterations; i++) {
  const t = performance.now();
  iterate(settings, matrices.nodes, matrices.edges);
  iterationMs.push(performance.now() - t);
}
const positions = [];
for (let i = 0; i < data.nodes.length; i++) positions.push([matrices.nodes[i * 10], matrices.nodes[i * 10 + 1]]);
writeResult(output, positions, iterationMs, performance.now() - started, iterations);
