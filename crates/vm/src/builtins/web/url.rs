//! `URL` (the WHATWG URL Standard) on the `url` crate, which implements
//! its parser, its serializer and the API's getters and setters
//! (`url::quirks`).
//!
//! A URL object keeps its href (`elems[0]`) and its `searchParams`
//! (`elems[1]`, search_params.rs); a getter parses the href again (a
//! microsecond), which keeps the object plain data for the heap and
//! module state. A change of either side updates the other.

use super::{new_proto, new_web_object, search_params, this_web, to_rust_string};
use crate::builtins::{arg, constructor, method, native, string_tag};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, WebKind};
use crate::state::{Args, NativeFn, Vm};
use crate::value::{ObjId, Value};
use url::Url;

const HREF: usize = 0;
const PARAMS: usize = 1;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    let ctor = constructor(vm, "URL", 1, url_constructor, proto);
    method(vm, ctor, "canParse", 1, |vm, _, a| {
        Ok(Value::Bool(parse_args(vm, a)?.is_ok()))
    });
    method(vm, ctor, "parse", 1, |vm, _, a| match parse_args(vm, a)? {
        Ok(url) => new_url(vm, &url),
        Err(_) => Ok(Value::Null),
    });
    for (i, name) in COMPONENTS.iter().enumerate() {
        let g = native(vm, GETTER_NAMES[i], 0, GETTERS[i]);
        let key = vm.heap.intern(name);
        vm.define_accessor(proto, key, Value::Obj(g), false, crate::attrs::PLAIN)
            .expect("the realm is made within its budget");
        if *name != "origin" {
            let s = native(vm, SETTER_NAMES[i], 1, SETTERS[i]);
            vm.define_accessor(proto, key, Value::Obj(s), true, crate::attrs::PLAIN)
                .expect("the realm is made within its budget");
        }
    }
    let g = native(vm, "get searchParams", 0, |vm, this, _| {
        let o = this_web(vm, this, WebKind::Url, "URL.prototype.searchParams")?;
        Ok(vm.heap.obj(o).elems[PARAMS])
    });
    let key = vm.heap.intern("searchParams");
    vm.define_accessor(proto, key, Value::Obj(g), false, crate::attrs::PLAIN)
        .expect("the realm is made within its budget");
    method(vm, proto, "toString", 0, href);
    method(vm, proto, "toJSON", 0, href);
    string_tag(vm, proto, "URL");
    vm.realm.url_proto = proto;
}

/// `(url, base)` from a call's arguments, parsed: `new URL`, `canParse`
/// and `parse` share it.
fn parse_args(vm: &mut Vm, a: Args) -> Result<Result<Url, url::ParseError>, Interrupt> {
    let input = to_rust_string(vm, arg(vm, a, 0))?;
    let base = match arg(vm, a, 1) {
        Value::Undefined => None,
        v => Some(to_rust_string(vm, v)?),
    };
    Ok(match base {
        None => Url::parse(&input),
        Some(base) => {
            Url::parse(&base).and_then(|b| Url::options().base_url(Some(&b)).parse(&input))
        }
    })
}

fn invalid_url(vm: &mut Vm, why: url::ParseError) -> Interrupt {
    let e = vm.make_error(ErrorKind::TypeError, &format!("Invalid URL ({why})"));
    if let Value::Obj(o) = e {
        let code = vm.heap.intern("code");
        let v = vm.heap.intern("ERR_INVALID_URL");
        vm.heap
            .obj_mut(o)
            .push_prop(code, Value::Atom(v), crate::attrs::PLAIN);
    }
    Interrupt::Throw(e)
}

fn url_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    // Before the arguments are converted (their `toString` is a call,
    // after which the VM no longer says it is constructing).
    let o = new_web_object(vm, this, WebKind::Url, "URL")?;
    let url = match parse_args(vm, a)? {
        Ok(u) => u,
        Err(why) => return Err(invalid_url(vm, why)),
    };
    init_url(vm, o, &url)?;
    Ok(Value::Obj(o))
}

/// A new URL object for `url` (`URL.parse`, `Request.url`…).
pub(crate) fn new_url(vm: &mut Vm, url: &Url) -> Result<Value, Interrupt> {
    let o = vm
        .heap
        .alloc(Class::Web(WebKind::Url), Some(vm.realm.url_proto))?;
    init_url(vm, o, url)?;
    Ok(Value::Obj(o))
}

fn init_url(vm: &mut Vm, o: ObjId, url: &Url) -> Result<(), Interrupt> {
    let href = vm.heap.alloc_str(url.as_str())?;
    let params = vm.heap.alloc(
        Class::Web(WebKind::SearchParams),
        Some(vm.realm.search_params_proto),
    )?;
    vm.heap.obj_mut(o).elems = vec![href, Value::Obj(params)];
    vm.heap.obj_mut(params).elems = vec![Value::Obj(o)];
    search_params::fill_pairs(vm, params, url.query().unwrap_or(""))
}

/// The URL `this` holds, parsed again.
fn this_url(vm: &Vm, this: Value, what: &str) -> Result<(ObjId, Url), Interrupt> {
    let o = this_web(vm, this, WebKind::Url, what)?;
    let href = vm.heap.str(vm.heap.obj(o).elems[HREF]).unwrap_or("");
    let url = Url::parse(href).expect("a URL object holds a URL's serialization");
    Ok((o, url))
}

fn href(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = this_web(vm, this, WebKind::Url, "URL.prototype.toString")?;
    Ok(vm.heap.obj(o).elems[HREF])
}

/// Stores `url` as `o`'s href, and its query as its params' list.
fn store(vm: &mut Vm, o: ObjId, url: &Url) -> Result<(), Interrupt> {
    let href = vm.heap.alloc_str(url.as_str())?;
    vm.heap.obj_mut(o).elems[HREF] = href;
    let Value::Obj(params) = vm.heap.obj(o).elems[PARAMS] else {
        unreachable!("a URL keeps its params")
    };
    vm.heap.obj_mut(params).elems.truncate(search_params::PAIRS);
    search_params::fill_pairs(vm, params, url.query().unwrap_or(""))
}

/// The URL's components, each an accessor on the prototype (`origin`
/// only read), in the standard's order.
const COMPONENTS: [&str; 11] = [
    "href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname",
    "search", "hash",
];

macro_rules! components {
    ($($name:literal $get:ident $set:ident $quirk_get:path, $apply:expr;)*) => {
        const GETTERS: [NativeFn; 11] = [$($get),*];
        const GETTER_NAMES: [&str; 11] = [$(concat!("get ", $name)),*];
        const SETTERS: [NativeFn; 11] = [$($set),*];
        const SETTER_NAMES: [&str; 11] = [$(concat!("set ", $name)),*];
        $(
            fn $get(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
                let (_, url) = this_url(vm, this, concat!("URL.prototype.", $name))?;
                let text: String = $quirk_get(&url).to_string();
                Ok(vm.heap.alloc_str(&text)?)
            }
            fn $set(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
                let (o, mut url) = this_url(vm, this, concat!("URL.prototype.", $name))?;
                let v = to_rust_string(vm, arg(vm, a, 0))?;
                let apply: fn(&mut Vm, &mut Url, &str) -> Result<(), Interrupt> = $apply;
                apply(vm, &mut url, &v)?;
                store(vm, o, &url)?;
                Ok(Value::Undefined)
            }
        )*
    };
}

fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

components! {
    "href" href_get href_set url::quirks::href, |vm, u, v| match Url::parse(v) {
        Ok(new) => { *u = new; Ok(()) }
        Err(why) => Err(invalid_url(vm, why)),
    };
    "origin" origin_get origin_set origin_of, |_, _, _| Ok(());
    "protocol" protocol_get protocol_set url::quirks::protocol, |_, u, v| { let _ = url::quirks::set_protocol(u, v); Ok(()) };
    "username" username_get username_set url::quirks::username, |_, u, v| { let _ = url::quirks::set_username(u, v); Ok(()) };
    "password" password_get password_set url::quirks::password, |_, u, v| { let _ = url::quirks::set_password(u, v); Ok(()) };
    "host" host_get host_set url::quirks::host, |_, u, v| { let _ = url::quirks::set_host(u, v); Ok(()) };
    "hostname" hostname_get hostname_set url::quirks::hostname, |_, u, v| { let _ = url::quirks::set_hostname(u, v); Ok(()) };
    "port" port_get port_set url::quirks::port, |_, u, v| { let _ = url::quirks::set_port(u, v); Ok(()) };
    "pathname" pathname_get pathname_set url::quirks::pathname, |_, u, v| { url::quirks::set_pathname(u, v); Ok(()) };
    "search" search_get search_set url::quirks::search, |_, u, v| { url::quirks::set_search(u, v); Ok(()) };
    "hash" hash_get hash_set url::quirks::hash, |_, u, v| { url::quirks::set_hash(u, v); Ok(()) };
}
