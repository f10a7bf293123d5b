// Times the npm package dockerfile-ast (the parser behind VS Code's Dockerfile language server)
// on the same file: first parse, then median and best of repeated parses.
const fs = require('fs');
const { DockerfileParser } = require('dockerfile-ast');
const file = process.argv[2];
const runs = parseInt(process.argv[3] || '30', 10);
const text = fs.readFileSync(file, 'utf8');
let t0 = process.hrtime.bigint();
const first = DockerfileParser.parse(text);
const cold = Number(process.hrtime.bigint() - t0) / 1e6;
const warm = [];
for (let i = 0; i < runs; i++) {
  const s = process.hrtime.bigint();
  DockerfileParser.parse(text).getInstructions();
  warm.push(Number(process.hrtime.bigint() - s) / 1e6);
}
warm.sort((a, b) => a - b);
console.log(`dockerfile-ast instructions=${first.getInstructions().length} cold_ms=${cold.toFixed(1)} ` +
  `warm_median_ms=${warm[Math.floor(runs / 2)].toFixed(2)} warm_best_ms=${warm[0].toFixed(2)}`);
