//! The collector: a mark-and-sweep pass that lets a long run reuse the
//! objects and cells it no longer reaches.
//!
//! Most requests never need it: their heap dies whole at `reset`. But a
//! script run from the command line can loop a million times, and so can a
//! handler that walks a big result; without it every object such a run
//! ever made would stay until it ends (the handler benchmark touched 490 MB
//! that way, and a longer loop ends on the memory budget). So the VM
//! collects only where nothing but its own structures can hold a value:
//! between two instructions of a run loop, with no native on the Rust
//! stack that keeps values of its own (`Vm::opaque`; the array methods
//! that call back keep theirs where the collector looks), with no fiber
//! parked outside the VM, and only when the embedder asked for it
//! (`Vm::enable_collector`).
//! The check rides on the instruction budget's slow path, so the dispatch
//! loop pays nothing for it.
//!
//! A string buffer is reused once no live string points into it (short
//! strings share 16 KiB buffers, so one live string keeps its neighbours);
//! atoms are not reclaimed. A freed object keeps its buffers for the next
//! object in its slot, as after `reset`.

use super::heap::{Heap, Mark, OBJ_COST, SLOT_COST};
use super::state::Vm;
use super::value::Value;

/// Instructions between two looks at whether the heap is worth collecting,
/// for the embedders here (`kitwork run`, the gateway's workers): a look is
/// a few instructions, so this costs nothing measurable.
pub const COLLECT_EVERY: u64 = 4096;

impl Heap {
    /// A collection would now free enough to pay for itself: as many
    /// objects made as were live, or as many bytes charged (strings too).
    #[inline]
    pub fn wants_collection(&self) -> bool {
        let room = self.limit.saturating_sub(self.live_bytes);
        let growth = self
            .live_bytes
            .max(self.min_collection * OBJ_COST)
            .min(room / 2);
        self.made >= self.next_collection || self.used.saturating_sub(self.live_bytes) >= growth
    }

    /// Sets the least number of objects made between two collections (tests
    /// set it to 1 to collect at every chance).
    pub fn collect_every(&mut self, objects: usize) {
        self.min_collection = objects.max(1);
        self.next_collection = self.min_collection;
    }

    /// Marks `v` and queues the object it names for scanning. Indices past
    /// what this run made (a value a native left in a built-in during an
    /// earlier run) are ignored rather than trusted.
    fn mark(&mut self, v: Value) {
        match v {
            Value::Obj(id) => {
                let i = id.0 as usize;
                if i < self.perm_objs || i >= self.live_objs {
                    return;
                }
                let o = &mut self.objs[i];
                debug_assert!(!o.free, "a collected object {i} is still reachable");
                if !o.marked {
                    o.marked = true;
                    self.gray.push(id.0);
                }
            }
            Value::Cell(c) => {
                let c = c as usize;
                if self.cell_marks.get(c) == Some(&Mark::Unmarked) {
                    self.cell_marks[c] = Mark::Marked;
                    self.mark(self.cells[c]);
                }
            }
            Value::Str(s) => {
                if let Some(m) = self.buf_marks.get_mut(s.buf as usize) {
                    debug_assert!(*m != Mark::Free, "a string in a freed buffer");
                    *m = Mark::Marked;
                }
            }
            _ => {}
        }
    }

    /// Marks what the object in slot `i` holds.
    fn scan(&mut self, i: usize) {
        // Indexed: marking needs the heap mutably while reading the object.
        for k in 0..self.objs[i].props.len() {
            let v = self.objs[i].props[k].1;
            self.mark(v);
        }
        for k in 0..self.objs[i].elems.len() {
            let v = self.objs[i].elems[k];
            self.mark(v);
        }
        if let Some(p) = self.objs[i].proto {
            self.mark(Value::Obj(p));
        }
    }

    /// Marks everything reachable from `roots` and from the built-ins, then
    /// puts every unmarked object and cell of this run on its free list and
    /// takes what they cost off the memory budget. Returns how many objects
    /// it freed.
    pub fn collect(&mut self, roots: impl IntoIterator<Item = Value>) -> usize {
        self.cell_marks.resize(self.cells.len(), Mark::Unmarked);
        self.buf_marks.resize(self.live_bufs, Mark::Unmarked);
        // Built-ins are read-only to scripts, but a native may have stored a
        // run's value in one; scanning them is 235 objects (more with the
        // gateway's natives).
        for i in 0..self.perm_objs {
            self.scan(i);
        }
        for v in roots {
            self.mark(v);
        }
        while let Some(i) = self.gray.pop() {
            self.scan(i as usize);
        }

        let mut freed = 0;
        let mut credit = 0;
        // Highest first, so the free list hands out low slots first.
        for i in (self.perm_objs..self.live_objs).rev() {
            let o = &mut self.objs[i];
            if o.marked {
                o.marked = false;
            } else if !o.free {
                o.free = true;
                credit += OBJ_COST + SLOT_COST * (o.props.len() + o.elems.len());
                self.free_objs.push(i as u32);
                freed += 1;
            }
        }
        for c in (self.perm_cells..self.cells.len()).rev() {
            match self.cell_marks[c] {
                Mark::Marked => self.cell_marks[c] = Mark::Unmarked,
                Mark::Free => {}
                Mark::Unmarked => {
                    self.cell_marks[c] = Mark::Free;
                    credit += SLOT_COST;
                    self.free_cells.push(c as u32);
                }
            }
        }
        // A string buffer no live string points into is reused whole (not
        // the one small strings are being bumped into).
        for b in (self.perm_bufs..self.live_bufs).rev() {
            match self.buf_marks[b] {
                Mark::Marked => self.buf_marks[b] = Mark::Unmarked,
                Mark::Free => {}
                Mark::Unmarked if Some(b as u32) == self.small_buf => {}
                Mark::Unmarked => {
                    self.buf_marks[b] = Mark::Free;
                    credit += self.bufs[b].len();
                    self.free_bufs.push(b as u32);
                }
            }
        }
        // Charges count what was added, credits what is there now, so the
        // budget never goes below what the run really holds.
        self.used = self.used.saturating_sub(credit);
        let live = self.live_objs - self.perm_objs - self.free_objs.len();
        self.made = 0;
        self.next_collection = live.max(self.min_collection);
        self.live_bytes = self.used;
        freed
    }
}

impl Vm {
    /// Collects if it is asked for, pays off and is safe here: called
    /// between two instructions of a run loop, with the frame's pc saved.
    pub(crate) fn maybe_collect(&mut self) {
        if self.collector && self.opaque == 0 && self.fibers == 0 && self.heap.wants_collection() {
            self.collect_now();
        }
    }

    /// Collects with the VM's own structures as roots: the operand stack
    /// (which holds every frame's callee, `this`, locals and temporaries),
    /// the frames' closures, the closures `defer()` and `go()` keep and
    /// the values the embedder pinned.
    fn collect_now(&mut self) {
        // Copied into a list the VM keeps: marking needs the heap mutably
        // while the roots live in the VM.
        let mut roots = std::mem::take(&mut self.roots);
        roots.clear();
        roots.extend_from_slice(&self.stack);
        roots.extend_from_slice(&self.deferred);
        roots.extend_from_slice(&self.background);
        roots.extend_from_slice(&self.wait_until);
        roots.extend(self.answer_stream.map(Value::Obj));
        roots.extend(self.fetch_roots());
        roots.extend_from_slice(&self.pinned);
        roots.extend(self.graph_run.waiters.iter().map(|&(_, p)| Value::Obj(p)));
        roots.extend(self.templates.iter().map(|&(_, _, v)| v));
        roots.extend(self.frame_closures());
        for job in &self.jobs {
            roots.extend_from_slice(job.values());
        }
        roots.extend(self.unhandled.iter().map(|&p| Value::Obj(p)));
        for t in &self.timers {
            roots.extend_from_slice(&[t.callback, t.args]);
        }
        if let Some(run) = &self.job {
            roots.extend_from_slice(&run.values());
        }
        self.heap.collect(roots.iter().copied());
        self.roots = roots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Class;

    #[test]
    fn unreachable_objects_and_cells_are_reused_and_reachable_ones_kept() {
        let mut h = Heap::new(1 << 20);
        let builtin = h.alloc(Class::Object, None).unwrap();
        h.seal();
        let kept = h.alloc(Class::Object, None).unwrap();
        let child = h.alloc(Class::Array, None).unwrap();
        let garbage = h.alloc(Class::Object, None).unwrap();
        let cell = h.new_cell(Value::Obj(child)).unwrap();
        let dead_cell = h.new_cell(Value::Obj(garbage)).unwrap();
        h.obj_mut(kept).elems.push(Value::Cell(cell));
        let before = h.used;

        assert_eq!(h.collect([Value::Obj(kept)]), 1);
        assert_eq!(h.used, before - OBJ_COST - SLOT_COST);
        assert_eq!(h.live_objects(), 3);
        // The freed slot and cell come back first; the kept ones are intact.
        assert_eq!(h.alloc(Class::Object, None).unwrap(), garbage);
        assert_eq!(h.new_cell(Value::Null).unwrap(), dead_cell);
        assert!(matches!(h.cell(cell), Value::Obj(o) if o == child));
        assert!(h.is_permanent(builtin));

        // A second collection does not free (or credit) anything twice.
        let used = h.used;
        assert_eq!(h.collect([Value::Obj(kept), Value::Obj(garbage)]), 0);
        assert_eq!(h.used, used - SLOT_COST);
    }
}
