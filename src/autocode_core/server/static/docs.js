// The API reference, rendered from /openapi.json with no external assets.
"use strict";

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function main() {
  const root = document.getElementById("docs");
  let spec;
  try {
    const response = await fetch("/openapi.json");
    spec = await response.json();
  } catch (error) {
    root.textContent = "Could not load /openapi.json: " + error;
    return;
  }
  root.textContent = "";
  root.append(el("p", "muted", spec.info.description || ""));
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const section = el("section", "card op");
      const title = el("h2");
      title.append(el("span", "badge method", method.toUpperCase()), " ", el("code", "", path));
      section.append(title, el("p", "", op.summary || ""));
      const params = op.parameters || [];
      if (params.length) {
        const list = el("ul");
        for (const p of params) {
          const schema = p.schema || {};
          const bits = [p.in, schema.type, p.required ? "required" : "optional"];
          if (schema.default !== undefined) bits.push("default " + JSON.stringify(schema.default));
          list.append(el("li", "", `${p.name} (${bits.join(", ")})${p.description ? ": " + p.description : ""}`));
        }
        section.append(list);
      }
      if (op.requestBody) {
        const example = (((op.requestBody.content || {})["application/json"] || {}).example);
        section.append(el("p", "muted", "JSON body" + (example ? ", e.g. " + JSON.stringify(example) : "")));
      }
      const codes = Object.entries(op.responses || {}).map(([code, r]) => `${code} ${r.description || ""}`);
      section.append(el("p", "muted", "Responses: " + codes.join(" · ")));
      root.append(section);
    }
  }
}

main();
