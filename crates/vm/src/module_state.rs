//! The rule for what modules' top levels leave behind: it is shared by
//! every request a VM serves (`Heap::seal_state`), so a request may read it
//! but not change it. A change would be seen by later requests on this VM
//! only — not by the other VMs of the core, nor the other cores, nor the
//! next generation — so it is refused with a TypeError that says so.

use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::Vm;
use crate::value::{ObjId, Value};

/// What to do instead, said by every refusal.
const ALTERNATIVES: &str = "module state is read-only while serving: each core (and each of its VMs) loads modules once per generation and shares nothing, so a change would be seen by some later requests and not others. Keep per-request values inside the handler, and shared state in db()";

impl Vm {
    /// Before changing object `id`: refuses module state, and journals a
    /// built-in so `reset` puts it back (`Heap::open_builtin`).
    #[inline]
    pub(crate) fn open_object(&mut self, id: ObjId) -> Result<(), Interrupt> {
        // A RegExp's `lastIndex` is its matcher's cursor, which matching
        // moves (`replace` with a global pattern resets it): journaled like
        // a built-in's change and put back when the request ends.
        if self.heap.is_state(id) && !matches!(self.heap.obj(id).class, Class::RegExp(_)) {
            return Err(self.state_error("change an object made by a module's top level"));
        }
        self.heap.open_builtin(id);
        Ok(())
    }

    /// `Op::StoreTopUpval`: a store to the top level's own binding, which
    /// is module state (refused) once the file has loaded. Out of the
    /// dispatch loop, as the op is last in `Op`: added among the others it
    /// moved the loop's code and cost the object program 5 M instructions
    /// (callgrind), with no instruction of its own run.
    #[inline(never)]
    pub(crate) fn store_top_upval(&mut self, closure: ObjId, i: u16) -> Result<(), Interrupt> {
        let Value::Cell(c) = self.heap.obj(closure).elems[i as usize] else {
            unreachable!("an upvalue is a cell");
        };
        if self.heap.is_state_cell(c) {
            return Err(self.state_error("assign a module's top-level variable"));
        }
        let v = *self.stack.last().expect("the value stored");
        self.heap.set_cell(c, v);
        Ok(())
    }

    /// Refuses `what` when `v` is module state (built-ins with internal
    /// state that moves: iterators).
    #[inline]
    pub(crate) fn refuse_state(&self, v: Value, what: &str) -> Result<(), Interrupt> {
        match v {
            Value::Obj(o) if self.heap.is_state(o) => Err(self.state_error(what)),
            _ => Ok(()),
        }
    }

    /// Refuses a change to module state: "cannot `what`: …".
    #[cold]
    pub(crate) fn state_error(&self, what: &str) -> Interrupt {
        self.type_error(format!("cannot {what} during a request: {ALTERNATIVES}"))
    }
}

impl Vm {
    /// Makes everything the run so far made permanent module state: the
    /// heap's objects, cells and strings (`Heap::seal_state`), and the
    /// tables beside it that index them (collections' hash indexes,
    /// compiled RegExps).
    pub fn seal_state(&mut self) {
        self.heap.seal_state();
        self.perm_collections = self.collections.len();
        self.regexps.permanent = self.regexps.table.len();
    }
}
