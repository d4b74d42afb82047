//! The gateway's state on a VM (`Vm::host`): the routes being declared or
//! the request being served, and the response being built.

use super::router::Budget;
use vm::builtins::arg;
use vm::error::Interrupt;
use vm::state::{Args, Vm};
use vm::value::{ObjId, Value};

/// A route as declared by a script.
#[derive(Clone, Debug)]
pub struct RouteDecl {
    pub method: String,
    pub path: String,
    pub work: String,
    pub version: Option<String>,
    pub budget: Budget,
    /// The most bytes of a request body streamed to the handler, when the
    /// route streams its bodies (`.body({ stream: true, max })`).
    pub stream_body: Option<u64>,
    /// Its work's CORS policy (`.cors({ … })`).
    pub cors: Option<std::sync::Arc<super::cors::Cors>>,
    /// Its work's declared rate limit (`.limit({ … })`).
    pub limit: Option<std::sync::Arc<super::rate_limit::RouteLimit>>,
    /// Its work's declared response cache (`.cache({ … })`).
    pub cache: Option<std::sync::Arc<super::response_cache::CacheRule>>,
    /// `file:line` of the declaration.
    pub location: String,
    /// Its handler, once given (`None` for the file form).
    pub handler: Option<Value>,
    /// The module (index in the generation's graph) that declared it.
    pub module: Option<usize>,
    /// A module's `export default { fetch }` (the Workers format): the
    /// handler is called with a `Request`, `env` and a context.
    pub fetch: bool,
    /// The upstream it forwards to (`.proxy(prefix, upstream)`), as
    /// declared, and once resolved (`lib.rs`, `declare_routes`).
    pub proxy_decl: Option<super::proxy::ProxyDecl>,
    pub proxy: Option<std::sync::Arc<super::proxy::ProxyRoute>>,
    /// A static folder it serves (`.static(prefix, folder)`), as declared.
    pub static_folder: Option<super::static_files::StaticDecl>,
    /// A WebSocket endpoint (`.ws(path, handlers)`): its options.
    pub websocket: Option<std::sync::Arc<super::websocket::SocketOptions>>,
    /// Its functions besides the handler (route_events.rs): a WebSocket's
    /// `message` and `close` (`open` is the handler), a proxied route's
    /// `request` and `response` hooks.
    pub events: Option<[Value; 2]>,
    /// The `work()` that declared it (an index into `Host::works`).
    pub work_index: Option<usize>,
    /// The middleware in front of it, in order (`middleware::attach`),
    /// and where each was declared.
    pub middleware: Vec<Value>,
    pub middleware_at: Vec<String>,
}

pub struct WorkState {
    pub name: String,
    pub version: Option<String>,
    pub budget: Budget,
    /// `.body({ stream: true, max })`: its routes' request bodies reach
    /// the handler as a stream of at most this many bytes.
    pub stream_body: Option<u64>,
    /// `.cors({ … })`: its routes answer browsers' cross-origin requests.
    pub cors: Option<std::sync::Arc<super::cors::Cors>>,
    /// `.limit({ … })`: its routes are rate-limited before they run.
    pub limit: Option<std::sync::Arc<super::rate_limit::RouteLimit>>,
    /// `.cache({ … })`: its GET routes' answers are kept.
    pub cache: Option<std::sync::Arc<super::response_cache::CacheRule>>,
    /// Ordinal of the last route declared, which `.handle(fn)` completes.
    pub last_route: Option<usize>,
    /// Routes this work declared (register mode), to stamp the version on.
    pub routes: Vec<usize>,
}

/// Atoms and objects the natives need on every request, found once per VM.
#[derive(Default, Clone, Copy)]
pub struct HostKeys {
    /// The hidden property holding a builder's index into `Host::works`.
    pub work: vm::value::Atom,
    /// The prototype of `work()` builders.
    pub proto: Option<ObjId>,
    /// `status`, read from every object a handler returns.
    pub status: vm::value::Atom,
    /// The native behind every middleware's `next()`.
    pub next: Option<ObjId>,
    /// What a proxied route's middleware ends with when it has no
    /// `request` hook (`work::PASS_GLOBAL`).
    pub pass: Option<ObjId>,
    /// The names of `req`'s fields, in `REQUEST_FIELDS`' order.
    pub request_fields: [vm::value::Atom; 6],
    /// The prototype of WebSocket `ws` objects (socket_api.rs).
    pub socket_proto: Option<ObjId>,
    /// A `ws` object's hidden socket id, `id`, `remoteAddress`, `data`.
    pub socket_fields: [vm::value::Atom; 4],
}

/// The fields of a handler's `req` (`request_api::request_object`).
pub const REQUEST_FIELDS: [&str; 6] = ["method", "path", "body", "params", "query", "headers"];

impl HostKeys {
    pub fn find(vm: &mut Vm) -> HostKeys {
        let work = vm.heap.intern("__work");
        let f = vm
            .heap
            .lookup_atom("work")
            .and_then(|a| vm.get_own(vm.realm.global, a));
        let proto = f
            .and_then(|f| vm.get_field(f, vm.atoms.prototype).ok())
            .and_then(Value::as_obj);
        let status = vm.heap.intern("status");
        let hidden = |name: &str| {
            vm.heap
                .lookup_atom(name)
                .and_then(|a| vm.get_own(vm.realm.global, a))
                .and_then(Value::as_obj)
        };
        let next = hidden(super::work::NEXT_GLOBAL);
        let pass = hidden(super::work::PASS_GLOBAL);
        // Interned by the first Host a VM makes, while its modules declare
        // their routes: before its state is sealed, so they stay.
        let request_fields = REQUEST_FIELDS.map(|name| vm.heap.intern(name));
        let socket_proto = vm
            .heap
            .lookup_atom(super::socket_api::SOCKET_PROTO_GLOBAL)
            .and_then(|a| vm.get_own(vm.realm.global, a))
            .and_then(Value::as_obj);
        let socket_fields = super::socket_api::SOCKET_FIELDS.map(|n| vm.heap.intern(n));
        HostKeys {
            socket_proto,
            socket_fields,
            work,
            proto,
            status,
            next,
            pass,
            request_fields,
        }
    }
}

/// What the gateway natives act on while a script runs.
#[derive(Default)]
pub struct Host {
    pub keys: HostKeys,
    pub mode: Mode,
    /// Registrations seen so far in this run.
    pub ordinal: usize,
    /// Per `work()` call in this run: its name, version and last route.
    pub works: Vec<WorkState>,
    pub request: super::request_data::RequestData,
    pub response: ResponseState,
    /// The upstreams declared so far (register mode).
    pub upstreams: Vec<std::sync::Arc<super::upstream::Upstream>>,
    /// The `use()` calls seen so far (register mode).
    pub uses: Vec<super::middleware::Use>,
    /// The middleware chain of the request being served.
    pub chain: super::middleware::Chain,
}

pub enum Mode {
    /// Loading: collect every declared route.
    Register { routes: Vec<RouteDecl> },
    /// Serving: keep the handler of route `wanted`.
    Serve {
        wanted: usize,
        handler: Option<Value>,
    },
}

/// What the script asked of the response besides its value.
#[derive(Default, Clone, Debug)]
pub struct ResponseState {
    pub status: Option<u16>,
    /// Every one passed `fields::check` (`add_header`).
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
}

impl ResponseState {
    /// Adds a header a script set, once it passed `fields::check`; a
    /// `Content-Type` replaces the response's type.
    pub fn add_header(&mut self, name: String, value: String) -> Result<(), String> {
        super::fields::check(&name, &value)?;
        if name.eq_ignore_ascii_case("content-type") {
            self.content_type = Some(value);
        } else {
            self.headers.push((name, value));
        }
        Ok(())
    }
}

impl Host {
    pub fn new(vm: &mut Vm) -> Host {
        Host {
            keys: HostKeys::find(vm),
            ..Host::default()
        }
    }

    /// Prepares for serving route `wanted` of a script, reusing buffers.
    /// Inlined into the request path as while it was its only caller.
    #[inline(always)]
    pub fn begin_request(&mut self, wanted: usize) {
        self.mode = Mode::Serve {
            wanted,
            handler: None,
        };
        self.ordinal = 0;
        self.works.clear();
        self.response.status = None;
        self.response.headers.clear();
        self.response.content_type = None;
    }
}

impl Default for Mode {
    fn default() -> Mode {
        Mode::Register { routes: Vec::new() }
    }
}

/// Runs `f` with the host state, which natives borrow from the VM.
pub(crate) fn with_host<R>(
    vm: &mut Vm,
    f: impl FnOnce(&mut Vm, &mut Host) -> R,
) -> Result<R, Interrupt> {
    let Some(mut boxed) = vm.host.take() else {
        return Err(
            vm.type_error("request functions are only available while serving (kitwork serve)")
        );
    };
    let r = match boxed.downcast_mut::<Host>() {
        Some(h) => Ok(f(vm, h)),
        None => Err(vm.type_error("the host of this VM is not the gateway")),
    };
    vm.host = Some(boxed);
    r
}

pub(crate) fn string_arg(vm: &mut Vm, a: Args, i: usize) -> Result<String, Interrupt> {
    let mut s = String::new();
    vm.write_string(arg(vm, a, i), &mut s)?;
    Ok(s)
}
