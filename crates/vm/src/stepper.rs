//! Built-ins that call back into the script, written as state machines
//! that run on the VM's own frames, so a callback may wait for I/O.
//!
//! A native that calls a callback through `call_function` runs it in a
//! nested loop on the Rust stack, which cannot be parked while the host
//! answers a `db()` or `http()`. A *stepping* built-in (`map`, `forEach`,
//! `sort`…) is instead a function of the VM's own whose code is
//!
//! ```text
//! 0: Step(1)    either calls a callee it set up and runs again when the
//!               callee returns, or pushes the result and jumps
//! 1: Return
//! ```
//!
//! Its state (the array, the index, the result being built) lives in its
//! frame's slots, where the collector sees it, and each callback is an
//! ordinary call from that frame: when it suspends, the whole run parks as
//! any other does, and when it returns, the next `Step` takes its result.
//! The budget is charged as for script code: the callee's length per call
//! of a script function, one instruction per call of a native (a loop's
//! length); a step's own work is O(1) (sort pays its n log n up front).

use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::{Function, Vm};
use crate::value::ObjId;
use lang::bytecode::{Label, Op};
use lang::source::{SourceFile, Span};
use std::rc::Rc;
use std::sync::{Arc, LazyLock};

/// One step of a stepping built-in, given its frame's `base` (slot 0; the
/// callee and `this` sit below it). Either it pushes a callee, its `this`
/// and `n` arguments and returns `Some(n)` (the loop calls it; its result
/// is on the stack, above the slots, at the next step), or it pushes the
/// built-in's result and returns `None`.
pub(crate) type StepFn = fn(&mut Vm, usize) -> Result<Option<usize>, Interrupt>;

/// The shape of a stepping built-in.
pub(crate) struct Stepper {
    pub name: &'static str,
    /// Its `length`.
    pub length: u16,
    /// Parameters it reads from slots `0..params`. The slot after them
    /// holds how many arguments the call passed (`reduce` needs to know
    /// whether an initial value was given, even `undefined`).
    pub params: u16,
    /// Slots in all: the parameters, the argument count, then its state
    /// (`undefined` at the first step).
    pub slots: u16,
    pub step: StepFn,
}

/// Where the VM's own functions say they come from (`at map (native)`).
static NATIVE_SOURCE: LazyLock<Arc<SourceFile>> = LazyLock::new(|| SourceFile::new("native", ""));

impl Vm {
    /// A new function object for `s`, to install in the realm.
    pub(crate) fn stepper(&mut self, s: Stepper) -> ObjId {
        debug_assert!(s.slots > s.params);
        let code: Box<[Op]> = Box::new([Op::Step(Label(1)), Op::Return]);
        debug_assert!(crate::load::verify_code(&code).is_ok());
        let fi = self.funcs.len() as u32;
        self.funcs.push(Rc::new(Function {
            name: s.name.to_string(),
            arity: s.params,
            length: s.length,
            has_rest: false,
            has_arguments: false,
            needs_fit: true,
            is_arrow: false,
            class_constructor: false,
            constructible: false,
            is_generator: false,
            is_async: false,
            slots: s.slots,
            spans: vec![Span::default(); code.len()].into_boxed_slice(),
            code,
            consts: Box::new([]),
            captures: Box::new([]),
            source: NATIVE_SOURCE.clone(),
            span: Span::default(),
            facts: Default::default(),
            step: Some(s.step),
        }));
        self.heap
            .alloc(Class::Closure(fi), Some(self.realm.function_proto))
            .expect("built-ins fit the budget")
    }
}
