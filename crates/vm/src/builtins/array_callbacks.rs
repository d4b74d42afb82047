//! The array methods that call back into the script — `forEach`, `map`,
//! `filter`, `some`, `every`, the `find`s, the `reduce`s, `flatMap`,
//! Kitwork's `each`, `sort` and `toSorted` with a comparator, and
//! `Array.from` with a mapping function — as steppers (stepper.rs), so a
//! callback may wait for I/O: `ids.map((id) => db().table("users").where("id", id).first())`.
//!
//! The length is read once, before the first call, as the specification
//! says: elements a callback appends are not visited, and indices a
//! callback removes are skipped (or read as `undefined` by the `find`s).

use super::array::{collect_from, sort_items, sort_without_calls, writable_array};
use super::{callable, set};
use crate::error::Interrupt;
use crate::heap::{Class, SLOT_COST};
use crate::sparse_array::PROPERTY_WORK;
use crate::state::Vm;
use crate::stepper::Stepper;
use crate::value::{ObjId, Value};

/// What an element-by-element method does with each callback's result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    ForEach,
    Each,
    Map,
    Filter,
    Some,
    Every,
    Find,
    FindIndex,
    FindLast,
    FindLastIndex,
    Reduce,
    ReduceRight,
    FlatMap,
}

impl Kind {
    const ALL: [Kind; 13] = [
        Kind::ForEach,
        Kind::Each,
        Kind::Map,
        Kind::Filter,
        Kind::Some,
        Kind::Every,
        Kind::Find,
        Kind::FindIndex,
        Kind::FindLast,
        Kind::FindLastIndex,
        Kind::Reduce,
        Kind::ReduceRight,
        Kind::FlatMap,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::ForEach => "forEach",
            Kind::Each => "each",
            Kind::Map => "map",
            Kind::Filter => "filter",
            Kind::Some => "some",
            Kind::Every => "every",
            Kind::Find => "find",
            Kind::FindIndex => "findIndex",
            Kind::FindLast => "findLast",
            Kind::FindLastIndex => "findLastIndex",
            Kind::Reduce => "reduce",
            Kind::ReduceRight => "reduceRight",
            Kind::FlatMap => "flatMap",
        }
    }

    /// Visits from the last index down.
    fn backwards(self) -> bool {
        matches!(
            self,
            Kind::FindLast | Kind::FindLastIndex | Kind::ReduceRight
        )
    }

    /// Calls back for indices the array no longer has (with `undefined`).
    fn visits_missing(self) -> bool {
        matches!(
            self,
            Kind::Find | Kind::FindIndex | Kind::FindLast | Kind::FindLastIndex
        )
    }

    fn is_reduce(self) -> bool {
        matches!(self, Kind::Reduce | Kind::ReduceRight)
    }
}

// The slots of an element-by-element method's frame.
/// The callback.
const F: usize = 0;
/// Its `this` (the second argument), or `reduce`'s initial value.
const T: usize = 1;
/// How many arguments the call passed (stepper.rs).
const ARGC: usize = 2;
/// The array visited: `this`, or an array-like's elements copied up front.
const O: usize = 3;
const LEN: usize = 4;
/// The index visited; `undefined` before the first step.
const K: usize = 5;
/// The result being built, or `reduce`'s accumulator.
const ACC: usize = 6;
/// The element the running callback was given.
const V: usize = 7;
/// How many of `(value, index, array)` (`reduce`: `(acc, value, index,
/// array)`) each call passes: no more than a script callback declares, so
/// its frame takes them as they are.
const NARGS: usize = 8;
const SLOTS: u16 = 9;

pub fn install(vm: &mut Vm) {
    let ap = vm.realm.array_proto;
    macro_rules! element_methods {
        ($($kind:expr, $length:expr;)*) => {$({
            let s = vm.stepper(Stepper {
                name: $kind.name(),
                length: $length,
                params: 2,
                slots: SLOTS,
                step: element_step::<{ $kind as u8 }>,
            });
            set(vm, ap, $kind.name(), Value::Obj(s));
        })*};
    }
    element_methods! {
        Kind::ForEach, 1;
        Kind::Map, 1;
        Kind::Filter, 1;
        Kind::Some, 1;
        Kind::Every, 1;
        Kind::Find, 1;
        Kind::FindIndex, 1;
        Kind::FindLast, 1;
        Kind::FindLastIndex, 1;
        Kind::Reduce, 1;
        Kind::ReduceRight, 1;
        Kind::FlatMap, 1;
        Kind::Each, 1;
    }
    for (name, copy) in [("sort", false), ("toSorted", true)] {
        let step: crate::stepper::StepFn = if copy {
            |vm, base| sort_step(vm, base, true)
        } else {
            |vm, base| sort_step(vm, base, false)
        };
        let f = vm.stepper(Stepper {
            name,
            length: 1,
            params: 1,
            slots: SORT_SLOTS,
            step,
        });
        set(vm, ap, name, Value::Obj(f));
    }
    let from = vm.stepper(Stepper {
        name: "from",
        length: 1,
        params: 3,
        slots: FROM_SLOTS,
        step: from_step,
    });
    let array = vm.get_field(Value::Obj(ap), vm.atoms.constructor).unwrap();
    set(vm, array.as_obj().unwrap(), "from", Value::Obj(from));
}

#[inline]
fn slot_obj(vm: &Vm, at: usize) -> ObjId {
    match vm.stack[at] {
        Value::Obj(o) => o,
        _ => unreachable!("the stepper keeps an object here"),
    }
}

/// The frame's slots, bounds-checked once (the indices below are constants).
#[inline(always)]
fn slots(stack: &mut [Value], base: usize) -> &mut [Value; SLOTS as usize] {
    (&mut stack[base..base + SLOTS as usize])
        .try_into()
        .unwrap()
}

/// A slot the stepper keeps a number in.
#[inline(always)]
fn num(v: Value) -> f64 {
    match v {
        Value::Num(n) => n,
        _ => unreachable!("the stepper keeps a number here"),
    }
}

/// A slot the stepper keeps an index, a length or a count in: a whole
/// number it stored itself, so the conversion needs no saturating (a
/// third of the instructions `as usize` costs).
#[inline(always)]
fn count(v: Value) -> usize {
    let n = num(v);
    debug_assert!(n >= 0.0 && n.fract() == 0.0 && n < 9_007_199_254_740_992.0);
    n as i64 as usize
}

/// `step` for the kind numbered `KIND` (a function per kind, named in
/// profiles).
fn element_step<const KIND: u8>(vm: &mut Vm, base: usize) -> Result<Option<usize>, Interrupt> {
    step(vm, base, Kind::ALL[KIND as usize])
}

/// One step of an element-by-element method (see `StepFn`). The hot path
/// of `map` and `reduce`: one result taken, one element and its call set
/// up, with the slots bounds-checked once and the index converted once.
#[inline(always)]
fn step(vm: &mut Vm, base: usize, kind: Kind) -> Result<Option<usize>, Interrupt> {
    let top = base + SLOTS as usize;
    let k = if vm.stack.len() > top {
        let r = vm.stack[top];
        vm.stack.truncate(top);
        let s = slots(&mut vm.stack, base);
        let k = count(s[K]);
        match (kind, s[ACC]) {
            (Kind::ForEach | Kind::Each, _) => {}
            (Kind::Map, Value::Obj(out)) => {
                // Skipped indices (a callback shortened the array) stay
                // undefined; the length is made whole at the end.
                let elems = &mut vm.heap.obj_mut(out).elems;
                if elems.len() < k {
                    elems.resize(k, Value::Undefined);
                }
                elems.push(r);
            }
            (Kind::Reduce | Kind::ReduceRight, _) => s[ACC] = r,
            _ => {
                if let Some(done) = took(vm, base, kind, r)? {
                    vm.stack.push(done);
                    return Ok(None);
                }
            }
        }
        if !kind.backwards() {
            k + 1
        } else if k == 0 {
            return finish(vm, base, kind);
        } else {
            k - 1
        }
    } else {
        if matches!(vm.stack[base + K], Value::Undefined) {
            if let Some(done) = start(vm, base, kind)? {
                vm.stack.push(done);
                return Ok(None);
            }
        }
        count(vm.stack[base + K])
    };
    let this = vm.stack[base - 1];
    let s = slots(&mut vm.stack, base);
    let Value::Obj(arr) = s[O] else {
        unreachable!("the stepper keeps the array here")
    };
    let obj = vm.heap.obj(arr);
    if obj.class != Class::Array {
        return array_like_step(vm, base, kind, arr, k);
    }
    let elems = &obj.elems;
    // Past the end the method is done; indices a callback removed have no
    // element, and only the `find`s visit them.
    let there = elems.len();
    let k = if kind.backwards() {
        if k >= there && !kind.visits_missing() {
            if there == 0 {
                return finish(vm, base, kind);
            }
            there - 1
        } else {
            k
        }
    } else {
        if k >= count(s[LEN]) || (k >= there && !kind.visits_missing()) {
            return finish(vm, base, kind);
        }
        k
    };
    let v = elems.get(k).copied().unwrap_or(Value::Undefined);
    Ok(Some(set_up_call(vm, base, kind, this, k, v)))
}

/// Records index `k` and value `v` and pushes the callback's call; the
/// number of arguments it takes. The array argument is `this` as called.
/// All are written (a fixed-size copy) and those not passed dropped.
#[inline(always)]
fn set_up_call(vm: &mut Vm, base: usize, kind: Kind, this: Value, k: usize, v: Value) -> usize {
    let s = slots(&mut vm.stack, base);
    s[K] = Value::Num(k as f64);
    if matches!(kind, Kind::Filter | Kind::Find | Kind::FindLast) {
        s[V] = v;
    }
    let nargs = count(s[NARGS]);
    let at = base + SLOTS as usize;
    if kind.is_reduce() {
        let call = [s[F], Value::Undefined, s[ACC], v, s[K], this];
        vm.stack.extend_from_slice(&call);
    } else {
        let this_arg = if matches!(kind, Kind::Each) {
            Value::Undefined
        } else {
            s[T]
        };
        let call = [s[F], this_arg, v, s[K], this];
        vm.stack.extend_from_slice(&call);
    }
    vm.stack.truncate(at + 2 + nargs);
    nargs
}

/// `step` over an object that is not an array: each index is looked up
/// as it is reached, indices it does not have skipped (but by the `find`s),
/// as the specification does for array-likes.
#[cold]
#[inline(never)]
fn array_like_step(
    vm: &mut Vm,
    base: usize,
    kind: Kind,
    o: ObjId,
    mut k: usize,
) -> Result<Option<usize>, Interrupt> {
    let len = count(vm.stack[base + LEN]);
    loop {
        if !kind.backwards() && k >= len {
            return finish(vm, base, kind);
        }
        // A step over a missing index is work no call pays for.
        vm.charge_work(PROPERTY_WORK)?;
        if kind.visits_missing() || vm.has_property(Value::Obj(o), Value::Num(k as f64))? {
            break;
        }
        if kind.backwards() {
            if k == 0 {
                return finish(vm, base, kind);
            }
            k -= 1;
        } else {
            k += 1;
        }
    }
    let v = vm.get_index(Value::Obj(o), Value::Num(k as f64))?;
    let this = vm.stack[base - 1];
    Ok(Some(set_up_call(vm, base, kind, this, k, v)))
}

/// The object an array method works on and its length: an array itself,
/// or for anything else ToObject and its `length` (read once).
fn target_of(vm: &mut Vm, this: Value, kind: Kind) -> Result<(ObjId, usize), Interrupt> {
    if let Value::Obj(o) = this
        && vm.heap.obj(o).class == Class::Array
    {
        return Ok((o, vm.heap.obj(o).elems.len()));
    }
    if this.is_nullish() {
        return Err(vm.type_error(format!(
            "Array.prototype.{} called on null or undefined",
            kind.name()
        )));
    }
    let o = vm.to_object(this)?;
    let n = vm.get_field(Value::Obj(o), vm.atoms.length)?;
    let n = vm.to_number(n)?;
    Ok((o, crate::regexp::to_length(n).min(u32::MAX as usize)))
}

/// Checks `this` and the callback and sets the state up; a result when
/// there is nothing to call (`reduce` of one element).
#[inline(never)]
fn start(vm: &mut Vm, base: usize, kind: Kind) -> Result<Option<Value>, Interrupt> {
    let this = vm.stack[base - 1];
    let (arr, len) = target_of(vm, this, kind)?;
    vm.stack[base + O] = Value::Obj(arr);
    let f = callable(vm, vm.stack[base + F], kind.name())?;
    let all = if kind.is_reduce() { 4 } else { 3 };
    let nargs = match f {
        Value::Obj(o) => match vm.heap.obj(o).class {
            Class::Closure(fi) if !vm.funcs[fi as usize].needs_fit => {
                all.min(vm.funcs[fi as usize].arity as usize)
            }
            _ => all,
        },
        _ => all,
    };
    vm.stack[base + NARGS] = Value::Num(nargs as f64);
    vm.stack[base + LEN] = Value::Num(len as f64);
    // Going down, -1 is past the end.
    let mut k = if kind.backwards() {
        len as f64 - 1.0
    } else {
        0.0
    };
    match kind {
        Kind::Map => {
            // Room for every result, filled as they come: a collection
            // meanwhile scans only the results so far.
            vm.heap.charge(len * SLOT_COST)?;
            let out = vm.new_array(&[])?;
            vm.heap.obj_mut(out.as_obj().unwrap()).elems.reserve(len);
            vm.stack[base + ACC] = out;
        }
        Kind::Filter | Kind::FlatMap => vm.stack[base + ACC] = vm.new_array(&[])?,
        Kind::Reduce | Kind::ReduceRight => {
            if count(vm.stack[base + ARGC]) >= 2 {
                vm.stack[base + ACC] = vm.stack[base + T];
            } else if vm.heap.obj(arr).class != Class::Array {
                // The first index the object has is the initial value.
                loop {
                    if k < 0.0 || k >= len as f64 {
                        return Err(vm.type_error("Reduce of empty array with no initial value"));
                    }
                    vm.charge_work(PROPERTY_WORK)?;
                    if vm.has_property(Value::Obj(arr), Value::Num(k))? {
                        break;
                    }
                    k += if kind.backwards() { -1.0 } else { 1.0 };
                }
                vm.stack[base + ACC] = vm.get_index(Value::Obj(arr), Value::Num(k))?;
                k += if kind.backwards() { -1.0 } else { 1.0 };
            } else if len == 0 {
                return Err(vm.type_error("Reduce of empty array with no initial value"));
            } else {
                vm.stack[base + ACC] = vm.heap.obj(arr).elems[k as usize];
                k += if kind.backwards() { -1.0 } else { 1.0 };
            }
        }
        _ => {}
    }
    if k < 0.0 {
        return Ok(Some(result(vm, base, kind)));
    }
    vm.stack[base + K] = Value::Num(k);
    Ok(None)
}

/// What the method does with callback result `r` (the kinds `step` does
/// not handle inline); a result ends it.
#[inline(never)]
fn took(vm: &mut Vm, base: usize, kind: Kind, r: Value) -> Result<Option<Value>, Interrupt> {
    Ok(match kind {
        Kind::ForEach | Kind::Each | Kind::Map | Kind::Reduce | Kind::ReduceRight => {
            unreachable!("step takes these results itself")
        }
        Kind::Filter => {
            if vm.truthy(r) {
                vm.heap.charge(SLOT_COST)?;
                let (out, v) = (slot_obj(vm, base + ACC), vm.stack[base + V]);
                vm.heap.obj_mut(out).elems.push(v);
            }
            None
        }
        Kind::FlatMap => {
            let out = slot_obj(vm, base + ACC);
            match r {
                Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.spread_into(out, r)?,
                _ => {
                    vm.heap.charge(SLOT_COST)?;
                    vm.heap.obj_mut(out).elems.push(r);
                }
            }
            None
        }
        Kind::Some => vm.truthy(r).then_some(Value::Bool(true)),
        Kind::Every => (!vm.truthy(r)).then_some(Value::Bool(false)),
        Kind::Find | Kind::FindLast => vm.truthy(r).then(|| vm.stack[base + V]),
        Kind::FindIndex | Kind::FindLastIndex => vm.truthy(r).then(|| vm.stack[base + K]),
    })
}

/// Pushes the method's result once every element was visited.
fn finish(vm: &mut Vm, base: usize, kind: Kind) -> Result<Option<usize>, Interrupt> {
    if let (Kind::Map, Value::Obj(out)) = (kind, vm.stack[base + ACC]) {
        let len = count(vm.stack[base + LEN]);
        vm.heap.obj_mut(out).elems.resize(len, Value::Undefined);
        let source = vm.stack[base + O];
        if !matches!(source, Value::Obj(o) if vm.heap.obj(o).class == Class::Array) {
            map_holes(vm, base, source, out, len)?;
        }
    }
    let v = result(vm, base, kind);
    vm.stack.push(v);
    Ok(None)
}

/// `map` over a sparse array or an array-like: the indices the source
/// lacks are holes in the result too.
#[cold]
fn map_holes(
    vm: &mut Vm,
    base: usize,
    source: Value,
    out: ObjId,
    len: usize,
) -> Result<(), Interrupt> {
    vm.charge_work(len as u64 * PROPERTY_WORK)?;
    let mut slots = Vec::with_capacity(len);
    for i in 0..len {
        slots.push(if vm.has_property(source, Value::Num(i as f64))? {
            Some(vm.heap.obj(out).elems[i])
        } else {
            None
        });
    }
    if slots.iter().any(Option::is_none) {
        vm.stack[base + ACC] = vm.array_with_holes(&slots)?;
    }
    Ok(())
}

/// The method's result when no callback ended it.
fn result(vm: &Vm, base: usize, kind: Kind) -> Value {
    match kind {
        Kind::ForEach => Value::Undefined,
        Kind::Each => vm.stack[base - 1],
        Kind::Map | Kind::Filter | Kind::FlatMap | Kind::Reduce | Kind::ReduceRight => {
            vm.stack[base + ACC]
        }
        Kind::Some => Value::Bool(false),
        Kind::Every => Value::Bool(true),
        Kind::Find | Kind::FindLast => Value::Undefined,
        Kind::FindIndex | Kind::FindLastIndex => Value::Num(-1.0),
    }
}

// The slots of `sort` and `toSorted`: a bottom-up merge sort whose
// comparisons are calls. Runs of `width` elements of `SRC` are merged
// pairwise into `DST`, then the two swap and the width doubles.
/// The comparator; slot 1 holds the argument count (stepper.rs).
const CMP: usize = 0;
/// The array sorted in place, or the copy `toSorted` returns.
const TARGET: usize = 2;
const SRC: usize = 3;
const DST: usize = 4;
/// How many elements are sorted (the `undefined`s go last, uncompared).
const N: usize = 5;
const WIDTH: usize = 6;
/// The merge under way: `SRC[I..MID]` and `SRC[J..HI]` into `DST[OUT..]`.
const MID: usize = 7;
const HI: usize = 8;
const I: usize = 9;
const J: usize = 10;
const OUT: usize = 11;
/// How many `undefined`s go after the sorted elements.
const UNDEFINEDS: usize = 12;
/// The length sorted over: indices past the elements and the `undefined`s
/// were holes, which stay holes (at the end).
const SORT_LEN: usize = 13;
const SORT_SLOTS: u16 = 14;

/// One step of `sort` (or `toSorted`, which sorts a copy).
fn sort_step(vm: &mut Vm, base: usize, copy: bool) -> Result<Option<usize>, Interrupt> {
    let name = if copy { "toSorted" } else { "sort" };
    if vm.stack.len() > base + SORT_SLOTS as usize {
        let r = vm.stack.pop().unwrap();
        let n = vm.to_number(r)?;
        let (src, dst) = (slot_obj(vm, base + SRC), slot_obj(vm, base + DST));
        let (i, j, out) = (
            count(vm.stack[base + I]),
            count(vm.stack[base + J]),
            count(vm.stack[base + OUT]),
        );
        // The comparator was asked (right, left): the right element goes
        // first only when it is strictly smaller, which keeps the sort stable.
        let (from, slot) = if n < 0.0 { (j, J) } else { (i, I) };
        let v = vm.heap.obj(src).elems[from];
        vm.heap.obj_mut(dst).elems[out] = v;
        vm.stack[base + slot] = Value::Num((from + 1) as f64);
        vm.stack[base + OUT] = Value::Num((out + 1) as f64);
    } else if matches!(vm.stack[base + SRC], Value::Undefined) {
        if sort_start(vm, base, copy, name)? {
            return sort_finish(vm, base, copy, name);
        }
    }
    loop {
        let (src, dst) = (slot_obj(vm, base + SRC), slot_obj(vm, base + DST));
        let [mid, hi, i, j] = [MID, HI, I, J].map(|s| count(vm.stack[base + s]));
        if i < mid && j < hi {
            let (right, left) = (vm.heap.obj(src).elems[j], vm.heap.obj(src).elems[i]);
            let cmp = vm.stack[base + CMP];
            vm.stack
                .extend_from_slice(&[cmp, Value::Undefined, right, left]);
            return Ok(Some(2));
        }
        // One run is used up: the rest of the other follows as it is.
        let out = count(vm.stack[base + OUT]);
        for (k, from) in (i..mid).chain(j..hi).enumerate() {
            let v = vm.heap.obj(src).elems[from];
            vm.heap.obj_mut(dst).elems[out + k] = v;
        }
        let n = count(vm.stack[base + N]);
        let width = count(vm.stack[base + WIDTH]);
        if hi < n {
            merge_at(vm, base, hi, width, n);
        } else if 2 * width < n {
            vm.stack.swap(base + SRC, base + DST);
            vm.stack[base + WIDTH] = Value::Num((2 * width) as f64);
            merge_at(vm, base, 0, 2 * width, n);
        } else {
            vm.stack.swap(base + SRC, base + DST);
            return sort_finish(vm, base, copy, name);
        }
    }
}

/// Sets up the merge of the two runs of `width` starting at `lo`.
fn merge_at(vm: &mut Vm, base: usize, lo: usize, width: usize, n: usize) {
    let mid = (lo + width).min(n);
    let hi = (lo + 2 * width).min(n);
    for (slot, v) in [(MID, mid), (HI, hi), (I, lo), (J, mid), (OUT, lo)] {
        vm.stack[base + slot] = Value::Num(v as f64);
    }
}

/// Takes the elements to sort; true when they are sorted already (no
/// comparator, one the compiler proved numeric, or fewer than two).
fn sort_start(vm: &mut Vm, base: usize, copy: bool, name: &str) -> Result<bool, Interrupt> {
    let this = vm.stack[base - 1];
    let cmp = match vm.stack[base + CMP] {
        Value::Undefined => None,
        f => Some(callable(vm, f, name)?),
    };
    let (target, mut items, undefineds, len) = sort_items(vm, this, name, copy)?;
    vm.stack[base + TARGET] = target;
    vm.stack[base + SORT_LEN] = Value::Num(len as f64);
    let n = items.len();
    vm.stack[base + N] = Value::Num(n as f64);
    vm.stack[base + UNDEFINEDS] = Value::Num(undefineds as f64);
    if n < 2 || sort_without_calls(vm, &mut items, cmp)? {
        let src = vm.new_array(&items)?;
        vm.stack[base + SRC] = src;
        return Ok(true);
    }
    let src = vm.new_array(&items)?;
    let dst = vm.new_array(&items)?;
    vm.stack[base + SRC] = src;
    vm.stack[base + DST] = dst;
    vm.stack[base + WIDTH] = Value::Num(1.0);
    merge_at(vm, base, 0, 1, n);
    Ok(false)
}

/// Writes the sorted elements (then the `undefined`s) and pushes the result.
fn sort_finish(
    vm: &mut Vm,
    base: usize,
    copy: bool,
    name: &str,
) -> Result<Option<usize>, Interrupt> {
    let (target, src) = (vm.stack[base + TARGET], slot_obj(vm, base + SRC));
    let undefineds = count(vm.stack[base + UNDEFINEDS]);
    let mut items = std::mem::take(&mut vm.heap.obj_mut(src).elems);
    items.resize(items.len() + undefineds, Value::Undefined);
    let dense = matches!(target, Value::Obj(t) if vm.heap.obj(t).class == Class::Array);
    if !dense {
        // An array-like or a sparse array: written back index by index,
        // the holes deleted from the end.
        let len = count(vm.stack[base + SORT_LEN]);
        super::array_generic::write_back(vm, target, &items, len)?;
    } else {
        if !copy {
            writable_array(vm, target, name)?;
        }
        vm.heap.obj_mut(target.as_obj().unwrap()).elems = items;
    }
    vm.stack
        .push(if copy { target } else { vm.stack[base - 1] });
    Ok(None)
}

// The slots of `Array.from(items, mapFn, thisArg)`.
const FROM_ITEMS: usize = 0;
const FROM_MAP: usize = 1;
const FROM_THIS: usize = 2;
const FROM_OUT: usize = 4;
const FROM_K: usize = 5;
const FROM_SLOTS: u16 = 6;

/// One step of `Array.from`: the items are taken up front, then each is
/// replaced by what the mapping function makes of it.
fn from_step(vm: &mut Vm, base: usize) -> Result<Option<usize>, Interrupt> {
    let k = if vm.stack.len() > base + FROM_SLOTS as usize {
        let r = vm.stack.pop().unwrap();
        let (out, k) = (
            slot_obj(vm, base + FROM_OUT),
            count(vm.stack[base + FROM_K]),
        );
        vm.heap.obj_mut(out).elems[k] = r;
        k + 1
    } else {
        let f = vm.stack[base + FROM_MAP];
        if !matches!(f, Value::Undefined) {
            callable(vm, f, "Array.from")?;
        }
        let out = collect_from(vm, vm.stack[base + FROM_ITEMS])?;
        if matches!(f, Value::Undefined) {
            vm.stack.push(Value::Obj(out));
            return Ok(None);
        }
        vm.stack[base + FROM_OUT] = Value::Obj(out);
        0
    };
    let out = slot_obj(vm, base + FROM_OUT);
    let Some(&v) = vm.heap.obj(out).elems.get(k) else {
        vm.stack.push(Value::Obj(out));
        return Ok(None);
    };
    vm.stack[base + FROM_K] = Value::Num(k as f64);
    let (f, this_arg) = (vm.stack[base + FROM_MAP], vm.stack[base + FROM_THIS]);
    vm.stack
        .extend_from_slice(&[f, this_arg, v, Value::Num(k as f64)]);
    Ok(Some(2))
}
