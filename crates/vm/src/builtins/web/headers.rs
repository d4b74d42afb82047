//! `Headers` (the Fetch Standard): a header list whose names compare
//! without case. Names are kept lowercased (as every reader of the list
//! sees them: iteration, `get`) with their values, in the order they were
//! added; `get` joins a name's values with ", ", iteration sorts by name
//! and gives each `set-cookie` value apart. A name must be an HTTP token
//! and a value may not hold NUL, CR or LF (leading and trailing spaces and
//! tabs are dropped), so nothing a script puts here can split a message.
//! Request headers the gateway hands to a script are read-only
//! ("immutable" guard).

use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, method, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// `elems[0]`: whether the list is read-only; then names and values.
const GUARD: usize = 0;
const PAIRS: usize = 1;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    constructor(vm, "Headers", 0, headers_constructor, proto);
    method(vm, proto, "append", 2, |vm, this, a| {
        change(vm, this, a, Change::Append)
    });
    method(vm, proto, "set", 2, |vm, this, a| {
        change(vm, this, a, Change::Set)
    });
    method(vm, proto, "delete", 1, |vm, this, a| {
        change(vm, this, a, Change::Delete)
    });
    method(vm, proto, "get", 1, get);
    method(vm, proto, "has", 1, has);
    method(vm, proto, "getSetCookie", 0, get_set_cookie);
    method(vm, proto, "forEach", 1, for_each);
    super::pairs::install_iteration(
        vm,
        proto,
        |vm, this, _| iterate(vm, this, 0),
        |vm, this, _| iterate(vm, this, 1),
        |vm, this, _| iterate(vm, this, 2),
    );
    string_tag(vm, proto, "Headers");
    vm.realm.headers_proto = proto;
}

/// A new `Headers` holding `list` (names lowercased by the caller or
/// not: they are here), read-only when `immutable`.
pub fn new_headers(
    vm: &mut Vm,
    list: &[(String, String)],
    immutable: bool,
) -> Result<Value, Interrupt> {
    let o = vm
        .heap
        .alloc(Class::Web(WebKind::Headers), Some(vm.realm.headers_proto))?;
    vm.heap.obj_mut(o).elems = vec![Value::Bool(immutable)];
    for (n, v) in list {
        super::pairs::push(vm, o, &n.to_ascii_lowercase(), v)?;
    }
    Ok(Value::Obj(o))
}

/// The list of a `Headers` object: lowercased names and values, in the
/// order they were added.
pub fn header_list(vm: &Vm, o: ObjId) -> Vec<(String, String)> {
    super::pairs::read(vm, o, PAIRS)
}

/// `init` (a `HeadersInit`: another `Headers`, pairs, or a record) as a
/// new `Headers` object.
pub fn headers_from(vm: &mut Vm, init: Value) -> Result<Value, Interrupt> {
    let h = new_headers(vm, &[], false)?;
    let Value::Obj(o) = h else {
        unreachable!("new_headers makes an object")
    };
    fill(vm, o, init)?;
    Ok(h)
}

fn headers_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let init = arg(vm, a, 0);
    let o = new_web_object(vm, this, WebKind::Headers, "Headers")?;
    vm.heap.obj_mut(o).elems = vec![Value::Bool(false)];
    fill(vm, o, init)?;
    Ok(Value::Obj(o))
}

fn fill(vm: &mut Vm, o: ObjId, init: Value) -> Result<(), Interrupt> {
    let Value::Obj(src) = init else {
        return match init {
            Value::Undefined => Ok(()),
            _ => Err(vm.type_error("The headers must be a Headers object, an array of [name, value] pairs or an object")),
        };
    };
    if vm.heap.obj(src).class == Class::Web(WebKind::Headers) {
        for (n, v) in header_list(vm, src) {
            super::pairs::push(vm, o, &n, &v)?;
        }
        return Ok(());
    }
    for (name, value) in
        super::pairs::from_init(vm, init, "Each header must be a [name, value] pair")?
    {
        let (name, value) = checked(vm, &name, &value)?;
        super::pairs::push(vm, o, &name, &value)?;
    }
    Ok(())
}

/// A header name checked as an HTTP token (lowercased) and a value
/// normalized (spaces and tabs around it dropped) and checked: no NUL,
/// CR or LF.
fn checked(vm: &mut Vm, name: &str, value: &str) -> Result<(String, String), Interrupt> {
    let token = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(vm.type_error(format!("Invalid header name: \"{name}\"")));
    }
    let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    if value.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')) {
        return Err(vm.type_error(format!("Invalid value for header \"{name}\"")));
    }
    Ok((name.to_ascii_lowercase(), value.to_string()))
}

fn this_headers(vm: &Vm, this: Value, what: &str) -> Result<ObjId, Interrupt> {
    this_web(
        vm,
        this,
        WebKind::Headers,
        &format!("Headers.prototype.{what}"),
    )
}

fn name_arg(vm: &mut Vm, a: Args, what: &str) -> Result<String, Interrupt> {
    if a.len == 0 {
        return Err(vm.type_error(format!("Headers.prototype.{what} requires a name")));
    }
    let name = to_rust_string(vm, arg(vm, a, 0))?;
    Ok(checked(vm, &name, "")?.0)
}

#[derive(Clone, Copy, PartialEq)]
enum Change {
    Append,
    Set,
    Delete,
}

fn change(vm: &mut Vm, this: Value, a: Args, how: Change) -> Result<Value, Interrupt> {
    let what = match how {
        Change::Append => "append",
        Change::Set => "set",
        Change::Delete => "delete",
    };
    let o = this_headers(vm, this, what)?;
    if vm.truthy(vm.heap.obj(o).elems[GUARD]) {
        return Err(vm.type_error("These headers are read-only (immutable guard)"));
    }
    let name = name_arg(vm, a, what)?;
    let value = match how {
        Change::Delete => String::new(),
        _ => {
            if a.len < 2 {
                return Err(vm.type_error(format!("Headers.prototype.{what} requires a value")));
            }
            let v = to_rust_string(vm, arg(vm, a, 1))?;
            checked(vm, &name, &v)?.1
        }
    };
    let mut list = header_list(vm, o);
    match how {
        Change::Append => list.push((name, value)),
        Change::Delete => list.retain(|(n, _)| *n != name),
        Change::Set => super::pairs::set_first(&mut list, name, value),
    }
    super::pairs::write(vm, o, PAIRS, &list)?;
    Ok(Value::Undefined)
}

/// The values of `name`, joined with ", ", or `None`.
fn combined(list: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = list
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn get(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_headers(vm, this, "get")?;
    let name = name_arg(vm, a, "get")?;
    match combined(&header_list(vm, o), &name) {
        Some(v) => Ok(vm.heap.alloc_str(&v)?),
        None => Ok(Value::Null),
    }
}

fn has(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_headers(vm, this, "has")?;
    let name = name_arg(vm, a, "has")?;
    Ok(Value::Bool(
        header_list(vm, o).iter().any(|(n, _)| *n == name),
    ))
}

fn get_set_cookie(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = this_headers(vm, this, "getSetCookie")?;
    let mut values = Vec::new();
    for (_, v) in header_list(vm, o)
        .into_iter()
        .filter(|(n, _)| n == "set-cookie")
    {
        values.push(vm.heap.alloc_str(&v)?);
    }
    vm.new_array(&values)
}

/// "Sort and combine": names in order, each once with its values joined,
/// except `set-cookie`, whose values come one by one.
fn sorted(list: &[(String, String)]) -> Vec<(String, String)> {
    let mut names: Vec<&String> = list.iter().map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        if name == "set-cookie" {
            for (_, v) in list.iter().filter(|(n, _)| n == name) {
                out.push((name.clone(), v.clone()));
            }
        } else if let Some(v) = combined(list, name) {
            out.push((name.clone(), v));
        }
    }
    out
}

fn for_each(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_headers(vm, this, "forEach")?;
    let (f, this_arg) = (arg(vm, a, 0), arg(vm, a, 1));
    if !vm.is_callable(f) {
        return Err(vm.type_error(
            "The \"callback\" argument must be of type function (Headers.prototype.forEach)",
        ));
    }
    for (n, v) in sorted(&header_list(vm, o)) {
        let (n, v) = (vm.heap.alloc_str(&n)?, vm.heap.alloc_str(&v)?);
        vm.call_function(f, this_arg, &[v, n, this])?;
    }
    Ok(Value::Undefined)
}

/// `keys()` (0), `values()` (1), `entries()` (2): an array iterator over
/// the sorted and combined list as it is now.
fn iterate(vm: &mut Vm, this: Value, part: u8) -> Result<Value, Interrupt> {
    let o = this_headers(vm, this, "entries")?;
    let mut items = Vec::new();
    for (n, v) in sorted(&header_list(vm, o)) {
        let (n, v) = (vm.heap.alloc_str(&n)?, vm.heap.alloc_str(&v)?);
        items.push(match part {
            0 => n,
            1 => v,
            _ => vm.new_array(&[n, v])?,
        });
    }
    super::pairs::iterator(vm, &items)
}
