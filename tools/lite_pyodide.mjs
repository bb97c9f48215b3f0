// Run the xlwings Lite path in real Pyodide under Node: install the wheels with micropip, run
// lite/main.py's functions and scripts through xlwings' own Lite runtime (xlwings.pro.udfs_officejs),
// and answer the runtime's calls to Excel (js.xlwings.getRangeData, runActions) from a job file made
// from the workbook by tools/lite_pyodide.py.  Driven by tools/lite_pyodide.py; see its docstring.
//
//   node tools/lite_pyodide.mjs PYODIDE_DIR JOB.json OUT.json
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [pyodideDir, jobPath, outPath] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(pyodideDir), "package.json"));
const { loadPyodide } = require("./pyodide.js");
const job = JSON.parse(readFileSync(jobPath, "utf-8"));

// "A1", "$A$1:$D$54" -> [row1, col1, row2, col2]
function area(address) {
  const cells = address.replace(/\$/g, "").split("!").pop().split(":");
  const one = (ref) => {
    const m = ref.match(/^([A-Z]+)(\d+)$/);
    let col = 0;
    for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
    return [Number(m[2]), col];
  };
  const [r1, c1] = one(cells[0]);
  const [r2, c2] = cells.length > 1 ? one(cells[1]) : [r1, c1];
  return [r1, c1, r2, c2];
}

function letters(col) {
  let s = "";
  for (; col > 0; col = Math.floor((col - 1) / 26)) s = String.fromCharCode(65 + ((col - 1) % 26)) + s;
  return s;
}

// What Excel answers through Office.js, from the workbook's merged ranges and hidden rows (job.answers,
// read from the file with openpyxl): merge_cells true/false/null (null: partly), merge_area the merged
// range holding a cell (null when none), row_hidden true/false/null.
let answers = null;  // the workbook's, set by the driver before each workbook's scripts

function answer(sheet, address, key) {
  const [r1, c1, r2, c2] = area(address);
  const merges = (answers.merges[sheet] || []).map(area);
  const hidden = new Set(answers.hidden[sheet] || []);
  const inMerge = (r, c) => merges.find(([t, l, b, rr]) => t <= r && r <= b && l <= c && c <= rr);
  if (key === "merge_cells") {
    let some = false, all = true;
    for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) {
      if (inMerge(r, c)) some = true; else all = false;
    }
    return all ? true : some ? null : false;
  }
  if (key === "merge_area") {
    const m = inMerge(r1, c1);
    return m ? `${letters(m[1])}${m[0]}:${letters(m[3])}${m[2]}` : null;
  }
  if (key === "row_hidden") {
    let n = 0;
    for (let r = r1; r <= r2; r++) if (hidden.has(r)) n++;
    return n === 0 ? false : n === r2 - r1 + 1 ? true : null;
  }
  throw new Error(`getRangeData: no answer for ${key}`);
}

const flushed = [];
const questions = [];
globalThis.xlwings = {
  async getRangeData(sheet, address, keys) {
    const out = {};
    for (const key of keys.toJs ? keys.toJs() : keys) {
      questions.push(key);
      out[key] = answer(sheet, address, key);
    }
    return out;
  },
  async runActions(actions) {
    flushed.push(JSON.stringify(actions.toJs ? actions.toJs({ dict_converter: Object.fromEntries }) : actions));
  },
  flushedActions: () => JSON.stringify(flushed),
  useAnswers: (label) => { answers = job.answers[label]; },
  questionCount: () => questions.length,
};

const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + path.sep, stdout: () => {}, stderr: () => {} });
// micropip and packaging as the Pyodide release pins them, downloaded from PyPI into the same folder
await pyodide.loadPackage(["micropip"], { checkIntegrity: false, messageCallback: () => {} });
pyodide.FS.mkdirTree("/wheels");
for (const name of readdirSync(job.wheels)) {
  if (name.endsWith(".whl")) pyodide.FS.writeFile(`/wheels/${name}`, readFileSync(path.join(job.wheels, name)));
}
pyodide.FS.mkdirTree("/lite");
pyodide.FS.writeFile("/lite/main.py", readFileSync(job.main));
pyodide.FS.writeFile("/job.json", JSON.stringify(job));
const result = await pyodide.runPythonAsync(readFileSync(new URL("./lite_pyodide_driver.py", import.meta.url), "utf-8"));
writeFileSync(outPath, result);
process.exit(0);
