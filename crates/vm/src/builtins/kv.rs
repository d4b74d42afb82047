//! `kv()`: the key-value store scripts see — Redis when `kv.url` names
//! one, else the core's own store in memory. Each method builds one
//! command (`vm::io::kv::Command`, Redis's words) and waits for its reply;
//! values are stored as JSON text and read back parsed.

use super::{arg, method, plain};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::io::PendingOp;
use crate::io::kv::{Command, KvError, Reply, Shape};
use crate::json::Format;
use crate::state::{Args, Vm};
use crate::value::Value;

/// The `code` of an error thrown because the store cannot be reached or
/// did not answer in time; the gateway answers 503 when it goes uncaught.
pub const UNAVAILABLE: &str = "KV_UNAVAILABLE";
/// The `code` of an error the store answered (a value of the wrong type,
/// an `eval` script's error).
pub const REFUSED: &str = "KV_ERROR";

/// Commands kept for reuse (see `Command`).
const SPARE: usize = 8;

pub fn install(vm: &mut Vm) {
    let proto = plain(vm, Some(vm.realm.object_proto));
    vm.realm.kv_proto = proto;
    let g = vm.realm.global;
    method(vm, g, "kv", 0, kv);
    method(vm, proto, "get", 1, get);
    method(vm, proto, "set", 3, set);
    method(vm, proto, "incr", 2, incr::<false>);
    method(vm, proto, "decr", 2, incr::<true>);
    method(vm, proto, "del", 1, keys_command::<false>);
    method(vm, proto, "exists", 1, keys_command::<true>);
    method(vm, proto, "expire", 2, expire);
    method(vm, proto, "ttl", 1, ttl);
    method(vm, proto, "mget", 1, mget);
    method(vm, proto, "hget", 2, hget);
    method(vm, proto, "hset", 3, hset);
    method(vm, proto, "hgetall", 1, hgetall);
    method(vm, proto, "hdel", 2, members::<0>);
    method(vm, proto, "hincr", 3, hincr);
    method(vm, proto, "sadd", 2, members::<1>);
    method(vm, proto, "srem", 2, members::<2>);
    method(vm, proto, "smembers", 1, smembers);
    method(vm, proto, "sismember", 2, sismember);
    method(vm, proto, "eval", 3, eval);
}

fn kv(vm: &mut Vm, _: Value, _: Args) -> Result<Value, Interrupt> {
    let proto = vm.realm.kv_proto;
    Ok(Value::Obj(vm.heap.alloc(Class::Object, Some(proto))?))
}

/// A fresh command named `name`, from the spares when there is one.
pub fn command(vm: &mut Vm, name: &str, shape: Shape) -> Box<Command> {
    let mut c = vm.kv_spare.pop().unwrap_or_default();
    c.clear();
    c.word(name.as_bytes());
    c.shape = shape;
    c
}

/// Takes a command back once the store is done with it.
pub fn recycle(vm: &mut Vm, c: Box<Command>) {
    if vm.kv_spare.len() < SPARE {
        vm.kv_spare.push(c);
    }
}

/// A command named `name` on the key in the first argument.
fn keyed(vm: &mut Vm, a: Args, name: &str, shape: Shape) -> Result<Box<Command>, Interrupt> {
    let mut c = command(vm, name, shape);
    key(vm, &mut c, arg(vm, a, 0), "the key")?;
    Ok(c)
}

/// Suspends the running native until `c`'s reply is in.
pub fn wait(c: Box<Command>) -> Result<Value, Interrupt> {
    Err(Interrupt::Suspend(PendingOp::Kv(c)))
}

/// A key (or a field name): a string, or a number as its text.
fn key(vm: &mut Vm, c: &mut Command, v: Value, what: &str) -> Result<(), Interrupt> {
    if let Some(s) = vm.heap.str(v) {
        c.word(s.as_bytes());
        return Ok(());
    }
    if !matches!(v, Value::Num(_)) {
        return Err(vm.type_error(format!("{what} must be a string or a number")));
    }
    let mut s = String::new();
    vm.write_string(v, &mut s)?;
    c.word(s.as_bytes());
    Ok(())
}

/// A value as its JSON text (what is stored).
fn value(vm: &mut Vm, c: &mut Command, v: Value, name: &str) -> Result<(), Interrupt> {
    let mark = c.bytes_mut().len();
    if !vm.write_json(v, &Format::COMPACT, c.bytes_mut())? {
        c.bytes_mut().truncate(mark);
        return Err(vm.type_error(format!(
            "kv().{name}: {} cannot be stored (values are kept as JSON)",
            if matches!(v, Value::Undefined) {
                "undefined"
            } else {
                "this value"
            }
        )));
    }
    c.end_word();
    Ok(())
}

/// An array's elements.
fn list(vm: &mut Vm, v: Value, why: &str) -> Result<Vec<Value>, Interrupt> {
    match v {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => Ok(vm.heap.obj(o).elems.clone()),
        _ => Err(vm.type_error(why)),
    }
}

/// A whole number of `what` (a count, milliseconds).
fn whole(vm: &mut Vm, v: Value, what: &str) -> Result<i64, Interrupt> {
    let n = vm.to_number(v)?;
    if n.fract() != 0.0 || !n.is_finite() || n.abs() > 9.0e15 {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            format!("{what} must be a whole number"),
        ));
    }
    Ok(n as i64)
}

/// Seconds (a `ttl`) as whole milliseconds, at least one.
fn millis(vm: &mut Vm, v: Value) -> Result<i64, Interrupt> {
    let s = vm.to_number(v)?;
    if s.is_nan() || s <= 0.0 || s > 9.0e12 {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "ttl must be a number of seconds > 0",
        ));
    }
    Ok(((s * 1000.0).round() as i64).max(1))
}

fn get(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    wait(keyed(vm, a, "GET", Shape::Value)?)
}

/// `set(key, value, { ttl, nx, xx })`: `true`, or `false` when `nx`
/// (only if absent) or `xx` (only if present) kept it from being set.
fn set(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, "SET", Shape::Done)?;
    value(vm, &mut c, arg(vm, a, 1), "set")?;
    if let Value::Obj(o) = arg(vm, a, 2) {
        let ttl = vm.heap.intern("ttl");
        if let Some(t) = vm
            .get_own(o, ttl)
            .filter(|t| !matches!(t, Value::Undefined))
        {
            let ms = millis(vm, t)?;
            c.word(b"PX");
            c.int(ms);
        }
        let (nx, xx) = (vm.heap.intern("nx"), vm.heap.intern("xx"));
        let nx = vm.get_own(o, nx).is_some_and(|v| vm.truthy(v));
        let xx = vm.get_own(o, xx).is_some_and(|v| vm.truthy(v));
        if nx && xx {
            return Err(vm.type_error("kv().set: nx and xx cannot both be set"));
        }
        if nx {
            c.word(b"NX");
        }
        if xx {
            c.word(b"XX");
        }
    }
    wait(c)
}

/// `incr(key, by = 1)` / `decr(key, by = 1)`: the new number.
fn incr<const DOWN: bool>(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, if DOWN { "DECRBY" } else { "INCRBY" }, Shape::Int)?;
    let by = match arg(vm, a, 1) {
        Value::Undefined => 1,
        v => whole(vm, v, "the step")?,
    };
    c.int(by);
    wait(c)
}

/// `del(key, ...)`: how many were removed; `exists(key)`: whether it is
/// there, `exists(key, ...)`: how many of them are.
fn keys_command<const EXISTS: bool>(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let name = if EXISTS { "EXISTS" } else { "DEL" };
    if a.len == 0 {
        let method = if EXISTS { "exists" } else { "del" };
        return Err(vm.type_error(format!("kv().{method}: give at least one key")));
    }
    let shape = if EXISTS && a.len == 1 {
        Shape::Bool
    } else {
        Shape::Int
    };
    let mut c = command(vm, name, shape);
    for i in 0..a.len {
        key(vm, &mut c, arg(vm, a, i), "a key")?;
    }
    wait(c)
}

/// `expire(key, seconds)`: `true` when the key exists.
fn expire(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, "PEXPIRE", Shape::Bool)?;
    let ms = millis(vm, arg(vm, a, 1))?;
    c.int(ms);
    wait(c)
}

/// `ttl(key)`: seconds left; -1 when it does not expire, -2 when absent.
fn ttl(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    wait(keyed(vm, a, "PTTL", Shape::Seconds)?)
}

/// `mget([keys])`: their values (`null` for the absent ones).
fn mget(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let keys = list(vm, arg(vm, a, 0), "kv().mget takes an array of keys")?;
    if keys.is_empty() {
        return vm.new_array(&[]);
    }
    let mut c = command(vm, "MGET", Shape::Values);
    for k in keys {
        key(vm, &mut c, k, "a key")?;
    }
    wait(c)
}

fn hget(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, "HGET", Shape::Value)?;
    key(vm, &mut c, arg(vm, a, 1), "the field")?;
    wait(c)
}

/// `hset(key, field, value)` or `hset(key, { field: value, … })`: how
/// many fields are new.
fn hset(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, "HSET", Shape::Int)?;
    match arg(vm, a, 1) {
        Value::Obj(o) if a.len < 3 => {
            let fields: Vec<_> = vm.heap.obj(o).props.clone();
            if fields.is_empty() {
                return Err(vm.type_error("kv().hset: the object has no fields"));
            }
            for (k, v) in fields {
                let name = vm.heap.atom_str(k).to_string();
                c.word(name.as_bytes());
                value(vm, &mut c, v, "hset")?;
            }
        }
        field => {
            key(vm, &mut c, field, "the field")?;
            value(vm, &mut c, arg(vm, a, 2), "hset")?;
        }
    }
    wait(c)
}

fn hgetall(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    wait(keyed(vm, a, "HGETALL", Shape::Object)?)
}

/// `hincr(key, field, by = 1)`: the field's new number.
fn hincr(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, "HINCRBY", Shape::Int)?;
    key(vm, &mut c, arg(vm, a, 1), "the field")?;
    let by = match arg(vm, a, 2) {
        Value::Undefined => 1,
        v => whole(vm, v, "the step")?,
    };
    c.int(by);
    wait(c)
}

/// `hdel(key, ...fields)`, `sadd(key, ...members)`, `srem(key,
/// ...members)`: how many changed. Members are values (JSON text), fields
/// names.
fn members<const K: u8>(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let name = ["HDEL", "SADD", "SREM"][K as usize];
    if a.len < 2 {
        return Err(vm.type_error(format!(
            "kv().{}: give the key and at least one {}",
            name.to_lowercase(),
            if K == 0 { "field" } else { "member" }
        )));
    }
    let mut c = keyed(vm, a, name, Shape::Int)?;
    for i in 1..a.len {
        let v = arg(vm, a, i);
        match K {
            0 => key(vm, &mut c, v, "a field")?,
            _ => value(vm, &mut c, v, "sadd")?,
        }
    }
    wait(c)
}

fn smembers(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    wait(keyed(vm, a, "SMEMBERS", Shape::Values)?)
}

fn sismember(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut c = keyed(vm, a, "SISMEMBER", Shape::Bool)?;
    value(vm, &mut c, arg(vm, a, 1), "sismember")?;
    wait(c)
}

/// `eval(script, [keys], [args])`: a Lua script run atomically by Redis
/// (`EVAL`); keys and arguments are passed as text (strings as they are,
/// anything else as JSON), the reply as `Shape::Any`.
fn eval(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let script = arg(vm, a, 0);
    if vm.heap.str(script).is_none() {
        return Err(vm.type_error("kv().eval: the script must be a string"));
    }
    let mut lists = [Vec::new(), Vec::new()];
    for (i, list) in lists.iter_mut().enumerate() {
        match arg(vm, a, i + 1) {
            Value::Undefined => {}
            v => *list = self::list(vm, v, "kv().eval: keys and arguments are arrays")?,
        }
    }
    let mut c = command(vm, "EVAL", Shape::Any);
    key(vm, &mut c, script, "the script")?;
    c.int(lists[0].len() as i64);
    for k in &lists[0] {
        key(vm, &mut c, *k, "a key")?;
    }
    for v in &lists[1] {
        if vm.heap.str(*v).is_some() {
            key(vm, &mut c, *v, "an argument")?;
        } else {
            value(vm, &mut c, *v, "eval")?;
        }
    }
    wait(c)
}

/// The value a reply resumes the script with.
pub fn kv_value(vm: &mut Vm, shape: Shape, reply: Reply) -> Result<Value, Interrupt> {
    match (shape, reply) {
        (Shape::Value, Reply::Text(t)) => stored(vm, &t),
        (Shape::Value | Shape::Values | Shape::Object | Shape::Any, Reply::Nil) => Ok(Value::Null),
        (Shape::Int | Shape::Any, Reply::Int(n)) => Ok(Value::Num(n as f64)),
        (Shape::Seconds, Reply::Int(n)) if n < 0 => Ok(Value::Num(n as f64)),
        (Shape::Seconds, Reply::Int(n)) => Ok(Value::Num(n as f64 / 1000.0)),
        (Shape::Bool, Reply::Int(n)) => Ok(Value::Bool(n != 0)),
        (Shape::Done, Reply::Text(_)) => Ok(Value::Bool(true)),
        (Shape::Done, Reply::Nil) => Ok(Value::Bool(false)),
        (Shape::Values, Reply::Array(items)) => items
            .into_iter()
            .map(|r| match r {
                Reply::Text(t) => stored(vm, &t),
                _ => Ok(Value::Null),
            })
            .collect::<Result<Vec<_>, _>>()
            .and_then(|values| vm.new_array(&values)),
        (Shape::Object, Reply::Array(items)) => object(vm, items),
        (Shape::Any, reply) => any(vm, reply),
        (_, reply) => Err(Interrupt::error(
            ErrorKind::Error,
            format!("kv(): the store's reply to this command was unexpected ({reply:?})"),
        )),
    }
}

/// Stored text as a value: parsed JSON, else the text as a string.
fn stored(vm: &mut Vm, t: &[u8]) -> Result<Value, Interrupt> {
    let text = String::from_utf8_lossy(t);
    let first = text.bytes().find(|b| !b.is_ascii_whitespace());
    // Text another client wrote needn't be JSON; only JSON-looking text is
    // parsed, so a plain string never costs a failed parse.
    let json_like = matches!(
        first,
        Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
    );
    if json_like {
        match vm.parse_json(&text) {
            Ok(v) => return Ok(v),
            Err(Interrupt::Error(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(vm.heap.alloc_str(&text)?)
}

fn object(vm: &mut Vm, items: Vec<Reply>) -> Result<Value, Interrupt> {
    let o = vm.new_object()?;
    let mut it = items.into_iter();
    while let (Some(Reply::Text(k)), Some(v)) = (it.next(), it.next()) {
        let name = vm.heap.intern(&String::from_utf8_lossy(&k));
        let v = match v {
            Reply::Text(t) => stored(vm, &t)?,
            _ => Value::Null,
        };
        vm.define_own(o, name, v)?;
    }
    Ok(Value::Obj(o))
}

fn any(vm: &mut Vm, reply: Reply) -> Result<Value, Interrupt> {
    match reply {
        Reply::Nil => Ok(Value::Null),
        Reply::Int(n) => Ok(Value::Num(n as f64)),
        Reply::Text(t) => Ok(vm.heap.alloc_str(&String::from_utf8_lossy(&t))?),
        Reply::Array(items) => {
            let values = items
                .into_iter()
                .map(|r| any(vm, r))
                .collect::<Result<Vec<_>, _>>()?;
            vm.new_array(&values)
        }
    }
}

/// The Error thrown at a script when a command fails, with its `code`.
pub fn kv_error(vm: &mut Vm, e: &KvError) -> Value {
    let v = vm.make_error(ErrorKind::Error, &format!("kv(): {}", e.message()));
    let code = match e {
        KvError::Unavailable(_) => UNAVAILABLE,
        KvError::Refused(_) => REFUSED,
    };
    if let Value::Obj(o) = v {
        let name = vm.heap.intern("code");
        if let Ok(s) = vm.heap.alloc_str(code) {
            let _ = vm.define_own(o, name, s);
        }
    }
    v
}
