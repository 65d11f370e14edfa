// Grade one URL with the MDN HTTP Observatory's own tests and grading (its npm package),
// for a path other than "/" and an HTTPS port of our choosing, which its CLI can't do.
// Usage: node observatory_scan.mjs <package dir> <host> <path>   → JSON on stdout.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pkg, host, urlPath] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(path.join(pkg, "src", file)).href);

const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");

const responses = await retrieve(host, { path: urlPath });
if (!responses.responses.auto) {
  console.log(JSON.stringify({ error: "no answer" }));
  process.exit(1);
}
let bonus = 100;
let penalties = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const result = test(responses);
  const modifier = result.result ? getScoreModifier(result.result) : 0;
  bonus += modifier;
  if (modifier < 0) penalties += modifier;
  tests[result.constructor.name] = { pass: result.pass, result: result.result, modifier };
}
const score = penalties >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? bonus : penalties;
const { grade } = getGradeForScore(score);
console.log(JSON.stringify({ path: urlPath, grade, score, tests }));
