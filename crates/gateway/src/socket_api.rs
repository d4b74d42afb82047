//! What scripts see of WebSocket endpoints: `work(…).ws(path, { open,
//! message, close, … })` declares one; each event runs on a pooled VM as
//! a request does, with `ws`: `send`, `close`, `subscribe`,
//! `unsubscribe`, `isSubscribed`, `publish`, its `id`, `remoteAddress`
//! and `data` (kept between events as JSON: module state is read-only and
//! events of one socket may run on different VMs). `publish(topic, data)`
//! reaches every subscriber from any handler.

use super::host::{Mode, with_host};
use super::per_core::{Core, host};
use super::route_events::{self, Ran};
use super::socket_hub::{self, Socket};
use super::websocket::{Event, Opened, SocketOptions};
use super::work::{builder_index, declare, registering};
use runtime::driver;
use std::rc::Rc;
use std::time::Duration;
use tungstenite::Message;
use vm::builtins::{arg, method, native, set};
use vm::error::{ErrorKind, Interrupt};
use vm::heap::Class;
use vm::state::{Args, Vm};
use vm::value::Value;

/// The hidden global holding the prototype of `ws` objects.
pub(crate) const SOCKET_PROTO_GLOBAL: &str = "%kitworkSocket";

/// A `ws` object's hidden socket id, and its fields.
pub(crate) const SOCKET_FIELDS: [&str; 4] = ["__socket", "id", "remoteAddress", "data"];

/// Installs `ws`'s methods and the global `publish`.
pub(crate) fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("built-ins fit");
    method(vm, proto, "send", 1, send);
    method(vm, proto, "close", 2, close);
    method(vm, proto, "subscribe", 1, |vm, this, a| {
        let topic = topic_arg(vm, a)?;
        if let Some(s) = this_socket(vm, this)? {
            socket_hub::subscribe(&s, &topic);
        }
        Ok(Value::Undefined)
    });
    method(vm, proto, "unsubscribe", 1, |vm, this, a| {
        let topic = topic_arg(vm, a)?;
        if let Some(s) = this_socket(vm, this)? {
            socket_hub::unsubscribe(&s, &topic);
        }
        Ok(Value::Undefined)
    });
    method(vm, proto, "isSubscribed", 1, |vm, this, a| {
        let topic = topic_arg(vm, a)?;
        let s = this_socket(vm, this)?;
        Ok(Value::Bool(s.is_some_and(|s| s.subscribed(&topic))))
    });
    method(vm, proto, "publish", 2, |vm, this, a| {
        let topic = topic_arg(vm, a)?;
        let message = message_arg(vm, arg(vm, a, 1))?;
        let id = socket_id(vm, this)?;
        let n = socket_hub::publish(&topic, message, Some(id));
        Ok(Value::Num(n as f64))
    });
    let holder = native(vm, "WebSocketEndpoint", 0, |vm, _, _| {
        Err(vm.type_error("ws objects are made by the gateway"))
    });
    set(vm, holder, "prototype", Value::Obj(proto));
    set(vm, g, SOCKET_PROTO_GLOBAL, Value::Obj(proto));
    // Interned with the built-ins, so they outlive every run
    // (`HostKeys::socket_fields`).
    for name in SOCKET_FIELDS {
        vm.heap.intern(name);
    }
    method(vm, g, "publish", 2, |vm, _, a| {
        let topic = topic_arg(vm, a)?;
        let message = message_arg(vm, arg(vm, a, 1))?;
        Ok(Value::Num(socket_hub::publish(&topic, message, None) as f64))
    });
}

/// `.ws(path, { open, message, close, maxMessage, idleTimeout,
/// maxBuffered, protocols })`.
pub(crate) fn declare_socket(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    let reg = registering(vm)?;
    let path = super::work::declared_string(vm, a, 0, reg)?;
    let handlers = arg(vm, a, 1);
    if !matches!(handlers, Value::Obj(_)) {
        return Err(vm.type_error("ws(path, { open, message, close }): the handlers are an object"));
    }
    let mut events = [Value::Undefined; 3];
    for (slot, name) in events.iter_mut().zip(["open", "message", "close"]) {
        let k = vm.heap.intern(name);
        *slot = match vm.get_field(handlers, k)? {
            Value::Undefined => Value::Undefined,
            f => vm::builtins::callable(vm, f, name)?,
        };
    }
    let options = if reg {
        Some(read_options(vm, handlers)?)
    } else {
        None
    };
    // `open` is the route's handler (middleware runs in front of it); a
    // socket without one is accepted as it comes.
    let open = match events[0] {
        Value::Undefined => Value::Obj(native(vm, "open", 2, |_, _, _| Ok(Value::Undefined))),
        f => f,
    };
    declare(vm, w, "GET", path, Some(open))?;
    if let Some(options) = options {
        with_host(vm, |vm, h| {
            if let (Mode::Register { routes }, Some(&r)) = (&mut h.mode, h.works[w].routes.last()) {
                // Kept by the worker for every event (module state).
                vm.pinned.extend([events[1], events[2]]);
                routes[r].websocket = Some(std::sync::Arc::new(options));
                routes[r].events = Some([events[1], events[2]]);
            }
        })?;
    }
    Ok(this)
}

fn read_options(vm: &mut Vm, o: Value) -> Result<SocketOptions, Interrupt> {
    let mut options = SocketOptions::default();
    let number = |vm: &mut Vm, name: &str, min: f64| -> Result<Option<f64>, Interrupt> {
        let k = vm.heap.intern(name);
        match vm.get_field(o, k)? {
            Value::Undefined => Ok(None),
            v => {
                let n = vm.to_number(v)?;
                if !(n >= min && n.is_finite()) {
                    return Err(
                        vm.type_error(format!("ws(): {name} must be a number, at least {min}"))
                    );
                }
                Ok(Some(n))
            }
        }
    };
    if let Some(n) = number(vm, "maxMessage", 1.0)? {
        options.max_message = n as usize;
    }
    if let Some(n) = number(vm, "idleTimeout", 1.0)? {
        options.idle_timeout = Duration::from_secs_f64(n);
    }
    if let Some(n) = number(vm, "maxBuffered", 1024.0)? {
        options.max_buffered = n as usize;
    }
    let k = vm.heap.intern("protocols");
    let protocols = vm.get_field(o, k)?;
    if !protocols.is_nullish() {
        if !vm.is_array(protocols) {
            return Err(vm.type_error("ws(): protocols is an array of strings"));
        }
        let k = vm.heap.intern("length");
        let n = vm.get_field(protocols, k)?;
        for i in 0..vm.to_number(n)? as usize {
            let p = vm.get_index(protocols, Value::Num(i as f64))?;
            let mut name = String::new();
            vm.write_string(p, &mut name)?;
            super::fields::check_value("Sec-WebSocket-Protocol", &name)
                .map_err(|e| vm.type_error(format!("ws(): {e}")))?;
            options.protocols.push(name);
        }
    }
    Ok(options)
}

/// The `ws` object an event's script gets for `socket`.
pub(crate) fn socket_object(vm: &mut Vm, socket: &Socket) -> Result<Value, Interrupt> {
    let keys = host(vm).keys;
    let o = vm.heap.alloc(Class::Object, keys.socket_proto)?;
    let [hidden, id, address, data] = keys.socket_fields;
    vm.define_with(o, hidden, Value::Num(socket.id as f64), vm::attrs::HIDDEN)?;
    let name = vm.heap.alloc_str(&socket.name)?;
    vm.set_field(Value::Obj(o), id, name)?;
    let peer = match socket.peer {
        Some(ip) => vm.heap.alloc_str(&ip.to_string())?,
        None => Value::Undefined,
    };
    vm.set_field(Value::Obj(o), address, peer)?;
    let saved = socket.data.borrow().clone();
    let value = match saved.is_empty() {
        true => Value::Undefined,
        false => vm.parse_json(std::str::from_utf8(&saved).unwrap_or("null"))?,
    };
    vm.set_field(Value::Obj(o), data, value)?;
    Ok(Value::Obj(o))
}

/// Keeps `ws.data` as the event left it, for the next.
pub(crate) fn keep_data(vm: &mut Vm, ws: Value, socket: &Socket) -> Result<(), Interrupt> {
    let data = host(vm).keys.socket_fields[3];
    let v = vm.get_field(ws, data)?;
    let mut out = Vec::new();
    if !vm.write_json(v, &vm::json::Format::COMPACT, &mut out)? {
        out.clear();
    }
    *socket.data.borrow_mut() = out;
    Ok(())
}

/// Runs a socket's `message` or `close` on a pooled VM of the generation
/// it opened on; false when the script failed (logged).
pub(crate) async fn run_event(core: &Rc<Core>, opened: &Opened, event: Event) -> bool {
    let which = matches!(event, Event::Close(..)) as usize;
    let socket = &opened.socket;
    let ws = std::cell::Cell::new(Value::Undefined);
    let args = |vm: &mut Vm| {
        let made = socket_object(vm, socket)?;
        ws.set(made);
        let second = match event {
            Event::Message(Message::Text(t)) => vm.heap.alloc_str(t.as_str())?,
            Event::Message(m) => vm.new_uint8_array(&m.into_data())?,
            Event::Close(code, reason) => {
                let reason = vm.heap.alloc_str(&reason)?;
                return Ok(vec![made, Value::Num(code as f64), reason]);
            }
        };
        Ok(vec![made, second])
    };
    let ran = route_events::run(
        core,
        &opened.live,
        opened.route,
        which,
        false,
        args,
        |vm, _| keep_data(vm, ws.get(), socket).is_ok(),
        |vm, e| {
            driver::report(vm, "the WebSocket handler failed", &e);
            core.stats.borrow_mut().script_errors += 1;
            false
        },
    )
    .await;
    match ran {
        Ran::Absent => true,
        Ran::Done(ok) => ok,
        Ran::Poisoned => false,
    }
}

/// `ws.send(data)`: a string goes as a text message, bytes (an
/// `ArrayBuffer` or a view of one) as a binary one; false when the socket
/// is closed or closing.
fn send(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let message = message_arg(vm, arg(vm, a, 0))?;
    let sent = this_socket(vm, this)?.is_some_and(|s| s.send(message));
    Ok(Value::Bool(sent))
}

/// `ws.close([code[, reason]])`: 1000, or a code from 3000 to 4999, and a
/// reason of at most 123 bytes.
fn close(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let code = match arg(vm, a, 0) {
        Value::Undefined => 1000,
        v => {
            let n = vm.to_number(v)?;
            if !(n == 1000.0 || (3000.0..=4999.0).contains(&n)) || n.fract() != 0.0 {
                return Err(Interrupt::error(
                    ErrorKind::RangeError,
                    format!("ws.close(): the code is 1000 or from 3000 to 4999, got {n}"),
                ));
            }
            n as u16
        }
    };
    let mut reason = String::new();
    if !matches!(arg(vm, a, 1), Value::Undefined) {
        vm.write_string(arg(vm, a, 1), &mut reason)?;
    }
    if reason.len() > 123 {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "ws.close(): the reason is at most 123 bytes".to_string(),
        ));
    }
    if let Some(s) = this_socket(vm, this)? {
        s.close(code, &reason);
    }
    Ok(Value::Undefined)
}

/// What `send` and `publish` take: text or bytes.
fn message_arg(vm: &mut Vm, v: Value) -> Result<Message, Interrupt> {
    if v.is_string() {
        let mut text = String::new();
        vm.write_string(v, &mut text)?;
        return Ok(Message::text(text));
    }
    match vm.buffer_source_bytes(v) {
        Some(bytes) => Ok(Message::binary(bytes)),
        None => {
            Err(vm.type_error("a WebSocket message is a string, an ArrayBuffer or a typed array"))
        }
    }
}

fn topic_arg(vm: &mut Vm, a: Args) -> Result<String, Interrupt> {
    let v = arg(vm, a, 0);
    if !v.is_string() {
        return Err(vm.type_error("a topic is a string"));
    }
    let mut topic = String::new();
    vm.write_string(v, &mut topic)?;
    Ok(topic)
}

fn socket_id(vm: &mut Vm, this: Value) -> Result<u64, Interrupt> {
    let hidden = with_host(vm, |_, h| h.keys.socket_fields[0])?;
    match this {
        Value::Obj(o) => match vm.get_own(o, hidden) {
            Some(Value::Num(i)) => Ok(i as u64),
            _ => Err(vm.type_error("not a WebSocket (ws) object")),
        },
        _ => Err(vm.type_error("not a WebSocket (ws) object")),
    }
}

/// The socket `this` stands for, while it is open.
fn this_socket(vm: &mut Vm, this: Value) -> Result<Option<Rc<Socket>>, Interrupt> {
    Ok(socket_hub::find(socket_id(vm, this)?))
}
