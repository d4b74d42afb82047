//! `FormData` (the XMLHttpRequest Standard's): a form's fields, each a
//! name with a string or a `File`. A body made from one is
//! `multipart/form-data` (multipart.rs); `formData()` reads one from such
//! a body or an urlencoded one. The fields are `elems`, name and value
//! alternating.

use super::blob::{blob_parts, file_name, new_file};
use super::multipart::Part;
use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, method, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    constructor(vm, "FormData", 0, form_data_constructor, proto);
    method(vm, proto, "append", 2, |vm, this, a| {
        add(vm, this, a, false)
    });
    method(vm, proto, "set", 2, |vm, this, a| add(vm, this, a, true));
    method(vm, proto, "delete", 1, delete);
    method(vm, proto, "get", 1, |vm, this, a| {
        let (o, name) = named(vm, this, a, "get")?;
        let found = fields(vm, o).into_iter().find(|(n, _)| *n == name);
        Ok(found.map_or(Value::Null, |(_, v)| v))
    });
    method(vm, proto, "getAll", 1, |vm, this, a| {
        let (o, name) = named(vm, this, a, "getAll")?;
        let all: Vec<Value> = fields(vm, o)
            .into_iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .collect();
        vm.new_array(&all)
    });
    method(vm, proto, "has", 1, |vm, this, a| {
        let (o, name) = named(vm, this, a, "has")?;
        Ok(Value::Bool(fields(vm, o).iter().any(|(n, _)| *n == name)))
    });
    method(vm, proto, "forEach", 1, for_each);
    super::pairs::install_iteration(
        vm,
        proto,
        |vm, this, _| iterate(vm, this, 0),
        |vm, this, _| iterate(vm, this, 1),
        |vm, this, _| iterate(vm, this, 2),
    );
    string_tag(vm, proto, "FormData");
    vm.realm.form_data_proto = proto;
}

fn this_form(vm: &Vm, this: Value, what: &str) -> Result<ObjId, Interrupt> {
    this_web(
        vm,
        this,
        WebKind::FormData,
        &format!("FormData.prototype.{what}"),
    )
}

/// The fields of `o`: each name as Rust text, each value as it is.
fn fields(vm: &Vm, o: ObjId) -> Vec<(String, Value)> {
    vm.heap
        .obj(o)
        .elems
        .chunks(2)
        .map(|p| (vm.heap.str(p[0]).unwrap_or("").to_string(), p[1]))
        .collect()
}

fn named(vm: &mut Vm, this: Value, a: Args, what: &str) -> Result<(ObjId, String), Interrupt> {
    let o = this_form(vm, this, what)?;
    let name = to_rust_string(vm, arg(vm, a, 0))?;
    Ok((o, name))
}

/// `new FormData()`: an empty form (there are no form elements to read
/// one from here).
fn form_data_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = new_web_object(vm, this, WebKind::FormData, "FormData")?;
    if !matches!(arg(vm, a, 0), Value::Undefined) {
        return Err(
            vm.type_error("FormData's argument must be a form element, and there are none here")
        );
    }
    vm.heap.obj_mut(o).elems = Vec::new();
    Ok(Value::Obj(o))
}

/// A field's value: a blob becomes a `File` (named by `filename`, its own
/// name, or `blob`), anything else a string.
fn field_value(vm: &mut Vm, value: Value, filename: Value) -> Result<Value, Interrupt> {
    let Some((bytes, content_type)) = blob_parts(vm, value) else {
        if !matches!(filename, Value::Undefined) {
            return Err(vm.type_error("A FormData filename is given with a Blob value only"));
        }
        return vm.to_string_value(value);
    };
    let own = file_name(vm, value);
    let name = match filename {
        Value::Undefined => match &own {
            Some(_) => return Ok(value),
            None => "blob".to_string(),
        },
        f => to_rust_string(vm, f)?,
    };
    new_file(vm, &bytes, &content_type, &name, semantics::date::now_ms())
}

/// `append(name, value, filename)` and `set(…)`, which replaces the first
/// field of that name and drops the others.
fn add(vm: &mut Vm, this: Value, a: Args, replace: bool) -> Result<Value, Interrupt> {
    let o = this_form(vm, this, if replace { "set" } else { "append" })?;
    if a.len < 2 {
        return Err(vm.type_error("FormData needs a name and a value"));
    }
    let name = vm.to_string_value(arg(vm, a, 0))?;
    let value = field_value(vm, arg(vm, a, 1), arg(vm, a, 2))?;
    vm.heap.charge(2 * crate::heap::SLOT_COST)?;
    let key = vm.heap.str(name).unwrap_or("").to_string();
    let list = fields(vm, o);
    let elems = &mut vm.heap.obj_mut(o).elems;
    match list.iter().position(|(n, _)| *n == key) {
        Some(first) if replace => {
            elems[2 * first + 1] = value;
            let mut i = list.len();
            while i > first + 1 {
                i -= 1;
                if list[i].0 == key {
                    elems.drain(2 * i..2 * i + 2);
                }
            }
        }
        _ => elems.extend_from_slice(&[name, value]),
    }
    Ok(Value::Undefined)
}

fn delete(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, name) = named(vm, this, a, "delete")?;
    let keep: Vec<Value> = vm
        .heap
        .obj(o)
        .elems
        .chunks(2)
        .filter(|p| vm.heap.str(p[0]) != Some(name.as_str()))
        .flatten()
        .copied()
        .collect();
    vm.heap.obj_mut(o).elems = keep;
    Ok(Value::Undefined)
}

fn for_each(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_form(vm, this, "forEach")?;
    let f = arg(vm, a, 0);
    if !vm.is_callable(f) {
        return Err(vm.type_error("FormData.prototype.forEach needs a function"));
    }
    let this_arg = arg(vm, a, 1);
    let mut i = 0;
    while let Some(p) = vm.heap.obj(o).elems.get(2 * i..2 * i + 2) {
        let (name, value) = (p[0], p[1]);
        vm.call_function(f, this_arg, &[value, name, Value::Obj(o)])?;
        i += 1;
    }
    Ok(Value::Undefined)
}

/// `keys()` (0), `values()` (1), `entries()` (2): an array iterator over
/// the fields as they are now.
fn iterate(vm: &mut Vm, this: Value, part: u8) -> Result<Value, Interrupt> {
    let o = this_form(vm, this, "entries")?;
    let elems = vm.heap.obj(o).elems.clone();
    let mut items = Vec::with_capacity(elems.len() / 2);
    for p in elems.chunks(2) {
        items.push(match part {
            0 => p[0],
            1 => p[1],
            _ => vm.new_array(p)?,
        });
    }
    super::pairs::iterator(vm, &items)
}

/// The parts of a `FormData` value, for a multipart body.
pub fn form_parts(vm: &Vm, v: Value) -> Option<Vec<Part>> {
    let Value::Obj(o) = v else { return None };
    if vm.heap.obj(o).class != Class::Web(WebKind::FormData) {
        return None;
    }
    Some(
        fields(vm, o)
            .into_iter()
            .map(|(name, value)| match blob_parts(vm, value) {
                Some((bytes, content_type)) => Part::File {
                    name,
                    filename: file_name(vm, value).unwrap_or_else(|| "blob".into()),
                    content_type,
                    bytes,
                },
                None => Part::Text(name, vm.heap.str(value).unwrap_or("").to_string()),
            })
            .collect(),
    )
}

/// A form's part as a field: its name, and its value as a string or a
/// `File` (made at `now`).
pub fn part_value(vm: &mut Vm, part: Part, now: f64) -> Result<(String, Value), Interrupt> {
    Ok(match part {
        Part::Text(name, value) => (name, vm.heap.alloc_str(&value)?),
        Part::File {
            name,
            filename,
            content_type,
            bytes,
        } => (name, new_file(vm, &bytes, &content_type, &filename, now)?),
    })
}

/// A new `FormData` of `parts` (what `formData()` read).
pub fn new_form_data(vm: &mut Vm, parts: Vec<Part>) -> Result<Value, Interrupt> {
    let o = vm.heap.alloc(
        Class::Web(WebKind::FormData),
        Some(vm.realm.form_data_proto),
    )?;
    let now = semantics::date::now_ms();
    for p in parts {
        let (name, value) = part_value(vm, p, now)?;
        let name = vm.heap.alloc_str(&name)?;
        vm.heap.charge(2 * crate::heap::SLOT_COST)?;
        vm.heap.obj_mut(o).elems.extend_from_slice(&[name, value]);
    }
    Ok(Value::Obj(o))
}
