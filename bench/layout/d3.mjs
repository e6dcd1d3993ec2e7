// d3-force: links, many-body (Barnes-Hut), collide with the node radii,
// centre; ticks until alpha < alphaMin (300 with the defaults) unless a
// tick count is given. usage: node d3.mjs graph.json out.json [ticks]
import {forceSimulation, forceLink, forceManyBody, forceCollide, forceCenter} from 'd3-force';
import {readGraph, allLinks, writeResult} from './common.mjs';

const [input, output, ticksArg] = process.argv.slice(2);
const started = performance.now();
const data = readGraph(input);
const nodes = data.nodes.map((node, i) => ({index: i, x: data.initial[i][0], y: data.initial[i][1], r: node.radius}));
const links = allLinks(data);
const simulation = forceSimulation(nodes)
  .force('link', forceLink(links))
  .force('charge', forceManyBody())
  .force('collide', forceCollide((node) => node.r))
  .force('center', forceCenter(0, 0))
  .stop();
const ticks = ticksArg ? Number(ticksArg)
  : Math.ceil(Math.log(simulation.alphaMin()) / Math.log(1 - simulation.alphaDecay()));
const iterationMs = [];
for (let i = 0; i < ticks; i++) {
  const t = performance.now();
  simulation.tick();
  iterationMs.push(performance.now() - t);
}
writeResult(output, nodes.map((node) => [node.x, node.y]), iterationMs, performance.now() - started, ticks);
