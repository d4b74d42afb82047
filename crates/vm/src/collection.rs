//! What `Map`, `Set`, `WeakMap` and `WeakSet` are made of: entries in
//! insertion order in the object's `elems` (`[key, value]` pairs for maps,
//! keys for sets; a deleted entry becomes a hole no script value equals),
//! found by key through a hash index beside (`Vm::collections`), under
//! SameValueZero (`NaN` equals `NaN`, `-0` is `+0`, strings by content).
//!
//! Iterators hold an entry position, so deleting leaves a hole rather than
//! moving the entries after it; the holes are squeezed out once they
//! outnumber the live entries (an iterator alive across that may skip or
//! repeat entries: docs/LANGUAGE.md).

use crate::error::Interrupt;
use crate::heap::{Class, Heap, SLOT_COST};
use crate::state::Vm;
use crate::value::{ObjId, Value};
use hashbrown::HashTable;
use std::hash::{BuildHasher, Hasher};

/// Which of the four a collection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionKind {
    Map,
    Set,
    WeakMap,
    WeakSet,
}

impl CollectionKind {
    /// Values per entry in `elems`.
    pub(crate) fn stride(self) -> usize {
        match self {
            CollectionKind::Map | CollectionKind::WeakMap => 2,
            CollectionKind::Set | CollectionKind::WeakSet => 1,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            CollectionKind::Map => "Map",
            CollectionKind::Set => "Set",
            CollectionKind::WeakMap => "WeakMap",
            CollectionKind::WeakSet => "WeakSet",
        }
    }
}

/// The hash index of one collection: entry numbers by their key's hash.
#[derive(Default)]
pub(crate) struct Index {
    table: HashTable<u32>,
    /// Entries deleted since the last squeeze (holes in `elems`).
    holes: usize,
}

/// The bytes a collection's entry costs against the memory budget
/// beyond its values: its slot in the index.
const INDEX_COST: usize = 8;

/// SameValueZero's hash: strings by content, `-0` as `+0`, every `NaN` alike.
fn hash(heap: &Heap, v: Value) -> u64 {
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    match v {
        Value::Atom(_) | Value::Str(_) => {
            h.write_u8(1);
            h.write(heap.str(v).unwrap_or("").as_bytes());
        }
        Value::Num(n) => {
            h.write_u8(2);
            let n = if n == 0.0 { 0.0 } else { n };
            h.write_u64(if n.is_nan() {
                f64::NAN.to_bits()
            } else {
                n.to_bits()
            });
        }
        Value::Obj(o) => {
            h.write_u8(3);
            h.write_u32(o.0);
        }
        Value::Symbol(a) => {
            h.write_u8(4);
            h.write_u32(a);
        }
        Value::Bool(b) => h.write_u8(5 + b as u8),
        Value::Undefined => h.write_u8(7),
        Value::Null => h.write_u8(8),
        Value::Cell(_) => unreachable!("cells are never keys"),
    }
    h.finish()
}

/// SameValueZero.
fn same(heap: &Heap, a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Atom(x), Value::Atom(y)) => x == y,
        (Value::Atom(_) | Value::Str(_), Value::Atom(_) | Value::Str(_)) => {
            heap.str(a) == heap.str(b)
        }
        (Value::Obj(x), Value::Obj(y)) => x == y,
        (Value::Symbol(x), Value::Symbol(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        _ => false,
    }
}

impl Vm {
    /// The hole a deleted entry leaves: the TDZ marker, which no script
    /// value can be.
    #[inline]
    pub(crate) fn collection_hole(&self) -> Value {
        Value::Symbol(self.atoms.uninit)
    }

    /// Whether `v` is a deleted entry's hole.
    #[inline]
    pub(crate) fn is_collection_hole(&self, v: Value) -> bool {
        matches!(v, Value::Symbol(s) if s == self.atoms.uninit)
    }

    /// `o` as a collection of `kind` (its index number), or None.
    pub(crate) fn collection_of(&self, o: Value, kind: CollectionKind) -> Option<(ObjId, u32)> {
        match o {
            Value::Obj(id) => match self.heap.obj(id).class {
                Class::Collection { index, kind: k } if k == kind => Some((id, index)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Makes the fresh object `o` (what `new` made) an empty collection.
    pub(crate) fn make_collection(&mut self, o: ObjId, kind: CollectionKind) {
        let index = self.collections.len() as u32;
        self.collections.push(Index::default());
        self.heap.obj_mut(o).class = Class::Collection { index, kind };
    }

    /// The entry number of `key` in collection `(o, index)`.
    pub(crate) fn collection_find(&self, o: ObjId, index: u32, key: Value) -> Option<usize> {
        self.find_hashed(o, index, key, hash(&self.heap, key))
    }

    /// `collection_find` with `key`'s hash `h` (put and delete use it again).
    fn find_hashed(&self, o: ObjId, index: u32, key: Value, h: u64) -> Option<usize> {
        let stride = self.collection_stride(o);
        let (heap, ix) = (&self.heap, &self.collections[index as usize]);
        let elems = &heap.obj(o).elems;
        ix.table
            .find(h, |&e| same(heap, elems[e as usize * stride], key))
            .map(|&e| e as usize)
    }

    fn collection_stride(&self, o: ObjId) -> usize {
        match self.heap.obj(o).class {
            Class::Collection { kind, .. } => kind.stride(),
            _ => unreachable!("a collection"),
        }
    }

    /// Adds `key` (with `value` for maps) or, for a map, replaces the
    /// value of the entry it has.
    pub(crate) fn collection_put(
        &mut self,
        o: ObjId,
        index: u32,
        key: Value,
        value: Value,
    ) -> Result<(), Interrupt> {
        // `-0` as a key is `+0`.
        let key = match key {
            Value::Num(n) if n == 0.0 => Value::Num(0.0),
            k => k,
        };
        let stride = self.collection_stride(o);
        let h = hash(&self.heap, key);
        if let Some(e) = self.find_hashed(o, index, key, h) {
            if stride == 2 {
                self.heap.obj_mut(o).elems[e * 2 + 1] = value;
            }
            return Ok(());
        }
        self.heap.charge(stride * SLOT_COST + INDEX_COST)?;
        let elems = &mut self.heap.obj_mut(o).elems;
        let e = (elems.len() / stride) as u32;
        elems.push(key);
        if stride == 2 {
            elems.push(value);
        }
        let (heap, ix) = (&self.heap, &mut self.collections[index as usize]);
        let elems = &heap.obj(o).elems;
        ix.table
            .insert_unique(h, e, |&x| hash(heap, elems[x as usize * stride]));
        Ok(())
    }

    /// Deletes `key`'s entry; whether there was one.
    pub(crate) fn collection_delete(&mut self, o: ObjId, index: u32, key: Value) -> bool {
        let h = hash(&self.heap, key);
        let Some(e) = self.find_hashed(o, index, key, h) else {
            return false;
        };
        let stride = self.collection_stride(o);
        let ix = &mut self.collections[index as usize];
        if let Ok(entry) = ix.table.find_entry(h, |&x| x as usize == e) {
            entry.remove();
        }
        ix.holes += 1;
        let hole = self.collection_hole();
        let elems = &mut self.heap.obj_mut(o).elems;
        for v in &mut elems[e * stride..(e + 1) * stride] {
            *v = hole;
        }
        let live = elems.len() / stride - self.collections[index as usize].holes;
        if self.collections[index as usize].holes > live.max(32) {
            self.collection_squeeze(o, index);
        }
        true
    }

    /// Removes every entry (leaving holes, so live iterators go on with
    /// entries added later).
    pub(crate) fn collection_clear(&mut self, o: ObjId, index: u32) {
        let hole = self.collection_hole();
        let elems = &mut self.heap.obj_mut(o).elems;
        let n = elems.len();
        elems.iter_mut().for_each(|v| *v = hole);
        let stride = self.collection_stride(o);
        let ix = &mut self.collections[index as usize];
        ix.table.clear();
        ix.holes = n / stride;
        if n / stride > 32 {
            self.collection_squeeze(o, index);
        }
    }

    /// Drops the holes and renumbers the entries.
    fn collection_squeeze(&mut self, o: ObjId, index: u32) {
        let stride = self.collection_stride(o);
        let uninit = self.atoms.uninit;
        let elems = &mut self.heap.obj_mut(o).elems;
        let mut kept = 0;
        for e in 0..elems.len() / stride {
            if !matches!(elems[e * stride], Value::Symbol(s) if s == uninit) {
                for k in 0..stride {
                    elems[kept * stride + k] = elems[e * stride + k];
                }
                kept += 1;
            }
        }
        elems.truncate(kept * stride);
        let (heap, ix) = (&self.heap, &mut self.collections[index as usize]);
        let elems = &heap.obj(o).elems;
        ix.table.clear();
        ix.holes = 0;
        for e in 0..kept {
            let h = hash(heap, elems[e * stride]);
            ix.table
                .insert_unique(h, e as u32, |&x| hash(heap, elems[x as usize * stride]));
        }
    }

    /// How many entries collection `(o, index)` has.
    pub(crate) fn collection_size(&self, o: ObjId, index: u32) -> usize {
        let stride = self.collection_stride(o);
        self.heap.obj(o).elems.len() / stride - self.collections[index as usize].holes
    }
}
