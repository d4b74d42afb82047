//! `console.log` formatting, following node's `util.inspect` defaults:
//! quoting, `[ 1, 2 ]` / `{ a: 1 }` spacing, line breaking at 80 columns,
//! grouping of long arrays, `[Object]` past depth 2, `[Circular *1]`.

use super::heap::Class;
use super::number::write_number;
use super::state::Vm;
use super::value::{ObjId, Value};

/// Nesting depth below which objects print as `[Object]` / `[Array]`.
const DEPTH_MAX: usize = 2;
/// Line width node breaks at.
const BREAK_LENGTH: usize = 80;
/// Array elements shown before `... n more items`.
const ARRAY_ITEMS_MAX: usize = 100;

/// One shown element of a sparse array: property `props[i]`, or this
/// many missing indices in a row.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Element(usize),
    Holes(usize),
}

/// The form `console.log` prints for one argument (strings unquoted).
pub fn inspect(vm: &mut Vm, v: Value) -> String {
    if let Some(s) = vm.heap.str(v) {
        return s.to_string();
    }
    Printer::new(vm).value(v, 0)
}

/// A short form for error messages: strings quoted, objects summarised.
pub fn inspect_short(vm: &mut Vm, v: Value) -> String {
    match v {
        Value::Obj(o) => match vm.heap.obj(o).class {
            Class::Array | Class::SparseArray => "array".into(),
            Class::Closure(_) | Class::Native(_) => {
                let n = vm.function_name(o);
                if n.is_empty() {
                    "[Function (anonymous)]".into()
                } else {
                    format!("[Function: {n}]")
                }
            }
            _ => "object".into(),
        },
        _ => Printer::new(vm).value(v, 0),
    }
}

struct Printer<'a> {
    vm: &'a mut Vm,
    /// Objects being printed, to spot cycles.
    seen: Vec<ObjId>,
    indent: usize,
    /// node's `ctx.currentDepth`: depth of the object whose children were
    /// formatted most recently; decides whether an object fits on one line.
    current_depth: usize,
    /// Objects found to contain themselves, numbered for `<ref *n>`.
    circular: Vec<ObjId>,
}

/// Quotes a string the way node does: single quotes unless the text has some.
pub fn quote(s: &str) -> String {
    let q = if !s.contains('\'') {
        '\''
    } else if !s.contains('"') {
        '"'
    } else if !s.contains('`') {
        '`'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

impl<'a> Printer<'a> {
    fn new(vm: &'a mut Vm) -> Printer<'a> {
        Printer {
            vm,
            seen: Vec::new(),
            indent: 0,
            current_depth: 0,
            circular: Vec::new(),
        }
    }

    fn value(&mut self, v: Value, depth: usize) -> String {
        match v {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => {
                if n == 0.0 && n.is_sign_negative() {
                    return "-0".into();
                }
                let mut s = String::new();
                write_number(n, &mut s);
                s
            }
            Value::Atom(_) | Value::Str(_) => quote(self.vm.heap.str(v).unwrap()),
            Value::Cell(_) => "<cell>".into(),
            Value::Symbol(a) => symbol_text(self.vm, a),
            Value::Obj(o) => self.object(o, depth),
        }
    }

    fn key(&self, a: u32) -> String {
        if self.vm.heap.is_symbol(a) {
            return format!("[{}]", symbol_text(self.vm, a));
        }
        let k = self.vm.heap.atom_str(a);
        if is_identifier(k) {
            k.to_string()
        } else {
            quote(k)
        }
    }

    fn object(&mut self, o: ObjId, depth: usize) -> String {
        if self.seen.contains(&o) {
            let n = match self.circular.iter().position(|&c| c == o) {
                Some(i) => i + 1,
                None => {
                    self.circular.push(o);
                    self.circular.len()
                }
            };
            return format!("[Circular *{n}]");
        }
        let class = self.vm.heap.obj(o).class;
        // A typed array shows as an array of its elements after its type.
        let is_array = matches!(
            class,
            Class::Array | Class::SparseArray | Class::TypedArray(_)
        );
        if class == Class::Error {
            let stack = self.vm.get_own(o, self.vm.atoms.stack);
            if let Some(s) = stack.and_then(|s| self.vm.heap.str(s)) {
                let s = s.to_string();
                return if depth > 0 {
                    format!("[{s}]").replace('\n', &format!("\n{}", " ".repeat(self.indent)))
                } else {
                    s
                };
            }
        }
        if let Class::RegExp(i) = class {
            let c = self.vm.compiled(i);
            let source = self.vm.heap.str(c.source).unwrap_or("");
            let source = if source.is_empty() { "(?:)" } else { source };
            return format!("/{source}/{}", c.regex.flags.text());
        }
        if class == Class::Date {
            return match self.vm.heap.obj(o).elems[0] {
                Value::Num(t) if t.is_finite() => semantics::date::iso_string(t),
                _ => "Invalid Date".into(),
            };
        }
        let base = match class {
            Class::Closure(_) | Class::Native(_) => {
                let n = self.vm.function_name(o);
                if n.is_empty() {
                    "[Function (anonymous)]".to_string()
                } else {
                    format!("[Function: {n}]")
                }
            }
            Class::Primitive => {
                let inner = self.vm.heap.obj(o).elems[0];
                let kind = crate::wrapper::primitive_kind(inner);
                format!("[{kind}: {}]", self.value(inner, depth + 1))
            }
            Class::Collection { index, kind } => {
                use crate::collection::CollectionKind;
                if matches!(kind, CollectionKind::WeakMap | CollectionKind::WeakSet) {
                    return format!("{} {{ <items unknown> }}", kind.name());
                }
                let size = self.vm.collection_size(o, index);
                match self.constructor_prefix(o) {
                    p if p.is_empty() => format!("{}({size})", kind.name()),
                    p => format!("{p}({size}) [{}]", kind.name()),
                }
            }
            Class::TypedArray(t) => format!("{}({})", t.name(), self.vm.view_parts(o).2),
            Class::ArrayBuffer { len } => {
                // node's layout: the first 50 bytes in hex.
                let mut bytes: Vec<String> = (0..(len as usize).min(50))
                    .map(|i| format!("{:02x}", self.vm.read_byte(o, i)))
                    .collect();
                if len > 50 {
                    bytes.push(format!("... {} more bytes", len - 50));
                }
                format!(
                    "ArrayBuffer {{ [Uint8Contents]: <{}>, byteLength: {len} }}",
                    bytes.join(" ")
                )
            }
            _ => self.constructor_prefix(o),
        };
        if matches!(class, Class::ArrayBuffer { .. }) {
            return base;
        }
        // A map's or a set's entries, shown before its properties.
        let entries: Vec<(Value, Option<Value>)> = match class {
            Class::Collection { kind, .. } => {
                let stride = kind.stride();
                let elems = &self.vm.heap.obj(o).elems;
                (0..elems.len() / stride)
                    .filter(|&e| !self.vm.is_collection_hole(elems[e * stride]))
                    .map(|e| (elems[e * stride], (stride == 2).then(|| elems[e * 2 + 1])))
                    .collect()
            }
            _ => Vec::new(),
        };
        // A sparse array's elements, in index order, with its holes.
        let slots = if class == Class::SparseArray {
            self.sparse_slots(o)
        } else {
            Vec::new()
        };
        let shown: Vec<usize> = {
            let obj = self.vm.heap.obj(o);
            let mut element = vec![false; if slots.is_empty() { 0 } else { obj.props.len() }];
            for s in &slots {
                if let Slot::Element(p) = *s {
                    element[p] = true;
                }
            }
            let mut shown: Vec<usize> = (0..obj.props.len())
                .filter(|&i| obj.enumerable(i) && obj.attrs(i) & crate::attrs::PRIVATE == 0)
                .filter(|&i| !element.get(i).copied().unwrap_or(false))
                .collect();
            // Symbol keys after the others, as node shows them.
            shown.sort_by_key(|&i| self.vm.heap.is_symbol(obj.props[i].0));
            shown
        };
        let nprops = shown.len();
        let typed = match class {
            Class::TypedArray(t) => (0..self.vm.view_parts(o).2)
                .map(|i| self.vm.typed_get(o, t, i).unwrap_or(Value::Undefined))
                .collect(),
            _ => Vec::new(),
        };
        let nelems = match class {
            Class::Array => self.vm.heap.obj(o).elems.len(),
            Class::TypedArray(_) => typed.len(),
            Class::SparseArray => slots.len(),
            _ => 0,
        };
        if matches!(
            class,
            Class::Closure(_) | Class::Native(_) | Class::Primitive
        ) && nprops == 0
        {
            return base;
        }
        if nprops == 0 && nelems == 0 && entries.is_empty() {
            let braces = if is_array { "[]" } else { "{}" };
            return if base.is_empty() {
                braces.into()
            } else {
                format!("{base} {braces}")
            };
        }
        if depth > DEPTH_MAX {
            return if is_array {
                "[Array]".into()
            } else if let Class::Collection { kind, .. } = class {
                format!("[{}]", kind.name())
            } else if base.is_empty() {
                "[Object]".into()
            } else {
                format!("[{}]", base)
            };
        }
        self.seen.push(o);
        self.indent += 2;
        self.current_depth = depth + 1;
        let mut out = Vec::new();
        for i in 0..nelems.min(ARRAY_ITEMS_MAX) {
            let e = match slots.get(i) {
                Some(&Slot::Element(p)) => {
                    out.push(self.prop_value(o, p, depth));
                    continue;
                }
                Some(&Slot::Holes(n)) => {
                    out.push(format!("<{n} empty item{}>", if n == 1 { "" } else { "s" }));
                    continue;
                }
                None if typed.is_empty() => self.vm.heap.obj(o).elems[i],
                None => typed[i],
            };
            out.push(self.value(e, depth + 1));
        }
        if nelems > ARRAY_ITEMS_MAX {
            let more = nelems - ARRAY_ITEMS_MAX;
            out.push(format!(
                "... {more} more item{}",
                if more == 1 { "" } else { "s" }
            ));
        }
        for &(k, v) in entries.iter().take(ARRAY_ITEMS_MAX) {
            let key = self.value(k, depth + 1);
            out.push(match v {
                Some(v) => format!("{key} => {}", self.value(v, depth + 1)),
                None => key,
            });
        }
        let output_before_props = out.len();
        for i in shown {
            let key = self.key(self.vm.heap.obj(o).props[i].0);
            let val = self.prop_value(o, i, depth);
            out.push(format!("{key}: {val}"));
        }
        self.indent -= 2;
        self.seen.pop();
        let entries = out.len();
        if is_array && output_before_props == entries && entries > 6 {
            let all_numbers = !typed.is_empty()
                || (slots.is_empty()
                    && (0..nelems.min(ARRAY_ITEMS_MAX))
                        .all(|i| matches!(self.vm.heap.obj(o).elems[i], Value::Num(_))));
            out = self.group(out, all_numbers, nelems > ARRAY_ITEMS_MAX);
        }
        let braces = if is_array { ("[", "]") } else { ("{", "}") };
        let base = match self.circular.iter().position(|&c| c == o) {
            Some(i) if base.is_empty() => format!("<ref *{}>", i + 1),
            Some(i) => format!("<ref *{}> {base}", i + 1),
            None => base,
        };
        let base_sp = if base.is_empty() {
            String::new()
        } else {
            format!("{base} ")
        };
        if self.current_depth - (depth + 1) < 3 && entries == out.len() {
            let start = out.len() + self.indent + braces.0.len() + base.len() + 10;
            let total: usize =
                start + out.len() + out.iter().map(|s| s.chars().count()).sum::<usize>();
            if total <= BREAK_LENGTH && !out.iter().any(|s| s.contains('\n')) {
                return format!("{base_sp}{} {} {}", braces.0, out.join(", "), braces.1);
            }
        }
        let ind = format!("\n{}", " ".repeat(self.indent));
        format!(
            "{base_sp}{}{ind}  {}{ind}{}",
            braces.0,
            out.join(&format!(",{ind}  ")),
            braces.1
        )
    }

    /// Property `i` of `o` as shown: its value, or what kind of accessor it is.
    fn prop_value(&mut self, o: ObjId, i: usize, depth: usize) -> String {
        let v = self.vm.heap.obj(o).props[i].1;
        if self.vm.heap.obj(o).attrs(i) & crate::attrs::ACCESSOR == 0 {
            return self.value(v, depth + 1);
        }
        let pair = &self.vm.heap.obj(v.as_obj().unwrap()).elems;
        match (
            !matches!(pair[0], Value::Undefined),
            !matches!(pair[1], Value::Undefined),
        ) {
            (true, true) => "[Getter/Setter]".to_string(),
            (true, false) => "[Getter]".to_string(),
            _ => "[Setter]".to_string(),
        }
    }

    /// A sparse array's elements up to its length: each enumerable
    /// index-named property, and each run of indices without one.
    fn sparse_slots(&mut self, o: ObjId) -> Vec<Slot> {
        let obj = self.vm.heap.obj(o);
        let mut found: Vec<(usize, usize)> = (0..obj.props.len())
            .filter_map(|p| {
                crate::property::canonical_index(self.vm.heap.atom_str(obj.props[p].0))
                    .map(|i| (i, p))
            })
            .collect();
        found.sort_unstable();
        let len = self.vm.sparse_len(o);
        let mut slots = Vec::new();
        let mut next = 0;
        for (i, p) in found {
            if i > next {
                slots.push(Slot::Holes(i - next));
            }
            slots.push(Slot::Element(p));
            next = i + 1;
        }
        if len > next {
            slots.push(Slot::Holes(len - next));
        }
        slots
    }

    /// `Foo ` for objects made by `new Foo()`.
    fn constructor_prefix(&mut self, o: ObjId) -> String {
        if self.vm.heap.obj(o).class == Class::Arguments {
            return "[Arguments]".into();
        }
        if self.vm.heap.obj(o).class == Class::Namespace {
            return "[Module: null prototype]".into();
        }
        let Some(p) = self.vm.heap.obj(o).proto else {
            return "[Object: null prototype]".into();
        };
        if p == self.vm.realm.object_proto
            || p == self.vm.realm.array_proto
            || self.vm.heap.is_permanent(p)
        {
            return String::new();
        }
        match self.vm.get_own(p, self.vm.atoms.constructor) {
            Some(Value::Obj(c)) => self.vm.function_name(c),
            _ => String::new(),
        }
    }

    /// node's `groupArrayElements`: short entries in aligned columns.
    fn group(&self, output: Vec<String>, numbers: bool, has_more: bool) -> Vec<String> {
        let len = if has_more {
            output.len() - 1
        } else {
            output.len()
        };
        let sep = 2;
        let data_len: Vec<usize> = output.iter().map(|s| s.chars().count()).collect();
        let total: usize = data_len[..len].iter().map(|l| l + sep).sum();
        let max_len = data_len[..len].iter().copied().max().unwrap_or(0);
        let actual_max = max_len + sep;
        if !(actual_max * 3 + self.indent < BREAK_LENGTH
            && (total as f64 / actual_max as f64 > 5.0 || max_len <= 6))
        {
            return output;
        }
        let average_bias = (actual_max as f64 - total as f64 / output.len() as f64).sqrt();
        let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
        let columns = ((2.5 * biased_max * len as f64).sqrt() / biased_max)
            .round()
            .min(((BREAK_LENGTH - self.indent) / actual_max) as f64)
            .min(12.0)
            .min(15.0) as usize;
        if columns <= 1 {
            return output;
        }
        let mut max_line = Vec::new();
        for i in 0..columns {
            let mut w = 0;
            let mut j = i;
            while j < len {
                w = w.max(data_len[j]);
                j += columns;
            }
            max_line.push(w + sep);
        }
        let mut rows = Vec::new();
        let mut i = 0;
        while i < len {
            let max = (i + columns).min(len);
            let mut row = String::new();
            for j in i..max - 1 {
                let cell = format!("{}, ", output[j]);
                row.push_str(&pad(&cell, max_line[j - i], numbers));
            }
            let j = max - 1;
            if numbers {
                row.push_str(&pad(&output[j], max_line[j - i] - sep, true));
            } else {
                row.push_str(&output[j]);
            }
            rows.push(row);
            i += columns;
        }
        if has_more {
            rows.push(output[len].clone());
        }
        rows
    }
}

fn pad(s: &str, width: usize, start: bool) -> String {
    let n = s.chars().count();
    if n >= width {
        return s.to_string();
    }
    let fill = " ".repeat(width - n);
    if start {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// `Symbol(description)`, as `String(symbol)` gives it.
pub fn symbol_text(vm: &Vm, a: u32) -> String {
    format!("Symbol({})", vm.heap.symbol_description(a).unwrap_or(""))
}
