//! Making a VM and loading programs into it: installing the built-ins,
//! linking a program (names to this VM's atoms, constants to values),
//! verifying its code for the dispatch loop, and resetting between runs.

use crate::builtins;
use crate::heap::Heap;
use crate::state::{Atoms, DEFAULT_SLICE, Function, Limits, Realm, Vm, WellKnown};
use crate::value::{Atom, ObjId, Value};
use lang::bytecode::{ConstIdx, FuncIdx, Label, Name, Op, Program};
use std::rc::Rc;

/// What `run_loop`'s unchecked instruction pointer relies on: every jump
/// lands inside `code`, and the last instruction never falls through.
pub(crate) fn verify_code(code: &[Op]) -> Result<(), String> {
    match code.last() {
        Some(
            Op::Return
            | Op::GenReturn(_)
            | Op::AsyncReturn(_)
            | Op::AsyncReject(_)
            | Op::Throw
            | Op::Jump(_),
        ) => {}
        last => return Err(format!("code ends with {last:?}")),
    }
    for (pc, op) in code.iter().enumerate() {
        if let Some(Label(t)) = op.jump_target() {
            if t as usize >= code.len() {
                return Err(format!("{pc}: {op:?} jumps past the end ({})", code.len()));
            }
        }
    }
    Ok(())
}

/// Rewrites a compiled op's program-local names and function indices for this VM.
pub(crate) fn relink(op: Op, names: &[Atom], base: u32) -> Op {
    let n = |x: Name| Name(names[x.0 as usize]);
    match op {
        Op::LoadGlobal(x) => Op::LoadGlobal(n(x)),
        Op::LoadGlobalUndef(x) => Op::LoadGlobalUndef(n(x)),
        Op::LoadGlobalOrUndef(x) => Op::LoadGlobalOrUndef(n(x)),
        Op::CheckInit(x) => Op::CheckInit(n(x)),
        Op::AssignConst(x) => Op::AssignConst(n(x)),
        Op::StoreGlobal(x) => Op::StoreGlobal(n(x)),
        Op::InitField(x) => Op::InitField(n(x)),
        Op::GetField(x) => Op::GetField(n(x)),
        Op::SetField(x) => Op::SetField(n(x)),
        Op::GetMethod(x) => Op::GetMethod(n(x)),
        Op::DeleteField(x) => Op::DeleteField(n(x)),
        Op::GetLocalField(s, x) => Op::GetLocalField(s, n(x)),
        Op::SetLocalField(s, x) => Op::SetLocalField(s, n(x)),
        Op::Closure(FuncIdx(i)) => Op::Closure(FuncIdx(base + i)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_code_rejects_what_the_instruction_pointer_cannot_run() {
        assert!(verify_code(&[Op::Undef, Op::Return]).is_ok());
        assert!(verify_code(&[Op::Jump(Label(0))]).is_ok());
        // Falling off the end.
        assert!(verify_code(&[]).is_err());
        assert!(verify_code(&[Op::Undef]).is_err());
        assert!(verify_code(&[Op::True, Op::JumpIfFalse(Label(0))]).is_err());
        // Jumping past it.
        assert!(verify_code(&[Op::Jump(Label(2)), Op::Return]).is_err());
        assert!(verify_code(&[Op::PushTry(Label(9)), Op::Undef, Op::Return]).is_err());
    }
}

impl Vm {
    pub fn new(limits: Limits) -> Vm {
        Vm::with_natives(limits, |_| {})
    }

    /// A VM whose realm also has the host's natives (the gateway's request
    /// accessors): `install` runs before the built-ins become read-only.
    pub fn with_natives(limits: Limits, install: impl FnOnce(&mut Vm)) -> Vm {
        let mut heap = Heap::new(usize::MAX);
        let atoms = Atoms {
            length: heap.intern("length"),
            prototype: heap.intern("prototype"),
            constructor: heap.intern("constructor"),
            name: heap.intern("name"),
            message: heap.intern("message"),
            stack: heap.intern("stack"),
            cause: heap.intern("cause"),
            to_string: heap.intern("toString"),
            value_of: heap.intern("valueOf"),
            to_json: heap.intern("toJSON"),
            last_index: heap.intern("lastIndex"),
            index: heap.intern("index"),
            input: heap.intern("input"),
            groups: heap.intern("groups"),
            home: heap.intern("%home"),
            then: heap.intern("then"),
            type_names: [
                "undefined",
                "object",
                "boolean",
                "number",
                "string",
                "function",
                "symbol",
            ]
            .map(|n| heap.intern(n)),
            symbols: WellKnown {
                iterator: heap.new_symbol(Some("Symbol.iterator")),
                async_iterator: heap.new_symbol(Some("Symbol.asyncIterator")),
                has_instance: heap.new_symbol(Some("Symbol.hasInstance")),
                to_primitive: heap.new_symbol(Some("Symbol.toPrimitive")),
                to_string_tag: heap.new_symbol(Some("Symbol.toStringTag")),
                species: heap.new_symbol(Some("Symbol.species")),
                is_concat_spreadable: heap.new_symbol(Some("Symbol.isConcatSpreadable")),
                unscopables: heap.new_symbol(Some("Symbol.unscopables")),
                match_: heap.new_symbol(Some("Symbol.match")),
                match_all: heap.new_symbol(Some("Symbol.matchAll")),
                replace: heap.new_symbol(Some("Symbol.replace")),
                search: heap.new_symbol(Some("Symbol.search")),
                split: heap.new_symbol(Some("Symbol.split")),
            },
            empty: heap.intern(""),
            uninit: heap.new_symbol(Some("uninitialised binding")),
        };
        let placeholder = ObjId(0);
        let mut vm = Vm {
            heap,
            stack: Vec::with_capacity(1024),
            frames: Vec::with_capacity(64),
            handlers: Vec::new(),
            generators: Vec::new(),
            collections: Vec::new(),
            regexps: Default::default(),
            jobs: std::collections::VecDeque::new(),
            job: None,
            unhandled: Vec::new(),
            unhandled_rejections: Default::default(),
            timers: Vec::new(),
            last_timer: 0,
            timers_outlive_result: true,
            root: true,
            fetches: Vec::new(),
            fetch_outbox: Vec::new(),
            next_fetch: 0,
            fetch_inbox: Default::default(),
            wait_until: Vec::new(),
            answered: false,
            streams: 0,
            answer_stream: None,
            request_body: None,
            funcs: Vec::new(),
            natives: Vec::new(),
            realm: Realm {
                global: placeholder,
                object_proto: placeholder,
                function_proto: placeholder,
                array_proto: placeholder,
                string_proto: placeholder,
                number_proto: placeholder,
                boolean_proto: placeholder,
                symbol_proto: placeholder,
                generator_proto: placeholder,
                async_generator_proto: placeholder,
                iterator_proto: placeholder,
                array_iterator_proto: placeholder,
                array_values: placeholder,
                array_iterator_next: placeholder,
                map_proto: placeholder,
                map_iterator_proto: placeholder,
                set_iterator_proto: placeholder,
                string_iterator_proto: placeholder,
                string_iterator: placeholder,
                string_iterator_next: placeholder,
                async_from_sync_proto: placeholder,
                date_proto: placeholder,
                query_proto: placeholder,
                http_proto: placeholder,
                kv_proto: placeholder,
                response_proto: placeholder,
                error_protos: [placeholder; 8],
                bound_native: u32::MAX,
                throw_type_error: placeholder,
                promise: placeholder,
                promise_proto: placeholder,
                promise_natives: Default::default(),
                regexp: placeholder,
                regexp_proto: placeholder,
                regexp_exec: placeholder,
                regexp_string_iterator_proto: placeholder,
                array_buffer: placeholder,
                array_buffer_proto: placeholder,
                typed_array: placeholder,
                typed_array_proto: placeholder,
                typed_array_ctors: [placeholder; 9],
                typed_array_protos: [placeholder; 9],
                dom_exception_proto: placeholder,
                url_proto: placeholder,
                search_params_proto: placeholder,
                headers_proto: placeholder,
                request_proto: placeholder,
                context_proto: placeholder,
                crypto_key_proto: placeholder,
                abort_signal_proto: placeholder,
                blob_proto: placeholder,
                file_proto: placeholder,
                form_data_proto: placeholder,
                abort_timeout: placeholder,
                wait_until_rejected: placeholder,
                web_response_proto: placeholder,
                stream_proto: placeholder,
                stream_reader_proto: placeholder,
                stream_controller_proto: placeholder,
                stream_iterator_proto: placeholder,
                stream_natives: Default::default(),
                module_evaluator: placeholder,
            },
            atoms,
            limits,
            fuel: limits.instructions,
            banked: 0,
            spare: 0,
            work_mark: 0,
            slice: DEFAULT_SLICE,
            exhausted: false,
            collector: false,
            roots: Vec::new(),
            fibers: 0,
            nested: 0,
            opaque: 0,
            constructing: false,
            resume_kind: crate::generator::Resume::Next,
            out: Box::new(std::io::stdout()),
            throw_trace: String::new(),
            scratch: String::new(),
            ascii_atoms: Vec::new(),
            rng: 0x2545_F491_4F6C_DD1D,
            json_path: Vec::new(),
            json_plain_keys: Vec::new(),
            host: None,
            deferred: Vec::new(),
            background: Vec::new(),
            pinned: Vec::new(),
            queries: Default::default(),
            kv_spare: Vec::new(),
            templates: Vec::new(),
            perm_collections: 0,
            graph_run: Default::default(),
        };
        builtins::install(&mut vm);
        vm.realm.module_evaluator = vm.module_evaluator_function();
        install(&mut vm);
        // The built-ins with a `prototype` are the realm's constructors.
        for i in 0..vm.heap.live_objects() {
            let id = ObjId(i as u32);
            if let crate::heap::Class::Native(n) = vm.heap.obj(id).class
                && vm.get_own(id, vm.atoms.prototype).is_some()
            {
                vm.natives[n as usize].construct = true;
            }
        }
        vm.heap.seal();
        vm.heap.limit = limits.memory;
        vm
    }

    /// Links a compiled program into this VM; returns its top-level function.
    /// Must be called between runs.
    pub fn load(&mut self, program: &Program) -> FuncIdx {
        self.reset();
        let names: Vec<Atom> = program.names.iter().map(|n| self.heap.intern(n)).collect();
        let base = self.funcs.len() as u32;
        for f in &program.functions {
            let code = f
                .code
                .iter()
                .map(|op| match relink(*op, &names, base) {
                    // A literal's pattern is compiled once, here.
                    Op::RegExp(p, fl) => {
                        let text = |c: ConstIdx| match &f.consts[c.0 as usize] {
                            lang::bytecode::Constant::Str(s) => s.as_str(),
                            lang::bytecode::Constant::Num(_) => "",
                        };
                        let i = self.compile_literal(text(p), text(fl));
                        Op::RegExp(ConstIdx(i), fl)
                    }
                    op => op,
                })
                .collect::<Vec<_>>()
                .into_boxed_slice();
            if let Err(why) = verify_code(&code) {
                // The compiler never emits such code; running it would read
                // past the end of `code` (see `run_loop`).
                panic!("compiler bug in {}: {why}", f.name);
            }
            let consts = f
                .consts
                .iter()
                .map(|c| match c {
                    lang::bytecode::Constant::Num(n) => Value::Num(*n),
                    lang::bytecode::Constant::Str(s) => Value::Atom(self.heap.intern(s)),
                })
                .collect();
            self.funcs.push(Rc::new(Function {
                name: f.name.clone(),
                arity: f.arity,
                length: f.length,
                has_rest: f.has_rest,
                has_arguments: f.has_arguments,
                needs_fit: f.has_rest || f.has_arguments || f.is_class_constructor,
                class_constructor: f.is_class_constructor,
                constructible: !f.is_arrow && !f.is_method && !f.is_generator && !f.is_async,
                is_generator: f.is_generator,
                is_async: f.is_async,
                is_arrow: f.is_arrow,
                slots: f.slots,
                code,
                consts,
                spans: f.spans.clone().into_boxed_slice(),
                captures: f.captures.clone().into_boxed_slice(),
                source: program.source.clone(),
                span: f.span,
                facts: f.facts,
                step: None,
            }));
        }
        self.heap.seal();
        FuncIdx(base)
    }

    /// Forgets everything the last run made (objects, strings, frames).
    /// Always inlined: a gateway request's reset (its most frequent call)
    /// cost 50 more instructions out of line once other paths (WebSocket
    /// events, proxy hooks) called it too (`loadtest/instructions.sh`).
    #[inline(always)]
    pub fn reset(&mut self) {
        self.json_plain_keys.truncate(self.heap.permanent_atoms());
        self.stack.clear();
        self.frames.clear();
        self.handlers.clear();
        self.generators.clear();
        self.collections.truncate(self.perm_collections);
        self.regexps.reset();
        self.jobs.clear();
        self.job = None;
        self.unhandled.clear();
        self.timers.clear();
        self.wait_until.clear();
        self.answered = false;
        self.streams = 0;
        self.answer_stream = None;
        self.clear_fetches();
        self.nested = 0;
        self.opaque = 0;
        self.deferred.clear();
        self.background.clear();
        self.pinned.clear();
        self.templates.clear();
        self.queries.reset();
        self.heap.reset();
        self.fuel = self.limits.instructions.min(self.slice);
        self.banked = self.limits.instructions - self.fuel;
        self.spare = 0;
        self.exhausted = false;
        self.work_mark = self.heap.charged;
        self.heap.limit = self.limits.memory;
    }
}
