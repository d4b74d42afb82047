//! `URLSearchParams` (the WHATWG URL Standard): a list of name/value
//! pairs read from and written as `application/x-www-form-urlencoded`
//! (`url::form_urlencoded`). The pairs are strings in `elems` after the
//! `URL` the params belong to; a change writes the URL's query back.

use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, method, native, string_tag};
use crate::error::Interrupt;
use crate::heap::WebKind;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// The `URL` the params belong to (or undefined), then the pairs.
const OWNER: usize = 0;
pub(super) const PAIRS: usize = 1;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    constructor(vm, "URLSearchParams", 0, search_params_constructor, proto);
    method(vm, proto, "append", 2, append);
    method(vm, proto, "delete", 1, delete);
    method(vm, proto, "get", 1, get);
    method(vm, proto, "getAll", 1, get_all);
    method(vm, proto, "has", 1, has);
    method(vm, proto, "set", 2, set);
    method(vm, proto, "sort", 0, sort);
    method(vm, proto, "toString", 0, to_string);
    method(vm, proto, "forEach", 1, for_each);
    super::pairs::install_iteration(
        vm,
        proto,
        |vm, this, _| iterate(vm, this, Part::Keys),
        |vm, this, _| iterate(vm, this, Part::Values),
        |vm, this, _| iterate(vm, this, Part::Entries),
    );
    let size = native(vm, "get size", 0, |vm, this, _| {
        let o = this_params(vm, this, "size")?;
        Ok(Value::Num(pairs(vm, o).len() as f64))
    });
    let key = vm.heap.intern("size");
    vm.define_accessor(proto, key, Value::Obj(size), false, crate::attrs::PLAIN)
        .expect("the realm is made within its budget");
    string_tag(vm, proto, "URLSearchParams");
    vm.realm.search_params_proto = proto;
}

fn this_params(vm: &Vm, this: Value, what: &str) -> Result<ObjId, Interrupt> {
    this_web(
        vm,
        this,
        WebKind::SearchParams,
        &format!("URLSearchParams.prototype.{what}"),
    )
}

/// Appends the pairs of urlencoded `query` to params `o`.
pub(super) fn fill_pairs(vm: &mut Vm, o: ObjId, query: &str) -> Result<(), Interrupt> {
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        super::pairs::push(vm, o, &name, &value)?;
    }
    Ok(())
}

/// The pairs of `o` as Rust text.
fn pairs(vm: &Vm, o: ObjId) -> Vec<(String, String)> {
    super::pairs::read(vm, o, PAIRS)
}

/// Replaces the pairs of `o` with `list`, and writes its URL's query.
fn replace(vm: &mut Vm, o: ObjId, list: &[(String, String)]) -> Result<(), Interrupt> {
    super::pairs::write(vm, o, PAIRS, list)?;
    update(vm, o, list)
}

/// The URL's query after a change of its params (the "update steps"):
/// none when the list is empty.
fn update(vm: &mut Vm, o: ObjId, list: &[(String, String)]) -> Result<(), Interrupt> {
    let Value::Obj(owner) = vm.heap.obj(o).elems[OWNER] else {
        return Ok(());
    };
    let href = vm.heap.str(vm.heap.obj(owner).elems[0]).unwrap_or("");
    let mut url = url::Url::parse(href).expect("a URL object holds a URL's serialization");
    match serialize(list) {
        s if s.is_empty() => url.set_query(None),
        s => url.set_query(Some(&s)),
    }
    let href = vm.heap.alloc_str(url.as_str())?;
    vm.heap.obj_mut(owner).elems[0] = href;
    Ok(())
}

fn serialize(list: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (n, v) in list {
        s.append_pair(n, v);
    }
    s.finish()
}

/// `new URLSearchParams(init)`: a query string (a leading `?` dropped),
/// an iterable of `[name, value]` pairs (another `URLSearchParams` too),
/// or a record of names to values.
fn search_params_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let init = arg(vm, a, 0);
    let o = new_web_object(vm, this, WebKind::SearchParams, "URLSearchParams")?;
    vm.heap.obj_mut(o).elems = vec![Value::Undefined];
    match init {
        Value::Undefined | Value::Null if matches!(init, Value::Undefined) => {}
        Value::Obj(_) => {
            let wrong = "Each query pair must be an iterable [name, value] tuple";
            for (name, value) in super::pairs::from_init(vm, init, wrong)? {
                super::pairs::push(vm, o, &name, &value)?;
            }
        }
        v => {
            let text = to_rust_string(vm, v)?;
            fill_pairs(vm, o, text.strip_prefix('?').unwrap_or(&text))?;
        }
    }
    Ok(Value::Obj(o))
}

/// The first `n` arguments as text (a missing one is a TypeError).
fn texts<const N: usize>(vm: &mut Vm, a: Args, what: &str) -> Result<[String; N], Interrupt> {
    if a.len < N {
        return Err(vm.type_error(format!(
            "URLSearchParams.prototype.{what} requires {N} argument{}",
            if N == 1 { "" } else { "s" }
        )));
    }
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = to_rust_string(vm, arg(vm, a, i))?;
    }
    Ok(out)
}

/// The optional value argument of `has` and `delete`.
fn value_arg(vm: &mut Vm, a: Args) -> Result<Option<String>, Interrupt> {
    match arg(vm, a, 1) {
        Value::Undefined => Ok(None),
        v => Ok(Some(to_rust_string(vm, v)?)),
    }
}

fn append(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "append")?;
    let [name, value] = texts::<2>(vm, a, "append")?;
    let mut list = pairs(vm, o);
    list.push((name, value));
    replace(vm, o, &list)?;
    Ok(Value::Undefined)
}

fn delete(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "delete")?;
    let [name] = texts::<1>(vm, a, "delete")?;
    let value = value_arg(vm, a)?;
    let mut list = pairs(vm, o);
    list.retain(|(n, v)| !(*n == name && value.as_ref().is_none_or(|x| x == v)));
    replace(vm, o, &list)?;
    Ok(Value::Undefined)
}

fn get(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "get")?;
    let [name] = texts::<1>(vm, a, "get")?;
    match pairs(vm, o).into_iter().find(|(n, _)| *n == name) {
        Some((_, v)) => Ok(vm.heap.alloc_str(&v)?),
        None => Ok(Value::Null),
    }
}

fn get_all(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "getAll")?;
    let [name] = texts::<1>(vm, a, "getAll")?;
    let mut values = Vec::new();
    for (_, v) in pairs(vm, o).into_iter().filter(|(n, _)| *n == name) {
        values.push(vm.heap.alloc_str(&v)?);
    }
    vm.new_array(&values)
}

fn has(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "has")?;
    let [name] = texts::<1>(vm, a, "has")?;
    let value = value_arg(vm, a)?;
    let found = pairs(vm, o)
        .iter()
        .any(|(n, v)| *n == name && value.as_ref().is_none_or(|x| x == v));
    Ok(Value::Bool(found))
}

/// `set(name, value)`: the first pair named so takes the value, the
/// others go; none → appended.
fn set(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "set")?;
    let [name, value] = texts::<2>(vm, a, "set")?;
    let mut list = pairs(vm, o);
    super::pairs::set_first(&mut list, name, value);
    replace(vm, o, &list)?;
    Ok(Value::Undefined)
}

/// `sort()`: stable, by the names' UTF-16 code units.
fn sort(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "sort")?;
    let mut list = pairs(vm, o);
    list.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    replace(vm, o, &list)?;
    Ok(Value::Undefined)
}

fn to_string(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "toString")?;
    let text = serialize(&pairs(vm, o));
    Ok(vm.heap.alloc_str(&text)?)
}

/// `forEach(callback, thisArg)`: `callback(value, name, params)` per pair,
/// reading the list again each time (a callback may change it).
fn for_each(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "forEach")?;
    let (f, this_arg) = (arg(vm, a, 0), arg(vm, a, 1));
    if !vm.is_callable(f) {
        return Err(vm.type_error("The \"callback\" argument must be of type function (URLSearchParams.prototype.forEach)"));
    }
    let mut i = 0;
    loop {
        let at = PAIRS + 2 * i;
        let elems = &vm.heap.obj(o).elems;
        if at + 1 >= elems.len() + 1 || at >= elems.len() {
            return Ok(Value::Undefined);
        }
        let (name, value) = (elems[at], elems[at + 1]);
        vm.call_function(f, this_arg, &[value, name, this])?;
        i += 1;
    }
}

#[derive(Clone, Copy)]
enum Part {
    Keys,
    Values,
    Entries,
}

/// `keys()`, `values()`, `entries()` and `[Symbol.iterator]()`: an
/// array iterator over the pairs as they are now (the standard's
/// iterator is live; docs/LANGUAGE.md).
fn iterate(vm: &mut Vm, this: Value, part: Part) -> Result<Value, Interrupt> {
    let o = this_params(vm, this, "entries")?;
    let elems = vm.heap.obj(o).elems[PAIRS..].to_vec();
    let mut items = Vec::with_capacity(elems.len() / 2);
    for p in elems.chunks(2) {
        items.push(match part {
            Part::Keys => p[0],
            Part::Values => p[1],
            Part::Entries => vm.new_array(p)?,
        });
    }
    super::pairs::iterator(vm, &items)
}
