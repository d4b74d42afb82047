//! Sparse arrays: the arrays one dense vector cannot express — holes, an
//! element with attributes of its own or an accessor, a non-writable
//! `length`, a length far past the elements — kept as ordinary properties
//! (`Class::SparseArray`), with the array exotic object's rules for
//! `length` and indices (ArraySetLength; an index at or past the length
//! moves it).
//!
//! A dense array turns sparse in place, once, when a script first does one
//! of those things; everything else keeps the dense vector and its fast
//! paths. `length` is always the first property.

use super::attrs::{self, Attrs};
use super::descriptor::Descriptor;
use super::error::{ErrorKind, Interrupt};
use super::heap::{Class, ElemsLock};
use super::state::Vm;
use super::value::{ObjId, Value};

/// Whether a dense array of `len` elements may grow by `gap` undefined
/// elements to reach an index or a length (each is a real slot): gaps up
/// to 1,024 or the array's own size, as V8 allows; past that it turns
/// sparse, so `a[4294967294] = x` costs one property, not 64 GiB.
#[inline]
pub fn dense_gap_fits(len: usize, gap: usize) -> bool {
    gap <= len.max(1024)
}

/// Budget units for one property-by-property step (a lookup, an index's
/// name interned): what a sparse array's and an array-like's loops charge.
/// At 32, `lastIndexOf(7)` on an array of length 10^9 with one element
/// stops at a 10 M budget (312,500 steps) in 0.04 s (`/usr/bin/time`,
/// this project's 2-core machine): about 130 ns a step, in line with
/// what the budget bounds a script's wall time to.
pub const PROPERTY_WORK: u64 = 32;

impl Vm {
    /// IsArray (there are no proxies): a dense or a sparse array.
    #[inline]
    pub fn is_array(&self, v: Value) -> bool {
        matches!(v, Value::Obj(o) if matches!(self.heap.obj(o).class, Class::Array | Class::SparseArray))
    }

    /// Turns array `id` sparse (nothing if it is already): its elements
    /// become index-named properties with the attributes the dense vector
    /// gave them all, ahead of its other properties, behind `length`.
    pub fn make_sparse(&mut self, id: ObjId) -> Result<(), Interrupt> {
        self.open_object(id)?;
        if self.heap.obj(id).class != Class::Array {
            return Ok(());
        }
        self.charge_work(self.heap.obj(id).elems.len() as u64 * PROPERTY_WORK)?;
        let elems = std::mem::take(&mut self.heap.obj_mut(id).elems);
        let lock = self.heap.obj(id).elems_lock;
        let (elem_at, length_at) = match lock {
            ElemsLock::Open => (attrs::PLAIN, attrs::HIDDEN | attrs::FIXED),
            ElemsLock::Sealed => (attrs::FIXED, attrs::HIDDEN | attrs::FIXED),
            ElemsLock::Frozen => (
                attrs::FIXED | attrs::READONLY,
                attrs::HIDDEN | attrs::FIXED | attrs::READONLY,
            ),
        };
        let mut props = Vec::with_capacity(elems.len() + 1 + self.heap.obj(id).props.len());
        let mut at: Vec<Attrs> = Vec::with_capacity(props.capacity());
        props.push((self.atoms.length, Value::Num(elems.len() as f64)));
        at.push(length_at);
        for (i, &v) in elems.iter().enumerate() {
            props.push((self.index_atom(i), v));
            at.push(elem_at);
        }
        let obj = self.heap.obj_mut(id);
        for i in 0..obj.props.len() {
            at.push(obj.attrs(i));
        }
        props.append(&mut obj.props);
        obj.props = props;
        obj.attrs = at;
        obj.reindex();
        obj.class = Class::SparseArray;
        obj.special = true;
        obj.elems_lock = ElemsLock::Open;
        Ok(())
    }

    /// A sparse array's length.
    #[inline]
    pub fn sparse_len(&self, id: ObjId) -> usize {
        let obj = self.heap.obj(id);
        debug_assert!(obj.props[0].0 == self.atoms.length);
        match obj.props[0].1 {
            Value::Num(n) => n as usize,
            _ => 0,
        }
    }

    /// Sets a sparse array's length (its first property), unchecked.
    pub(crate) fn set_sparse_len(&mut self, id: ObjId, len: usize) {
        self.heap.obj_mut(id).props[0].1 = Value::Num(len as f64);
    }

    /// Whether a sparse array's `length` may be written.
    fn sparse_length_writable(&self, id: ObjId) -> bool {
        self.heap.obj(id).attrs(0) & attrs::READONLY == 0
    }

    /// Before a new element `i` is added to sparse array `id`: refused
    /// when it lies at or past a `length` that may not change.
    pub(crate) fn sparse_check_new_index(&self, id: ObjId, i: usize) -> Result<(), Interrupt> {
        if i >= self.sparse_len(id) && !self.sparse_length_writable(id) {
            return Err(self.type_error(format!(
                "Cannot add property {i}, the array's length is read-only"
            )));
        }
        Ok(())
    }

    /// After element `i` of sparse array `id` was added: the length covers it.
    pub(crate) fn sparse_index_added(&mut self, id: ObjId, i: usize) {
        if i >= self.sparse_len(id) {
            self.set_sparse_len(id, i + 1);
        }
    }

    /// Spends budget on an access to a sparse array's element: a property
    /// lookup (hashed once it has many, heap.rs), not an indexed load.
    pub(crate) fn sparse_access_cost(&mut self) -> Result<(), Interrupt> {
        self.charge_work(PROPERTY_WORK)
    }

    /// ArraySetLength: `length` set to `value` by assignment (`d` is then
    /// the default), or by `Object.defineProperty` with descriptor `d`,
    /// whose attributes have been validated, on an array, which turns
    /// sparse if the dense vector cannot hold the result. Elements at or
    /// past the new length are deleted from the last; a non-configurable
    /// one stops the deletion there with a TypeError. An assignment to a
    /// read-only length fails even when it would not change it.
    pub(crate) fn array_set_length(
        &mut self,
        id: ObjId,
        value: Option<Value>,
        d: Descriptor,
        assigning: bool,
    ) -> Result<(), Interrupt> {
        let new_len = match value {
            Some(v) => Some(self.to_array_length(v)?),
            None => None,
        };
        let dense = self.heap.obj(id).class == Class::Array;
        if dense && d.writable != Some(false) {
            if let Some(n) = new_len {
                let cur = self.heap.obj(id).elems.len();
                if n <= cur || dense_gap_fits(cur, n - cur) {
                    return self.set_dense_length(id, n);
                }
            } else {
                return Ok(());
            }
        }
        self.make_sparse(id)?;
        let old = self.sparse_len(id);
        let writable = self.sparse_length_writable(id);
        let freeze = |vm: &mut Vm| {
            if d.writable == Some(false) {
                let at = vm.heap.obj(id).attrs(0);
                vm.heap.obj_mut(id).set_attrs(0, at | attrs::READONLY);
            }
        };
        if assigning && !writable {
            return Err(self.type_error("Cannot assign to read only property 'length' of object"));
        }
        let Some(new_len) = new_len.filter(|&n| n != old) else {
            freeze(self);
            return Ok(());
        };
        if !writable {
            return Err(self.type_error("Cannot assign to read only property 'length' of object"));
        }
        if new_len > old {
            self.set_sparse_len(id, new_len);
            freeze(self);
            return Ok(());
        }
        // The elements to delete, last first.
        let obj = self.heap.obj(id);
        let mut doomed: Vec<(usize, super::value::Atom)> = obj.props[1..]
            .iter()
            .filter_map(|&(k, _)| {
                let i = super::property::canonical_index(self.heap.atom_str(k))?;
                (i >= new_len).then_some((i, k))
            })
            .collect();
        self.charge_work(obj.props.len() as u64 + doomed.len() as u64)?;
        doomed.sort_unstable_by(|a, b| b.0.cmp(&a.0));
        for (i, k) in doomed {
            let obj = self.heap.obj(id);
            let at = obj.find(k).unwrap();
            if obj.attrs(at) & attrs::FIXED != 0 {
                self.set_sparse_len(id, i + 1);
                freeze(self);
                return Err(
                    self.type_error(format!("Cannot delete property '{i}' of [object Array]"))
                );
            }
            let moved = self.heap.obj(id).props.len() - at;
            if moved > super::heap::INDEX_AT {
                self.charge_work(moved as u64)?;
            }
            self.heap.obj_mut(id).remove_prop(at);
        }
        self.set_sparse_len(id, new_len);
        freeze(self);
        Ok(())
    }

    /// ToUint32(v), which must equal ToNumber(v): an array length.
    pub(crate) fn to_array_length(&mut self, v: Value) -> Result<usize, Interrupt> {
        let n = self.to_number(v)?;
        match super::number::as_index(n) {
            Some(len) => Ok(len),
            None if n == u32::MAX as f64 => Ok(u32::MAX as usize),
            None => Err(Interrupt::error(
                ErrorKind::RangeError,
                "Invalid array length",
            )),
        }
    }

    /// A dense array's length set to `len`, within the dense limit.
    fn set_dense_length(&mut self, id: ObjId, len: usize) -> Result<(), Interrupt> {
        let cur = self.heap.obj(id).elems.len();
        if len != cur {
            let o = self.heap.obj(id);
            if o.elems_lock == ElemsLock::Frozen
                || (len > cur && !o.extensible)
                || (len < cur && o.elems_lock == ElemsLock::Sealed)
            {
                return Err(
                    self.type_error("Cannot add or change an element of a frozen or sealed array")
                );
            }
        }
        if len > cur {
            self.heap.charge((len - cur) * super::heap::SLOT_COST)?;
        }
        self.heap.obj_mut(id).elems.resize(len, Value::Undefined);
        Ok(())
    }

    /// A hole in an array literal (`[1, , 3]`): the array turns sparse
    /// and its length grows past the missing element.
    pub(crate) fn literal_hole(&mut self, id: ObjId) -> Result<(), Interrupt> {
        self.make_sparse(id)?;
        let len = self.sparse_len(id);
        self.set_sparse_len(id, len + 1);
        Ok(())
    }

    /// Appends `values` to sparse array `id` (a literal's elements after a hole).
    pub(crate) fn sparse_push(&mut self, id: ObjId, values: &[Value]) -> Result<(), Interrupt> {
        self.heap.charge(values.len() * super::heap::SLOT_COST)?;
        for &v in values {
            let i = self.sparse_len(id);
            let a = self.index_atom(i);
            self.heap.obj_mut(id).push_prop(a, v, attrs::PLAIN);
            self.sparse_index_added(id, i);
        }
        Ok(())
    }

    /// `...src` in an array literal, whose array may have turned sparse.
    pub(crate) fn spread_into_literal(&mut self, id: ObjId, src: Value) -> Result<(), Interrupt> {
        if self.heap.obj(id).class == Class::Array {
            return self.spread_into(id, src);
        }
        let staging = self.new_array(&[])?.as_obj().unwrap();
        self.spread_into(staging, src)?;
        let values = std::mem::take(&mut self.heap.obj_mut(staging).elems);
        self.sparse_push(id, &values)
    }

    /// A new array of `slots`, `None` a hole: dense unless it has one.
    pub fn array_with_holes(&mut self, slots: &[Option<Value>]) -> Result<Value, Interrupt> {
        let first_hole = slots.iter().position(Option::is_none);
        let dense: Vec<Value> = slots[..first_hole.unwrap_or(slots.len())]
            .iter()
            .map(|v| v.unwrap())
            .collect();
        let arr = self.new_array(&dense)?;
        let Some(start) = first_hole else {
            return Ok(arr);
        };
        let id = arr.as_obj().unwrap();
        self.make_sparse(id)?;
        self.heap
            .charge((slots.len() - start) * super::heap::SLOT_COST)?;
        for (i, v) in slots.iter().enumerate().skip(start) {
            if let Some(v) = *v {
                let a = self.index_atom(i);
                self.heap.obj_mut(id).push_prop(a, v, attrs::PLAIN);
            }
        }
        self.set_sparse_len(id, slots.len());
        Ok(arr)
    }
}
