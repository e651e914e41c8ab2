// Internal: the browser script that builds the action form from the action's
// JSON Schema (served at /web/form.js). Plain JavaScript kept in a string, so
// the page needs no build step and works when the package is imported from a
// registry. No backticks or dollar-brace sequences inside (assets_test.ts
// checks this and lints the script).

/** The script, served as is. */
export const FORM_JS: string = String
  .raw`// OpenEnv web interface: an action form generated from a JSON Schema.
// Supports strings, numbers and integers with bounds, booleans, enums,
// constants, arrays, nested objects, unions of objects, optional and nullable
// fields; anything else gets a JSON editor.

const OMIT = Symbol("omit");
let counter = 0;

function uid(hint) {
  counter += 1;
  return "f" + counter + "-" + String(hint || "field").replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Creates an element: h("p", { class: "x", text: "hi" }, [children]). */
export function h(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  const list = [children].flat(Infinity);
  for (const child of list) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** "max_steps" -> "Max steps". */
export function humanize(name) {
  const text = String(name).replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function without(object, keys) {
  const copy = Object.assign({}, object);
  for (const key of keys) delete copy[key];
  return copy;
}

function deref(schema, root) {
  let s = schema && typeof schema === "object" ? schema : {};
  for (let i = 0; i < 32 && typeof s.$ref === "string"; i++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
    const defs = m && root ? root[m[1]] : undefined;
    const key = m ? decodeURIComponent(m[2]).replace(/~1/g, "/").replace(/~0/g, "~") : "";
    const target = defs ? defs[key] : undefined;
    if (!target) return Object.assign(without(s, ["$ref"]), { "x-unresolved": true });
    s = Object.assign({}, target, without(s, ["$ref"]));
  }
  if (Array.isArray(s.allOf) && s.allOf.length === 1) {
    s = Object.assign({}, deref(s.allOf[0], root), without(s, ["allOf"]));
  }
  return s;
}

/** Classifies a schema into one of the editors below. */
export function classify(schema, root) {
  const s = deref(schema, root);
  let nullable = false;
  if (s["x-unresolved"]) return { kind: "json", schema: s, nullable };
  const union = s.anyOf || s.oneOf;
  if (Array.isArray(union)) {
    // Nested unions (say, an action or one of the tool actions) are one choice.
    const flat = [];
    const add = (option) => {
      const d = deref(option, root);
      const inner = d.anyOf || d.oneOf;
      if (Array.isArray(inner) && d.type === undefined && d.properties === undefined) {
        inner.forEach(add);
      } else flat.push(d);
    };
    union.forEach(add);
    const options = flat.filter((o) => {
      if (o.type === "null" || (o.const === null && o.type === undefined)) {
        nullable = true;
        return false;
      }
      return true;
    });
    const outer = without(s, ["anyOf", "oneOf"]);
    if (options.length === 1) {
      const inner = classify(Object.assign({}, options[0], outer), root);
      inner.nullable = inner.nullable || nullable;
      return inner;
    }
    if (options.length > 1 && options.every((o) => o.const !== undefined)) {
      return { kind: "enum", values: options.map((o) => o.const), schema: outer, nullable };
    }
    const objects = options.every((o) =>
      (o.type === "object" || o.properties) && o.properties && Object.keys(o.properties).length
    );
    if (options.length > 1 && objects) return { kind: "variant", options, schema: outer, nullable };
    return { kind: "json", schema: s, nullable };
  }
  let type = s.type;
  if (Array.isArray(type)) {
    const types = type.filter((t) => t !== "null");
    nullable = types.length < type.length;
    if (types.length !== 1) return { kind: "json", schema: s, nullable };
    type = types[0];
  }
  if (s.const !== undefined) return { kind: "const", schema: s, nullable, value: s.const };
  if (Array.isArray(s.enum)) {
    const values = s.enum.filter((v) => v !== null);
    if (values.length < s.enum.length) nullable = true;
    return { kind: "enum", values, schema: s, nullable };
  }
  if (type === "string") return { kind: "string", schema: s, nullable };
  if (type === "integer" || type === "number") {
    return { kind: "number", integer: type === "integer", schema: s, nullable };
  }
  if (type === "boolean") return { kind: "boolean", schema: s, nullable };
  if (type === "array") {
    const items = s.items;
    if (items && typeof items === "object" && !Array.isArray(items) && !s.prefixItems) {
      return { kind: "array", schema: s, nullable };
    }
    return { kind: "json", schema: s, nullable };
  }
  if ((type === "object" || type === undefined) && s.properties) {
    if (Object.keys(s.properties).length) return { kind: "object", schema: s, nullable };
  }
  return { kind: "json", schema: s, nullable };
}

function describeValue(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Wraps a simple control with its label, hint and error message. */
function simpleField(f, control, extraHint) {
  const id = control.id;
  const described = f.description && !/[.!?:]$/.test(f.description)
    ? f.description + "."
    : f.description;
  const hintText = [described, extraHint].filter(Boolean).join(" ");
  const hint = hintText ? h("p", { class: "hint", id: id + "-hint", text: hintText }) : null;
  const error = h("p", { class: "field-error", id: id + "-error" });
  control.setAttribute("aria-describedby", (hint ? id + "-hint " : "") + id + "-error");
  if (f.required) control.setAttribute("aria-required", "true");
  const text = document.createTextNode(f.label);
  const label = h("label", { for: id }, [
    text,
    f.required ? null : h("span", { class: "optional", text: " (optional)" }),
  ]);
  const node = h("div", { class: "field", "data-path": f.path.join(".") }, [
    label,
    control,
    hint,
    error,
  ]);
  return {
    node,
    label: text,
    setError(message) {
      error.textContent = message || "";
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    },
  };
}

function fail(editor, errors, message) {
  editor.setError(message);
  errors.push({ editor, path: editor.path, message });
  return OMIT;
}

/** What an empty input means: omitted, null, or (when required) an error. */
function whenEmpty(editor, info, f, errors, message) {
  if (!f.required) return OMIT;
  if (info.nullable) return null;
  return fail(editor, errors, message);
}

function base(f, field, control) {
  return {
    node: field.node,
    path: f.path,
    labelEl: field.label,
    setError: field.setError,
    focus() {
      control.focus();
    },
    child() {
      return undefined;
    },
  };
}

function stringEditor(info, f) {
  const s = info.schema;
  const id = uid(f.path.join("."));
  const multiline = (s.maxLength || 0) > 100 ||
    /message|code|text|prompt|content|query|answer|body|command|script/i.test(f.name || "");
  const control = multiline
    ? h("textarea", { id, rows: 3, spellcheck: "false" })
    : h("input", { id, type: "text", autocomplete: "off", spellcheck: "false" });
  if (s.maxLength !== undefined) control.setAttribute("maxlength", String(s.maxLength));
  const notes = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) {
    notes.push(
      s.maxLength === undefined
        ? "At least " + s.minLength + " characters."
        : (s.minLength || 0) + " to " + s.maxLength + " characters.",
    );
  }
  if (s.pattern) notes.push("Pattern: " + s.pattern);
  if (info.nullable && f.required) notes.push("Leave empty for null.");
  const field = simpleField(f, control, notes.join(" "));
  const editor = base(f, field, control);
  editor.read = (errors) => {
    editor.setError("");
    const value = control.value;
    if (value === "" && (!f.required || info.nullable)) return whenEmpty(editor, info, f, errors);
    if (s.minLength !== undefined && value.length < s.minLength) {
      return fail(
        editor,
        errors,
        s.minLength === 1 ? "Enter a value." : "Enter at least " + s.minLength + " characters.",
      );
    }
    if (s.maxLength !== undefined && value.length > s.maxLength) {
      return fail(editor, errors, "Enter at most " + s.maxLength + " characters.");
    }
    if (s.pattern) {
      let re = null;
      try {
        re = new RegExp(s.pattern, "u");
      } catch {
        re = null; // a pattern JavaScript cannot read: the server checks it
      }
      if (re && !re.test(value)) return fail(editor, errors, "Must match " + s.pattern + ".");
    }
    return value;
  };
  editor.write = (value) => {
    control.value = value === undefined || value === null ? "" : String(value);
  };
  if (s.default !== undefined) editor.write(s.default);
  return editor;
}

function numberEditor(info, f) {
  const s = info.schema;
  const id = uid(f.path.join("."));
  const control = h("input", {
    id,
    type: "number",
    step: info.integer
      ? (s.multipleOf && Number.isInteger(s.multipleOf) ? s.multipleOf : 1)
      : "any",
    inputmode: info.integer ? "numeric" : "decimal",
  });
  const lowInclusive = typeof s.exclusiveMinimum === "boolean" ? !s.exclusiveMinimum : true;
  const highInclusive = typeof s.exclusiveMaximum === "boolean" ? !s.exclusiveMaximum : true;
  // Bounds at the safe-integer limits (zod adds them to every int) say nothing.
  const bound = (v) => typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined;
  const low = bound(typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum : s.minimum);
  const high = bound(typeof s.exclusiveMaximum === "number" ? s.exclusiveMaximum : s.maximum);
  const lowOk = typeof s.exclusiveMinimum === "number" ? false : lowInclusive;
  const highOk = typeof s.exclusiveMaximum === "number" ? false : highInclusive;
  if (low !== undefined && lowOk) control.setAttribute("min", String(low));
  if (high !== undefined && highOk) control.setAttribute("max", String(high));
  const notes = [info.integer ? "A whole number" : "A number"];
  if (low !== undefined) notes.push((lowOk ? "at least " : "greater than ") + low);
  if (high !== undefined) notes.push((highOk ? "at most " : "less than ") + high);
  let note = notes[0] + (notes.length > 1 ? ", " + notes.slice(1).join(" and ") : "") + ".";
  if (info.nullable && f.required) note += " Leave empty for null.";
  const field = simpleField(f, control, note);
  const editor = base(f, field, control);
  editor.read = (errors) => {
    editor.setError("");
    if (control.validity && control.validity.badInput) {
      return fail(editor, errors, "Enter a valid number.");
    }
    const text = control.value.trim();
    if (text === "") return whenEmpty(editor, info, f, errors, "Enter a number.");
    const n = Number(text);
    if (!Number.isFinite(n)) return fail(editor, errors, "Enter a valid number.");
    if (info.integer && !Number.isInteger(n)) return fail(editor, errors, "Enter a whole number.");
    if (low !== undefined && (lowOk ? n < low : n <= low)) {
      return fail(editor, errors, "Must be " + (lowOk ? "at least " : "greater than ") + low + ".");
    }
    if (high !== undefined && (highOk ? n > high : n >= high)) {
      return fail(editor, errors, "Must be " + (highOk ? "at most " : "less than ") + high + ".");
    }
    if (s.multipleOf && Math.abs(n / s.multipleOf - Math.round(n / s.multipleOf)) > 1e-9) {
      return fail(editor, errors, "Must be a multiple of " + s.multipleOf + ".");
    }
    return n;
  };
  editor.write = (value) => {
    control.value = typeof value === "number" ? String(value) : "";
  };
  if (s.default !== undefined) editor.write(s.default);
  return editor;
}

function selectEditor(info, f, values, labels) {
  const id = uid(f.path.join("."));
  const control = h("select", { id });
  const blank = !f.required || info.nullable;
  if (blank) {
    control.append(h("option", { value: "", text: f.required ? "(null)" : "(not set)" }));
  }
  values.forEach((_value, i) => control.append(h("option", { value: String(i), text: labels[i] })));
  const field = simpleField(f, control, "");
  const editor = base(f, field, control);
  editor.read = (errors) => {
    editor.setError("");
    if (control.value === "") return whenEmpty(editor, info, f, errors, "Choose a value.");
    return values[Number(control.value)];
  };
  editor.write = (value) => {
    const i = values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
    control.value = i >= 0 ? String(i) : (blank ? "" : "0");
  };
  editor.write(info.schema.default);
  return editor;
}

function enumEditor(info, f) {
  return selectEditor(info, f, info.values, info.values.map(describeValue));
}

function booleanEditor(info, f) {
  if (!f.required || info.nullable) {
    return selectEditor(info, f, [true, false], ["true", "false"]);
  }
  const id = uid(f.path.join("."));
  const control = h("input", { id, type: "checkbox" });
  const hint = f.description
    ? h("p", { class: "hint", id: id + "-hint", text: f.description })
    : null;
  const error = h("p", { class: "field-error", id: id + "-error" });
  control.setAttribute("aria-describedby", (hint ? id + "-hint " : "") + id + "-error");
  const text = document.createTextNode(f.label);
  const label = h("label", { class: "checkbox", for: id }, [control, text]);
  const node = h("div", { class: "field", "data-path": f.path.join(".") }, [label, hint, error]);
  const editor = base(f, {
    node,
    label: text,
    setError(message) {
      error.textContent = message || "";
    },
  }, control);
  editor.read = () => control.checked;
  editor.write = (value) => {
    control.checked = value === true;
  };
  editor.write(info.schema.default);
  return editor;
}

function constEditor(info, f) {
  const id = uid(f.path.join("."));
  const label = h("span", { class: "label", id: id + "-label", text: f.label });
  const text = label.firstChild;
  const output = h("code", { class: "const", id, text: JSON.stringify(info.value) });
  const hint = h("p", {
    class: "hint",
    text: (f.description ? f.description + " " : "") + "Fixed value.",
  });
  const node = h("div", { class: "field", "data-path": f.path.join(".") }, [
    label,
    " ",
    output,
    hint,
  ]);
  const editor = base(f, { node, label: text, setError() {} }, output);
  editor.read = () => info.value;
  editor.write = () => {};
  return editor;
}

function jsonEditor(info, f) {
  const s = info.schema;
  const id = uid(f.path.join("."));
  const wantsObject = s.type === "object" || (!s.type && s.additionalProperties !== undefined);
  const control = h("textarea", {
    id,
    rows: 3,
    spellcheck: "false",
    placeholder: wantsObject ? '{"key": "value"}' : s.type === "array" ? "[]" : "JSON value",
  });
  const note = wantsObject ? "A JSON object." : "A JSON value.";
  const field = simpleField(
    f,
    control,
    note + (info.nullable && f.required ? " Leave empty for null." : ""),
  );
  const editor = base(f, field, control);
  editor.read = (errors) => {
    editor.setError("");
    const text = control.value.trim();
    if (text === "") return whenEmpty(editor, info, f, errors, "Enter a JSON value.");
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return fail(editor, errors, "Invalid JSON: " + error.message);
    }
    if (wantsObject && (value === null || typeof value !== "object" || Array.isArray(value))) {
      return fail(editor, errors, "Enter a JSON object.");
    }
    return value;
  };
  editor.write = (value) => {
    control.value = value === undefined ? "" : JSON.stringify(value, null, 2);
  };
  if (s.default !== undefined) editor.write(s.default);
  return editor;
}

/** A fieldset whose content can be left out (optional) or null (nullable). */
function groupShell(f, info, classes, allowInclude) {
  const optional = allowInclude && (!f.required || info.nullable);
  const text = document.createTextNode(f.label);
  const legend = h("legend", null, [
    text,
    f.required ? null : h("span", { class: "optional", text: " (optional)" }),
  ]);
  const body = h("div", { class: "group-body" });
  const error = h("p", { class: "field-error", id: uid("err") });
  let include = null;
  if (optional) {
    include = h("input", { type: "checkbox", id: uid("include") });
    include.addEventListener("change", () => {
      body.hidden = !include.checked;
    });
    body.hidden = true;
  }
  const hint = f.description ? h("p", { class: "hint", text: f.description }) : null;
  const node = h("fieldset", { class: classes, "data-path": f.path.join(".") }, [
    legend,
    hint,
    include
      ? h("label", { class: "checkbox", for: include.id }, [
        include,
        (f.required ? "Set " : "Include ") + f.label,
      ])
      : null,
    body,
    error,
  ]);
  return {
    node,
    legend: text,
    body,
    included() {
      return !include || include.checked;
    },
    setIncluded(on) {
      if (include) {
        include.checked = on;
        body.hidden = !on;
      }
    },
    omittedValue() {
      return f.required ? null : OMIT;
    },
    setError(message) {
      error.textContent = message || "";
    },
    focus() {
      (include || body.querySelector("input, select, textarea, button") || node).focus();
    },
  };
}

function objectEditor(info, f) {
  const s = info.schema;
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  const top = f.path.length === 0 && f.top;
  const bare = top || f.bare; // no fieldset of its own: the action itself, or a variant's body
  const shell = bare ? null : groupShell(f, info, "object", true);
  const body = bare ? h("div", { class: "object-root" }) : shell.body;
  const children = new Map();
  for (const [name, prop] of Object.entries(s.properties || {})) {
    if ((top || f.skipMetadata) && name === "metadata") continue;
    const childInfo = classify(prop, f.root);
    const child = build(childInfo, {
      name,
      label: childInfo.schema.title || humanize(name),
      description: childInfo.schema.description,
      required: required.has(name),
      path: f.path.concat([name]),
      root: f.root,
    });
    children.set(name, child);
    body.append(child.node);
  }
  if (top && children.size === 0) {
    body.append(h("p", { class: "hint", text: "This action has no fields: Step sends {}." }));
  }
  const editor = {
    node: bare ? body : shell.node,
    path: f.path,
    labelEl: bare ? null : shell.legend,
    setError: bare ? () => {} : shell.setError,
    focus() {
      if (shell) shell.focus();
    },
    child(key) {
      return children.get(String(key));
    },
    read(errors) {
      if (shell) shell.setError("");
      if (shell && !shell.included()) return shell.omittedValue();
      const out = {};
      for (const [name, child] of children) {
        const value = child.read(errors);
        if (value !== OMIT) out[name] = value;
      }
      return out;
    },
    write(value) {
      const present = value !== undefined && value !== null && typeof value === "object";
      if (shell) shell.setIncluded(present);
      for (const [name, child] of children) child.write(present ? value[name] : undefined);
    },
    keys() {
      return [...children.keys()];
    },
  };
  if (shell && s.default !== undefined) editor.write(s.default);
  return editor;
}

function arrayEditor(info, f) {
  const s = info.schema;
  const itemInfo = classify(s.items, f.root);
  const shell = groupShell(f, info, "array", false);
  const list = h("div", { class: "array-items" });
  const items = [];
  const add = h("button", { type: "button", class: "small", text: "Add item" });
  add.setAttribute("aria-label", "Add item to " + f.label);
  shell.body.append(list, add);
  const relabel = () => {
    items.forEach((item, i) => {
      item.path[item.path.length - 1] = i;
      if (item.editor.labelEl) item.editor.labelEl.textContent = "Item " + (i + 1);
      item.remove.setAttribute("aria-label", "Remove item " + (i + 1) + " of " + f.label);
    });
    add.disabled = s.maxItems !== undefined && items.length >= s.maxItems;
  };
  const addItem = (value) => {
    const path = f.path.concat([items.length]);
    const editor = build(itemInfo, {
      name: f.name,
      label: "Item " + (items.length + 1),
      description: itemInfo.schema.description,
      required: true,
      path,
      root: f.root,
    });
    const remove = h("button", { type: "button", class: "small", text: "Remove" });
    const node = h("div", { class: "array-item" }, [editor.node, remove]);
    const item = { editor, node, remove, path };
    remove.addEventListener("click", () => {
      items.splice(items.indexOf(item), 1);
      node.remove();
      relabel();
      add.focus();
    });
    items.push(item);
    list.append(node);
    if (value !== undefined) editor.write(value);
    relabel();
    return item;
  };
  add.addEventListener("click", () => {
    addItem().editor.focus();
  });
  const editor = {
    node: shell.node,
    path: f.path,
    labelEl: shell.legend,
    setError: shell.setError,
    focus: shell.focus,
    child(key) {
      const item = items[Number(key)];
      return item ? item.editor : undefined;
    },
    read(errors) {
      shell.setError("");
      if (items.length === 0 && !f.required) return OMIT;
      const out = [];
      for (const item of items) {
        const value = item.editor.read(errors);
        out.push(value === OMIT ? null : value);
      }
      if (s.minItems !== undefined && out.length < s.minItems) {
        return fail(editor, errors, "Add at least " + s.minItems + " items.");
      }
      if (s.maxItems !== undefined && out.length > s.maxItems) {
        return fail(editor, errors, "Keep at most " + s.maxItems + " items.");
      }
      return out;
    },
    write(value) {
      for (const item of items.splice(0)) item.node.remove();
      if (Array.isArray(value)) { for (const v of value) addItem(v); }
      relabel();
    },
  };
  shell.setIncluded(true);
  if (s.default !== undefined) editor.write(s.default);
  else if (f.required && s.minItems) {
    for (let i = 0; i < Math.min(s.minItems, 5); i++) {
      addItem();
    }
  }
  relabel();
  return editor;
}

function variantLabel(option, i) {
  if (option.title) return option.title;
  for (const [name, prop] of Object.entries(option.properties || {})) {
    if (prop && prop.const !== undefined) return name + ": " + describeValue(prop.const);
    if (prop && Array.isArray(prop.enum) && prop.enum.length === 1) {
      return name + ": " + describeValue(prop.enum[0]);
    }
  }
  if (option.description) {
    const text = option.description.trim();
    return text.length > 60 ? text.slice(0, 57) + "…" : text;
  }
  const names = Object.keys(option.properties || {}).filter((n) => n !== "metadata");
  if (names.length) return "With " + names.join(", ");
  return "Option " + (i + 1);
}

function variantEditor(info, f) {
  const shell = groupShell(f, info, f.path.length === 0 ? "variant top" : "variant", false);
  const id = uid(f.path.join(".") + "-variant");
  const blank = !f.required || info.nullable;
  const select = h("select", { id });
  if (blank) select.append(h("option", { value: "", text: f.required ? "(null)" : "(not set)" }));
  info.options.forEach((o, i) =>
    select.append(h("option", { value: String(i), text: variantLabel(o, i) }))
  );
  const holder = h("div", { class: "variant-body" });
  shell.body.append(
    h("div", { class: "field" }, [h("label", { for: id, text: f.label + " kind" }), select]),
    holder,
  );
  let current = null;
  const show = () => {
    holder.replaceChildren();
    current = null;
    if (select.value === "") return;
    const option = info.options[Number(select.value)];
    current = objectEditor({ kind: "object", schema: option, nullable: false }, {
      name: f.name,
      label: variantLabel(option, Number(select.value)),
      required: true,
      path: f.path,
      root: f.root,
      bare: true,
      skipMetadata: f.path.length === 0, // the action itself: metadata is not a field
    });
    holder.append(current.node);
  };
  select.addEventListener("change", show);
  const editor = {
    node: shell.node,
    path: f.path,
    labelEl: shell.legend,
    setError: shell.setError,
    focus() {
      select.focus();
    },
    child(key) {
      return current ? current.child(key) : undefined;
    },
    read(errors) {
      shell.setError("");
      if (!current) return whenEmpty(editor, info, f, errors, "Choose a kind.");
      return current.read(errors);
    },
    write(value) {
      if (value === undefined || value === null || typeof value !== "object") {
        select.value = blank ? "" : "0";
        show();
        return;
      }
      let best = 0;
      let bestScore = -1;
      info.options.forEach((o, i) => {
        let score = 0;
        for (const [name, prop] of Object.entries(o.properties || {})) {
          if (prop && prop.const !== undefined) {
            if (JSON.stringify(prop.const) !== JSON.stringify(value[name])) score -= 100;
            else score += 10;
          } else if (name in value) score += 1;
        }
        if (score > bestScore) [best, bestScore] = [i, score];
      });
      select.value = String(best);
      show();
      current.write(value);
    },
  };
  shell.setIncluded(true);
  select.value = blank ? "" : "0";
  show();
  return editor;
}

function build(info, f) {
  switch (info.kind) {
    case "string":
      return stringEditor(info, f);
    case "number":
      return numberEditor(info, f);
    case "boolean":
      return booleanEditor(info, f);
    case "enum":
      return enumEditor(info, f);
    case "const":
      return constEditor(info, f);
    case "object":
      return objectEditor(info, f);
    case "array":
      return arrayEditor(info, f);
    case "variant":
      return variantEditor(info, f);
    default:
      return jsonEditor(info, f);
  }
}

/**
 * Builds the action form into the container. Returns read(), write(value),
 * showServerErrors(details) and clearErrors().
 */
export function buildActionForm(container, schema) {
  container.replaceChildren();
  const root = schema && typeof schema === "object" ? schema : {};
  const info = classify(root, root);
  const f = { name: "", label: "Action", required: true, path: [], root, top: true };
  const editor = info.kind === "object"
    ? objectEditor(info, f)
    : info.kind === "variant"
    ? variantEditor(info, f)
    : jsonEditor(info, Object.assign({}, f, { description: "This action's schema has no form." }));
  container.append(editor.node);
  let lastErrors = [];
  const clearErrors = () => {
    for (const node of container.querySelectorAll(".field-error")) node.textContent = "";
    for (const node of container.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
    }
  };
  return {
    read() {
      clearErrors();
      const errors = [];
      const value = editor.read(errors);
      lastErrors = errors;
      return { ok: errors.length === 0, value: value === OMIT ? {} : value, errors };
    },
    write(value) {
      clearErrors();
      editor.write(value);
      const known = editor.keys ? editor.keys() : [];
      return value && typeof value === "object" && editor.keys
        ? Object.keys(value).filter((k) => k !== "metadata" && !known.includes(k))
        : [];
    },
    focusFirstError() {
      if (lastErrors.length) lastErrors[0].editor.focus();
    },
    /** Marks fields named by server validation errors; returns the ones it could not place. */
    showServerErrors(details) {
      const unplaced = [];
      let first = null;
      for (const detail of details || []) {
        const loc = Array.isArray(detail.loc) ? detail.loc : [];
        let target = editor;
        let depth = 0;
        for (const key of loc) {
          const next = target.child ? target.child(key) : undefined;
          if (!next) break;
          target = next;
          depth += 1;
        }
        if (depth > 0 && depth === loc.length) {
          target.setError(detail.msg);
          first = first || target;
        } else unplaced.push(detail);
      }
      if (first) first.focus();
      return unplaced;
    },
    clearErrors,
  };
}
`;
